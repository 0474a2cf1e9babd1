/// \file
/// IPv4/IPv6 address and UDP endpoint value types. Plain data: trivially copyable, hashable,
/// formatted into a caller's buffer (no allocation).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace udpn::net {

/// An IPv4 or IPv6 address. IPv4 keeps its 4 octets in bytes[0..3], the rest zero.
struct ip_address {
    enum class family : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

    family fam = family::none;
    std::array<std::uint8_t, 16> bytes{};

    /// From 4 octets in network order.
    [[nodiscard]] static ip_address v4(const std::uint8_t* octets) noexcept;
    /// From a host-order IPv4 value, e.g. 0x7f000001 for 127.0.0.1.
    [[nodiscard]] static ip_address v4(std::uint32_t host_order) noexcept;
    /// From 16 octets in network order.
    [[nodiscard]] static ip_address v6(const std::uint8_t* octets) noexcept;
    /// Parses "192.0.2.1" or "2001:db8::1"; family none when it is neither.
    [[nodiscard]] static ip_address parse(const char* text) noexcept;

    [[nodiscard]] bool is_v4() const noexcept { return fam == family::v4; }
    [[nodiscard]] bool is_v6() const noexcept { return fam == family::v6; }

    /// Writes the usual text form ("192.0.2.1", "2001:db8::1") NUL-terminated into \p out.
    /// @return characters written (without NUL), 0 when \p out is too small or family is none.
    std::size_t format(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const ip_address&, const ip_address&) = default;
};

/// An address and a UDP port (host order).
struct endpoint {
    ip_address addr;
    std::uint16_t port = 0;

    /// "192.0.2.1:5000" or "[2001:db8::1]:5000", NUL-terminated into \p out.
    /// @return characters written (without NUL), 0 when \p out is too small.
    std::size_t format(std::span<char> out) const noexcept;
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Longest text endpoint::format() can write, NUL included ("[" v6 "]:" 65535).
inline constexpr std::size_t endpoint_text_max = 48 + 2 + 6 + 1;

/// 64-bit mix of an address (for hash tables and routing). Deterministic across runs.
[[nodiscard]] std::uint64_t hash(const ip_address& a) noexcept;

} // namespace udpn::net
