#include "worker/stage.hpp"

#include "udpnotif/media_type.hpp"
#include "worker/filter.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace udpn::worker {

namespace {

/// Order of node-name entries (binary search by exporter address).
bool address_less(const net::ip_address& a, const net::ip_address& b) noexcept
{
    return std::tie(a.fam, a.bytes) < std::tie(b.fam, b.bytes);
}

constexpr bool is_data(yangpush::notification_kind k) noexcept
{
    return k == yangpush::notification_kind::push_update ||
           k == yangpush::notification_kind::push_change_update;
}

worker_config checked(const worker_config& config)
{
    const auto problems = validate(config);
    if (!problems.empty()) {
        std::string text = "worker configuration:";
        for (const auto& p : problems) {
            text += "\n  " + p;
        }
        throw std::invalid_argument(text);
    }
    return config;
}

/// Reserved at start-up for one envelope; grows (once) to the largest seen.
constexpr std::size_t initial_value_capacity = std::size_t{64} << 10;

} // namespace

const char* to_string(process_status s) noexcept
{
    switch (s) {
    case process_status::produced: return "produced";
    case process_status::produced_fallback: return "produced_fallback";
    case process_status::dead_lettered: return "dead_lettered";
    case process_status::undecodable: return "undecodable";
    case process_status::envelope_failed: return "envelope_failed";
    }
    return "unknown";
}

const char* to_string(schema_id_missing_reason r) noexcept
{
    switch (r) {
    case schema_id_missing_reason::pending: return "pending";
    case schema_id_missing_reason::refused: return "refused";
    case schema_id_missing_reason::no_schema: return "no_schema";
    case schema_id_missing_reason::unknown_subscription: return "unknown_subscription";
    }
    return "unknown";
}

const char* to_string(undecodable_reason r) noexcept
{
    switch (r) {
    case undecodable_reason::unsupported_media_type: return "unsupported_media_type";
    case undecodable_reason::transcode_failed: return "transcode_failed";
    case undecodable_reason::decode_failed: return "decode_failed";
    }
    return "unknown";
}

stage::stage(const worker_config& config)
    : stage(config, std::make_unique<key::schema_context>(checked(config).schema), nullptr)
{
}

stage::stage(const worker_config& config, const key::schema_context& schema)
    : stage(config, nullptr, &schema)
{
}

stage::stage(const worker_config& config, std::unique_ptr<key::schema_context> own,
             const key::schema_context* shared)
    : _config(checked(config)),
      _own_schema(std::move(own)),
      _schema(shared != nullptr ? *shared : *_own_schema),
      _decoder(_config.max_payload_bytes),
      _xml(_schema.native(), _config.xml),
      _cbor(_config.cbor),
      _table(_config.subscriptions),
      _resolver(_schema, _config.key),
      _keys(_config.key),
      _envelopes(_config.envelope),
      _node_names(_config.node_names)
{
    // The map never holds more than one resolution per table node.
    _resolved.reserve(_config.subscriptions.max_subscriptions);
    std::sort(_node_names.begin(), _node_names.end(),
              [](const node_name_entry& a, const node_name_entry& b) {
                  return address_less(a.exporter, b.exporter);
              });
    _value.reserve(std::min(initial_value_capacity, _config.envelope.max_output_bytes));
    _headers[0] = {"content-type", _config.content_type};
}

stage::~stage() = default;

std::string_view stage::configured_node_name(const net::ip_address& exporter) const noexcept
{
    const auto it = std::lower_bound(_node_names.begin(), _node_names.end(), exporter,
                                     [](const node_name_entry& e, const net::ip_address& a) {
                                         return address_less(e.exporter, a);
                                     });
    if (it != _node_names.end() && it->exporter == exporter) {
        return it->name;
    }
    return {};
}

subscription::state_report
stage::load_state(const std::function<bool(const net::ip_address&)>& accept)
{
    if (_config.state_file.empty()) {
        return {};
    }
    return load_state_from(_config.state_file, accept);
}

subscription::state_report stage::save_state()
{
    if (_config.state_file.empty()) {
        return {};
    }
    return save_state_to(_config.state_file);
}

subscription::state_report
stage::load_state_from(const std::string& path,
                       const std::function<bool(const net::ip_address&)>& accept)
{
    // Resolutions made for entries the load replaces are re-checked lazily (exporter + id).
    return _table.load(path, accept);
}

