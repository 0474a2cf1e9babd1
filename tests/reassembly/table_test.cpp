// reassembly::table: completion in every arrival order, the PROTOCOL.md §2 worked example,
// whole messages, keys, options, padding, completed-message metadata.
#include "reassembly/table.hpp"

#include "segment_builder.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <tuple>
#include <vector>

using namespace udpn;
using namespace udpn::reassembly;
using udpn::test::arrival;
using udpn::test::datagram;
using udpn::test::make_payload;
using udpn::test::order;
using udpn::test::split;
using udpn::test::table_driver;

namespace {

std::vector<std::uint8_t> bytes_of(byte_span s)
{
    return {s.begin(), s.end()};
}

const char* order_name(order o)
{
    switch (o) {
    case order::in_order: return "InOrder";
    case order::reversed: return "Reversed";
    case order::random: return "Random";
    }
    return "?";
}

} // namespace

// ---------------------------------------------------------------------------------------------
// §2 steps 3-4: any arrival order rebuilds the payload by ascending segment number.

class ReassemblyOrders : public ::testing::TestWithParam<std::tuple<std::size_t, order>> {};

TEST_P(ReassemblyOrders, RebuildsThePayloadWhateverTheArrivalOrder)
{
    const auto [n_segments, o] = GetParam();
    // Several shuffles for the random order, one run otherwise.
    const std::uint32_t n_runs = o == order::random ? 5 : 1;
    for (std::uint32_t run = 0; run < n_runs; ++run) {
        table_driver drv;
        const auto payload = make_payload(n_segments * 1000 - 17, run + 3);
        const auto segs = split(test::params(9, 1000 + run), payload, n_segments);
        const auto idx = arrival(segs.size(), o, run + 11);
        for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
            ASSERT_EQ(drv.offer(segs[idx[k]]), verdict::stored) << "segment " << idx[k];
        }
        ASSERT_EQ(drv.offer(segs[idx.back()]), verdict::complete);
        const completed_message& msg = drv.table.completed();
        EXPECT_EQ(bytes_of(msg.payload), payload);
        EXPECT_EQ(msg.n_segments, n_segments);
        EXPECT_EQ(msg.publisher_id, 9u);
        EXPECT_EQ(msg.message_id, 1000 + run);
        EXPECT_EQ(drv.table.stats().count(verdict::stored), n_segments - 1);
        EXPECT_EQ(drv.table.stats().count(verdict::complete), 1u);
        EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(
    SegmentCountsAndOrders, ReassemblyOrders,
    ::testing::Combine(::testing::Values(std::size_t{2}, std::size_t{8}, std::size_t{45}),
                       ::testing::Values(order::in_order, order::reversed, order::random)),
    [](const ::testing::TestParamInfo<std::tuple<std::size_t, order>>& param_info) {
        return std::to_string(std::get<0>(param_info.param)) + "Segments" +
               order_name(std::get<1>(param_info.param));
    });

TEST(ReassemblyTable, CompletesWhenLastSegmentArrivesFirst)
{
    table_driver drv;
    const auto payload = make_payload(3000);
    const auto segs = split(test::params(1, 5), payload, 3);
    EXPECT_EQ(drv.offer(segs[2]), verdict::stored);
    EXPECT_EQ(drv.offer(segs[0]), verdict::stored);
    ASSERT_EQ(drv.offer(segs[1]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), payload);
}

// PROTOCOL.md §2 worked example: Publisher ID 7, Message ID 42, 183 octets split 100 / 83.
TEST(ReassemblyTable, RebuildsTheProtocolWorkedExample)
{
    const auto payload = make_payload(183, 42);
    datagram seg0 = {0x21, 0x10, 0x00, 0x74, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x00};
    datagram seg1 = {0x21, 0x10, 0x00, 0x63, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x03};
    seg0.insert(seg0.end(), payload.begin(), payload.begin() + 100);
    seg1.insert(seg1.end(), payload.begin() + 100, payload.end());
    ASSERT_EQ(seg0.size(), 0x74u);
    ASSERT_EQ(seg1.size(), 0x63u);

    // The same bytes come out of the encoder.
    const auto encoded = udpnotif::encode_segments(test::params(7, 42), payload, 116);
    ASSERT_EQ(encoded.size(), 2u);
    EXPECT_EQ(encoded[0], seg0);
    EXPECT_EQ(encoded[1], seg1);

    table_driver drv;
    EXPECT_EQ(drv.offer(seg1), verdict::stored);
    ASSERT_EQ(drv.offer(seg0), verdict::complete);
    const completed_message& msg = drv.table.completed();
    EXPECT_EQ(msg.publisher_id, 7u);
    EXPECT_EQ(msg.message_id, 42u);
    EXPECT_EQ(msg.version, 1);
    EXPECT_FALSE(msg.s_flag);
    EXPECT_EQ(msg.media_type, 1);
    EXPECT_EQ(msg.n_segments, 2u);
    EXPECT_EQ(msg.payload.size(), 183u);
    EXPECT_EQ(bytes_of(msg.payload), payload);
    EXPECT_TRUE(msg.options.empty());
}

// §2 step 2: no segmentation option, or segment 0 with L = 1, is a whole message.
TEST(ReassemblyTable, ReportsWholeMessagesWithoutStoringThem)
{
    table_driver drv;
    const auto payload = make_payload(500);
    const auto unsegmented = udpnotif::encode_message(test::params(1, 1), payload);
    const auto single = udpnotif::encode_segments(test::params(1, 2), payload, 1400, true);
    ASSERT_EQ(single.size(), 1u);

    EXPECT_EQ(drv.offer(unsegmented), verdict::whole);
    EXPECT_EQ(drv.offer(single[0]), verdict::whole);
    EXPECT_EQ(drv.table.stats().count(verdict::whole), 2u);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().bytes_held, 0u);
}

