// packet_path over real mbufs: EAL is started once for the process (no hugepages, no PCI, one
// lcore), frames are copied into mbufs (chained when asked) with capture timestamps in the Rx
// timestamp dynfield, exactly as the 22.11 pcap PMD delivers them.
#include "dpdk-app/eal.hpp"
#include "dpdk-app/packet_path.hpp"

#include "alloc_counter.hpp"
#include "frame_builder.hpp"
#include "udpnotif/encoder.hpp"

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

using namespace udpn;
using namespace udpn::dpdk;
using namespace udpn::dpdk::test;

namespace {

constexpr unsigned pool_size = 4095;
rte_mempool* g_pool = nullptr;
int g_ts_offset = -1;
std::uint64_t g_ts_flag = 0;

/// An mbuf (chain) holding \p frame, stamped with capture time \p ts_us. \p seg_len > 0 splits
/// the frame into segments of that many octets.
rte_mbuf* make_mbuf(const bytes& frame, std::uint64_t ts_us, std::size_t seg_len = 0)
{
    if (seg_len == 0) {
        seg_len = frame.size();
    }
    rte_mbuf* head = nullptr;
    for (std::size_t off = 0; off < frame.size() || head == nullptr; off += seg_len) {
        rte_mbuf* m = rte_pktmbuf_alloc(g_pool);
        EXPECT_NE(m, nullptr);
        const std::size_t n = std::min(seg_len, frame.size() - off);
        char* dst = rte_pktmbuf_append(m, static_cast<std::uint16_t>(n));
        EXPECT_NE(dst, nullptr);
        std::memcpy(dst, frame.data() + off, n);
        if (head == nullptr) {
            head = m;
        } else {
            EXPECT_EQ(rte_pktmbuf_chain(head, m), 0);
        }
    }
    *RTE_MBUF_DYNFIELD(head, g_ts_offset, rte_mbuf_timestamp_t*) = ts_us;
    head->ol_flags |= g_ts_flag;
    return head;
}

/// A message as the test keeps it (the view dies with the next call).
struct seen_message {
    std::string src;
    std::string dst;
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint8_t media_type = 0;
    bool s_flag = false;
    std::uint32_t n_segments = 0;
    bytes payload;
    std::uint64_t rx_ns = 0;
};

udpnotif::encode_params params(std::uint32_t publisher, std::uint32_t id)
{
    udpnotif::encode_params p;
    p.publisher_id = publisher;
    p.message_id = id;
    p.media_type = 1;
    return p;
}

class PacketPath : public ::testing::Test {
  protected:
    void SetUp() override { make_path(); }

    void make_path()
    {
        path.reset();
        path = std::make_unique<packet_path>(cfg);
    }

    void TearDown() override
    {
        path->finish();
        path.reset();
        // Every mbuf went back: nothing leaked, nothing freed twice.
        EXPECT_EQ(rte_mempool_in_use_count(g_pool), 0u);
    }

    /// Runs frames (one burst per \p burst frames) and collects the messages.
    void run(std::vector<rte_mbuf*> mbufs, std::uint16_t burst = 32)
    {
        for (std::size_t i = 0; i < mbufs.size(); i += burst) {
            const auto n =
                static_cast<std::uint16_t>(std::min<std::size_t>(burst, mbufs.size() - i));
            path->process_burst(mbufs.data() + i, n, 0, [&](const message_view& msg) noexcept {
                seen_message s;
                s.src = msg.src.to_string();
                s.dst = msg.dst.to_string();
                s.publisher_id = msg.publisher_id;
                s.message_id = msg.message_id;
                s.media_type = msg.media_type;
                s.s_flag = msg.s_flag;
                s.n_segments = msg.n_segments;
                s.payload.assign(msg.payload.begin(), msg.payload.end());
                s.rx_ns = msg.rx_ns;
                seen.push_back(std::move(s));
            });
        }
    }

