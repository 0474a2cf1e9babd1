#include "metrics/pipeline_metrics.hpp"

#include "common/latency_histogram.hpp"

#include "dtls/listener.hpp"

#include "envelope/errors.hpp"
#include "input/buffer_pool.hpp"
#include "input/rx_path.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "kafka/errors.hpp"
#include "kafka/stats.hpp"
#include "key/errors.hpp"
#include "metrics/descriptor.hpp"
#include "reassembly/gap_tracker.hpp"
#include "reassembly/table.hpp"
#include "registry/errors.hpp"
#include "subscription/errors.hpp"
#include "subscription/sequence.hpp"
#include "subscription/table.hpp"
#include "udpnotif/errors.hpp"
#include "worker/errors.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/errors.hpp"
#include "yangpush/notification.hpp"
#include "yangpush/subscription.hpp"
#include "yangpush/xml_transcoder.hpp"

#include <cstddef>
#include <cstdio>
#include <string>

namespace udpn::metrics {

namespace {

using pipeline::producer_thread_stats;
using pipeline::rx_thread_stats;
using pipeline::worker_thread_stats;

// ---- label and drop functions for the enum-indexed arrays --------------------------------

/// Reassembly verdicts that drop the whole segment set (PROTOCOL.md §2 steps 3-5); duplicate and
/// late copies lose nothing.
bool reassembly_set_dropped(std::size_t i) noexcept
{
    using reassembly::verdict;
    switch (static_cast<verdict>(i)) {
    case verdict::media_mismatch:
    case verdict::conflicting_last:
    case verdict::beyond_last:
    case verdict::too_many_segments:
    case verdict::too_large:
    case verdict::no_memory: return true;
    default: return false;
    }
}

bool worker_status_dropped(std::size_t i) noexcept
{
    using worker::process_status;
    const auto s = static_cast<process_status>(i);
    return s == process_status::undecodable || s == process_status::envelope_failed;
}

bool every_element(std::size_t /*i*/) noexcept
{
    return true;
}

/// produce_status::queued is not a drop (its dropped[] slot stays 0); every other verdict is.
bool produce_dropped(std::size_t i) noexcept
{
    return static_cast<kafka::produce_status>(i) != kafka::produce_status::queued;
}

/// table_stats::state_changes is indexed from subscription-started (notification_kind order).
const char* state_change_label(std::size_t i) noexcept
{
    const auto first = static_cast<std::size_t>(yangpush::notification_kind::subscription_started);
    return yangpush::to_string(static_cast<yangpush::notification_kind>(first + i));
}

/// subscription_reason::none has the empty identity; a label needs a word.
const char* reason_label(std::size_t i) noexcept
{
    const auto r = static_cast<yangpush::subscription_reason>(i);
    return r == yangpush::subscription_reason::none ? "none" : yangpush::to_string(r);
}

// ---- the tables: one per stats struct ------------------------------------------------------

template <class S> struct tag {
};

template <class S> struct table {
    std::string_view type_name;
    std::span<const field<S>> fields;
};

using input::rx_stats;
constexpr field<rx_stats> rx_path_fields[] = {
    counter("datagrams", &rx_stats::datagrams, "Datagrams given to the RX path.").per_thread(),
    counter("bytes", &rx_stats::bytes,
            "Octets of those datagrams (as received, truncated ones included)."),
    counter("truncated", &rx_stats::truncated,
            "Datagrams dropped: longer than the source's buffer (MSG_TRUNC).")
        .drops(),
    counter("not_allowed", &rx_stats::not_allowed,
            "Datagrams dropped: source address not in the allowlist.")
        .drops(),
    counter("clock_clamped", &rx_stats::clock_clamped,
            "Datagrams older than the path clock (taken at its time)."),
    counter("whole_messages", &rx_stats::whole_messages, "Messages that came in one datagram."),
    counter("in_place_messages", &rx_stats::in_place,
            "Whole messages handed on in the buffer their datagram was received into (no copy)."),
    counter("reassembled_messages", &rx_stats::reassembled_messages,
            "Messages completed from segments."),
    counter("messages", &rx_stats::messages, "Messages put into a buffer for a worker."),
    counter("message_bytes", &rx_stats::message_bytes, "Payload octets of those messages."),
    counter("pool_exhausted", &rx_stats::pool_exhausted,
            "Messages dropped: no free buffer large enough (never allocates).")
        .drops(),
    counter("oversize", &rx_stats::oversize,
            "Messages dropped: larger than the largest buffer class.")
        .drops(),
    // The same messages as udpnotif_rx_queue_full_drops_total (counted as a drop there).
    counter("sink_refused", &rx_stats::sink_refused,
            "Messages the hand-off to the worker queue refused (the same messages as "
            "udpnotif_rx_queue_full_drops_total)."),
};
table<rx_stats> describe(tag<rx_stats>)
{
    return {"input::rx_stats", rx_path_fields};
}

constexpr field<rx_thread_stats> rx_thread_fields[] = {
    counter("queue_full_drops", &rx_thread_stats::queue_full_drops,
            "Messages dropped: worker queue still full after the wait.")
        .drops(),
    counter("queue_full_waits", &rx_thread_stats::queue_full_waits,
            "Hand-offs to a worker queue that had to wait for room."),
    gauge("return_queue_depth", &rx_thread_stats::returns_queued,
          "Buffers waiting in this RX thread's return queue.")
        .per_thread(),
    counter("receive_naps", &rx_thread_stats::naps,
            "Naps the UDP RX thread took after short receive bursts (socket.receive_nap_us)."),
    counter("cpu_seconds", &rx_thread_stats::cpu_ns,
            "CPU time (user + system) of this RX thread or DPDK RX lcore.")
        .per_thread()
        .in_seconds(),
};
table<rx_thread_stats> describe(tag<rx_thread_stats>)
{
    return {"pipeline::rx_thread_stats", rx_thread_fields};
}

using udpnotif::parse_stats;
constexpr field<parse_stats> header_fields[] = {
    counter("accepted", &parse_stats::accepted, "Datagrams whose UDP-notif header parsed."),
    counter("trailing_bytes", &parse_stats::trailing_bytes,
            "Accepted datagrams longer than Message Length (PROTOCOL.md §11.2)."),
    counter("unknown_options", &parse_stats::unknown_options,
            "Options of unknown type, skipped and kept (PROTOCOL.md §11.5)."),
    counter("segmentation_option_not_first", &parse_stats::segmentation_option_not_first,
            "Segmentation options not first among the options, accepted anyway (§11.5)."),
    counter_array<&parse_stats::rejected>(
        "rejected", "reason", &enum_label<udpnotif::parse_error, udpnotif::to_string>,
        "Datagrams dropped: UDP-notif header refused by the parser, by reason "
        "(PROTOCOL.md §2 step 1).")
        .drops(&every_element),
};
table<parse_stats> describe(tag<parse_stats>)
{
    return {"udpnotif::parse_stats", header_fields};
}

using reassembly::reassembly_stats;
constexpr field<reassembly_stats> reassembly_fields[] = {
    counter_array<&reassembly_stats::verdicts>(
        "segments", "verdict", &enum_label<reassembly::verdict, reassembly::to_string>,
        "Datagrams offered to the reassembly table, by verdict: whole, stored and complete go "
        "on; duplicate and late copies are ignored; the others drop their segment set.")
        .drops(&reassembly_set_dropped),
    counter("expired_messages", &reassembly_stats::expired_messages,
            "Incomplete messages dropped by the reassembly timeout or at stop.")
        .drops(),
    counter("expired_segments", &reassembly_stats::expired_segments,
            "Segments those expired messages held."),
    counter("evicted_full", &reassembly_stats::evicted_full,
            "Pending messages dropped to make room: max pending messages reached.")
        .drops(),
    counter("evicted_memory", &reassembly_stats::evicted_memory,
            "Pending messages dropped to make room: max total bytes reached.")
        .drops(),
    counter("evicted_segments", &reassembly_stats::evicted_segments,
            "Segments the evicted messages held."),
    gauge("pending_messages", &reassembly_stats::pending_messages,
          "Messages being reassembled now."),
    gauge("bytes_held", &reassembly_stats::bytes_held,
          "Octets accounted against the reassembly memory limit now."),
};
table<reassembly_stats> describe(tag<reassembly_stats>)
{
    return {"reassembly::reassembly_stats", reassembly_fields};
}

using reassembly::gap_stats;
constexpr field<gap_stats> message_id_fields[] = {
    counter("messages", &gap_stats::messages, "Message IDs observed."),
    counter("missing", &gap_stats::missing,
            "Loss estimate: message IDs skipped and not seen since (PROTOCOL.md §2 step 6)."),
    counter("late", &gap_stats::late, "Message IDs that arrived after a later one (reordering)."),
    counter("duplicates", &gap_stats::duplicates, "Message IDs just seen, seen again."),
    counter("resets", &gap_stats::resets,
            "Message ID jumps too large to be loss (publisher restart)."),
    gauge("streams", &gap_stats::streams, "(exporter, Publisher ID) pairs tracked now."),
    counter("streams_evicted", &gap_stats::streams_evicted,
            "Least recently seen streams dropped from the tracker: table full."),
};
table<gap_stats> describe(tag<gap_stats>)
{
    return {"reassembly::gap_stats", message_id_fields};
}

using input::pool_stats;
constexpr field<pool_stats> pool_fields[] = {
    counter("acquired", &pool_stats::acquired, "Buffers handed out."),
    counter("released", &pool_stats::released, "Buffers returned."),
    counter("exhausted", &pool_stats::exhausted,
            "Acquisitions that failed: no fitting buffer free."),
    counter("oversize", &pool_stats::oversize,
            "Acquisitions that failed: larger than the largest class."),
    counter("upsized", &pool_stats::upsized,
            "Buffers served from a larger class (the fitting one was empty)."),
    counter("foreign_release", &pool_stats::foreign_release,
            "Releases of a buffer of another pool (ignored)."),
    counter("double_release", &pool_stats::double_release,
            "Releases of a buffer already free (ignored)."),
    gauge("in_use", &pool_stats::in_use, "Buffers handed out and not returned now.").per_thread(),
};
table<pool_stats> describe(tag<pool_stats>)
{
    return {"input::pool_stats", pool_fields};
}

using input::source_stats;
constexpr field<source_stats> socket_fields[] = {
    counter("polls", &source_stats::polls, "recvmmsg calls."),
    counter("idle_polls", &source_stats::idle_polls,
            "recvmmsg calls that returned nothing (nothing queued or timeout)."),
    counter("full_polls", &source_stats::full_polls,
            "recvmmsg calls that filled the whole burst (more may be queued)."),
    counter("interrupted", &source_stats::interrupted,
            "recvmmsg calls interrupted by a signal (EINTR)."),
    counter("errors", &source_stats::errors, "recvmmsg calls that failed otherwise."),
    counter("datagrams", &source_stats::datagrams, "Datagrams received from the socket."),
    counter("bytes", &source_stats::bytes, "Octets received (truncated datagrams as cut)."),
    counter("truncated", &source_stats::truncated,
            "Datagrams longer than the receive buffer (MSG_TRUNC), cut."),
    counter("control_truncated", &source_stats::control_truncated,
            "Datagrams whose ancillary data was cut (MSG_CTRUNC)."),
    counter("no_pktinfo", &source_stats::no_pktinfo,
            "Datagrams without a destination-address message: the bound address is used."),
    counter("kernel_drops", &source_stats::kernel_drops,
            "Datagrams the kernel dropped for want of receive-buffer space (SO_RXQ_OVFL).")
        .drops(),
};
table<source_stats> describe(tag<source_stats>)
{
    return {"input::source_stats", socket_fields};
}

using dtls::listener_stats;
constexpr field<listener_stats> dtls_fields[] = {
    counter("datagrams", &listener_stats::datagrams,
            "UDP datagrams the DTLS listener processed."),
    counter("bytes", &listener_stats::bytes, "Octets of those datagrams."),
    counter("truncated", &listener_stats::truncated,
            "Datagrams dropped on the DTLS port: cut by the receive buffer.")
        .drops(),
    counter("not_dtls", &listener_stats::not_dtls,
            "Datagrams dropped on the DTLS port: no session and not a DTLS ClientHello (plain "
            "UDP-notif, garbage).")
        .drops(),
    counter("hello_verify_sent", &listener_stats::hello_verify_sent,
            "HelloVerifyRequests sent (ClientHello without a valid cookie; no state kept)."),
    counter("cookie_mismatches", &listener_stats::cookie_mismatches,
            "ClientHellos whose cookie did not verify (spoofed or stale)."),
    counter("cookie_secret_changes", &listener_stats::cookie_secret_changes,
            "Cookie secrets replaced (dtls.cookie_secret_lifetime_s)."),
    counter("cookie_secret_change_failed", &listener_stats::cookie_secret_change_failed,
            "Cookie secret changes that found no random bytes (the old secret stays)."),
    counter("hello_dropped", &listener_stats::hello_dropped,
            "ClientHello-like datagrams OpenSSL could not parse.")
        .drops(),
    counter("handshake_cap_hits", &listener_stats::handshake_cap_hits,
            "Verified ClientHellos refused: max_handshakes in progress."),
    counter("session_cap_hits", &listener_stats::session_cap_hits,
            "Verified ClientHellos refused: max_sessions reached."),
    counter("handshakes_started", &listener_stats::handshakes_started,
            "Handshakes started after a verified cookie (sessions created)."),
    counter("handshakes_ok", &listener_stats::handshakes_ok,
            "Handshakes completed: exporter authenticated by its certificate."),
    counter_array<&listener_stats::handshake_failed>(
        "handshakes_failed", "reason", &enum_label<dtls::handshake_failure, dtls::to_string>,
        "Handshakes that did not complete, by reason."),
    counter("sessions_replaced", &listener_stats::sessions_replaced,
            "Sessions evicted by a new verified handshake from the same address:port."),
    counter("sessions_idle_closed", &listener_stats::sessions_idle_closed,
            "Sessions closed (close_notify) after the idle timeout."),
    counter("sessions_peer_closed", &listener_stats::sessions_peer_closed,
            "Sessions closed by the exporter's close_notify."),
    counter("sessions_failed", &listener_stats::sessions_failed,
            "Established sessions ended by a fatal DTLS error."),
    counter("sessions_closed_at_stop", &listener_stats::sessions_closed_at_stop,
            "Sessions closed (close_notify) when the receiver stopped."),
    counter("records_discarded", &listener_stats::records_discarded,
            "Datagrams on an established session that gave no application data (records "
            "failing authentication, replays, handshake retransmissions)."),
    counter("framing_errors", &listener_stats::framing_errors,
            "Sessions closed for a bad MSG-LEN SP frame header (PROTOCOL.md §1.3).")
        .drops(),
    counter("messages", &listener_stats::messages,
            "UDP-notif messages decrypted and handed to the RX path."),
    counter("message_bytes", &listener_stats::message_bytes, "Octets of those messages."),
    counter("plaintext_bytes", &listener_stats::plaintext_bytes,
            "Application data octets decrypted."),
    counter("send_errors", &listener_stats::send_errors,
            "sendto() failures of handshake or alert records."),
    gauge("sessions", &listener_stats::sessions, "DTLS sessions now (handshaking and established)."),
    gauge("handshakes", &listener_stats::handshakes, "DTLS handshakes in progress now."),
};
table<listener_stats> describe(tag<listener_stats>)
{
    return {"dtls::listener_stats", dtls_fields};
}

using worker::stage_stats;
constexpr field<stage_stats> stage_fields[] = {
    counter("messages", &stage_stats::messages, "Messages the worker processed.").per_thread(),
    counter("payload_bytes", &stage_stats::payload_bytes, "Payload octets of those messages."),
    counter_array<&stage_stats::statuses>(
        "processed", "status", &enum_label<worker::process_status, worker::to_string>,
        "Messages processed, by outcome (undecodable and envelope_failed are dropped).")
        .drops(&worker_status_dropped),
    counter("records", &stage_stats::records,
            "Records given to the producer (envelopes and dead letters)."),
    counter("record_bytes", &stage_stats::record_bytes, "Value octets of those records."),
    counter("data_notifications", &stage_stats::data_notifications,
            "push-update / push-change-update notifications decoded."),
    counter("state_changes", &stage_stats::state_changes,
            "Subscription state change notifications decoded."),
    counter("other_notifications", &stage_stats::other_notifications,
            "Other notifications (fallback topic)."),
    counter("state_changes_rejected", &stage_stats::state_changes_rejected,
            "State changes the subscription table did not apply."),
    counter("unknown_subscription", &stage_stats::unknown_subscription,
            "Records on the fallback topic: subscription not held (PROTOCOL.md §11.7), or other "
            "notifications."),
    counter("suspended_data", &stage_stats::suspended_data,
            "Data for a subscription marked suspended (produced)."),
    counter_array<&stage_stats::undecodable>(
        "undecodable", "reason", &enum_label<worker::undecodable_reason, worker::to_string>,
        "Undecodable messages, by reason (dead-lettered, or dropped without a dead-letter topic)."),
    counter_array<&stage_stats::decode_failed>(
        "decode_failed", "error", &enum_label<yangpush::decode_error, yangpush::to_string>,
        "Decoder refusals seen by the worker, by error."),
    counter("dead_letters", &stage_stats::dead_letters,
            "Raw payloads forwarded to the dead-letter topic."),
    counter_array<&stage_stats::envelope_failed>(
        "envelope_failed", "error", &enum_label<envelope::envelope_error, envelope::to_string>,
        "Envelope refusals seen by the worker, by error."),
    counter("resolutions", &stage_stats::resolutions,
            "Filters resolved (subscription added or key fields changed)."),
    counter("resolve_failed", &stage_stats::resolve_failed,
            "Resolutions that fell back to the fallback topic (PROTOCOL.md §11.20)."),
    counter("lazy_resolutions", &stage_stats::lazy_resolutions,
            "Filters resolved at the first data (e.g. loaded from the state file)."),
    counter("resolutions_dropped", &stage_stats::resolutions_dropped,
            "Cached resolutions freed: subscription removed or evicted."),
    gauge("resolutions_cached", &stage_stats::resolutions_cached, "Resolutions held now."),
    counter("schema_id_attached", &stage_stats::schema_id_attached,
            "Envelope records that carry the schema-id header (schema registry configured)."),
    counter_array<&stage_stats::schema_id_missing>(
        "schema_id_missing", "reason",
        &enum_label<worker::schema_id_missing_reason, worker::to_string>,
        "Envelope records produced without the schema-id header although a schema registry is "
        "configured, by reason (produced anyway: the counted fallback)."),
};
table<stage_stats> describe(tag<stage_stats>)
{
    return {"worker::stage_stats", stage_fields};
}

constexpr field<worker_thread_stats> worker_thread_fields[] = {
    gauge("queue_depth", &worker_thread_stats::queued,
          "Messages waiting in this worker's queues now.")
        .per_thread(),
    counter("return_failed", &worker_thread_stats::return_failed,
            "Buffers that could not be returned to their RX thread (must stay 0)."),
    counter("record_slots_exhausted", &worker_thread_stats::record_slots_exhausted,
            "Records dropped: every record slot still out after the wait.")
        .drops(),
    counter("record_waits", &worker_thread_stats::record_waits,
            "Records that found every record slot of their worker out (each then waited)."),
    counter("record_copy_failed", &worker_thread_stats::record_copy_failed,
            "Records dropped: copying into a record slot failed (out of memory).")
        .drops(),
    gauge("record_slots_in_use", &worker_thread_stats::slots_in_use,
          "Record slots of this worker out now (queued or producing).")
        .per_thread(),
    gauge("record_slots_used", &worker_thread_stats::slots_used,
          "Record slots of this worker that have held a record since start: the most out at "
          "once (returned slots are reused first). Each keeps the capacity of the largest "
          "record it held.")
        .per_thread(),
    counter("cpu_seconds", &worker_thread_stats::cpu_ns,
            "CPU time (user + system) of this worker thread.")
        .per_thread()
        .in_seconds(),
};
table<worker_thread_stats> describe(tag<worker_thread_stats>)
{
    return {"pipeline::worker_thread_stats", worker_thread_fields};
}

using yangpush::decode_stats;
constexpr field<decode_stats> decode_fields[] = {
    counter("decoded", &decode_stats::decoded, "JSON notifications decoded."),
    counter_array<&decode_stats::failed>("failed", "error",
                                         &enum_label<yangpush::decode_error, yangpush::to_string>,
                                         "JSON payloads the decoder refused, by error."),
};
table<decode_stats> describe(tag<decode_stats>)
{
    return {"yangpush::decode_stats", decode_fields};
}

using yangpush::xml_transcode_stats;
constexpr field<xml_transcode_stats> xml_fields[] = {
    counter("transcoded", &xml_transcode_stats::transcoded, "XML payloads turned into JSON."),
    counter_array<&xml_transcode_stats::failed>(
        "failed", "error", &enum_label<yangpush::xml_transcode_error, yangpush::to_string>,
        "XML payloads the transcoder refused, by error."),
    counter("opaque_content", &xml_transcode_stats::opaque_content,
            "Transcoded with anydata nodes libyang could not type."),
    counter("xpath_prefixes_rewritten", &xml_transcode_stats::xpath_prefixes_rewritten,
            "XPath filter leaves given module names."),
    counter("envelope_members_skipped", &xml_transcode_stats::envelope_members_skipped,
            "Unknown envelope children left out."),
};
table<xml_transcode_stats> describe(tag<xml_transcode_stats>)
{
    return {"yangpush::xml_transcode_stats", xml_fields};
}

using yangpush::cbor_transcode_stats;
constexpr field<cbor_transcode_stats> cbor_fields[] = {
    counter("transcoded", &cbor_transcode_stats::transcoded, "CBOR payloads turned into JSON."),
    counter_array<&cbor_transcode_stats::failed>(
        "failed", "error", &enum_label<yangpush::cbor_transcode_error, yangpush::to_string>,
        "CBOR payloads the transcoder refused, by error."),
    counter("tags_unwrapped", &cbor_transcode_stats::tags_unwrapped,
            "CBOR tags other than 4 dropped from the output."),
};
table<cbor_transcode_stats> describe(tag<cbor_transcode_stats>)
{
    return {"yangpush::cbor_transcode_stats", cbor_fields};
}

using key::resolve_stats;
constexpr field<resolve_stats> resolve_fields[] = {
    counter("resolved", &resolve_stats::resolved, "Subscription filters resolved to branches."),
    counter("by_reference", &resolve_stats::by_reference,
            "By-reference filters (fallback topic, PROTOCOL.md §11.20)."),
    counter("no_filter", &resolve_stats::no_filter,
            "Subscriptions without a filter (fallback topic)."),
    counter("topic_collisions", &resolve_stats::topic_collisions,
            "Topic names given a hash suffix (PROTOCOL.md §11.18)."),
    counter("topic_overflows", &resolve_stats::topic_overflows,
            "Topic names cut to the length limit (PROTOCOL.md §8.2 step 5)."),
    counter_array<&resolve_stats::failed>("failed", "error",
                                          &enum_label<key::resolve_error, key::to_string>,
                                          "Filters that could not be resolved, by error."),
};
table<resolve_stats> describe(tag<resolve_stats>)
{
    return {"key::resolve_stats", resolve_fields};
}

using key::key_stats;
constexpr field<key_stats> key_fields[] = {
    counter_array<&key_stats::events>(
        "events", "event", &enum_label<key::key_event, key::to_string>,
        "Per-record events of topic and Message Key derivation, by event (none stops a record)."),
};
table<key_stats> describe(tag<key_stats>)
{
    return {"key::key_stats", key_fields};
}

using envelope::envelope_stats;
constexpr field<envelope_stats> envelope_fields[] = {
    counter("written", &envelope_stats::written, "Envelopes written."),
    counter("bytes", &envelope_stats::bytes_written, "Octets of all envelopes written."),
    counter_array<&envelope_stats::failed>(
        "failed", "error", &enum_label<envelope::envelope_error, envelope::to_string>,
        "Envelopes that could not be written, by error."),
    counter("unknown_subscription", &envelope_stats::unknown_subscription,
            "Envelopes written without subscription metadata (PROTOCOL.md §11.7)."),
    counter("payload_stripped", &envelope_stats::payload_stripped,
            "Wrapped payloads reduced to the notification member (PROTOCOL.md §11.23)."),
    counter("event_time_dropped", &envelope_stats::event_time_dropped,
            "Event times that are not a valid date-and-time, left out of the metadata."),
    counter("subtree_filter_dropped", &envelope_stats::subtree_filter_dropped,
            "Subtree filters whose text is not a JSON object, left out."),
};
table<envelope_stats> describe(tag<envelope_stats>)
{
    return {"envelope::envelope_stats", envelope_fields};
}

using subscription::table_stats;
constexpr field<table_stats> subscription_fields[] = {
    gauge("active", &table_stats::subscriptions, "Subscriptions held now."),
    counter_array<&table_stats::state_changes>(
        "state_changes", "notification", &state_change_label,
        "Subscription state change notifications, by notification."),
    counter_array<&table_stats::statuses>(
        "apply", "status", &enum_label<subscription::apply_status, subscription::to_string>,
        "State changes offered to the subscription table, by result."),
    counter_array<&table_stats::changes>(
        "changes", "change", &enum_label<subscription::change_kind, subscription::to_string>,
        "Changes made to the subscription table, by kind."),
    counter_array<&table_stats::terminated_reasons>(
        "terminated", "reason", &reason_label, "subscription-terminated notifications, by reason."),
    counter_array<&table_stats::suspended_reasons>(
        "suspended", "reason", &reason_label, "subscription-suspended notifications, by reason."),
    counter("modified_unknown", &table_stats::modified_unknown,
            "subscription-modified for an unknown subscription: added (late start)."),
    counter("evicted", &table_stats::evicted,
            "Least recently used subscriptions dropped: table full."),
    counter("data_messages", &table_stats::data_messages,
            "Data notifications looked up in the table."),
    counter("unknown_subscription", &table_stats::unknown_subscription,
            "Data for a subscription not held (PROTOCOL.md §11.7)."),
    counter("data_without_id", &table_stats::data_without_id,
            "Data notifications without a subscription id."),
    counter("publisher_not_listed", &table_stats::publisher_not_listed,
            "Data whose message-publisher-id is not in the subscription's list (§4.2)."),
    counter("event_time_too_long", &table_stats::event_time_too_long,
            "Data event times longer than kept: not recorded."),
    counter("saves", &table_stats::saves, "State files written."),
    counter("save_failed", &table_stats::save_failed, "State file writes that failed."),
    counter("save_too_large", &table_stats::save_too_large,
            "State file writes refused: over the size limit."),
    counter("loads", &table_stats::loads, "State files read."),
    counter("load_failed", &table_stats::load_failed,
            "State file reads that found a file but loaded nothing."),
    counter("records_loaded", &table_stats::records_loaded, "State file records applied."),
    counter("records_skipped", &table_stats::records_skipped,
            "State file records rejected (corrupt or truncated)."),
};
table<table_stats> describe(tag<table_stats>)
{
    return {"subscription::table_stats", subscription_fields};
}

using subscription::sequence_stats;
constexpr field<sequence_stats> sequence_fields[] = {
    counter("messages", &sequence_stats::messages, "Envelope sequence numbers observed."),
    counter_array<&sequence_stats::verdicts>(
        "numbers", "verdict", &enum_label<subscription::seq_verdict, subscription::to_string>,
        "Envelope sequence numbers, by verdict."),
    counter("missing", &sequence_stats::missing,
            "Loss estimate: sequence numbers skipped and not seen since."),
    counter("wraps", &sequence_stats::wraps, "Sequence number wrap-arounds seen in order."),
    gauge("streams", &sequence_stats::streams,
          "(exporter, Publisher ID) sequence streams tracked now."),
    counter("streams_evicted", &sequence_stats::streams_evicted,
            "Least recently seen sequence streams dropped: tracker full."),
};
table<sequence_stats> describe(tag<sequence_stats>)
{
    return {"subscription::sequence_stats", sequence_fields};
}

using kafka::producer_stats;
constexpr field<producer_stats> kafka_fields[] = {
    counter("queued", &producer_stats::queued, "Records accepted by produce()."),
    counter("queued_bytes", &producer_stats::queued_bytes,
            "Key and value octets of those records."),
    counter("delivered", &producer_stats::delivered, "Records acknowledged by the cluster."),
    counter("delivered_bytes", &producer_stats::delivered_bytes,
            "Key and value octets of those records."),
    counter_array<&producer_stats::failed>("delivery_failed", "error",
                                           &enum_label<kafka::delivery_error, kafka::to_string>,
                                           "Records dropped: delivery failed, by error.")
        .drops(&every_element),
    counter_array<&producer_stats::failed_by_class>(
        "delivery_failed_by_class", "class", &enum_label<kafka::error_class, kafka::to_string>,
        "The same failed deliveries, by error class."),
    counter_array<&producer_stats::dropped>(
        "produce_dropped", "status", &enum_label<kafka::produce_status, kafka::to_string>,
        "Records dropped by produce(), by verdict (queued stays 0).")
        .drops(&produce_dropped),
    counter("queue_full_waits", &producer_stats::queue_full_waits,
            "Bounded waits for room in the producer's local queue."),
    gauge("topics", &producer_stats::topics, "Topic handles held now."),
    counter("topics_created", &producer_stats::topics_created, "Topics the producer created."),
    counter("topic_create_failed", &producer_stats::topic_create_failed,
            "Topic creations that failed or timed out."),
    counter("client_errors", &producer_stats::client_errors,
            "Client error callbacks (transport, all brokers down, ...)."),
    flag_gauge("fatal", &producer_stats::fatal,
               "1 when the producer raised a fatal error (it must be recreated)."),
    int_gauge("last_error", &producer_stats::last_error,
              "librdkafka error code of the latest failure of any kind (0: none)."),
};
table<producer_stats> describe(tag<producer_stats>)
{
    return {"kafka::producer_stats", kafka_fields};
}

constexpr field<producer_thread_stats> producer_thread_fields[] = {
    counter("records", &producer_thread_stats::records,
            "Records the producer thread took from its queue.")
        .per_thread(),
    gauge("queue_depth", &producer_thread_stats::queued,
          "Records waiting in this producer thread's queue now.")
        .per_thread(),
    // The null sink drops on purpose (benchmarks, dry runs): not a loss the rate line reports.
    counter("null_records", &producer_thread_stats::null_records,
            "Null sink: records counted and dropped."),
    counter("null_bytes", &producer_thread_stats::null_bytes,
            "Null sink: key and value octets of those records."),
    counter("cpu_seconds", &producer_thread_stats::cpu_ns,
            "CPU time (user + system) of this producer thread (librdkafka's own threads not "
            "included).")
        .per_thread()
        .in_seconds(),
};
table<producer_thread_stats> describe(tag<producer_thread_stats>)
{
    return {"pipeline::producer_thread_stats", producer_thread_fields};
}

// ---- collecting ----------------------------------------------------------------------------

std::string thread_label(std::size_t i)
{
    return std::to_string(i);
}

std::string family_name(std::string_view stage, std::string_view name, metric_type type)
{
    std::string n(name_prefix);
    n.append(stage);
    n.push_back('_');
    n.append(name);
    if (type == metric_type::counter) {
        n.append("_total");
    }
    return n;
}

template <class S> number scalar_value(const field<S>& f, const S& s)
{
    if (f.u64 != nullptr && f.ns_as_seconds) {
        return static_cast<double>(s.*f.u64) * 1e-9;
    }
    if (f.u64 != nullptr) {
        return s.*f.u64;
    }
    if (f.flag != nullptr) {
        return std::uint64_t{s.*f.flag ? 1u : 0u};
    }
    return std::int64_t{s.*f.integer};
}

number add(const number& a, const number& b)
{
    if (std::holds_alternative<double>(a) || std::holds_alternative<double>(b)) {
        const auto as_d = [](const number& n) {
            return std::visit([](auto v) { return static_cast<double>(v); }, n);
        };
        return as_d(a) + as_d(b);
    }
    if (std::holds_alternative<std::int64_t>(a) || std::holds_alternative<std::int64_t>(b)) {
        const auto as_i = [](const number& n) {
            return std::holds_alternative<std::int64_t>(n)
                       ? std::get<std::int64_t>(n)
                       : static_cast<std::int64_t>(std::get<std::uint64_t>(n));
        };
        return as_i(a) + as_i(b);
    }
    return std::get<std::uint64_t>(a) + std::get<std::uint64_t>(b);
}

const char* element_label(label_fn fn, std::size_t i) noexcept
{
    const char* v = fn != nullptr ? fn(i) : nullptr;
    return v != nullptr && *v != '\0' ? v : "unknown";
}

/// One family per field of \p tbl, over the \p threads' copies of S.
template <class S>
void collect(std::vector<family>& out, std::string_view stage, const table<S>& tbl,
             const std::vector<const S*>& threads)
{
    static const S zero{};
    for (const field<S>& f : tbl.fields) {
        family fam;
        fam.name = family_name(stage, f.name, f.type);
        fam.help = f.help;
        fam.type = f.type;
        if (f.array != nullptr) {
            const std::size_t n = f.array(zero).size();
            const std::string label_name(f.label);
            if (f.where == spread::per_thread) {
                for (std::size_t t = 0; t < threads.size(); ++t) {
                    const auto values = f.array(*threads[t]);
                    for (std::size_t i = 0; i < n; ++i) {
                        fam.samples.push_back({{{"thread", thread_label(t)},
                                                {label_name, element_label(f.label_of, i)}},
                                               values[i],
                                               f.drop_of != nullptr && f.drop_of(i)});
                    }
                }
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    std::uint64_t sum = 0;
                    for (const S* s : threads) {
                        sum += f.array(*s)[i];
                    }
                    fam.samples.push_back({{{label_name, element_label(f.label_of, i)}},
                                           sum,
                                           f.drop_of != nullptr && f.drop_of(i)});
                }
            }
        } else if (f.where == spread::per_thread) {
            for (std::size_t t = 0; t < threads.size(); ++t) {
                fam.samples.push_back(
                    {{{"thread", thread_label(t)}}, scalar_value(f, *threads[t]), f.drop});
            }
        } else {
            number sum = f.integer != nullptr ? number{std::int64_t{0}}
                         : f.ns_as_seconds    ? number{0.0}
                                              : number{std::uint64_t{0}};
            for (const S* s : threads) {
                sum = add(sum, scalar_value(f, *s));
            }
            fam.samples.push_back({{}, sum, f.drop});
        }
        out.push_back(std::move(fam));
    }
}

/// The layout a table claims for S (completeness test).
template <class S> void layout_fields(const table<S>& tbl, struct_layout& into)
{
    for (const field<S>& f : tbl.fields) {
        std::size_t align = alignof(std::uint64_t);
        if (f.flag != nullptr) {
            align = alignof(bool);
        } else if (f.integer != nullptr) {
            align = alignof(int);
        }
        into.members.push_back({f.name, field_offset(f), field_size(f), align});
    }
}

/// One part of a per-thread struct T: a nested module struct with its stage name, or T's own
/// fields (identity).
template <class T> struct part {
    std::string_view stage;
    void (*collect)(std::vector<family>& out, std::string_view stage, const std::vector<T>& ts);
    void (*layout)(std::vector<struct_layout>& all, struct_layout& parent, std::string_view stage);
};

template <auto Member>
void collect_nested(std::vector<family>& out, std::string_view stage,
                    const std::vector<detail::owner_of<Member>>& ts)
{
    using S = typename detail::member_traits<decltype(Member)>::type;
    std::vector<const S*> parts;
    parts.reserve(ts.size());
    for (const auto& t : ts) {
        parts.push_back(&(t.*Member));
    }
    collect(out, stage, describe(tag<S>{}), parts);
}

template <auto Member>
void layout_nested(std::vector<struct_layout>& all, struct_layout& parent, std::string_view stage)
{
    using T = detail::owner_of<Member>;
    using S = typename detail::member_traits<decltype(Member)>::type;
    static const T probe{};
    const auto offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*Member)) -
                                                 reinterpret_cast<const char*>(&probe));
    parent.members.push_back({stage, offset, sizeof(S), alignof(S)});
    const table<S> tbl = describe(tag<S>{});
    struct_layout own{tbl.type_name, sizeof(S), alignof(S), {}};
    layout_fields(tbl, own);
    all.push_back(std::move(own));
}

