/// \file
/// Hand-built Ethernet frames for the dpdk-app tests: VLAN tags, IPv4 (with options and
/// fragments), IPv6 (with extension headers and fragments), UDP. Independent of the parser
/// under test: every field is written byte by byte here.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace udpn::dpdk::test {

using bytes = std::vector<std::uint8_t>;

inline void put16(bytes& b, std::size_t off, std::uint16_t v)
{
    b[off] = static_cast<std::uint8_t>(v >> 8);
    b[off + 1] = static_cast<std::uint8_t>(v);
}

inline void append16(bytes& b, std::uint16_t v)
{
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

inline void append(bytes& b, const bytes& tail)
{
    b.insert(b.end(), tail.begin(), tail.end());
}

inline bytes addr4(const char* text)
{
    bytes a(4);
    if (inet_pton(AF_INET, text, a.data()) != 1) {
        throw std::invalid_argument(std::string("bad IPv4 address ") + text);
    }
    return a;
}

inline bytes addr6(const char* text)
{
    bytes a(16);
    if (inet_pton(AF_INET6, text, a.data()) != 1) {
        throw std::invalid_argument(std::string("bad IPv6 address ") + text);
    }
    return a;
}

/// A VLAN tag: TPID (0x8100, 0x88a8, ...) and TCI.
struct vlan_tag {
    std::uint16_t tpid = 0x8100;
    std::uint16_t tci = 0;
};

/// Ethernet header (+ tags) around \p l3.
inline bytes ether(std::uint16_t ether_type, const bytes& l3,
                   const std::vector<vlan_tag>& tags = {})
{
    bytes f = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
    for (const vlan_tag& t : tags) {
        append16(f, t.tpid);
        append16(f, t.tci);
    }
    append16(f, ether_type);
    append(f, l3);
    return f;
}

/// UDP header + payload; checksum 0 (not checked by the receiver).
inline bytes udp(std::uint16_t sport, std::uint16_t dport, const bytes& payload)
{
    bytes d;
    append16(d, sport);
    append16(d, dport);
    append16(d, static_cast<std::uint16_t>(8 + payload.size()));
    append16(d, 0);
    append(d, payload);
    return d;
}

inline std::uint16_t ipv4_checksum(const bytes& hdr)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < hdr.size(); i += 2) {
        sum += static_cast<std::uint32_t>(hdr[i] << 8 | hdr[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum);
}

/// IPv4 header (IHL from \p options, padded to 4 octets) + \p payload.
/// @param frag  the flags/fragment offset field: MF = 0x2000, offset in 8-octet units
inline bytes ipv4(const char* src, const char* dst, std::uint8_t proto, const bytes& payload,
                  std::uint16_t id = 1, std::uint16_t frag = 0, const bytes& options = {})
{
    bytes opts = options;
    while (opts.size() % 4 != 0) {
        opts.push_back(0);
    }
    const std::size_t ihl = 20 + opts.size();
    bytes h = {static_cast<std::uint8_t>(0x40 | (ihl / 4)), 0};
    append16(h, static_cast<std::uint16_t>(ihl + payload.size()));
    append16(h, id);
    append16(h, frag);
    h.push_back(64);
    h.push_back(proto);
    append16(h, 0);
    append(h, addr4(src));
    append(h, addr4(dst));
    append(h, opts);
    put16(h, 10, ipv4_checksum(h));
    append(h, payload);
    return h;
}

/// IPv6 fixed header + \p payload (which starts with the header named by \p next).
inline bytes ipv6(const char* src, const char* dst, std::uint8_t next, const bytes& payload)
{
    bytes h = {0x60, 0, 0, 0};
    append16(h, static_cast<std::uint16_t>(payload.size()));
    h.push_back(next);
    h.push_back(64);
    append(h, addr6(src));
    append(h, addr6(dst));
    append(h, payload);
    return h;
}

/// A complete Ethernet/IPv4/UDP frame.
inline bytes udp4_frame(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                        const bytes& payload, const std::vector<vlan_tag>& tags = {})
{
    return ether(0x0800, ipv4(src, dst, 17, udp(sport, dport, payload)), tags);
}

/// A complete Ethernet/IPv6/UDP frame.
inline bytes udp6_frame(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
                        const bytes& payload, const std::vector<vlan_tag>& tags = {})
{
    return ether(0x86DD, ipv6(src, dst, 17, udp(sport, dport, payload)), tags);
}

/// Splits the UDP datagram \p datagram (header included) into IPv4 fragment frames whose
/// data parts are at most \p chunk octets (a multiple of 8), in order.
inline std::vector<bytes> udp4_fragments(const char* src, const char* dst, const bytes& datagram,
                                         std::size_t chunk, std::uint16_t id)
{
    std::vector<bytes> frames;
    for (std::size_t off = 0; off < datagram.size(); off += chunk) {
        const std::size_t n = std::min(chunk, datagram.size() - off);
        const bool more = off + n < datagram.size();
        const auto frag = static_cast<std::uint16_t>((more ? 0x2000 : 0) | (off / 8));
        const bytes part(datagram.begin() + static_cast<std::ptrdiff_t>(off),
                         datagram.begin() + static_cast<std::ptrdiff_t>(off + n));
        frames.push_back(ether(0x0800, ipv4(src, dst, 17, part, id, frag)));
    }
    return frames;
}

/// Same for IPv6: fragment header (next header UDP) right after the fixed header.
inline std::vector<bytes> udp6_fragments(const char* src, const char* dst, const bytes& datagram,
                                         std::size_t chunk, std::uint32_t id)
{
    std::vector<bytes> frames;
    for (std::size_t off = 0; off < datagram.size(); off += chunk) {
        const std::size_t n = std::min(chunk, datagram.size() - off);
        const bool more = off + n < datagram.size();
        bytes fh = {17, 0};
        append16(fh, static_cast<std::uint16_t>((off / 8) << 3 | (more ? 1 : 0)));
        append16(fh, static_cast<std::uint16_t>(id >> 16));
        append16(fh, static_cast<std::uint16_t>(id));
        fh.insert(fh.end(), datagram.begin() + static_cast<std::ptrdiff_t>(off),
                  datagram.begin() + static_cast<std::ptrdiff_t>(off + n));
        frames.push_back(ether(0x86DD, ipv6(src, dst, 44, fh)));
    }
    return frames;
}

/// Deterministic payload bytes.
inline bytes pattern(std::size_t n, std::uint8_t seed = 1)
{
    bytes p(n);
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = static_cast<std::uint8_t>(i * 131 + seed * 7 + (i >> 8));
    }
    return p;
}

} // namespace udpn::dpdk::test