subscription::state_report stage::save_state_to(const std::string& path)
{
    return _table.save(path);
}

key::resolved_subscription stage::resolve(const yangpush::subscription_info& info)
{
    const key::subscription_filter filter = subscription_filter_of(info);
    ++_stats.resolutions;
    auto r = _resolver.resolve(filter);
    if (r.ok()) {
        return std::move(r.value());
    }
    // §11.20: an unresolvable filter keys on the fallback topic (the resolver counted why).
    ++_stats.resolve_failed;
    return _resolver.fallback(filter);
}

std::shared_ptr<const registry::schema_handle>
stage::schema_of(const key::resolved_subscription& r) noexcept
{
    if (_registry == nullptr || r.mode != key::resolution::branches || r.branches.empty()) {
        return nullptr;
    }
    // §6: one schema per subscription: the first branch's module (branches are sorted) is
    // the main one, the other top-level modules are referenced. Allocates (rare: once per
    // resolution); a failure to allocate only costs the header.
    try {
        registry::schema_request req;
        req.topic = r.uniform_topic ? r.topic : r.branches.front().topic;
        for (const key::resolved_branch& b : r.branches) {
            if (!b.module.empty() &&
                std::find(req.modules.begin(), req.modules.end(), b.module) == req.modules.end()) {
                req.modules.push_back(b.module);
            }
        }
        return _registry->request(req);
    } catch (...) {
        return nullptr;
    }
}

void stage::resolve_into(cached_resolution& c, const subscription::entry& e)
{
    c.exporter = e.exporter;
    c.id = e.info.id;
    c.resolved = resolve(e.info);
    // A new resolution (subscription-started, or a -modified that changed filter, target or
    // modules: §6 "the schema must be re-resolved") asks the registry again; an unchanged
    // schema gets its cached handle (and id) back.
    c.schema = schema_of(c.resolved);
    _stats.resolutions_cached = _resolved.size();
}

stage::cached_resolution& stage::cache_of(const subscription::entry& e) noexcept
{
    auto it = _resolved.find(&e);
    if (it != _resolved.end() && it->second.id == e.info.id && it->second.exporter == e.exporter) {
        return it->second;
    }
    // No resolution yet for this entry (loaded from the state file, or the node now holds
    // another subscription): resolve once, now. Allocates, once per subscription.
    ++_stats.lazy_resolutions;
    if (it == _resolved.end()) {
        it = _resolved.emplace(&e, cached_resolution{}).first;
    }
    resolve_into(it->second, e);
    return it->second;
}

stage::subject stage::subject_of(const subscription::entry& e) noexcept
{
    cached_resolution& c = cache_of(e);
    if (c.rendered_revision != e.revision) {
        // Once per subscription change, not per message (allocates the text).
        c.rendered_ok = _envelopes.render_subscription(e.info, c.rendered);
        c.rendered_revision = e.revision;
    }
    subject s;
    s.info = &e.info;
    s.resolved = &c.resolved;
    s.rendered = c.rendered_ok ? &c.rendered : nullptr;
    s.schema = c.schema.get();
    s.suspended = e.suspended;
    return s;
}

void stage::drop_resolution(const net::ip_address& exporter, std::uint32_t id) noexcept
{
    // Rare (a table eviction): a scan of at most max_subscriptions entries.
    for (auto it = _resolved.begin(); it != _resolved.end(); ++it) {
        if (it->second.id == id && it->second.exporter == exporter) {
            _resolved.erase(it);
            ++_stats.resolutions_dropped;
            break;
        }
    }
    _stats.resolutions_cached = _resolved.size();
}

