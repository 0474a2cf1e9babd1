// reassembly::table expiry and eviction (PROTOCOL.md §2 step 5, reassembly_config limits),
// driven by the injected clock: no sleeps.
#include "reassembly/table.hpp"

#include "segment_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace udpn;
using namespace udpn::reassembly;
using udpn::test::datagram;
using udpn::test::make_payload;
using udpn::test::split;
using udpn::test::table_driver;

namespace {

constexpr std::uint64_t ms = 1'000'000;

reassembly_config with_timeout(std::uint64_t timeout_ns)
{
    reassembly_config cfg;
    cfg.timeout_ns = timeout_ns;
    return cfg;
}

} // namespace

// §2 step 5: expired when older than the timeout (strictly).
TEST(ReassemblyTableExpiry, ExpiresSetsOlderThanTheTimeoutOnExpire)
{
    table_driver drv(with_timeout(100 * ms));
    const auto a = split(test::params(1, 1), make_payload(3000), 3);
    const auto b = split(test::params(1, 2), make_payload(3000), 3);
    EXPECT_EQ(drv.offer(a[0], 1000 * ms), verdict::stored);
    EXPECT_EQ(drv.offer(a[1], 1050 * ms), verdict::stored);
    EXPECT_EQ(drv.offer(b[0], 1060 * ms), verdict::stored);

    EXPECT_EQ(drv.table.expire(1100 * ms), 0u); // exactly the timeout: not yet
    EXPECT_EQ(drv.table.expire(1100 * ms + 1), 1u); // a is older than 100 ms (first segment)
    EXPECT_EQ(drv.table.stats().expired_messages, 1u);
    EXPECT_EQ(drv.table.stats().expired_segments, 2u);
    EXPECT_EQ(drv.table.stats().pending_messages, 1u);
    EXPECT_EQ(drv.table.expire(1160 * ms + 1), 1u);
    EXPECT_EQ(drv.table.stats().expired_messages, 2u);
    EXPECT_EQ(drv.table.stats().expired_segments, 3u);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
}

TEST(ReassemblyTableExpiry, TimesASetFromItsFirstSegment)
{
    table_driver drv(with_timeout(100 * ms));
    const auto a = split(test::params(1, 1), make_payload(3000), 3);
    EXPECT_EQ(drv.offer(a[0], 0), verdict::stored);
    EXPECT_EQ(drv.offer(a[1], 99 * ms), verdict::stored); // later segments do not refresh it
    EXPECT_EQ(drv.table.expire(100 * ms + 1), 1u);
}

// accept() expires a stale set of its own key first, then starts a new set with the datagram,
// so the outcome does not depend on how often expire() runs.
TEST(ReassemblyTableExpiry, ExpiresAStaleSetWhenItsKeyIsSeenAgain)
{
    table_driver drv(with_timeout(100 * ms));
    const auto payload = make_payload(3000);
    const auto segs = split(test::params(1, 1), payload, 3);
    EXPECT_EQ(drv.offer(segs[0], 0), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1], 10 * ms), verdict::stored);
    // 200 ms later segment 2 arrives: the old set (0, 1) expires, segment 2 starts a new one.
    EXPECT_EQ(drv.offer(segs[2], 200 * ms), verdict::stored);
    EXPECT_EQ(drv.table.stats().expired_messages, 1u);
    EXPECT_EQ(drv.table.stats().expired_segments, 2u);
    EXPECT_EQ(drv.table.stats().pending_messages, 1u);
    // A retransmission-like replay completes the new set, timed from segment 2.
    EXPECT_EQ(drv.offer(segs[0], 250 * ms), verdict::stored);
    ASSERT_EQ(drv.offer(segs[1], 260 * ms), verdict::complete);
    EXPECT_EQ(drv.table.completed().first_ns, 200 * ms);
    EXPECT_EQ(drv.table.completed().last_ns, 260 * ms);
    EXPECT_EQ(std::vector<std::uint8_t>(drv.table.completed().payload.begin(),
                                        drv.table.completed().payload.end()),
              payload);
}

