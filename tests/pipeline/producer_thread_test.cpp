// pipeline tests (suite pipeline): the producer stage (DESIGN.md §2 worker w -> ring[w -> p] ->
// producer thread p). With 2 workers and 1 or 2 producer threads, nothing is lost and the
// records of each exporter are read back from Kafka in the order the exporter sent them (per
// partition). The null sink (brokers = "null") counts every record and its bytes and starts no
// Kafka client or cluster. Exhausted record slots give counted drops, nothing blocks, stop()
// returns. Configurations the pipeline refuses. Bounded in time; no timed assertions.
#include "kafka_test_support.hpp"
#include "pipeline_fixtures.hpp"

#include "kafka/config.hpp"
#include "kafka/errors.hpp"
#include "kafka/producer.hpp"
#include "net/endpoint.hpp"
#include "pipeline/pipeline.hpp"
#include "worker/stage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

/// A loopback address (127.0.0.x) whose messages go to worker \p w of \p n_workers.
std::string address_for_worker(std::uint32_t w, std::uint32_t n_workers)
{
    for (int x = 1; x < 255; ++x) {
        const std::string a = "127.0.0." + std::to_string(x);
        if (net::hash(net::ip_address::parse(a.c_str())) % n_workers == w) {
            return a;
        }
    }
    throw std::runtime_error("no loopback address for that worker");
}

bool has_thread_with_prefix(std::string_view prefix)
{
    const auto names = thread_names();
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
}

class pipeline_producers : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(pipeline_producers, keep_each_exporter_in_order_without_loss)
{
    const std::uint32_t n_producers = GetParam();
    const pipeline::pipeline_config cfg = pipeline_config_for_test(2, 2, n_producers);
    pipeline::pipeline p(cfg);
    p.start();

    // One exporter per worker, so both workers (and, with 2 producers, both producers) work.
    const std::string a0 = address_for_worker(0, 2);
    const std::string a1 = address_for_worker(1, 2);
    exporter_socket e1(a0.c_str());
    exporter_socket e2(a1.c_str());
    constexpr std::size_t n = 300;
    constexpr long second_first = 100'001; // exporter 2's ordinals: 100001..
    const auto t1 = ordered_traffic("router-a", 7, n, 1);
    const auto t2 = ordered_traffic("router-b", 9, n, second_first);
    (void)send_interleaved(e1, t1, e2, t2, p);
    const std::size_t n_messages = t1.size() + t2.size();

