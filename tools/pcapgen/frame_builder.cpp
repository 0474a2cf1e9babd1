#include "pcapgen/frame_builder.hpp"

#include <algorithm>
#include <stdexcept>

namespace udpn::pcapgen {
namespace {

constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr std::uint16_t ethertype_vlan = 0x8100;
constexpr std::uint8_t ip_proto_udp = 17;
constexpr std::uint8_t ipv6_next_fragment = 44;
constexpr std::uint8_t default_ttl = 64;

using net::ip_address;

std::size_t l2_len(const link_params& link) noexcept
{
    return ethernet_header_len + (link.vlan ? vlan_tag_len : 0u);
}

// Writes the Ethernet header (and VLAN tag); returns the offset of the L3 header.
std::size_t write_l2(std::uint8_t* out, const link_params& link, std::uint16_t ethertype) noexcept
{
    std::copy(link.dst_mac.begin(), link.dst_mac.end(), out);
    std::copy(link.src_mac.begin(), link.src_mac.end(), out + 6);
    std::size_t off = 12;
    if (link.vlan) {
        store_be16(out + off, ethertype_vlan);
        store_be16(out + off + 2, static_cast<std::uint16_t>(*link.vlan & 0x0fffu)); // PCP 0, DEI 0
        off += vlan_tag_len;
    }
    store_be16(out + off, ethertype);
    return off + 2;
}

void write_ipv4_header(std::uint8_t* ip, const ip_address& src, const ip_address& dst,
                       std::size_t total_len, std::uint16_t id, bool more_fragments,
                       std::size_t offset_octets) noexcept
{
    ip[0] = 0x45; // version 4, IHL 5 (no options)
    ip[1] = 0;    // DSCP/ECN
    store_be16(ip + 2, static_cast<std::uint16_t>(total_len));
    store_be16(ip + 4, id);
    // Flags: DF clear (fragmentation allowed), MF as asked; offset in 8-octet units.
    store_be16(ip + 6, static_cast<std::uint16_t>((more_fragments ? 0x2000u : 0u) |
                                                  ((offset_octets / 8) & 0x1fffu)));
    ip[8] = default_ttl;
    ip[9] = ip_proto_udp;
    store_be16(ip + 10, 0);
    std::copy_n(src.bytes.begin(), 4, ip + 12);
    std::copy_n(dst.bytes.begin(), 4, ip + 16);
    store_be16(ip + 10, ipv4_header_checksum(byte_span(ip, ipv4_header_len)));
}

void write_ipv6_header(std::uint8_t* ip, const ip_address& src, const ip_address& dst,
                       std::size_t payload_len, std::uint8_t next_header) noexcept
{
    ip[0] = 0x60; // version 6, traffic class 0, flow label 0
    ip[1] = 0;
    ip[2] = 0;
    ip[3] = 0;
    store_be16(ip + 4, static_cast<std::uint16_t>(payload_len));
    ip[6] = next_header;
    ip[7] = default_ttl;
    std::copy(src.bytes.begin(), src.bytes.end(), ip + 8);
    std::copy(dst.bytes.begin(), dst.bytes.end(), ip + 24);
}

// UDP header + payload with its checksum filled in.
std::vector<std::uint8_t> make_udp(const net::endpoint& src, const net::endpoint& dst,
                                   byte_span payload)
{
    std::vector<std::uint8_t> udp(udp_header_len + payload.size());
    store_be16(udp.data(), src.port);
    store_be16(udp.data() + 2, dst.port);
    store_be16(udp.data() + 4, static_cast<std::uint16_t>(udp.size()));
    store_be16(udp.data() + 6, 0);
    std::copy(payload.begin(), payload.end(), udp.begin() + udp_header_len);
    store_be16(udp.data() + 6, udp_checksum(src.addr, dst.addr, udp));
    return udp;
}

// Fragment data size: the largest multiple of 8 that fits after \p per_fragment_headers.
std::size_t fragment_chunk(std::size_t mtu, std::size_t per_fragment_headers) noexcept
{
    return mtu > per_fragment_headers + 8 ? (mtu - per_fragment_headers) / 8 * 8 : 8;
}

} // namespace

std::uint32_t checksum_add(std::uint32_t sum, byte_span data) noexcept
{
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    if (i < data.size()) {
        sum += static_cast<std::uint32_t>(data[i] << 8);
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) noexcept
{
    while (sum > 0xffffu) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffffu);
}

std::uint16_t ipv4_header_checksum(byte_span header) noexcept
{
    return checksum_finish(checksum_add(0, header));
}

std::uint16_t udp_checksum(const ip_address& src, const ip_address& dst, byte_span udp) noexcept
{
    std::uint32_t sum = 0;
    std::uint8_t tail[8] = {};
    if (src.is_v4()) {
        sum = checksum_add(sum, byte_span(src.bytes.data(), 4));
        sum = checksum_add(sum, byte_span(dst.bytes.data(), 4));
        // zero, protocol, UDP length (16 bits)
        tail[1] = ip_proto_udp;
        store_be16(tail + 2, static_cast<std::uint16_t>(udp.size()));
        sum = checksum_add(sum, byte_span(tail, 4));
    } else {
        sum = checksum_add(sum, byte_span(src.bytes.data(), 16));
        sum = checksum_add(sum, byte_span(dst.bytes.data(), 16));
        // upper-layer packet length (32 bits), three zero octets, next header
        store_be32(tail, static_cast<std::uint32_t>(udp.size()));
        tail[7] = ip_proto_udp;
        sum = checksum_add(sum, byte_span(tail, 8));
    }
    sum = checksum_add(sum, udp);
    const std::uint16_t c = checksum_finish(sum);
    // RFC 768: an all-zero result is transmitted as all ones (zero means "no checksum").
    return c == 0 ? 0xffff : c;
}

std::size_t max_udp_payload(ip_address::family fam, std::size_t mtu) noexcept
{
    const std::size_t headers =
        (fam == ip_address::family::v6 ? ipv6_header_len : ipv4_header_len) + udp_header_len;
    if (mtu <= headers) {
        return 0;
    }
    const std::size_t cap = fam == ip_address::family::v6 ? max_udp_payload_v6 : max_udp_payload_v4;
    return std::min(mtu - headers, cap);
}

std::size_t count_frames(ip_address::family fam, std::size_t payload_len, std::size_t mtu,
                         bool fragment) noexcept
{
    const bool v6 = fam == ip_address::family::v6;
    const std::size_t ip_len = v6 ? ipv6_header_len : ipv4_header_len;
    const std::size_t l4_len = udp_header_len + payload_len;
    if (!fragment || ip_len + l4_len <= mtu) {
        return 1;
    }
    const std::size_t chunk = fragment_chunk(mtu, ip_len + (v6 ? ipv6_fragment_header_len : 0u));
    return (l4_len + chunk - 1) / chunk;
}

std::vector<std::vector<std::uint8_t>>
build_udp_frames(const link_params& link, const net::endpoint& src, const net::endpoint& dst,
                 byte_span payload, std::uint32_t ip_id, std::size_t mtu, bool fragment)
{
    if (src.addr.fam != dst.addr.fam || src.addr.fam == ip_address::family::none) {
        throw std::invalid_argument("source and destination must be both IPv4 or both IPv6");
    }
    const bool v6 = src.addr.is_v6();
    if (payload.size() > (v6 ? max_udp_payload_v6 : max_udp_payload_v4)) {
        throw std::invalid_argument("UDP payload too large for one IP datagram");
    }
    const std::vector<std::uint8_t> udp = make_udp(src, dst, payload);
    const std::size_t l2 = l2_len(link);
    const std::size_t ip_len = v6 ? ipv6_header_len : ipv4_header_len;
    std::vector<std::vector<std::uint8_t>> frames;

    if (!fragment || ip_len + udp.size() <= mtu) {
        std::vector<std::uint8_t> f(l2 + ip_len + udp.size());
        const std::size_t l3 = write_l2(f.data(), link, v6 ? ethertype_ipv6 : ethertype_ipv4);
        if (v6) {
            write_ipv6_header(f.data() + l3, src.addr, dst.addr, udp.size(), ip_proto_udp);
        } else {
            write_ipv4_header(f.data() + l3, src.addr, dst.addr, ip_len + udp.size(),
                              static_cast<std::uint16_t>(ip_id), false, 0);
        }
        std::copy(udp.begin(), udp.end(), f.begin() + static_cast<std::ptrdiff_t>(l3 + ip_len));
        frames.push_back(std::move(f));
        return frames;
    }

    // RFC 791 / RFC 8200 §4.5: fragment the UDP header + payload; every fragment but the last
    // carries a multiple of 8 octets.
    const std::size_t frag_hdr = v6 ? ipv6_fragment_header_len : 0u;
    const std::size_t chunk = fragment_chunk(mtu, ip_len + frag_hdr);
    for (std::size_t off = 0; off < udp.size(); off += chunk) {
        const std::size_t n = std::min(chunk, udp.size() - off);
        const bool more = off + n < udp.size();
        std::vector<std::uint8_t> f(l2 + ip_len + frag_hdr + n);
        const std::size_t l3 = write_l2(f.data(), link, v6 ? ethertype_ipv6 : ethertype_ipv4);
        std::uint8_t* ip = f.data() + l3;
        if (v6) {
            write_ipv6_header(ip, src.addr, dst.addr, frag_hdr + n, ipv6_next_fragment);
            std::uint8_t* fh = ip + ipv6_header_len;
            fh[0] = ip_proto_udp; // next header after reassembly
            fh[1] = 0;            // reserved
            store_be16(fh + 2, static_cast<std::uint16_t>((off & 0xfff8u) | (more ? 1u : 0u)));
            store_be32(fh + 4, ip_id);
        } else {
            write_ipv4_header(ip, src.addr, dst.addr, ip_len + n, static_cast<std::uint16_t>(ip_id),
                              more, off);
        }
        std::copy_n(udp.begin() + static_cast<std::ptrdiff_t>(off), n,
                    f.begin() + static_cast<std::ptrdiff_t>(l3 + ip_len + frag_hdr));
        frames.push_back(std::move(f));
    }
    return frames;
}

} // namespace udpn::pcapgen
