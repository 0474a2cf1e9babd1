// External input (pipeline_config::input = external, the interface udpnotif-recv-dpdk's RX
// lcores use): the caller's own threads acquire buffers from their rx_port, fill them and
// submit them; the pipeline's workers and producers do the rest. Null sink, two ports, two
// workers; the records are compared with a reference stage. Also: a full worker queue drops
// and counts, stop() waits for every port to be closed, and socket mode has no ports.
#include "pipeline_fixtures.hpp"

#include "key/schema_context.hpp"
#include "pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

using namespace udpn;
using namespace udpn::test;

namespace {

pipeline::pipeline_config external_config(std::uint32_t n_ports, std::uint32_t n_workers)
{
    pipeline::pipeline_config cfg = pipeline_config_for_test(n_ports, n_workers, 1);
    cfg.input = pipeline::input_mode::external;
    cfg.address.clear(); // not used without sockets
    cfg.kafka.brokers = "null";
    return cfg;
}

/// A filled buffer of \p port with \p o from \p exporter (nullptr: none free).
input::message_buffer* filled(pipeline::pipeline::rx_port& port, const outgoing& o,
                              const net::endpoint& exporter)
{
    input::message_buffer* m = port.acquire(o.payload.size());
    if (m == nullptr) {
        return nullptr;
    }
    m->assign(byte_span(reinterpret_cast<const std::uint8_t*>(o.payload.data()), o.payload.size()));
    m->meta.exporter = exporter;
    m->meta.collector = {net::ip_address::parse("127.0.0.1"), 10001};
    m->meta.publisher_id = o.publisher_id;
    m->meta.message_id = o.message_id;
    m->meta.version = 1;
    m->meta.media_type = 1;
    m->meta.collection_wall_ns = 1'700'000'000'000'000'000;
    return m;
}

/// What one caller RX thread does: every message of \p t, whole, from \p exporter; its own
/// counters reported through housekeeping() and close(). @return messages the port took.
std::size_t feed(pipeline::pipeline::rx_port& port, const std::vector<outgoing>& t,
                 const net::endpoint& exporter)
{
    pipeline::external_rx_counters c;
    std::size_t taken = 0;
    for (const outgoing& o : t) {
        input::message_buffer* m = filled(port, o, exporter);
        ++c.datagrams;
        c.bytes += o.payload.size() + 12;
        ++c.whole_messages;
        if (m == nullptr) {
            port.housekeeping(c);
            continue;
        }
        taken += port.submit(m) ? 1 : 0;
        port.housekeeping(c);
    }
    port.close(c);
    return taken;
}

} // namespace

TEST(pipeline_external, two_ports_every_message_becomes_a_record)
{
    const pipeline::pipeline_config cfg = external_config(2, 2);
    const auto t1 = traffic_of("router-a", 7, 40);
    const auto t2 = traffic_of("router-b", 9, 40);
    const net::endpoint e1{net::ip_address::parse("192.0.2.1"), 4000};
    const net::endpoint e2{net::ip_address::parse("2001:db8::2"), 4001};

    pipeline::pipeline p(cfg);
    EXPECT_EQ(p.local_port(), 0u); // no socket
    p.start();
    std::size_t taken1 = 0;
    std::size_t taken2 = 0;
    std::thread rx0([&] { taken1 = feed(p.external_port(0), t1, e1); });
    std::thread rx1([&] { taken2 = feed(p.external_port(1), t2, e2); });
    rx0.join();
    rx1.join(); // the caller's RX threads are stopped (ports closed): now stop()
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;

    key::schema_context schema(cfg.worker.schema);
    const auto expected = reference_records(cfg, schema, {{&t1, e1}, {&t2, e2}}, 10001);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(taken1, t1.size());
    EXPECT_EQ(taken2, t2.size());
    EXPECT_EQ(s.rx_messages, t1.size() + t2.size());
    EXPECT_EQ(s.worker_messages, t1.size() + t2.size());
    EXPECT_EQ(s.records, expected.size());
    EXPECT_EQ(s.null_records, expected.size());
    EXPECT_EQ(s.datagrams, t1.size() + t2.size()); // the callers' counters, published
    EXPECT_EQ(s.queue_full_drops + s.pool_exhausted + s.oversize + s.record_drops, 0u);
    EXPECT_EQ(r.left_in_queues, 0u);
    const pipeline::thread_stats t = p.per_thread_stats();
    ASSERT_EQ(t.rx.size(), 2u);
    for (const pipeline::rx_thread_stats& rx : t.rx) {
        EXPECT_EQ(rx.pool.in_use, 0u); // every buffer came back to its port's pool
        EXPECT_EQ(rx.pool.acquired, rx.pool.released);
        EXPECT_EQ(rx.path.whole_messages, 41u);
    }
    for (const std::string& name : thread_names()) {
        EXPECT_EQ(name.rfind("udpn-rx", 0), std::string::npos) << name; // no RX thread
    }
}

