/// \file
/// L2-L4 frame classification for the DPDK packet path: Ethernet, 802.1Q / 802.1ad tags,
/// IPv4 (options), IPv6 (extension headers), UDP. Field layouts are DPDK's own (rte_ether_hdr,
/// rte_vlan_hdr, rte_ipv4_hdr, rte_ipv6_hdr, rte_ipv6_fragment_ext, rte_udp_hdr).
///
/// The parser reads a contiguous window of the frame's first octets (see header_window) and
/// never allocates, throws or logs: every frame ends in one frame_kind, which the caller counts.
#pragma once

#include "common/bytes.hpp"
#include "net/endpoint.hpp"

#include <cstddef>
#include <cstdint>

namespace udpn::dpdk {

/// Octets of a frame the parser looks at: Ethernet, up to max_vlan_tags tags, IPv4 with options
/// or IPv6 with extension headers, UDP. Headers that reach past this window are counted as
/// frame_kind::truncated.
inline constexpr std::size_t header_window = 512;

/// Most stacked VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, legacy 0x9100/0x9200/0x9300).
inline constexpr unsigned max_vlan_tags = 4;

/// Most IPv6 extension headers walked before giving up (counted as not_udp).
inline constexpr unsigned max_ipv6_ext_headers = 8;

/// What a frame is, as far as the UDP-notif receiver cares.
enum class frame_kind : std::uint8_t {
    udp,           ///< a whole (unfragmented) UDP datagram: payload_offset/payload_len valid
    ipv4_fragment, ///< a fragment of an IPv4 UDP datagram, fit for rte_ipv4_frag_reassemble_packet
    ipv6_fragment, ///< a fragment of an IPv6 UDP datagram, fragment header right after the
                   ///< fixed header (what rte_ipv6_frag_reassemble_packet supports)
    bad_fragment,  ///< a fragment rte_ip_frag cannot take: empty, not a multiple of 8 octets
                   ///< before the last, past 65535 octets, or an IPv6 fragment header that is not
                   ///< the first extension header
    not_ip,        ///< EtherType is neither IPv4 nor IPv6 (after VLAN tags)
    not_udp,       ///< IP packet (or fragment) of another protocol
    truncated,     ///< too short for its headers, or a malformed/inconsistent header length
};

/// Result of parse_frame(). Offsets count from the first octet of the frame.
struct frame_info {
    frame_kind kind = frame_kind::truncated;
    std::uint8_t n_vlan_tags = 0;
    std::uint16_t l2_len = 0; ///< Ethernet header plus VLAN tags
    std::uint16_t l3_len = 0; ///< IPv4 header with options; IPv6 fixed header plus extension
                              ///< headers up to UDP (fragments: fixed + fragment header)
    std::uint32_t ip_end = 0; ///< l2_len + IP total length: octets after it are link padding
    /// Exporter and collector. Addresses are valid from the IP header on (fragments too);
    /// ports only for frame_kind::udp.
    net::endpoint src;
    net::endpoint dst;
    std::uint32_t payload_offset = 0; ///< UDP payload (kind udp)
    std::uint32_t payload_len = 0;    ///< UDP Length - 8: Ethernet padding is not included
};

/// Classifies one Ethernet frame.
/// @param window     the frame's first min(frame_len, header_window) octets, contiguous
/// @param frame_len  octets of the whole frame (mbuf pkt_len)
/// @return kind, header lengths, endpoints and where the UDP payload is.
/// Thread: any (pure function).
[[nodiscard]] frame_info parse_frame(byte_span window, std::size_t frame_len) noexcept;

} // namespace udpn::dpdk
