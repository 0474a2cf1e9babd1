// Unit tests of the traffic tools' library code (tools/pcapgen, tools/send): time text,
// random draws, checksums, frames and fragments, payload sizes, traffic model, and a
// write-then-read pcap round trip through udpnotif-send's reader.

#include "pcapgen/frame_builder.hpp"
#include "pcapgen/payloads.hpp"
#include "pcapgen/pcap_writer.hpp"
#include "pcapgen/rng.hpp"
#include "pcapgen/time_text.hpp"
#include "pcapgen/traffic.hpp"
#include "pcapgen/traffic_cli.hpp"
#include "send/pcap_datagrams.hpp"
#include "send/sender.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace udpn;
using namespace udpn::pcapgen;

namespace {

constexpr std::uint64_t ns = 1'000'000'000ULL;

std::vector<std::uint8_t> bytes_of(std::initializer_list<int> v)
{
    std::vector<std::uint8_t> out;
    for (const int b : v) {
        out.push_back(static_cast<std::uint8_t>(b));
    }
    return out;
}

net::endpoint ep(const char* addr, std::uint16_t port)
{
    return {net::ip_address::parse(addr), port};
}

} // namespace

TEST(TimeText, FormatsMicrosecondsInUtc)
{
    EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(format_rfc3339(1772359200ULL * ns + 123'456'789), "2026-03-01T10:00:00.123456Z");
    EXPECT_EQ(format_rfc3339(951782400ULL * ns), "2000-02-29T00:00:00.000000Z"); // leap day
}

TEST(TimeText, ParsesRfc3339WithOffsetsAndEpochSeconds)
{
    EXPECT_EQ(parse_time("2026-03-01T10:00:00Z"), 1772359200ULL * ns);
    EXPECT_EQ(parse_time("2026-03-01T11:30:00+01:30"), 1772359200ULL * ns);
    EXPECT_EQ(parse_time("2026-03-01T10:00:00.25Z"), 1772359200ULL * ns + 250'000'000);
    EXPECT_EQ(parse_time("1772359200"), 1772359200ULL * ns);
    const std::uint64_t t = 1772359200ULL * ns + 654'321'000;
    EXPECT_EQ(parse_time(format_rfc3339(t)), t);
}

TEST(TimeText, RejectsMalformedTimes)
{
    for (const char* bad :
         {"", "2026-03-01", "2026-13-01T00:00:00Z", "2026-03-01T10:00:00", "2026-03-01T10:00:00.Z",
          "1969-12-31T23:59:59Z", "12:00", "2026-03-01T10:00:00Zjunk"}) {
        EXPECT_FALSE(parse_time(bad).has_value()) << bad;
    }
}

TEST(Rng, EngineIsTheStandardMt19937_64)
{
    // C++ [rand.predef]: the 10000th output of a default-constructed mt19937_64.
    std::mt19937_64 engine;
    engine.discard(9999);
    EXPECT_EQ(engine(), 9981545732273789042ULL);
}

TEST(Rng, BoundedDrawsStayInRange)
{
    rng r(7);
    for (int i = 0; i < 10000; ++i) {
        EXPECT_LT(r.below(10), 10u);
        const auto v = r.between(5, 9);
        EXPECT_GE(v, 5u);
        EXPECT_LE(v, 9u);
    }
    EXPECT_EQ(r.below(0), 0u);
    EXPECT_EQ(r.between(3, 3), 3u);
    EXPECT_FALSE(r.chance(0.0));
    EXPECT_TRUE(r.chance(1.0));
}

TEST(Rng, SameSeedSameStreamSameSequence)
{
    rng a(42, 3);
    rng b(42, 3);
    rng c(42, 4);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        differs = differs || x != c.next();
    }
    EXPECT_TRUE(differs);
}

