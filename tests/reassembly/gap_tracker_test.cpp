// reassembly::gap_tracker: Message-ID loss accounting per (exporter, Publisher ID)
// (PROTOCOL.md §1 "Message ID", §2 step 6).
#include "reassembly/gap_tracker.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace udpn;
using namespace udpn::reassembly;

namespace {

const net::endpoint exporter_a{net::ip_address::v4(0xc0000201u), 40000};
const net::endpoint exporter_b{net::ip_address::v4(0xc0000202u), 40000};

void observe_range(gap_tracker& gaps, const net::endpoint& src, std::uint32_t publisher_id,
                   std::uint32_t first, std::uint32_t n)
{
    for (std::uint32_t k = 0; k < n; ++k) {
        gaps.observe(src, publisher_id, first + k);
    }
}

} // namespace

TEST(GapTracker, CountsNothingForInOrderIds)
{
    gap_tracker gaps;
    observe_range(gaps, exporter_a, 1, 1, 1000);
    EXPECT_EQ(gaps.stats().messages, 1000u);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().late, 0u);
    EXPECT_EQ(gaps.stats().duplicates, 0u);
    EXPECT_EQ(gaps.stats().resets, 0u);
    EXPECT_EQ(gaps.stats().streams, 1u);
}

// A receiver may start late (§1.3): the first id seen only sets the expectation.
TEST(GapTracker, StartsAStreamAtAnyId)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 123456);
    gaps.observe(exporter_a, 1, 123457);
    EXPECT_EQ(gaps.stats().missing, 0u);
}

// §1: ids SHOULD increase by exactly 1, so gaps reveal loss.
TEST(GapTracker, CountsSkippedIdsAsMissing)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 1);
    gaps.observe(exporter_a, 1, 2);
    gaps.observe(exporter_a, 1, 5); // 3, 4 missing
    gaps.observe(exporter_a, 1, 6);
    gaps.observe(exporter_a, 1, 16); // 7..15 missing
    EXPECT_EQ(gaps.stats().missing, 11u);
    EXPECT_EQ(gaps.stats().late, 0u);
}

// §2 step 6: reordering creates temporary gaps; a late id fills its own.
TEST(GapTracker, FillsAGapWhenTheMissingIdArrivesLate)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 1);
    gaps.observe(exporter_a, 1, 4); // 2, 3 missing
    EXPECT_EQ(gaps.stats().missing, 2u);
    gaps.observe(exporter_a, 1, 3);
    EXPECT_EQ(gaps.stats().missing, 1u);
    EXPECT_EQ(gaps.stats().late, 1u);
    gaps.observe(exporter_a, 1, 2);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().late, 2u);
    // The same late id again fills nothing: late only, missing stays 0.
    gaps.observe(exporter_a, 1, 2);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().late, 3u);
    // The stream continues in order after the fills.
    gaps.observe(exporter_a, 1, 5);
    EXPECT_EQ(gaps.stats().missing, 0u);
}

TEST(GapTracker, FillsGapsAnywhereInsideTheWindow)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 1000);
    gaps.observe(exporter_a, 1, 1201); // 1001..1200 missing (200 ids)
    observe_range(gaps, exporter_a, 1, 1202, 50); // window ages by 50 more ids
    EXPECT_EQ(gaps.stats().missing, 200u);
    gaps.observe(exporter_a, 1, 1001); // 251 ids behind expected
    gaps.observe(exporter_a, 1, 1200);
    EXPECT_EQ(gaps.stats().missing, 198u);
    EXPECT_EQ(gaps.stats().late, 2u);
}

TEST(GapTracker, CountsLateIdsBeyondTheWindowWithoutFillingGaps)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 1);
    gaps.observe(exporter_a, 1, 3); // 2 missing
    observe_range(gaps, exporter_a, 1, 4, 1000);
    gaps.observe(exporter_a, 1, 2); // far too late to be remembered
    EXPECT_EQ(gaps.stats().missing, 1u);
    EXPECT_EQ(gaps.stats().late, 1u);
    EXPECT_EQ(gaps.stats().resets, 0u);
    gaps.observe(exporter_a, 1, 1004); // next in order: no reset, no loss
    EXPECT_EQ(gaps.stats().missing, 1u);
    EXPECT_EQ(gaps.stats().resets, 0u);
}

TEST(GapTracker, CountsTheIdJustSeenAsADuplicate)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 10);
    gaps.observe(exporter_a, 1, 10);
    gaps.observe(exporter_a, 1, 11);
    gaps.observe(exporter_a, 1, 11);
    EXPECT_EQ(gaps.stats().duplicates, 2u);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().late, 0u);
}

// §1: after 2^32-1 the Message ID wraps to 0.
TEST(GapTracker, TreatsTheWrapFromMaxToZeroAsInOrder)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 0xfffffffeu);
    gaps.observe(exporter_a, 1, 0xffffffffu);
    gaps.observe(exporter_a, 1, 0);
    gaps.observe(exporter_a, 1, 1);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().resets, 0u);
    EXPECT_EQ(gaps.stats().late, 0u);
}

TEST(GapTracker, CountsGapsAndLateFillsAcrossTheWrap)
{
    gap_tracker gaps;
    gaps.observe(exporter_a, 1, 0xfffffffdu);
    gaps.observe(exporter_a, 1, 2); // 0xfffffffe, 0xffffffff, 0, 1 missing
    EXPECT_EQ(gaps.stats().missing, 4u);
    gaps.observe(exporter_a, 1, 0xffffffffu);
    EXPECT_EQ(gaps.stats().missing, 3u);
    EXPECT_EQ(gaps.stats().late, 1u);
    EXPECT_EQ(gaps.stats().resets, 0u);
}

