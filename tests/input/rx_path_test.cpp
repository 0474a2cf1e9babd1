// rx_path: whole and segmented messages into padded pool buffers with their metadata
// (PROTOCOL.md §2, §11 item 24), gap accounting, expiry, allowlist.
#include "input/rx_path.hpp"

#include "input_fixtures.hpp"
#include "udpnotif/encoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace udpn;
using namespace udpn::input;
using test::ep;
using test::stored_datagram;

namespace {

rx_path_config small_config()
{
    rx_path_config cfg;
    cfg.pool.classes = {{4096, 8}, {65536, 4}};
    cfg.reassembly.max_pending_messages = 64;
    cfg.reassembly.timeout_ns = 1'000'000'000;
    cfg.gap_max_streams = 64;
    return cfg;
}

std::vector<std::uint8_t> to_vec(byte_span s)
{
    return {s.begin(), s.end()};
}

bool padding_is_zero(const message_buffer& msg)
{
    const byte_span p = msg.padded();
    return p.size() == msg.size() + payload_padding &&
           std::all_of(p.begin() + static_cast<std::ptrdiff_t>(msg.size()), p.end(),
                       [](std::uint8_t b) { return b == 0; });
}

/// Dirties every buffer of \p path's pool (payload and padding) so tests see that the path
/// itself zeroes the padding.
void dirty_pool(rx_path& path)
{
    std::vector<message_buffer*> all;
    for (;;) {
        auto r = path.pool().acquire(1);
        if (!r) {
            break;
        }
        message_buffer* msg = r.value();
        std::fill(msg->data(), msg->data() + msg->capacity() + payload_padding,
                  std::uint8_t{0xEE});
        all.push_back(msg);
    }
    for (auto* msg : all) {
        path.release(msg);
    }
}

} // namespace

TEST(RxPath, DeliversAWholeMessageWithMetaAndZeroPadding)
{
    rx_path path(small_config());
    dirty_pool(path);
    const auto payload = test::make_payload(1000, 1);
    stored_datagram d;
    d.bytes = udpnotif::encode_message(test::params(7, 42), payload);
    d.src = ep("192.0.2.1", 40000);
    d.dst = ep("198.51.100.7", 12345);
    d.rx_ns = 5'000'000'000;
    d.rx_wall_ns = 1'700'000'000'123'456'789ull;

    message_buffer* msg = path.process(d.view());
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(to_vec(msg->payload()), payload);
    EXPECT_TRUE(padding_is_zero(*msg));
    EXPECT_TRUE(msg->options().empty());
    const message_meta& m = msg->meta;
    EXPECT_EQ(m.exporter, d.src);
    EXPECT_EQ(m.collector, d.dst);
    EXPECT_EQ(m.publisher_id, 7u);
    EXPECT_EQ(m.message_id, 42u);
    EXPECT_EQ(m.version, 1);
    EXPECT_FALSE(m.s_flag);
    EXPECT_EQ(m.media_type, 1);
    EXPECT_EQ(m.n_segments, 1u);
    EXPECT_EQ(m.first_rx_ns, d.rx_ns);
    EXPECT_EQ(m.last_rx_ns, d.rx_ns);
    EXPECT_EQ(m.collection_wall_ns, d.rx_wall_ns);
    EXPECT_EQ(m.first_wall_ns, d.rx_wall_ns);
    EXPECT_EQ(msg->owner(), &path.pool());

    EXPECT_EQ(path.stats().datagrams, 1u);
    EXPECT_EQ(path.stats().bytes, d.bytes.size());
    EXPECT_EQ(path.stats().whole_messages, 1u);
    EXPECT_EQ(path.stats().messages, 1u);
    EXPECT_EQ(path.stats().message_bytes, payload.size());
    EXPECT_EQ(path.parse_stats().accepted, 1u);
    EXPECT_EQ(path.reassembly_stats().count(reassembly::verdict::whole), 1u);
    EXPECT_EQ(path.gap_stats().messages, 1u);
    EXPECT_EQ(path.buffer_stats().in_use, 1u);
    path.release(msg);
    EXPECT_EQ(path.buffer_stats().in_use, 0u);
}

