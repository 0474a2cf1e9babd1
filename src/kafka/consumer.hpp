/// \file
/// A librdkafka consumer for the consumer-side tools (udpnotif-consume; PROTOCOL.md §6 steps
/// 9-12, §10): either a group subscription to topics and `^regex` patterns (librdkafka matches
/// patterns against the cluster's topics and picks up new ones), or a manual assignment of one
/// partition (the consumer that computes murmur2(key) mod N itself). Not used by the receiver.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct rd_kafka_s;

namespace udpn::kafka {

/// Where a consumer without a committed offset starts (auto.offset.reset / manual offset).
enum class start_at : std::uint8_t { beginning, end };

/// Settings of a consumer.
struct consumer_config {
    std::string brokers;                    ///< bootstrap.servers, host:port,...
    std::string group = "udpnotif-consume"; ///< group.id (subscriptions commit under it)
    start_at start = start_at::beginning;
    bool commit = false; ///< enable.auto.commit: false leaves the group's offsets as they were
    /// Any other librdkafka property, applied last (may override the above).
    std::vector<std::pair<std::string, std::string>> properties;
};

/// One record, copied out of librdkafka.
struct consumed {
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::optional<std::string> key;                           ///< nullopt: null key
    std::optional<std::string> value;                         ///< nullopt: null value (tombstone)
    std::vector<std::pair<std::string, std::string>> headers; ///< in record order
    std::int64_t timestamp_ms = -1;                           ///< record timestamp, -1 when none
};

/// What poll() returned.
struct poll_result {
    std::optional<consumed> record; ///< a record, or nothing
    /// A consumer error librdkafka reported instead (unknown topic, broker down, ...): text,
    /// empty when none. Partition EOF is not an error and is not reported.
    std::string error;
    bool fatal = false; ///< the error is fatal: the consumer cannot go on
};

/// A librdkafka consumer. One thread; neither copyable nor movable.
class consumer {
  public:
    /// Builds the client. Throws startup_error naming the property librdkafka rejected.
    explicit consumer(const consumer_config& config);
    /// Closes the consumer (leaves the group) and destroys it.
    ~consumer();
    consumer(const consumer&) = delete;
    consumer& operator=(const consumer&) = delete;

    /// Group subscription to \p topics; a name starting with `^` is a regular expression.
    /// Throws startup_error with librdkafka's reason.
    void subscribe(const std::vector<std::string>& topics);

    /// Reads only \p partition of \p topic from the configured start (no group membership).
    /// Throws startup_error with librdkafka's reason.
    void assign(const std::string& topic, std::int32_t partition);

    /// Partition count of \p topic from the cluster's metadata, waiting up to \p timeout;
    /// nullopt when the topic does not exist or the cluster did not answer. Thread: the owner.
    [[nodiscard]] std::optional<std::int32_t> partition_count(const std::string& topic,
                                                              std::chrono::milliseconds timeout);

    /// Waits up to \p timeout for the next record or error.
    [[nodiscard]] poll_result poll(std::chrono::milliseconds timeout);

  private:
    rd_kafka_s* _rk = nullptr;
    start_at _start;
};

} // namespace udpn::kafka
