// producer error paths: start-up errors that name the property, bounded backpressure (full
// queue → counted drops after one bounded wait, no growth), flush reporting what was not
// delivered, delivery failure counters driven by the mock cluster's fault injection (and their
// recovery), fatal errors, topic limits. Loopback only; every wait is bounded (seconds).
#include "kafka/embedded_cluster.hpp"
#include "kafka/producer.hpp"

#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <string>
#include <vector>

using namespace udpn::kafka;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t produce_api_key = 0; // Kafka ProduceRequest

using test::quiet_config;

/// The startup_error a producer built from \p config throws (what() and property()).
std::pair<std::string, std::string> startup_failure(const kafka_config& config,
                                                    embedded_cluster* cluster = nullptr)
{
    try {
        producer prod(config, cluster);
    } catch (const startup_error& e) {
        return {e.what(), e.property()};
    }
    return {"(no error)", ""};
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// Timing bounds below leave room for a quirk of librdkafka 2.0.2's mock cluster: a call of
// the mock API (topic create, broker down/up, error injection) sometimes takes up to ~1 s,
// because the mock thread misses the wake-up and serves the request at its next 1 s tick. No
// timed section below contains a mock API call.
using clock_type = std::chrono::steady_clock;

long long ms_since(clock_type::time_point t0)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
}

/// Produces \p n small keyed records to \p topic; returns how many were queued.
int produce_n(producer& prod, const std::string& topic, int n)
{
    int queued = 0;
    for (int i = 0; i < n; ++i) {
        const std::string key = "key-" + std::to_string(i);
        if (prod.produce(topic, as_bytes(key), as_bytes("value")) == produce_status::queued) {
            ++queued;
        }
    }
    return queued;
}

} // namespace

TEST(ProducerStartup, UnknownPropertyIsNamed)
{
    kafka_config config;
    config.brokers = "127.0.0.1:1";
    config.properties.push_back({"no.such.property", "1"});
    const auto [what, prop] = startup_failure(config);
    EXPECT_EQ(prop, "no.such.property");
    EXPECT_TRUE(contains(what, "no.such.property")) << what;
    EXPECT_TRUE(contains(what, "No such configuration property")) << what;
}

TEST(ProducerStartup, BadFieldValueNamesThePropertyAndTheField)
{
    kafka_config config;
    config.brokers = "127.0.0.1:1";
    config.linger_ms = -5;
    const auto [what, prop] = startup_failure(config);
    EXPECT_EQ(prop, "linger.ms");
    EXPECT_TRUE(contains(what, "linger.ms=-5")) << what;
    EXPECT_TRUE(contains(what, "kafka_config linger_ms")) << what;

    config.linger_ms = 5;
    config.partitioner = "round-robin";
    EXPECT_EQ(startup_failure(config).second, "partitioner");
    config.partitioner = "murmur2_random";
    config.compression_codec = "brotli";
    EXPECT_EQ(startup_failure(config).second, "compression.codec");
}

TEST(ProducerStartup, SecretValuesAreNotEchoed)
{
    kafka_config config;
    config.brokers = "127.0.0.1:1";
    config.properties.push_back({"custom.password", "hunter2"}); // unknown to librdkafka
    const auto [what, prop] = startup_failure(config);
    EXPECT_EQ(prop, "custom.password");
    EXPECT_FALSE(contains(what, "hunter2")) << what;
    EXPECT_TRUE(contains(what, "(secret)")) << what;
}

TEST(ProducerStartup, MissingSecretFileIsNamed)
{
    kafka_config config;
    config.brokers = "127.0.0.1:1";
    config.properties.push_back({"sasl.password", "@/nonexistent/udpn-kafka-secret"});
    const auto [what, prop] = startup_failure(config);
    EXPECT_EQ(prop, "sasl.password");
    EXPECT_TRUE(contains(what, "/nonexistent/udpn-kafka-secret")) << what;
}

TEST(ProducerStartup, ConflictingPropertiesAreReportedByLibrdkafka)
{
    kafka_config config;
    config.brokers = "127.0.0.1:1";
    config.properties.push_back({"acks", "1"}); // idempotence needs acks=all
    const auto [what, prop] = startup_failure(config);
    EXPECT_TRUE(contains(what, "acks")) << what;
    EXPECT_TRUE(contains(what, "enable.idempotence")) << what;
}

TEST(ProducerStartup, EmbeddedNeedsACluster)
{
    const auto [what, prop] = startup_failure(kafka_config{});
    EXPECT_EQ(prop, "brokers");
    EXPECT_TRUE(contains(what, "embedded")) << what;
}

TEST(ProducerStartup, InvalidConfigIsRejectedBeforeLibrdkafka)
{
    kafka_config config;
    config.queue_full_wait_ms = -1;
    embedded_cluster cluster;
    EXPECT_EQ(startup_failure(config, &cluster).second, "queue_full_wait_ms");
}