// datagram::holder (socket.receive_into_pool): a whole message received into one of the
// path's buffers goes on in that buffer, its payload past the header, with no copy; a segment
// leaves the buffer with the source; a buffer of another pool is copied from.
TEST(RxPath, HandsAWholeMessageOnInTheBufferItWasReceivedInto)
{
    rx_path path(small_config());
    dirty_pool(path);
    const auto payload = test::make_payload(1000, 1);
    const auto bytes = udpnotif::encode_message(test::params(7, 42), payload);
    message_buffer* slot = path.pool().acquire(bytes.size()).value();
    std::copy(bytes.begin(), bytes.end(), slot->data()); // as recvmmsg writes it
    message_buffer* const received_into = slot;
    input::datagram d;
    d.bytes = byte_span(slot->data(), bytes.size());
    d.src = ep("192.0.2.1", 40000);
    d.dst = ep("198.51.100.7", 12345);
    d.holder = &slot;

    message_buffer* msg = path.process(d);
    ASSERT_EQ(msg, received_into);
    EXPECT_EQ(slot, nullptr); // taken from the source's slot
    EXPECT_EQ(to_vec(msg->payload()), payload);
    EXPECT_EQ(msg->payload().data(), received_into->data() + (bytes.size() - payload.size()));
    EXPECT_TRUE(padding_is_zero(*msg));
    EXPECT_EQ(msg->meta.publisher_id, 7u);
    EXPECT_EQ(msg->meta.message_id, 42u);
    EXPECT_EQ(msg->meta.exporter, d.src);
    EXPECT_EQ(path.stats().messages, 1u);
    EXPECT_EQ(path.stats().in_place, 1u);
    EXPECT_EQ(path.stats().message_bytes, payload.size());
    EXPECT_EQ(path.buffer_stats().in_use, 1u); // the one buffer, not a second
    path.release(msg);

    // A segment: stored by the reassembly table, the buffer stays with the source.
    const auto segs = udpnotif::encode_segments(test::params(7, 43), payload, 400);
    ASSERT_GT(segs.size(), 1u);
    slot = path.pool().acquire(segs[0].size()).value();
    std::copy(segs[0].begin(), segs[0].end(), slot->data());
    d.bytes = byte_span(slot->data(), segs[0].size());
    d.holder = &slot;
    EXPECT_EQ(path.process(d), nullptr);
    ASSERT_NE(slot, nullptr);
    path.release(slot);

    // A buffer of another pool: copied into one of the path's.
    buffer_pool other(small_config().pool, 9);
    slot = other.acquire(bytes.size()).value();
    std::copy(bytes.begin(), bytes.end(), slot->data());
    d.bytes = byte_span(slot->data(), bytes.size());
    d.holder = &slot;
    msg = path.process(d);
    ASSERT_NE(msg, nullptr);
    EXPECT_NE(slot, nullptr);
    EXPECT_EQ(msg->owner(), &path.pool());
    EXPECT_EQ(to_vec(msg->payload()), payload);
    EXPECT_EQ(path.stats().in_place, 1u);
    path.release(msg);
    other.release(slot);
    EXPECT_EQ(path.buffer_stats().in_use, 0u);
}

TEST(RxPath, ReassemblesSegmentsArrivingOutOfOrder)
{
    rx_path path(small_config());
    dirty_pool(path);
    const auto payload = test::make_payload(9000, 2);
    auto segs = udpnotif::encode_segments(test::params(3, 1000), payload, 1500);
    ASSERT_EQ(segs.size(), 7u);
    std::mt19937 rng(7);
    std::shuffle(segs.begin(), segs.end(), rng);
    std::swap(segs.front(), segs.back()); // not trivially in order either way

    message_buffer* msg = nullptr;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        stored_datagram d;
        d.bytes = segs[i];
        d.rx_ns = 1'000'000 + i * 1000;
        d.rx_wall_ns = 1'700'000'000'000'000'000ull + i * 1000;
        message_buffer* got = path.process(d.view());
        if (i + 1 < segs.size()) {
            EXPECT_EQ(got, nullptr) << "segment " << i;
        } else {
            msg = got;
        }
    }
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(to_vec(msg->payload()), payload);
    EXPECT_TRUE(padding_is_zero(*msg));
    EXPECT_EQ(msg->capacity(), 65536u); // 9000 octets do not fit the 4096 class
    const message_meta& m = msg->meta;
    EXPECT_EQ(m.n_segments, 7u);
    EXPECT_EQ(m.publisher_id, 3u);
    EXPECT_EQ(m.message_id, 1000u);
    EXPECT_EQ(m.exporter, ep("192.0.2.1", 40000));
    EXPECT_EQ(m.collector, ep("198.51.100.7", 12345));
    // First datagram at 1'000'000 ns, the completing (7th) one 6 us later (§11 item 24).
    EXPECT_EQ(m.first_rx_ns, 1'000'000u);
    EXPECT_EQ(m.last_rx_ns, 1'006'000u);
    EXPECT_EQ(m.collection_wall_ns, 1'700'000'000'000'006'000ull);
    EXPECT_EQ(m.first_wall_ns, 1'700'000'000'000'000'000ull);
    EXPECT_EQ(path.stats().reassembled_messages, 1u);
    EXPECT_EQ(path.stats().whole_messages, 0u);
    EXPECT_EQ(path.reassembly_stats().count(reassembly::verdict::stored), 6u);
    EXPECT_EQ(path.reassembly_stats().count(reassembly::verdict::complete), 1u);
    path.release(msg);
}