    packet_path_config cfg;
    std::unique_ptr<packet_path> path;
    std::vector<seen_message> seen;
};

TEST_F(PacketPath, DeliversAWholeIpv4Message)
{
    const bytes payload = pattern(183);
    const auto d = udpnotif::encode_message(params(7, 42), payload);
    run({make_mbuf(udp4_frame("192.0.2.1", 40000, "192.0.2.100", 10001, d),
                   1'700'000'000'000'001)});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].src, "192.0.2.1:40000");
    EXPECT_EQ(seen[0].dst, "192.0.2.100:10001");
    EXPECT_EQ(seen[0].publisher_id, 7u);
    EXPECT_EQ(seen[0].message_id, 42u);
    EXPECT_EQ(seen[0].media_type, 1);
    EXPECT_FALSE(seen[0].s_flag);
    EXPECT_EQ(seen[0].n_segments, 1u);
    EXPECT_EQ(seen[0].payload, payload);
    EXPECT_EQ(seen[0].rx_ns, 1'700'000'000'000'001'000u); // capture time, microseconds -> ns
    const packet_stats& st = path->stats();
    EXPECT_EQ(st.packets, 1u);
    EXPECT_EQ(st.datagrams, 1u);
    EXPECT_EQ(st.messages, 1u);
    EXPECT_EQ(path->reassembly_stats().count(reassembly::verdict::whole), 1u);
    EXPECT_TRUE(path->has_rx_timestamps());
}

TEST_F(PacketPath, ReassemblesIpv6SegmentsOutOfOrder)
{
    const bytes payload = pattern(1000, 3);
    const auto segs = udpnotif::encode_segments(params(9, 1), payload, 300);
    ASSERT_EQ(segs.size(), 4u);
    std::vector<rte_mbuf*> mbufs;
    for (const std::size_t k : {3u, 1u, 0u, 2u}) {
        mbufs.push_back(make_mbuf(udp6_frame("2001:db8::7", 5000, "2001:db8::100", 10001, segs[k]),
                                  1'000'000 + k));
    }
    run(mbufs, 2);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].src, "[2001:db8::7]:5000");
    EXPECT_EQ(seen[0].n_segments, 4u);
    EXPECT_EQ(seen[0].payload, payload);
    EXPECT_EQ(path->reassembly_stats().count(reassembly::verdict::stored), 3u);
    EXPECT_EQ(path->reassembly_stats().count(reassembly::verdict::complete), 1u);
}

TEST_F(PacketPath, ReassemblesIpv4FragmentsOutOfOrder)
{
    const bytes payload = pattern(3000, 5);
    const bytes datagram = udp(40000, 10001, udpnotif::encode_message(params(1, 5), payload));
    const auto frags = udp4_fragments("198.51.100.1", "198.51.100.2", datagram, 1480, 99);
    ASSERT_EQ(frags.size(), 3u);
    run({make_mbuf(frags[2], 10), make_mbuf(frags[0], 11), make_mbuf(frags[1], 12)});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].src, "198.51.100.1:40000");
    EXPECT_EQ(seen[0].payload, payload);
    EXPECT_EQ(path->stats().ip_fragments, 3u);
    EXPECT_EQ(path->stats().ip_reassembled, 1u);
    EXPECT_EQ(path->stats().ip_fragment_errors, 0u);
    EXPECT_EQ(path->stats().datagrams, 1u);
}

TEST_F(PacketPath, ReassemblesIpv6Fragments)
{
    const bytes payload = pattern(4000, 6);
    const bytes datagram = udp(6000, 10001, udpnotif::encode_message(params(2, 8), payload));
    const auto frags = udp6_fragments("2001:db8::1", "2001:db8::100", datagram, 1232, 0xABCDEF);
    ASSERT_EQ(frags.size(), 4u);
    run({make_mbuf(frags[1], 1), make_mbuf(frags[3], 2), make_mbuf(frags[0], 3),
         make_mbuf(frags[2], 4)});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].dst, "[2001:db8::100]:10001");
    EXPECT_EQ(seen[0].payload, payload);
    EXPECT_EQ(path->stats().ip_reassembled, 1u);
}

TEST_F(PacketPath, TrimsEthernetPaddingOffFragments)
{
    // The last fragment carries 4 octets: its frame is padded to the Ethernet minimum (60),
    // and a captured FCS follows. Neither may end up in the datagram.
    const bytes payload = pattern(1472 - 12 + 4 - 8, 2);
    const bytes datagram = udp(1, 10001, udpnotif::encode_message(params(3, 3), payload));
    auto frags = udp4_fragments("192.0.2.1", "192.0.2.2", datagram, 1472, 4);
    ASSERT_EQ(frags.size(), 2u);
    frags[1].resize(60, 0);
    frags[1].insert(frags[1].end(), {0xDE, 0xAD, 0xBE, 0xEF});
    run({make_mbuf(frags[0], 1), make_mbuf(frags[1], 2)});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].payload, payload);
}

TEST_F(PacketPath, ReadsJumboFramesFromChainedMbufs)
{
    const bytes payload = pattern(8900, 9);
    const auto d = udpnotif::encode_message(params(4, 4), payload);
    const bytes f = udp4_frame("192.0.2.1", 1, "192.0.2.2", 10001, d);
    ASSERT_GT(f.size(), 8900u);
    run({make_mbuf(f, 5, 2000)}); // five segments, as the pcap PMD chains 2 KiB mbufs
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].payload, payload);
}

