// parse_frame() over hand-built frames: every layer, every way a frame can be skipped.
// Pure function over bytes: no EAL needed.
#include "dpdk-app/frame.hpp"

#include "frame_builder.hpp"

#include <gtest/gtest.h>

using namespace udpn;
using namespace udpn::dpdk;
using namespace udpn::dpdk::test;

namespace {

frame_info parse(const bytes& f)
{
    return parse_frame(byte_span(f.data(), f.size()), f.size());
}

} // namespace

TEST(FrameParser, ParsesIpv4Udp)
{
    const bytes payload = pattern(100);
    const bytes f = udp4_frame("192.0.2.1", 40000, "192.0.2.100", 10001, payload);
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.l2_len, 14);
    EXPECT_EQ(info.l3_len, 20);
    EXPECT_EQ(info.src.to_string(), "192.0.2.1:40000");
    EXPECT_EQ(info.dst.to_string(), "192.0.2.100:10001");
    EXPECT_EQ(info.payload_offset, 14u + 20 + 8);
    EXPECT_EQ(info.payload_len, 100u);
    EXPECT_EQ(info.ip_end, f.size());
    EXPECT_EQ(f[info.payload_offset], payload[0]);
}

TEST(FrameParser, ParsesIpv4WithOptions)
{
    const bytes f = ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2, pattern(10)), 7, 0,
                                       {0x94, 0x04, 0x00, 0x00})); // router alert
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.l3_len, 24);
    EXPECT_EQ(info.payload_offset, 14u + 24 + 8);
    EXPECT_EQ(info.payload_len, 10u);
}

TEST(FrameParser, ParsesIpv6Udp)
{
    const bytes f = udp6_frame("2001:db8::1", 5000, "2001:db8::100", 10001, pattern(64));
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.l3_len, 40);
    EXPECT_EQ(info.src.to_string(), "[2001:db8::1]:5000");
    EXPECT_EQ(info.dst.to_string(), "[2001:db8::100]:10001");
    EXPECT_EQ(info.payload_offset, 14u + 40 + 8);
    EXPECT_EQ(info.payload_len, 64u);
}

TEST(FrameParser, WalksIpv6ExtensionHeaders)
{
    // Hop-by-hop (8 octets) then destination options (16 octets) then UDP.
    bytes ext = {60, 0, 1, 4, 0, 0, 0, 0}; // HBH: next 60, len 0 -> 8 octets
    append(ext, {17, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // DSTOPTS: len 1 -> 16
    append(ext, udp(7, 8, pattern(20)));
    const bytes f = ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 0, ext));
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.l3_len, 40 + 8 + 16);
    EXPECT_EQ(info.payload_len, 20u);
    EXPECT_EQ(info.dst.port, 8);
}

TEST(FrameParser, ParsesVlanTaggedFrame)
{
    const bytes f = udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, pattern(5), {{0x8100, 100}});
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.n_vlan_tags, 1);
    EXPECT_EQ(info.l2_len, 18);
    EXPECT_EQ(info.payload_len, 5u);
}

TEST(FrameParser, ParsesQinQFrame)
{
    const bytes f =
        udp6_frame("2001:db8::1", 1, "2001:db8::2", 2, pattern(5), {{0x88A8, 10}, {0x8100, 20}});
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.n_vlan_tags, 2);
    EXPECT_EQ(info.l2_len, 22);
    EXPECT_EQ(info.payload_offset, 22u + 40 + 8);
}

TEST(FrameParser, UsesUdpLengthNotEthernetPadding)
{
    // A 2-octet payload makes a 44-octet frame; Ethernet pads it to 60 on the wire.
    bytes f = udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, {0xAA, 0xBB});
    const std::size_t ip_end = f.size();
    f.resize(60, 0);
    const frame_info info = parse(f);
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.payload_len, 2u);
    EXPECT_EQ(info.ip_end, ip_end);
}

TEST(FrameParser, IgnoresOctetsAfterUdpLengthInsideIpPayload)
{
    bytes l3 = ipv4("192.0.2.1", "192.0.2.2", 17, udp(1, 2, pattern(10)));
    // Grow the IP payload by 6 octets without touching the UDP Length.
    l3.resize(l3.size() + 6, 0xEE);
    put16(l3, 2, static_cast<std::uint16_t>(l3.size()));
    const frame_info info = parse(ether(0x0800, l3));
    ASSERT_EQ(info.kind, frame_kind::udp);
    EXPECT_EQ(info.payload_len, 10u);
}

TEST(FrameParser, ClassifiesNonIpAndNonUdp)
{
    EXPECT_EQ(parse(ether(0x0806, pattern(28))).kind, frame_kind::not_ip); // ARP
    EXPECT_EQ(parse(ether(0x8100, {})).kind, frame_kind::truncated);       // tag cut off
    EXPECT_EQ(parse(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, pattern(20)))).kind,
              frame_kind::not_udp); // TCP
    EXPECT_EQ(parse(ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 58, pattern(8)))).kind,
              frame_kind::not_udp); // ICMPv6
    // Five stacked tags: more than max_vlan_tags.
    const std::vector<vlan_tag> five(5, vlan_tag{0x8100, 1});
    EXPECT_EQ(parse(udp4_frame("10.0.0.1", 1, "10.0.0.2", 2, pattern(4), five)).kind,
              frame_kind::not_ip);
}

