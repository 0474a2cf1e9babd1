// reassembly::table error paths (PROTOCOL.md §2 step 3): duplicates, media mismatch,
// conflicting / beyond last, limits, memory, and config validation.
#include "reassembly/table.hpp"

#include "segment_builder.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::reassembly;
using udpn::test::datagram;
using udpn::test::make_payload;
using udpn::test::split;
using udpn::test::table_driver;

namespace {

/// One segment with an explicit number, L flag, S/MT and payload size.
datagram segment(std::uint32_t message_id, std::uint16_t number, bool last,
                 std::size_t n_payload = 100, std::uint8_t media_type = 1, bool s_flag = false)
{
    auto p = test::params(1, message_id);
    p.media_type = media_type;
    p.s_flag = s_flag;
    datagram d(16 + n_payload, static_cast<std::uint8_t>(number));
    udpnotif::write_header(d.data(), d.size(), p, udpnotif::segment_info{number, last}, {},
                           static_cast<std::uint16_t>(d.size()));
    return d;
}

} // namespace

// §2 step 3: SHOULD drop duplicates; the set is kept and still completes.
TEST(ReassemblyTableErrors, DropsDuplicateSegmentsAndKeepsTheSet)
{
    table_driver drv;
    const auto payload = make_payload(3000);
    const auto segs = split(test::params(1, 1), payload, 3);
    EXPECT_EQ(drv.offer(segs[1]), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1]), verdict::duplicate);
    EXPECT_EQ(drv.offer(segs[2]), verdict::stored);
    EXPECT_EQ(drv.offer(segs[2]), verdict::duplicate); // a duplicate of the last one too
    ASSERT_EQ(drv.offer(segs[0]), verdict::complete);
    EXPECT_EQ(std::vector<std::uint8_t>(drv.table.completed().payload.begin(),
                                        drv.table.completed().payload.end()),
              payload);
    EXPECT_EQ(drv.table.stats().count(verdict::duplicate), 2u);
}

// Once complete, the state is freed but the key is remembered for timeout_ns: a late copy of
// a segment is counted as late, never completes the message a second time, and never shows up
// as an incomplete message.
TEST(ReassemblyTableErrors, EmitsACompletedMessageOnlyOnce)
{
    table_driver drv;
    const auto segs = split(test::params(1, 1), make_payload(2000), 2);
    EXPECT_EQ(drv.offer(segs[0], 10), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1], 20), verdict::complete);
    EXPECT_EQ(drv.offer(segs[0], 30), verdict::late);
    EXPECT_EQ(drv.offer(segs[1], 20 + drv.table.config().timeout_ns), verdict::late);
    EXPECT_EQ(drv.table.stats().count(verdict::complete), 1u);
    EXPECT_EQ(drv.table.stats().count(verdict::late), 2u);
    EXPECT_EQ(drv.table.expire_all(), 0u);
    // Past the timeout the key is forgotten: a copy starts a new set, which can only expire.
    EXPECT_EQ(drv.offer(segs[0], 21 + drv.table.config().timeout_ns), verdict::stored);
    EXPECT_EQ(drv.table.expire_all(), 1u);
}

// Regression: ids reused after the timeout finish a second time; the newer tombstone must win
// over the stale one, so a late copy after the second completion is still `late`.
TEST(ReassemblyTableErrors, AKeyFinishedTwiceIsRememberedFromItsLatestFinish)
{
    table_driver drv;
    const auto segs = split(test::params(1, 1), make_payload(2000), 2);
    const std::uint64_t t = drv.table.config().timeout_ns;
    EXPECT_EQ(drv.offer(segs[0], 10), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1], 20), verdict::complete);
    EXPECT_EQ(drv.offer(segs[0], 21 + t), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1], 22 + t), verdict::complete);
    EXPECT_EQ(drv.offer(segs[0], 23 + t), verdict::late);
    EXPECT_EQ(drv.table.expire_all(), 0u);
}

TEST(ReassemblyTableErrors, FinishedMemoryZeroForgetsAtOnce)
{
    reassembly_config cfg;
    cfg.finished_memory = 0;
    table_driver drv(cfg);
    const auto segs = split(test::params(1, 1), make_payload(2000), 2);
    EXPECT_EQ(drv.offer(segs[0]), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1]), verdict::complete);
    EXPECT_EQ(drv.offer(segs[0]), verdict::stored);
    EXPECT_EQ(drv.table.expire_all(), 1u);
}