stage::subject stage::apply_state_change(const message& m,
                                         const yangpush::notification_view& v) noexcept
{
    ++_stats.state_changes;
    const net::ip_address& exporter = m.exporter.addr;
    subject s;
    // A -terminated / -completed removes the subscription: keep its metadata and keying for
    // the record of the notification that ends it.
    bool retired = false;
    if ((v.kind == yangpush::notification_kind::subscription_terminated ||
         v.kind == yangpush::notification_kind::subscription_completed) &&
        v.has_subscription_id) {
        if (const subscription::entry* e = _table.find(exporter, v.subscription_id)) {
            _retired_info = e->info;
            _retired = cache_of(*e);
            _resolved.erase(e);
            ++_stats.resolutions_dropped;
            _stats.resolutions_cached = _resolved.size();
            retired = true;
        }
    }
    const std::int64_t now_ms = m.collection_time_ns / 1'000'000;
    const subscription::apply_result r =
        _table.apply(exporter, v, now_ms > 0 ? static_cast<std::uint64_t>(now_ms) : 0);
    if (r.status != subscription::apply_status::applied) {
        ++_stats.state_changes_rejected;
    }
    if (r.needs_key_resolution()) {
        if (r.evicted) {
            drop_resolution(r.evicted_exporter, r.evicted_id);
        }
        if (r.sub != nullptr) {
            // added, replaced or a -modified that touched filter / target / trigger / modules.
            resolve_into(_resolved[r.sub], *r.sub);
        }
    }
    if (r.sub != nullptr) {
        s = subject_of(*r.sub);
    } else if (retired) {
        s.info = &_retired_info;
        s.resolved = &_retired.resolved;
        s.schema = _retired.schema.get();
    } else if (v.has_subscription_id) {
        // e.g. -suspended / -resumed of a held subscription whose apply changed nothing
        // reported in r.sub, or replay-completed.
        if (const subscription::entry* e = _table.find(exporter, v.subscription_id)) {
            s = subject_of(*e);
        }
    }
    return s;
}

stage::subject stage::lookup_data(const message& m, const yangpush::notification_view& v) noexcept
{
    ++_stats.data_notifications;
    subject s;
    if (const subscription::entry* e = _table.on_data(m.exporter.addr, v)) {
        s = subject_of(*e);
        if (e->suspended) {
            ++_stats.suspended_data;
        }
    }
    return s;
}

process_status stage::process(const message& m, record_sink& sink) noexcept
{
    ++_stats.messages;
    _stats.payload_bytes += m.payload.size();

    // PROTOCOL.md §1 media types: JSON is decoded as received; XML (2) and CBOR (3) become
    // RFC 7951 JSON first, so the envelope payload is JSON whatever the exporter sent (§11.6:
    // private or unassigned types cannot be decoded).
    std::string_view json = m.payload;
    const auto mt = static_cast<udpnotif::media_type>(m.media_type);
    if (m.s_flag || (mt != udpnotif::media_type::json && mt != udpnotif::media_type::xml &&
                     mt != udpnotif::media_type::cbor)) {
        return undecodable(m, sink, undecodable_reason::unsupported_media_type,
                           to_string(undecodable_reason::unsupported_media_type));
    }
    if (mt == udpnotif::media_type::xml) {
        const auto t = _xml.transcode(m.payload, _json);
        if (!t.ok()) {
            return undecodable(m, sink, undecodable_reason::transcode_failed,
                               yangpush::to_string(t.error()));
        }
    } else if (mt == udpnotif::media_type::cbor) {
        const auto t = _cbor.transcode(m.payload, _json);
        if (!t.ok()) {
            return undecodable(m, sink, undecodable_reason::transcode_failed,
                               yangpush::to_string(t.error()));
        }
    }
    if (mt != udpnotif::media_type::json) {
        const std::size_t n = _json.size();
        _json.append(yangpush::required_padding, '\0'); // simdjson reads past the end
        json = std::string_view(_json.data(), n);
    }
    const auto decoded = _decoder.decode_counted(json);
    if (!decoded.ok()) {
        ++_stats.decode_failed[static_cast<std::size_t>(decoded.error())];
        return undecodable(m, sink, undecodable_reason::decode_failed,
                           yangpush::to_string(decoded.error()));
    }
    const yangpush::notification_view& v = decoded.value();

    if (v.has_sequence_number) {
        // §3.2: the envelope sequence-number counts every notification of a publisher
        // process (state changes too), per (exporter, Publisher ID); the table counts verdicts.
        (void)_table.observe_sequence(m.exporter.addr, m.publisher_id, v.sequence_number);
    }
    subject s;
    if (yangpush::is_state_change(v.kind)) {
        s = apply_state_change(m, v);
    } else if (is_data(v.kind)) {
        s = lookup_data(m, v);
    } else {
        ++_stats.other_notifications;
    }

    // §11.13: envelope hostname, else the manifest name, else the operator's map, else the
    // exporter address text.
    const net::ip_address& exporter = m.exporter.addr;
    const envelope::platform_manifest* manifest = _envelopes.find_node_manifest(exporter);
    const std::size_t n_text = exporter.format(_exporter_text);
    const std::string_view node_name = key::choose_node_name({
        v.hostname,
        manifest != nullptr ? std::string_view(manifest->name) : std::string_view(),
        configured_node_name(exporter),
        std::string_view(_exporter_text.data(), n_text),
    });

    key::record_key rk;
    if (s.resolved != nullptr) {
        rk = _keys.derive(*s.resolved, node_name, v);
    } else {
        // §11.7: data before subscription-started (or a state change / other notification for
        // a subscription not held): fallback topic, key with what is known.
        ++_stats.unknown_subscription;
        rk = _keys.derive_unknown(v.subscription_id, node_name);
    }

    envelope::message_input in;
    in.notification = v;
    in.exporter = m.exporter;
    in.collector = m.collector;
    in.collection_time_ns = m.collection_time_ns;
    in.subscription = s.info;
    in.rendered_subscription = s.rendered;
    in.node_manifest = manifest;
    const auto written = _envelopes.write(in, _value);
    if (!written.ok()) {
        ++_stats.envelope_failed[static_cast<std::size_t>(written.error())];
        ++_stats.statuses[static_cast<std::size_t>(process_status::envelope_failed)];
        return process_status::envelope_failed;
    }

    record r;
    r.kind = record_kind::telemetry;
    r.topic = rk.topic;
    r.has_key = rk.has_key;
    r.key = rk.has_key ? rk.key : std::string_view();
    r.value = _value;
    r.value_storage = &_value; // a sink may swap it for a string of its own (no copy)
    r.headers = std::span<const header>(_headers.data(), add_schema_header(s));
    emit(sink, r);
    const process_status status =
        s.resolved != nullptr ? process_status::produced : process_status::produced_fallback;
    ++_stats.statuses[static_cast<std::size_t>(status)];
    return status;
}