TEST(ReassemblyTableExpiry, KeepsASetThatCompletesExactlyAtTheTimeout)
{
    table_driver drv(with_timeout(100 * ms));
    const auto segs = split(test::params(1, 1), make_payload(2000), 2);
    EXPECT_EQ(drv.offer(segs[0], 0), verdict::stored);
    EXPECT_EQ(drv.offer(segs[1], 100 * ms), verdict::complete);
}

TEST(ReassemblyTableExpiry, ExpireAllDropsEveryPendingSet)
{
    table_driver drv;
    for (std::uint32_t m = 0; m < 10; ++m) {
        const auto segs = split(test::params(1, m), make_payload(2000), 2);
        EXPECT_EQ(drv.offer(segs[0], m), verdict::stored);
    }
    EXPECT_EQ(drv.table.stats().pending_messages, 10u);
    EXPECT_EQ(drv.table.expire_all(), 10u);
    EXPECT_EQ(drv.table.stats().pending_messages, 0u);
    EXPECT_EQ(drv.table.stats().expired_messages, 10u);
    EXPECT_EQ(drv.table.stats().expired_segments, 10u);
    EXPECT_EQ(drv.table.expire_all(), 0u);
}

// max_pending_messages: the oldest pending set makes room for a new one.
TEST(ReassemblyTableEviction, EvictsTheOldestSetWhenFull)
{
    reassembly_config cfg;
    cfg.max_pending_messages = 4;
    table_driver drv(cfg);
    std::vector<std::vector<datagram>> sets;
    std::vector<std::vector<std::uint8_t>> payloads;
    for (std::uint32_t m = 0; m < 6; ++m) {
        payloads.push_back(make_payload(3000, m));
        sets.push_back(split(test::params(1, m), payloads.back(), 3));
    }
    // Messages 0..3 fill the table (message 0 with two segments).
    EXPECT_EQ(drv.offer(sets[0][0], 1), verdict::stored);
    EXPECT_EQ(drv.offer(sets[0][1], 1), verdict::stored);
    for (std::uint32_t m = 1; m < 4; ++m) {
        EXPECT_EQ(drv.offer(sets[m][0], 1 + m), verdict::stored);
    }
    EXPECT_EQ(drv.table.stats().pending_messages, 4u);
    // Message 4 evicts message 0 (oldest), message 5 evicts message 1.
    EXPECT_EQ(drv.offer(sets[4][0], 10), verdict::stored);
    EXPECT_EQ(drv.table.stats().evicted_full, 1u);
    EXPECT_EQ(drv.table.stats().evicted_segments, 2u);
    EXPECT_EQ(drv.offer(sets[5][0], 11), verdict::stored);
    EXPECT_EQ(drv.table.stats().evicted_full, 2u);
    EXPECT_EQ(drv.table.stats().evicted_segments, 3u);
    EXPECT_EQ(drv.table.stats().pending_messages, 4u);
    EXPECT_EQ(drv.table.stats().expired_messages, 0u);

    // Survivors still complete; message 0's rest starts a new set.
    for (std::uint32_t m = 2; m < 6; ++m) {
        EXPECT_EQ(drv.offer(sets[m][1], 20), verdict::stored);
        ASSERT_EQ(drv.offer(sets[m][2], 20), verdict::complete);
        EXPECT_EQ(std::vector<std::uint8_t>(drv.table.completed().payload.begin(),
                                            drv.table.completed().payload.end()),
                  payloads[m]);
    }
    EXPECT_EQ(drv.offer(sets[0][2], 21), verdict::stored);
}

// A set past its TTL that is pushed out is counted as expired, not evicted.
TEST(ReassemblyTableEviction, CountsAStaleOldestSetAsExpiredWhenFull)
{
    reassembly_config cfg;
    cfg.max_pending_messages = 2;
    cfg.timeout_ns = 100 * ms;
    table_driver drv(cfg);
    const auto a = split(test::params(1, 1), make_payload(2000), 2);
    const auto b = split(test::params(1, 2), make_payload(2000), 2);
    const auto c = split(test::params(1, 3), make_payload(2000), 2);
    EXPECT_EQ(drv.offer(a[0], 0), verdict::stored);
    EXPECT_EQ(drv.offer(b[0], 150 * ms), verdict::stored);
    EXPECT_EQ(drv.offer(c[0], 150 * ms), verdict::stored);
    EXPECT_EQ(drv.table.stats().expired_messages, 1u);
    EXPECT_EQ(drv.table.stats().evicted_full, 0u);
}