    ASSERT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= n_messages; }, 30s))
        << "delivered " << p.stats().kafka.delivered << " of " << n_messages << " (datagrams "
        << p.stats().datagrams << ", kernel drops " << p.stats().kernel_drops
        << ", worker messages " << p.stats().worker_messages << ", queued "
        << p.stats().kafka.queued << ")";
    EXPECT_TRUE(has_thread_with_prefix("udpn-pr0"));
    EXPECT_EQ(has_thread_with_prefix("udpn-pr1"), n_producers == 2);
    EXPECT_TRUE(has_thread_with_prefix("rdk:")); // a real librdkafka client (cf. null sink)
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    EXPECT_EQ(s.worker_messages, n_messages);
    EXPECT_EQ(s.records, n_messages);
    EXPECT_EQ(s.producer_records, n_messages);
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_EQ(s.kafka.queued, n_messages);
    EXPECT_EQ(s.kafka.delivered, n_messages);
    EXPECT_EQ(s.kafka.dropped_total(), 0u);
    EXPECT_EQ(s.kafka.failed_total(), 0u);
    EXPECT_EQ(s.null_records, 0u);
    EXPECT_EQ(s.queue_full_drops, 0u);
    EXPECT_EQ(r.undelivered, 0u);
    EXPECT_EQ(r.left_in_queues, 0u);

    // Producer p took exactly the records of workers p, p + P, ...
    const pipeline::thread_stats t = p.per_thread_stats();
    ASSERT_EQ(t.workers.size(), 2u);
    ASSERT_EQ(t.producers.size(), n_producers);
    std::vector<std::uint64_t> expected_by_producer(n_producers, 0);
    for (std::uint32_t w = 0; w < 2; ++w) {
        EXPECT_GT(t.workers[w].stage.records, 0u) << "worker " << w;
        EXPECT_EQ(t.workers[w].slots_in_use, 0u);
        EXPECT_EQ(t.workers[w].record_slots_exhausted, 0u);
        expected_by_producer[w % n_producers] += t.workers[w].stage.records;
    }
    for (std::uint32_t q = 0; q < n_producers; ++q) {
        EXPECT_EQ(t.producers[q].records, expected_by_producer[q]) << "producer " << q;
        EXPECT_EQ(t.producers[q].kafka.delivered, expected_by_producer[q]) << "producer " << q;
        EXPECT_EQ(t.producers[q].queued, 0u);
    }

    // Read every topic back; group the records by (exporter, partition) in offset order.
    const key::schema_context schema(cfg.worker.schema);
    const auto expected =
        reference_records(cfg, schema, {{&t1, e1.local()}, {&t2, e2.local()}}, p.local_port());
    ASSERT_EQ(expected.size(), n_messages);
    std::map<std::string, std::size_t> per_topic;
    for (const auto& [topic, k] : expected) {
        ++per_topic[topic];
    }
    std::vector<kafka::test::consumed_record> all;
    for (const auto& [topic, count] : per_topic) {
        auto records = kafka::test::consume_all(p.bootstrap_servers(), topic,
                                                cfg.kafka.embedded_partitions, count);
        EXPECT_EQ(records.size(), count) << topic;
        all.insert(all.end(), records.begin(), records.end());
    }
    std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
        return std::tie(x.topic, x.partition, x.offset) < std::tie(y.topic, y.partition, y.offset);
    });
    std::map<std::pair<int, std::int32_t>, long> last; // (exporter, partition) -> ordinal
    std::set<long> seen[2];
    std::size_t out_of_order = 0;
    for (const auto& rec : all) {
        ASSERT_TRUE(rec.value.has_value());
        const long ordinal = ordinal_in(*rec.value);
        if (ordinal < 0) {
            continue; // subscription-started
        }
        const int exporter = ordinal >= second_first ? 1 : 0;
        EXPECT_TRUE(seen[exporter].insert(ordinal).second) << "duplicate " << ordinal;
        auto [it, first] = last.try_emplace({exporter, rec.partition}, ordinal);
        if (!first) {
            if (ordinal <= it->second) {
                ++out_of_order;
                ADD_FAILURE() << "exporter " << exporter << " partition " << rec.partition
                              << ": ordinal " << ordinal << " after " << it->second;
            }
            it->second = ordinal;
        }
    }
    EXPECT_EQ(out_of_order, 0u);
    EXPECT_EQ(seen[0].size(), n);
    EXPECT_EQ(seen[1].size(), n);
    EXPECT_GE(last.size(), 4u); // each exporter's records spread over several partitions
}

INSTANTIATE_TEST_SUITE_P(one_and_two, pipeline_producers, ::testing::Values(1u, 2u),
                         [](const ::testing::TestParamInfo<std::uint32_t>& tp) {
                             return std::to_string(tp.param) + "_producers";
                         });

