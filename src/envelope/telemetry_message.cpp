#include "envelope/telemetry_message.hpp"
#include "common/text.hpp"

#include "envelope/json_writer.hpp"
#include "envelope/timestamp.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

namespace udpn::envelope {
namespace {

using yangpush::notification_view;
using yangpush::wrapper_form;

// Module names used as JSON member prefixes and identity qualifiers (RFC 7951 §4, §6.8).
constexpr std::string_view tm_root = "ietf-telemetry-message:message";
constexpr std::string_view yptm_subscription =
    "ietf-yang-push-telemetry-message:yang-push-subscription";
constexpr std::string_view ds_module = "ietf-datastores";
constexpr std::string_view sn_module = "ietf-subscribed-notifications";

/// What one write noticed; applied to the counters only when the write succeeds.
struct notes {
    bool unknown_subscription = false;
    bool payload_stripped = false;
    bool event_time_dropped = false;
    bool subtree_filter_dropped = false;
};

/// Adds the notes of a successful write to \p stats.
void count(envelope_stats& stats, const notes& n) noexcept
{
    stats.unknown_subscription += n.unknown_subscription ? 1 : 0;
    stats.payload_stripped += n.payload_stripped ? 1 : 0;
    stats.event_time_dropped += n.event_time_dropped ? 1 : 0;
    stats.subtree_filter_dropped += n.subtree_filter_dropped ? 1 : 0;
}

/// `platform-details` leaves of \p m as members of the current object (PROTOCOL.md §5).
void write_manifest_members(json_writer& w, const platform_manifest& m) noexcept
{
    const auto leaf = [&w](std::string_view name, const std::string& value) noexcept {
        if (!value.empty()) {
            w.plain_key(name);
            w.yang_string(value);
        }
    };
    leaf("name", m.name);
    leaf("vendor", m.vendor);
    if (m.vendor_pen) {
        w.plain_key("vendor-pen");
        w.number(std::uint64_t{*m.vendor_pen});
    }
    leaf("software-version", m.software_version);
    leaf("software-flavor", m.software_flavor);
    leaf("os-version", m.os_version);
    leaf("os-type", m.os_type);
}

void write_manifest(json_writer& w, std::string_view key, const platform_manifest* m) noexcept
{
    if (m == nullptr || m->empty()) {
        return;
    }
    w.plain_key(key);
    w.begin_object();
    write_manifest_members(w, *m);
    w.end_object();
}

/// An inet:host value: the address's usual text form (RFC 5952 for IPv6).
void write_address(json_writer& w, std::string_view key, const net::ip_address& a) noexcept
{
    char text[64];
    const std::size_t n = a.format(text);
    w.plain_key(key);
    w.plain_string(std::string_view(text, n));
}

/// An identityref value: kept when already `module:identity`, else qualified with
/// \p default_module, the module the identity belongs to when the publisher left the prefix
/// out (PROTOCOL.md §3.4, §11.27).
void write_identity(json_writer& w, std::string_view key, std::string_view value,
                    std::string_view default_module) noexcept
{
    w.plain_key(key);
    if (value.find(':') != std::string_view::npos) {
        w.yang_string(value);
    } else {
        w.qualified_string(default_module, value);
    }
}

void write_subscription_value(json_writer& w, const subscription_metadata* sub, profile p,
                              notes& n) noexcept;

/// The yptm `yang-push-subscription` augment (PROTOCOL.md §5, §11.7, §11.27). The seed
/// revision names the module list `module-version`[module-name]{..., revision-label}; the
/// latest one `module`[name]{..., version}.
void write_subscription(json_writer& w, const message_input& in, profile p, notes& n) noexcept
{
    const subscription_metadata* sub = in.subscription;
    const notification_view& v = in.notification;
    if (sub != nullptr && in.rendered_subscription != nullptr) {
        // Rendered once per subscription by render_subscription() (the same code below).
        w.plain_key(yptm_subscription);
        w.raw(in.rendered_subscription->json);
        n.subtree_filter_dropped = in.rendered_subscription->subtree_filter_dropped;
        return;
    }
    if (sub == nullptr) {
        // §11.7: unknown subscription (data before subscription-started, receiver restart):
        // only the id the notification carries; nothing when it carries none.
        n.unknown_subscription = true;
        if (!v.has_subscription_id) {
            return;
        }
        w.plain_key(yptm_subscription);
        w.begin_object();
        w.plain_key("id");
        w.number(std::uint64_t{v.subscription_id});
        w.end_object();
        return;
    }
    w.plain_key(yptm_subscription);
    write_subscription_value(w, sub, p, n);
}

/// The `yang-push-subscription` container's value (an object) for a known subscription.
void write_subscription_value(json_writer& w, const subscription_metadata* sub, profile p,
                              notes& n) noexcept
{
    w.begin_object();
    w.plain_key("id");
    w.number(std::uint64_t{sub->id});

    switch (sub->filter) {
    case filter_kind::xpath:
        w.plain_key("xpath-filter");
        w.yang_string(sub->filter_text);
        break;
    case filter_kind::subtree: {
        // anydata in JSON is an object (RFC 7951 §5.5); anything else (e.g. an XML string,
        // §11.11) cannot be carried in this leaf and is left out.
        const std::string_view text = trim(sub->filter_text);
        if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
            w.plain_key("subtree-filter");
            w.raw(text);
        } else {
            n.subtree_filter_dropped = true;
        }
        break;
    }
    case filter_kind::none: break;
    }

