#include "yangpush/cbor_transcoder.hpp"

#include <cbor.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace udpn::yangpush {

const char* to_string(cbor_transcode_error e) noexcept
{
    switch (e) {
    case cbor_transcode_error::too_large: return "too_large";
    case cbor_transcode_error::truncated: return "truncated";
    case cbor_transcode_error::invalid_cbor: return "invalid_cbor";
    case cbor_transcode_error::trailing_data: return "trailing_data";
    case cbor_transcode_error::not_a_map: return "not_a_map";
    case cbor_transcode_error::sid_keys: return "sid_keys";
    case cbor_transcode_error::bad_key: return "bad_key";
    case cbor_transcode_error::schema_needed: return "schema_needed";
    case cbor_transcode_error::bad_decimal: return "bad_decimal";
    case cbor_transcode_error::invalid_utf8: return "invalid_utf8";
    case cbor_transcode_error::no_json_form: return "no_json_form";
    case cbor_transcode_error::too_deep: return "too_deep";
    case cbor_transcode_error::output_too_large: return "output_too_large";
    case cbor_transcode_error::out_of_memory: return "out_of_memory";
    }
    return "unknown";
}

namespace {

constexpr std::uint32_t max_depth_limit = 1024;

// RFC 9254 §9.3 (CBOR tags registered for YANG).
constexpr std::uint64_t tag_decimal_fraction = 4; // RFC 8949 §3.4.4, decimal64 (RFC 9254 §6.3)
constexpr std::uint64_t tag_yang_bits = 43;
constexpr std::uint64_t tag_yang_instance_id = 46;
constexpr std::uint64_t tag_yang_sid = 47;
/// Largest |exponent| of a tag 4 we print (decimal64 uses -18..0).
constexpr std::int64_t max_decimal_exponent = 64;

/// What kind of item is starting, for the position checks of begin_item().
enum class item_type : std::uint8_t { text, bytes, integer, array, map, decimal, other };

enum class frame_kind : std::uint8_t { array, map, decimal, text_chunks, byte_chunks };

/// One open container (array, map, tag-4 pair) or indefinite-length string.
struct frame {
    frame_kind kind = frame_kind::array;
    bool indefinite = false;
    std::uint64_t remaining = 0; ///< definite: items still expected (a map counts keys and values)
    std::uint64_t n_seen = 0;    ///< items completed so far (map: even = next is a key)
    // tag 4: exponent then mantissa (sign + magnitude).
    std::int64_t exponent = 0;
    bool mantissa_negative = false;
    std::uint64_t mantissa = 0;
    // byte_chunks: base64 input not yet forming a 3-octet group.
    std::uint8_t carry[2] = {0, 0};
    std::uint8_t n_carry = 0;
};

constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of the well-formed UTF-8 sequence at \p p (RFC 3629 §4), 0 when ill-formed.
std::size_t utf8_sequence_length(const unsigned char* p, std::size_t n) noexcept
{
    const unsigned char c = p[0];
    auto cont = [&](std::size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        return i < n && p[i] >= lo && p[i] <= hi;
    };
    if (c >= 0xC2 && c <= 0xDF) {
        return cont(1) ? 2 : 0;
    }
    if (c == 0xE0) {
        return cont(1, 0xA0) && cont(2) ? 3 : 0;
    }
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        return cont(1) && cont(2) ? 3 : 0;
    }
    if (c == 0xED) { // no UTF-16 surrogates
        return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    }
    if (c == 0xF0) {
        return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    }
    if (c >= 0xF1 && c <= 0xF3) {
        return cont(1) && cont(2) && cont(3) ? 4 : 0;
    }
    if (c == 0xF4) {
        return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
}

} // namespace

struct cbor_transcoder::impl {
    cbor_transcoder_config config;
    cbor_callbacks callbacks{};
    std::vector<frame> stack; ///< sized max_depth at construction, never grows
    std::size_t depth = 0;

    // Per transcode().
    std::string* out = nullptr;
    bool failed = false;
    cbor_transcode_error error = cbor_transcode_error::invalid_cbor;
    bool root_done = false;
    bool decimal_pending = false; ///< tag 4 seen, its array not yet
    /// Another tag seen, its content item not yet: RFC 8949 §3.4, a tag is followed by exactly
    /// one data item, so a break there is malformed (found by tests/fuzz/fuzz_decode_cbor).
    bool tag_pending = false;
    std::size_t input_left = 0;   ///< octets from the current item header to the end
    std::size_t item_offset = 0;  ///< offset of the current item header
    std::uint64_t tags_unwrapped = 0;
    char detail[160] = {};