TEST_F(PacketPath, DropsDatagramsOfMoreThanEightFragments)
{
    // RTE_LIBRTE_IP_FRAG_MAX_FRAG is 8 in DPDK 22.11: a 9-fragment datagram is an error.
    const bytes datagram = udp(1, 10001, udpnotif::encode_message(params(5, 5), pattern(2100)));
    const auto frags = udp4_fragments("192.0.2.1", "192.0.2.2", datagram, 256, 6);
    ASSERT_EQ(frags.size(), 9u);
    std::vector<rte_mbuf*> mbufs;
    for (const bytes& f : frags) {
        mbufs.push_back(make_mbuf(f, 1));
    }
    run(mbufs);
    EXPECT_TRUE(seen.empty());
    EXPECT_EQ(path->stats().ip_fragments, 9u);
    EXPECT_EQ(path->stats().ip_reassembled, 0u);
    // Fragments 0..7 fill the entry; the 8th intermediate one overflows it: 8 dropped.
    EXPECT_EQ(path->stats().ip_fragment_errors, 8u);
    path->finish(); // the last fragment started a new entry: dropped at end of input
    EXPECT_EQ(path->stats().ip_fragment_errors, 9u);
}

TEST_F(PacketPath, ExpiresIpFragmentsOnCaptureTime)
{
    cfg.ip_frag_timeout_ns = 2'000'000'000;
    make_path();
    const bytes datagram = udp(1, 10001, udpnotif::encode_message(params(6, 6), pattern(2000)));
    const auto frags = udp4_fragments("192.0.2.1", "192.0.2.2", datagram, 1024, 7);
    ASSERT_EQ(frags.size(), 2u);
    // Second fragment 3 s (capture time) after the first: the first has timed out.
    run({make_mbuf(frags[0], 10'000'000)});
    run({make_mbuf(frags[1], 13'000'000)});
    EXPECT_TRUE(seen.empty());
    EXPECT_EQ(path->stats().ip_fragment_errors, 1u);
    path->finish(); // the second fragment is still pending: dropped at end of input
    EXPECT_EQ(path->stats().ip_fragment_errors, 2u);
}

TEST_F(PacketPath, ReleasesPendingFragmentsOnDemand)
{
    // What udpnotif-dump does when the mbuf pool runs low: drop every pending IP datagram.
    std::vector<rte_mbuf*> mbufs;
    for (std::uint16_t id = 1; id <= 50; ++id) {
        const bytes datagram =
            udp(1, 10001, udpnotif::encode_message(params(1, id), pattern(3000)));
        const auto frags = udp4_fragments("192.0.2.1", "192.0.2.2", datagram, 1480, id);
        mbufs.push_back(make_mbuf(frags[0], id));
        mbufs.push_back(make_mbuf(frags[1], id));
    }
    run(mbufs);
    EXPECT_EQ(rte_mempool_in_use_count(g_pool), 100u);
    path->release_ip_fragments();
    EXPECT_EQ(rte_mempool_in_use_count(g_pool), 0u);
    EXPECT_EQ(path->stats().ip_fragment_errors, 100u);
    EXPECT_TRUE(seen.empty());
}

TEST_F(PacketPath, FiltersOnDestinationPort)
{
    cfg.udp_port = 10001;
    make_path();
    const auto d = udpnotif::encode_message(params(1, 1), pattern(10));
    run({make_mbuf(udp4_frame("192.0.2.1", 10001, "192.0.2.2", 9999, d), 1),
         make_mbuf(udp4_frame("192.0.2.1", 9999, "192.0.2.2", 10001, d), 2)});
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].dst, "192.0.2.2:10001");
    EXPECT_EQ(path->stats().other_port, 1u);
    EXPECT_EQ(path->stats().datagrams, 1u);
}

