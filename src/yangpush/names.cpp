#include "yangpush/errors.hpp"
#include "yangpush/notification.hpp"

namespace udpn::yangpush {

const char* to_string(decode_error e) noexcept
{
    switch (e) {
    case decode_error::invalid_json: return "invalid_json";
    case decode_error::not_an_object: return "not_an_object";
    case decode_error::empty_object: return "empty_object";
    case decode_error::unknown_root: return "unknown_root";
    case decode_error::missing_notification: return "missing_notification";
    case decode_error::bad_member_type: return "bad_member_type";
    case decode_error::trailing_content: return "trailing_content";
    }
    return "unknown";
}

const char* to_string(wrapper_form f) noexcept
{
    switch (f) {
    case wrapper_form::envelope: return "envelope";
    case wrapper_form::envelope_legacy: return "envelope_legacy";
    case wrapper_form::ietf_notification: return "ietf_notification";
    case wrapper_form::restconf: return "restconf";
    case wrapper_form::bare_notification: return "bare_notification";
    case wrapper_form::none: return "none";
    }
    return "unknown";
}

const char* to_string(notification_kind k) noexcept
{
    switch (k) {
    case notification_kind::push_update: return "push-update";
    case notification_kind::push_change_update: return "push-change-update";
    case notification_kind::subscription_started: return "subscription-started";
    case notification_kind::subscription_modified: return "subscription-modified";
    case notification_kind::subscription_terminated: return "subscription-terminated";
    case notification_kind::subscription_suspended: return "subscription-suspended";
    case notification_kind::subscription_resumed: return "subscription-resumed";
    case notification_kind::subscription_completed: return "subscription-completed";
    case notification_kind::replay_completed: return "replay-completed";
    case notification_kind::other: return "other";
    }
    return "unknown";
}

} // namespace udpn::yangpush
