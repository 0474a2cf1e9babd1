/// \file
/// Knobs of the kafka module (DESIGN.md §4, STYLE.md §4.10): where the records go (a real
/// cluster, or librdkafka's mock cluster started in-process), the producer's batching and
/// bounded buffering, the partitioner (PROTOCOL.md §10), topic auto-creation, and any other
/// librdkafka property passed through by name. Plain data with in-class defaults;
/// validate() runs once at start-up, and librdkafka checks every property again (with its
/// own message) when the producer is created.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::kafka {

/// The `brokers` value that starts librdkafka's mock cluster in-process (the default).
inline constexpr std::string_view embedded_brokers_value = "embedded";

/// The `brokers` value of the null sink: the pipeline runs without Kafka (no producer, no
/// embedded cluster); its producer threads count each record and its bytes and drop it. For
/// load benchmarks of the receiver alone.
inline constexpr std::string_view null_brokers_value = "null";

/// One librdkafka configuration property, `name=value`.
struct property {
    /// librdkafka property name, e.g. `security.protocol` (CONFIGURATION.md of librdkafka).
    std::string name;
    /// The value as written. A value starting with `@` names a file whose content (trimmed of
    /// leading and trailing whitespace) is the real value, for secrets (`sasl.password=@/run/
    /// secrets/kafka`); `@@` stands for a literal leading `@`. See resolve_value().
    std::string value;
    /// The kafka_config field this entry was made from, or nullptr for a pass-through property.
    /// Only used to name the field in start-up errors.
    const char* field = nullptr;
};

/// What a topic holds, which decides how it is created (kafka_config::state_cleanup_policy).
enum class topic_kind : std::uint8_t {
    data,  ///< telemetry records (statistics, state changes): the broker's retention policy
    state, ///< current state keyed by the message key: created with cleanup.policy=compact
};

/// Configuration of the Kafka side: one struct for the embedded cluster, every producer and
/// topic creation. Copied into each component at construction.
struct kafka_config {
    /// Bootstrap servers (`host:port[,host:port...]`) of a real cluster, `embedded` (the
    /// default) to start librdkafka's mock cluster in this process, for demos and tests, or
    /// `null` for the null sink (records counted and dropped, no Kafka at all; benchmarks).
    std::string brokers{embedded_brokers_value};
    /// librdkafka `client.id`, shown in broker logs and quotas.
    std::string client_id = "udpnotif-receiver";
    /// Embedded only: number of mock brokers (ids 1..N), each listening on 127.0.0.1 on a port
    /// the kernel picks (librdkafka 2.0.2 has no way to choose it). 1..64.
    int embedded_brokers = 1;
    /// Embedded only: partitions of every topic created in the mock cluster. 1..10000.
    int embedded_partitions = 12;
    /// librdkafka `partitioner`. `murmur2_random` (default) hashes the key like the Java client,
    /// so a consumer can compute a key's partition (PROTOCOL.md §10); a null key goes to a
    /// random (sticky) partition.
    std::string partitioner = "murmur2_random";
    /// librdkafka `enable.idempotence`: no duplicates or reordering from producer retries
    /// (forces acks=all and max.in.flight <= 5).
    bool idempotence = true;
    /// librdkafka `compression.codec`: none, gzip, snappy, lz4 or zstd.
    std::string compression_codec = "lz4";
    /// librdkafka `linger.ms`: how long a batch may wait to fill up, in milliseconds.
    int linger_ms = 5;
    /// librdkafka `batch.size`: maximum bytes of one message batch (per partition).
    int batch_size = 1'000'000;
    /// librdkafka `batch.num.messages`: maximum records in one message batch.
    int batch_num_messages = 10'000;
    /// librdkafka `queue.buffering.max.messages`: records the producer may hold (queued and in
    /// flight) before produce() sees a full queue. The bound on buffered records.
    int queue_buffering_max_messages = 100'000;
    /// librdkafka `queue.buffering.max.kbytes`: the same bound in KiB of record payload
    /// (256 MiB by default; librdkafka's own default is 1 GiB).
    int queue_buffering_max_kbytes = 262'144;
    /// librdkafka `message.timeout.ms`: a record not acknowledged within this time fails with
    /// delivery_error::timed_out (0 = retry for ever, not recommended: the queue stays full).
    int message_timeout_ms = 60'000;
    /// How long produce() serves delivery reports waiting for room when the local queue is
    /// full, in milliseconds, before it drops the record (produce_status::queue_full). After one
    /// wait expired, later records are dropped at once until a delivery report frees room, so
    /// a dead cluster costs one wait, not one per record. 0 = drop at once. 0..60000.
    int queue_full_wait_ms = 50;
    /// Value of the `content-type` header of every record; empty = no such header.
    std::string content_type = "application/yang-data+json";
    /// Most distinct topic names one producer keeps handles for; a record for one more is
    /// dropped (produce_status::too_many_topics). Bounds the topic table. >= 1.
    std::size_t max_topics = 4096;
    /// Create a topic before its first record: embedded through the mock API (the mock cluster
    /// has no CreateTopics); a real cluster through the Admin API CreateTopics ("already exists"
    /// is fine). false: rely on the cluster's auto.create.topics.enable or on topics made by
    /// hand. The embedded cluster always creates topics (it must, to honour
    /// embedded_partitions).
    bool create_topics = true;
    /// Real cluster: partitions of created topics; -1 = the broker's num.partitions.
    int topic_partitions = -1;
    /// Real cluster: replication factor of created topics; -1 = the broker's default. Embedded:
    /// capped at embedded_brokers.
    int topic_replication_factor = -1;
    /// cleanup.policy of created topic_kind::state topics (real cluster only; the mock cluster
    /// keeps no topic configuration): compact, delete, "compact,delete", or empty (broker
    /// default).
    std::string state_cleanup_policy = "compact";
    /// Longest wait for a CreateTopics answer, in milliseconds. A topic's first record waits
    /// for it once (control path, not per record). >= 1.
    int admin_timeout_ms = 10'000;
    /// Any other librdkafka property, applied after the fields above (so they win over them):
    /// security (security.protocol, sasl.*, ssl.*), acks, retries, statistics, debug, ...
    /// Values may name secret files: see property::value.
    std::vector<property> properties;
};

