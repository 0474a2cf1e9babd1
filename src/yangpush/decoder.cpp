#include "yangpush/decoder.hpp"
#include "common/text.hpp"

#include "yangpush/json_read.hpp"

#include <simdjson.h>

#include <charconv>
#include <optional>

namespace udpn::yangpush {

static_assert(required_padding == simdjson::SIMDJSON_PADDING);

namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view envelope_name = "ietf-yp-notification:envelope";

/// RFC 8639 / RFC 8641 notification names (PROTOCOL.md §4), qualified as RFC 7951 requires.
notification_kind kind_of(std::string_view name) noexcept
{
    constexpr std::string_view sn = "ietf-subscribed-notifications:";
    constexpr std::string_view yp = "ietf-yang-push:";
    if (name.starts_with(yp)) {
        const std::string_view local = name.substr(yp.size());
        if (local == "push-update") {
            return notification_kind::push_update;
        }
        if (local == "push-change-update") {
            return notification_kind::push_change_update;
        }
    } else if (name.starts_with(sn)) {
        const std::string_view local = name.substr(sn.size());
        if (local == "subscription-started") {
            return notification_kind::subscription_started;
        }
        if (local == "subscription-modified") {
            return notification_kind::subscription_modified;
        }
        if (local == "subscription-terminated") {
            return notification_kind::subscription_terminated;
        }
        if (local == "subscription-suspended") {
            return notification_kind::subscription_suspended;
        }
        if (local == "subscription-resumed") {
            return notification_kind::subscription_resumed;
        }
        if (local == "subscription-completed") {
            return notification_kind::subscription_completed;
        }
        if (local == "replay-completed") {
            return notification_kind::replay_completed;
        }
    }
    return notification_kind::other;
}

using detail::read_u32;

} // namespace

struct json_decoder::impl {
    od::parser parser;
    od::document doc;
    std::string_view input;

    explicit impl(std::size_t max_bytes) : parser(max_bytes) {}

    /// End of the value just iterated: scan back from the next token to the closing brace.
    const char* end_of_consumed_object() noexcept
    {
        const char* next = nullptr;
        const char* end = input.data() + input.size();
        if (doc.current_location().get(next) || next == nullptr || next > end) {
            next = end;
        }
        const char* p = next;
        while (p > input.data() && p[-1] != '}') {
            --p;
        }
        return p;
    }

