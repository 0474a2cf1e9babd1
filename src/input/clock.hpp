/// \file
/// The two clocks of the RX path: monotonic (reassembly timeouts, tick gating) and wall
/// (collection timestamps). Never mixed (STYLE.md §5). Sources read each once per burst.
#pragma once

#include <cstdint>
#include <ctime>

namespace udpn::input {

/// CLOCK_MONOTONIC in nanoseconds (vDSO, no syscall). Thread: any.
[[nodiscard]] inline std::uint64_t monotonic_ns() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

/// CLOCK_REALTIME in nanoseconds since the Unix epoch (vDSO, no syscall). Thread: any.
[[nodiscard]] inline std::uint64_t wall_ns() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace udpn::input