TEST(ReassemblyTableErrors, FinishedMemoryKeepsOnlyTheNewestKeys)
{
    reassembly_config cfg;
    cfg.finished_memory = 2;
    table_driver drv(cfg);
    for (std::uint32_t id = 1; id <= 3; ++id) {
        const auto segs = split(test::params(1, id), make_payload(300), 2);
        EXPECT_EQ(drv.offer(segs[0]), verdict::stored);
        EXPECT_EQ(drv.offer(segs[1]), verdict::complete);
    }
    // Message 1 fell out of the two-key ring; 2 and 3 are remembered.
    EXPECT_EQ(drv.offer(split(test::params(1, 1), make_payload(300), 2)[0]), verdict::stored);
    EXPECT_EQ(drv.offer(split(test::params(1, 2), make_payload(300), 2)[0]), verdict::late);
    EXPECT_EQ(drv.offer(split(test::params(1, 3), make_payload(300), 2)[1]), verdict::late);
}

// §2 step 3: drop the set if S/MT differ between segments.
TEST(ReassemblyTableErrors, DropsTheSetWhenTheMediaTypeChanges)
{
    table_driver drv;
    EXPECT_EQ(drv.offer(segment(1, 0, false, 100, 1)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 1, false, 100, 2)), verdict::media_mismatch);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    // The set is gone and remembered: the rest is late and does not complete the message.
    EXPECT_EQ(drv.offer(segment(1, 2, true, 100, 1)), verdict::late);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().count(verdict::media_mismatch), 1u);
}

TEST(ReassemblyTableErrors, DropsTheSetWhenTheSFlagChanges)
{
    table_driver drv;
    drv.parse_cfg.accept_private_media = true;
    EXPECT_EQ(drv.offer(segment(1, 0, false, 100, 1, false)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 1, true, 100, 1, true)), verdict::media_mismatch);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
}

// §2 step 3: two different "last" numbers.
TEST(ReassemblyTableErrors, DropsTheSetOnConflictingLastNumbers)
{
    table_driver drv;
    EXPECT_EQ(drv.offer(segment(1, 3, true)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 5, true)), verdict::conflicting_last);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().count(verdict::conflicting_last), 1u);
}

// §2 step 3: a number above the known last.
TEST(ReassemblyTableErrors, DropsTheSetWhenASegmentIsBeyondTheKnownLast)
{
    table_driver drv;
    EXPECT_EQ(drv.offer(segment(1, 2, true)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 3, false)), verdict::beyond_last);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
}

// ... and the same contradiction seen the other way round: a "last" below a stored number.
TEST(ReassemblyTableErrors, DropsTheSetWhenTheLastIsBelowAStoredSegment)
{
    table_driver drv;
    EXPECT_EQ(drv.offer(segment(1, 6, false)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 4, true)), verdict::beyond_last);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().count(verdict::beyond_last), 1u);
}

// §2: configurable cap on segments per message.
TEST(ReassemblyTableErrors, DropsTheSetWithTooManySegments)
{
    reassembly_config cfg;
    cfg.max_segments_per_message = 4;
    table_driver drv(cfg);
    EXPECT_EQ(drv.offer(segment(1, 0, false)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 3, false)), verdict::stored); // number 3 = 4th segment: fine
    EXPECT_EQ(drv.offer(segment(1, 4, false)), verdict::too_many_segments);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    // A first segment beyond the cap never creates a set.
    EXPECT_EQ(drv.offer(segment(2, 100, true)), verdict::too_many_segments);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().count(verdict::too_many_segments), 2u);
}

TEST(ReassemblyTableErrors, AcceptsTheLargestSegmentCount)
{
    reassembly_config cfg;
    cfg.max_segments_per_message = 32768;
    table_driver drv(cfg);
    const auto payload = make_payload(32768 * 4);
    const auto segs = split(test::params(1, 1), payload, 32768);
    verdict v = verdict::stored;
    for (std::size_t k = segs.size(); k-- > 0;) {
        v = drv.offer(segs[k]);
        if (k != 0) {
            ASSERT_EQ(v, verdict::stored);
        }
    }
    ASSERT_EQ(v, verdict::complete);
    EXPECT_EQ(drv.table.completed().n_segments, 32768u);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), drv.table.completed().payload.begin()));
}

// §2 step 3: byte limit per message.
TEST(ReassemblyTableErrors, DropsTheSetWhenTheMessageIsTooLarge)
{
    reassembly_config cfg;
    cfg.max_message_bytes = 250;
    table_driver drv(cfg);
    EXPECT_EQ(drv.offer(segment(1, 0, false, 100)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 1, false, 100)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 2, true, 51)), verdict::too_large);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    // Exactly at the limit completes.
    EXPECT_EQ(drv.offer(segment(2, 0, false, 100)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(2, 1, false, 100)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(2, 2, true, 50)), verdict::complete);
    EXPECT_EQ(drv.table.stats().count(verdict::too_large), 1u);
}

