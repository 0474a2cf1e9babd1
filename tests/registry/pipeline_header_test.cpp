// The schema-id header end to end: udpnotif traffic on loopback -> the pipeline (registry
// thread against a fake Confluent registry on 127.0.0.1) -> the embedded Kafka -> read back
// with a librdkafka consumer. Records produced before the id is known carry no schema-id
// header and are counted; after registration every record carries the registered id, 4-byte
// big-endian or decimal text as configured; no registry, no header. Envelopes still validate
// against their YANG modules (libyang).
#include "fake_registry.hpp"
#include "kafka_test_support.hpp"
#include "pipeline_fixtures.hpp"
#include "validate/envelope_validator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace udpn::pipeline {
namespace {

using namespace std::chrono_literals;
using namespace udpn::test;
using udpn::registry::test::fake_registry;

std::string module_text(const std::string& file)
{
    std::ifstream in(std::string(UDPN_YANG_DIR) + "/" + file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void send(const exporter_socket& e, const std::vector<outgoing>& t, std::size_t from,
          std::size_t to, std::uint16_t port)
{
    for (std::size_t i = from; i < to; ++i) {
        for (const auto& d : t[i].datagrams) {
            e.send(d, port);
        }
        if (i % 16 == 15) {
            std::this_thread::sleep_for(2ms); // stay inside the socket buffer
        }
    }
}

/// The records of \p t's subscription, read back from the embedded cluster.
std::vector<kafka::test::consumed_record> read_back(const pipeline& p,
                                                    const pipeline_config& cfg,
                                                    const std::vector<outgoing>& t,
                                                    const exporter_socket& e, std::size_t n)
{
    const key::schema_context schema(cfg.worker.schema);
    const auto expected = reference_records(cfg, schema, {{&t, e.local()}}, p.local_port());
    std::set<std::string> topics;
    for (const auto& [topic, k] : expected) {
        topics.insert(topic);
    }
    std::vector<kafka::test::consumed_record> out;
    for (const std::string& topic : topics) {
        auto got = kafka::test::consume_all(p.bootstrap_servers(), topic,
                                            cfg.kafka.embedded_partitions, n);
        out.insert(out.end(), got.begin(), got.end());
    }
    return out;
}

const std::string* header_of(const kafka::test::consumed_record& r, const std::string& name)
{
    for (const auto& [k, v] : r.headers) {
        if (k == name) {
            return &v;
        }
    }
    return nullptr;
}

struct run_result {
    std::vector<kafka::test::consumed_record> records;
    stop_report report;
    worker::stage_stats stage;
    registry::registry_stats registry;
    std::int64_t id = -1;
};

/// Sends subscription-started + 29 push-updates while the registry answers 503, waits for
/// them to be delivered, lets the registry answer, waits for the registration, then sends 30
/// more push-updates of the same subscription.
run_result run_with_registry(registry::header_format format)
{
    fake_registry f;
    f.answer_status(503, R"({"error_code":50301,"message":"not ready"})");
    pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.registry.url = f.url();
    cfg.registry.header = format;
    cfg.registry.retry_backoff_ms = 10;
    cfg.registry.retry_max_backoff_ms = 50;
    run_result out;
    pipeline p(cfg);
    p.start();
    exporter_socket e("127.0.0.1");
    const auto t = traffic_of("router-a", 7, 59); // started + 59 push-updates
    send(e, t, 0, 30, p.local_port());
    EXPECT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= 30; }, 20s))
        << p.stats().kafka.delivered;
    EXPECT_GE(p.per_thread_stats().registry.at(0).of(registry::failure_reason::server_error), 1u);

    f.answer_normally();
    EXPECT_TRUE(wait_until([&] { return p.stats().schemas_registered >= 1; }, 20s));
    send(e, t, 30, t.size(), p.local_port());
    EXPECT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= t.size(); }, 20s))
        << p.stats().kafka.delivered;
    out.report = p.stop();
    const thread_stats per = p.per_thread_stats();
    out.stage = per.workers.at(0).stage;
    out.registry = per.registry.at(0);
    out.records = read_back(p, cfg, t, e, t.size());
    out.id = f.id_of(module_text("ietf-interfaces@2018-02-20.yang"));
    return out;
}

void expect_envelopes_valid(const std::vector<kafka::test::consumed_record>& records)
{
    validate::envelope_validator v(envelope::profile::latest, {UDPN_YANG_DIR});
    std::size_t with_payload = 0;
    for (const auto& r : records) {
        ASSERT_TRUE(r.value.has_value());
        // The subscription-started payload's yang-library-content-id is a leafref to a
        // yang-library tree the test has not got: its envelope is validated without the payload.
        const bool started = r.value->find("subscription-started") != std::string::npos;
        with_payload += started ? 0 : 1;
        EXPECT_EQ(v.validate(*r.value, !started), "") << *r.value;
    }
    EXPECT_EQ(with_payload + 1, records.size());
}

