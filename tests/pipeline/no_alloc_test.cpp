// STYLE.md §4 rule 4 / §5: once warm, the whole pipeline allocates nothing per message: RX
// thread (recvmmsg, header check, reassembly, buffer pool, queue hand-off), worker thread
// (decode, subscription lookup, topic + key, envelope, copy into a record slot) and producer
// thread (the null sink: count, return the slot). Measured with tests/support/alloc_counter,
// which counts global operator new in every thread. Not seen by it: the oneTBB queues'
// pages (one per 32 items, through tbb::cache_aligned_allocator -> malloc / scalable_malloc);
// and librdkafka (malloc, per record), which the null sink leaves out.
#include "alloc_counter.hpp"
#include "pipeline_fixtures.hpp"

#include "pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

TEST(pipeline_no_alloc, steady_state_allocates_nothing_per_message)
{
#if defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "ThreadSanitizer build: the pipeline's queues take their pages from "
                    "operator new there (see pipeline.cpp), which this test would count";
#endif
    pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.kafka.brokers = "null";
    cfg.record_slots = 64;
    cfg.record_wait_us = 1'000'000; // no record is dropped for want of a slot
    pipeline::pipeline p(cfg);
    p.start();
    exporter_socket e1("127.0.0.1");
    // Ordinals of a fixed width; every 5th message segmented. Warm-up: the subscription and
    // 400 data messages, so the slots in use have held several records (their strings grown
    // past the largest one). Then rounds of 200 messages, measured.
    //
    // "Warm" also means no slot comes into use for the first time: a slot's strings are empty
    // until it holds its first record, and the worker's envelope string circulates through
    // the slots (record_slot::assign swaps them). How many slots are out at once depends on
    // how the threads were scheduled (a loaded machine lets the worker batch up more records
    // before the producer returns them), so a round may still take a new slot and allocate
    // its strings once. That growth is bounded by record_slots (taken at most once each), so
    // the rounds soon stop taking new ones. A round that took no new slot must allocate
    // nothing; and at least two such rounds must come before the traffic runs out.
    constexpr std::size_t n_warm = 400;
    constexpr std::size_t n_round = 200;
    constexpr std::size_t max_rounds = 10;
    constexpr std::size_t clean_rounds_wanted = 2;
    const auto t = ordered_traffic("router-a", 7, n_warm + max_rounds * n_round, 100'000);
    auto send = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
            for (const auto& d : t[i].datagrams) {
                e1.send(d, p.local_port());
            }
            if (i % 16 == 15) {
                std::this_thread::sleep_for(2ms);
            }
        }
    };
    // Every stage has seen the first \p n messages (the worker's published counters too: they
    // carry slots_used, published with the messages it counts).
    auto through = [&p](std::size_t n) {
        const pipeline::pipeline_stats s = p.stats();
        return s.null_records >= n && s.worker_messages >= n;
    };
    std::size_t sent = 1 + n_warm;
    send(0, sent);
    ASSERT_TRUE(wait_until([&] { return through(sent); }, 20s));

    // stats() allocates its per-thread vectors, the same number each call (plain structs).
    const std::uint64_t per_stats_call = allocations_during([&] { (void)p.stats(); });
    ASSERT_EQ(allocations_during([&] { (void)p.stats(); }), per_stats_call);

    std::size_t clean_rounds = 0;
    std::uint64_t slots_used = p.per_thread_stats().workers.at(0).slots_used;
    std::uint64_t allocations_with_new_slots = 0;
    while (clean_rounds < clean_rounds_wanted && sent + n_round <= t.size()) {
        std::uint64_t stats_calls = 0;
        const std::uint64_t before = allocations();
        send(sent, sent + n_round);
        sent += n_round;
        const bool done = wait_until(
            [&] {
                ++stats_calls;
                return through(sent);
            },
            20s);
        const std::uint64_t during = allocations() - before - stats_calls * per_stats_call;
        ASSERT_TRUE(done);
        const std::uint64_t used_now = p.per_thread_stats().workers.at(0).slots_used;
        if (used_now == slots_used) {
            EXPECT_EQ(during, 0u) << "allocations while " << n_round
                                  << " messages went through the warm pipeline (" << used_now
                                  << " slots in use, none new)";
            ++clean_rounds;
        } else {
            allocations_with_new_slots += during;
            slots_used = used_now;
            clean_rounds = 0;
        }
    }
    EXPECT_EQ(clean_rounds, clean_rounds_wanted)
        << "new record slots came into use in every round (" << slots_used << " used, "
        << allocations_with_new_slots << " allocations in those rounds)";
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    // the measured messages really went through every stage
    EXPECT_EQ(s.worker_messages, sent);
    EXPECT_EQ(s.records, sent);
    EXPECT_EQ(s.null_records, sent);
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_EQ(s.queue_full_drops, 0u);
    EXPECT_EQ(s.pool_exhausted, 0u);
}

} // namespace
