// pipeline tests (suite pipeline): the whole receiver in-process on loopback: two exporters
// (sockets on 127.0.0.1 and 127.0.0.2) send JSON YANG-Push messages in the envelope form, some
// segmented, to 2 RX threads, 2 workers and 1 producer thread; the records are read back from
// the embedded cluster with a librdkafka consumer and checked against a reference
// worker::stage. Plus the backpressure path: a full worker queue gives counted drops, not
// growth. Bounded in time. Producer threads, the null sink and record slots:
// producer_thread_test.cpp.
#include "kafka_test_support.hpp"
#include "pipeline_fixtures.hpp"

#include "key/murmur2.hpp"
#include "pipeline/pipeline.hpp"
#include "worker/stage.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

TEST(pipeline, two_exporters_end_to_end_no_loss)
{
    const pipeline::pipeline_config cfg = pipeline_config_for_test(2, 2, 1);

    pipeline::pipeline p(cfg);
    p.start();

    exporter_socket e1("127.0.0.1");
    exporter_socket e2("127.0.0.2");
    const auto t1 = traffic_of("router-a", 7, 160);
    const auto t2 = traffic_of("router-b", 9, 160);
    std::size_t n_segmented = 0;
    for (const auto* t : {&t1, &t2}) {
        for (const auto& o : *t) {
            n_segmented += o.datagrams.size() > 1 ? 1 : 0;
        }
    }
    const std::size_t n_datagrams = send_interleaved(e1, t1, e2, t2, p);
    const std::size_t n_messages = t1.size() + t2.size();
    EXPECT_GT(n_segmented, 50u);

    ASSERT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= n_messages; }, 20s))
        << "delivered " << p.stats().kafka.delivered << " of " << n_messages;
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    EXPECT_EQ(s.datagrams, n_datagrams);
    EXPECT_EQ(s.rx_messages, n_messages);
    EXPECT_EQ(s.worker_messages, n_messages);
    EXPECT_EQ(s.records, n_messages);
    EXPECT_EQ(s.kafka.queued, n_messages);
    EXPECT_EQ(s.kafka.delivered, n_messages);
    EXPECT_EQ(s.queue_full_drops, 0u);
    EXPECT_EQ(s.fallback, 0u);
    EXPECT_EQ(s.return_failed, 0u);
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_EQ(s.producer_records, n_messages);
    EXPECT_EQ(s.null_records, 0u);
    EXPECT_EQ(r.undelivered, 0u);
    EXPECT_EQ(r.left_in_queues, 0u);

    // The per-thread counters are the detail of the same totals.
    const pipeline::thread_stats per_thread = p.per_thread_stats();
    ASSERT_EQ(per_thread.rx.size(), 2u);
    ASSERT_EQ(per_thread.workers.size(), 2u);
    ASSERT_EQ(per_thread.producers.size(), 1u);
    std::uint64_t accepted = 0;
    std::uint64_t completed = 0;
    std::uint64_t decoded = 0;
    std::uint64_t subscriptions = 0;
    std::uint64_t handed_back = 0;
    std::uint64_t taken = 0;
    std::uint64_t whole = 0;
    std::uint64_t in_place = 0;
    for (const auto& rx : per_thread.rx) {
        accepted += rx.parse.accepted;
        completed += rx.reassembly.count(reassembly::verdict::complete) +
                     rx.reassembly.count(reassembly::verdict::whole);
        handed_back += rx.pool.released;
        taken += rx.pool.acquired;
        whole += rx.path.whole_messages;
        in_place += rx.path.in_place;
        EXPECT_EQ(rx.pool.in_use, 0u);
        EXPECT_EQ(rx.returns_queued, 0u);
    }
    for (const auto& w : per_thread.workers) {
        decoded += w.decode.decoded;
        subscriptions += w.subscriptions.subscriptions;
        EXPECT_EQ(w.queued, 0u);
        EXPECT_EQ(w.slots_in_use, 0u); // every record slot came back
    }
    EXPECT_EQ(per_thread.producers[0].records, n_messages); // both workers -> producer 0
    EXPECT_EQ(per_thread.producers[0].queued, 0u);
    EXPECT_EQ(accepted, n_datagrams);
    EXPECT_EQ(completed, n_messages);
    // Every buffer came back: one per message, and those the receive slots held at the end
    // (socket.receive_into_pool). Every whole message went on in the buffer it was received
    // into (they all fit the smallest class), so only the reassembled ones were copied.
    EXPECT_EQ(handed_back, taken);
    EXPECT_GE(taken, n_messages);
    EXPECT_EQ(whole, n_messages - n_segmented);
    EXPECT_EQ(in_place, whole);
    EXPECT_EQ(decoded, n_messages);
    EXPECT_EQ(subscriptions, 2u); // one started per exporter
    EXPECT_EQ(pipeline::summarize(per_thread).records, s.records);

    // What a reference stage derives for the same messages (topic, key).
    const key::schema_context schema(cfg.worker.schema);
    const auto expected_records =
        reference_records(cfg, schema, {{&t1, e1.local()}, {&t2, e2.local()}}, p.local_port());
    ASSERT_EQ(expected_records.size(), n_messages);
    std::map<std::string, std::multiset<std::string>> expected; // topic -> keys
    for (const auto& [topic, k] : expected_records) {
        expected[topic].insert(k);
    }

    std::map<std::string, std::multiset<std::string>> got;
    std::size_t n_read = 0;
    simdjson::dom::parser parser;
    for (const auto& [topic, keys] : expected) {
        const auto records = kafka::test::consume_all(p.bootstrap_servers(), topic,
                                                      cfg.kafka.embedded_partitions, keys.size());
        n_read += records.size();
        for (const auto& rec : records) {
            ASSERT_TRUE(rec.key.has_value());
            ASSERT_TRUE(rec.value.has_value());
            got[rec.topic].insert(*rec.key);
            EXPECT_EQ(static_cast<std::uint32_t>(rec.partition),
                      key::partition_for(std::string_view(*rec.key),
                                         static_cast<std::uint32_t>(cfg.kafka.embedded_partitions)))
                << "key " << *rec.key;
            simdjson::padded_string json(*rec.value);
            simdjson::dom::element doc;
            EXPECT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << *rec.value;
        }
    }
    EXPECT_EQ(n_read, n_messages);
    EXPECT_EQ(got, expected);
}

