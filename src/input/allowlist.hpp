/// \file
/// Source address allowlist: the exporters an RX path accepts datagrams from, as IPv4 and IPv6
/// CIDR prefixes. Built once at start-up; contains() is a short scan of masked 16-octet
/// compares, noexcept and allocation-free.
#pragma once

#include "common/result.hpp"
#include "net/endpoint.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::input {

/// Why a CIDR text was refused.
enum class cidr_error : std::uint8_t {
    bad_address, ///< the part before '/' is neither an IPv4 nor an IPv6 address
    bad_length,  ///< the prefix length is not a number in 0..32 (IPv4) or 0..128 (IPv6)
};

/// Stable snake_case name of \p e.
[[nodiscard]] const char* to_string(cidr_error e) noexcept;

/// One prefix: "192.0.2.0/24", "2001:db8::/32"; an address without "/len" is one host
/// (/32 or /128). Host bits set in the text are ignored ("192.0.2.7/24" = 192.0.2.0/24).
struct cidr {
    net::ip_address prefix;           ///< masked
    std::array<std::uint8_t, 16> mask{}; ///< 1 bits where the prefix applies
    std::uint8_t length = 0;

    /// Parses \p text. Thread: any.
    [[nodiscard]] static result<cidr, cidr_error> parse(std::string_view text) noexcept;

    /// True when \p a is of the prefix's family and inside it. Thread: any.
    [[nodiscard]] bool contains(const net::ip_address& a) const noexcept
    {
        if (a.fam != prefix.fam) {
            return false;
        }
        for (std::size_t i = 0; i < 16; ++i) {
            if ((a.bytes[i] & mask[i]) != prefix.bytes[i]) {
                return false;
            }
        }
        return true;
    }
};

/// A list of prefixes; empty allows every source. Immutable after construction.
/// Thread: any, for the const members.
class address_allowlist {
public:
    /// Allows every source.
    address_allowlist() = default;
    /// Parses every entry.
    /// @throws std::invalid_argument naming the first bad entry and why.
    /// Thread: start-up.
    explicit address_allowlist(const std::vector<std::string>& entries);

    /// True when the list is empty or \p a is inside one of its prefixes. An IPv4-mapped IPv6
    /// address (::ffff:a.b.c.d, from a dual-stack socket) is matched as the IPv4 address.
    /// Thread: any (read-only).
    [[nodiscard]] bool allows(const net::ip_address& a) const noexcept;

    [[nodiscard]] bool empty() const noexcept { return _entries.empty(); }
    [[nodiscard]] const std::vector<cidr>& entries() const noexcept { return _entries; }

private:
    std::vector<cidr> _entries;
};

/// \p a as plain IPv4 when it is an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else \p a.
/// Thread: any.
[[nodiscard]] net::ip_address unmap_v4(const net::ip_address& a) noexcept;

} // namespace udpn::input