    switch (sub->target) {
    case target_kind::stream:
        w.plain_key("stream");
        w.yang_string(sub->target_value);
        break;
    case target_kind::datastore:
        write_identity(w, "datastore", sub->target_value, ds_module);
        break;
    case target_kind::none: break;
    }

    if (!sub->transport.empty()) {
        write_identity(w, "transport", sub->transport, sn_module);
    }
    if (!sub->encoding.empty()) {
        write_identity(w, "encoding", sub->encoding, sn_module);
    }
    if (!sub->purpose.empty()) {
        w.plain_key("purpose");
        w.yang_string(sub->purpose);
    }

    switch (sub->trigger) {
    case trigger_kind::periodic:
        w.plain_key("periodic");
        w.begin_object();
        if (sub->period) {
            w.plain_key("period");
            w.number(std::uint64_t{*sub->period});
        }
        if (!sub->anchor_time.empty()) {
            w.plain_key("anchor-time");
            w.yang_string(sub->anchor_time);
        }
        w.end_object();
        break;
    case trigger_kind::on_change:
        w.plain_key("on-change");
        w.begin_object();
        if (sub->dampening_period) {
            w.plain_key("dampening-period");
            w.number(std::uint64_t{*sub->dampening_period});
        }
        if (sub->sync_on_start) {
            w.plain_key("sync-on-start");
            w.boolean(*sub->sync_on_start);
        }
        w.end_object();
        break;
    case trigger_kind::none: break;
    }

