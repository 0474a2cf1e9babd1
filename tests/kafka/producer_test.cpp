// producer against the embedded (mock) cluster, read back with a librdkafka consumer: count,
// keys, values, headers, and the partition of every keyed record checked against Kafka's
// murmur2 (PROTOCOL.md §10). Loopback only; every wait is bounded.
#include "kafka/embedded_cluster.hpp"
#include "kafka/producer.hpp"

#include "alloc_counter.hpp"
#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <set>
#include <string>

using namespace udpn::kafka;
using namespace std::chrono_literals;
using udpn::kafka::test::consume_all;
using udpn::kafka::test::expected_partition;
using udpn::kafka::test::partition_count;

namespace {

constexpr std::string_view protocol_key =
    "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";

kafka_config embedded_config()
{
    kafka_config config;
    config.linger_ms = 1;
    config.properties.push_back({"log_level", "3"});
    return config;
}

std::string header_value(const test::consumed_record& r, const std::string& name)
{
    for (const auto& [n, v] : r.headers) {
        if (n == name) {
            return v;
        }
    }
    return "(absent)";
}

} // namespace

TEST(Producer, KeyedRecordsLandOnTheirMurmur2PartitionWithContentType)
{
    embedded_cluster cluster;
    producer prod(embedded_config(), &cluster);
    const std::string topic = "udpn.statistics.yang.ietf-interfaces.interfaces";
    constexpr int n_records = 300;

    std::map<std::string, std::string> key_of_value;
    for (int i = 0; i < n_records; ++i) {
        const std::string key = i == 0 ? std::string(protocol_key)
                                       : "router-" + std::to_string(i % 17) + "\n" +
                                             std::to_string(1000 + i % 5) +
                                             "\n/ietf-interfaces:interfaces/interface[name='eth" +
                                             std::to_string(i) + "']";
        const std::string value =
            R"({"ietf-telemetry-message:message":{"n":)" + std::to_string(i) + "}}";
        key_of_value[value] = key;
        ASSERT_EQ(prod.produce(topic, as_bytes(key), as_bytes(value)), produce_status::queued);
        if (i % 64 == 0) {
            prod.poll(0);
        }
    }
    EXPECT_EQ(prod.flush(10s), 0U);

    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.queued, std::uint64_t{n_records});
    EXPECT_EQ(stats.delivered, std::uint64_t{n_records});
    EXPECT_EQ(stats.failed_total(), 0U);
    EXPECT_EQ(stats.dropped_total(), 0U);
    EXPECT_EQ(stats.delivered_bytes, stats.queued_bytes);
    EXPECT_EQ(stats.topics, 1U);
    EXPECT_EQ(stats.topics_created, 1U);
    EXPECT_EQ(partition_count(prod.native(), topic), 12);

    const auto records = consume_all(cluster.bootstrap_servers(), topic, 12, n_records);
    ASSERT_EQ(records.size(), std::size_t{n_records});
    std::set<std::string> seen;
    std::set<std::int32_t> partitions_used;
    for (const auto& r : records) {
        ASSERT_TRUE(r.value.has_value());
        ASSERT_TRUE(r.key.has_value());
        const auto it = key_of_value.find(*r.value);
        ASSERT_NE(it, key_of_value.end()) << *r.value;
        EXPECT_EQ(*r.key, it->second);
        EXPECT_TRUE(seen.insert(*r.value).second) << "duplicate " << *r.value;
        EXPECT_EQ(r.partition, expected_partition(*r.key, 12)) << *r.key;
        EXPECT_EQ(header_value(r, "content-type"), "application/yang-data+json");
        EXPECT_EQ(r.headers.size(), 1U);
        partitions_used.insert(r.partition);
        if (*r.key == protocol_key) {
            EXPECT_EQ(r.partition, 2); // PROTOCOL.md §10 vector
        }
    }
    EXPECT_GT(partitions_used.size(), 6U); // the keys spread; not all on one partition
}

TEST(Producer, NullKeyStaysNullAndEmptyKeyIsHashed)
{
    embedded_cluster cluster;
    producer prod(embedded_config(), &cluster);
    const std::string topic = "null-and-empty-keys";
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(prod.produce(topic, std::nullopt, as_bytes("null-" + std::to_string(i))),
                  produce_status::queued);
    }
    ASSERT_EQ(prod.produce(topic, udpn::byte_span{}, as_bytes("empty")), produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);
    EXPECT_EQ(prod.stats().delivered, 21U);

    const auto records = consume_all(cluster.bootstrap_servers(), topic, 12, 21);
    ASSERT_EQ(records.size(), 21U);
    for (const auto& r : records) {
        ASSERT_TRUE(r.value.has_value());
        if (*r.value == "empty") {
            ASSERT_TRUE(r.key.has_value()) << "an empty key must not become a null key";
            EXPECT_EQ(*r.key, "");
            EXPECT_EQ(r.partition, expected_partition("", 12));
        } else {
            EXPECT_FALSE(r.key.has_value()) << *r.value;
        }
    }
}