TEST_F(PacketPath, CountsEveryFrameOnce)
{
    const auto d = udpnotif::encode_message(params(1, 1), pattern(10));
    bytes bad_version = d;
    bad_version[0] = 0x41;
    bytes truncated = udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, d);
    truncated.resize(30);
    run({make_mbuf(ether(0x0806, pattern(28)), 1),
         make_mbuf(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, pattern(20))), 2),
         make_mbuf(truncated, 3),
         make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, bad_version), 4),
         make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, {1, 2, 3}), 5),
         make_mbuf(ether(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, pattern(15), 1, 0x2000)), 6)});
    EXPECT_TRUE(seen.empty());
    const packet_stats& st = path->stats();
    EXPECT_EQ(st.packets, 6u);
    EXPECT_EQ(st.not_ip, 1u);
    EXPECT_EQ(st.not_udp, 1u);
    EXPECT_EQ(st.truncated, 1u);
    EXPECT_EQ(st.datagrams, 2u);
    EXPECT_EQ(st.ip_fragments, 1u);
    EXPECT_EQ(st.ip_fragment_errors, 1u);
    EXPECT_EQ(path->parse_stats()
                  .rejected[static_cast<std::size_t>(udpnotif::parse_error::unsupported_version)],
              1u);
    EXPECT_EQ(
        path->parse_stats().rejected[static_cast<std::size_t>(udpnotif::parse_error::too_short)],
        1u);
}

TEST_F(PacketPath, ExpiresIncompleteMessagesAtFinish)
{
    const auto segs = udpnotif::encode_segments(params(8, 80), pattern(900), 400);
    ASSERT_EQ(segs.size(), 3u);
    run({make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, segs[0]), 1),
         make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, segs[2]), 2)});
    EXPECT_TRUE(seen.empty());
    path->finish();
    EXPECT_EQ(path->reassembly_stats().expired_messages, 1u);
    EXPECT_EQ(path->reassembly_stats().expired_segments, 2u);
}

TEST_F(PacketPath, ClockNeverGoesBackwards)
{
    const auto d1 = udpnotif::encode_message(params(1, 1), pattern(10));
    const auto d2 = udpnotif::encode_message(params(1, 2), pattern(10));
    run({make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, d1), 5'000'000),
         make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, d2), 4'000'000)});
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].rx_ns, seen[0].rx_ns);
    EXPECT_EQ(path->clock_ns(), 5'000'000'000u);
}

TEST_F(PacketPath, AllocatesNothingPerPacketOnceWarm)
{
    // Segmented messages over IPv4 fragments, jumbo chains and plain frames, twice: the second
    // pass (same shapes, new message ids) must not touch the heap (STYLE.md §4 rule 4).
    auto workload = [&](std::uint32_t base) {
        std::vector<rte_mbuf*> mbufs;
        for (std::uint32_t i = 0; i < 20; ++i) {
            const auto segs = udpnotif::encode_segments(params(1, base + i), pattern(3000, 1), 700);
            for (const auto& s : segs) {
                mbufs.push_back(make_mbuf(udp4_frame("192.0.2.1", 1, "192.0.2.2", 2, s), base + i));
            }
            const bytes datagram =
                udp(3, 4, udpnotif::encode_message(params(2, base + i), pattern(2500)));
            for (const bytes& f : udp4_fragments("192.0.2.3", "192.0.2.4", datagram, 1480,
                                                 static_cast<std::uint16_t>(base + i))) {
                mbufs.push_back(make_mbuf(f, base + i));
            }
            mbufs.push_back(
                make_mbuf(udp4_frame("192.0.2.5", 5, "192.0.2.6", 6,
                                     udpnotif::encode_message(params(3, base + i), pattern(8000))),
                          base + i, 2000));
        }
        return mbufs;
    };
    run(workload(100)); // warm-up: tables and caches reach their working size
    std::vector<rte_mbuf*> second = workload(200); // built outside the measured region
    std::uint64_t n_messages = 0;
    const std::uint64_t path_allocations = udpn::test::allocations_during([&] {
        for (std::size_t i = 0; i < second.size(); i += 32) {
            const auto n = static_cast<std::uint16_t>(std::min<std::size_t>(32, second.size() - i));
            path->process_burst(second.data() + i, n, 0,
                                [&](const message_view&) noexcept { ++n_messages; });
        }
    });
    EXPECT_EQ(n_messages, 60u);
    EXPECT_EQ(path_allocations, 0u);
}

} // namespace

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    eal_options opts;
    opts.program = "dpdk_packet_path_test";
    opts.file_prefix = "udpn-packet-path-test";
    try {
        const eal_session eal(no_huge_eal_args(opts));
        if (rte_mbuf_dyn_rx_timestamp_register(&g_ts_offset, &g_ts_flag) != 0) {
            std::fprintf(stderr, "cannot register the Rx timestamp dynfield\n");
            return 1;
        }
        g_pool = rte_pktmbuf_pool_create("udpn_test_pool", pool_size, 0, 0,
                                         RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
        if (g_pool == nullptr) {
            std::fprintf(stderr, "cannot create the mbuf pool\n");
            return 1;
        }
        const int rc = RUN_ALL_TESTS();
        rte_mempool_free(g_pool);
        return rc;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