template <class T>
void collect_own(std::vector<family>& out, std::string_view stage, const std::vector<T>& ts)
{
    std::vector<const T*> parts;
    parts.reserve(ts.size());
    for (const T& t : ts) {
        parts.push_back(&t);
    }
    collect(out, stage, describe(tag<T>{}), parts);
}

template <class T>
void layout_own(std::vector<struct_layout>& /*all*/, struct_layout& parent,
                std::string_view /*stage*/)
{
    layout_fields(describe(tag<T>{}), parent);
}

template <auto Member> constexpr part<detail::owner_of<Member>> nested(std::string_view stage)
{
    return {stage, &collect_nested<Member>, &layout_nested<Member>};
}

template <class T> constexpr part<T> own(std::string_view stage)
{
    return {stage, &collect_own<T>, &layout_own<T>};
}

// The per-thread structs of pipeline.hpp, part by part (order = order in the output).
constexpr part<rx_thread_stats> rx_parts[] = {
    nested<&rx_thread_stats::socket>("socket"),
    nested<&rx_thread_stats::path>("rx"),
    own<rx_thread_stats>("rx"),
    nested<&rx_thread_stats::parse>("header"),
    nested<&rx_thread_stats::reassembly>("reassembly"),
    nested<&rx_thread_stats::gaps>("message_id"),
    nested<&rx_thread_stats::pool>("buffer_pool"),
    nested<&rx_thread_stats::dtls>("dtls"),
};

