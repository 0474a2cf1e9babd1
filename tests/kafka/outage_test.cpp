// Kafka outages against librdkafka's mock cluster (issue 7, docs/reliability.md "Kafka
// faults"): every record is numbered, and after each fault the topic is read back from the
// start with a librdkafka consumer, so "no loss" means each number is in the topic exactly once
// (idempotent producer: no duplicates from retries either).
// - a broker outage shorter than the buffer (message_timeout_ms, queue bounds): zero loss;
// - an outage longer than the buffer: the records that could not be kept are counted (queue
//   full at produce(), timed out in delivery), the local queue never grows past its bound, and
//   producing recovers without a new producer once the broker is back;
// - partition leaders moved between brokers mid-stream, and the old leader then taken down:
//   zero loss;
// - injected retriable produce errors (fewer than the retries allow): zero loss.
// Loopback only; every wait is bounded. Mock API calls may take ~1 s (librdkafka 2.0.2, see
// embedded_cluster.hpp), so nothing here is timed: bounds are on counts.
#include "kafka/embedded_cluster.hpp"
#include "kafka/producer.hpp"

#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace udpn::kafka;
using namespace std::chrono_literals;

namespace {

constexpr std::int16_t produce_api_key = 0; // Kafka ProduceRequest

using test::quiet_config;

/// Produces records "rec-<first>" .. "rec-<first + n - 1>" (key and value), polling as the
/// producer thread does; records the largest outq_len() seen. @return how many were queued.
int produce_numbered(producer& prod, const std::string& topic, int first, int n,
                     std::size_t& max_outq);

/// Takes \p topic's handle (creating it when \p create), then delivers records 0..n-1 to it
/// while every broker is up.
void prime(producer& prod, const std::string& topic, int n, std::size_t& max_outq,
           bool create = true)
{
    if (create) {
        ASSERT_EQ(prod.ensure_topic(topic), topic_status::created);
    } else {
        (void)prod.ensure_topic(topic); // exists already
    }
    ASSERT_EQ(produce_numbered(prod, topic, 0, n, max_outq), n);
    ASSERT_EQ(prod.flush(10s), 0U);
}

/// Produces records "rec-<first>" .. "rec-<first + n - 1>" (key and value), polling as the
/// producer thread does; records the largest outq_len() seen. @return how many were queued.
int produce_numbered(producer& prod, const std::string& topic, int first, int n,
                     std::size_t& max_outq)
{
    int queued = 0;
    for (int i = first; i < first + n; ++i) {
        const std::string v = "rec-" + std::to_string(i);
        if (prod.produce(topic, as_bytes(v), as_bytes(v)) == produce_status::queued) {
            ++queued;
        }
        if (i % 16 == 0) {
            (void)prod.poll(0);
        }
        max_outq = std::max(max_outq, prod.outq_len());
    }
    (void)prod.poll(0);
    return queued;
}

/// How often each value occurs in \p topic (read from the start, \p expected records awaited).
std::map<std::string, int> read_back(const embedded_cluster& cluster, const std::string& topic,
                                     int n_partitions, std::size_t expected)
{
    std::map<std::string, int> seen;
    for (const auto& r : test::consume_all(cluster.bootstrap_servers(), topic, n_partitions,
                                           expected, 20s, 500ms)) {
        ++seen[r.value.value_or("(null)")];
    }
    return seen;
}

/// Values of \p seen that occur more than once.
std::vector<std::string> duplicates_in(const std::map<std::string, int>& seen)
{
    std::vector<std::string> d;
    for (const auto& [v, n] : seen) {
        if (n != 1) {
            d.push_back(v + " x" + std::to_string(n));
        }
    }
    return d;
}

/// Expects every record of [first, first + n) exactly once in \p seen.
void expect_each_once(const std::map<std::string, int>& seen, int first, int n)
{
    int missing = 0;
    for (int i = first; i < first + n; ++i) {
        const auto it = seen.find("rec-" + std::to_string(i));
        missing += it == seen.end() ? 1 : 0;
    }
    EXPECT_EQ(missing, 0) << "of records " << first << ".." << first + n - 1;
}

/// Sleeps \p total while serving delivery reports (the producer thread's idle loop).
void poll_for(producer& prod, std::chrono::milliseconds total)
{
    const auto end = std::chrono::steady_clock::now() + total;
    while (std::chrono::steady_clock::now() < end) {
        (void)prod.poll(10);
    }
}

} // namespace

