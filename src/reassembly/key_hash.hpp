/// \file
/// Private to src/reassembly: the key hash of the table and the gap tracker, over the shared
/// fixed-capacity structures of common/fixed_index.hpp.
#pragma once

#include "common/fixed_index.hpp"
#include "net/endpoint.hpp"

#include <cstdint>
#include <cstring>

namespace udpn::reassembly::detail {

using udpn::detail::fixed_index;
using udpn::detail::link;
using udpn::detail::link_list;
using udpn::detail::mix64;
using udpn::detail::next_pow2;
using udpn::detail::npos;

/// Hash of (\p addr, \p port, \p a, \p b). Deterministic across runs (no seed): the table is
/// bounded and per-thread, so collision flooding only costs probe length, never memory.
[[nodiscard]] inline std::uint64_t hash_key(const net::ip_address& addr, std::uint16_t port,
                                            std::uint32_t a, std::uint32_t b) noexcept
{
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    std::memcpy(&w0, addr.bytes.data(), sizeof w0);
    std::memcpy(&w1, addr.bytes.data() + sizeof w0, sizeof w1);
    std::uint64_t h = mix64(w0 ^ (std::uint64_t{static_cast<std::uint8_t>(addr.fam)} << 56));
    h = mix64(h ^ w1 ^ (std::uint64_t{port} << 1));
    h = mix64(h ^ ((std::uint64_t{a} << 32) | b));
    return h;
}

} // namespace udpn::reassembly::detail
