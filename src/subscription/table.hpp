/// \file
/// One worker's subscription state (DESIGN.md §2: all messages of one exporter meet one worker,
/// so the table needs no lock; PROTOCOL.md §4 "Per-subscription cache the receiver needs (key:
/// exporter identity + id)"). It applies subscription state change notifications, answers the
/// per-message lookup without allocating, accounts envelope sequence numbers per (exporter,
/// Publisher ID) (§3.2), and persists itself to a state file so subscriptions survive a restart
/// (DESIGN.md §3).
///
/// Exporter identity is the exporter's IP address without the port: DIST publisher agents
/// export with the node's source IP but may use other source ports than the parent that sends
/// the state changes (§4.2).
#pragma once

#include "net/endpoint.hpp"
#include "subscription/config.hpp"
#include "subscription/errors.hpp"
#include "subscription/sequence.hpp"
#include "yangpush/notification.hpp"
#include "yangpush/subscription.hpp"
#include "yangpush/subscription_parser.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace udpn::subscription {

/// One subscription held by the table.
struct entry {
    net::ip_address exporter;        ///< who sent subscription-started
    yangpush::subscription_info info; ///< what started / -modified said (envelope metadata)
    /// The effective contents: the raw JSON object of the last subscription-started with every
    /// later -modified merged in (yangpush::subscription_parser::merge_modified), on one line.
    /// `info` is exactly what the parser makes of it; the state file stores it.
    std::string contents;
    bool suspended = false;                                    ///< between -suspended and -resumed
    yangpush::subscription_reason suspend_reason = yangpush::subscription_reason::none;
    std::uint64_t updated_ms = 0;  ///< caller's wall clock (ms since 1970) at the last state change
    /// Changes whenever `info` is replaced (started, -modified, loaded), unique across every
    /// table of the process: a cache of something derived from `info` (the worker's rendered
    /// envelope metadata) is current while the revision it was made from matches. 0: never set.
    std::uint64_t revision = 0;
    std::uint64_t data_messages = 0; ///< data notifications matched since added
};

/// What apply() did. `sub` points into the table: valid until the next apply(), load() or
/// clear() on the same table.
struct apply_result {
    apply_status status = apply_status::not_state_change;
    change_kind kind = change_kind::none;
    std::uint16_t fields = 0;  ///< change_field bits (all key bits for added / removed)
    std::uint32_t id = 0;      ///< the subscription id concerned (when known)
    const entry* sub = nullptr; ///< the subscription after the change; null when removed
    /// Why the parser refused the contents (status parse_failed).
    yangpush::subscription_parse_error parse_error = yangpush::subscription_parse_error::invalid_json;
    /// `reason` of a -terminated / -suspended (none when absent or unreadable).
    yangpush::subscription_reason reason = yangpush::subscription_reason::none;
    /// An insert evicted the least recently used subscription (exporter, id below).
    bool evicted = false;
    net::ip_address evicted_exporter;
    std::uint32_t evicted_id = 0;

    /// True when a derived topic / key of this subscription (or of the evicted one) must be
    /// re-resolved or dropped: added, removed, evicted, or any key_fields bit changed.
    [[nodiscard]] bool needs_key_resolution() const noexcept
    {
        return evicted || kind == change_kind::added || kind == change_kind::removed ||
               (fields & key_fields) != 0;
    }
};

/// Table counters. Single writer (the owning worker).
struct table_stats {
    std::uint64_t subscriptions = 0; ///< gauge: subscriptions held
    /// State change notifications by kind: started, modified, terminated, suspended, resumed,
    /// completed, replay-completed (yangpush::notification_kind order).
    std::array<std::uint64_t, 7> state_changes{};
    std::array<std::uint64_t, n_apply_statuses> statuses{};   ///< per apply_status
    std::array<std::uint64_t, n_change_kinds> changes{};      ///< per change_kind
    /// -terminated reasons, per yangpush::subscription_reason.
    std::array<std::uint64_t, yangpush::n_subscription_reasons> terminated_reasons{};
    /// -suspended reasons, per yangpush::subscription_reason.
    std::array<std::uint64_t, yangpush::n_subscription_reasons> suspended_reasons{};
    std::uint64_t modified_unknown = 0; ///< -modified for an unknown (exporter, id): added (§1.3 late start)
    std::uint64_t evicted = 0;          ///< least recently used subscription dropped: table full
    std::uint64_t data_messages = 0;    ///< on_data() calls
    std::uint64_t unknown_subscription = 0; ///< data for an (exporter, id) not held (§11.7)
    std::uint64_t data_without_id = 0;  ///< data notification without `id`
    /// data whose message-publisher-id is not in the subscription's DIST leaf-list (§4.2).
    std::uint64_t publisher_not_listed = 0;
    std::uint64_t event_time_too_long = 0; ///< data event time longer than kept: not recorded
    std::uint64_t saves = 0;            ///< state files written
    std::uint64_t save_failed = 0;      ///< save() errors other than too_large
    std::uint64_t save_too_large = 0;   ///< save() refused: over max_state_file_bytes
    std::uint64_t loads = 0;            ///< load() calls that read a file of ours
    std::uint64_t load_failed = 0;      ///< load() calls that loaded nothing but found a file
    std::uint64_t records_loaded = 0;   ///< state-file records applied
    std::uint64_t records_skipped = 0;  ///< state-file records rejected (corrupt / truncated)
};

/// What save() / load() did. `message` names the file (and line, for load) of the first
/// problem; empty on success.
struct state_report {
    state_error error = state_error::none;
    std::size_t records = 0; ///< records written (save) or loaded (load)
    std::size_t skipped = 0; ///< load: records rejected
    std::string message;

    [[nodiscard]] bool ok() const noexcept { return error == state_error::none; }
};