constexpr part<worker_thread_stats> worker_parts[] = {
    nested<&worker_thread_stats::stage>("worker"),
    own<worker_thread_stats>("worker"),
    nested<&worker_thread_stats::decode>("decode"),
    nested<&worker_thread_stats::xml>("xml_transcode"),
    nested<&worker_thread_stats::cbor>("cbor_transcode"),
    nested<&worker_thread_stats::resolve>("key_resolve"),
    nested<&worker_thread_stats::keys>("key"),
    nested<&worker_thread_stats::envelope>("envelope"),
    nested<&worker_thread_stats::subscriptions>("subscription"),
    nested<&worker_thread_stats::sequences>("sequence"),
};

using registry::registry_stats;
constexpr field<registry_stats> registry_fields[] = {
    counter("requests", &registry_stats::requests,
            "Subscription schemas the workers asked for (at subscription resolution)."),
    counter("cache_hits", &registry_stats::cache_hits,
            "Requests answered by a schema already cached (same subject and modules)."),
    counter("queue_full", &registry_stats::queue_full,
            "Requests the full request queue refused (asked again by the next record)."),
    counter("cache_full", &registry_stats::cache_full,
            "Requests refused because max_schemas schemas are cached (no header)."),
    counter("registered", &registry_stats::registered,
            "Subscription schemas registered (their id is cached)."),
    counter("references_registered", &registry_stats::references_registered,
            "Imported modules registered under their own subject as references."),
    counter("attempts", &registry_stats::attempts, "Registration attempts of subscription schemas."),
    counter("retries", &registry_stats::retries, "Attempts that retried a failed registration."),
    counter("http_requests", &registry_stats::http_requests,
            "HTTP requests sent to the registry (references and lookups included)."),
    counter_array<&registry_stats::failures>(
        "failures", "reason", &enum_label<registry::failure_reason, registry::to_string>,
        "Failed registration attempts, by reason (each retried with backoff)."),
    gauge("schemas", &registry_stats::schemas, "Schemas in the cache, any state."),
    gauge("pending", &registry_stats::pending, "Schemas without an id yet (queued or retrying)."),
};
table<registry_stats> describe(tag<registry_stats>)
{
    return {"registry::registry_stats", registry_fields};
}