    if (!sub->modules.empty()) {
        const bool seed = p == profile::seed;
        w.plain_key(seed ? "module-version" : "module");
        w.begin_array();
        for (const module_version& m : sub->modules) {
            w.begin_object();
            w.plain_key(seed ? "module-name" : "name");
            w.yang_string(m.name);
            if (!m.revision.empty()) {
                w.plain_key("revision");
                w.yang_string(m.revision);
            }
            if (!m.version.empty()) {
                w.plain_key(seed ? "revision-label" : "version");
                w.yang_string(m.version);
            }
            w.end_object();
        }
        w.end_array();
    }
    if (!sub->yang_library_content_id.empty()) {
        w.plain_key("yang-library-content-id");
        w.yang_string(sub->yang_library_content_id);
    }
    w.end_object();
}

/// `labels` list. The seed module has only `string-value`, so a number label is written there
/// as its decimal text; the latest module's `number-value` is a uint64, a JSON string per
/// RFC 7951 §6.1 — the same octets either way.
void write_labels(json_writer& w, const std::vector<label>& labels, profile p) noexcept
{
    if (labels.empty()) {
        return;
    }
    w.plain_key("labels");
    w.begin_array();
    for (const label& l : labels) {
        w.begin_object();
        w.plain_key("name");
        w.yang_string(l.name);
        if (l.is_number) {
            w.plain_key(p == profile::latest ? "number-value" : "string-value");
            w.number_string(l.number_value);
        } else {
            w.plain_key("string-value");
            w.yang_string(l.string_value);
        }
        w.end_object();
    }
    w.end_array();
}

/// `payload` anydata (PROTOCOL.md §11.23): an envelope is kept whole; a legacy wrapper
/// (`ietf-notification:notification`, `ietf-restconf:notification`, `notification`) is replaced
/// by the notification member, its eventTime having moved to the envelope metadata; a bare
/// notification is kept as received. With \p strip every form becomes the notification member.
void write_payload(json_writer& w, const notification_view& v, bool strip, notes& n) noexcept
{
    w.plain_key("payload");
    bool member_only = strip;
    switch (v.form) {
    case wrapper_form::ietf_notification:
    case wrapper_form::restconf:
    case wrapper_form::bare_notification: member_only = true; break;
    case wrapper_form::envelope:
    case wrapper_form::envelope_legacy:
    case wrapper_form::none: break;
    }
    if (!member_only) {
        w.raw(v.document);
        return;
    }
    if (v.form != wrapper_form::none) {
        n.payload_stripped = true;
    }
    w.begin_object();
    w.key(v.name);
    w.raw(v.contents);
    w.end_object();
}

/// The event time to copy into the metadata, or empty when absent or not a date-and-time.
std::string_view checked_event_time(const notification_view& v, notes& n) noexcept
{
    if (v.event_time.empty()) {
        return {};
    }
    if (!is_date_and_time(v.event_time)) {
        n.event_time_dropped = true;
        return {};
    }
    return v.event_time;
}

bool address_less(const net::ip_address& a, const net::ip_address& b) noexcept
{
    return std::tie(a.fam, a.bytes) < std::tie(b.fam, b.bytes);
}

} // namespace

const char* to_string(profile p) noexcept
{
    switch (p) {
    case profile::seed: return "seed";
    case profile::latest: return "latest";
    }
    return "unknown";
}

const char* to_string(envelope_error e) noexcept
{
    switch (e) {
    case envelope_error::too_large: return "too_large";
    case envelope_error::no_export_address: return "no_export_address";
    case envelope_error::no_notification: return "no_notification";
    }
    return "unknown";
}

std::vector<std::string> validate(const envelope_config& config)
{
    std::vector<std::string> problems;
    const auto check_manifest = [&problems](const platform_manifest& m, const std::string& where) {
        const std::pair<const char*, const std::string*> leaves[] = {
            {"name", &m.name},
            {"vendor", &m.vendor},
            {"software-version", &m.software_version},
            {"software-flavor", &m.software_flavor},
            {"os-version", &m.os_version},
            {"os-type", &m.os_type},
        };
        for (const auto& [name, value] : leaves) {
            if (value->size() > 1023) {
                problems.push_back(where + "/" + name + ": longer than 1023 octets");
            }
        }
    };
    check_manifest(config.data_collection_manifest, "data-collection-manifest");
    for (std::size_t i = 0; i < config.node_manifests.size(); ++i) {
        const auto& e = config.node_manifests[i];
        const std::string where = "network-node-manifest[" + e.exporter.to_string() + "]";
        if (e.exporter.fam == net::ip_address::family::none) {
            problems.push_back("network-node-manifest #" + std::to_string(i) +
                               ": exporter address missing");
        }
        check_manifest(e.manifest, where);
        for (std::size_t j = 0; j < i; ++j) {
            if (config.node_manifests[j].exporter == e.exporter) {
                problems.push_back(where + ": exporter listed twice");
            }
        }
    }
    for (std::size_t i = 0; i < config.labels.size(); ++i) {
        const label& l = config.labels[i];
        if (l.name.empty()) {
            problems.push_back("labels #" + std::to_string(i) + ": empty name");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (config.labels[j].name == l.name) {
                problems.push_back("labels[" + l.name + "]: name listed twice");
            }
        }
    }
    if (config.max_output_bytes < 1024) {
        problems.push_back("max_output_bytes: below 1024");
    }
    return problems;
}

