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

/// What one caller RX thread does: every message of \p t, whole, from \p exporter; its own
/// counters reported through housekeeping() and close(). @return messages the port took.
std::size_t feed(pipeline::pipeline::rx_port& port, const std::vector<outgoing>& t,
                 const net::endpoint& exporter)
{
    pipeline::external_rx_counters c;
    std::size_t taken = 0;
    for (const outgoing& o : t) {
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(o.payload.data());
        input::message_buffer* m = port.acquire(o.payload.size());
        ++c.datagrams;
        c.bytes += o.payload.size() + 12;
        ++c.whole_messages;
        if (m == nullptr) {
            port.housekeeping(c);
            continue;
        }
        m->assign(byte_span(bytes, o.payload.size()));
        m->meta.exporter = exporter;
        m->meta.collector = {net::ip_address::parse("127.0.0.1"), 10001};
        m->meta.publisher_id = o.publisher_id;
        m->meta.message_id = o.message_id;
        m->meta.version = 1;
        m->meta.media_type = 1;
        m->meta.collection_wall_ns = 1'700'000'000'000'000'000;
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
