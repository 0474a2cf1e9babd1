/// \file
/// What can happen to a record on its way to Kafka, as values (STYLE.md §4.5, §4.6):
/// produce() verdicts, delivery failure reasons with their fatal / retriable / permanent class,
/// topic creation outcomes; and the one exception type of this module, thrown at start-up only.
/// librdkafka's own codes (`rd_kafka_resp_err_t`, negative = local, positive = broker) are
/// mapped onto these in producer.cpp; the raw code is kept as `last_error` for diagnostics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace udpn::kafka {

/// Verdict of producer::produce(). Every value other than `queued` means the record was
/// dropped and counted (producer_stats::dropped).
enum class produce_status : std::uint8_t {
    queued,          ///< enqueued in librdkafka; its delivery report comes later through poll()
    queue_full,      ///< local queue stayed full for the bounded wait (queue_full_wait_ms)
    too_large,       ///< the record exceeds message.max.bytes
    unknown_topic,   ///< librdkafka knows the topic / partition does not exist in the cluster
    not_authorized,  ///< the cluster refused this topic (TOPIC_/CLUSTER_AUTHORIZATION_FAILED);
                     ///< librdkafka keeps refusing locally until its next metadata refresh
    invalid_topic,   ///< not a legal Kafka topic name (empty, > 249 chars, bad characters)
    too_many_topics, ///< kafka_config::max_topics distinct topics are already in use
    fatal,           ///< the producer raised a fatal error (e.g. idempotence lost): recreate it
    error,           ///< any other local error (out of memory, invalid argument)
};

inline constexpr std::size_t n_produce_statuses = 9;

/// Stable snake_case name of \p s. Thread: any.
[[nodiscard]] const char* to_string(produce_status s) noexcept;

/// How to react to a failed delivery (STYLE.md §2.4: fatal / retriable classification).
enum class error_class : std::uint8_t {
    retriable, ///< transient: producing the same record again later may succeed
    permanent, ///< this record will never be accepted (too large, not authorized, invalid)
    fatal,     ///< the producer instance is unusable (rd_kafka_fatal_error() is set)
};

inline constexpr std::size_t n_error_classes = 3;

/// Stable snake_case name of \p c. Thread: any.
[[nodiscard]] const char* to_string(error_class c) noexcept;

/// Why librdkafka reported a record as not delivered (delivery report error), grouped.
enum class delivery_error : std::uint8_t {
    timed_out,        ///< message.timeout.ms passed before an acknowledgement (__MSG_TIMED_OUT)
    purged,           ///< purged from the queue or in flight by purge() / shutdown
    too_large,        ///< the broker or the client refused its size (MSG_SIZE_TOO_LARGE, ...)
    unknown_topic,    ///< topic or partition unknown to the cluster
    not_authorized,   ///< topic / cluster authorization failed, SASL / SSL failure
    broker_retriable, ///< another broker error that Kafka marks retriable (leader moved, ...)
    broker_permanent, ///< another broker error (invalid record, policy violation, ...)
    local,            ///< another local (client side) error
    fatal,            ///< failed because the producer is in a fatal state
};

inline constexpr std::size_t n_delivery_errors = 9;

/// Stable snake_case name of \p e. Thread: any.
[[nodiscard]] const char* to_string(delivery_error e) noexcept;

/// The class a delivery_error belongs to when the producer is not in a fatal state.
/// Thread: any.
[[nodiscard]] error_class class_of(delivery_error e) noexcept;

/// Groups a librdkafka error code (`rd_kafka_resp_err_t` as int: negative local, positive
/// broker) into a delivery_error. \p producer_fatal: rd_kafka_fatal_error() was set, which wins
/// over the code. Thread: any.
[[nodiscard]] delivery_error classify_delivery_error(int rd_kafka_err,
                                                     bool producer_fatal) noexcept;

/// Outcome of creating a topic (embedded_cluster::create_topic, producer::ensure_topic).
enum class topic_status : std::uint8_t {
    created,            ///< the topic was created now
    exists,             ///< it existed already (partition count left as it is)
    not_attempted,      ///< creation is disabled (kafka_config::create_topics = false)
    invalid_name,       ///< not a legal Kafka topic name
    invalid_partitions, ///< partitions < 1 (embedded) or < -1, or replication factor invalid
    failed,             ///< the cluster refused or the request failed (see producer last_error)
    timed_out,          ///< no answer within kafka_config::admin_timeout_ms
};

inline constexpr std::size_t n_topic_statuses = 7;

/// Stable snake_case name of \p s. Thread: any.
[[nodiscard]] const char* to_string(topic_status s) noexcept;

/// True when the topic can be produced to after this outcome as far as creation goes
/// (created, exists, not_attempted). Thread: any.
[[nodiscard]] constexpr bool usable(topic_status s) noexcept
{
    return s == topic_status::created || s == topic_status::exists ||
           s == topic_status::not_attempted;
}

/// A start-up failure of this module: a bad configuration value, a librdkafka property it
/// rejected, a secret file that cannot be read, a client or mock cluster that cannot be
/// created. what() is a complete sentence for the operator; property() names the offending
/// configuration entry when there is one (librdkafka property name as the user wrote it, or
/// a kafka_config field name). Thrown by constructors and config functions only, never on
/// the data path.
class startup_error : public std::runtime_error {
  public:
    /// \p property may be empty when no single property is at fault. Thread: start-up.
    startup_error(std::string property, const std::string& message)
        : std::runtime_error(message), _property(std::move(property))
    {
    }

    /// The configuration entry at fault, or empty. Thread: any.
    [[nodiscard]] const std::string& property() const noexcept { return _property; }

  private:
    std::string _property;
};

} // namespace udpn::kafka
