/// \file
/// Counts heap allocations made through global operator new in this process, so tests and
/// benchmarks can prove a code path allocates nothing. Link alloc_counter_dep to enable it.
#pragma once

#include <cstdint>

namespace udpn::test {

/// Allocations made by any thread since the process started.
[[nodiscard]] std::uint64_t allocations() noexcept;

/// Allocations made during \p fn().
template <typename Fn>
std::uint64_t allocations_during(Fn&& fn)
{
    const std::uint64_t before = allocations();
    fn();
    return allocations() - before;
}

} // namespace udpn::test