TEST(RegistryPipeline, RecordsBeforeTheIdHaveNoHeaderAfterItTheBinaryId)
{
    const run_result r = run_with_registry(registry::header_format::binary);
    ASSERT_GT(r.id, 0);
    ASSERT_EQ(r.records.size(), 60u);
    const std::string expected{static_cast<char>((r.id >> 24) & 0xFF),
                               static_cast<char>((r.id >> 16) & 0xFF),
                               static_cast<char>((r.id >> 8) & 0xFF),
                               static_cast<char>(r.id & 0xFF)};
    std::size_t with = 0;
    std::size_t without = 0;
    for (const auto& rec : r.records) {
        const std::string* ct = header_of(rec, "content-type");
        ASSERT_NE(ct, nullptr);
        EXPECT_EQ(*ct, "application/yang-data+json");
        if (const std::string* id = header_of(rec, "schema-id")) {
            ++with;
            EXPECT_EQ(*id, expected);
        } else {
            ++without;
        }
    }
    EXPECT_EQ(with, 30u);
    EXPECT_EQ(without, 30u);
    EXPECT_EQ(r.stage.schema_id_attached, 30u);
    EXPECT_EQ(r.stage.of(worker::schema_id_missing_reason::pending), 30u);
    EXPECT_EQ(r.stage.of(worker::schema_id_missing_reason::unknown_subscription), 0u);
    EXPECT_EQ(r.report.final_stats.schema_id_attached, 30u);
    EXPECT_EQ(r.report.final_stats.schema_id_missing, 30u);
    EXPECT_EQ(r.registry.registered, 1u);
    EXPECT_GE(r.registry.retries, 1u);
    EXPECT_EQ(r.report.final_stats.kafka.delivered, 60u); // nothing held back or dropped
    expect_envelopes_valid(r.records);
}

TEST(RegistryPipeline, TextFormatCarriesTheDecimalId)
{
    const run_result r = run_with_registry(registry::header_format::text);
    ASSERT_GT(r.id, 0);
    ASSERT_EQ(r.records.size(), 60u);
    std::size_t with = 0;
    for (const auto& rec : r.records) {
        if (const std::string* id = header_of(rec, "schema-id")) {
            ++with;
            EXPECT_EQ(*id, std::to_string(r.id));
        }
    }
    EXPECT_EQ(with, 30u);
    EXPECT_EQ(r.stage.schema_id_attached, 30u);
}

TEST(RegistryPipeline, NoRegistryNoHeaderAndNothingCounted)
{
    pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    pipeline p(cfg);
    p.start();
    exporter_socket e("127.0.0.1");
    const auto t = traffic_of("router-b", 9, 19);
    send(e, t, 0, t.size(), p.local_port());
    ASSERT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= t.size(); }, 20s));
    const stop_report rep = p.stop();
    const thread_stats per = p.per_thread_stats();
    EXPECT_TRUE(per.registry.empty());
    EXPECT_EQ(per.workers.at(0).stage.schema_id_attached, 0u);
    for (const std::uint64_t n : per.workers.at(0).stage.schema_id_missing) {
        EXPECT_EQ(n, 0u);
    }
    const auto records = read_back(p, cfg, t, e, t.size());
    ASSERT_EQ(records.size(), t.size());
    for (const auto& rec : records) {
        ASSERT_EQ(rec.headers.size(), 1u);
        EXPECT_EQ(rec.headers[0].first, "content-type");
    }
    expect_envelopes_valid(records);
    EXPECT_EQ(rep.final_stats.schema_id_attached, 0u);
}

TEST(RegistryPipeline, UnknownSubscriptionsAreCountedAndARegistryThatNeverAnswersStallsNothing)
{
    fake_registry f;
    f.answer_slowly(3000ms); // every request hangs beyond the timeout
    pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.registry.url = f.url();
    cfg.registry.request_timeout_ms = 200;
    pipeline p(cfg);
    p.start();
    exporter_socket e("127.0.0.1");
    auto t = traffic_of("router-c", 11, 40);
    // Data of a subscription the receiver never saw start: the fallback topic, no schema.
    send(e, t, 1, 11, p.local_port());
    send(e, t, 0, 1, p.local_port());
    send(e, t, 11, t.size(), p.local_port());
    ASSERT_TRUE(wait_until([&] { return p.stats().kafka.delivered >= t.size(); }, 20s))
        << p.stats().kafka.delivered;
    const stop_report rep = p.stop();
    const worker::stage_stats s = p.per_thread_stats().workers.at(0).stage;
    EXPECT_EQ(s.of(worker::schema_id_missing_reason::unknown_subscription), 10u);
    EXPECT_EQ(s.of(worker::schema_id_missing_reason::pending), t.size() - 10);
    EXPECT_EQ(s.schema_id_attached, 0u);
    EXPECT_EQ(rep.final_stats.kafka.delivered, t.size());
    EXPECT_EQ(rep.final_stats.record_drops, 0u);
}

TEST(RegistryPipeline, PasswordFromAFileAuthenticatesAndAMissingFileIsAStartupError)
{
    fake_registry f;
    f.require_basic_auth("Basic cmVjZWl2ZXI6czNjcjN0"); // base64("receiver:s3cr3t")
    const std::string secret_file =
        (std::filesystem::temp_directory_path() / ("udpn-registry-pw-" + std::to_string(::getpid())))
            .string();
    std::ofstream(secret_file) << "  s3cr3t\n"; // trimmed, as the Kafka secrets
    pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.registry.url = f.url();
    cfg.registry.username = "receiver";
    cfg.registry.password = "@" + secret_file;
    {
        pipeline p(cfg);
        p.start();
        exporter_socket e("127.0.0.1");
        const auto t = traffic_of("router-d", 5, 1);
        send(e, t, 0, 1, p.local_port()); // subscription-started: the schema is requested
        EXPECT_TRUE(wait_until([&] { return p.stats().schemas_registered >= 1; }, 20s));
        EXPECT_EQ(p.stats().registry_failures, 0u);
        (void)p.stop();
    }
    std::filesystem::remove(secret_file);
    try {
        pipeline p(cfg);
        ADD_FAILURE() << "a missing password file must stop the start-up";
    } catch (const std::exception& ex) {
        const std::string what = ex.what();
        EXPECT_NE(what.find("schema_registry.password"), std::string::npos) << what;
        EXPECT_NE(what.find(secret_file), std::string::npos) << what;
    }
}

} // namespace
} // namespace udpn::pipeline