constexpr part<registry_stats> registry_parts[] = {
    own<registry_stats>("schema_registry"),
};

/// producer_thread_stats::latency as one Prometheus histogram summed over the producer
/// threads, `udpnotif_pipeline_latency_seconds`: a bucket per power of two from 64 ns (the
/// histogram's own finer slices are merged into octaves), `+Inf`, `_sum`, `_count`.
void collect_latency(std::vector<family>& out, std::string_view /*stage*/,
                     const std::vector<producer_thread_stats>& ts)
{
    latency_histogram all;
    for (const producer_thread_stats& t : ts) {
        all.merge(t.latency);
    }
    family fam{std::string(name_prefix) + "pipeline_latency_seconds",
               "Arrival of a message's completing datagram to its produce call (null sink: its "
               "count), per record.",
               metric_type::histogram,
               {}};
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i + 1 < latency_histogram::n_buckets; ++i) {
        cumulative += all.bucket_count(i);
        const bool octave_end = i == 0 || i % latency_histogram::sub_buckets == 0;
        if (octave_end) {
            char le[32];
            std::snprintf(le, sizeof le, "%.9g",
                          static_cast<double>(latency_histogram::upper_bound_ns(i)) * 1e-9);
            fam.samples.push_back({{{"le", le}}, cumulative, false, "_bucket"});
        }
    }
    fam.samples.push_back({{{"le", "+Inf"}}, all.count(), false, "_bucket"});
    fam.samples.push_back({{}, static_cast<double>(all.sum_ns()) * 1e-9, false, "_sum"});
    fam.samples.push_back({{}, all.count(), false, "_count"});
    out.push_back(std::move(fam));
}