    explicit impl(const cbor_transcoder_config& c) : config(c), stack(c.max_depth)
    {
        callbacks = cbor_empty_callbacks;
        callbacks.uint8 = &on_uint8;
        callbacks.uint16 = &on_uint16;
        callbacks.uint32 = &on_uint32;
        callbacks.uint64 = &on_uint64;
        callbacks.negint8 = &on_negint8;
        callbacks.negint16 = &on_negint16;
        callbacks.negint32 = &on_negint32;
        callbacks.negint64 = &on_negint64;
        // libcbor 0.8 names: byte_string/string are definite, *_start indefinite.
        callbacks.byte_string = &on_byte_string;
        callbacks.byte_string_start = &on_byte_string_start;
        callbacks.string = &on_string;
        callbacks.string_start = &on_string_start;
        callbacks.array_start = &on_array_start;
        callbacks.indef_array_start = &on_indef_array_start;
        callbacks.map_start = &on_map_start;
        callbacks.indef_map_start = &on_indef_map_start;
        callbacks.tag = &on_tag;
        callbacks.float2 = &on_float;
        callbacks.float4 = &on_float;
        callbacks.float8 = &on_double;
        callbacks.undefined = &on_undefined;
        callbacks.null = &on_null;
        callbacks.boolean = &on_boolean;
        callbacks.indef_break = &on_break;
    }

    void reset(std::string& json) noexcept
    {
        out = &json;
        depth = 0;
        failed = false;
        root_done = false;
        decimal_pending = false;
        tag_pending = false;
        tags_unwrapped = 0;
        detail[0] = '\0';
    }

    bool fail(cbor_transcode_error e) noexcept
    {
        if (!failed) {
            failed = true;
            error = e;
            std::snprintf(detail, sizeof detail, "cbor: %s in the item at offset %zu", to_string(e),
                          item_offset);
        }
        return false;
    }

    // ---- output -------------------------------------------------------------------------

    bool emit(const char* s, std::size_t n) noexcept
    {
        if (failed) {
            return false;
        }
        if (out->size() + n > config.max_output_bytes) {
            return fail(cbor_transcode_error::output_too_large);
        }
        try {
            out->append(s, n);
        } catch (...) {
            return fail(cbor_transcode_error::out_of_memory);
        }
        return true;
    }
    bool emit(std::string_view s) noexcept { return emit(s.data(), s.size()); }
    bool emit(char c) noexcept { return emit(&c, 1); }

