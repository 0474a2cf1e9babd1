/// \file
/// Byte-span aliases and big-endian loads/stores from unaligned memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace udpn {

/// A read-only view of bytes (a datagram, a payload, a slice of either).
using byte_span = std::span<const std::uint8_t>;

/// Reads a big-endian 16-bit value from \p p (no alignment needed).
[[nodiscard]] inline std::uint16_t load_be16(const std::uint8_t* p) noexcept
{
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

/// Reads a big-endian 32-bit value from \p p (no alignment needed).
[[nodiscard]] inline std::uint32_t load_be32(const std::uint8_t* p) noexcept
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
           (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

/// Writes \p v big-endian at \p p.
inline void store_be16(std::uint8_t* p, std::uint16_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}

/// Writes \p v big-endian at \p p.
inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

} // namespace udpn