void layout_latency(std::vector<struct_layout>& /*all*/, struct_layout& parent,
                    std::string_view stage)
{
    parent.members.push_back({stage, offsetof(producer_thread_stats, latency),
                              sizeof(latency_histogram), alignof(latency_histogram)});
}

constexpr part<producer_thread_stats> producer_parts[] = {
    own<producer_thread_stats>("producer"),
    nested<&producer_thread_stats::kafka>("kafka"),
    {"latency", &collect_latency, &layout_latency},
};

template <class T, std::size_t N>
void collect_parts(std::vector<family>& out, const part<T> (&parts)[N], const std::vector<T>& ts)
{
    for (const part<T>& p : parts) {
        p.collect(out, p.stage, ts);
    }
}

template <class T, std::size_t N>
void layout_parts(std::vector<struct_layout>& all, std::string_view type_name,
                  const part<T> (&parts)[N])
{
    struct_layout self{type_name, sizeof(T), alignof(T), {}};
    for (const part<T>& p : parts) {
        p.layout(all, self, p.stage);
    }
    all.push_back(std::move(self));
}

} // namespace

std::vector<family> pipeline_families(const pipeline::thread_stats& stats)
{
    std::vector<family> out;
    out.reserve(256);
    family threads{std::string(name_prefix) + "threads",
                   "Threads of the pipeline, by stage.",
                   metric_type::gauge,
                   {}};
    threads.samples.push_back({{{"stage", "rx"}}, std::uint64_t{stats.rx.size()}});
    threads.samples.push_back({{{"stage", "worker"}}, std::uint64_t{stats.workers.size()}});
    threads.samples.push_back({{{"stage", "producer"}}, std::uint64_t{stats.producers.size()}});
    out.push_back(std::move(threads));
    collect_parts(out, rx_parts, stats.rx);
    collect_parts(out, worker_parts, stats.workers);
    collect_parts(out, producer_parts, stats.producers);
    collect_parts(out, registry_parts, stats.registry);
    return out;
}

std::vector<struct_layout> described_layouts()
{
    std::vector<struct_layout> all;
    layout_parts(all, "pipeline::rx_thread_stats", rx_parts);
    layout_parts(all, "pipeline::worker_thread_stats", worker_parts);
    layout_parts(all, "pipeline::producer_thread_stats", producer_parts);
    layout_parts(all, "registry::registry_stats", registry_parts);
    return all;
}

health_status pipeline_health(const pipeline::thread_stats& stats)
{
    health_status h;
    for (std::size_t i = 0; i < stats.producers.size(); ++i) {
        const kafka::producer_stats& p = stats.producers[i].kafka;
        if (p.fatal) {
            if (h.ok) {
                h.ok = false;
            } else {
                h.detail.append("; ");
            }
            h.detail.append("kafka producer " + std::to_string(i) +
                            " in a fatal state (last_error " + std::to_string(p.last_error) + ")");
        }
    }
    return h;
}

} // namespace udpn::metrics