    /// JSON string body of a CBOR text string (RFC 8259 §7), validating UTF-8 on the way.
    bool emit_escaped(const unsigned char* p, std::size_t n) noexcept
    {
        std::size_t start = 0;
        std::size_t i = 0;
        while (i < n) {
            const unsigned char c = p[i];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ++i;
                continue;
            }
            if (c >= 0x80) {
                const std::size_t len = utf8_sequence_length(p + i, n - i);
                if (len == 0) {
                    return fail(cbor_transcode_error::invalid_utf8);
                }
                i += len;
                continue;
            }
            if (!emit(reinterpret_cast<const char*>(p + start), i - start)) {
                return false;
            }
            char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
            std::size_t n_esc = 2;
            switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            default:
                std::snprintf(esc, sizeof esc, "\\u%04x", c);
                n_esc = 6;
                break;
            }
            if (!emit(esc, n_esc)) {
                return false;
            }
            start = ++i;
        }
        return emit(reinterpret_cast<const char*>(p + start), n - start);
    }

    /// Base64 (RFC 4648 §4) of \p p, continuing the 3-octet group of \p f when chunked; the
    /// final partial group is written by flush_base64().
    bool emit_base64(const unsigned char* p, std::size_t n, frame* f) noexcept
    {
        std::uint8_t group[3];
        std::size_t n_group = 0;
        if (f != nullptr) {
            for (; n_group < f->n_carry; ++n_group) {
                group[n_group] = f->carry[n_group];
            }
            f->n_carry = 0;
        }
        char buf[256];
        std::size_t n_buf = 0;
        for (std::size_t i = 0; i < n; ++i) {
            group[n_group++] = p[i];
            if (n_group < 3) {
                continue;
            }
            buf[n_buf++] = base64_alphabet[group[0] >> 2];
            buf[n_buf++] = base64_alphabet[((group[0] & 0x03) << 4) | (group[1] >> 4)];
            buf[n_buf++] = base64_alphabet[((group[1] & 0x0F) << 2) | (group[2] >> 6)];
            buf[n_buf++] = base64_alphabet[group[2] & 0x3F];
            n_group = 0;
            if (n_buf + 4 > sizeof buf) {
                if (!emit(buf, n_buf)) {
                    return false;
                }
                n_buf = 0;
            }
        }
        if (!emit(buf, n_buf)) {
            return false;
        }
        if (f != nullptr) {
            for (std::size_t i = 0; i < n_group; ++i) {
                f->carry[i] = group[i];
            }
            f->n_carry = static_cast<std::uint8_t>(n_group);
            return true;
        }
        return flush_base64(group, n_group);
    }

    bool flush_base64(const std::uint8_t* group, std::size_t n_group) noexcept
    {
        if (n_group == 0) {
            return true;
        }
        char buf[4] = {base64_alphabet[group[0] >> 2], 0, '=', '='};
        if (n_group == 1) {
            buf[1] = base64_alphabet[(group[0] & 0x03) << 4];
        } else {
            buf[1] = base64_alphabet[((group[0] & 0x03) << 4) | (group[1] >> 4)];
            buf[2] = base64_alphabet[(group[1] & 0x0F) << 2];
        }
        return emit(buf, 4);
    }

    bool emit_u64(std::uint64_t v) noexcept
    {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return emit(buf, static_cast<std::size_t>(r.ptr - buf));
    }

    // ---- structure ----------------------------------------------------------------------

    frame* top() noexcept { return depth == 0 ? nullptr : &stack[depth - 1]; }

    /// True when the item about to start is the value of a map member.
    bool in_member_value() noexcept
    {
        const frame* f = top();
        return f != nullptr && f->kind == frame_kind::map && (f->n_seen & 1) == 1;
    }

    /// Position checks and separators before a new item (not for string chunks and tag-4
    /// integers). False (and failed) when the item may not stand here.
    bool begin_item(item_type t) noexcept
    {
        if (failed) {
            return false;
        }
        tag_pending = false; // this item is the content of any tag before it
        if (decimal_pending && t != item_type::decimal) {
            return fail(cbor_transcode_error::bad_decimal);
        }
        frame* f = top();
        if (f == nullptr) {
            // PROTOCOL.md §3: a notification document is an object.
            return t == item_type::map ? true : fail(cbor_transcode_error::not_a_map);
        }
        switch (f->kind) {
        case frame_kind::text_chunks:
        case frame_kind::byte_chunks:
            // RFC 8949 §3.2.3: only definite strings of the same major type inside.
            return fail(cbor_transcode_error::invalid_cbor);
        case frame_kind::decimal: return fail(cbor_transcode_error::bad_decimal);
        case frame_kind::array: return f->n_seen == 0 || emit(',');
        case frame_kind::map:
            if ((f->n_seen & 1) == 0) {
                if (t == item_type::integer) {
                    // RFC 9254 §3.2: integer keys are (delta) SIDs.
                    return fail(cbor_transcode_error::sid_keys);
                }
                if (t != item_type::text) {
                    return fail(cbor_transcode_error::bad_key);
                }
                return f->n_seen == 0 || emit(',');
            }
            return true;
        }
        return true;
    }

    bool push(frame_kind kind, bool indefinite, std::uint64_t remaining) noexcept
    {
        if (depth >= stack.size()) {
            return fail(cbor_transcode_error::too_deep);
        }
        frame& f = stack[depth++];
        f = frame{};
        f.kind = kind;
        f.indefinite = indefinite;
        f.remaining = remaining;
        return true;
    }

    /// Bookkeeping after an item ended: key/value separator, and closing of every definite
    /// container the item completed.
    void complete_item() noexcept
    {
        while (!failed) {
            frame* f = top();
            if (f == nullptr) {
                root_done = true;
                return;
            }
            const bool was_key = f->kind == frame_kind::map && (f->n_seen & 1) == 0;
            ++f->n_seen;
            if (was_key && !emit(':')) {
                return;
            }
            if (f->indefinite || --f->remaining != 0) {
                return;
            }
            if (!close_top()) {
                return;
            }
        }
    }

    /// Writes the end of the top frame and pops it (the caller completes it in its parent).
    bool close_top() noexcept
    {
        frame& f = stack[depth - 1];
        bool ok = true;
        switch (f.kind) {
        case frame_kind::array: ok = emit(']'); break;
        case frame_kind::map: ok = emit('}'); break;
        case frame_kind::decimal: ok = emit_decimal(f); break;
        case frame_kind::text_chunks: ok = emit('"'); break;
        case frame_kind::byte_chunks: ok = flush_base64(f.carry, f.n_carry) && emit('"'); break;
        }
        --depth;
        return ok;
    }

    /// Tag 4 [exponent, mantissa] as the RFC 7951 decimal64 string, e.g. [-2, 1234] → "12.34".
    bool emit_decimal(const frame& f) noexcept
    {
        char digits[24];
        const auto r = std::to_chars(digits, digits + sizeof digits, f.mantissa);
        const std::size_t n_digits = static_cast<std::size_t>(r.ptr - digits);
        char buf[160];
        std::size_t n = 0;
        buf[n++] = '"';
        if (f.mantissa_negative && f.mantissa != 0) {
            buf[n++] = '-';
        }
        if (f.exponent >= 0) {
            std::memcpy(buf + n, digits, n_digits);
            n += n_digits;
            for (std::int64_t i = 0; i < f.exponent; ++i) {
                buf[n++] = '0';
            }
        } else {
            const auto n_frac = static_cast<std::size_t>(-f.exponent);
            if (n_digits > n_frac) {
                std::memcpy(buf + n, digits, n_digits - n_frac);
                n += n_digits - n_frac;
            } else {
                buf[n++] = '0';
            }
            buf[n++] = '.';
            for (std::size_t i = n_digits; i < n_frac; ++i) {
                buf[n++] = '0';
            }
            const std::size_t from = n_digits > n_frac ? n_digits - n_frac : 0;
            std::memcpy(buf + n, digits + from, n_digits - from);
            n += n_digits - from;
        }
        buf[n++] = '"';
        return emit(buf, n);
    }

    // ---- items --------------------------------------------------------------------------

    /// An integer inside a tag-4 pair; false when the top frame is not one.
    bool decimal_part(bool negative, std::uint64_t magnitude_minus_one_or_value) noexcept
    {
        frame* f = top();
        if (f == nullptr || f->kind != frame_kind::decimal) {
            return false;
        }
        const std::uint64_t v = magnitude_minus_one_or_value;
        if (f->n_seen == 0) {
            // Exponent: v or -1-v, |e| bounded.
            if (v >= static_cast<std::uint64_t>(max_decimal_exponent)) {
                fail(cbor_transcode_error::bad_decimal);
                return true;
            }
            f->exponent =
                negative ? -1 - static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
        } else {
            if (negative && v == std::numeric_limits<std::uint64_t>::max()) {
                fail(cbor_transcode_error::bad_decimal);
                return true;
            }
            f->mantissa_negative = negative;
            f->mantissa = negative ? v + 1 : v;
        }
        complete_item();
        return true;
    }

    void on_unsigned(std::uint64_t v) noexcept
    {
        if (failed || decimal_part(false, v)) {
            return;
        }
        if (begin_item(item_type::integer) && emit_u64(v)) {
            complete_item();
        }
    }

    /// CBOR major type 1: the value is -1 - \p n.
    void on_negative(std::uint64_t n) noexcept
    {
        if (failed || decimal_part(true, n)) {
            return;
        }
        if (!begin_item(item_type::integer) || !emit('-')) {
            return;
        }
        const bool ok = n == std::numeric_limits<std::uint64_t>::max()
                            ? emit(std::string_view("18446744073709551616"))
                            : emit_u64(n + 1);
        if (ok) {
            complete_item();
        }
    }

    void on_text(const unsigned char* p, std::size_t n) noexcept
    {
        if (failed) {
            return;
        }
        frame* f = top();
        if (f != nullptr && f->kind == frame_kind::text_chunks) {
            emit_escaped(p, n); // a chunk: RFC 8949 §3.2.3, each chunk is valid UTF-8 alone
            return;
        }
        if (begin_item(item_type::text) && emit('"') && emit_escaped(p, n) && emit('"')) {
            complete_item();
        }
    }

    void on_bytes(const unsigned char* p, std::size_t n) noexcept
    {
        if (failed) {
            return;
        }
        frame* f = top();
        if (f != nullptr && f->kind == frame_kind::byte_chunks) {
            emit_base64(p, n, f);
            return;
        }
        if (begin_item(item_type::bytes) && emit('"') && emit_base64(p, n, nullptr) && emit('"')) {
            complete_item();
        }
    }

    void on_container(frame_kind kind, bool indefinite, std::size_t size) noexcept
    {
        if (failed) {
            return;
        }
        if (decimal_pending && kind == frame_kind::array) {
            decimal_pending = false;
            if (indefinite || size != 2) {
                fail(cbor_transcode_error::bad_decimal);
                return;
            }
            if (begin_item(item_type::decimal)) {
                push(frame_kind::decimal, false, 2);
            }
            return;
        }
        if (!begin_item(kind == frame_kind::map ? item_type::map : item_type::array)) {
            return;
        }
        // Every item takes at least one octet: a larger count can only be truncated (and
        // checking here keeps 2 * size from overflowing).
        if (!indefinite && size >= input_left) {
            fail(cbor_transcode_error::truncated);
            return;
        }
        if (!emit(kind == frame_kind::map ? '{' : '[')) {
            return;
        }
        if (!indefinite && size == 0) {
            if (emit(kind == frame_kind::map ? '}' : ']')) {
                complete_item();
            }
            return;
        }
        push(kind, indefinite, kind == frame_kind::map ? 2 * std::uint64_t{size} : size);
    }

    void on_string_start(frame_kind kind) noexcept
    {
        if (begin_item(kind == frame_kind::text_chunks ? item_type::text : item_type::bytes) &&
            emit('"')) {
            push(kind, true, 0);
        }
    }

    void on_scalar(std::string_view json) noexcept
    {
        if (begin_item(item_type::other) && emit(json)) {
            complete_item();
        }
    }

    void on_break_item() noexcept
    {
        if (failed) {
            return;
        }
        frame* f = top();
        if (decimal_pending || tag_pending || f == nullptr || !f->indefinite ||
            (f->kind == frame_kind::map && (f->n_seen & 1) == 1)) {
            fail(decimal_pending ? cbor_transcode_error::bad_decimal
                                 : cbor_transcode_error::invalid_cbor);
            return;
        }
        if (close_top()) {
            complete_item();
        }
    }

    void on_tag_item(std::uint64_t tag) noexcept
    {
        if (failed) {
            return;
        }
        const frame* f = top();
        if (f != nullptr &&
            (f->kind == frame_kind::text_chunks || f->kind == frame_kind::byte_chunks)) {
            fail(cbor_transcode_error::invalid_cbor);
            return;
        }
        if (decimal_pending || (f != nullptr && f->kind == frame_kind::decimal)) {
            fail(cbor_transcode_error::bad_decimal);
            return;
        }
        if (tag == tag_decimal_fraction) {
            decimal_pending = true;
        } else if (tag == tag_yang_sid) {
            fail(cbor_transcode_error::sid_keys);
        } else if (tag >= tag_yang_bits && tag <= tag_yang_instance_id) {
            fail(cbor_transcode_error::schema_needed);
        } else {
            ++tags_unwrapped;
            tag_pending = true;
        }
    }

    template <typename Float> void on_floating(Float v) noexcept
    {
        if (!begin_item(item_type::other)) {
            return;
        }
        if (!std::isfinite(v)) {
            fail(cbor_transcode_error::no_json_form);
            return;
        }
        char buf[40];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        if (emit(buf, static_cast<std::size_t>(r.ptr - buf))) {
            complete_item();
        }
    }

    // ---- libcbor callbacks ----------------------------------------------------------------

    static impl& self(void* p) noexcept { return *static_cast<impl*>(p); }
    static void on_uint8(void* p, std::uint8_t v) noexcept { self(p).on_unsigned(v); }
    static void on_uint16(void* p, std::uint16_t v) noexcept { self(p).on_unsigned(v); }
    static void on_uint32(void* p, std::uint32_t v) noexcept { self(p).on_unsigned(v); }
    static void on_uint64(void* p, std::uint64_t v) noexcept { self(p).on_unsigned(v); }
    static void on_negint8(void* p, std::uint8_t v) noexcept { self(p).on_negative(v); }
    static void on_negint16(void* p, std::uint16_t v) noexcept { self(p).on_negative(v); }
    static void on_negint32(void* p, std::uint32_t v) noexcept { self(p).on_negative(v); }
    static void on_negint64(void* p, std::uint64_t v) noexcept { self(p).on_negative(v); }
    static void on_string(void* p, cbor_data s, std::size_t n) noexcept { self(p).on_text(s, n); }
    static void on_byte_string(void* p, cbor_data s, std::size_t n) noexcept
    {
        self(p).on_bytes(s, n);
    }
    static void on_string_start(void* p) noexcept
    {
        self(p).on_string_start(frame_kind::text_chunks);
    }
    static void on_byte_string_start(void* p) noexcept
    {
        self(p).on_string_start(frame_kind::byte_chunks);
    }
    static void on_array_start(void* p, std::size_t n) noexcept
    {
        self(p).on_container(frame_kind::array, false, n);
    }
    static void on_indef_array_start(void* p) noexcept
    {
        self(p).on_container(frame_kind::array, true, 0);
    }
    static void on_map_start(void* p, std::size_t n) noexcept
    {
        self(p).on_container(frame_kind::map, false, n);
    }
    static void on_indef_map_start(void* p) noexcept
    {
        self(p).on_container(frame_kind::map, true, 0);
    }
    static void on_tag(void* p, std::uint64_t v) noexcept { self(p).on_tag_item(v); }
    static void on_float(void* p, float v) noexcept { self(p).on_floating(v); }
    static void on_double(void* p, double v) noexcept { self(p).on_floating(v); }
    static void on_undefined(void* p) noexcept
    {
        impl& s = self(p);
        if (s.begin_item(item_type::other)) {
            s.fail(cbor_transcode_error::no_json_form);
        }
    }
    static void on_null(void* p) noexcept
    {
        impl& s = self(p);
        // RFC 9254 §6.9: null encodes the YANG `empty` type, `[null]` in JSON (RFC 7951 §6.9).
        s.on_scalar(s.in_member_value() ? "[null]" : "null");
    }
    static void on_boolean(void* p, bool v) noexcept { self(p).on_scalar(v ? "true" : "false"); }
    static void on_break(void* p) noexcept { self(p).on_break_item(); }
};

