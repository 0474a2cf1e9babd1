/// \file
/// subscription::table: applying state changes (PROTOCOL.md §4) and the per-message lookup.
/// Persistence is in state_file.cpp.
#include "subscription/table.hpp"

#include "subscription/table_impl.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace udpn::subscription {

namespace {

using yangpush::notification_kind;
using yangpush::subscription_info;

constexpr std::size_t max_subscriptions_limit = std::size_t{1} << 24;
constexpr std::uint16_t all_fields = 0xff;

/// Which parts differ between \p a and \p b (change_field bits).
std::uint16_t diff(const subscription_info& a, const subscription_info& b) noexcept
{
    std::uint16_t f = 0;
    if (a.target != b.target || a.target_value != b.target_value) {
        f |= field_target;
    }
    if (a.filter != b.filter || a.filter_text != b.filter_text || a.filter_ref != b.filter_ref) {
        f |= field_filter;
    }
    // §8.1/§8.2: the subscription type level of a topic follows trigger and sync-on-start.
    if (a.trigger != b.trigger || a.effective_sync_on_start() != b.effective_sync_on_start()) {
        f |= field_trigger;
    }
    if (a.period != b.period || a.anchor_time != b.anchor_time ||
        a.dampening_period != b.dampening_period || a.sync_on_start != b.sync_on_start ||
        a.excluded_changes != b.excluded_changes) {
        f |= field_trigger_params;
    }
    // MBI §6 (PROTOCOL.md §6): a changed module, revision or yang-library-content-id means the
    // schema must be re-resolved.
    if (a.modules != b.modules || a.yang_library_content_id != b.yang_library_content_id) {
        f |= field_modules;
    }
    if (a.publisher_ids != b.publisher_ids) {
        f |= field_publishers;
    }
    if (a.transport != b.transport || a.encoding != b.encoding || a.purpose != b.purpose ||
        a.stop_time != b.stop_time || a.dscp != b.dscp || a.weighting != b.weighting ||
        a.dependency != b.dependency || a.replay_start_time != b.replay_start_time ||
        a.replay_previous_event_time != b.replay_previous_event_time) {
        f |= field_delivery;
    }
    return f;
}

/// \p contents on one line (JSON lines state file): CR and LF outside strings are whitespace
/// and inside strings they are not valid JSON, so both become spaces; outer whitespace trimmed.
std::string one_line(std::string_view contents)
{
    while (!contents.empty() && (contents.front() == ' ' || contents.front() == '\t' ||
                                 contents.front() == '\n' || contents.front() == '\r')) {
        contents.remove_prefix(1);
    }
    while (!contents.empty() && (contents.back() == ' ' || contents.back() == '\t' ||
                                 contents.back() == '\n' || contents.back() == '\r')) {
        contents.remove_suffix(1);
    }
    std::string out(contents);
    std::replace(out.begin(), out.end(), '\n', ' ');
    std::replace(out.begin(), out.end(), '\r', ' ');
    return out;
}

/// Installs \p info into \p s keeping the last event time (and its reserved capacity), then
/// records \p event_time when given.
/// Source of entry::revision (see there); relaxed: only uniqueness matters.
std::atomic<std::uint64_t> next_revision{1};

void install(entry& s, subscription_info&& info, std::string_view event_time)
{
    s.revision = next_revision.fetch_add(1, std::memory_order_relaxed);
    std::string last = std::move(s.info.last_event_time);
    s.info = std::move(info);
    s.info.last_event_time = std::move(last);
    s.info.last_event_time.reserve(event_time_capacity);
    if (!event_time.empty()) {
        s.info.last_event_time.assign(event_time.substr(0, event_time_capacity));
    }
}

/// A parser refusal as an apply_status: no `id` is missing_id, anything else parse_failed.
apply_status status_of(yangpush::subscription_parse_error e) noexcept
{
    return e == yangpush::subscription_parse_error::missing_id ? apply_status::missing_id
                                                               : apply_status::parse_failed;
}

} // namespace

const char* to_string(apply_status s) noexcept
{
    switch (s) {
    case apply_status::applied: return "applied";
    case apply_status::not_state_change: return "not_state_change";
    case apply_status::unknown_subscription: return "unknown_subscription";
    case apply_status::missing_id: return "missing_id";
    case apply_status::parse_failed: return "parse_failed";
    }
    return "unknown";
}

const char* to_string(change_kind k) noexcept
{
    switch (k) {
    case change_kind::none: return "none";
    case change_kind::added: return "added";
    case change_kind::replaced: return "replaced";
    case change_kind::modified: return "modified";
    case change_kind::removed: return "removed";
    case change_kind::suspended: return "suspended";
    case change_kind::resumed: return "resumed";
    }
    return "unknown";
}