TEST(Checksum, MatchesAKnownIpv4Header)
{
    // 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7
    auto h = bytes_of({0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7});
    EXPECT_EQ(ipv4_header_checksum(h), 0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    EXPECT_EQ(checksum_finish(checksum_add(0, h)), 0); // a correct header sums to 0xffff
}

TEST(FrameBuilder, BuildsOneTaggedIpv4FrameWithValidChecksums)
{
    link_params link;
    link.vlan = 100;
    const auto payload = bytes_of({1, 2, 3, 4, 5});
    const auto frames = build_udp_frames(link, ep("192.0.2.1", 40000), ep("192.0.2.100", 10001),
                                         payload, 0x1234, 1500, false);
    ASSERT_EQ(frames.size(), 1u);
    const auto& f = frames[0];
    ASSERT_EQ(f.size(), 14u + 4 + 20 + 8 + 5);
    EXPECT_EQ(load_be16(f.data() + 12), 0x8100);
    EXPECT_EQ(load_be16(f.data() + 14), 100);
    EXPECT_EQ(load_be16(f.data() + 16), 0x0800);
    const byte_span ip(f.data() + 18, 20);
    EXPECT_EQ(checksum_finish(checksum_add(0, ip)), 0);
    EXPECT_EQ(load_be16(f.data() + 18 + 4), 0x1234);
    const byte_span udp(f.data() + 38, 13);
    EXPECT_NE(load_be16(udp.data() + 6), 0);
    // Summed with its own checksum in place, a correct datagram folds to all ones, which
    // udp_checksum() reports as 0xffff.
    EXPECT_EQ(udp_checksum(net::ip_address::parse("192.0.2.1"),
                           net::ip_address::parse("192.0.2.100"), udp),
              0xffff);
}

TEST(FrameBuilder, FragmentsIpv4AtTheMtuInEightOctetUnits)
{
    std::vector<std::uint8_t> payload(4000, 0xab);
    const auto frames =
        build_udp_frames({}, ep("192.0.2.1", 1), ep("192.0.2.100", 2), payload, 7, 1500, true);
    ASSERT_EQ(frames.size(), count_frames(net::ip_address::family::v4, payload.size(), 1500, true));
    ASSERT_EQ(frames.size(), 3u);
    std::size_t expect_offset = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::uint8_t* ip = frames[i].data() + 14;
        const std::size_t data_len = load_be16(ip + 2) - 20u;
        const std::uint16_t flags = load_be16(ip + 6);
        EXPECT_LE(load_be16(ip + 2), 1500);
        EXPECT_EQ((flags & 0x1fffu) * 8u, expect_offset);
        EXPECT_EQ((flags & 0x2000u) != 0, i + 1 < frames.size());
        if (i + 1 < frames.size()) {
            EXPECT_EQ(data_len % 8, 0u);
        }
        EXPECT_EQ(checksum_finish(checksum_add(0, byte_span(ip, 20))), 0);
        expect_offset += data_len;
    }
    EXPECT_EQ(expect_offset, 8u + payload.size());
}

TEST(FrameBuilder, FragmentsIpv6WithAFragmentHeader)
{
    std::vector<std::uint8_t> payload(3000, 0x5a);
    const auto frames = build_udp_frames({}, ep("2001:db8::1", 1), ep("2001:db8::100", 2), payload,
                                         0xdeadbeef, 1280, true);
    ASSERT_EQ(frames.size(), 3u);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const std::uint8_t* ip = frames[i].data() + 14;
        EXPECT_EQ(ip[6], 44); // next header: Fragment
        EXPECT_LE(40u + load_be16(ip + 4), 1280u);
        const std::uint8_t* fh = ip + 40;
        EXPECT_EQ(fh[0], 17);
        EXPECT_EQ(load_be32(fh + 4), 0xdeadbeefu);
        EXPECT_EQ((load_be16(fh + 2) & 1u) != 0, i + 1 < frames.size());
    }
}

TEST(FrameBuilder, RejectsMixedFamiliesAndOversizePayloads)
{
    const std::vector<std::uint8_t> small(10);
    EXPECT_THROW(
        (void)build_udp_frames({}, ep("192.0.2.1", 1), ep("2001:db8::1", 2), small, 0, 1500, false),
        std::invalid_argument);
    const std::vector<std::uint8_t> big(max_udp_payload_v4 + 1);
    EXPECT_THROW(
        (void)build_udp_frames({}, ep("192.0.2.1", 1), ep("192.0.2.2", 2), big, 0, 1500, true),
        std::invalid_argument);
}

