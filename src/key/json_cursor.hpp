/// \file
/// A small forward-only JSON reader over raw text: no allocation, no recursion, bounds-checked,
/// lenient about number syntax. The key module walks `datastore-contents` / `datastore-changes`
/// with it per message (§7.3 Phase 3) and parses subtree filters with it at start-up. Not a
/// validator: the decoder has already parsed the document; this only has to be safe on any input.
/// On x86-64 (SSE2, always there) strings are searched 16 octets at a time and skipped
/// containers 32 at a time as bit masks; elsewhere 8 at a time in a 64-bit word (SWAR).
#pragma once

#include "common/swar.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#define UDPN_JSON_CURSOR_SSE2 1
#else
#define UDPN_JSON_CURSOR_SSE2 0
#endif

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
        return skip_container(0);
    }

    /// Where the cursor stands (for spans).
    [[nodiscard]] const char* position() const noexcept { return _p; }

  private:
    /// Skips to the bracket that takes the nesting \p depth (0: the cursor stands at the `[` or
    /// `{` of the value to skip) to zero, and past it. Brackets count outside strings only; a
    /// backslash escapes the next byte inside a string. Any bracket closes any (the decoder has
    /// checked the grammar; this only has to find the end).
    bool skip_container(std::size_t depth) noexcept
    {
        bool in_string = false;
#if UDPN_JSON_CURSOR_SSE2
        // Thirty-two bytes per step as bit masks, one bit per byte. A block without a backslash
        // needs no byte loop: the quotes' prefix XOR marks the bytes inside strings (carried
        // from block to block), and only the brackets outside strings are visited, in order.
        // A block with a backslash goes through the byte loop (escapes are rare in telemetry).
        while (_end - _p >= 32) {
            const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(_p));
            const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(_p + 16));
            const auto bits = [](__m128i a, __m128i b, char c) noexcept {
                const __m128i cv = _mm_set1_epi8(c);
                return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, cv))) |
                       (static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, cv)))
                        << 16);
            };
            if (bits(lo, hi, '\\') != 0) {
                const int r = skip_bytes(_p + 32, depth, in_string);
                if (r != 0) {
                    return r > 0 || fail_false();
                }
                continue;
            }
            // '[' | 0x20 == '{' and ']' | 0x20 == '}'; no other byte folds onto either.
            const __m128i fold = _mm_set1_epi8(0x20);
            const __m128i flo = _mm_or_si128(lo, fold);
            const __m128i fhi = _mm_or_si128(hi, fold);
            const std::uint32_t quotes = bits(lo, hi, '"');
            const std::uint32_t opens = bits(flo, fhi, '{');
            const std::uint32_t closes = bits(flo, fhi, '}');
            const std::uint32_t inside = prefix_xor(quotes) ^ (in_string ? ~0u : 0u);
            for (std::uint32_t s = (opens | closes) & ~inside; s != 0; s &= s - 1) {
                const int i = std::countr_zero(s);
                if (((opens >> i) & 1u) != 0) {
                    ++depth;
                } else if (--depth == 0) {
                    _p += i + 1;
                    return true;
                }
            }
            in_string = in_string != ((std::popcount(quotes) & 1) != 0);
            _p += 32;
        }
        const int r = skip_bytes(_end, depth, in_string);
        return r > 0 || fail_false();
#else
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
#endif
    }

#if UDPN_JSON_CURSOR_SSE2
    /// Bit i set when an odd number of the bits 0..i of \p x are set.
    static constexpr std::uint32_t prefix_xor(std::uint32_t x) noexcept
    {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        return x;
    }

    /// skip_container() a byte at a time up to \p limit (an escape may take the cursor one byte
    /// past it): 1 when the container ended, -1 on a truncated escape, 0 at the limit.
    int skip_bytes(const char* limit, std::size_t& depth, bool& in_string) noexcept
    {
        while (_p < limit) {
            const char c = *_p;
            if (in_string) {
                if (c == '\\') {
                    if (_end - _p < 2) {
                        _p = _end;
                        return -1;
                    }
                    _p += 2;
                    continue;
                }
                in_string = c != '"';
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                ++_p;
                return 1;
            }
            ++_p;
        }
        return 0;
    }
#endif

    /// read_string() once the cursor stands at the opening quote (not failed).
    bool string_body(std::string_view& raw, bool& escaped) noexcept
    {
        const char* start = ++_p;
        escaped = false;
        for (;;) {
#if UDPN_JSON_CURSOR_SSE2
            // Sixteen bytes at a time while none is a quote or a backslash (most member names
            // and values end within the first block), then straight to the first one.
            if (_end - _p >= 16) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(_p));
                const auto hits = static_cast<unsigned>(_mm_movemask_epi8(
                    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
                if (hits == 0) {
                    _p += 16;
                    continue;
                }
                _p += std::countr_zero(hits);
            } else
#endif
            {
                // Eight bytes at a time while none is a quote or a backslash, then straight to
                // the first one (the byte loop below handles it).
                while (_end - _p >= 8) {
                    const std::uint64_t x = swar::load8(_p);
                    const std::uint64_t hits =
                        swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\');
                    if (hits != 0) {
                        _p += swar::first_flagged(hits);
                        break;
                    }
                    _p += 8;
                }
                if (_p >= _end) {
                    return fail_false();
                }
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
