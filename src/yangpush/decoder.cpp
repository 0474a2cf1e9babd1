#include "yangpush/decoder.hpp"
#include "common/swar.hpp"
#include "common/text.hpp"

#include "yangpush/json_number.hpp"
#include "yangpush/json_read.hpp"

#include <simdjson.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

namespace udpn::yangpush {

static_assert(required_padding == simdjson::SIMDJSON_PADDING);

namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view envelope_name = "ietf-yp-notification:envelope";

/// The first `"` or `\` at or after \p p, 8 octets at a time (SWAR zero-byte test; the lowest
/// flagged byte is exact). Only for a position inside a string of a document simdjson's first
/// stage accepted: its closing quote exists, and the document's SIMDJSON_PADDING covers the
/// over-read of the last word.
const char* quote_or_backslash(const char* p) noexcept
{
    for (;; p += 8) {
        const std::uint64_t x = swar::load8(p);
        const std::uint64_t hit = swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\');
        if (hit != 0) {
            if constexpr (std::endian::native == std::endian::little) {
                return p + swar::first_flagged(hit);
            } else {
                while (*p != '"' && *p != '\\') {
                    ++p; // the first match lies within this word
                }
                return p;
            }
        }
    }
}

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

using detail::is_json_number;
using detail::read_u32;

/// A uint32 from the text of a scalar that validate() accepted: a number, or (leniently, as
/// read_u32) a string of decimal digits without escapes. False for anything else.
bool u32_of_token(std::string_view token, std::uint32_t& out) noexcept
{
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
        token = token.substr(1, token.size() - 2);
    }
    std::uint64_t n = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
    if (ec != std::errc() || ptr != token.data() + token.size() || token.empty() ||
        n > 0xffffffffULL) {
        return false;
    }
    out = static_cast<std::uint32_t>(n);
    return true;
}

} // namespace

struct json_decoder::impl {
    od::parser parser;
    od::document doc;
    std::string_view input;
    /// The document holds a backslash somewhere: only then can a string or member name hold an
    /// escape that validate() must check (one memchr per document, not a scan of every string).
    bool has_backslash = true;

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
                // non-conformant value (e.g. the leaf-list form) is ignored, not fatal; it is
                // checked like any other value, then read from its text.
                od::value pv = field.value();
                const std::string_view token = pv.raw_json_token();
                if (!validate(pv)) {
                    return decode_error::invalid_json;
                }
                v.has_publisher_id = u32_of_token(trim(token), v.publisher_id);
            } else if (!validate(field.value())) {
                // Everything else (datastore-contents, filters, ...) is checked and kept raw.
                return decode_error::invalid_json;
            }
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
                        // One notification per envelope; extra members are ignored (checked).
                        if (!validate(inner.value())) {
                            return decode_error::invalid_json;
                        }
                        continue;
                    }
                    if (auto e = notification(name, inner.value(), v)) {
                        return e;
                    }
                    found = true;
                }
            } else if (!validate(field.value())) {
                return decode_error::invalid_json;
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
            } else if (!validate(field.value())) {
                return decode_error::invalid_json;
            }
        }
        return found ? std::nullopt : std::optional(decode_error::missing_notification);
    }

    /// Reads every value below \p v, so that the on-demand parser checks all of it: it only
    /// validates what it is asked for, and the envelope copies the document (or its notification
    /// member) raw into the Kafka record, so a malformed part we would otherwise skip (a member
    /// without its colon, `tru`, a bad number or escape) must fail the decode (found by
    /// tests/fuzz/fuzz_decode_json). The decoder calls it on every value its readers do not
    /// consume. Recursion depth is bounded by the parser's max_depth.
    /// Allocates nothing: strings are unescaped into the parser's own buffer.
    bool validate(od::value v) const noexcept
    {
        od::json_type t;
        if (v.type().get(t)) {
            return false;
        }
        switch (t) {
        case od::json_type::object: {
            od::object obj;
            if (v.get_object().get(obj)) {
                return false;
            }
            for (auto field : obj) {
                od::field f;
                if (std::move(field).get(f) || !valid_key(f) || !validate(f.value())) {
                    return false;
                }
            }
            return true;
        }
        case od::json_type::array: {
            od::array arr;
            if (v.get_array().get(arr)) {
                return false;
            }
            for (auto element : arr) {
                od::value child;
                if (element.get(child) || !validate(child)) {
                    return false;
                }
            }
            return true;
        }
        // Every scalar is consumed (a value left unread is skipped without checking what
        // follows it, e.g. a `:` after a string value).
        case od::json_type::string: {
            // simdjson's first stage has checked UTF-8, the closing quote and unescaped control
            // characters; only escapes are left, so only a string holding one is unescaped
            // (none does in a document without a backslash).
            if (!has_backslash || *quote_or_backslash(v.raw_json_token().data() + 1) == '"') {
                od::raw_json_string raw;
                return !v.get_raw_json_string().get(raw);
            }
            std::string_view text;
            return !v.get_string().get(text);
        }
        case od::json_type::number: {
            // The grammar first (simdjson's integer parsers refuse values beyond 64 bits, which
            // are valid JSON: the CBOR transcoder writes -2^64), then read as a double, which
            // takes any such integer; only magnitudes beyond the double range are refused.
            double d = 0;
            return is_json_number(trim(v.raw_json_token())) && !v.get_double().get(d);
        }
        case od::json_type::boolean: {
            bool b = false;
            return !v.get_bool().get(b);
        }
        case od::json_type::null: {
            bool is_null = false;
            return !v.is_null().get(is_null) && is_null;
        }
        }
        return false;
    }

    /// A member name is well-formed: as for string values, only one holding an escape needs
    /// unescaping (the scan stops at the closing quote, found by simdjson's first stage).
    bool valid_key(od::field& f) const noexcept
    {
        if (has_backslash && *quote_or_backslash(f.key().raw()) == '\\') {
            std::string_view key;
            return !f.unescaped_key().get(key);
        }
        return true;
    }

    result<notification_view, decode_error> decode(std::string_view payload) noexcept
    {
        input = payload;
        has_backslash = std::memchr(payload.data(), '\\', payload.size()) != nullptr;
        const simdjson::padded_string_view padded(payload.data(), payload.size(),
                                                  payload.size() + simdjson::SIMDJSON_PADDING);
        if (parser.iterate(padded).get(doc)) {
            return decode_error::invalid_json;
        }
        // One pass: the members we read are read (and so checked) by their readers, every
        // other value is checked by validate(), so the whole document is RFC 8259 JSON when
        // decode() succeeds. (A separate validation walk first cost a third of the worker
        // stage at 1 KB; simdjson's DOM parser as the checker costs about the same.)
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
                // RFC 7951 root of a notification has one member; extras are ignored (checked).
                if (!validate(field.value())) {
                    return decode_error::invalid_json;
                }
                continue;
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
