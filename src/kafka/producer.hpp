/// \file
/// The Kafka producer of one producer thread (DESIGN.md §2, §4; STYLE.md §2.4): a librdkafka
/// producer built once from kafka_config, produce() in bursts, poll(0) after each burst to
/// serve delivery reports into counters, flush() at shutdown.
///
/// Per record, produce():
/// - looks the topic handle up in a table of handles (one rd_kafka_topic_new per topic name,
///   ever; heterogeneous lookup, so no string is built per record);
/// - adds the `content-type` header (kafka_config::content_type) and the caller's extra
///   headers, through an rd_kafka_headers_t handed to rd_kafka_producev (RD_KAFKA_V_HEADERS:
///   the same object librdkafka builds for RD_KAFKA_V_HEADER, but with a header count known
///   only at run time);
/// - lets librdkafka pick the partition with the configured partitioner (murmur2_random by
///   default, PROTOCOL.md §10);
/// - copies key and value (RD_KAFKA_MSG_F_COPY): the caller's buffers are free again when
///   produce() returns, whatever the verdict. A zero-copy variant (RD_KAFKA_MSG_F_FREE or a
///   buffer returned to its owner from the delivery report) is not done yet; the copy is
///   memcpy into the message allocation librdkafka makes anyway.
/// librdkafka allocates per record (message, copy, header list); this code adds no allocation
/// in steady state (a topic's first record allocates its table entry once).
///
/// Backpressure is bounded (DESIGN.md §2 "nothing is unbounded"): librdkafka holds at most
/// queue.buffering.max.messages / .kbytes; when full, produce() serves delivery reports for up
/// to queue_full_wait_ms, then drops the record and counts it. After a wait ran out, records
/// are dropped at once until the next delivery report shows that the queue moves.
#pragma once

#include "common/bytes.hpp"
#include "kafka/config.hpp"
#include "kafka/errors.hpp"
#include "kafka/stats.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

// librdkafka's handles, kept opaque so that users of this header need no rdkafka include.
struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_message_s;

