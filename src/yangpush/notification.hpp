/// \file
/// What the worker needs to know of one notification, as views into the decoded payload.
#pragma once

#include <cstdint>
#include <string_view>

namespace udpn::yangpush {

/// The outer form a notification arrived in (PROTOCOL.md §3, §11.8).
enum class wrapper_form : std::uint8_t {
    envelope,            ///< `ietf-yp-notification:envelope` with `contents` (§3.2)
    envelope_legacy,     ///< envelope with ENV-00's `notification-contents`
    ietf_notification,   ///< `ietf-notification:notification` with `eventTime` (§3.1)
    restconf,            ///< `ietf-restconf:notification` (RFC 8040 §6.4)
    bare_notification,   ///< unqualified `notification` wrapper (seen in the field)
    none,                ///< the notification member itself is the root (`{"ietf-yang-push:push-update": …}`)
};

/// Which notification (RFC 8639 / RFC 8641 names; PROTOCOL.md §4).
enum class notification_kind : std::uint8_t {
    push_update,
    push_change_update,
    subscription_started,
    subscription_modified,
    subscription_terminated,
    subscription_suspended,
    subscription_resumed,
    subscription_completed,
    replay_completed,
    other, ///< any other `module:name` notification (forwarded, no subscription semantics)
};

[[nodiscard]] const char* to_string(wrapper_form f) noexcept;
[[nodiscard]] const char* to_string(notification_kind k) noexcept;

/// True for the subscription state change notifications of RFC 8639 §2.7.
[[nodiscard]] constexpr bool is_state_change(notification_kind k) noexcept
{
    return k >= notification_kind::subscription_started &&
           k <= notification_kind::replay_completed;
}

/// A decoded notification. Every string_view points into the payload given to decode() or
/// into the decoder's own buffers: valid until the next decode() on the same decoder.
struct notification_view {
    wrapper_form form = wrapper_form::none;
    notification_kind kind = notification_kind::other;

    /// `event-time` (envelope) or `eventTime` (legacy wrappers), unescaped; empty when absent.
    std::string_view event_time;
    /// Envelope `hostname`; empty when absent.
    std::string_view hostname;
    bool has_sequence_number = false;
    std::uint32_t sequence_number = 0; ///< envelope `sequence-number` (counter32)
    bool has_subscription_id = false;
    std::uint32_t subscription_id = 0; ///< the notification's `id`
    bool has_publisher_id = false;
    std::uint32_t publisher_id = 0; ///< `ietf-distributed-notif:message-publisher-id` (push-*)

    /// The notification member's name as sent, e.g. `ietf-yang-push:push-update`.
    std::string_view name;
    /// The notification member's value, raw JSON text (an object).
    std::string_view contents;
    /// The whole document, raw JSON text without surrounding whitespace.
    std::string_view document;
};

} // namespace udpn::yangpush