const char* to_string(seq_verdict v) noexcept
{
    switch (v) {
    case seq_verdict::first: return "first";
    case seq_verdict::in_order: return "in_order";
    case seq_verdict::gap: return "gap";
    case seq_verdict::late: return "late";
    case seq_verdict::duplicate: return "duplicate";
    case seq_verdict::reset: return "reset";
    }
    return "unknown";
}

const char* to_string(state_error e) noexcept
{
    switch (e) {
    case state_error::none: return "none";
    case state_error::not_found: return "not_found";
    case state_error::io_error: return "io_error";
    case state_error::too_large: return "too_large";
    case state_error::empty: return "empty";
    case state_error::bad_header: return "bad_header";
    case state_error::wrong_version: return "wrong_version";
    case state_error::corrupt_record: return "corrupt_record";
    case state_error::truncated: return "truncated";
    }
    return "unknown";
}

table::table(const table_config& config)
    : _config(config),
      _parser(config.max_contents_bytes),
      _sequences(config.max_sequence_streams, config.max_sequence_gap)
{
    if (config.max_subscriptions < 1 || config.max_subscriptions > max_subscriptions_limit) {
        throw std::invalid_argument("subscription::table: max_subscriptions must be in 1..16777216");
    }
    if (config.max_contents_bytes < 1 || config.max_state_file_bytes < 1) {
        throw std::invalid_argument("subscription::table: byte limits must be positive");
    }
    _impl = std::make_unique<impl>(config.max_subscriptions);
}

table::~table() = default;

/// Inserts or replaces (\p exporter, info.id) — subscription-started, a -modified for an
/// unknown subscription, a state-file record. Fills \p r.
void table::impl::put(table_stats& stats, const net::ip_address& exporter,
                      subscription_info&& info, std::string&& contents, std::uint64_t now_ms,
                      std::string_view event_time, apply_result& r) noexcept
{
    impl& t = *this;
    const std::uint32_t id = info.id;
    std::uint32_t i = t.find(exporter, id);
    entry* s = nullptr;
    if (i == detail::npos) {
        i = t.acquire(exporter, id, r, stats);
        s = &t.nodes[i].sub;
        r.kind = change_kind::added;
        r.fields = all_fields;
    } else {
        t.touch(i);
        s = &t.nodes[i].sub;
        r.kind = change_kind::replaced;
        r.fields = diff(s->info, info);
        if (s->suspended) {
            r.fields |= field_state; // a new start is not suspended
        }
    }
    install(*s, std::move(info), event_time);
    s->contents = std::move(contents);
    s->suspended = false;
    s->suspend_reason = yangpush::subscription_reason::none;
    s->updated_ms = now_ms;
    r.status = apply_status::applied;
    r.id = id;
    r.sub = s;
    stats.subscriptions = t.n_held;
}