TEST(pipeline_external, full_worker_queue_drops_are_counted_and_buffers_come_back)
{
    pipeline::pipeline_config cfg = external_config(1, 1);
    cfg.worker_queue_capacity = 1;
    cfg.queue_full_wait_us = 0;
    pipeline::pipeline p(cfg); // not started: nothing takes from the worker queue
    pipeline::pipeline::rx_port& port = p.external_port(0);
    const net::endpoint e{net::ip_address::parse("192.0.2.1"), 4000};
    std::size_t taken = 0;
    for (int i = 0; i < 3; ++i) {
        input::message_buffer* m = port.acquire(100);
        ASSERT_NE(m, nullptr);
        m->set_size(100);
        m->meta.exporter = e;
        taken += port.submit(m) ? 1 : 0;
    }
    EXPECT_TRUE(port.can_acquire(100));
    EXPECT_FALSE(port.can_acquire(std::size_t{1} << 30));  // counts nothing
    EXPECT_EQ(port.acquire(std::size_t{1} << 30), nullptr); // larger than every class
    port.close({});
    EXPECT_EQ(taken, 1u);
    const pipeline::pipeline_stats s = p.stats();
    EXPECT_EQ(s.queue_full_drops, 2u);
    EXPECT_EQ(s.queue_full_waits, 2u);
    EXPECT_EQ(s.rx_messages, 1u);
    EXPECT_EQ(s.oversize, 1u);
    const pipeline::thread_stats t = p.per_thread_stats();
    EXPECT_EQ(t.rx[0].path.sink_refused, 2u);
    EXPECT_EQ(t.rx[0].pool.in_use, 1u); // only the queued one is out
}

TEST(pipeline_external, bursts_go_to_the_workers_in_batches_and_every_message_is_processed)
{
    // As an RX lcore does: bursts of 13 messages, flush() after each, housekeeping() now and
    // then; batches of at most 8 close at the limit and at each flush.
    pipeline::pipeline_config cfg = external_config(1, 2);
    cfg.handoff_batch = 8;
    const auto t = traffic_of("router-a", 7, 60);
    const net::endpoint e1{net::ip_address::parse("192.0.2.1"), 4000};
    const net::endpoint e2{net::ip_address::parse("2001:db8::2"), 4001}; // likely the other worker
    pipeline::pipeline p(cfg);
    p.start();
    pipeline::pipeline::rx_port& port = p.external_port(0);
    std::size_t taken = 0;
    std::size_t i = 0;
    for (const outgoing& o : t) {
        for (const net::endpoint* e : {&e1, &e2}) {
            input::message_buffer* m = nullptr;
            while ((m = filled(port, o, *e)) == nullptr) {
                port.housekeeping({}); // wait for buffers to come back
            }
            taken += port.submit(m) ? 1 : 0;
        }
        if (++i % 13 == 0) {
            port.flush();
        }
        if (i % 40 == 0) {
            port.housekeeping({});
        }
    }
    port.close({});
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    key::schema_context schema(cfg.worker.schema);
    const auto expected = reference_records(cfg, schema, {{&t, e1}, {&t, e2}}, 10001);
    EXPECT_EQ(taken, 2 * t.size());
    EXPECT_EQ(s.rx_messages, 2 * t.size());
    EXPECT_EQ(s.worker_messages, 2 * t.size());
    EXPECT_EQ(s.records, expected.size());
    EXPECT_EQ(s.null_records, expected.size());
    EXPECT_EQ(s.queue_full_drops + s.pool_exhausted + s.record_drops + s.return_failed, 0u);
    const pipeline::thread_stats ts = p.per_thread_stats();
    EXPECT_EQ(ts.rx[0].pool.in_use, 0u); // every buffer of every batch came back
    EXPECT_EQ(ts.rx[0].returns_queued, 0u);
    for (const pipeline::worker_thread_stats& w : ts.workers) {
        EXPECT_EQ(w.queued, 0u);
        EXPECT_EQ(w.slots_in_use, 0u); // every slot of every batch came back
    }
}

