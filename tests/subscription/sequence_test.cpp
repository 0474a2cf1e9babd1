// Envelope sequence-number accounting per (exporter, Publisher ID) (PROTOCOL.md §3.2, §4.2,
// §11.25): first value 1, +1 per message, 4294967295 wraps to 0.
#include "fixtures.hpp"
#include "subscription/sequence.hpp"
#include "subscription/table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace udpn;
using namespace udpn::subscription;
using udpn::test::addr;

namespace {
const net::ip_address pe1 = addr("192.0.2.10");
const net::ip_address pe2 = addr("192.0.2.20");
} // namespace

TEST(SequenceTracker, CountsInOrderNumbers)
{
    sequence_tracker s;
    EXPECT_EQ(s.observe(pe1, 1, 1), seq_verdict::first);
    for (std::uint32_t n = 2; n <= 100; ++n) {
        EXPECT_EQ(s.observe(pe1, 1, n), seq_verdict::in_order);
    }
    EXPECT_EQ(s.stats().messages, 100u);
    EXPECT_EQ(s.stats().count(seq_verdict::in_order), 99u);
    EXPECT_EQ(s.stats().missing, 0u);
    EXPECT_EQ(s.stats().streams, 1u);
}

TEST(SequenceTracker, CountsGapsAndFillsThemWithLateArrivals)
{
    sequence_tracker s;
    s.observe(pe1, 1, 1);
    EXPECT_EQ(s.observe(pe1, 1, 5), seq_verdict::gap); // 2, 3, 4 missing
    EXPECT_EQ(s.stats().missing, 3u);
    EXPECT_EQ(s.observe(pe1, 1, 3), seq_verdict::late); // reordered: fills one
    EXPECT_EQ(s.stats().missing, 2u);
    EXPECT_EQ(s.observe(pe1, 1, 3), seq_verdict::duplicate);
    EXPECT_EQ(s.observe(pe1, 1, 5), seq_verdict::duplicate);
    EXPECT_EQ(s.observe(pe1, 1, 6), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 2), seq_verdict::late);
    EXPECT_EQ(s.stats().missing, 1u); // 4 still missing
    EXPECT_EQ(s.stats().count(seq_verdict::gap), 1u);
    EXPECT_EQ(s.stats().count(seq_verdict::late), 2u);
    EXPECT_EQ(s.stats().count(seq_verdict::duplicate), 2u);
    // A gap wider than the window still counts every missing number.
    EXPECT_EQ(s.observe(pe1, 1, 1006), seq_verdict::gap);
    EXPECT_EQ(s.stats().missing, 1u + 999u);
    EXPECT_EQ(s.observe(pe1, 1, 1005), seq_verdict::late);
    EXPECT_EQ(s.stats().missing, 999u);
}

// §3.2 / §11.25: after 4294967295 comes 0, then 1 — in order, not a restart.
TEST(SequenceTracker, WrapsFromMaxToZero)
{
    sequence_tracker s;
    s.observe(pe1, 1, 4294967294u);
    EXPECT_EQ(s.observe(pe1, 1, 4294967295u), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 0), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 1), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 2), seq_verdict::in_order);
    EXPECT_EQ(s.stats().wraps, 1u);
    EXPECT_EQ(s.stats().count(seq_verdict::reset), 0u);
    // A gap across the wrap: 4294967295, 0 and 1 lost.
    sequence_tracker g;
    g.observe(pe1, 1, 4294967294u);
    EXPECT_EQ(g.observe(pe1, 1, 2), seq_verdict::gap);
    EXPECT_EQ(g.stats().missing, 3u);
    EXPECT_EQ(g.observe(pe1, 1, 0), seq_verdict::late);
    EXPECT_EQ(g.observe(pe1, 1, 4294967295u), seq_verdict::late);
    EXPECT_EQ(g.stats().missing, 1u);
    // 0 lost, 1 arrives: a gap across the wrap, not a restart.
    sequence_tracker h;
    h.observe(pe1, 1, 4294967295u);
    EXPECT_EQ(h.observe(pe1, 1, 1), seq_verdict::gap);
    EXPECT_EQ(h.stats().missing, 1u);
}