apply_result table::apply(const net::ip_address& exporter, const yangpush::notification_view& v,
                          std::uint64_t now_ms) noexcept
{
    apply_result r;
    impl& t = *_impl;
    if (!yangpush::is_state_change(v.kind)) {
        r.status = apply_status::not_state_change;
        ++_stats.statuses[static_cast<std::size_t>(r.status)];
        return r;
    }
    ++_stats.state_changes[static_cast<std::size_t>(v.kind) -
                           static_cast<std::size_t>(notification_kind::subscription_started)];
    r.id = v.subscription_id;

    switch (v.kind) {
    case notification_kind::subscription_started: {
        // §4: insert, or replace whole. The stored contents are what is parsed, so a state
        // file reload gives the same info.
        std::string contents = one_line(v.contents);
        auto parsed = _parser.parse(contents);
        if (!parsed) {
            r.status = status_of(parsed.error());
            r.parse_error = parsed.error();
            break;
        }
        t.put(_stats, exporter, std::move(parsed.value()), std::move(contents), now_ms,
              v.event_time, r);
        break;
    }
    case notification_kind::subscription_modified: {
        const std::uint32_t i = v.has_subscription_id ? t.find(exporter, v.subscription_id)
                                                      : detail::npos;
        if (i == detail::npos) {
            // A receiver may start late (§1.3): a -modified carries the whole policy (RFC 8639
            // §2.7.2), so it is as good as a -started.
            std::string contents = one_line(v.contents);
            auto parsed = _parser.parse(contents);
            if (!parsed) {
                r.status = status_of(parsed.error());
                r.parse_error = parsed.error();
                break;
            }
            ++_stats.modified_unknown;
            t.put(_stats, exporter, std::move(parsed.value()), std::move(contents), now_ms,
                  v.event_time, r);
            break;
        }
        entry& s = t.nodes[i].sub;
        auto merged = _parser.merge_modified(s.contents, v.contents);
        if (!merged) {
            r.status = apply_status::parse_failed;
            r.parse_error = merged.error();
            break;
        }
        std::string contents = one_line(merged.value());
        auto parsed = _parser.parse(contents);
        if (!parsed) {
            r.status = status_of(parsed.error());
            r.parse_error = parsed.error();
            break;
        }
        t.touch(i);
        r.status = apply_status::applied;
        r.kind = change_kind::modified;
        r.fields = diff(s.info, parsed.value());
        install(s, std::move(parsed.value()), v.event_time);
        s.contents = std::move(contents);
        s.updated_ms = now_ms;
        r.sub = &s;
        break;
    }
    case notification_kind::subscription_terminated:
    case notification_kind::subscription_completed:
    case notification_kind::subscription_suspended:
    case notification_kind::subscription_resumed:
    case notification_kind::replay_completed: {
        if (!v.has_subscription_id) {
            r.status = apply_status::missing_id;
            break;
        }
        if (v.kind == notification_kind::subscription_terminated ||
            v.kind == notification_kind::subscription_suspended) {
            // A reason that cannot be read does not stop the state change (counted by the
            // parser); the id is the decoder's.
            if (auto reason = _parser.parse_reason(v.contents)) {
                r.reason = reason->reason;
            }
            auto& per_reason = v.kind == notification_kind::subscription_terminated
                                   ? _stats.terminated_reasons
                                   : _stats.suspended_reasons;
            ++per_reason[static_cast<std::size_t>(r.reason)];
        }
        const std::uint32_t i = t.find(exporter, v.subscription_id);
        if (i == detail::npos) {
            r.status = apply_status::unknown_subscription;
            break;
        }
        entry& s = t.nodes[i].sub;
        r.status = apply_status::applied;
        if (v.kind == notification_kind::subscription_terminated ||
            v.kind == notification_kind::subscription_completed) {
            // §4: delete on -terminated / -completed.
            t.release(i);
            r.kind = change_kind::removed;
            r.fields = all_fields;
            _stats.subscriptions = t.n_held;
            break;
        }
        t.touch(i);
        r.sub = &s;
        if (!v.event_time.empty() && v.event_time.size() <= s.info.last_event_time.capacity()) {
            s.info.last_event_time.assign(v.event_time);
        }
        if (v.kind == notification_kind::replay_completed) {
            break; // RFC 8639 §2.7.6: replay is over, the subscription goes on
        }
        s.updated_ms = now_ms;
        const bool suspend = v.kind == notification_kind::subscription_suspended;
        r.kind = suspend ? change_kind::suspended : change_kind::resumed;
        if (s.suspended != suspend || s.suspend_reason != r.reason) {
            r.fields = field_state;
        }
        s.suspended = suspend;
        s.suspend_reason = suspend ? r.reason : yangpush::subscription_reason::none;
        break;
    }
    default: break;
    }
    ++_stats.statuses[static_cast<std::size_t>(r.status)];
    ++_stats.changes[static_cast<std::size_t>(r.kind)];
    return r;
}

const entry* table::find(const net::ip_address& exporter, std::uint32_t id) noexcept
{
    impl& t = *_impl;
    const std::uint32_t i = t.find(exporter, id);
    if (i == detail::npos) {
        return nullptr;
    }
    t.touch(i);
    return &t.nodes[i].sub;
}

const entry* table::on_data(const net::ip_address& exporter,
                                   const yangpush::notification_view& v) noexcept
{
    ++_stats.data_messages;
    if (!v.has_subscription_id) {
        ++_stats.data_without_id;
        return nullptr;
    }
    impl& t = *_impl;
    const std::uint32_t i = t.find(exporter, v.subscription_id);
    if (i == detail::npos) {
        ++_stats.unknown_subscription; // §11.7: the caller produces with the id only
        return nullptr;
    }
    t.touch(i);
    entry& s = t.nodes[i].sub;
    ++s.data_messages;
    if (!v.event_time.empty()) {
        // The capacity was reserved when the subscription was installed: no allocation.
        if (v.event_time.size() <= s.info.last_event_time.capacity()) {
            s.info.last_event_time.assign(v.event_time);
        } else {
            ++_stats.event_time_too_long;
        }
    }
    // §4.2: subscription-started / -modified list the Publisher IDs that will publish.
    if (v.has_publisher_id && !s.info.publisher_ids.empty() &&
        std::find(s.info.publisher_ids.begin(), s.info.publisher_ids.end(), v.publisher_id) ==
            s.info.publisher_ids.end()) {
        ++_stats.publisher_not_listed;
    }
    return &s;
}

void table::clear() noexcept
{
    impl& t = *_impl;
    while (!t.recency.empty()) {
        t.release(t.recency.front());
    }
    _stats.subscriptions = 0;
}

std::size_t table::size() const noexcept
{
    return _impl->n_held;
}

void table::for_each(const std::function<void(const entry&)>& fn) const
{
    const impl& t = *_impl;
    for (std::uint32_t i = t.recency.front(); i != detail::npos; i = t.links[i].next) {
        fn(t.nodes[i].sub);
    }
}

} // namespace udpn::subscription
