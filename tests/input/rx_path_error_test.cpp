// rx_path error paths: every dropped datagram or message ends in its own counter
// (PROTOCOL.md §2 step 1, §11 items 2-6; DESIGN.md §2 "no silent loss").
#include "input/rx_path.hpp"

#include "input_fixtures.hpp"
#include "udpnotif/encoder.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace udpn;
using namespace udpn::input;
using test::stored_datagram;
using udpnotif::parse_error;

namespace {

rx_path_config small_config()
{
    rx_path_config cfg;
    cfg.pool.classes = {{2048, 2}};
    cfg.reassembly.max_pending_messages = 16;
    cfg.gap_max_streams = 16;
    return cfg;
}

message_buffer* feed(rx_path& path, std::vector<std::uint8_t> bytes)
{
    stored_datagram d;
    d.bytes = std::move(bytes);
    return path.process(d.view());
}

std::uint64_t rejected(const rx_path& path, parse_error e)
{
    return path.parse_stats().rejected[static_cast<std::size_t>(e)];
}

} // namespace

TEST(RxPathError, CountsInvalidDatagramsByReason)
{
    rx_path path(small_config());
    const auto good = udpnotif::encode_message(test::params(1, 1), test::make_payload(100, 1));

    EXPECT_EQ(feed(path, {0x21, 0x0c, 0x00}), nullptr); // shorter than 12 octets
    auto v2 = good;
    v2[0] = 0x41; // Ver 2
    EXPECT_EQ(feed(path, v2), nullptr);
    auto short_hl = good;
    short_hl[1] = 8; // Header Len < 12
    EXPECT_EQ(feed(path, short_hl), nullptr);
    auto long_ml = good;
    store_be16(long_ml.data() + 2, static_cast<std::uint16_t>(good.size() + 1));
    EXPECT_EQ(feed(path, long_ml), nullptr); // Message Length > datagram (§11 item 2)
    auto mt0 = good;
    mt0[0] = 0x20; // S = 0, MT = 0 (reserved)
    EXPECT_EQ(feed(path, mt0), nullptr);
    auto priv = good;
    priv[0] = 0x35; // S = 1: dropped by default (§11 item 6)
    EXPECT_EQ(feed(path, priv), nullptr);

    EXPECT_EQ(rejected(path, parse_error::too_short), 1u);
    EXPECT_EQ(rejected(path, parse_error::unsupported_version), 1u);
    EXPECT_EQ(rejected(path, parse_error::header_len_too_small), 1u);
    EXPECT_EQ(rejected(path, parse_error::message_len_exceeds_datagram), 1u);
    EXPECT_EQ(rejected(path, parse_error::reserved_media_type), 1u);
    EXPECT_EQ(rejected(path, parse_error::private_media_type), 1u);
    EXPECT_EQ(path.parse_stats().rejected_total(), 6u);
    EXPECT_EQ(path.stats().datagrams, 6u);
    EXPECT_EQ(path.stats().messages, 0u);
    EXPECT_EQ(path.pool().n_free(), path.pool().n_buffers());
}

TEST(RxPathError, IgnoresTrailingOctetsAfterMessageLength)
{
    rx_path path(small_config());
    const auto payload = test::make_payload(100, 2);
    auto bytes = udpnotif::encode_message(test::params(1, 1), payload);
    bytes.push_back(0xFF);
    bytes.push_back(0xFF); // §11 item 2: process the message, count the trailing bytes
    message_buffer* msg = feed(path, bytes);
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(std::vector<std::uint8_t>(msg->payload().begin(), msg->payload().end()), payload);
    EXPECT_EQ(path.parse_stats().trailing_bytes, 1u);
    path.release(msg);
}

TEST(RxPathError, DropsTruncatedDatagramsBeforeParsing)
{
    rx_path path(small_config());
    stored_datagram d;
    d.bytes = udpnotif::encode_message(test::params(1, 1), test::make_payload(100, 3));
    d.truncated = true;
    EXPECT_EQ(path.process(d.view()), nullptr);
    EXPECT_EQ(path.stats().truncated, 1u);
    EXPECT_EQ(path.parse_stats().accepted, 0u);
    EXPECT_EQ(path.parse_stats().rejected_total(), 0u);
}