envelope_writer::envelope_writer(envelope_config config)
    : _config(std::move(config)), _next_sequence(_config.first_sequence_number)
{
    const std::vector<std::string> problems = validate(_config);
    if (!problems.empty()) {
        std::string all = "invalid envelope configuration:";
        for (const std::string& p : problems) {
            all += "\n  " + p;
        }
        throw std::invalid_argument(all);
    }
    _manifests = _config.node_manifests;
    std::sort(_manifests.begin(), _manifests.end(),
              [](const node_manifest_entry& a, const node_manifest_entry& b) {
                  return address_less(a.exporter, b.exporter);
              });
}

bool envelope_writer::render_subscription(const subscription_metadata& sub,
                                          subscription_text& out) const noexcept
{
    out.json.clear();
    json_writer w(out.json, _config.max_output_bytes);
    notes n;
    write_subscription_value(w, &sub, _config.profile, n);
    out.subtree_filter_dropped = n.subtree_filter_dropped;
    if (w.overflowed()) {
        out.json.clear();
        return false;
    }
    return true;
}

const platform_manifest*
envelope_writer::find_node_manifest(const net::ip_address& exporter) const noexcept
{
    const auto it =
        std::lower_bound(_manifests.begin(), _manifests.end(), exporter,
                         [](const node_manifest_entry& e, const net::ip_address& a) noexcept {
                             return address_less(e.exporter, a);
                         });
    return it != _manifests.end() && it->exporter == exporter ? &it->manifest : nullptr;
}

result<std::size_t, envelope_error> envelope_writer::write(const message_input& input,
                                                           std::string& out) noexcept
{
    out.clear();
    const notification_view& v = input.notification;
    envelope_error error{};
    bool failed = false;
    if (v.document.empty() || v.contents.empty() || v.name.empty()) {
        error = envelope_error::no_notification;
        failed = true;
    } else if (input.exporter.addr.fam == net::ip_address::family::none) {
        error = envelope_error::no_export_address;
        failed = true;
    } else if (v.document.size() > _config.max_output_bytes) {
        // Cheap early refusal: the payload alone does not fit.
        error = envelope_error::too_large;
        failed = true;
    } else {
        const bool ok =
            _config.profile == profile::latest ? write_latest(input, out) : write_seed(input, out);
        if (!ok) {
            error = envelope_error::too_large;
            failed = true;
        }
    }
    if (failed) {
        out.clear();
        _stats.count(error);
        return error;
    }
    ++_stats.written;
    _stats.bytes_written += out.size();
    return out.size();
}