TEST(GapTracker, ResetsOnAForwardJumpLargerThanMaxGap)
{
    gap_tracker gaps(16, 1000);
    gaps.observe(exporter_a, 1, 1);
    gaps.observe(exporter_a, 1, 1001); // 999 skipped: within max_gap, loss
    EXPECT_EQ(gaps.stats().missing, 999u);
    gaps.observe(exporter_a, 1, 5000); // 3998 skipped: publisher restart, not loss
    EXPECT_EQ(gaps.stats().resets, 1u);
    EXPECT_EQ(gaps.stats().missing, 999u);
    gaps.observe(exporter_a, 1, 5001); // resynchronised
    EXPECT_EQ(gaps.stats().missing, 999u);
    EXPECT_EQ(gaps.stats().resets, 1u);
}

// A publisher restarting at 1 sends ids far below the expected one; two consecutive ones
// confirm the restart (a single stray old id stays "late").
TEST(GapTracker, ResynchronisesWhenAPublisherRestartsWithLowerIds)
{
    gap_tracker gaps;
    observe_range(gaps, exporter_a, 1, 100000, 10);
    gaps.observe(exporter_a, 1, 1);
    EXPECT_EQ(gaps.stats().late, 1u);
    EXPECT_EQ(gaps.stats().resets, 0u);
    gaps.observe(exporter_a, 1, 2);
    EXPECT_EQ(gaps.stats().resets, 1u);
    EXPECT_EQ(gaps.stats().late, 0u);
    observe_range(gaps, exporter_a, 1, 3, 10);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().late, 0u);
}

// §1: Publisher IDs are unique per node only, so the exporter address is part of the stream.
TEST(GapTracker, TracksPublishersAndExportersSeparately)
{
    gap_tracker gaps;
    for (std::uint32_t id = 1; id <= 100; ++id) {
        gaps.observe(exporter_a, 1, id);
        gaps.observe(exporter_a, 2, id * 2);     // publisher 2 of the same exporter: every other id
        gaps.observe(exporter_b, 1, 5000 + id); // same publisher id, other exporter
    }
    EXPECT_EQ(gaps.stats().streams, 3u);
    EXPECT_EQ(gaps.stats().missing, 99u); // only publisher 2 skips ids
    EXPECT_EQ(gaps.stats().late, 0u);
    EXPECT_EQ(gaps.stats().resets, 0u);
}

TEST(GapTracker, SeparatesSourcePortsUnlessDisabled)
{
    net::endpoint other_port = exporter_a;
    other_port.port = 40001;
    {
        gap_tracker gaps(16, 1u << 20, true);
        gaps.observe(exporter_a, 1, 1);
        gaps.observe(other_port, 1, 100);
        EXPECT_EQ(gaps.stats().streams, 2u);
        EXPECT_EQ(gaps.stats().missing, 0u);
    }
    {
        gap_tracker gaps(16, 1u << 20, false);
        gaps.observe(exporter_a, 1, 1);
        gaps.observe(other_port, 1, 2);
        gaps.observe(exporter_a, 1, 4);
        EXPECT_EQ(gaps.stats().streams, 1u);
        EXPECT_EQ(gaps.stats().missing, 1u);
    }
}

TEST(GapTracker, EvictsTheLeastRecentlySeenStreamWhenFull)
{
    gap_tracker gaps(3);
    gaps.observe(exporter_a, 1, 10);
    gaps.observe(exporter_a, 2, 10);
    gaps.observe(exporter_a, 3, 10);
    gaps.observe(exporter_a, 1, 11); // publisher 1 is now the most recent; 2 the least
    gaps.observe(exporter_a, 4, 10); // evicts publisher 2
    EXPECT_EQ(gaps.stats().streams, 3u);
    EXPECT_EQ(gaps.stats().streams_evicted, 1u);
    // Publisher 1 is still known: a gap is counted.
    gaps.observe(exporter_a, 1, 14);
    EXPECT_EQ(gaps.stats().missing, 2u);
    // Publisher 2 was forgotten: it starts afresh, no gap counted against the old id.
    gaps.observe(exporter_a, 2, 50);
    EXPECT_EQ(gaps.stats().missing, 2u);
    EXPECT_EQ(gaps.stats().streams_evicted, 2u); // and evicted publisher 3 to get in
}

TEST(GapTracker, KeepsWorkingAfterManyEvictions)
{
    gap_tracker gaps(64);
    for (std::uint32_t round = 0; round < 50; ++round) {
        for (std::uint32_t pub = 0; pub < 200; ++pub) {
            gaps.observe(exporter_a, pub, round);
        }
    }
    EXPECT_EQ(gaps.stats().streams, 64u);
    EXPECT_EQ(gaps.stats().streams_evicted, 50u * 200u - 64u);
    EXPECT_EQ(gaps.stats().missing, 0u);
    // A surviving stream still counts in order.
    observe_range(gaps, exporter_a, 199, 50, 10);
    EXPECT_EQ(gaps.stats().missing, 0u);
    EXPECT_EQ(gaps.stats().streams_evicted, 50u * 200u - 64u);
}

TEST(GapTracker, RejectsZeroStreams)
{
    EXPECT_THROW(gap_tracker(0), std::invalid_argument);
}