// max_total_bytes: the oldest pending sets are evicted to make room for a growing one.
TEST(ReassemblyTableEviction, EvictsTheOldestSetsToStayUnderTheMemoryLimit)
{
    reassembly_config cfg;
    cfg.max_total_bytes = 128 * 1024;
    table_driver drv(cfg);
    // Ten pending messages of ~5 KB each (two segments stored of three).
    std::vector<std::vector<datagram>> sets;
    for (std::uint32_t m = 0; m < 10; ++m) {
        sets.push_back(split(test::params(1, m), make_payload(7500, m), 3));
        EXPECT_EQ(drv.offer(sets[m][0], m), verdict::stored);
        EXPECT_EQ(drv.offer(sets[m][1], m), verdict::stored);
    }
    EXPECT_EQ(drv.table.stats().pending_messages, 10u);
    EXPECT_EQ(drv.table.stats().evicted_memory, 0u);
    EXPECT_LE(drv.table.stats().bytes_held, cfg.max_total_bytes);

    // One big message (40 KB, 40 segments) needs room: old sets go, oldest first.
    const auto big_payload = make_payload(40000, 77);
    const auto big = split(test::params(2, 1), big_payload, 40);
    verdict v = verdict::stored;
    for (const auto& d : big) {
        v = drv.offer(d, 100);
        ASSERT_TRUE(v == verdict::stored || v == verdict::complete) << to_string(v);
    }
    ASSERT_EQ(v, verdict::complete);
    EXPECT_EQ(std::vector<std::uint8_t>(drv.table.completed().payload.begin(),
                                        drv.table.completed().payload.end()),
              big_payload);
    const reassembly_stats& st = drv.table.stats();
    EXPECT_GT(st.evicted_memory, 0u);
    EXPECT_EQ(st.evicted_segments, 2 * st.evicted_memory);
    EXPECT_EQ(st.pending_messages, 10u - st.evicted_memory);
    EXPECT_LE(st.bytes_held, cfg.max_total_bytes);
    // The evicted ones were the oldest: message 9 (newest) is still there and completes.
    EXPECT_EQ(drv.offer(sets[9][2], 200), verdict::complete);
    // Message 0 (oldest) was evicted: its last segment starts a new set.
    EXPECT_EQ(drv.offer(sets[0][2], 200), verdict::stored);
}

// bytes_held counts cached buffers too, and never exceeds max_total_bytes.
TEST(ReassemblyTableEviction, KeepsBytesHeldWithinTheLimitUnderChurn)
{
    reassembly_config cfg;
    cfg.max_total_bytes = 200 * 1024;
    cfg.max_pending_messages = 64;
    table_driver drv(cfg);
    std::mt19937 rng(5);
    std::uint64_t n_complete = 0;
    for (std::uint32_t m = 0; m < 2000; ++m) {
        const std::size_t n_segments = 2 + rng() % 20;
        const auto segs = split(test::params(1, m), make_payload(n_segments * 900, m), n_segments);
        // Deliver all but, for one message in four, the last segment (left pending).
        const std::size_t n_send = m % 4 == 0 ? segs.size() - 1 : segs.size();
        for (const std::size_t k : test::arrival(segs.size(), test::order::random, m)) {
            if (k == segs.size() - 1 && n_send != segs.size()) {
                continue;
            }
            const verdict v = drv.offer(segs[k], m);
            n_complete += v == verdict::complete ? 1u : 0u;
            ASSERT_LE(drv.table.stats().bytes_held, cfg.max_total_bytes);
        }
    }
    EXPECT_GT(n_complete, 1000u);
    EXPECT_EQ(drv.table.stats().count(verdict::no_memory), 0u);
}