namespace udpn::kafka {

class embedded_cluster;

/// One extra record header. Both views need only live during produce() (headers are copied).
struct header {
    std::string_view name; ///< header key (not NUL-terminated)
    byte_span value;       ///< header value bytes
};

/// The bytes of \p text, for keys, values and header values held as text. Thread: any.
[[nodiscard]] inline byte_span as_bytes(std::string_view text) noexcept
{
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// A librdkafka producer and its counters. Owned and used by one producer thread; only
/// stats() may be called from another thread. Neither copyable nor movable (librdkafka's
/// callbacks hold its address).
class producer {
  public:
    /// Builds the producer: validate(config), then every property of
    /// librdkafka_properties() set with rd_kafka_conf_set (`@FILE` values read then), then
    /// rd_kafka_new. \p cluster is the embedded cluster to use when is_embedded(config)
    /// (required then; ignored for a real cluster). A null-sink config (is_null()) is refused
    /// with startup_error. Throws startup_error whose what() names
    /// the property librdkafka rejected (and the kafka_config field it came from), with
    /// librdkafka's reason; secret values are never printed. Connects lazily: a cluster that
    /// is down shows up as delivery failures, not here. Thread: start-up.
    explicit producer(const kafka_config& config, embedded_cluster* cluster = nullptr);

    /// Purges what is still queued (counted as delivery_error::purged) and destroys the
    /// client. Call flush() first to deliver it. Destroy producers before their
    /// embedded_cluster. Thread: the owner.
    ~producer();
    producer(const producer&) = delete;
    producer& operator=(const producer&) = delete;

    /// Queues one record for \p topic. \p key: nullopt sends a null key (random sticky
    /// partition); an empty span sends an empty, non-null key (hashed like any key). \p value:
    /// empty sends a null value (a tombstone on compacted topics). \p headers are added after
    /// `content-type`. Key, value and headers are copied before return.
    /// A topic's first record creates its handle and, when enabled, the topic itself (see
    /// ensure_topic(): a control-path wait, once per topic).
    /// @return produce_status::queued, or why the record was dropped (counted in
    ///         stats().dropped). May block up to queue_full_wait_ms on a full queue, serving
    ///         delivery reports meanwhile. Never throws.
    /// Thread: the producer thread.
    [[nodiscard]] produce_status produce(std::string_view topic, std::optional<byte_span> key,
                                         byte_span value,
                                         std::span<const header> headers = {}) noexcept;

    /// Serves queued delivery reports and error events into the counters, waiting up to
    /// \p timeout_ms (0: do not wait) for the first one. Call poll(0) after every burst.
    /// @return the number of events served. Thread: the producer thread.
    int poll(int timeout_ms = 0) noexcept;

    /// Waits up to \p timeout for every queued and in-flight record to be delivered or to fail,
    /// serving their delivery reports. For shutdown.
    /// @return what is still not done (rd_kafka_outq_len: records queued or in flight, plus
    ///         pending requests); 0 means everything was reported. Thread: the producer thread.
    [[nodiscard]] std::size_t flush(std::chrono::milliseconds timeout) noexcept;

    /// Drops every queued and in-flight record now and serves their delivery reports (each
    /// counted as delivery_error::purged). For shutdown after a flush() that timed out.
    /// Thread: the producer thread.
    void purge() noexcept;

    /// Records queued or in flight, plus pending requests (rd_kafka_outq_len). Thread: any.
    [[nodiscard]] std::size_t outq_len() const noexcept;

    /// Creates \p topic for this producer's cluster: embedded through the mock API with
    /// embedded_partitions; a real cluster with CreateTopics (topic_partitions,
    /// topic_replication_factor, cleanup.policy=state_cleanup_policy for topic_kind::state),
    /// waiting up to admin_timeout_ms; not_attempted when create_topics is off. An existing
    /// topic is left as it is (topic_status::exists). Counted in topics_created /
    /// topic_create_failed. Also takes the topic's handle (counted against max_topics), so
    /// its first record does not try again. Blocks (embedded: about a millisecond, see
    /// embedded_cluster::create_topic(); real cluster: up to admin_timeout_ms): call it when a
    /// topic becomes known (subscription start), not per record. librdkafka 2.0.2 against the
    /// mock cluster used as an external cluster (udpnotif-broker): CreateTopics is not
    /// answered, so this returns timed_out after admin_timeout_ms; set create_topics = false
    /// there.
    /// Thread: the producer thread.
    [[nodiscard]] topic_status ensure_topic(std::string_view topic,
                                            topic_kind kind = topic_kind::data) noexcept;

    /// A copy of the counters. Thread: any.
    [[nodiscard]] producer_stats stats() const noexcept { return _counters.snapshot(); }

    /// librdkafka's text for the fatal error, empty when there is none. Thread: any.
    [[nodiscard]] std::string fatal_error() const;

    /// The reason text of the latest error event (error callback), empty when none.
    /// Thread: the producer thread.
    [[nodiscard]] std::string_view last_error_reason() const noexcept
    {
        return std::string_view(_last_reason.data());
    }

    /// The bootstrap.servers this producer uses (the mock cluster's when embedded).
    /// Thread: any.
    [[nodiscard]] const std::string& bootstrap_servers() const noexcept { return _bootstrap; }

    /// The librdkafka handle, for tests and metadata queries. Thread: the producer thread.
    [[nodiscard]] rd_kafka_s* native() const noexcept { return _rk; }

  private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            return std::hash<std::string_view>{}(s);
        }
    };

    static void on_delivery(rd_kafka_s* rk, const rd_kafka_message_s* msg, void* opaque);
    static void on_error(rd_kafka_s* rk, int err, const char* reason, void* opaque);

    [[nodiscard]] produce_status add_topic(std::string_view topic, rd_kafka_topic_s*& rkt,
                                           bool create) noexcept;
    [[nodiscard]] topic_status create_topic(std::string_view topic, topic_kind kind) noexcept;
    [[nodiscard]] topic_status create_with_admin_api(const std::string& topic,
                                                     topic_kind kind) noexcept;
    produce_status drop(produce_status s) noexcept;

    kafka_config _config;
    embedded_cluster* _cluster = nullptr; // only when embedded
    std::string _bootstrap;
    rd_kafka_s* _rk = nullptr;
    std::unordered_map<std::string, rd_kafka_topic_s*, string_hash, std::equal_to<>> _topics;
    producer_counters _counters;
    bool _congested = false; // a queue-full wait ran out and no delivery report came since
    std::array<char, 256> _last_reason{};
};

} // namespace udpn::kafka