TEST(pipeline_null_sink, counts_every_record_and_starts_no_kafka)
{
    pipeline::pipeline_config cfg = pipeline_config_for_test(2, 2, 2);
    cfg.kafka.brokers = std::string(kafka::null_brokers_value);
    ASSERT_TRUE(kafka::is_null(cfg.kafka));
    ASSERT_FALSE(has_thread_with_prefix("rdk:")) << "a librdkafka client left by another test";

    pipeline::pipeline p(cfg);
    EXPECT_EQ(p.bootstrap_servers(), "null");
    const auto started = std::chrono::steady_clock::now();
    p.start();
    const std::string a0 = address_for_worker(0, 2);
    const std::string a1 = address_for_worker(1, 2);
    exporter_socket e1(a0.c_str());
    exporter_socket e2(a1.c_str());
    const auto t1 = traffic_of("router-a", 7, 120);
    const auto t2 = traffic_of("router-b", 9, 120);
    (void)send_interleaved(e1, t1, e2, t2, p);
    const std::size_t n_messages = t1.size() + t2.size();

    ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= n_messages; }, 20s))
        << "counted " << p.stats().null_records << " of " << n_messages;
    EXPECT_TRUE(has_thread_with_prefix("udpn-pr0"));
    EXPECT_TRUE(has_thread_with_prefix("udpn-pr1"));
    EXPECT_FALSE(has_thread_with_prefix("rdk:")); // no producer, no embedded cluster
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    EXPECT_EQ(s.worker_messages, n_messages);
    EXPECT_EQ(s.records, n_messages);
    EXPECT_EQ(s.null_records, n_messages);
    EXPECT_EQ(s.producer_records, n_messages);
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_EQ(s.kafka.queued, 0u);
    EXPECT_EQ(s.kafka.delivered, 0u);
    EXPECT_EQ(r.undelivered, 0u);
    // Every record knows when its message arrived: one latency sample each, all of them
    // between the arrival of the completing datagram and the end of the test (a latency of
    // several minutes would mean arrival_ns is not the monotonic receive time).
    EXPECT_EQ(s.latency.count(), n_messages);
    EXPECT_GT(s.latency.quantile_ns(0.5), 0u);
    EXPECT_LE(s.latency.quantile_ns(0.5), s.latency.max_ns());
    EXPECT_LT(s.latency.max_ns(), 60'000'000'000ull);

    // CPU time per thread, taken on the thread itself: every RX, worker and producer thread
    // used some, none more than it existed (the process's or the control thread's time would
    // not fit: it sums over threads, or keeps growing after the join), and the sums add up.
    const std::uint64_t lifetime_ns = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                             started)
            .count());
    const pipeline::thread_stats cpu = p.per_thread_stats();
    std::uint64_t rx_sum = 0;
    std::uint64_t worker_sum = 0;
    std::uint64_t producer_sum = 0;
    for (const auto& x : cpu.rx) {
        EXPECT_GT(x.cpu_ns, 0u);
        EXPECT_LT(x.cpu_ns, lifetime_ns);
        rx_sum += x.cpu_ns;
    }
    for (const auto& x : cpu.workers) {
        EXPECT_GT(x.cpu_ns, 0u);
        EXPECT_LT(x.cpu_ns, lifetime_ns);
        worker_sum += x.cpu_ns;
    }
    for (const auto& x : cpu.producers) {
        EXPECT_GT(x.cpu_ns, 0u);
        EXPECT_LT(x.cpu_ns, lifetime_ns);
        producer_sum += x.cpu_ns;
    }
    EXPECT_EQ(s.rx_cpu_ns, rx_sum);
    EXPECT_EQ(s.worker_cpu_ns, worker_sum);
    EXPECT_EQ(s.producer_cpu_ns, producer_sum);
    EXPECT_NE(pipeline::cpu_fields(s).find("worker_messages_per_cpu_s="), std::string::npos);

    // null_bytes = value octets (the stages count them) + key octets (a reference stage
    // derives the same keys).
    const pipeline::thread_stats t = p.per_thread_stats();
    std::uint64_t value_bytes = 0;
    for (const auto& w : t.workers) {
        value_bytes += w.stage.record_bytes;
        EXPECT_EQ(w.slots_in_use, 0u);
    }
    for (const auto& pt : t.producers) {
        EXPECT_GT(pt.null_records, 0u); // one exporter per worker, one worker per producer
        EXPECT_EQ(pt.null_records, pt.records);
    }
    const key::schema_context schema(cfg.worker.schema);
    std::uint64_t key_bytes = 0;
    for (const auto& [topic, k] :
         reference_records(cfg, schema, {{&t1, e1.local()}, {&t2, e2.local()}}, p.local_port())) {
        key_bytes += k.size();
    }
    EXPECT_GT(key_bytes, 0u);
    EXPECT_EQ(s.null_bytes, value_bytes + key_bytes);
}