// §3.2: a publisher process starts at 1, so 1 out of turn is a restart; so is a huge jump.
TEST(SequenceTracker, DetectsResets)
{
    sequence_tracker s(16, 1000);
    s.observe(pe1, 1, 500);
    EXPECT_EQ(s.observe(pe1, 1, 501), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 1), seq_verdict::reset);
    EXPECT_EQ(s.observe(pe1, 1, 2), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 1, 3 + 1000), seq_verdict::gap);    // 1000 missing: within max_gap
    EXPECT_EQ(s.stats().missing, 1000u);
    EXPECT_EQ(s.observe(pe1, 1, 1004 + 1001), seq_verdict::reset); // beyond max_gap
    EXPECT_EQ(s.observe(pe1, 1, 2006), seq_verdict::in_order);
    EXPECT_EQ(s.stats().missing, 1000u);
    // Back by more than the window, twice in a row: a restart whose first messages were lost.
    EXPECT_EQ(s.observe(pe1, 1, 2506), seq_verdict::gap); // within max_gap
    EXPECT_EQ(s.observe(pe1, 1, 10), seq_verdict::late);
    EXPECT_EQ(s.observe(pe1, 1, 11), seq_verdict::reset);
    EXPECT_EQ(s.observe(pe1, 1, 12), seq_verdict::in_order);
    EXPECT_EQ(s.stats().count(seq_verdict::reset), 3u);
    EXPECT_EQ(s.stats().count(seq_verdict::late), 0u); // the first of the two was the restart
    // 1 again right after 1 is a duplicate, not a restart.
    sequence_tracker d;
    d.observe(pe1, 1, 1);
    EXPECT_EQ(d.observe(pe1, 1, 1), seq_verdict::duplicate);
}

// §4.2: per (node, Publisher ID); the exporter address is part of the identity.
TEST(SequenceTracker, SeparatesPublishersAndExporters)
{
    sequence_tracker s;
    EXPECT_EQ(s.observe(pe1, 1, 1), seq_verdict::first);
    EXPECT_EQ(s.observe(pe1, 2, 1), seq_verdict::first);
    EXPECT_EQ(s.observe(pe2, 1, 1), seq_verdict::first);
    EXPECT_EQ(s.observe(pe1, 1, 2), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 2, 2), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe2, 1, 3), seq_verdict::gap);
    EXPECT_EQ(s.stats().streams, 3u);
}

TEST(SequenceTracker, StaysBoundedByEvictingTheLeastRecentlySeenStream)
{
    sequence_tracker s(2);
    s.observe(pe1, 1, 1);
    s.observe(pe1, 2, 1);
    s.observe(pe1, 1, 2); // publisher 2 is now the least recently seen
    EXPECT_EQ(s.observe(pe1, 3, 1), seq_verdict::first);
    EXPECT_EQ(s.stats().streams_evicted, 1u);
    EXPECT_EQ(s.observe(pe1, 1, 3), seq_verdict::in_order);
    EXPECT_EQ(s.observe(pe1, 2, 2), seq_verdict::first); // forgotten, evicts publisher 3
    EXPECT_EQ(s.stats().streams, 2u);
    EXPECT_EQ(s.stats().streams_evicted, 2u);
    EXPECT_THROW(sequence_tracker(0), std::invalid_argument);
}

TEST(SequenceTracker, IsReachableThroughTheTable)
{
    table_config c;
    c.max_sequence_streams = 8;
    table t(c);
    EXPECT_EQ(t.observe_sequence(pe1, 7, 1), seq_verdict::first);
    EXPECT_EQ(t.observe_sequence(pe1, 7, 3), seq_verdict::gap);
    EXPECT_EQ(t.sequences().missing, 1u);
    EXPECT_EQ(t.sequences().messages, 2u);
}
