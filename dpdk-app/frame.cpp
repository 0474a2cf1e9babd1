#include "dpdk-app/frame.hpp"

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace udpn::dpdk {

namespace {

// Headers are copied out of the frame (memcpy) before their fields are read: the window may
// be a scratch copy or an mbuf at any offset, and DPDK's structs assume alignment.
template <typename Hdr> Hdr load(byte_span window, std::size_t off) noexcept
{
    Hdr h;
    std::memcpy(&h, window.data() + off, sizeof(Hdr));
    return h;
}

bool is_vlan_tpid(std::uint16_t ether_type) noexcept
{
    return ether_type == RTE_ETHER_TYPE_VLAN || ether_type == RTE_ETHER_TYPE_QINQ ||
           ether_type == RTE_ETHER_TYPE_QINQ1 || ether_type == RTE_ETHER_TYPE_QINQ2 ||
           ether_type == RTE_ETHER_TYPE_QINQ3;
}

frame_info& fail(frame_info& info, frame_kind kind) noexcept
{
    info.kind = kind;
    return info;
}

/// UDP header at \p off, inside an IP packet that ends at \p ip_end (RFC 768: Length covers
/// header and data, >= 8). A Length shorter than the IP payload leaves trailing octets that are
/// ignored; a Length past the IP payload is malformed.
frame_info& parse_udp(frame_info& info, byte_span window, std::size_t off,
                      std::size_t ip_end) noexcept
{
    if (off + sizeof(rte_udp_hdr) > ip_end || off + sizeof(rte_udp_hdr) > window.size()) {
        return fail(info, frame_kind::truncated);
    }
    const auto udp = load<rte_udp_hdr>(window, off);
    const std::size_t udp_len = rte_be_to_cpu_16(udp.dgram_len);
    if (udp_len < sizeof(rte_udp_hdr) || off + udp_len > ip_end) {
        return fail(info, frame_kind::truncated);
    }
    info.src.port = rte_be_to_cpu_16(udp.src_port);
    info.dst.port = rte_be_to_cpu_16(udp.dst_port);
    info.payload_offset = static_cast<std::uint32_t>(off + sizeof(rte_udp_hdr));
    info.payload_len = static_cast<std::uint32_t>(udp_len - sizeof(rte_udp_hdr));
    info.kind = frame_kind::udp;
    return info;
}

/// Checks the data part of a fragment the way rte_ip_frag needs it: non-empty, a multiple of
/// 8 octets unless it is the last, and ending within \p max_data octets: the rebuilt
/// datagram's 16-bit length field (IPv4 Total Length includes the header; IPv6 Payload Length
/// does not) would otherwise wrap. DPDK 22.11 does not check this itself.
bool fragment_fits(std::size_t offset_octets, std::size_t data_len, bool more,
                   std::size_t max_data) noexcept
{
    return data_len != 0 && (!more || data_len % 8 == 0) && offset_octets + data_len <= max_data;
}

frame_info& parse_ipv4(frame_info& info, byte_span window, std::size_t frame_len) noexcept
{
    const std::size_t l2 = info.l2_len;
    if (l2 + sizeof(rte_ipv4_hdr) > window.size()) {
        return fail(info, frame_kind::truncated);
    }
    const auto ip = load<rte_ipv4_hdr>(window, l2);
    // RFC 791: version 4, IHL in 32-bit words, at least 5; Total Length covers header and data.
    if ((ip.version_ihl >> 4) != 4) {
        return fail(info, frame_kind::truncated);
    }
    const std::size_t ihl =
        static_cast<std::size_t>(ip.version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
    const std::size_t total = rte_be_to_cpu_16(ip.total_length);
    if (ihl < sizeof(rte_ipv4_hdr) || l2 + ihl > window.size() || total < ihl ||
        l2 + total > frame_len) {
        return fail(info, frame_kind::truncated);
    }
    info.src.addr = net::ip_address::v4(reinterpret_cast<const std::uint8_t*>(&ip.src_addr));
    info.dst.addr = net::ip_address::v4(reinterpret_cast<const std::uint8_t*>(&ip.dst_addr));
    info.l3_len = static_cast<std::uint16_t>(ihl);
    info.ip_end = static_cast<std::uint32_t>(l2 + total);

    if (ip.next_proto_id != IPPROTO_UDP) {
        return fail(info, frame_kind::not_udp);
    }
    const std::uint16_t frag = rte_be_to_cpu_16(ip.fragment_offset);
    const bool more = (frag & RTE_IPV4_HDR_MF_FLAG) != 0;
    const std::size_t offset_octets =
        static_cast<std::size_t>(frag & RTE_IPV4_HDR_OFFSET_MASK) * RTE_IPV4_HDR_OFFSET_UNITS;
    if (more || offset_octets != 0) {
        return fail(info, fragment_fits(offset_octets, total - ihl, more, 65535 - ihl)
                              ? frame_kind::ipv4_fragment
                              : frame_kind::bad_fragment);
    }
    return parse_udp(info, window, l2 + ihl, l2 + total);
}

frame_info& parse_ipv6(frame_info& info, byte_span window, std::size_t frame_len) noexcept
{
    const std::size_t l2 = info.l2_len;
    if (l2 + sizeof(rte_ipv6_hdr) > window.size()) {
        return fail(info, frame_kind::truncated);
    }
    const auto ip = load<rte_ipv6_hdr>(window, l2);
    if ((rte_be_to_cpu_32(ip.vtc_flow) >> 28) != 6) {
        return fail(info, frame_kind::truncated);
    }
    // RFC 8200 §3: Payload Length counts extension headers and data. 0 (jumbogram, RFC 2675)
    // is not something a UDP-notif exporter sends; it reads as a packet without payload.
    const std::size_t end = l2 + sizeof(rte_ipv6_hdr) + rte_be_to_cpu_16(ip.payload_len);
    if (end > frame_len) {
        return fail(info, frame_kind::truncated);
    }
    info.src.addr = net::ip_address::v6(ip.src_addr);
    info.dst.addr = net::ip_address::v6(ip.dst_addr);
    info.ip_end = static_cast<std::uint32_t>(end);

    // RFC 8200 §4: walk the extension header chain up to UDP.
    std::uint8_t next = ip.proto;
    std::size_t off = l2 + sizeof(rte_ipv6_hdr);
    for (unsigned n = 0; n <= max_ipv6_ext_headers; ++n) {
        switch (next) {
        case IPPROTO_UDP:
            info.l3_len = static_cast<std::uint16_t>(off - l2);
            return parse_udp(info, window, off, end);
        case IPPROTO_HOPOPTS:
        case IPPROTO_ROUTING:
        case IPPROTO_DSTOPTS:
        case IPPROTO_AH: {
            if (off + 2 > end || off + 2 > window.size()) {
                return fail(info, frame_kind::truncated);
            }
            const std::size_t len = next == IPPROTO_AH
                                        ? (static_cast<std::size_t>(window[off + 1]) + 2) * 4
                                        : (static_cast<std::size_t>(window[off + 1]) + 1) * 8;
            next = window[off];
            off += len;
            if (off > end) {
                return fail(info, frame_kind::truncated);
            }
            break;
        }
        case IPPROTO_FRAGMENT: {
            if (off + sizeof(rte_ipv6_fragment_ext) > end ||
                off + sizeof(rte_ipv6_fragment_ext) > window.size()) {
                return fail(info, frame_kind::truncated);
            }
            const auto fh = load<rte_ipv6_fragment_ext>(window, off);
            const std::uint16_t data = rte_be_to_cpu_16(fh.frag_data);
            const bool more = RTE_IPV6_GET_MF(data) != 0;
            const std::size_t offset_octets =
                static_cast<std::size_t>(RTE_IPV6_GET_FO(data)) * RTE_IPV6_EHDR_FO_ALIGN;
            off += sizeof(rte_ipv6_fragment_ext);
            if (!more && offset_octets == 0) {
                // RFC 6946 atomic fragment: the whole datagram follows; keep walking.
                next = fh.next_header;
                break;
            }
            if (fh.next_header != IPPROTO_UDP) {
                return fail(info, frame_kind::not_udp);
            }
            info.l3_len = static_cast<std::uint16_t>(off - l2);
            // rte_ipv6_frag_reassemble_packet only finds a fragment header right after the
            // fixed header (rte_ipv6_frag_get_ipv6_fragment_header).
            if (info.l3_len != sizeof(rte_ipv6_hdr) + sizeof(rte_ipv6_fragment_ext)) {
                return fail(info, frame_kind::bad_fragment);
            }
            return fail(info, fragment_fits(offset_octets, end - off, more, 65535)
                                  ? frame_kind::ipv6_fragment
                                  : frame_kind::bad_fragment);
        }
        default: return fail(info, frame_kind::not_udp);
        }
    }
    return fail(info, frame_kind::not_udp);
}

} // namespace

frame_info parse_frame(byte_span window, std::size_t frame_len) noexcept
{
    frame_info info;
    window = window.first(std::min(window.size(), frame_len));
    if (window.size() < sizeof(rte_ether_hdr)) {
        return info; // truncated
    }
    const auto eth = load<rte_ether_hdr>(window, 0);
    std::uint16_t ether_type = rte_be_to_cpu_16(eth.ether_type);
    std::size_t l2 = sizeof(rte_ether_hdr);
    while (is_vlan_tpid(ether_type)) {
        if (info.n_vlan_tags == max_vlan_tags) {
            return fail(info, frame_kind::not_ip);
        }
        if (l2 + sizeof(rte_vlan_hdr) > window.size()) {
            return fail(info, frame_kind::truncated);
        }
        const auto vlan = load<rte_vlan_hdr>(window, l2);
        ether_type = rte_be_to_cpu_16(vlan.eth_proto);
        l2 += sizeof(rte_vlan_hdr);
        ++info.n_vlan_tags;
    }
    info.l2_len = static_cast<std::uint16_t>(l2);
    switch (ether_type) {
    case RTE_ETHER_TYPE_IPV4: return parse_ipv4(info, window, frame_len);
    case RTE_ETHER_TYPE_IPV6: return parse_ipv6(info, window, frame_len);
    default: return fail(info, frame_kind::not_ip);
    }
}

} // namespace udpn::dpdk
