/// \file
/// Writes the `ietf-telemetry-message:message` envelope around one decoded notification, for
/// either standards profile (DESIGN.md §3, PROTOCOL.md §5), chosen once at construction.
///
/// seed (ietf-telemetry-message@2025-04-17, ietf-yang-push-telemetry-message@2025-04-17):
///     {"ietf-telemetry-message:message": {
///        "timestamp", "session-protocol": "yp-push", "network-node-manifest",
///        "data-collection-manifest", "telemetry-message-metadata": {"event-time",
///        "ietf-yang-push-telemetry-message:yang-push-subscription": {...}},
///        "data-collection-metadata": {"remote-address", "remote-port", "local-address",
///        "local-port", "labels"}, "payload"}}
/// latest (ietf-telemetry-message@2026-07-19, sx:structure, + yptm@2026-07-19):
///     {"ietf-telemetry-message:message": {
///        "network-node-manifest", "telemetry-message-metadata": {"node-export-timestamp",
///        "collection-timestamp", "notification-event": "log", "sequence-number",
///        "session-protocol": "yang-push", "export-address", "export-port",
///        "collection-address", "collection-port",
///        "ietf-yang-push-telemetry-message:yang-push-subscription": {...}},
///        "data-collection-manifest", "network-operator-metadata": {"labels"}, "payload"}}
///
/// Members are written in schema order, RFC 7951 rules (PROTOCOL.md §3.4): the augment is
/// module-qualified, identityref values are qualified with their module whenever it differs
/// from the leaf's module (§11.27), uint64 label values are JSON strings.
#pragma once

#include "common/result.hpp"
#include "envelope/config.hpp"
#include "envelope/errors.hpp"
#include "envelope/subscription_metadata.hpp"
#include "net/endpoint.hpp"
#include "yangpush/notification.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::envelope {

/// A subscription's `yang-push-subscription` value rendered once (envelope_writer::
/// render_subscription()), so that each envelope of the subscription copies it instead of
/// writing the same dozen members again.
struct subscription_text {
    std::string json;                    ///< the container's value: one JSON object
    bool subtree_filter_dropped = false; ///< the subtree filter could not be carried (§11.11)
};

/// Everything one envelope is made of besides the static configuration. Plain views: nothing
/// is copied or owned.
struct message_input {
    /// The decoded notification; its string_views must stay valid during write().
    yangpush::notification_view notification;
    /// UDP source of the message (export-address/-port; seed remote-address/-port). Mandatory.
    net::endpoint exporter;
    /// Local UDP endpoint it arrived on (collection-address/-port; seed local-address/-port).
    /// Family none: address omitted; port 0: port omitted.
    net::endpoint collector;
    /// When the message was collected (the last needed segment, PROTOCOL.md §11.24), in
    /// nanoseconds since the Unix epoch, wall clock.
    std::int64_t collection_time_ns = 0;
    /// The subscription this notification belongs to, or nullptr when unknown (§11.7).
    const subscription_metadata* subscription = nullptr;
    /// \p subscription rendered by this writer's render_subscription(); nullptr: written from
    /// \p subscription. Must be the rendering of that same metadata, with this writer's profile.
    const subscription_text* rendered_subscription = nullptr;
    /// The exporter's network-node-manifest; nullptr: looked up in
    /// envelope_config::node_manifests by exporter address (omitted when not found).
    const platform_manifest* node_manifest = nullptr;
};

/// Writes envelopes for one worker. Holds the configuration (copied at construction), the
/// producer sequence counter and counters. Not shared between threads.
class envelope_writer {
  public:
    /// Copies \p config. Throws std::invalid_argument when validate(config) reports a problem
    /// (startup only). Thread: startup.
    explicit envelope_writer(envelope_config config);

    /// Writes one envelope into \p out, replacing its content (\p out is cleared first and its
    /// capacity kept, so steady-state writing allocates nothing once the capacity covers the
    /// largest envelope). On success the latest profile consumes one sequence number.
    /// @return the envelope's size in octets; or an error, with \p out left empty:
    ///   too_large (would exceed max_output_bytes; \p out never grows past it),
    ///   no_export_address, no_notification. Every outcome is counted in stats().
    /// Thread: the owning worker.
    [[nodiscard]] result<std::size_t, envelope_error> write(const message_input& input,
                                                            std::string& out) noexcept;

    /// Renders the `yang-push-subscription` value of \p sub, as write() would, into \p out
    /// (replacing it) for message_input::rendered_subscription. Allocates: call it when a
    /// subscription changes, not per message. @return false (and \p out.json empty) when it
    /// exceeds max_output_bytes. Thread: the owning worker.
    bool render_subscription(const subscription_metadata& sub, subscription_text& out) const noexcept;

    /// The profile chosen at construction. Thread: any.
    [[nodiscard]] envelope::profile profile() const noexcept { return _config.profile; }
    /// Counters. Thread: the owning worker (a stats reader copies them between writes).
    [[nodiscard]] const envelope_stats& stats() const noexcept { return _stats; }
    /// The sequence-number the next successful latest-profile envelope gets (§11.25).
    /// Thread: the owning worker.
    [[nodiscard]] std::uint32_t next_sequence_number() const noexcept { return _next_sequence; }
    /// Sets the next sequence-number (e.g. continue a persisted value after a restart).
    /// Thread: the owning worker.
    void set_next_sequence_number(std::uint32_t n) noexcept { _next_sequence = n; }
    /// The configured network-node-manifest of \p exporter, or nullptr. No allocation
    /// (binary search). Thread: any.
    [[nodiscard]] const platform_manifest*
    find_node_manifest(const net::ip_address& exporter) const noexcept;

  private:
    bool write_seed(const message_input& input, std::string& out) noexcept;
    bool write_latest(const message_input& input, std::string& out) noexcept;

    envelope_config _config;
    std::vector<node_manifest_entry> _manifests; // sorted by address for find_node_manifest()
    std::uint32_t _next_sequence;
    envelope_stats _stats;
};

} // namespace udpn::envelope