// workers.wake_on_handoff: with a long idle sleep (100 ms), every record still arrives, and a
// message does not wait for the sleeping worker or producer to time out: it wakes them. (A
// lost wake-up would put the median arrival-to-produce latency at 100 ms or more; the bound
// below leaves a loaded machine 30 ms of scheduling delay.) Without wake-ups the same traffic
// waits out the sleeps.
TEST(pipeline_wakeups, handoffs_wake_the_sleeping_worker_and_producer)
{
    for (const bool wake : {true, false}) {
        pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
        cfg.kafka.brokers = std::string(kafka::null_brokers_value);
        cfg.idle_wait_us = 100'000;
        cfg.wake_on_handoff = wake;
        pipeline::pipeline p(cfg);
        p.start();
        exporter_socket e(address_for_worker(0, 1).c_str());
        const auto t = traffic_of("router-a", 7, 40);
        for (const auto& m : t) {
            // one at a time, 20 ms apart: the threads are asleep again when the next arrives
            for (const auto& d : m.datagrams) {
                e.send(d, p.local_port());
            }
            std::this_thread::sleep_for(20ms);
        }
        ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= t.size(); }, 20s));
        const pipeline::stop_report r = p.stop();
        const pipeline::pipeline_stats& s = r.final_stats;
        EXPECT_EQ(s.null_records, t.size());
        EXPECT_EQ(s.latency.count(), t.size());
        if (wake) {
            EXPECT_LT(s.latency.quantile_ns(0.5), 30'000'000u) << "wake-ups lost";
        } else {
            EXPECT_GT(s.latency.quantile_ns(0.5), 30'000'000u) << "the sleeps were not slept";
        }
    }
}

// socket.receive_nap_us: the RX thread naps after short bursts (the pipeline gives the loop
// its burst size and a quarter of the socket buffer as the queue budget) and still takes every
// datagram; without the option it never naps.
TEST(pipeline_receive_nap, a_napping_rx_thread_loses_nothing)
{
    for (const std::uint64_t nap_ns : {std::uint64_t{1'000'000}, std::uint64_t{0}}) {
        pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
        cfg.kafka.brokers = std::string(kafka::null_brokers_value);
        cfg.rx_loop.nap_max_ns = nap_ns;
        pipeline::pipeline p(cfg);
        p.start();
        exporter_socket e1("127.0.0.1");
        exporter_socket e2("127.0.0.2");
        const auto t1 = traffic_of("router-a", 7, 150);
        const auto t2 = traffic_of("router-b", 9, 150);
        const std::size_t n_datagrams = send_interleaved(e1, t1, e2, t2, p);
        const std::size_t n_messages = t1.size() + t2.size();
        ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= n_messages; }, 20s))
            << "counted " << p.stats().null_records << " of " << n_messages << ", nap " << nap_ns;
        const pipeline::stop_report r = p.stop();
        const pipeline::pipeline_stats& s = r.final_stats;
        EXPECT_EQ(s.datagrams, n_datagrams);
        EXPECT_EQ(s.null_records, n_messages);
        EXPECT_EQ(s.kernel_drops, 0u);
        const pipeline::thread_stats t = p.per_thread_stats();
        ASSERT_EQ(t.rx.size(), 1u);
        if (nap_ns != 0) {
            EXPECT_GT(t.rx[0].naps, 0u);
        } else {
            EXPECT_EQ(t.rx[0].naps, 0u);
        }
    }
}

TEST(pipeline_null_sink, kafka_config_accepts_null_and_a_producer_refuses_it)
{
    kafka::kafka_config k;
    k.brokers = "null";
    EXPECT_TRUE(kafka::is_null(k));
    EXPECT_FALSE(kafka::is_embedded(k));
    EXPECT_NO_THROW(kafka::validate(k));
    EXPECT_THROW(kafka::producer{k}, kafka::startup_error);
    k.brokers = "nullx:9092";
    EXPECT_FALSE(kafka::is_null(k));
}

