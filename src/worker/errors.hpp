/// \file
/// Outcomes of a worker stage as enums (STYLE.md §4 rules 5-6): what process() did with one
/// message, why a payload was not decodable, and the stage's counters.
#pragma once

#include "envelope/errors.hpp"
#include "yangpush/errors.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::worker {

/// What stage::process() did with one message. Exactly one per message.
enum class process_status : std::uint8_t {
    produced,          ///< an envelope record for a known subscription
    produced_fallback, ///< an envelope record on the fallback topic (unknown subscription, §11.7)
    dead_lettered,     ///< undecodable: the raw payload went to the dead-letter topic
    undecodable,       ///< undecodable and no dead-letter topic: dropped (counted)
    envelope_failed,   ///< decoded, but the envelope could not be written: dropped (counted)
};

inline constexpr std::size_t n_process_statuses = 5;

/// Why a payload could not be turned into a notification (the JSON decoder's reasons follow).
enum class undecodable_reason : std::uint8_t {
    unsupported_media_type, ///< S = 1 (private) or MT 0 / 4..15: no decoder exists
    decode_failed,          ///< refused by the JSON decoder (see decode_failed[])
    transcode_failed,       ///< XML or CBOR refused by its transcoder (see the transcoder stats)
};

inline constexpr std::size_t n_undecodable_reasons = 3;

/// Why an envelope record went without the `schema-id` header while a schema registry is
/// configured (PROTOCOL.md §6, §11.22; nothing is counted without a registry).
enum class schema_id_missing_reason : std::uint8_t {
    pending,              ///< the registry has no id for the schema yet (queued, retrying)
    refused,              ///< the registry refused the schema (4xx); retried at the max backoff
    no_schema,            ///< the subscription names no module (by-reference, no or unresolved
                          ///< filter) or the registry's cache is full
    unknown_subscription, ///< the record is on the fallback topic: no subscription, no schema
};

inline constexpr std::size_t n_schema_id_missing_reasons = 4;

/// Stable snake_case names. Thread: any.
[[nodiscard]] const char* to_string(process_status s) noexcept;
[[nodiscard]] const char* to_string(undecodable_reason r) noexcept;
[[nodiscard]] const char* to_string(schema_id_missing_reason r) noexcept;

/// Counters of one stage. Single writer (the stage's worker); a stats reader copies them and
/// tolerates torn values (plain integers, as every module's stats).
struct stage_stats {
    std::uint64_t messages = 0;      ///< process() calls
    std::uint64_t payload_bytes = 0; ///< payload octets given to process()
    std::array<std::uint64_t, n_process_statuses> statuses{}; ///< per process_status
    std::uint64_t records = 0;       ///< records given to the sink (envelopes + dead letters)
    std::uint64_t record_bytes = 0;  ///< value octets of those records

    std::uint64_t data_notifications = 0;   ///< push-update / push-change-update decoded
    std::uint64_t state_changes = 0;        ///< subscription state change notifications decoded
    std::uint64_t other_notifications = 0;  ///< any other notification (fallback topic)
    std::uint64_t state_changes_rejected = 0; ///< apply() status other than applied
    /// Records on the fallback topic: data or state change for a subscription not held (§11.7),
    /// and other notifications.
    std::uint64_t unknown_subscription = 0;
    std::uint64_t suspended_data = 0; ///< data for a subscription marked suspended (produced)

    std::array<std::uint64_t, n_undecodable_reasons> undecodable{}; ///< per undecodable_reason
    /// Decoder refusals, per yangpush::decode_error.
    std::array<std::uint64_t, yangpush::n_decode_errors> decode_failed{};
    std::uint64_t dead_letters = 0; ///< raw payloads forwarded to the dead-letter topic
    /// Envelope refusals, per envelope::envelope_error.
    std::array<std::uint64_t, envelope::n_envelope_errors> envelope_failed{};

    std::uint64_t resolutions = 0;      ///< filters resolved (subscription added / key fields changed)
    std::uint64_t resolve_failed = 0;   ///< resolutions that fell back (fallback topic, §11.20)
    std::uint64_t lazy_resolutions = 0; ///< resolved at first data (e.g. loaded from the state file)
    std::uint64_t resolutions_dropped = 0; ///< cached resolutions freed: removed / evicted
    std::uint64_t resolutions_cached = 0;  ///< gauge: resolutions held

    /// Envelope records that carry the schema-id header (schema registry configured).
    std::uint64_t schema_id_attached = 0;
    /// Envelope records without it although a registry is configured, per
    /// schema_id_missing_reason (the counted fallback: produced anyway, never held back).
    std::array<std::uint64_t, n_schema_id_missing_reasons> schema_id_missing{};

    [[nodiscard]] std::uint64_t of(process_status s) const noexcept
    {
        return statuses[static_cast<std::size_t>(s)];
    }
    [[nodiscard]] std::uint64_t of(undecodable_reason r) const noexcept
    {
        return undecodable[static_cast<std::size_t>(r)];
    }
    [[nodiscard]] std::uint64_t of(schema_id_missing_reason r) const noexcept
    {
        return schema_id_missing[static_cast<std::size_t>(r)];
    }
};

} // namespace udpn::worker