TEST(FrameParser, FlagsTruncatedAndMalformedFrames)
{
    const bytes good = udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, pattern(40));
    // Cut at every length shorter than the UDP header end: always truncated.
    for (std::size_t n = 0; n < 14 + 20 + 8; ++n) {
        const bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_EQ(parse(cut).kind, frame_kind::truncated) << "length " << n;
    }
    // IP Total Length past the frame end (payload cut off).
    const bytes short_payload(good.begin(), good.end() - 1);
    EXPECT_EQ(parse(short_payload).kind, frame_kind::truncated);

    bytes bad_ihl = good;
    bad_ihl[14] = 0x44; // IHL 4 (< 5)
    EXPECT_EQ(parse(bad_ihl).kind, frame_kind::truncated);

    bytes big_ihl = udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, pattern(4));
    big_ihl[14] = 0x4F; // IHL 15 = 60 octets, more than the 32-octet Total Length
    EXPECT_EQ(parse(big_ihl).kind, frame_kind::truncated);

    bytes bad_version = good;
    bad_version[14] = 0x65;
    EXPECT_EQ(parse(bad_version).kind, frame_kind::truncated);

    bytes total_below_ihl = good;
    put16(total_below_ihl, 14 + 2, 19);
    EXPECT_EQ(parse(total_below_ihl).kind, frame_kind::truncated);

    bytes udp_len_short = good;
    put16(udp_len_short, 14 + 20 + 4, 7); // UDP Length < 8
    EXPECT_EQ(parse(udp_len_short).kind, frame_kind::truncated);

    bytes udp_len_long = good;
    put16(udp_len_long, 14 + 20 + 4, 8 + 41); // one more than the IP payload holds
    EXPECT_EQ(parse(udp_len_long).kind, frame_kind::truncated);

    const bytes v6 = udp6_frame("2001:db8::1", 1, "2001:db8::2", 2, pattern(16));
    const bytes v6_cut(v6.begin(), v6.end() - 3);
    EXPECT_EQ(parse(v6_cut).kind, frame_kind::truncated);
    bytes v6_bad_version = v6;
    v6_bad_version[14] = 0x40;
    EXPECT_EQ(parse(v6_bad_version).kind, frame_kind::truncated);

    // IPv6 extension header that runs past the payload.
    bytes ext = {17, 9, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(parse(ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 60, ext))).kind,
              frame_kind::truncated);
}

TEST(FrameParser, ClassifiesIpv4Fragments)
{
    const bytes datagram = udp(40000, 10001, pattern(3000));
    const auto frags = udp4_fragments("192.0.2.1", "192.0.2.100", datagram, 1480, 77);
    ASSERT_EQ(frags.size(), 3u);
    for (const bytes& f : frags) {
        const frame_info info = parse(f);
        EXPECT_EQ(info.kind, frame_kind::ipv4_fragment);
        EXPECT_EQ(info.l2_len, 14);
        EXPECT_EQ(info.l3_len, 20);
        EXPECT_EQ(info.src.addr.to_string(), "192.0.2.1");
        EXPECT_EQ(info.ip_end, f.size());
    }
    // A TCP fragment is simply not UDP.
    EXPECT_EQ(parse(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, pattern(16), 1, 0x2000))).kind,
              frame_kind::not_udp);
    // Middle fragment whose length is not a multiple of 8; empty fragment; past 65535.
    EXPECT_EQ(parse(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, pattern(15), 1, 0x2000))).kind,
              frame_kind::bad_fragment);
    EXPECT_EQ(parse(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, {}, 1, 0x0001))).kind,
              frame_kind::bad_fragment);
    EXPECT_EQ(parse(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, pattern(16), 1, 0x1FFF))).kind,
              frame_kind::bad_fragment);
}

TEST(FrameParser, ClassifiesIpv6Fragments)
{
    const bytes datagram = udp(40000, 10001, pattern(3000));
    const auto frags = udp6_fragments("2001:db8::1", "2001:db8::100", datagram, 1448, 0x12345);
    ASSERT_EQ(frags.size(), 3u);
    for (const bytes& f : frags) {
        const frame_info info = parse(f);
        EXPECT_EQ(info.kind, frame_kind::ipv6_fragment);
        EXPECT_EQ(info.l3_len, 48);
        EXPECT_EQ(info.dst.addr.to_string(), "2001:db8::100");
    }
    // Atomic fragment (offset 0, M = 0, RFC 6946): an ordinary datagram.
    bytes atomic = {17, 0, 0, 0, 0, 0, 0, 9};
    append(atomic, udp(1, 2, pattern(12)));
    const frame_info a = parse(ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 44, atomic)));
    ASSERT_EQ(a.kind, frame_kind::udp);
    EXPECT_EQ(a.payload_len, 12u);
    EXPECT_EQ(a.l3_len, 48);
    // Fragment header after a hop-by-hop header: rte_ip_frag cannot take it.
    bytes late = {44, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 1, 0, 0, 0, 9};
    append(late, pattern(16));
    EXPECT_EQ(parse(ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 0, late))).kind,
              frame_kind::bad_fragment);
}

TEST(FrameParser, HeadersBeyondTheWindowAreTruncated)
{
    // 60 hop-by-hop octets x 8 headers push UDP past header_window... but max_ipv6_ext_headers
    // stops first; use one huge destination-options header instead.
    bytes ext = {17, 63}; // (63 + 1) * 8 = 512 octets
    ext.resize(512, 0);
    append(ext, udp(1, 2, pattern(8)));
    const bytes f = ether(0x86DD, ipv6("2001:db8::1", "2001:db8::2", 60, ext));
    const frame_info info = parse_frame(byte_span(f.data(), header_window), f.size());
    EXPECT_EQ(info.kind, frame_kind::truncated);
    // With the whole frame visible it parses: the limit is the window, nothing else.
    EXPECT_EQ(parse(f).kind, frame_kind::udp);
}
