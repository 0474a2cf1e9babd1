// A plain listener and a DTLS listener side by side in one pipeline (issue: mixed plain + DTLS
// in one udpnotif-recv): a plain exporter and a DTLS exporter (udpnotif-dtls-send's client, a
// certificate generated at test time) each send a subscription-started and push-updates, some
// segmented; every message lands in the embedded Kafka cluster, the DTLS messages went through
// the same reassembly (segments) and carry the DTLS exporter's address:port and the DTLS port as
// their collection metadata.
#include "kafka_test_support.hpp"
#include "pipeline_fixtures.hpp"

#include "dtls-send/dtls_client.hpp"
#include "pipeline/pipeline.hpp"
#include "test_certs.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

TEST(pipeline, plain_and_dtls_listeners_side_by_side)
{
    const test_certs certs;
    pipeline::pipeline_config cfg = pipeline_config_for_test(1, 2, 1);
    cfg.dtls.enabled = true;
    cfg.dtls.address = "127.0.0.1";
    cfg.dtls.ca_file = certs.ca;
    cfg.dtls.cert_file = certs.server_cert;
    cfg.dtls.key_file = certs.server_key;
    pipeline::pipeline p(cfg);
    ASSERT_NE(p.dtls_port(), 0);
    ASSERT_NE(p.dtls_port(), p.local_port());
    ASSERT_EQ(p.n_rx_units(), 2u);
    p.start();

    exporter_socket plain("127.0.0.1");
    const auto t_plain = traffic_of("router-a", 7, 40);
    std::size_t n_plain_datagrams = 0;
    for (const auto& o : t_plain) {
        for (const auto& d : o.datagrams) {
            plain.send(d, p.local_port());
            ++n_plain_datagrams;
        }
    }

    tools::dtls_client_config cc;
    cc.port = p.dtls_port();
    cc.ca_file = certs.ca;
    cc.cert_file = certs.client_cert;
    cc.key_file = certs.client_key;
    tools::dtls_client client(cc);
    ASSERT_TRUE(client.connect()) << client.error();
    const auto t_dtls = traffic_of("router-b", 9, 40);
    std::vector<std::vector<std::uint8_t>> frames;
    std::size_t n_dtls_segmented = 0;
    for (const auto& o : t_dtls) {
        n_dtls_segmented += o.datagrams.size() > 1 ? 1 : 0;
        frames.insert(frames.end(), o.datagrams.begin(), o.datagrams.end());
    }
    EXPECT_GT(n_dtls_segmented, 5u);
    ASSERT_TRUE(client.send(frames, 1000)); // several segments per record, some spanning two
    const net::endpoint dtls_exporter{net::ip_address::parse("127.0.0.1"), client.local_port()};

    const std::size_t n_messages = t_plain.size() + t_dtls.size();
    ASSERT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= n_messages; }, 20s))
        << "delivered " << p.stats().kafka.delivered << " of " << n_messages;
    (void)client.close();
    const pipeline::stop_report r = p.stop();
    EXPECT_EQ(r.final_stats.rx_messages, n_messages);
    EXPECT_EQ(r.final_stats.records, n_messages);
    EXPECT_EQ(r.final_stats.fallback, 0u); // each exporter's subscription-started was seen

    const pipeline::thread_stats per_thread = p.per_thread_stats();
    ASSERT_EQ(per_thread.rx.size(), 2u);
    const auto& plain_rx = per_thread.rx[0];
    const auto& dtls_rx = per_thread.rx[1];
    EXPECT_EQ(plain_rx.path.datagrams, n_plain_datagrams);
    EXPECT_EQ(plain_rx.dtls.datagrams, 0u);
    EXPECT_EQ(dtls_rx.dtls.handshakes_ok, 1u);
    EXPECT_EQ(dtls_rx.dtls.messages, frames.size());
    EXPECT_EQ(dtls_rx.path.datagrams, frames.size()); // each decrypted segment -> rx_path
    EXPECT_EQ(dtls_rx.path.reassembled_messages, n_dtls_segmented);
    EXPECT_EQ(dtls_rx.path.messages, t_dtls.size());
    EXPECT_EQ(dtls_rx.dtls.framing_errors, 0u);
    EXPECT_EQ(dtls_rx.pool.in_use, 0u);

    // The records, with the collection metadata of the listener each came through.
    const key::schema_context schema(cfg.worker.schema);
    const auto expected_records = reference_records(
        cfg, schema, {{&t_plain, plain.local()}, {&t_dtls, dtls_exporter}}, p.local_port());
    std::map<std::string, std::size_t> per_topic;
    for (const auto& [topic, k] : expected_records) {
        ++per_topic[topic];
    }
    std::size_t n_read = 0;
    std::size_t n_dtls_read = 0;
    simdjson::dom::parser parser;
    for (const auto& [topic, n] : per_topic) {
        const auto records = kafka::test::consume_all(p.bootstrap_servers(), topic,
                                                      cfg.kafka.embedded_partitions, n);
        n_read += records.size();
        for (const auto& rec : records) {
            ASSERT_TRUE(rec.value.has_value());
            simdjson::padded_string json(*rec.value);
            simdjson::dom::element doc;
            ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << *rec.value;
            const std::string& v = *rec.value;
            if (v.find("router-b") != std::string::npos) {
                ++n_dtls_read;
                EXPECT_NE(v.find("\"export-port\":" + std::to_string(client.local_port())),
                          std::string::npos)
                    << v;
                EXPECT_NE(v.find("\"collection-port\":" + std::to_string(p.dtls_port())),
                          std::string::npos)
                    << v;
            } else {
                EXPECT_NE(v.find("\"collection-port\":" + std::to_string(p.local_port())),
                          std::string::npos)
                    << v;
            }
        }
    }
    EXPECT_EQ(n_read, n_messages);
    EXPECT_EQ(n_dtls_read, t_dtls.size());
}

} // namespace
