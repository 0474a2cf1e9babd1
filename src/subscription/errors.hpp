/// \file
/// Outcomes of the subscription module as enums (STYLE.md §4 rules 5-6): what apply() did with
/// a state change notification, what observe() made of an envelope sequence-number, and why a
/// state file could not be written or read. Each has a to_string() and a counter.
#pragma once

#include <cstddef>
#include <cstdint>

namespace udpn::subscription {

/// What table::apply() did with one notification.
enum class apply_status : std::uint8_t {
    applied,              ///< the state change took effect (see change_kind)
    not_state_change,     ///< not a subscription state change notification: ignored
    unknown_subscription, ///< -terminated/-suspended/-resumed/-completed/replay-completed for an
                          ///< (exporter, id) the table does not hold: nothing to change
    missing_id,           ///< a state change without a usable `id`
    parse_failed,         ///< started/-modified contents rejected by the parser (table unchanged)
};

inline constexpr std::size_t n_apply_statuses = 5;

/// What a state change did to the table (PROTOCOL.md §4: replace on -modified, delete on
/// -terminated / -completed).
enum class change_kind : std::uint8_t {
    none,      ///< nothing changed (replay-completed, errors, ignored notifications)
    added,     ///< a new subscription: subscription-started, or a -modified for one not held
    replaced,  ///< subscription-started again for a held (exporter, id): replaced whole
    modified,  ///< subscription-modified merged into a held subscription
    removed,   ///< subscription-terminated / -completed
    suspended, ///< subscription-suspended: flag set, reason kept
    resumed,   ///< subscription-resumed: flag cleared
};

inline constexpr std::size_t n_change_kinds = 7;

/// Which parts of a subscription a change altered (bits of apply_result::fields).
enum change_field : std::uint16_t {
    field_target = 1u << 0,         ///< datastore / stream (part of the seed key, §7.1)
    field_filter = 1u << 1,         ///< filter kind, text or by-reference name (§7, §8)
    field_trigger = 1u << 2,        ///< trigger kind or effective sync-on-start (topic type, §8)
    field_trigger_params = 1u << 3, ///< period, anchor-time, dampening-period, excluded-change
    field_modules = 1u << 4,        ///< module-version list or yang-library-content-id (MBI §6)
    field_publishers = 1u << 5,     ///< DIST message-publisher-id list (§4.2)
    field_delivery = 1u << 6,       ///< transport, encoding, purpose, stop-time, dscp, weighting,
                                    ///< dependency, replay times
    field_state = 1u << 7,          ///< suspended flag / reason
};

/// Fields whose change invalidates a derived Kafka topic or key: filter, target, trigger type
/// (PROTOCOL.md §7, §8) and the modules the schema is resolved from (§6, MBI step 4).
inline constexpr std::uint16_t key_fields =
    field_target | field_filter | field_trigger | field_modules;

/// What one envelope sequence-number said about its (exporter, Publisher ID) stream
/// (PROTOCOL.md §3.2: first value 1, +1 per message, 4294967295 wraps to 0).
enum class seq_verdict : std::uint8_t {
    first,     ///< first number seen of this stream (nothing to compare with)
    in_order,  ///< the expected number
    gap,       ///< ahead of the expected number: the numbers in between are missing (so far)
    late,      ///< behind: fills an earlier gap, or too old to tell (reordering)
    duplicate, ///< a number already seen
    reset,     ///< the publisher restarted (back to 1, or a jump too large to be loss)
};

inline constexpr std::size_t n_seq_verdicts = 6;

/// Why save() / load() did not fully succeed (none: it did).
enum class state_error : std::uint8_t {
    none,           ///< success
    not_found,      ///< load: no state file (first start): nothing loaded
    io_error,       ///< open/read/write/fsync/rename failed (message has the OS error)
    too_large,      ///< over table_config::max_state_file_bytes: not written / not read
    empty,          ///< load: the file is empty
    bad_header,     ///< load: first line is not our header (a foreign or corrupt file)
    wrong_version,  ///< load: our header, another format version: nothing loaded
    corrupt_record, ///< load: a record line did not parse; it was skipped, the others loaded
    truncated,      ///< load: fewer records than the header announces, or no final newline
};

inline constexpr std::size_t n_state_errors = 9;

/// Stable snake_case names of the values. Thread: any.
[[nodiscard]] const char* to_string(apply_status s) noexcept;
[[nodiscard]] const char* to_string(change_kind k) noexcept;
[[nodiscard]] const char* to_string(seq_verdict v) noexcept;
[[nodiscard]] const char* to_string(state_error e) noexcept;

} // namespace udpn::subscription