TEST(ReassemblyTable, CarriesEndpointsAndTimesOfTheSet)
{
    table_driver drv;
    const auto segs = split(test::params(3, 77), make_payload(2000), 2);
    const net::endpoint other_dst{net::ip_address::v4(0x0a000001u), 999};
    EXPECT_EQ(drv.table.accept(drv.src, drv.dst, test::header_of(segs[1]), 1000), verdict::stored);
    ASSERT_EQ(drv.table.accept(drv.src, other_dst, test::header_of(segs[0]), 2500),
              verdict::complete);
    const completed_message& msg = drv.table.completed();
    EXPECT_EQ(msg.src, drv.src);
    EXPECT_EQ(msg.dst, drv.dst); // of the datagram that created the set
    EXPECT_EQ(msg.first_ns, 1000u);
    EXPECT_EQ(msg.last_ns, 2500u);
}

// §11 item 1: key = (src IP, src port, Publisher ID, Message ID) by default.
TEST(ReassemblyTable, KeepsSetsFromDifferentSourcePortsApart)
{
    table_driver drv;
    const auto segs = split(test::params(3, 8), make_payload(2000), 2);
    net::endpoint other_port = drv.src;
    other_port.port = 40001;
    EXPECT_EQ(drv.offer_from(drv.src, segs[0]), verdict::stored);
    EXPECT_EQ(drv.offer_from(other_port, segs[1]), verdict::stored);
    EXPECT_EQ(drv.table.stats().pending_messages, 2u);
}

// §11 item 1: knob to drop the port when a publisher varies its source port.
TEST(ReassemblyTable, JoinsSegmentsFromDifferentPortsWhenThePortIsNotInTheKey)
{
    reassembly_config cfg;
    cfg.key_includes_src_port = false;
    table_driver drv(cfg);
    const auto payload = make_payload(3000);
    const auto segs = split(test::params(3, 8), payload, 3);
    net::endpoint p1 = drv.src;
    net::endpoint p2 = drv.src;
    p1.port = 50001;
    p2.port = 50002;
    EXPECT_EQ(drv.offer_from(p1, segs[1]), verdict::stored);
    EXPECT_EQ(drv.offer_from(p2, segs[0]), verdict::stored);
    ASSERT_EQ(drv.offer_from(drv.src, segs[2]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), payload);
    // src is the first datagram's source as received, port included.
    EXPECT_EQ(drv.table.completed().src, p1);

    // The finished message is remembered under the port-less key, whatever the port.
    EXPECT_EQ(drv.offer_from(p2, segs[0]), verdict::late);
    // Another address is still another exporter.
    net::endpoint other_addr{net::ip_address::v4(0xc0000202u), 50001};
    EXPECT_EQ(drv.offer_from(other_addr, segs[1]), verdict::stored);
    EXPECT_EQ(drv.table.stats().pending_messages, 1u);
}