/// True when \p config asks for the in-process mock cluster. Thread: any.
[[nodiscard]] bool is_embedded(const kafka_config& config) noexcept;

/// True when \p config asks for the null sink (brokers = `null`): no Kafka client is made;
/// kafka::producer refuses such a config. Thread: any.
[[nodiscard]] bool is_null(const kafka_config& config) noexcept;

/// Checks the fields that librdkafka does not check itself (ranges of our own knobs, empty
/// names). Throws startup_error naming the field. Thread: start-up.
void validate(const kafka_config& config);

/// Parses `name=value` (as given on a command line or in a config file) into a property; the
/// value may be empty, the name may not. Throws startup_error. Thread: any.
[[nodiscard]] property parse_property(std::string_view text);

/// The value librdkafka gets for \p prop: `@PATH` → the content of PATH with leading and
/// trailing whitespace removed (at most 64 KiB); `@@rest` → `@rest`; anything else as is.
/// Throws startup_error naming the property when the file cannot be read. Thread: start-up.
[[nodiscard]] std::string resolve_value(const property& prop);

/// True when \p name is a property whose value must not be printed (passwords, secrets,
/// private keys). Thread: any.
[[nodiscard]] bool is_secret_property(std::string_view name) noexcept;

/// \p prop's value as it may appear in a log or an error: `(secret)` for secret properties,
/// the file reference for `@PATH` values, the value otherwise. Thread: any.
[[nodiscard]] std::string printable_value(const property& prop);

/// The librdkafka properties a producer is created with, in the order they are applied: the
/// typed fields of \p config, then config.properties (unresolved: `@PATH` values are read by
/// the producer). \p bootstrap_servers replaces config.brokers (the mock cluster's address
/// when embedded). For --print-config and tests. Thread: any.
[[nodiscard]] std::vector<property> librdkafka_properties(const kafka_config& config,
                                                          std::string_view bootstrap_servers);

/// True when \p name is a legal Kafka topic name: 1..249 characters from [a-zA-Z0-9._-],
/// not `.` or `..`. Thread: any.
[[nodiscard]] bool is_valid_topic_name(std::string_view name) noexcept;

} // namespace udpn::kafka