bool envelope_writer::write_seed(const message_input& input, std::string& out) noexcept
{
    notes n;
    const notification_view& v = input.notification;
    json_writer w(out, _config.max_output_bytes);
    const timestamp_text collected = to_timestamp(input.collection_time_ns);
    const platform_manifest* node = input.node_manifest != nullptr
                                        ? input.node_manifest
                                        : find_node_manifest(input.exporter.addr);
    w.begin_object();
    w.plain_key(tm_root);
    w.begin_object();
    w.plain_key("timestamp");
    w.plain_string(collected.view());
    // yp-push is defined in ietf-telemetry-message itself: no prefix needed (RFC 7951 §6.8).
    w.plain_key("session-protocol");
    w.plain_string("yp-push");
    write_manifest(w, "network-node-manifest", node);
    write_manifest(w, "data-collection-manifest", &_config.data_collection_manifest);

    const std::string_view event_time = checked_event_time(v, n);
    const bool has_subscription = input.subscription != nullptr || v.has_subscription_id;
    if (!event_time.empty() || has_subscription) {
        w.plain_key("telemetry-message-metadata");
        w.begin_object();
        if (!event_time.empty()) {
            w.plain_key("event-time");
            w.plain_string(event_time); // checked: digits, -:.TZ+ only
        }
        write_subscription(w, input, profile::seed, n);
        w.end_object();
    } else {
        n.unknown_subscription = true;
    }

    w.plain_key("data-collection-metadata");
    w.begin_object();
    write_address(w, "remote-address", input.exporter.addr);
    w.plain_key("remote-port");
    w.number(std::uint64_t{input.exporter.port});
    if (input.collector.addr.fam != net::ip_address::family::none) {
        write_address(w, "local-address", input.collector.addr);
    }
    if (input.collector.port != 0) {
        w.plain_key("local-port");
        w.number(std::uint64_t{input.collector.port});
    }
    write_labels(w, _config.labels, profile::seed);
    w.end_object();

    write_payload(w, v, _config.strip_envelope, n);
    w.end_object();
    w.end_object();
    if (w.overflowed()) {
        return false;
    }
    count(_stats, n);
    return true;
}

bool envelope_writer::write_latest(const message_input& input, std::string& out) noexcept
{
    notes n;
    const notification_view& v = input.notification;
    json_writer w(out, _config.max_output_bytes);
    const timestamp_text collected = to_timestamp(input.collection_time_ns);
    const platform_manifest* node = input.node_manifest != nullptr
                                        ? input.node_manifest
                                        : find_node_manifest(input.exporter.addr);
    w.begin_object();
    w.plain_key(tm_root);
    w.begin_object();
    // Feature network-node-manifest (the consumer's schema must enable it when present).
    write_manifest(w, "network-node-manifest", node);

    w.plain_key("telemetry-message-metadata");
    w.begin_object();
    const std::string_view event_time = checked_event_time(v, n);
    if (!event_time.empty()) {
        w.plain_key("node-export-timestamp");
        w.plain_string(event_time); // checked: digits, -:.TZ+ only
    }
    w.plain_key("collection-timestamp");
    w.plain_string(collected.view());
    // The receiver forwards what the network sent: `log` (PROTOCOL.md §5).
    w.plain_key("notification-event");
    w.plain_string("log");
    w.plain_key("sequence-number");
    w.number(std::uint64_t{_next_sequence});
    // yang-push is defined in ietf-telemetry-message itself: no prefix needed.
    w.plain_key("session-protocol");
    w.plain_string("yang-push");
    write_address(w, "export-address", input.exporter.addr);
    w.plain_key("export-port");
    w.number(std::uint64_t{input.exporter.port});
    if (input.collector.addr.fam != net::ip_address::family::none) {
        write_address(w, "collection-address", input.collector.addr);
    }
    if (input.collector.port != 0) {
        w.plain_key("collection-port");
        w.number(std::uint64_t{input.collector.port});
    }
    write_subscription(w, input, profile::latest, n);
    w.end_object();

    // Feature data-collection-manifest.
    write_manifest(w, "data-collection-manifest", &_config.data_collection_manifest);
    if (!_config.labels.empty()) {
        w.plain_key("network-operator-metadata");
        w.begin_object();
        write_labels(w, _config.labels, profile::latest);
        w.end_object();
    }
    write_payload(w, v, _config.strip_envelope, n);
    w.end_object();
    w.end_object();
    if (w.overflowed()) {
        return false;
    }
    // §11.25: counter32, 1, 2, ..., 4294967295, 0, 1, ... (unsigned wrap-around).
    ++_next_sequence;
    count(_stats, n);
    return true;
}

} // namespace udpn::envelope
