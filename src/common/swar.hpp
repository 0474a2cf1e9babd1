/// \file
/// Eight octets at a time in one 64-bit word (SWAR): the byte tests the JSON scanners share
/// (the decoder's quote search, the key module's cursor, the envelope writer's escaping scan).
/// Each test sets the high bit of the bytes it flags. A borrow can only run from a byte to the
/// more significant ones, so the least significant flagged byte is always a true match and
/// flags above it may be false: callers use "any flag" (some byte matches) and first_flagged().
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace udpn::swar {

inline constexpr std::uint64_t ones = 0x0101010101010101ull;
inline constexpr std::uint64_t highs = 0x8080808080808080ull;

/// The 8 octets at \p p, any alignment (the caller guarantees they are readable).
[[nodiscard]] inline std::uint64_t load8(const void* p) noexcept
{
    std::uint64_t x;
    std::memcpy(&x, p, sizeof x);
    return x;
}

/// Flags the bytes of \p x equal to \p c.
[[nodiscard]] constexpr std::uint64_t bytes_equal(std::uint64_t x, unsigned char c) noexcept
{
    const std::uint64_t v = x ^ (ones * c);
    return (v - ones) & ~v & highs;
}

/// Flags the bytes of \p x below \p n (n <= 128).
[[nodiscard]] constexpr std::uint64_t bytes_below(std::uint64_t x, unsigned char n) noexcept
{
    return (x - ones * n) & ~x & highs;
}

/// Flags the bytes of \p x at or above 0x80 (exact for every byte).
[[nodiscard]] constexpr std::uint64_t bytes_non_ascii(std::uint64_t x) noexcept
{
    return x & highs;
}

/// Offset of the first byte in memory order that \p flags (non-zero, from a word load8() read)
/// marks: exact on a little-endian host, where the first byte in memory is the least
/// significant. On a big-endian host 0, and the caller checks the bytes from there (a true
/// match lies within the word).
[[nodiscard]] constexpr std::size_t first_flagged(std::uint64_t flags) noexcept
{
    if constexpr (std::endian::native == std::endian::little) {
        return static_cast<std::size_t>(std::countr_zero(flags)) / 8;
    } else {
        return 0;
    }
}

} // namespace udpn::swar
