/// \file
/// Reads the contents of subscription state change notifications (PROTOCOL.md §4) with
/// simdjson: subscription-started / -modified into a subscription_info, the `reason` of
/// -terminated / -suspended, the member-wise merge of a -modified into the current contents,
/// and flat JSON records (the subscription module's state file). State changes are rare, so
/// every call copies its input into an owned, padded buffer (the caller's text need not be
/// padded) and may allocate; none of this is on the per-message path.
#pragma once

#include "common/result.hpp"
#include "yangpush/subscription.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::yangpush {

/// Why subscription notification contents could not be read. One counter per reason.
enum class subscription_parse_error : std::uint8_t {
    invalid_json,       ///< not well-formed JSON, truncated, or content after the object
    not_an_object,      ///< the contents (or a record) is not a JSON object
    missing_id,         ///< no `id` member (mandatory in every state change, RFC 8639 §2.7)
    bad_member_type,    ///< a member we read has the wrong JSON type or is out of range
    missing_mandatory,  ///< `ietf-yang-push:periodic` without `period` (mandatory, RFC 8641)
    conflicting_choice, ///< two cases of one YANG choice: stream + datastore target, two
                        ///< filters, periodic + on-change
    too_large,          ///< over the parser's byte limit, or more list entries than kept
};

inline constexpr std::size_t n_subscription_parse_errors = 7;

/// Stable snake_case name of \p e.
[[nodiscard]] const char* to_string(subscription_parse_error e) noexcept;

/// Parser counters. Single writer (the worker that owns the parser).
struct subscription_parse_stats {
    std::uint64_t parsed = 0;          ///< started/-modified contents read into a subscription_info
    std::uint64_t reasons = 0;         ///< -terminated/-suspended contents read
    std::uint64_t merged = 0;          ///< -modified contents merged into the current contents
    std::array<std::uint64_t, n_subscription_parse_errors> failed{};
    std::uint64_t unknown_members = 0; ///< members ignored: not in PROTOCOL.md §4's table (kept raw)
    /// yp / VERS / DIST augment members sent without their module prefix (accepted, RFC 7951
    /// §4 wants `ietf-yang-push:datastore`).
    std::uint64_t unqualified_augments = 0;
    /// identity values whose XML prefix (`ds:`) was replaced by the module name (§11.10).
    std::uint64_t identity_prefixes_normalized = 0;
    /// VERS module lists with the older `module-name` / `revision-label` keys (§4.1).
    std::uint64_t legacy_module_lists = 0;
    /// module-version entries without a name (the list key): dropped.
    std::uint64_t module_entries_dropped = 0;

    void count(subscription_parse_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

/// The contents of a subscription-terminated / -suspended (and, for the id only, -resumed,
/// -completed, replay-completed) notification.
struct reason_info {
    bool has_id = false;
    std::uint32_t id = 0;
    subscription_reason reason = subscription_reason::none;
};

/// JSON type of one member read by subscription_parser::read_members().
enum class json_kind : std::uint8_t { string, number, boolean, null, object, array };

/// One member of a flat JSON object.
struct json_member {
    std::string name; ///< unescaped member name
    json_kind kind = json_kind::null;
    /// string: the unescaped value; every other kind: the raw JSON text of the value.
    std::string text;
};

/// Parser of subscription notification contents. One per worker (it reuses its simdjson
/// parser and buffers); not thread-safe.
class subscription_parser {
public:
    /// @param max_contents_bytes  largest contents (or record) accepted; larger → too_large.
    explicit subscription_parser(std::size_t max_contents_bytes = std::size_t{1} << 20);
    ~subscription_parser();
    subscription_parser(const subscription_parser&) = delete;
    subscription_parser& operator=(const subscription_parser&) = delete;

    /// Reads the contents (the raw JSON object that notification_view::contents holds) of a
    /// subscription-started or -modified (PROTOCOL.md §4): every member of §4's table, in any
    /// order, including the yp datastore augments (`ietf-yang-push:datastore`,
    /// `…:datastore-xpath-filter`, `…:datastore-subtree-filter` kept as raw JSON text,
    /// `…:selection-filter-ref`, `…:periodic`, `…:on-change`), the stream case, VERS (§4.1, both
    /// key spellings) and DIST (§4.2). Unknown members are ignored and counted. Counts into
    /// stats(). last_event_time is left empty.
    /// Thread: the owning worker. May allocate (state changes are rare).
    [[nodiscard]] result<subscription_info, subscription_parse_error>
    parse(std::string_view contents) noexcept;

    /// Reads `id` and `reason` of a subscription-terminated / -suspended contents (or `id` of
    /// -resumed / -completed / replay-completed); a missing reason is none, an unknown one
    /// other. Counts into stats(). Thread: the owning worker.
    [[nodiscard]] result<reason_info, subscription_parse_error>
    parse_reason(std::string_view contents) noexcept;

    /// Merges a subscription-modified contents into the \p current effective contents (both raw
    /// JSON objects) and returns the new effective contents: every member group the -modified
    /// carries replaces the current one; groups it does not carry are kept. Groups: the whole
    /// `choice target` (stream / datastore, its filter, replay members), the whole
    /// `choice update-trigger` (periodic / on-change), the VERS pair (module-version,
    /// yang-library-content-id), and every other member on its own. RFC 8639 says a -modified
    /// carries "both modified and unmodified aspects", so for a conformant publisher this is a
    /// replacement; the §4 composed example omits transport and encoding, and those are kept.
    /// The result is not re-validated here: parse() it. Counts into stats().
    /// Thread: the owning worker.
    [[nodiscard]] result<std::string, subscription_parse_error>
    merge_modified(std::string_view current, std::string_view modified) noexcept;

    /// Reads the members of one flat JSON object (e.g. a state-file record) in order. Not
    /// counted in stats() (the caller counts its own failures). Thread: the owning thread.
    [[nodiscard]] result<std::vector<json_member>, subscription_parse_error>
    read_members(std::string_view json) noexcept;

    [[nodiscard]] const subscription_parse_stats& stats() const noexcept { return _stats; }

private:
    struct impl;
    std::unique_ptr<impl> _impl;
    subscription_parse_stats _stats;
};

} // namespace udpn::yangpush