TEST(KafkaOutage, OutageShorterThanTheBufferLosesNothing)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.message_timeout_ms = 30'000; // the buffer in time: far longer than the outage
    config.queue_buffering_max_messages = 10'000;
    producer prod(config, &cluster);
    const std::string topic = "short-outage";
    std::size_t max_outq = 0;
    prime(prod, topic, 200, max_outq);
    ASSERT_EQ(prod.stats().delivered, 200U);

    // Broker down for about 1.5 s while 1000 more records are produced; then back.
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int burst = 0; burst < 10; ++burst) {
        EXPECT_EQ(produce_numbered(prod, topic, 200 + burst * 100, 100, max_outq), 100);
        poll_for(prod, 100ms);
    }
    const producer_stats during = prod.stats();
    EXPECT_LT(during.delivered, 1200U) << "the broker was not down";
    ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);

    EXPECT_EQ(prod.flush(20s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.queued, 1200U);
    EXPECT_EQ(stats.delivered, 1200U);
    EXPECT_EQ(stats.failed_total(), 0U);
    EXPECT_FALSE(stats.fatal);
    EXPECT_LE(max_outq, 10'000U + 16U);
    std::printf("short outage: 1000 records produced while down, delivered during %llu, after "
                "recovery %llu of 1200, largest outq_len %zu\n",
                static_cast<unsigned long long>(during.delivered),
                static_cast<unsigned long long>(stats.delivered), max_outq);

    const auto seen = read_back(cluster, topic, config.embedded_partitions, 1200);
    expect_each_once(seen, 0, 1200);
    EXPECT_TRUE(duplicates_in(seen).empty()) << duplicates_in(seen).front();
    EXPECT_EQ(seen.size(), 1200U);
}

TEST(KafkaOutage, OutageLongerThanTheBufferCountsDropsStaysBoundedAndRecovers)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.message_timeout_ms = 500;            // records older than this fail (timed out)
    config.queue_buffering_max_messages = 100;  // the buffer in records
    config.queue_full_wait_ms = 0;              // a full queue drops at once
    producer prod(config, &cluster);
    const std::string topic = "long-outage";
    std::size_t max_outq = 0;
    prime(prod, topic, 50, max_outq);

    // Down for well over message_timeout_ms, 3000 records offered meanwhile.
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    int queued_during = 0;
    for (int burst = 0; burst < 15; ++burst) {
        queued_during += produce_numbered(prod, topic, 50 + burst * 200, 200, max_outq);
        poll_for(prod, 100ms);
    }
    poll_for(prod, 700ms); // the last ones time out too
    const producer_stats down = prod.stats();
    // Bounded: the local queue never held more than its cap (plus a request or two).
    EXPECT_LE(max_outq, 100U + 4U);
    // Every offered record is accounted for: queued, or dropped as queue_full; every queued
    // one failed as timed out (nothing could be delivered).
    EXPECT_EQ(static_cast<std::uint64_t>(queued_during) +
                  down.dropped_of(produce_status::queue_full),
              3000U);
    EXPECT_GT(down.dropped_of(produce_status::queue_full), 0U);
    EXPECT_GT(down.failed_of(delivery_error::timed_out), 0U);
    EXPECT_EQ(down.delivered, 50U);
    EXPECT_FALSE(down.fatal);
    std::printf("long outage: offered 3000, queued %d, dropped queue_full %llu, timed out %llu, "
                "largest outq_len %zu (cap 100)\n",
                queued_during,
                static_cast<unsigned long long>(down.dropped_of(produce_status::queue_full)),
                static_cast<unsigned long long>(down.failed_of(delivery_error::timed_out)),
                max_outq);

    // Back up: the same producer delivers again (no restart), and what was accepted before
    // the outage or after it is all in the topic.
    ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster.native(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(prod.flush(20s), 0U);
    const producer_stats settled = prod.stats();
    // Each record accepted during the outage ended as delivered (it was still in flight when
    // the broker came back) or as a counted failure: nothing vanished.
    EXPECT_EQ(settled.delivered - 50U + settled.failed_total(),
              static_cast<std::uint64_t>(queued_during));
    EXPECT_EQ(settled.failed_total(), settled.failed_of(delivery_error::timed_out));

    bool recovered = false;
    for (int attempt = 0; attempt < 20 && !recovered; ++attempt) {
        // librdkafka reconnects on its own; the first records after "up" may still meet the
        // reconnect backoff, hence a few rounds (bounded).
        const auto before = prod.stats();
        ASSERT_EQ(produce_numbered(prod, topic, 10'000 + attempt * 100, 100, max_outq), 100);
        EXPECT_EQ(prod.flush(20s), 0U);
        const auto after = prod.stats();
        recovered = after.delivered - before.delivered == 100U;
    }
    EXPECT_TRUE(recovered);
    const producer_stats final_stats = prod.stats();
    const std::size_t in_topic = final_stats.delivered;
    const auto seen = read_back(cluster, topic, config.embedded_partitions, in_topic);
    expect_each_once(seen, 0, 50);
    EXPECT_EQ(seen.size(), in_topic) << "the topic holds exactly the delivered records";
    EXPECT_TRUE(duplicates_in(seen).empty()) << duplicates_in(seen).front();
}

TEST(KafkaOutage, LeaderChangesAndTheOldLeaderGoingDownLoseNothing)
{
    embedded_cluster cluster(3);
    kafka_config config = quiet_config();
    config.message_timeout_ms = 30'000;
    config.embedded_partitions = 3;
    const std::string topic = "leader-moves";
    ASSERT_EQ(cluster.create_topic(topic, 3, 3), topic_status::created);
    producer prod(config, &cluster);
    std::size_t max_outq = 0;
    prime(prod, topic, 300, max_outq, false);

    // Every partition's leader moves to broker 2, then to broker 3, records flowing between
    // the moves; then broker 2 goes down while broker 3 leads.
    int next = 300;
    for (const std::int32_t leader : {2, 3}) {
        for (std::int32_t p = 0; p < 3; ++p) {
            ASSERT_EQ(rd_kafka_mock_partition_set_leader(cluster.native(), topic.c_str(), p,
                                                         leader),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
            ASSERT_EQ(produce_numbered(prod, topic, next, 200, max_outq), 200);
            next += 200;
            poll_for(prod, 50ms);
        }
    }
    ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.native(), 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(produce_numbered(prod, topic, next, 300, max_outq), 300);
    next += 300;
    EXPECT_EQ(prod.flush(20s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.delivered, static_cast<std::uint64_t>(next));
    EXPECT_EQ(stats.failed_total(), 0U);

    const auto seen = read_back(cluster, topic, 3, static_cast<std::size_t>(next));
    expect_each_once(seen, 0, next);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(next));
    EXPECT_TRUE(duplicates_in(seen).empty()) << duplicates_in(seen).front();
}

TEST(KafkaOutage, TransientProduceErrorsAreRetriedWithoutLoss)
{
    embedded_cluster cluster;
    kafka_config config = quiet_config();
    config.message_timeout_ms = 30'000;
    producer prod(config, &cluster);
    const std::string topic = "transient-errors";
    std::size_t max_outq = 0;
    prime(prod, topic, 100, max_outq);

    // The next eight ProduceRequests fail with retriable errors; librdkafka retries them.
    const std::vector<rd_kafka_resp_err_t> errors = {
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,      RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS};
    rd_kafka_mock_push_request_errors_array(cluster.native(), produce_api_key, errors.size(),
                                            errors.data());
    for (int burst = 0; burst < 8; ++burst) {
        ASSERT_EQ(produce_numbered(prod, topic, 100 + burst * 50, 50, max_outq), 50);
        poll_for(prod, 20ms);
    }
    EXPECT_EQ(prod.flush(20s), 0U);
    const producer_stats stats = prod.stats();
    EXPECT_EQ(stats.delivered, 500U);
    EXPECT_EQ(stats.failed_total(), 0U);

    const auto seen = read_back(cluster, topic, config.embedded_partitions, 500);
    expect_each_once(seen, 0, 500);
    EXPECT_EQ(seen.size(), 500U);
    EXPECT_TRUE(duplicates_in(seen).empty()) << duplicates_in(seen).front();
}