TEST(RxPath, KeepsNonSegmentationOptionsOfWholeAndReassembledMessages)
{
    rx_path path(small_config());
    const std::vector<std::uint8_t> extra = {0x09, 0x05, 0xAA, 0xBB, 0xCC}; // unknown TLV
    auto p = test::params(1, 1);
    p.extra_options = extra;
    const auto payload = test::make_payload(3000, 3);

    // Whole message, no segmentation option.
    stored_datagram whole;
    whole.bytes = udpnotif::encode_message(p, payload);
    message_buffer* a = path.process(whole.view());
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(to_vec(a->options()), extra);

    // "Segment 0, last" is a whole message too: the segmentation option is not kept.
    p.message_id = 2;
    auto one = udpnotif::encode_segments(p, payload, 4000, true);
    ASSERT_EQ(one.size(), 1u);
    stored_datagram seg0;
    seg0.bytes = one[0];
    message_buffer* b = path.process(seg0.view());
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(to_vec(b->options()), extra);
    EXPECT_EQ(b->meta.n_segments, 1u);

    // Reassembled: segment 0's options other than segmentation (§2 "Rebuild").
    p.message_id = 3;
    message_buffer* c = nullptr;
    for (const auto& s : udpnotif::encode_segments(p, payload, 1000)) {
        stored_datagram d;
        d.bytes = s;
        c = path.process(d.view());
    }
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(to_vec(c->options()), extra);
    EXPECT_EQ(to_vec(c->payload()), payload);
    path.release(a);
    path.release(b);
    path.release(c);
}

TEST(RxPath, CarriesSFlagAndMediaType)
{
    auto cfg = small_config();
    cfg.parse.accept_private_media = true;
    rx_path path(cfg);
    auto p = test::params(1, 1, 5);
    p.s_flag = true;
    stored_datagram d;
    d.bytes = udpnotif::encode_message(p, test::make_payload(10, 4));
    message_buffer* msg = path.process(d.view());
    ASSERT_NE(msg, nullptr);
    EXPECT_TRUE(msg->meta.s_flag);
    EXPECT_EQ(msg->meta.media_type, 5);
    path.release(msg);
}

TEST(RxPath, ProcessBatchHandsMessagesToTheSinkInCompletionOrder)
{
    rx_path path(small_config());
    std::vector<stored_datagram> stored;
    // Message 1 in two segments, message 2 whole, in between.
    const auto p1 = test::make_payload(1500, 5);
    const auto p2 = test::make_payload(200, 6);
    auto segs = udpnotif::encode_segments(test::params(1, 1), p1, 1000);
    ASSERT_EQ(segs.size(), 2u);
    stored.push_back({segs[1]});
    stored.push_back({udpnotif::encode_message(test::params(1, 2), p2)});
    stored.push_back({segs[0]});
    std::vector<datagram> views;
    for (const auto& s : stored) {
        views.push_back(s.view());
    }
    std::vector<message_buffer*> got;
    got.reserve(8);
    const std::size_t n = path.process_batch(datagram_batch{views}, test::keep_sink{&got});
    ASSERT_EQ(n, 2u);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0]->meta.message_id, 2u);
    EXPECT_EQ(to_vec(got[0]->payload()), p2);
    EXPECT_EQ(got[1]->meta.message_id, 1u);
    EXPECT_EQ(to_vec(got[1]->payload()), p1);
    for (auto* msg : got) {
        path.release(msg);
    }
    EXPECT_EQ(path.pool().n_free(), path.pool().n_buffers());
}