TEST(Producer, ExtraHeadersFollowContentTypeAndEmptyValueIsNull)
{
    embedded_cluster cluster;
    producer prod(embedded_config(), &cluster);
    const std::string topic = "headers";
    const std::array<header, 2> extra = {
        header{"schema-id", as_bytes(std::string_view("\x00\x00\x00\x07", 4))},
        header{"udpn-exporter", as_bytes("192.0.2.1")}};
    ASSERT_EQ(prod.produce(topic, as_bytes("k"), as_bytes("v"), extra), produce_status::queued);
    ASSERT_EQ(prod.produce(topic, as_bytes("tombstone"), udpn::byte_span{}),
              produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);

    const auto records = consume_all(cluster.bootstrap_servers(), topic, 12, 2);
    ASSERT_EQ(records.size(), 2U);
    for (const auto& r : records) {
        ASSERT_TRUE(r.key.has_value());
        if (*r.key == "k") {
            ASSERT_EQ(r.headers.size(), 3U);
            EXPECT_EQ(r.headers[0].first, "content-type");
            EXPECT_EQ(r.headers[0].second, "application/yang-data+json");
            EXPECT_EQ(r.headers[1].first, "schema-id");
            EXPECT_EQ(r.headers[1].second, std::string("\x00\x00\x00\x07", 4));
            EXPECT_EQ(r.headers[2].first, "udpn-exporter");
            EXPECT_EQ(r.headers[2].second, "192.0.2.1");
        } else {
            EXPECT_EQ(*r.key, "tombstone");
            EXPECT_FALSE(r.value.has_value());
        }
    }
}

TEST(Producer, NoContentTypeHeaderWhenConfiguredEmpty)
{
    embedded_cluster cluster;
    kafka_config config = embedded_config();
    config.content_type.clear();
    producer prod(config, &cluster);
    ASSERT_EQ(prod.produce("bare", as_bytes("k"), as_bytes("v")), produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);
    const auto records = consume_all(cluster.bootstrap_servers(), "bare", 12, 1);
    ASSERT_EQ(records.size(), 1U);
    EXPECT_TRUE(records[0].headers.empty());
}

TEST(Producer, TopicsAreCreatedWithTheEmbeddedPartitionCount)
{
    embedded_cluster cluster(3);
    kafka_config config = embedded_config();
    config.embedded_brokers = 3;
    config.embedded_partitions = 7;
    producer prod(config, &cluster);
    EXPECT_EQ(prod.ensure_topic("state-topic", topic_kind::state), topic_status::created);
    EXPECT_EQ(prod.ensure_topic("state-topic", topic_kind::state), topic_status::exists);
    ASSERT_EQ(prod.produce("state-topic", as_bytes(protocol_key), as_bytes("x")),
              produce_status::queued);
    ASSERT_EQ(prod.produce("data-topic", as_bytes(protocol_key), as_bytes("y")),
              produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);
    EXPECT_EQ(partition_count(prod.native(), "state-topic"), 7);
    EXPECT_EQ(partition_count(prod.native(), "data-topic"), 7);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.topics, 2U);
    EXPECT_EQ(stats.topics_created, 2U);
    EXPECT_EQ(stats.topic_create_failed, 0U);
    EXPECT_EQ(stats.delivered, 2U);
    const auto records = consume_all(cluster.bootstrap_servers(), "state-topic", 7, 1);
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].partition, expected_partition(protocol_key, 7));
}

TEST(Producer, RecordsToExistingTopicsAllocateNothingInOurCode)
{
    embedded_cluster cluster;
    producer prod(embedded_config(), &cluster);
    const std::string topic = "no-alloc";
    const std::string key(protocol_key);
    const std::string value(512, 'v');
    const std::array<header, 1> extra = {header{"h", as_bytes("1")}};
    ASSERT_EQ(prod.produce(topic, as_bytes(key), as_bytes(value)), produce_status::queued);
    const std::uint64_t n = udpn::test::allocations_during([&] {
        for (int i = 0; i < 1000; ++i) {
            if (prod.produce(topic, as_bytes(key), as_bytes(value), extra) !=
                produce_status::queued) {
                ADD_FAILURE() << "record " << i << " not queued";
                break;
            }
            if (i % 100 == 0) {
                prod.poll(0);
            }
        }
    });
    // librdkafka allocates with malloc (not counted); produce() and poll() add no operator new.
    EXPECT_EQ(n, 0U);
    EXPECT_EQ(prod.flush(10s), 0U);
    EXPECT_EQ(prod.stats().delivered, 1001U);
}

TEST(Producer, ExternalProducerReachesTheEmbeddedClusterByItsBootstrap)
{
    embedded_cluster cluster(2);
    EXPECT_EQ(
        std::count(cluster.bootstrap_servers().begin(), cluster.bootstrap_servers().end(), ','), 1);
    ASSERT_EQ(cluster.create_topic("shared", 12), topic_status::created);
    kafka_config config;
    config.brokers = cluster.bootstrap_servers(); // as another process would
    config.create_topics = false;                 // the mock answers no CreateTopics
    config.properties.push_back({"log_level", "3"});
    producer prod(config);
    EXPECT_EQ(prod.bootstrap_servers(), cluster.bootstrap_servers());
    EXPECT_EQ(prod.ensure_topic("shared"), topic_status::not_attempted);
    ASSERT_EQ(prod.produce("shared", as_bytes(protocol_key), as_bytes("z")),
              produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);
    const auto records = consume_all(cluster.bootstrap_servers(), "shared", 12, 1);
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].partition, 2);
}