/// Holds every producer thread until opened.
struct producer_hold {
    std::atomic<bool> open{false};
    std::atomic<std::uint64_t> calls{0};
    static void gate(void* context, std::uint32_t /*producer*/) noexcept
    {
        auto* self = static_cast<producer_hold*>(context);
        self->calls.fetch_add(1);
        while (!self->open.load()) {
            std::this_thread::sleep_for(1ms);
        }
    }
};

/// Opens the hold when the test leaves (also on a failed ASSERT), before the pipeline's
/// destructor stops it.
struct open_on_exit {
    producer_hold& hold;
    ~open_on_exit() { hold.open = true; }
};

/// A one-worker null-sink pipeline with \p slots record slots whose producer passes the gate
/// of `hold` (open when \p open), started. Members in this order: the hold opens (opener)
/// before the pipeline stops.
struct gated_pipeline {
    static pipeline::pipeline_config config(std::size_t slots, std::uint32_t wait_us)
    {
        pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
        cfg.kafka.brokers = "null";
        cfg.record_slots = slots;
        cfg.record_wait_us = wait_us;
        return cfg;
    }
    gated_pipeline(std::size_t slots, std::uint32_t wait_us, bool open) : p(config(slots, wait_us))
    {
        hold.open = open;
        p.set_producer_gate(&producer_hold::gate, &hold);
        p.start();
    }
    producer_hold hold;
    pipeline::pipeline p;
    open_on_exit opener{hold};
};

class record_slots_exhausted : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(record_slots_exhausted, drops_are_counted_and_nothing_blocks)
{
    gated_pipeline g(2, GetParam(), false);
    pipeline::pipeline& p = g.p;
    producer_hold& hold = g.hold;

    exporter_socket e1("127.0.0.1");
    const auto t = traffic_of("router-a", 7, 39);
    for (std::size_t i = 0; i < t.size(); ++i) {
        for (const auto& d : t[i].datagrams) {
            e1.send(d, p.local_port());
        }
        if (i % 16 == 15) {
            std::this_thread::sleep_for(2ms);
        }
    }
    const std::size_t n_messages = t.size();
    // The producer is held: the worker keeps processing, two records take the two slots, the
    // others find none (after record_wait_us) and are dropped.
    ASSERT_TRUE(wait_until([&] { return p.stats().worker_messages >= n_messages; }, 20s))
        << "processed " << p.stats().worker_messages << " of " << n_messages;
    // The worker publishes its counters during a slot wait too: wait for the last record's
    // verdict, not just for its message.
    ASSERT_TRUE(wait_until(
        [&] {
            const auto w = p.per_thread_stats().workers.at(0);
            return w.record_slots_exhausted + w.slots_in_use >= n_messages;
        },
        5s));
    EXPECT_GT(hold.calls.load(), 0u);
    const pipeline::worker_thread_stats held = p.per_thread_stats().workers.at(0);
    EXPECT_EQ(held.stage.records, n_messages);
    EXPECT_EQ(held.record_slots_exhausted, n_messages - 2);
    EXPECT_EQ(held.record_waits, n_messages - 2);
    EXPECT_EQ(held.slots_in_use, 2u);
    EXPECT_EQ(p.stats().null_records, 0u);

    hold.open = true;
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    EXPECT_EQ(s.worker_messages, n_messages);
    EXPECT_EQ(s.records, n_messages);
    EXPECT_EQ(s.record_drops, n_messages - 2);
    EXPECT_EQ(s.record_waits, n_messages - 2);
    EXPECT_EQ(s.producer_records, 2u);
    EXPECT_EQ(s.null_records, 2u);
    EXPECT_EQ(s.producer_records + s.record_drops, s.records);
    EXPECT_EQ(p.per_thread_stats().workers.at(0).slots_in_use, 0u);
    EXPECT_EQ(p.per_thread_stats().producers.at(0).queued, 0u);
}

