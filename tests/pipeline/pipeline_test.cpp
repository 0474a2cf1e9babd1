// pipeline tests (suite pipeline): the whole receiver in-process on loopback: two exporters
// (sockets on 127.0.0.1 and 127.0.0.2) send JSON YANG-Push messages in the envelope form, some
// segmented, to 2 RX threads and 2 workers; the records are read back from the embedded
// cluster with a librdkafka consumer and checked against a reference worker::stage. Plus the
// backpressure path: a full worker queue gives counted drops, not growth. Bounded in time.
#include "fixtures.hpp"
#include "kafka_test_support.hpp"

#include "key/murmur2.hpp"
#include "pipeline/pipeline.hpp"
#include "udpnotif/encoder.hpp"
#include "worker/stage.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace udpn;
using namespace std::chrono_literals;

/// A UDP socket bound to \p address (ephemeral port) that sends to 127.0.0.1:port.
class exporter_socket {
public:
    explicit exporter_socket(const char* address)
    {
        _fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        if (_fd < 0) {
            throw std::runtime_error("socket");
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        ::inet_pton(AF_INET, address, &a.sin_addr);
        if (::bind(_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            throw std::runtime_error(std::string("bind ") + address);
        }
        socklen_t len = sizeof a;
        ::getsockname(_fd, reinterpret_cast<sockaddr*>(&a), &len);
        _local = {net::ip_address::parse(address), ntohs(a.sin_port)};
    }
    ~exporter_socket() { ::close(_fd); }
    exporter_socket(const exporter_socket&) = delete;
    exporter_socket& operator=(const exporter_socket&) = delete;

    void send(const std::vector<std::uint8_t>& dgram, std::uint16_t port) const
    {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::sendto(_fd, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to) != static_cast<ssize_t>(dgram.size())) {
            throw std::runtime_error("sendto");
        }
    }
    [[nodiscard]] const net::endpoint& local() const { return _local; }

private:
    int _fd = -1;
    net::endpoint _local;
};

/// One message to send: its payload and datagrams.
struct outgoing {
    std::string payload;
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::vector<std::vector<std::uint8_t>> datagrams;
};

/// subscription-started then \p n push-updates (every 4th one large and segmented).
std::vector<outgoing> traffic_of(std::string_view hostname, std::uint32_t publisher_id,
                                 std::size_t n)
{
    std::vector<outgoing> out;
    auto add = [&](std::string payload, bool segmented) {
        outgoing o;
        o.payload = std::move(payload);
        o.publisher_id = publisher_id;
        o.message_id = static_cast<std::uint32_t>(out.size() + 1);
        udpnotif::encode_params p;
        p.publisher_id = o.publisher_id;
        p.message_id = o.message_id;
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(o.payload.data());
        o.datagrams = udpnotif::encode_segments(p, byte_span(bytes, o.payload.size()),
                                                segmented ? 256 : 65000, segmented);
        out.push_back(std::move(o));
    };
    add(test::in_envelope("ietf-subscribed-notifications:subscription-started",
                          test::started_1042, 1, hostname),
        false);
    for (std::size_t i = 0; i < n; ++i) {
        const bool big = i % 4 == 3;
        std::string a = "eth" + std::to_string(i % 7);
        std::string b = "ge-0/0/" + std::to_string(i % 5);
        auto contents = big ? test::push_update_contents(1042, {a, b, "lo0", "xe-1/0/0", "et-2/0/1"})
                            : test::push_update_contents(1042, {a});
        add(test::in_envelope(test::push_update_name, contents,
                              static_cast<std::uint32_t>(i + 2), hostname),
            big);
    }
    return out;
}

worker::worker_config worker_config_for_test()
{
    worker::worker_config c;
    c.key.standards_profile = key::profile::latest;
    c.key.distribution = key::topic_distribution::topic;
    c.envelope.profile = envelope::profile::latest;
    c.schema.search_dirs = {UDPN_YANG_DIR};
    return c;
}

/// Copies every record's topic and key.
class topic_key_sink final : public worker::record_sink {
public:
    void on_record(const worker::record& r) noexcept override
    {
        items.emplace_back(std::string(r.topic), r.has_key ? std::string(r.key) : std::string());
    }
    std::vector<std::pair<std::string, std::string>> items;
};

template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

TEST(pipeline, two_exporters_end_to_end_no_loss)
{
    pipeline::pipeline_config cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.n_rx = 2;
    cfg.n_workers = 2;
    cfg.rx.pool.classes = {{4096, 512}, {65536, 16}};
    cfg.worker = worker_config_for_test();
    cfg.kafka.embedded_partitions = 12;
    cfg.kafka.linger_ms = 1;

    pipeline::pipeline p(cfg);
    p.start();

    exporter_socket e1("127.0.0.1");
    exporter_socket e2("127.0.0.2");
    const auto t1 = traffic_of("router-a", 7, 160);
    const auto t2 = traffic_of("router-b", 9, 160);

    std::size_t n_datagrams = 0;
    std::size_t n_segmented = 0;
    for (std::size_t i = 0; i < std::max(t1.size(), t2.size()); ++i) {
        for (const auto* t : {&t1, &t2}) {
            if (i >= t->size()) {
                continue;
            }
            const auto& sock = t == &t1 ? e1 : e2;
            for (const auto& d : (*t)[i].datagrams) {
                sock.send(d, p.local_port());
                ++n_datagrams;
            }
            n_segmented += (*t)[i].datagrams.size() > 1 ? 1 : 0;
        }
        if (i == 0) {
            std::this_thread::sleep_for(20ms); // the subscriptions start before their data
        }
        if (i % 16 == 15) {
            std::this_thread::sleep_for(2ms); // stay well inside the socket buffers
        }
    }
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
    EXPECT_EQ(r.undelivered, 0u);
    EXPECT_EQ(r.left_in_queues, 0u);

    // The per-thread counters are the detail of the same totals.
    const pipeline::thread_stats t = p.per_thread_stats();
    ASSERT_EQ(t.rx.size(), 2u);
    ASSERT_EQ(t.workers.size(), 2u);
    std::uint64_t accepted = 0;
    std::uint64_t completed = 0;
    std::uint64_t decoded = 0;
    std::uint64_t subscriptions = 0;
    std::uint64_t handed_back = 0;
    for (const auto& rx : t.rx) {
        accepted += rx.parse.accepted;
        completed += rx.reassembly.count(reassembly::verdict::complete) +
                     rx.reassembly.count(reassembly::verdict::whole);
        handed_back += rx.pool.released;
        EXPECT_EQ(rx.pool.in_use, 0u);
        EXPECT_EQ(rx.returns_queued, 0u);
    }
    for (const auto& w : t.workers) {
        decoded += w.decode.decoded;
        subscriptions += w.subscriptions.subscriptions;
        EXPECT_EQ(w.queued, 0u);
    }
    EXPECT_EQ(accepted, n_datagrams);
    EXPECT_EQ(completed, n_messages);
    EXPECT_EQ(handed_back, n_messages);
    EXPECT_EQ(decoded, n_messages);
    EXPECT_EQ(subscriptions, 2u); // one started per exporter
    EXPECT_EQ(pipeline::summarize(t).records, s.records);

    // What a reference stage derives for the same messages (topic, key).
    const key::schema_context schema(cfg.worker.schema);
    worker::stage ref(cfg.worker, schema);
    topic_key_sink expected_sink;
    for (const auto* t : {&t1, &t2}) {
        const net::endpoint& from = t == &t1 ? e1.local() : e2.local();
        for (const auto& o : *t) {
            std::string buf = o.payload;
            buf.append(64, '\0');
            worker::message m;
            m.payload = std::string_view(buf.data(), o.payload.size());
            m.exporter = from;
            m.collector = {net::ip_address::parse("127.0.0.1"), p.local_port()};
            m.publisher_id = o.publisher_id;
            m.message_id = o.message_id;
            m.collection_time_ns = 1;
            (void)ref.process(m, expected_sink);
        }
    }
    ASSERT_EQ(expected_sink.items.size(), n_messages);
    std::map<std::string, std::multiset<std::string>> expected; // topic -> keys
    for (const auto& [topic, k] : expected_sink.items) {
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
    pipeline::pipeline_config cfg;
    cfg.address = "127.0.0.1";
    cfg.n_rx = 1;
    cfg.n_workers = 1;
    cfg.worker_queue_capacity = 2;
    cfg.queue_full_wait_us = 0;
    cfg.flush_timeout_ms = 200;
    cfg.rx.pool.classes = {{4096, 64}};
    cfg.worker = worker_config_for_test();
    // A cluster nobody listens on and room for one record: the worker blocks in produce()
    // (queue_full_wait_ms) while RX keeps receiving.
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
    // while the worker is blocked (first queue-full wait, 3 s) nothing grows: at most the
    // queue's capacity plus the two messages the worker took (one queued in the producer, one
    // waiting for room) got through; the rest was dropped and counted
    EXPECT_LE(during.rx_messages, cfg.worker_queue_capacity + 2);
    EXPECT_EQ(s.return_failed, 0u);
}

} // namespace
