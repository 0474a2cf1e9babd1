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
    // 400 data messages, so every slot has held several records (its strings grown past the
    // largest one); then 400 more, measured.
    constexpr std::size_t n_warm = 400;
    constexpr std::size_t n_measured = 400;
    const auto t = ordered_traffic("router-a", 7, n_warm + n_measured, 100'000);
    const std::size_t warm_messages = 1 + n_warm;
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
    send(0, warm_messages);
    ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= warm_messages; }, 20s));

    // stats() allocates its per-thread vectors, the same number each call (plain structs).
    const std::uint64_t per_stats_call = allocations_during([&] { (void)p.stats(); });
    ASSERT_EQ(allocations_during([&] { (void)p.stats(); }), per_stats_call);

    std::uint64_t stats_calls = 0;
    const std::uint64_t before = allocations();
    send(warm_messages, t.size());
    const bool done = wait_until(
        [&] {
            ++stats_calls;
            return p.stats().null_records >= t.size();
        },
        20s);
    const std::uint64_t during = allocations() - before - stats_calls * per_stats_call;
    ASSERT_TRUE(done);
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    // the measured messages really went through every stage
    EXPECT_EQ(s.worker_messages, t.size());
    EXPECT_EQ(s.records, t.size());
    EXPECT_EQ(s.null_records, t.size());
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_EQ(s.queue_full_drops, 0u);
    EXPECT_EQ(s.pool_exhausted, 0u);
    EXPECT_EQ(during, 0u) << "allocations while " << n_measured << " messages went through";
}

} // namespace