INSTANTIATE_TEST_SUITE_P(wait, record_slots_exhausted, ::testing::Values(0u, 2000u),
                         [](const ::testing::TestParamInfo<std::uint32_t>& tp) {
                             return "wait_" + std::to_string(tp.param) + "_us";
                         });

// Regression (soak RSS growth, docs/reliability.md "Soak"): a slot keeps the string capacity of
// the largest record it held, and the free slots used to be handed out in FIFO order, so even
// at one record in flight every one of the record_slots slots was used in turn and grew: RSS
// rose for minutes towards record_slots x the largest record per worker. Returned slots are
// now reused first: the slots that ever held a record are the most that were out at once.
TEST(record_slots, returned_slots_are_reused_before_unused_ones)
{
    gated_pipeline g(4096, 100'000, true);
    pipeline::pipeline& p = g.p;
    producer_hold& hold = g.hold;
    exporter_socket e1("127.0.0.1");
    const auto t = traffic_of("router-a", 7, 420);
    std::size_t next = 0;
    // Sends messages [next, next + n) of t; with \p one_by_one, each after the previous record
    // was counted by the null sink (at most one record in flight).
    const auto send = [&](std::size_t n, bool one_by_one) {
        for (std::size_t end = next + n; next < end; ++next) {
            for (const auto& d : t[next].datagrams) {
                e1.send(d, p.local_port());
            }
            if (one_by_one) {
                const std::size_t want = next + 1;
                ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= want; }, 10s))
                    << "record " << want;
            }
        }
    };
    const auto worker = [&] { return p.per_thread_stats().workers.at(0); };

    send(200, true);
    const std::uint64_t used_sequential = worker().slots_used;
    EXPECT_GE(used_sequential, 1u);
    EXPECT_LE(used_sequential, 4u) << "FIFO reuse would have used 200 slots";

    // The producer held: 100 records take 100 slots at once (the high-water mark).
    hold.open = false;
    send(100, false);
    ASSERT_TRUE(wait_until([&] { return worker().slots_in_use >= 100; }, 10s))
        << "slots out " << worker().slots_in_use;
    const std::uint64_t used_high = worker().slots_used;
    EXPECT_GE(used_high, 100u);
    EXPECT_LE(used_high, 100u + used_sequential);

    // Released: they all come back, and 120 more records one by one take no new slot.
    hold.open = true;
    ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= next; }, 10s));
    send(120, true);
    EXPECT_EQ(worker().slots_used, used_high);

    const pipeline::stop_report r = p.stop();
    EXPECT_EQ(r.final_stats.null_records, next);
    EXPECT_EQ(r.final_stats.record_drops, 0u);
    EXPECT_EQ(p.per_thread_stats().workers.at(0).slots_in_use, 0u);
}

TEST(pipeline_config, refuses_bad_producer_and_slot_settings)
{
    auto refused = [](pipeline::pipeline_config cfg) {
        cfg.kafka.brokers = "null";
        try {
            pipeline::pipeline p(cfg);
        } catch (const std::invalid_argument&) {
            return true;
        }
        return false;
    };
    pipeline::pipeline_config ok = pipeline_config_for_test(1, 2, 2);
    EXPECT_FALSE(refused(ok));
    auto c = ok;
    c.n_producers = 0;
    EXPECT_TRUE(refused(c));
    c = ok;
    c.n_producers = 3; // more producers than workers
    EXPECT_TRUE(refused(c));
    c = ok;
    c.n_workers = 256;
    c.n_producers = 257;
    EXPECT_TRUE(refused(c));
    c = ok;
    c.record_slots = 0;
    EXPECT_TRUE(refused(c));
    c = ok;
    c.idle_wait_us = 5;
    EXPECT_TRUE(refused(c));
    c.idle_wait_us = 100'001;
    EXPECT_TRUE(refused(c));
    const auto problems = pipeline::validate(ok);
    EXPECT_TRUE(problems.empty());
    c = ok;
    c.n_producers = 3;
    ASSERT_EQ(pipeline::validate(c).size(), 1u);
    EXPECT_NE(pipeline::validate(c)[0].find("producer"), std::string::npos);
}

} // namespace