TEST(ProducerTopics, InvalidTopicNamesAreDroppedAndCounted)
{
    embedded_cluster cluster;
    producer prod(quiet_config(), &cluster);
    EXPECT_EQ(prod.produce("bad topic", std::nullopt, as_bytes("v")),
              produce_status::invalid_topic);
    EXPECT_EQ(prod.produce("", std::nullopt, as_bytes("v")), produce_status::invalid_topic);
    EXPECT_EQ(prod.ensure_topic("bad/topic"), topic_status::invalid_name);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.dropped_of(produce_status::invalid_topic), 2U);
    EXPECT_EQ(stats.topics, 0U);
    EXPECT_EQ(stats.queued, 0U);
}

TEST(ProducerTopics, TheTopicTableIsBounded)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.max_topics = 2;
    producer prod(config, &cluster);
    EXPECT_EQ(prod.produce("t1", std::nullopt, as_bytes("v")), produce_status::queued);
    EXPECT_EQ(prod.produce("t2", std::nullopt, as_bytes("v")), produce_status::queued);
    EXPECT_EQ(prod.produce("t3", std::nullopt, as_bytes("v")), produce_status::too_many_topics);
    EXPECT_EQ(prod.produce("t1", std::nullopt, as_bytes("v")), produce_status::queued);
    EXPECT_EQ(prod.flush(10s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.topics, 2U);
    EXPECT_EQ(stats.dropped_of(produce_status::too_many_topics), 1U);
    EXPECT_EQ(stats.delivered, 3U);
}

TEST(ProducerBackpressure, FullQueueDropsAfterOneBoundedWaitWithoutGrowth)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.queue_buffering_max_messages = 10;
    config.queue_full_wait_ms = 100;
    producer prod(config, &cluster);
    const std::string topic = "backpressure";
    ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    ASSERT_EQ(produce_n(prod, topic, 1), 1);
    ASSERT_EQ(prod.flush(5s), 0U); // connected, metadata known

    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto t0 = clock_type::now();
    EXPECT_EQ(produce_n(prod, topic, 200), 10);
    const long long elapsed = ms_since(t0);
    // One bounded wait (100 ms), then immediate drops while nothing moves.
    EXPECT_GE(elapsed, 90);
    EXPECT_LT(elapsed, 1000);
    producer_stats stats = prod.stats();
    EXPECT_EQ(stats.dropped_of(produce_status::queue_full), 190U);
    EXPECT_EQ(stats.queue_full_waits, 1U);
    EXPECT_LE(prod.outq_len(), 10U + 2U); // records plus at most a request or two

    // Broker back: the queued records go out, and produce() accepts records again.
    ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(prod.flush(10s), 0U);
    EXPECT_EQ(produce_n(prod, topic, 5), 5);
    EXPECT_EQ(prod.flush(10s), 0U);
    stats = prod.stats();
    EXPECT_EQ(stats.delivered, 16U);
    EXPECT_EQ(stats.failed_total(), 0U);
    EXPECT_EQ(stats.dropped_of(produce_status::queue_full), 190U);
}

TEST(ProducerBackpressure, ZeroWaitDropsAtOnce)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.queue_buffering_max_messages = 5;
    config.queue_full_wait_ms = 0;
    producer prod(config, &cluster);
    ASSERT_EQ(prod.ensure_topic("zero-wait"), topic_status::created);
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    const auto t0 = clock_type::now();
    EXPECT_EQ(produce_n(prod, "zero-wait", 50), 5);
    EXPECT_LT(ms_since(t0), 500);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.dropped_of(produce_status::queue_full), 45U);
    EXPECT_EQ(stats.queue_full_waits, 0U);
    prod.purge();
    EXPECT_EQ(prod.stats().failed_of(delivery_error::purged), 5U);
}

TEST(ProducerBackpressure, FlushReportsWhatWasNotDeliveredAndPurgeCountsIt)
{
    embedded_cluster cluster;
    producer prod(quiet_config(), &cluster);
    const std::string topic = "undelivered";
    ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(produce_n(prod, topic, 7), 7);
    const auto t0 = clock_type::now();
    EXPECT_GE(prod.flush(200ms), 7U);
    EXPECT_LT(ms_since(t0), 2000);
    EXPECT_EQ(prod.stats().delivered, 0U);

    prod.purge();
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.failed_of(delivery_error::purged), 7U);
    EXPECT_EQ(stats.failed_of(error_class::retriable), 7U);
    EXPECT_EQ(prod.outq_len(), 0U);
}

TEST(ProducerDelivery, MessageTimeoutIsARetriableFailure)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.message_timeout_ms = 300;
    producer prod(config, &cluster);
    const std::string topic = "timeouts";
    ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(produce_n(prod, topic, 4), 4);
    EXPECT_EQ(prod.flush(5s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.failed_of(delivery_error::timed_out), 4U);
    EXPECT_EQ(stats.failed_of(error_class::retriable), 4U);
    EXPECT_EQ(stats.last_error, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT);
    EXPECT_FALSE(stats.fatal);
}