TEST(RxPathError, CountsPoolExhaustionAndNeverAllocatesAnotherBuffer)
{
    rx_path path(small_config()); // 2 buffers
    std::vector<message_buffer*> held;
    for (std::uint32_t id = 1; id <= 3; ++id) {
        message_buffer* msg = feed(
            path, udpnotif::encode_message(test::params(1, id), test::make_payload(500, id)));
        if (msg != nullptr) {
            held.push_back(msg);
        }
    }
    EXPECT_EQ(held.size(), 2u);
    EXPECT_EQ(path.stats().pool_exhausted, 1u);
    EXPECT_EQ(path.stats().whole_messages, 3u);
    EXPECT_EQ(path.stats().messages, 2u);
    EXPECT_EQ(path.buffer_stats().exhausted, 1u);
    EXPECT_EQ(path.gap_stats().messages, 3u); // loss accounting saw the network deliver it
    EXPECT_EQ(path.gap_stats().missing, 0u);
    // Once a buffer comes back, messages flow again.
    path.release(held.back());
    held.pop_back();
    message_buffer* msg =
        feed(path, udpnotif::encode_message(test::params(1, 4), test::make_payload(500, 4)));
    ASSERT_NE(msg, nullptr);
    path.release(msg);
    for (auto* m : held) {
        path.release(m);
    }
}

TEST(RxPathError, CountsReassembledMessagesTooLargeForAnyBuffer)
{
    rx_path path(small_config()); // largest buffer: 2048 octets
    message_buffer* msg = nullptr;
    for (const auto& s :
         udpnotif::encode_segments(test::params(1, 1), test::make_payload(5000, 5), 1400)) {
        msg = feed(path, s);
    }
    EXPECT_EQ(msg, nullptr);
    EXPECT_EQ(path.stats().reassembled_messages, 1u);
    EXPECT_EQ(path.stats().oversize, 1u);
    EXPECT_EQ(path.stats().messages, 0u);
    EXPECT_EQ(path.pool().n_free(), 2u);
}

TEST(RxPathError, ReleasesWhatTheSinkRefuses)
{
    rx_path path(small_config());
    std::vector<stored_datagram> stored(3);
    std::vector<datagram> views;
    for (std::uint32_t i = 0; i < 3; ++i) {
        stored[i].bytes =
            udpnotif::encode_message(test::params(1, i + 1), test::make_payload(100, i));
        views.push_back(stored[i].view());
    }
    // More messages than buffers: each refused buffer goes straight back to the pool.
    EXPECT_EQ(path.process_batch(datagram_batch{views}, test::refuse_sink{}), 0u);
    EXPECT_EQ(path.stats().sink_refused, 3u);
    EXPECT_EQ(path.stats().pool_exhausted, 0u);
    EXPECT_EQ(path.pool().n_free(), 2u);
}

TEST(RxPathError, DuplicateAndLateSegmentsAreCountedNotDelivered)
{
    rx_path path(small_config());
    const auto segs =
        udpnotif::encode_segments(test::params(1, 1), test::make_payload(1500, 6), 1000);
    ASSERT_EQ(segs.size(), 2u);
    EXPECT_EQ(feed(path, segs[0]), nullptr);
    EXPECT_EQ(feed(path, segs[0]), nullptr);
    message_buffer* msg = feed(path, segs[1]);
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(feed(path, segs[1]), nullptr); // after completion
    EXPECT_EQ(path.reassembly_stats().count(reassembly::verdict::duplicate), 1u);
    EXPECT_EQ(path.reassembly_stats().count(reassembly::verdict::late), 1u);
    EXPECT_EQ(path.stats().messages, 1u);
    path.release(msg);
}

TEST(RxPathError, BadTableOrPoolConfigFailsAtStartUp)
{
    auto cfg = small_config();
    cfg.pool.classes = {};
    EXPECT_THROW(rx_path{cfg}, std::invalid_argument);
    cfg = small_config();
    cfg.reassembly.max_pending_messages = 0;
    EXPECT_THROW(rx_path{cfg}, std::invalid_argument);
}
