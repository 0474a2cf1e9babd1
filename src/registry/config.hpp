/// \file
/// Configuration of the schema registry client (PROTOCOL.md §6, MBI-13 steps 6-8): where the
/// Confluent-compatible registry is, how subjects are named, how the `schema-id` header is
/// written (§11.22), and the limits of the registry thread (timeout, retry backoff, request
/// queue, schema cache). Plain data with in-class defaults (STYLE.md §4 rule 10); read-only once
/// the registry is built. An empty url (the default) turns the whole feature off: no thread, no
/// header, records exactly as without this module.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::registry {

/// How the subject of a subscription's schema is named (imports are always registered under
/// their own module name, see docs/schema-registry.md).
enum class subject_strategy : std::uint8_t {
    /// `<module>`: the subscription's top-level module, as in MBI-13's examples
    /// (`POST /subjects/ietf-interfaces/versions`).
    module,
    /// `<topic>-value`: Confluent's TopicNameStrategy for record values.
    topic,
    /// `<topic>-<module>`: one subject per module and topic.
    topic_module,
};

/// How the `schema-id` header value is written (PROTOCOL.md §11.22).
enum class header_format : std::uint8_t {
    binary, ///< 4-byte big-endian integer (the reference serializer, yang-kafka-integration)
    text,   ///< decimal digits (the drafts' figures: `schema-id: 1`)
};

/// Stable names, as written in the configuration (`module`, `topic`, `topic-module`;
/// `binary`, `text`). Thread: any.
[[nodiscard]] const char* to_string(subject_strategy s) noexcept;
[[nodiscard]] const char* to_string(header_format f) noexcept;

/// Everything the registry client needs. Thread: read-only after start-up.
struct registry_config {
    /// Base URL of the Confluent-compatible schema registry (`http://host:8081`, or `https://`
    /// with a path prefix); empty = no registry: no schema is registered and records carry no
    /// schema-id header.
    std::string url;
    /// How the subject of a subscription's schema is named: module, topic or topic-module.
    subject_strategy strategy = subject_strategy::module;
    /// `schemaType` of every registration (a registry with a YANG schema plugin, MBI-13).
    std::string schema_type = "YANG";
    /// Encoding of the schema-id header: binary (4-byte big-endian) or text (decimal).
    header_format header = header_format::binary;
    /// Longest time one HTTP request may take, connection included, milliseconds.
    std::uint32_t request_timeout_ms = 2000;
    /// Wait before the first retry of a failed registration, milliseconds; doubled after each
    /// further failure up to retry_max_backoff_ms.
    std::uint32_t retry_backoff_ms = 500;
    /// Longest wait between two retries of a failed registration, milliseconds (refusals the
    /// registry will repeat, 4xx, wait this long at once).
    std::uint32_t retry_max_backoff_ms = 30'000;
    /// Registration requests waiting for the registry thread; a request beyond it is counted
    /// (queue_full) and asked again by the next record of that subscription.
    std::size_t queue_size = 1024;
    /// Most schemas (subject + modules) whose ids are cached; a subscription whose schema
    /// would be one more is produced without the header (counted cache_full).
    std::size_t max_schemas = 10'000;
    /// HTTP basic-auth user name; empty = no authentication.
    std::string username;
    /// HTTP basic-auth password; "@PATH" reads it from a file (secrets), "@@" is a literal
    /// "@" (resolved by the pipeline at start-up, as the Kafka properties are). Never printed.
    std::string password;
    /// Send the enabled features of each module as metadata properties (`yang-features`),
    /// with `yang-module` and `yang-revision` (Confluent 7.4+ data contracts); false for
    /// registries that refuse the `metadata` member.
    bool features_metadata = true;
};

/// Checks \p config (when url is set): an http:// or https:// url, a non-empty schema type,
/// timeouts and backoffs > 0 with backoff <= max backoff, queue and cache sizes > 0, a
/// password only with a user name. @return one line per problem; empty when valid.
/// Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const registry_config& config);

} // namespace udpn::registry
