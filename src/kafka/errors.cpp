#include "kafka/errors.hpp"

#include <librdkafka/rdkafka.h>

namespace udpn::kafka {

const char* to_string(produce_status s) noexcept
{
    switch (s) {
    case produce_status::queued: return "queued";
    case produce_status::queue_full: return "queue_full";
    case produce_status::too_large: return "too_large";
    case produce_status::unknown_topic: return "unknown_topic";
    case produce_status::not_authorized: return "not_authorized";
    case produce_status::invalid_topic: return "invalid_topic";
    case produce_status::too_many_topics: return "too_many_topics";
    case produce_status::fatal: return "fatal";
    case produce_status::error: return "error";
    }
    return "unknown";
}

const char* to_string(error_class c) noexcept
{
    switch (c) {
    case error_class::retriable: return "retriable";
    case error_class::permanent: return "permanent";
    case error_class::fatal: return "fatal";
    }
    return "unknown";
}

const char* to_string(delivery_error e) noexcept
{
    switch (e) {
    case delivery_error::timed_out: return "timed_out";
    case delivery_error::purged: return "purged";
    case delivery_error::too_large: return "too_large";
    case delivery_error::unknown_topic: return "unknown_topic";
    case delivery_error::not_authorized: return "not_authorized";
    case delivery_error::broker_retriable: return "broker_retriable";
    case delivery_error::broker_permanent: return "broker_permanent";
    case delivery_error::local: return "local";
    case delivery_error::fatal: return "fatal";
    }
    return "unknown";
}

const char* to_string(topic_status s) noexcept
{
    switch (s) {
    case topic_status::created: return "created";
    case topic_status::exists: return "exists";
    case topic_status::not_attempted: return "not_attempted";
    case topic_status::invalid_name: return "invalid_name";
    case topic_status::invalid_partitions: return "invalid_partitions";
    case topic_status::failed: return "failed";
    case topic_status::timed_out: return "timed_out";
    }
    return "unknown";
}

error_class class_of(delivery_error e) noexcept
{
    switch (e) {
    case delivery_error::timed_out:
    case delivery_error::purged:
    case delivery_error::unknown_topic:
    case delivery_error::broker_retriable:
    case delivery_error::local: return error_class::retriable;
    case delivery_error::too_large:
    case delivery_error::not_authorized:
    case delivery_error::broker_permanent: return error_class::permanent;
    case delivery_error::fatal: return error_class::fatal;
    }
    return error_class::permanent;
}

namespace {

// Broker errors the Kafka protocol documents as retriable (the Java client's
// RetriableException subclasses); librdkafka retries these itself before it reports a failure,
// so reaching a delivery report means the retries (or message.timeout.ms) ran out.
bool broker_error_is_retriable(rd_kafka_resp_err_t err) noexcept
{
    switch (err) {
    case RD_KAFKA_RESP_ERR_INVALID_MSG: // CORRUPT_MESSAGE
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
    case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
    case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
    case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_PREFERRED_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
    case RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS: return true;
    default: return false;
    }
}

} // namespace

delivery_error classify_delivery_error(int rd_kafka_err, bool producer_fatal) noexcept
{
    const auto err = static_cast<rd_kafka_resp_err_t>(rd_kafka_err);
    if (producer_fatal || err == RD_KAFKA_RESP_ERR__FATAL) {
        return delivery_error::fatal;
    }
    switch (err) {
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE: return delivery_error::timed_out;
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT: return delivery_error::purged;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE: return delivery_error::too_large;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART: return delivery_error::unknown_topic;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL: return delivery_error::not_authorized;
    default: break;
    }
    if (rd_kafka_err < 0) {
        return delivery_error::local;
    }
    return broker_error_is_retriable(err) ? delivery_error::broker_retriable
                                          : delivery_error::broker_permanent;
}

} // namespace udpn::kafka