// §1: Publisher IDs are unique per node only: the same (Publisher ID, Message ID) from two
// exporters are two messages.
TEST(ReassemblyTable, KeepsEqualIdsFromDifferentSourcesApart)
{
    table_driver drv;
    const std::uint8_t v6_octets[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const net::endpoint sources[] = {
        {net::ip_address::v4(0xc0000201u), 40000},
        {net::ip_address::v4(0xc0000202u), 40000},
        {net::ip_address::v6(v6_octets), 40000},
    };
    std::vector<std::vector<std::uint8_t>> payloads;
    std::vector<std::vector<datagram>> sets;
    for (std::uint32_t s = 0; s < 3; ++s) {
        payloads.push_back(make_payload(4000 + s * 10, s + 1));
        sets.push_back(split(test::params(7, 42), payloads.back(), 4));
    }
    // Interleave segment k of every source, the last segment of each completing it.
    for (std::size_t k = 0; k < 4; ++k) {
        for (std::size_t s = 0; s < 3; ++s) {
            const verdict v = drv.offer_from(sources[s], sets[s][k]);
            if (k < 3) {
                EXPECT_EQ(v, verdict::stored);
            } else {
                ASSERT_EQ(v, verdict::complete);
                EXPECT_EQ(drv.table.completed().src, sources[s]);
                EXPECT_EQ(bytes_of(drv.table.completed().payload), payloads[s]);
            }
        }
    }
    EXPECT_EQ(drv.table.stats().count(verdict::complete), 3u);
}

TEST(ReassemblyTable, KeepsDifferentPublishersAndMessageIdsApart)
{
    table_driver drv;
    const auto a = make_payload(2000, 1);
    const auto b = make_payload(2000, 2);
    const auto c = make_payload(2000, 3);
    const auto sa = split(test::params(1, 10), a, 2);
    const auto sb = split(test::params(2, 10), b, 2); // other publisher, same message id
    const auto sc = split(test::params(1, 11), c, 2); // same publisher, other message id
    EXPECT_EQ(drv.offer(sa[0]), verdict::stored);
    EXPECT_EQ(drv.offer(sb[0]), verdict::stored);
    EXPECT_EQ(drv.offer(sc[0]), verdict::stored);
    ASSERT_EQ(drv.offer(sb[1]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), b);
    ASSERT_EQ(drv.offer(sc[1]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), c);
    ASSERT_EQ(drv.offer(sa[1]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), a);
}

// §2 "Rebuild": the message keeps segment 0's non-segmentation options, even when segment 0
// arrives last.
TEST(ReassemblyTable, KeepsSegmentZeroOptionsWhenSegmentZeroArrivesLast)
{
    table_driver drv;
    auto p = test::params(4, 4);
    p.extra_options = {0x05, 0x04, 0xab, 0xcd, 0x09, 0x03, 0x77}; // two unknown TLVs
    const auto payload = make_payload(3000);
    const auto segs = udpnotif::encode_segments(p, payload, 1200);
    ASSERT_GE(segs.size(), 3u);
    for (std::size_t k = segs.size(); k-- > 1;) {
        EXPECT_EQ(drv.offer(segs[k]), verdict::stored);
    }
    ASSERT_EQ(drv.offer(segs[0]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().options), p.extra_options);
    EXPECT_EQ(bytes_of(drv.table.completed().payload), payload);
}

TEST(ReassemblyTable, IgnoresOptionsRepeatedOnLaterSegments)
{
    table_driver drv;
    auto p = test::params(4, 4);
    p.extra_options = {0x05, 0x04, 0xab, 0xcd};
    p.repeat_options = true;
    const auto payload = make_payload(3000);
    const auto segs = split(p, payload, 3);
    EXPECT_EQ(drv.offer(segs[0]), verdict::stored);
    EXPECT_EQ(drv.offer(segs[2]), verdict::stored);
    ASSERT_EQ(drv.offer(segs[1]), verdict::complete);
    EXPECT_EQ(bytes_of(drv.table.completed().options), p.extra_options);
}

// Readers (simdjson) need cfg.padding readable octets after the payload.
TEST(ReassemblyTable, GuaranteesPaddingAfterThePayloadInEveryOrder)
{
    for (const std::size_t padding : {std::size_t{0}, std::size_t{64}, std::size_t{100}}) {
        for (const order o : {order::in_order, order::reversed, order::random}) {
            reassembly_config cfg;
            cfg.padding = padding;
            table_driver drv(cfg);
            // Sizes that end exactly on and off a 64-octet boundary.
            for (const std::size_t size : {std::size_t{4096}, std::size_t{4001}}) {
                const auto payload = make_payload(size, static_cast<std::uint32_t>(size));
                const auto segs = split(test::params(1, static_cast<std::uint32_t>(size)), payload, 4);
                verdict v = verdict::stored;
                for (const std::size_t k : arrival(segs.size(), o)) {
                    v = drv.offer(segs[k]);
                }
                ASSERT_EQ(v, verdict::complete);
                const byte_span got = drv.table.completed().payload;
                ASSERT_EQ(bytes_of(got), payload);
                // Read every padding octet (ASan/valgrind would flag an overrun); they are zero.
                std::size_t non_zero = 0;
                for (std::size_t k = 0; k < padding; ++k) {
                    non_zero += got.data()[got.size() + k] != 0 ? 1u : 0u;
                }
                EXPECT_EQ(non_zero, 0u) << "padding " << padding << " order " << order_name(o);
            }
        }
    }
}

TEST(ReassemblyTable, CompletesMessagesWithEmptySegments)
{
    table_driver drv;
    auto p = test::params(1, 1);
    // Hand-made: segment 0 with 10 octets, segment 1 empty and last.
    datagram seg0(26, 0x41);
    datagram seg1(16, 0);
    udpnotif::write_header(seg0.data(), seg0.size(), p, udpnotif::segment_info{0, false}, {}, 26);
    udpnotif::write_header(seg1.data(), seg1.size(), p, udpnotif::segment_info{1, true}, {}, 16);
    EXPECT_EQ(drv.offer(seg1), verdict::stored);
    ASSERT_EQ(drv.offer(seg0), verdict::complete);
    EXPECT_EQ(drv.table.completed().payload.size(), 10u);
}

// Many messages reassembled at once, segments interleaved, in random order across messages.
TEST(ReassemblyTable, ReassemblesManyInterleavedMessages)
{
    reassembly_config cfg;
    cfg.max_pending_messages = 512;
    table_driver drv(cfg);
    constexpr std::uint32_t n_messages = 300;
    std::vector<std::vector<std::uint8_t>> payloads;
    std::vector<std::pair<std::uint32_t, datagram>> all;
    for (std::uint32_t m = 0; m < n_messages; ++m) {
        const std::size_t n_segments = 2 + m % 9;
        payloads.push_back(make_payload(n_segments * 700 - m % 50, m));
        for (auto& d : split(test::params(m % 3, m), payloads.back(), n_segments)) {
            all.emplace_back(m, std::move(d));
        }
    }
    std::mt19937 rng(99);
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<int> completed(n_messages, 0);
    for (const auto& [m, d] : all) {
        const verdict v = drv.offer(d);
        ASSERT_TRUE(v == verdict::stored || v == verdict::complete);
        if (v == verdict::complete) {
            const completed_message& msg = drv.table.completed();
            ASSERT_EQ(msg.message_id, m);
            ASSERT_EQ(bytes_of(msg.payload), payloads[m]);
            ++completed[m];
        }
    }
    for (std::uint32_t m = 0; m < n_messages; ++m) {
        EXPECT_EQ(completed[m], 1) << "message " << m;
    }
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().evicted_full, 0u);
}

TEST(ReassemblyTable, NamesEveryVerdictAfterItsEnumerator)
{
    EXPECT_STREQ(to_string(verdict::whole), "whole");
    EXPECT_STREQ(to_string(verdict::stored), "stored");
    EXPECT_STREQ(to_string(verdict::complete), "complete");
    EXPECT_STREQ(to_string(verdict::duplicate), "duplicate");
    EXPECT_STREQ(to_string(verdict::media_mismatch), "media_mismatch");
    EXPECT_STREQ(to_string(verdict::conflicting_last), "conflicting_last");
    EXPECT_STREQ(to_string(verdict::beyond_last), "beyond_last");
    EXPECT_STREQ(to_string(verdict::too_many_segments), "too_many_segments");
    EXPECT_STREQ(to_string(verdict::too_large), "too_large");
    EXPECT_STREQ(to_string(verdict::no_memory), "no_memory");
}