TEST(pipeline, full_worker_queue_drops_are_counted)
{
    pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.worker_queue_capacity = 2;
    cfg.queue_full_wait_us = 0;
    cfg.flush_timeout_ms = 200;
    cfg.rx.pool.classes = {{4096, 64}};
    // A cluster nobody listens on and room for one record: the producer thread blocks in
    // produce() (queue_full_wait_ms) holding the worker's only record slot, so the worker
    // blocks waiting for it (record_wait_us, longer) while RX keeps receiving.
    cfg.record_slots = 1;
    cfg.record_wait_us = 10'000'000;
    cfg.kafka.brokers = "127.0.0.1:1";
    cfg.kafka.create_topics = false;
    cfg.kafka.idempotence = false;
    cfg.kafka.queue_buffering_max_messages = 1;
    cfg.kafka.queue_full_wait_ms = 3000;
    cfg.kafka.message_timeout_ms = 5000;

    pipeline::pipeline p(cfg);
    p.start();
    exporter_socket e1("127.0.0.1");
    const auto t = traffic_of("router-a", 7, 200);
    std::size_t sent = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i].datagrams.size() != 1) {
            continue; // whole messages only: one datagram, one message
        }
        e1.send(t[i].datagrams[0], p.local_port());
        ++sent;
        if (i % 16 == 15) {
            std::this_thread::sleep_for(1ms);
        }
    }
    ASSERT_TRUE(wait_until([&] { return p.stats().datagrams >= sent; }, 10s));
    ASSERT_TRUE(wait_until([&] { return p.stats().queue_full_drops > 0; }, 5s));
    const auto during = p.stats();
    const pipeline::stop_report r = p.stop();
    const auto& s = r.final_stats;
    EXPECT_EQ(s.datagrams, sent);
    EXPECT_GT(s.queue_full_drops, sent / 2);
    // every message is accounted for: handed to the worker or dropped, counted
    EXPECT_EQ(s.rx_messages + s.queue_full_drops + s.pool_exhausted, sent);
    EXPECT_EQ(s.worker_messages + r.left_in_queues, s.rx_messages);
    // every record is accounted for: taken by the producer thread or dropped for want of a
    // slot; what the producer took was queued in librdkafka or dropped by it (counted)
    EXPECT_EQ(s.producer_records + s.record_drops, s.records);
    EXPECT_EQ(s.kafka.queued + s.kafka.dropped_total(), s.producer_records);
    EXPECT_GT(s.kafka.dropped_of(kafka::produce_status::queue_full), 0u);
    // while the producer is blocked (first queue-full wait, 3 s) nothing grows: at most the
    // queue's capacity plus what the worker took got through (one record queued in
    // librdkafka, one in the producer waiting for room, and the worker's last inbound batch,
    // whose first message waits for the slot: at most min(handoff_batch, capacity)
    // messages); the rest was dropped and counted
    const std::size_t batch = std::min<std::size_t>(cfg.handoff_batch, cfg.worker_queue_capacity);
    EXPECT_LE(during.rx_messages, cfg.worker_queue_capacity + 2 + batch);
    EXPECT_EQ(s.return_failed, 0u);
}

} // namespace