TEST(ProducerDelivery, InjectedPermanentErrorFailsOneBatchThenRecovers)
{
    embedded_cluster cluster;
    producer prod(quiet_config(), &cluster);
    const std::string topic = "permanent";
    ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    ASSERT_EQ(produce_n(prod, topic, 3), 3);
    ASSERT_EQ(prod.flush(5s), 0U);

    // The next ProduceRequest fails with a non-retriable error: its records fail at once.
    rd_kafka_mock_push_request_errors(cluster.native(), produce_api_key, 1,
                                      RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
    ASSERT_EQ(produce_n(prod, topic, 1), 1);
    EXPECT_EQ(prod.flush(5s), 0U);
    producer_stats stats = prod.stats();
    EXPECT_EQ(stats.failed_of(delivery_error::too_large), 1U);
    EXPECT_EQ(stats.failed_of(error_class::permanent), 1U);
    EXPECT_EQ(stats.last_error, RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);

    // Injection over: the next records are delivered.
    ASSERT_EQ(produce_n(prod, topic, 5), 5);
    EXPECT_EQ(prod.flush(5s), 0U);
    stats = prod.stats();
    EXPECT_EQ(stats.delivered, 8U);
    EXPECT_EQ(stats.failed_total(), 1U);
    EXPECT_FALSE(stats.fatal);
}

TEST(ProducerDelivery, InjectedRetriableErrorsFailOnTimeoutThenRecoverWhenCleared)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.message_timeout_ms = 400;
    producer prod(config, &cluster);
    const std::string topic = "retriable";
    ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    ASSERT_EQ(produce_n(prod, topic, 2), 2);
    ASSERT_EQ(prod.flush(5s), 0U);

    // Every ProduceRequest answered NOT_ENOUGH_REPLICAS: librdkafka retries until the message
    // timeout, then reports the records failed.
    const std::vector<rd_kafka_resp_err_t> errors(2000, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
    rd_kafka_mock_push_request_errors_array(cluster.native(), produce_api_key, errors.size(),
                                            errors.data());
    ASSERT_EQ(produce_n(prod, topic, 6), 6);
    EXPECT_EQ(prod.flush(5s), 0U);
    producer_stats stats = prod.stats();
    EXPECT_EQ(stats.failed_of(error_class::retriable), 6U);
    EXPECT_EQ(stats.failed_of(error_class::permanent), 0U);
    EXPECT_EQ(stats.delivered, 2U);

    rd_kafka_mock_clear_request_errors(cluster.native(), produce_api_key);
    ASSERT_EQ(produce_n(prod, topic, 6), 6);
    EXPECT_EQ(prod.flush(5s), 0U);
    stats = prod.stats();
    EXPECT_EQ(stats.delivered, 8U);
    EXPECT_EQ(stats.failed_total(), 6U);
    EXPECT_FALSE(stats.fatal);
}

TEST(ProducerDelivery, FatalErrorStopsProducingAndIsReported)
{
    embedded_cluster cluster;
    producer prod(quiet_config(), &cluster);
    ASSERT_EQ(produce_n(prod, "fatal", 1), 1);
    ASSERT_EQ(prod.flush(5s), 0U);
    ASSERT_EQ(rd_kafka_test_fatal_error(prod.native(),
                                        RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                                        "injected by the test"),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    prod.poll(100); // serves the error event
    producer_stats stats = prod.stats();
    EXPECT_TRUE(stats.fatal);
    EXPECT_GE(stats.client_errors, 1U);
    EXPECT_TRUE(contains(prod.fatal_error(), "injected by the test")) << prod.fatal_error();
    EXPECT_EQ(prod.produce("fatal", std::nullopt, as_bytes("v")), produce_status::fatal);
    EXPECT_EQ(prod.stats().dropped_of(produce_status::fatal), 1U);
}

TEST(ProducerDelivery, AdminCreateTopicsUnansweredByTheMockTimesOutAndRecordsStillFlow)
{
    // librdkafka 2.0.2's mock cluster has no CreateTopics: a producer that treats it as a real
    // cluster gets no answer. The wait is bounded by admin_timeout_ms and records still flow
    // (the mock auto-creates the topic, with its default 4 partitions).
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.brokers = cluster.bootstrap_servers();
    config.admin_timeout_ms = 300;
    producer prod(config);
    const auto t0 = clock_type::now();
    const topic_status status = prod.ensure_topic("admin-path", topic_kind::state);
    EXPECT_LT(ms_since(t0), 3000);
    EXPECT_FALSE(usable(status)) << to_string(status);
    ASSERT_EQ(produce_n(prod, "admin-path", 3), 3);
    EXPECT_EQ(prod.flush(10s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.topic_create_failed, 1U); // not retried by the first record
    EXPECT_EQ(stats.delivered, 3U);
    EXPECT_EQ(test::partition_count(prod.native(), "admin-path"), 4);
}
