/// \file
/// A small forward-only JSON reader over raw text: no allocation, no recursion, bounds-checked,
/// lenient about number syntax. The key module walks `datastore-contents` / `datastore-changes`
/// with it per message (§7.3 Phase 3) and parses subtree filters with it at start-up. Not a
/// validator: the decoder has already parsed the document; this only has to be safe on any input.
#pragma once

#include "common/swar.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace udpn::key::detail {

/// What comes next in the input.
enum class json_token : std::uint8_t { string, number, boolean, null, object, array, invalid };

/// Cursor over JSON text. Copyable (two pointers and two flags), so a caller can look ahead.
/// Thread: the owner of the cursor; the text must stay unchanged while it is read.
class json_cursor {
  public:
    json_cursor() = default;
    explicit json_cursor(std::string_view text) noexcept
        : _p(text.data()), _end(text.data() + text.size())
    {
    }

    /// True once any read failed; every later read fails too.
    [[nodiscard]] bool failed() const noexcept { return _failed; }
    /// Marks the cursor failed (a caller found the wrong type).
    void fail() noexcept { _failed = true; }
    /// True once read_scalar() (or skip_value() of a scalar) took a number token holding a quote
    /// or an opening bracket (`1"x`, `2{`): skip_value() of an enclosing value counts those as
    /// structure, so it may end elsewhere than member-by-member reading. Stays set until
    /// set_odd_number(false).
    [[nodiscard]] bool odd_number() const noexcept { return _odd_number; }
    /// Sets or clears the odd_number() flag.
    void set_odd_number(bool odd) noexcept { _odd_number = odd; }
    /// True when only whitespace is left.
    [[nodiscard]] bool at_end() noexcept
    {
        ws();
        return _p >= _end;
    }

    /// Classifies the next value (skips whitespace first).
    [[nodiscard]] json_token peek() noexcept
    {
        ws();
        if (_failed || _p >= _end) {
            return json_token::invalid;
        }
        switch (*_p) {
        case '"': return json_token::string;
        case '{': return json_token::object;
        case '[': return json_token::array;
        case 't':
        case 'f': return json_token::boolean;
        case 'n': return json_token::null;
        default: break;
        }
        return (*_p == '-' || (*_p >= '0' && *_p <= '9')) ? json_token::number
                                                          : json_token::invalid;
    }

    /// Consumes `{`.
    bool begin_object() noexcept { return expect('{'); }
    /// Consumes `[`.
    bool begin_array() noexcept { return expect('['); }

    /// Moves to the next member of the object opened by begin_object(): on true the cursor is at
    /// the member's value, which the caller must consume. False at `}` (consumed) or on error.
    /// \p first must start true for each object.
    bool next_member(bool& first, std::string_view& raw_name, bool& escaped) noexcept
    {
        ws();
        if (_failed || _p >= _end) {
            return fail_false();
        }
        if (*_p == '}') {
            ++_p;
            return false;
        }
        // Each ws() below skips only what the previous step left; ws() is idempotent, so this
        // reads exactly as expect(',') / read_string() / expect(':') would.
        if (!first) {
            if (*_p != ',') {
                return fail_false();
            }
            ++_p;
            ws();
        }
        first = false;
        if (_p >= _end || *_p != '"' || !string_body(raw_name, escaped)) {
            return fail_false();
        }
        ws();
        if (_p >= _end || *_p != ':') {
            return fail_false();
        }
        ++_p;
        return true;
    }

    /// Moves to the next element of the array opened by begin_array(); false at `]` (consumed)
    /// or on error.
    bool next_element(bool& first) noexcept
    {
        ws();
        if (_failed || _p >= _end) {
            return fail_false();
        }
        if (*_p == ']') {
            ++_p;
            return false;
        }
        if (!first) {
            if (*_p != ',') {
                return fail_false();
            }
            ++_p;
        }
        first = false;
        ws();
        return true;
    }

    /// Reads a string; \p raw is its content between the quotes, still escaped when \p escaped.
    bool read_string(std::string_view& raw, bool& escaped) noexcept
    {
        ws();
        if (_failed || _p >= _end || *_p != '"') {
            return fail_false();
        }
        return string_body(raw, escaped);
    }

    /// Reads a scalar: a string (raw content, see read_string), a number, true/false or null
    /// (their text). False for objects and arrays (nothing consumed).
    bool read_scalar(std::string_view& raw, json_token& kind, bool& escaped) noexcept
    {
        kind = peek();
        escaped = false;
        return scalar_at(kind, raw, escaped);
    }