TEST(Payloads, PushUpdateHitsTheTargetSizeExactly)
{
    publisher_payloads pub({"pe1.example.net", 3, 1042}, notification_wrapper::envelope, 9);
    const std::string started = pub.subscription_started(1772359200ULL * ns);
    EXPECT_EQ(started.rfind("{\"ietf-yp-notification:envelope\":{\"event-time\":", 0), 0u);
    EXPECT_NE(started.find("\"sequence-number\":1,"), std::string::npos);
    for (const std::size_t target : {1500u, 4321u, 20000u}) {
        const std::string u = pub.push_update(1772359200ULL * ns, target, 0);
        EXPECT_EQ(u.size(), target);
        EXPECT_NE(u.find("\"ietf-yang-push:push-update\":{\"id\":1042"), std::string::npos);
    }
    EXPECT_EQ(pub.next_sequence_number(), 5u);
}

TEST(Payloads, LegacyWrapperCarriesEventTime)
{
    publisher_payloads pub({"pe1.example.net", 1, 7}, notification_wrapper::legacy, 1);
    const std::string u = pub.push_update(0, 0, 2);
    EXPECT_EQ(u.rfind("{\"ietf-notification:notification\":{\"eventTime\":", 0), 0u);
    EXPECT_EQ(u.find("hostname"), std::string::npos);
}

TEST(Traffic, GeneratesEveryMessageDeterministically)
{
    traffic_config cfg;
    cfg.n_exporters = 3;
    cfg.publishers_per_exporter = 2;
    cfg.messages_per_publisher = 4;
    cfg.size_min = 1000;
    cfg.size_max = 5000;
    cfg.ip = ip_mode::mix;
    const traffic a = generate_traffic(cfg);
    const traffic b = generate_traffic(cfg);
    EXPECT_EQ(a.n_messages, 24u);
    ASSERT_EQ(a.datagrams.size(), b.datagrams.size());
    for (std::size_t i = 0; i < a.datagrams.size(); ++i) {
        EXPECT_EQ(a.datagrams[i].payload, b.datagrams[i].payload);
        EXPECT_LE(a.datagrams[i].payload.size(),
                  max_udp_payload(a.exporters[a.datagrams[i].exporter].src.addr.fam, cfg.mtu));
    }
    EXPECT_TRUE(a.exporters[0].src.addr.is_v4());
    EXPECT_TRUE(a.exporters[1].src.addr.is_v6());
    EXPECT_EQ(a.exporters[1].dst.to_string(), "[2001:db8::100]:10001");
}

TEST(Traffic, ImpairmentsOnlyTouchTheDatagramsTheyHit)
{
    traffic_config cfg;
    cfg.messages_per_publisher = 20;
    const traffic clean = generate_traffic(cfg);
    cfg.loss = 0.2;
    const traffic lossy = generate_traffic(cfg);
    EXPECT_GT(lossy.n_lost, 0u);
    EXPECT_EQ(lossy.datagrams.size() + lossy.n_lost, clean.datagrams.size());
    cfg.loss = 0;
    cfg.duplicate = 0.3;
    cfg.reorder = 0.3;
    const traffic shuffled = generate_traffic(cfg);
    EXPECT_EQ(shuffled.datagrams.size(), clean.datagrams.size() + shuffled.n_duplicated);
}

TEST(Traffic, RejectsBadConfigs)
{
    traffic_config cfg;
    cfg.n_exporters = 0;
    EXPECT_FALSE(validate(cfg).empty());
    cfg = traffic_config{};
    cfg.loss = 1.5;
    EXPECT_FALSE(validate(cfg).empty());
    cfg = traffic_config{};
    cfg.ip_fragment = true;
    cfg.size_min = cfg.size_max = 70000;
    EXPECT_THROW((void)generate_traffic(cfg), std::invalid_argument);
}