cbor_transcoder::cbor_transcoder(const cbor_transcoder_config& config)
{
    if (const auto problems = validate(config); !problems.empty()) {
        throw std::invalid_argument("yangpush: cbor transcoder: " + problems.front());
    }
    _impl = std::make_unique<impl>(config);
}

std::vector<std::string> validate(const cbor_transcoder_config& config)
{
    std::vector<std::string> problems;
    if (config.max_depth == 0 || config.max_depth > max_depth_limit) {
        problems.push_back("max_depth: " + std::to_string(config.max_depth) +
                           " (must be 1..1024)");
    }
    return problems;
}

cbor_transcoder::~cbor_transcoder() = default;

std::string_view cbor_transcoder::last_error_detail() const noexcept
{
    return _impl->detail;
}

result<std::string_view, cbor_transcode_error>
cbor_transcoder::transcode(std::string_view cbor, std::string& json) noexcept
{
    impl& s = *_impl;
    json.clear();
    s.reset(json);
    const auto* data = reinterpret_cast<const unsigned char*>(cbor.data());
    const std::size_t n = cbor.size();
    std::size_t off = 0;
    if (n > s.config.max_input_bytes) {
        s.fail(cbor_transcode_error::too_large);
    }
    // One call decodes one item header (or a whole definite string); the callbacks keep the
    // nesting state, so the input is walked once with no item tree.
    while (!s.failed && !s.root_done) {
        if (off == n) {
            s.fail(cbor_transcode_error::truncated);
            break;
        }
        s.input_left = n - off;
        s.item_offset = off;
        const cbor_decoder_result r = cbor_stream_decode(data + off, n - off, &s.callbacks, &s);
        if (s.failed) {
            break;
        }
        if (r.status == CBOR_DECODER_NEDATA) {
            s.fail(cbor_transcode_error::truncated);
        } else if (r.status != CBOR_DECODER_FINISHED || r.read == 0) {
            s.fail(cbor_transcode_error::invalid_cbor);
        }
        off += r.read;
    }
    if (!s.failed && off != n) {
        s.item_offset = off;
        s.fail(cbor_transcode_error::trailing_data);
    }
    _stats.tags_unwrapped += s.tags_unwrapped;
    if (s.failed) {
        json.clear();
        _stats.count(s.error);
        return s.error;
    }
    ++_stats.transcoded;
    return std::string_view(json);
}

} // namespace udpn::yangpush