// A message that cannot fit under max_total_bytes even with the table otherwise empty.
TEST(ReassemblyTableErrors, ReportsNoMemoryWhenOneMessageCannotFit)
{
    reassembly_config cfg;
    cfg.max_total_bytes = 8192;
    table_driver drv(cfg);
    const auto segs = split(test::params(1, 1), make_payload(20000), 20);
    verdict v = verdict::stored;
    std::size_t k = 0;
    for (; k < segs.size(); ++k) {
        v = drv.offer(segs[k]);
        if (v != verdict::stored) {
            break;
        }
    }
    EXPECT_EQ(v, verdict::no_memory);
    EXPECT_EQ(drv.table.stats().count(verdict::no_memory), 1u);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_LE(drv.table.stats().bytes_held, cfg.max_total_bytes);
    // A small message still fits afterwards.
    const auto small = split(test::params(1, 2), make_payload(1000), 2);
    EXPECT_EQ(drv.offer(small[0]), verdict::stored);
    EXPECT_EQ(drv.offer(small[1]), verdict::complete);
}

TEST(ReassemblyTableErrors, RejectsConfigsOutsideTheirRanges)
{
    const auto message_of = [](const reassembly_config& cfg) -> std::string {
        try {
            table t(cfg);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    reassembly_config cfg;
    cfg.max_segments_per_message = 0;
    EXPECT_NE(message_of(cfg).find("max_segments_per_message"), std::string::npos);
    cfg = {};
    cfg.finished_memory = (1u << 24) + 1;
    EXPECT_NE(message_of(cfg).find("finished_memory"), std::string::npos);
    cfg.max_segments_per_message = 32769;
    EXPECT_NE(message_of(cfg).find("max_segments_per_message"), std::string::npos);
    cfg = {};
    cfg.max_message_bytes = 0;
    EXPECT_NE(message_of(cfg).find("max_message_bytes"), std::string::npos);
    cfg = {};
    cfg.max_pending_messages = 0;
    EXPECT_NE(message_of(cfg).find("max_pending_messages"), std::string::npos);
    cfg = {};
    cfg.max_total_bytes = 0;
    EXPECT_NE(message_of(cfg).find("max_total_bytes"), std::string::npos);
    cfg = {};
    cfg.timeout_ns = 0;
    EXPECT_NE(message_of(cfg).find("timeout_ns"), std::string::npos);
    cfg = {};
    cfg.max_segments_per_message = 32768;
    cfg.max_pending_messages = 1;
    EXPECT_EQ(message_of(cfg), "");
}

// One scenario that moves every verdict counter exactly once.
TEST(ReassemblyTableErrors, CountsEveryVerdict)
{
    reassembly_config cfg;
    cfg.max_segments_per_message = 8;
    cfg.max_message_bytes = 1000;
    cfg.max_total_bytes = 4096;
    table_driver drv(cfg);
    const auto whole = udpnotif::encode_message(test::params(1, 100), make_payload(10));
    EXPECT_EQ(drv.offer(whole), verdict::whole);
    EXPECT_EQ(drv.offer(segment(1, 0, false)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 0, false)), verdict::duplicate);
    EXPECT_EQ(drv.offer(segment(1, 1, true)), verdict::complete);
    EXPECT_EQ(drv.offer(segment(2, 0, false, 10, 1)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(2, 1, false, 10, 3)), verdict::media_mismatch);
    EXPECT_EQ(drv.offer(segment(3, 1, true)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(3, 2, true)), verdict::conflicting_last);
    EXPECT_EQ(drv.offer(segment(4, 1, true)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(4, 2, false)), verdict::beyond_last);
    EXPECT_EQ(drv.offer(segment(5, 8, false)), verdict::too_many_segments);
    EXPECT_EQ(drv.offer(segment(6, 0, false, 600)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(6, 1, false, 600)), verdict::too_large);
    EXPECT_EQ(drv.offer(segment(7, 0, false, 1000)), verdict::stored);
    EXPECT_EQ(drv.offer(segment(1, 0, false)), verdict::late);
    EXPECT_EQ(drv.table.stats().pending_messages, 1u);
    const reassembly_stats& st = drv.table.stats();

    // Force no_memory with a fresh, tiny table.
    reassembly_config tiny;
    tiny.max_total_bytes = 64;
    table_driver small(tiny);
    EXPECT_EQ(small.offer(segment(1, 0, false, 100)), verdict::no_memory);

    for (std::size_t v = 0; v < n_verdicts; ++v) {
        const auto vv = static_cast<verdict>(v);
        const std::uint64_t n = st.count(vv) + small.table.stats().count(vv);
        if (vv == verdict::stored) {
            EXPECT_EQ(n, 6u);
        } else {
            EXPECT_EQ(n, 1u) << to_string(vv);
        }
    }
}