process_status stage::undecodable(const message& m, record_sink& sink, undecodable_reason reason,
                                  std::string_view detail) noexcept
{
    ++_stats.undecodable[static_cast<std::size_t>(reason)];
    if (_config.dead_letter_topic.empty()) {
        ++_stats.statuses[static_cast<std::size_t>(process_status::undecodable)];
        return process_status::undecodable;
    }
    const char* type = m.s_flag ? nullptr : udpnotif::content_type(m.media_type);
    _dead_letter_headers[0] = {"content-type", type != nullptr ? type : "application/octet-stream"};
    _dead_letter_headers[1] = {"udpn-error", detail};
    record r;
    r.kind = record_kind::dead_letter;
    r.topic = _config.dead_letter_topic;
    r.has_key = false;
    r.value = m.payload;
    r.headers = _dead_letter_headers;
    emit(sink, r);
    ++_stats.dead_letters;
    ++_stats.statuses[static_cast<std::size_t>(process_status::dead_lettered)];
    return process_status::dead_lettered;
}

std::size_t stage::add_schema_header(const subject& s) noexcept
{
    // PROTOCOL.md §6 (MBI-13 step 8): the schema id travels as a Kafka header beside
    // content-type; §11.22: 4-byte big-endian or decimal text, omitted without a registry. A
    // record whose id is not known yet is produced without it (counted), never held back.
    if (_registry == nullptr) {
        return 1; // content-type only, as without this feature
    }
    using reason = schema_id_missing_reason;
    reason why = reason::no_schema;
    if (s.resolved == nullptr) {
        why = reason::unknown_subscription;
    } else if (s.schema != nullptr) {
        // One acquire load per record: the registry thread publishes the id once.
        if (const std::int64_t id = s.schema->id(); id >= 0) {
            const std::size_t n = registry::format_schema_id(id, _registry->format(), _schema_id);
            _headers[1] = {registry::schema_id_header, std::string_view(_schema_id.data(), n)};
            ++_stats.schema_id_attached;
            return 2;
        }
        why = s.schema->state() == registry::handle_state::failed ? reason::refused
                                                                  : reason::pending;
        if (!s.schema->queued()) {
            _registry->requeue(*s.schema); // the queue was full: ask again (try-lock only)
        }
    }
    ++_stats.schema_id_missing[static_cast<std::size_t>(why)];
    return 1;
}

void stage::emit(record_sink& sink, const record& r) noexcept
{
    ++_stats.records;
    _stats.record_bytes += r.value.size();
    sink.on_record(r);
}

} // namespace udpn::worker