TEST(pipeline_external, submitted_messages_wait_for_the_flush_or_a_full_batch)
{
    pipeline::pipeline_config cfg = external_config(1, 1);
    cfg.handoff_batch = 8;
    const auto t = traffic_of("router-a", 7, 20);
    const net::endpoint e{net::ip_address::parse("192.0.2.1"), 4000};
    pipeline::pipeline p(cfg);
    p.start();
    pipeline::pipeline::rx_port& port = p.external_port(0);
    for (std::size_t i = 0; i < 5; ++i) {
        ASSERT_TRUE(port.submit(filled(port, t[i], e)));
    }
    std::this_thread::sleep_for(50ms); // the worker publishes its counters every millisecond
    EXPECT_EQ(p.stats().worker_messages, 0u); // still in the port's batch
    port.flush();
    EXPECT_TRUE(wait_until([&] { return p.stats().worker_messages == 5; }, 5s));
    for (std::size_t i = 5; i < 5 + 8; ++i) { // a full batch goes without a flush
        ASSERT_TRUE(port.submit(filled(port, t[i], e)));
    }
    EXPECT_TRUE(wait_until([&] { return p.stats().worker_messages == 13; }, 5s));
    port.close({});
    const pipeline::stop_report r = p.stop();
    EXPECT_EQ(r.final_stats.worker_messages, 13u);
    EXPECT_EQ(r.final_stats.queue_full_drops, 0u);
}

TEST(pipeline_external, a_refused_batch_is_dropped_whole_and_counted)
{
    pipeline::pipeline_config cfg = external_config(1, 1);
    cfg.worker_queue_capacity = 4;
    cfg.handoff_batch = 32; // batches of 4: the queue's capacity
    cfg.queue_full_wait_us = 0;
    pipeline::pipeline p(cfg); // not started: nothing takes from the worker queue
    pipeline::pipeline::rx_port& port = p.external_port(0);
    const auto t = traffic_of("router-a", 7, 20);
    const net::endpoint e{net::ip_address::parse("192.0.2.1"), 4000};
    std::vector<bool> taken;
    for (std::size_t i = 0; i < 8; ++i) {
        taken.push_back(port.submit(filled(port, t[i], e)));
    }
    // the 4th closes the first batch (queued), the 8th the second (refused: the queue is full)
    EXPECT_EQ(taken, (std::vector<bool>{true, true, true, true, true, true, true, false}));
    for (std::size_t i = 8; i < 10; ++i) {
        EXPECT_TRUE(port.submit(filled(port, t[i], e)));
    }
    port.close({}); // flushes the last two: refused too
    const pipeline::pipeline_stats s = p.stats();
    EXPECT_EQ(s.queue_full_drops, 6u);
    EXPECT_EQ(s.queue_full_waits, 2u); // one per refused batch
    EXPECT_EQ(s.rx_messages, 4u);
    const pipeline::thread_stats ts = p.per_thread_stats();
    EXPECT_EQ(ts.rx[0].path.sink_refused, 6u); // the same messages as queue_full_drops
    EXPECT_EQ(ts.rx[0].path.messages, 10u);
    EXPECT_EQ(ts.rx[0].pool.in_use, 4u); // only the queued batch is out
}

TEST(pipeline_external, stop_waits_until_every_port_is_closed)
{
    const pipeline::pipeline_config cfg = external_config(1, 1);
    pipeline::pipeline p(cfg);
    p.start();
    std::atomic<bool> closing{false};
    std::thread rx([&] {
        std::this_thread::sleep_for(50ms); // stop() is (most likely) already waiting
        closing.store(true);
        p.external_port(0).close({});
    });
    (void)p.stop();
    EXPECT_TRUE(closing.load()); // stop() returned only after close()
    rx.join();
}

TEST(pipeline_external, socket_input_has_no_external_port)
{
    pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.kafka.brokers = "null";
    pipeline::pipeline p(cfg);
    EXPECT_THROW((void)p.external_port(0), std::logic_error);
    pipeline::pipeline_config ext = external_config(1, 1);
    pipeline::pipeline q(ext);
    EXPECT_THROW((void)q.external_port(1), std::out_of_range);
}