    /// Skips one value of any type (iterative; nesting depth is not limited).
    bool skip_value() noexcept
    {
        const json_token t = peek();
        if (t != json_token::object && t != json_token::array) {
            std::string_view raw;
            bool e = false;
            return scalar_at(t, raw, e);
        }
        std::size_t depth = 0;
        while (_p < _end) {
            // Eight bytes at a time while none is a quote or a bracket ('[' | 0x20 == '{'), then
            // straight to the first one.
            while (_end - _p >= 8) {
                const std::uint64_t x = swar::load8(_p);
                const std::uint64_t folded = x | 0x2020202020202020ull;
                const std::uint64_t hits =
                    swar::bytes_equal(x, '"') | swar::bytes_equal(folded, '{') |
                    swar::bytes_equal(folded, '}');
                if (hits != 0) {
                    _p += swar::first_flagged(hits);
                    break;
                }
                _p += 8;
            }
            if (_p >= _end) {
                break;
            }
            const char c = *_p;
            if (c == '"') {
                std::string_view raw;
                bool e;
                if (!string_body(raw, e)) {
                    return false;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++_p;
                    return true;
                }
            }
            ++_p;
        }
        return fail_false();
    }

    /// Where the cursor stands (for spans).
    [[nodiscard]] const char* position() const noexcept { return _p; }

  private:
    /// read_string() once the cursor stands at the opening quote (not failed).
    bool string_body(std::string_view& raw, bool& escaped) noexcept
    {
        const char* start = ++_p;
        escaped = false;
        for (;;) {
            // Eight bytes at a time while none is a quote or a backslash, then straight to the
            // first one (the byte loop below handles it).
            while (_end - _p >= 8) {
                const std::uint64_t x = swar::load8(_p);
                const std::uint64_t hits = swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\');
                if (hits != 0) {
                    _p += swar::first_flagged(hits);
                    break;
                }
                _p += 8;
            }
            if (_p >= _end) {
                return fail_false();
            }
            const char c = *_p;
            if (c == '"') {
                raw = std::string_view(start, static_cast<std::size_t>(_p - start));
                ++_p;
                return true;
            }
            if (c == '\\') {
                escaped = true;
                if (_end - _p < 2) {
                    _p = _end;
                    return fail_false();
                }
                _p += 2;
                continue;
            }
            ++_p;
        }
    }

    /// read_scalar() once peek() gave \p kind.
    bool scalar_at(json_token kind, std::string_view& raw, bool& escaped) noexcept
    {
        switch (kind) {
        case json_token::string: return string_body(raw, escaped);
        case json_token::number:
        case json_token::boolean:
        case json_token::null: {
            const char* start = _p;
            while (_p < _end && !is_delimiter(*_p)) {
                ++_p;
            }
            raw = std::string_view(start, static_cast<std::size_t>(_p - start));
            if (kind == json_token::boolean && raw != "true" && raw != "false") {
                return fail_false();
            }
            if (kind == json_token::null && raw != "null") {
                return fail_false();
            }
            if (kind == json_token::number && raw.find_first_of("\"{[") != std::string_view::npos) {
                _odd_number = true;
            }
            return true;
        }
        default: break;
        }
        return fail_false();
    }

    static bool is_delimiter(char c) noexcept
    {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' ||
               c == '\r' || c == ':';
    }
    static bool is_space(char c) noexcept
    {
        // Most calls stand at a non-blank byte: one comparison rules all four out.
        const auto u = static_cast<unsigned char>(c);
        return u <= ' ' && (u == ' ' || u == '\t' || u == '\n' || u == '\r');
    }
    void ws() noexcept
    {
        while (_p < _end && is_space(*_p)) {
            ++_p;
        }
    }
    bool expect(char c) noexcept
    {
        ws();
        if (_failed || _p >= _end || *_p != c) {
            return fail_false();
        }
        ++_p;
        return true;
    }
    bool fail_false() noexcept
    {
        _failed = true;
        return false;
    }

    const char* _p = nullptr;
    const char* _end = nullptr;
    bool _failed = false;
    bool _odd_number = false;
};

/// True when the local name of the member name \p raw (RFC 7951 §4: the text after the first
/// `:`, or all of it when unqualified) equals \p local, which must hold no `:` (a YANG
/// identifier). Same answer as splitting at the first `:` and comparing, without searching for
/// the colon unless the tail matches. Thread: any.
[[nodiscard]] inline bool local_name_is(std::string_view raw, std::string_view local) noexcept
{
    if (raw.size() == local.size()) {
        return raw == local; // a qualified name is longer than its local part
    }
    if (raw.size() < local.size()) {
        return false;
    }
    const std::size_t colon = raw.size() - local.size() - 1;
    return raw[colon] == ':' && raw.compare(colon + 1, local.size(), local) == 0 &&
           raw.find(':') == colon;
}

/// Unescapes the JSON string content \p raw into \p out[0..cap), setting \p len. False on a bad
/// escape or when it does not fit. `\uXXXX` (with surrogate pairs) becomes UTF-8.
/// Thread: any.
bool json_unescape(std::string_view raw, char* out, std::size_t cap, std::size_t& len) noexcept;

/// Start-up variant of json_unescape appending to a std::string. Thread: any.
bool json_unescape(std::string_view raw, std::string& out);

/// True when the unescaped content of \p raw equals \p text (no allocation). Thread: any.
bool json_string_equals(std::string_view raw, bool escaped, std::string_view text) noexcept;

} // namespace udpn::key::detail