/// Longest event time kept per subscription (RFC 3339 needs at most ~35 octets).
inline constexpr std::size_t event_time_capacity = 64;

/// Magic and version of the state file's header line.
inline constexpr const char* state_file_format = "udpn-subscription-state";
inline constexpr std::uint32_t state_file_version = 1;

class table {
public:
    /// Allocates every slot and index here. @throws std::invalid_argument when a limit is 0 or
    /// max_subscriptions exceeds 2^24.
    explicit table(const table_config& config = {});
    ~table();
    table(const table&) = delete;
    table& operator=(const table&) = delete;

    /// Applies one subscription state change notification from \p exporter (PROTOCOL.md §4):
    ///  - subscription-started: insert, or replace a held (exporter, id) whole (kind replaced);
    ///  - subscription-modified: merge into the held one (replace the member groups it carries,
    ///    see subscription_parser::merge_modified); unknown → inserted (counted);
    ///  - subscription-terminated / -completed: remove;
    ///  - subscription-suspended / -resumed: set / clear the suspended flag (reason kept);
    ///  - replay-completed: counted, nothing changes (the subscription goes on, RFC 8639 §2.7.6);
    ///  - anything else: not_state_change.
    /// Started/-modified contents that do not parse leave the table unchanged (parse_failed).
    /// \p now_ms is the caller's wall clock (ms since 1970), stored as updated_ms.
    /// Thread: the owning worker. Allocates (state changes are rare; an allocation failure
    /// terminates, as in envelope::json_writer); never throws.
    apply_result apply(const net::ip_address& exporter, const yangpush::notification_view& v,
                       std::uint64_t now_ms = 0) noexcept;

    /// The subscription (\p exporter, \p id), or nullptr. Marks it used (eviction order).
    /// Thread: the owning worker. noexcept, no allocation, O(1).
    [[nodiscard]] const entry* find(const net::ip_address& exporter, std::uint32_t id) noexcept;

    /// Per data notification (push-update / push-change-update): find() by the notification's
    /// `id`, counting data without id or for an unknown subscription (§11.7), recording the
    /// event time as the subscription's last event time and checking the DIST Publisher ID
    /// against the subscription's list (§4.2). nullptr when no subscription applies.
    /// Thread: the owning worker. noexcept, no allocation.
    const entry* on_data(const net::ip_address& exporter,
                                const yangpush::notification_view& v) noexcept;

    /// Envelope sequence-number accounting (§3.2) of (\p exporter, \p publisher_id).
    /// Thread: the owning worker. noexcept, no allocation.
    seq_verdict observe_sequence(const net::ip_address& exporter, std::uint32_t publisher_id,
                                 std::uint32_t sequence_number) noexcept
    {
        return _sequences.observe(exporter, publisher_id, sequence_number);
    }

    /// Writes every subscription to \p path atomically: the whole text is built in memory
    /// (refused over max_state_file_bytes), written to a temporary file in the same directory,
    /// fsync'ed, renamed over \p path, and the directory fsync'ed; on any error the temporary
    /// file is removed and \p path is untouched. Format: JSON lines, a header
    /// `{"format":"udpn-subscription-state","version":1,"records":N}` then one record per
    /// subscription, least recently used first: `exporter`, `id`, `suspended`,
    /// `suspend-reason`, `updated-ms`, `last-event-time`, `contents` (the effective contents,
    /// raw). Thread: the owning worker, outside the per-message path (file I/O).
    state_report save(const std::string& path);

    /// Reads a state file written by save() and applies each record through the same parser as
    /// subscription-started. Never fatal; policy:
    ///  - missing file → not_found; unreadable → io_error; over max_state_file_bytes →
    ///    too_large; empty → empty; first line not our header → bad_header; other version →
    ///    wrong_version: nothing is loaded in these cases;
    ///  - otherwise every record line is checked on its own (JSON, exporter address, id,
    ///    contents parse, id matches the contents) and loaded only if it passes; a bad line is
    ///    skipped (corrupt_record); fewer lines than the header announces, or a last line
    ///    without newline (it is not trusted), is reported as truncated. The lines that passed
    ///    stay loaded.
    /// The first problem is reported with "path:line: what". Records are applied on top of the
    /// current contents (same key: replaced); \p accept, when given, selects the exporters this
    /// table keeps (e.g. those that hash to this worker). Thread: the owning worker, at start-up.
    state_report load(const std::string& path,
                      const std::function<bool(const net::ip_address&)>& accept = {});

    /// Removes every subscription (sequence streams are kept). Thread: the owning worker.
    void clear() noexcept;

    /// Subscriptions held. Thread: the owning worker.
    [[nodiscard]] std::size_t size() const noexcept;
    /// Calls \p fn(const entry&) for each subscription, least recently used first.
    /// Thread: the owning worker.
    void for_each(const std::function<void(const entry&)>& fn) const;

    /// Counters (single writer). Thread: the owning worker, or a stats reader that tolerates
    /// torn snapshots (plain integers, as every module's stats).
    [[nodiscard]] const table_stats& stats() const noexcept { return _stats; }
    /// Sequence accounting counters. Thread: as stats().
    [[nodiscard]] const sequence_stats& sequences() const noexcept { return _sequences.stats(); }
    /// Parser counters (why contents were refused, unknown members, …). Thread: as stats().
    [[nodiscard]] const yangpush::subscription_parse_stats& parser_stats() const noexcept
    {
        return _parser.stats();
    }
    [[nodiscard]] const table_config& config() const noexcept { return _config; }

private:
    struct impl;
    table_config _config;
    yangpush::subscription_parser _parser;
    sequence_tracker _sequences;
    table_stats _stats;
    std::unique_ptr<impl> _impl; // last: it refers to the members above
};

} // namespace udpn::subscription