TEST(RxPath, TickExpiresIncompleteMessages)
{
    auto cfg = small_config();
    cfg.reassembly.timeout_ns = 1000;
    rx_path path(cfg);
    auto segs = udpnotif::encode_segments(test::params(1, 1), test::make_payload(3000, 7), 1000);
    stored_datagram d;
    d.bytes = segs[0];
    d.rx_ns = 10'000;
    EXPECT_EQ(path.process(d.view()), nullptr);
    EXPECT_EQ(path.reassembly_stats().pending_messages, 1u);
    EXPECT_EQ(path.on_tick(10'500), 0u); // not old enough
    EXPECT_EQ(path.on_tick(11'001), 1u);
    EXPECT_EQ(path.reassembly_stats().expired_messages, 1u);
    EXPECT_EQ(path.reassembly_stats().pending_messages, 0u);
    EXPECT_EQ(path.clock_ns(), 11'001u);
}

TEST(RxPath, FinishDropsEveryIncompleteMessage)
{
    rx_path path(small_config());
    for (std::uint32_t id = 1; id <= 3; ++id) {
        auto segs =
            udpnotif::encode_segments(test::params(1, id), test::make_payload(3000, id), 1000);
        stored_datagram d;
        d.bytes = segs[1];
        EXPECT_EQ(path.process(d.view()), nullptr);
    }
    EXPECT_EQ(path.finish(), 3u);
    EXPECT_EQ(path.reassembly_stats().expired_messages, 3u);
}

TEST(RxPath, CountsMessageIdGapsPerExporter)
{
    rx_path path(small_config());
    for (std::uint32_t id : {1u, 2u, 5u}) {
        stored_datagram d;
        d.bytes = udpnotif::encode_message(test::params(9, id), test::make_payload(10, id));
        path.release(path.process(d.view()));
    }
    EXPECT_EQ(path.gap_stats().messages, 3u);
    EXPECT_EQ(path.gap_stats().missing, 2u); // 3 and 4
}

TEST(RxPath, ClampsAClockThatGoesBackwards)
{
    rx_path path(small_config());
    stored_datagram a;
    a.bytes = udpnotif::encode_message(test::params(1, 1), test::make_payload(10, 1));
    a.rx_ns = 2'000;
    stored_datagram b = a;
    b.bytes = udpnotif::encode_message(test::params(1, 2), test::make_payload(10, 2));
    b.rx_ns = 1'000;
    path.release(path.process(a.view()));
    message_buffer* msg = path.process(b.view());
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(msg->meta.last_rx_ns, 2'000u);
    EXPECT_EQ(path.stats().clock_clamped, 1u);
    path.release(msg);
}

// --- source allowlist -------------------------------------------------------------------

namespace {

bool admitted(rx_path& path, const char* src)
{
    stored_datagram d;
    static std::uint32_t id = 0;
    ++id;
    d.bytes = udpnotif::encode_message(test::params(1, id), test::make_payload(20, id));
    d.src = ep(src, 5555);
    message_buffer* msg = path.process(d.view());
    path.release(msg);
    return msg != nullptr;
}

} // namespace

TEST(RxPathAllowlist, AdmitsOnlyListedIPv4AndIPv6Sources)
{
    auto cfg = small_config();
    cfg.source_allowlist = {"192.0.2.0/24", "203.0.113.5/32", "2001:db8::/32", "::1/128"};
    rx_path path(cfg);
    EXPECT_TRUE(admitted(path, "192.0.2.44"));
    EXPECT_TRUE(admitted(path, "203.0.113.5"));
    EXPECT_TRUE(admitted(path, "2001:db8:ffff::9"));
    EXPECT_TRUE(admitted(path, "::1"));
    EXPECT_TRUE(admitted(path, "::ffff:192.0.2.1")); // dual-stack socket form
    EXPECT_FALSE(admitted(path, "192.0.3.1"));
    EXPECT_FALSE(admitted(path, "203.0.113.6"));
    EXPECT_FALSE(admitted(path, "2001:db9::1"));
    EXPECT_FALSE(admitted(path, "::2"));
    EXPECT_EQ(path.stats().not_allowed, 4u);
    // Rejected before parsing: the parser saw only the admitted ones.
    EXPECT_EQ(path.parse_stats().accepted, 5u);
    EXPECT_EQ(path.stats().datagrams, 9u);
}

TEST(RxPathAllowlist, ZeroLengthPrefixesAdmitAWholeFamily)
{
    auto cfg = small_config();
    cfg.source_allowlist = {"0.0.0.0/0"};
    rx_path v4_only(cfg);
    EXPECT_TRUE(admitted(v4_only, "198.51.100.1"));
    EXPECT_FALSE(admitted(v4_only, "2001:db8::1"));
    cfg.source_allowlist = {"::/0"};
    rx_path v6_only(cfg);
    EXPECT_TRUE(admitted(v6_only, "2001:db8::1"));
    EXPECT_FALSE(admitted(v6_only, "198.51.100.1"));
    cfg.source_allowlist = {};
    rx_path all(cfg);
    EXPECT_TRUE(admitted(all, "2001:db8::1"));
    EXPECT_TRUE(admitted(all, "198.51.100.1"));
    EXPECT_EQ(all.stats().not_allowed, 0u);
}

TEST(RxPathAllowlist, BadEntryFailsAtStartUp)
{
    auto cfg = small_config();
    cfg.source_allowlist = {"192.0.2.0/24", "not-an-address"};
    EXPECT_THROW(rx_path{cfg}, std::invalid_argument);
}
