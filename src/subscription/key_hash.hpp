/// \file
/// Private to src/subscription: the key hash of the table and the sequence tracker, over the
/// shared fixed-capacity structures of common/fixed_index.hpp.
#pragma once

#include "common/fixed_index.hpp"
#include "net/endpoint.hpp"

#include <cstdint>
#include <cstring>

namespace udpn::subscription::detail {

using udpn::detail::fixed_index;
using udpn::detail::link;
using udpn::detail::link_list;
using udpn::detail::mix64;
using udpn::detail::npos;

/// Hash of (\p addr, \p id). Deterministic across runs: the tables are bounded and per worker,
/// so colliding keys only cost probe length, never memory.
[[nodiscard]] inline std::uint64_t hash_key(const net::ip_address& addr, std::uint32_t id) noexcept
{
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    std::memcpy(&w0, addr.bytes.data(), sizeof w0);
    std::memcpy(&w1, addr.bytes.data() + sizeof w0, sizeof w1);
    std::uint64_t h = mix64(w0 ^ (std::uint64_t{static_cast<std::uint8_t>(addr.fam)} << 56));
    return mix64(h ^ w1 ^ (std::uint64_t{id} << 7));
}

} // namespace udpn::subscription::detail