    /// Reads the notification member `name: value` (PROTOCOL.md §4) into \p v.
    std::optional<decode_error> notification(std::string_view name, od::value value,
                                             notification_view& v) noexcept
    {
        v.name = name;
        v.kind = kind_of(name);
        od::object obj;
        const std::string_view start = value.raw_json_token();
        if (value.get_object().get(obj)) {
            return decode_error::bad_member_type;
        }
        const bool push = v.kind == notification_kind::push_update ||
                          v.kind == notification_kind::push_change_update;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return decode_error::invalid_json;
            }
            if (key == "id") {
                if (!read_u32(field.value(), v.subscription_id)) {
                    return decode_error::bad_member_type;
                }
                v.has_subscription_id = true;
            } else if (push && key == "ietf-distributed-notif:message-publisher-id") {
                // DIST (PROTOCOL.md §3.3): a uint32 in push-*. It is metadata only, so a
                // non-conformant value (e.g. the leaf-list form) is ignored, not fatal.
                v.has_publisher_id = read_u32(field.value(), v.publisher_id);
            }
            // Everything else (datastore-contents, filters, ...) is skipped here and kept raw.
        }
        const char* end = end_of_consumed_object();
        if (end <= start.data()) {
            return decode_error::invalid_json;
        }
        v.contents = std::string_view(start.data(), static_cast<std::size_t>(end - start.data()));
        return std::nullopt;
    }

    /// `ietf-yp-notification:envelope` (PROTOCOL.md §3.2).
    std::optional<decode_error> envelope(od::value value, notification_view& v) noexcept
    {
        od::object obj;
        if (value.get_object().get(obj)) {
            return decode_error::bad_member_type;
        }
        bool found = false;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return decode_error::invalid_json;
            }
            if (key == "event-time") {
                if (field.value().get_string().get(v.event_time)) {
                    return decode_error::bad_member_type;
                }
            } else if (key == "hostname") {
                if (field.value().get_string().get(v.hostname)) {
                    return decode_error::bad_member_type;
                }
            } else if (key == "sequence-number") {
                if (!read_u32(field.value(), v.sequence_number)) {
                    return decode_error::bad_member_type;
                }
                v.has_sequence_number = true;
            } else if (key == "contents" || key == "notification-contents") {
                // §11.8: ENV-00 named it notification-contents; accept both.
                v.form = key == "contents" ? wrapper_form::envelope : wrapper_form::envelope_legacy;
                od::object contents;
                if (field.value().get_object().get(contents)) {
                    return decode_error::bad_member_type;
                }
                for (auto inner : contents) {
                    std::string_view name;
                    if (inner.unescaped_key().get(name)) {
                        return decode_error::invalid_json;
                    }
                    if (found) {
                        continue; // one notification per envelope; extra members are ignored
                    }
                    if (auto e = notification(name, inner.value(), v)) {
                        return e;
                    }
                    found = true;
                }
            }
        }
        return found ? std::nullopt : std::optional(decode_error::missing_notification);
    }

    /// `ietf-notification:notification`, `ietf-restconf:notification`, `notification`
    /// (PROTOCOL.md §3.1, §11.8): `eventTime` plus one qualified notification member.
    std::optional<decode_error> legacy(od::value value, notification_view& v) noexcept
    {
        od::object obj;
        if (value.get_object().get(obj)) {
            return decode_error::bad_member_type;
        }
        bool found = false;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return decode_error::invalid_json;
            }
            if (key == "eventTime") {
                if (field.value().get_string().get(v.event_time)) {
                    return decode_error::bad_member_type;
                }
            } else if (!found && key.find(':') != std::string_view::npos) {
                if (auto e = notification(key, field.value(), v)) {
                    return e;
                }
                found = true;
            }
        }
        return found ? std::nullopt : std::optional(decode_error::missing_notification);
    }

    result<notification_view, decode_error> decode(std::string_view payload) noexcept
    {
        input = payload;
        const simdjson::padded_string_view padded(payload.data(), payload.size(),
                                                  payload.size() + simdjson::SIMDJSON_PADDING);
        if (parser.iterate(padded).get(doc)) {
            return decode_error::invalid_json;
        }
        od::object root;
        if (const auto err = doc.get_object().get(root)) {
            return err == simdjson::INCORRECT_TYPE ? decode_error::not_an_object
                                                   : decode_error::invalid_json;
        }
        notification_view v;
        v.document = trim(payload);
        bool any = false;
        for (auto field : root) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return decode_error::invalid_json;
            }
            if (any) {
                continue; // RFC 7951 root of a notification has one member; ignore extras
            }
            any = true;
            std::optional<decode_error> e;
            if (key == envelope_name) {
                e = envelope(field.value(), v);
            } else if (key == "ietf-notification:notification") {
                v.form = wrapper_form::ietf_notification;
                e = legacy(field.value(), v);
            } else if (key == "ietf-restconf:notification") {
                v.form = wrapper_form::restconf;
                e = legacy(field.value(), v);
            } else if (key == "notification") {
                v.form = wrapper_form::bare_notification;
                e = legacy(field.value(), v);
            } else if (key.find(':') != std::string_view::npos) {
                v.form = wrapper_form::none;
                e = notification(key, field.value(), v);
            } else {
                return decode_error::unknown_root;
            }
            if (e) {
                return *e;
            }
        }
        if (!any) {
            return decode_error::empty_object;
        }
        // Anything but the end of input after the root object is trailing content.
        const char* next = nullptr;
        if (!doc.current_location().get(next) && next != nullptr &&
            next < payload.data() + payload.size()) {
            return decode_error::trailing_content;
        }
        return v;
    }
};

json_decoder::json_decoder(std::size_t max_document_bytes)
    : _impl(std::make_unique<impl>(max_document_bytes))
{
}

json_decoder::~json_decoder() = default;

result<notification_view, decode_error> json_decoder::decode(std::string_view payload) noexcept
{
    return _impl->decode(payload);
}

result<notification_view, decode_error> json_decoder::decode_counted(std::string_view payload) noexcept
{
    auto r = _impl->decode(payload);
    if (r) {
        ++_stats.decoded;
    } else {
        _stats.count(r.error());
    }
    return r;
}

} // namespace udpn::yangpush