TEST(TrafficCli, ParsesEndpointsAndRanges)
{
    EXPECT_EQ(parse_endpoint("192.0.2.100:10001").to_string(), "192.0.2.100:10001");
    EXPECT_EQ(parse_endpoint("[2001:db8::100]:5").to_string(), "[2001:db8::100]:5");
    EXPECT_FALSE(parse_endpoint("2001:db8::100:5").addr.is_v6());
    EXPECT_FALSE(parse_endpoint("192.0.2.1:0").addr.is_v4());
    traffic_options o;
    o.size = "2000,3000";
    o.dst = {"[::1]:9000", "127.0.0.1:9001"};
    const traffic_config cfg = to_config(o);
    EXPECT_EQ(cfg.size_min, 2000u);
    EXPECT_EQ(cfg.size_max, 3000u);
    EXPECT_EQ(cfg.dst_v6.port, 9000);
    EXPECT_EQ(cfg.dst_v4.port, 9001);
    o.size = "3000,2000";
    EXPECT_THROW((void)to_config(o), std::invalid_argument);
}

TEST(PcapRoundTrip, SendReaderGetsBackEveryDatagramThroughFragmentsAndTags)
{
    traffic_config cfg;
    cfg.n_exporters = 2;
    cfg.ip = ip_mode::mix;
    cfg.ip_fragment = true;
    cfg.size_min = 3000;
    cfg.size_max = 6000;
    cfg.messages_per_publisher = 3;
    cfg.vlan = 12;
    const traffic tr = generate_traffic(cfg);
    char path[] = "/tmp/udpn-tools-test-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    std::size_t n_fragmented = 0;
    {
        pcap_writer writer(path);
        std::uint64_t k = 0;
        for (const auto& d : tr.datagrams) {
            const exporter& exp = tr.exporters[d.exporter];
            link_params link;
            link.vlan = cfg.vlan;
            const auto frames =
                build_udp_frames(link, exp.src, exp.dst, d.payload, d.ip_id, cfg.mtu, true);
            n_fragmented += frames.size() > 1 ? 1u : 0u;
            for (const auto& f : frames) {
                writer.write(f, frame_time_ns(cfg, k++));
            }
        }
        writer.close();
        EXPECT_EQ(writer.n_frames(), tr.n_frames);
    }
    send::pcap_read_stats stats;
    const auto got = send::read_pcap_datagrams(path, {}, stats);
    std::remove(path);
    ASSERT_EQ(got.size(), tr.datagrams.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].payload, tr.datagrams[i].payload) << i;
        EXPECT_EQ(got[i].src, tr.exporters[tr.datagrams[i].exporter].src);
    }
    EXPECT_GT(n_fragmented, 0u);
    EXPECT_EQ(stats.reassembled, n_fragmented);
    EXPECT_EQ(stats.frames, tr.n_frames);
    EXPECT_EQ(stats.fragments_incomplete, 0u);
}

TEST(Sender, KnowsLoopbackAddresses)
{
    EXPECT_TRUE(send::is_loopback(net::ip_address::parse("127.0.0.1")));
    EXPECT_TRUE(send::is_loopback(net::ip_address::parse("127.255.0.9")));
    EXPECT_TRUE(send::is_loopback(net::ip_address::parse("::1")));
    EXPECT_TRUE(send::is_loopback(net::ip_address::parse("::ffff:127.0.0.1")));
    EXPECT_FALSE(send::is_loopback(net::ip_address::parse("192.0.2.1")));
    EXPECT_FALSE(send::is_loopback(net::ip_address::parse("::")));
    EXPECT_FALSE(send::is_loopback(net::ip_address::parse("10.0.0.1")));
    EXPECT_EQ(send::resolve_destination("127.0.0.1:5000").to_string(), "127.0.0.1:5000");
    EXPECT_EQ(send::resolve_destination("[::1]:5000").to_string(), "[::1]:5000");
    EXPECT_THROW((void)send::resolve_destination("127.0.0.1"), std::invalid_argument);
    EXPECT_THROW((void)send::resolve_destination("127.0.0.1:0"), std::invalid_argument);
}
