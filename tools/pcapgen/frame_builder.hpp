/// \file
/// Hand-built Ethernet (optionally 802.1Q-tagged) / IPv4 or IPv6 / UDP frames with correct
/// checksums, and IP fragmentation at an MTU (IPv4 fragment offsets, IPv6 Fragment header,
/// RFC 791 / RFC 8200 §4.5). Used by udpnotif-pcapgen to write captures.
#pragma once

#include "common/bytes.hpp"
#include "net/endpoint.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace udpn::pcapgen {

using mac_address = std::array<std::uint8_t, 6>;

inline constexpr std::size_t ethernet_header_len = 14;
inline constexpr std::size_t vlan_tag_len = 4;
inline constexpr std::size_t ipv4_header_len = 20; ///< no IPv4 options are written
inline constexpr std::size_t ipv6_header_len = 40;
inline constexpr std::size_t ipv6_fragment_header_len = 8;
inline constexpr std::size_t udp_header_len = 8;
/// Largest UDP payload an IPv4 packet can carry (65535 - 20 - 8).
inline constexpr std::size_t max_udp_payload_v4 = 65507;
/// Largest UDP payload without an IPv6 jumbogram (65535 - 8).
inline constexpr std::size_t max_udp_payload_v6 = 65527;

/// Layer-2 part of every frame.
struct link_params {
    mac_address src_mac{};
    mac_address dst_mac{};
    /// 802.1Q VLAN ID (0..4095) to tag frames with; untagged when empty.
    std::optional<std::uint16_t> vlan;
};

/// Adds \p data to a one's-complement running sum (RFC 1071); odd lengths are padded with a
/// zero octet. Feed 16-bit-aligned pieces except the last.
[[nodiscard]] std::uint32_t checksum_add(std::uint32_t sum, byte_span data) noexcept;

/// Folds a running sum to 16 bits and complements it.
[[nodiscard]] std::uint16_t checksum_finish(std::uint32_t sum) noexcept;

/// IPv4 header checksum of \p header (RFC 791). The checksum field is summed as it is, so
/// zero it first.
[[nodiscard]] std::uint16_t ipv4_header_checksum(byte_span header) noexcept;

/// UDP checksum over the pseudo-header of \p src / \p dst (RFC 768 for IPv4, RFC 8200 §8.1
/// for IPv6) and \p udp (UDP header with a zero checksum field, then payload). A computed 0 is
/// sent as 0xffff.
[[nodiscard]] std::uint16_t udp_checksum(const net::ip_address& src, const net::ip_address& dst,
                                         byte_span udp) noexcept;

/// Largest UDP payload that fits one unfragmented IP packet of \p mtu octets (IP header
/// included), capped at the protocol maximum. 0 when \p mtu is too small for the headers.
[[nodiscard]] std::size_t max_udp_payload(net::ip_address::family fam, std::size_t mtu) noexcept;

/// How many frames build_udp_frames() writes for a datagram of \p payload_len octets.
[[nodiscard]] std::size_t count_frames(net::ip_address::family fam, std::size_t payload_len,
                                       std::size_t mtu, bool fragment) noexcept;

/// Builds the frame(s) carrying one UDP datagram from \p src to \p dst. When the IP packet
/// would exceed \p mtu and \p fragment is true, it is split into IP fragments (every fragment's
/// data a multiple of 8 octets but the last) with identification \p ip_id (low 16 bits for
/// IPv4). Otherwise one frame, whatever its size.
/// @throws std::invalid_argument when the addresses are of different or no family, or the
///         payload exceeds max_udp_payload_v4 / max_udp_payload_v6.
[[nodiscard]] std::vector<std::vector<std::uint8_t>>
build_udp_frames(const link_params& link, const net::endpoint& src, const net::endpoint& dst,
                 byte_span payload, std::uint32_t ip_id, std::size_t mtu, bool fragment);

} // namespace udpn::pcapgen
