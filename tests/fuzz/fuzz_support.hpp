/// \file
/// Shared helpers of the libFuzzer targets (tests/fuzz): an invariant check that aborts (so
/// libFuzzer records the input as a crash), a byte reader over the fuzz input, the YANG
/// directory, padded copies for simdjson, and a strict JSON check with simdjson's DOM parser
/// (used here only; the product parses with on-demand).
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

/// Aborts with the failed invariant when \p cond is false. Never compiled out (not assert()).
#define UDPN_FUZZ_CHECK(cond, what)                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s (%s)\n", __FILE__, __LINE__,  \
                         #cond, what);                                                             \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

namespace udpn::fuzz {

/// Reads the fuzz input front to back; past the end every read returns 0 / empty.
class byte_reader {
  public:
    byte_reader(const std::uint8_t* data, std::size_t size) noexcept : _p(data), _end(data + size)
    {
    }

    [[nodiscard]] bool empty() const noexcept { return _p >= _end; }
    [[nodiscard]] std::size_t left() const noexcept { return static_cast<std::size_t>(_end - _p); }

    std::uint8_t u8() noexcept { return _p < _end ? *_p++ : 0; }
    std::uint16_t u16() noexcept
    {
        const std::uint16_t hi = u8();
        return static_cast<std::uint16_t>((hi << 8) | u8());
    }
    /// The next \p n octets (fewer at the end of input).
    std::string_view take(std::size_t n) noexcept
    {
        const std::size_t k = n < left() ? n : left();
        std::string_view s(reinterpret_cast<const char*>(_p), k);
        _p += k;
        return s;
    }
    /// Everything left.
    std::string_view rest() noexcept { return take(left()); }

  private:
    const std::uint8_t* _p;
    const std::uint8_t* _end;
};

/// Splits \p text on \p sep (every piece kept, empty ones too), at most \p max_pieces pieces
/// (the last one takes the remainder).
inline std::vector<std::string_view> split(std::string_view text, std::string_view sep,
                                           std::size_t max_pieces)
{
    std::vector<std::string_view> out;
    while (out.size() + 1 < max_pieces) {
        const auto at = text.find(sep);
        if (at == std::string_view::npos) {
            break;
        }
        out.push_back(text.substr(0, at));
        text.remove_prefix(at + sep.size());
    }
    out.push_back(text);
    return out;
}

/// The YANG modules directory: $UDPN_YANG_DIR, else the ../shared/yang path meson compiled in.
inline std::string yang_dir()
{
    if (const char* env = std::getenv("UDPN_YANG_DIR"); env != nullptr && *env != '\0') {
        return env;
    }
    return UDPN_FUZZ_YANG_DIR;
}

/// \p text copied into a buffer followed by simdjson's padding (garbage, not zeros, so a reader
/// that takes the padding for content is caught).
class padded_copy {
  public:
    explicit padded_copy(std::string_view text)
        : _buf(std::string(text) + std::string(simdjson::SIMDJSON_PADDING, '}')), _len(text.size())
    {
    }
    [[nodiscard]] std::string_view view() const noexcept { return {_buf.data(), _len}; }

  private:
    std::string _buf;
    std::size_t _len;
};

/// An RFC 8259 checker written here, independent of simdjson: whitespace, objects, arrays,
/// strings (escapes, no raw control characters, well-formed UTF-8, \\u surrogates in pairs),
/// numbers by grammar (any size), literals; nesting up to 1024 (simdjson's default limit).
class rfc8259_checker {
  public:
    static bool valid(std::string_view text)
    {
        rfc8259_checker c(text);
        c.ws();
        if (!c.value(0)) {
            return false;
        }
        c.ws();
        return c._i == c._s.size();
    }

  private:
    explicit rfc8259_checker(std::string_view s) : _s(s) {}

    [[nodiscard]] int peek() const
    {
        return _i < _s.size() ? static_cast<unsigned char>(_s[_i]) : -1;
    }
    void ws()
    {
        while (_i < _s.size() &&
               (_s[_i] == ' ' || _s[_i] == '\t' || _s[_i] == '\n' || _s[_i] == '\r')) {
            ++_i;
        }
    }
    bool lit(std::string_view w)
    {
        if (_s.substr(_i, w.size()) != w) {
            return false;
        }
        _i += w.size();
        return true;
    }
    bool digits()
    {
        const std::size_t start = _i;
        while (peek() >= '0' && peek() <= '9') {
            ++_i;
        }
        return _i > start;
    }
    bool number()
    {
        if (peek() == '-') {
            ++_i;
        }
        if (peek() == '0') {
            ++_i;
        } else if (!(peek() >= '1' && peek() <= '9') || !digits()) {
            return false;
        }
        if (peek() == '.') {
            ++_i;
            if (!digits()) {
                return false;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            ++_i;
            if (peek() == '+' || peek() == '-') {
                ++_i;
            }
            if (!digits()) {
                return false;
            }
        }
        return true;
    }
    bool hex4(unsigned& v)
    {
        v = 0;
        for (int k = 0; k < 4; ++k) {
            const int c = peek();
            int d = -1;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            }
            if (d < 0) {
                return false;
            }
            v = v * 16 + static_cast<unsigned>(d);
            ++_i;
        }
        return true;
    }
    /// One UTF-8 sequence starting at _i (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
    bool utf8()
    {
        const int c0 = peek();
        int n = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xBF;
        if (c0 >= 0xC2 && c0 <= 0xDF) {
            n = 1;
        } else if (c0 >= 0xE0 && c0 <= 0xEF) {
            n = 2;
            lo = c0 == 0xE0 ? 0xA0 : 0x80;
            hi = c0 == 0xED ? 0x9F : 0xBF;
        } else if (c0 >= 0xF0 && c0 <= 0xF4) {
            n = 3;
            lo = c0 == 0xF0 ? 0x90 : 0x80;
            hi = c0 == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        ++_i;
        for (int k = 0; k < n; ++k) {
            const int c = peek();
            if (c < 0 || static_cast<unsigned>(c) < (k == 0 ? lo : 0x80u) ||
                static_cast<unsigned>(c) > (k == 0 ? hi : 0xBFu)) {
                return false;
            }
            ++_i;
        }
        return true;
    }
    bool string()
    {
        ++_i; // opening quote
        for (;;) {
            const int c = peek();
            if (c < 0 || c < 0x20) {
                return false;
            }
            if (c == '"') {
                ++_i;
                return true;
            }
            if (c == '\\') {
                ++_i;
                const int e = peek();
                ++_i;
                if (e == 'u') {
                    unsigned v = 0;
                    if (!hex4(v)) {
                        return false;
                    }
                    if (v >= 0xDC00 && v <= 0xDFFF) {
                        return false; // lone low surrogate
                    }
                    if (v >= 0xD800 && v <= 0xDBFF) {
                        unsigned low = 0;
                        if (!lit("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) {
                            return false;
                        }
                    }
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                           e != 'r' && e != 't') {
                    return false;
                }
            } else if (c < 0x80) {
                ++_i;
            } else if (!utf8()) {
                return false;
            }
        }
    }
    bool value(int depth)
    {
        if (depth > 1024) {
            return false;
        }
        switch (peek()) {
        case '{': {
            ++_i;
            ws();
            if (peek() == '}') {
                ++_i;
                return true;
            }
            for (;;) {
                ws();
                if (peek() != '"' || !string()) {
                    return false;
                }
                ws();
                if (peek() != ':') {
                    return false;
                }
                ++_i;
                ws();
                if (!value(depth + 1)) {
                    return false;
                }
                ws();
                if (peek() == ',') {
                    ++_i;
                    continue;
                }
                if (peek() == '}') {
                    ++_i;
                    return true;
                }
                return false;
            }
        }
        case '[': {
            ++_i;
            ws();
            if (peek() == ']') {
                ++_i;
                return true;
            }
            for (;;) {
                ws();
                if (!value(depth + 1)) {
                    return false;
                }
                ws();
                if (peek() == ',') {
                    ++_i;
                    continue;
                }
                if (peek() == ']') {
                    ++_i;
                    return true;
                }
                return false;
            }
        }
        case '"': return string();
        case 't': return lit("true");
        case 'f': return lit("false");
        case 'n': return lit("null");
        default: return number();
        }
    }

    std::string_view _s;
    std::size_t _i = 0;
};

/// True when \p text is one well-formed JSON value (RFC 8259), checked by simdjson's DOM
/// parser, which validates every value (unlike on-demand, which skips what it is not asked
/// for). simdjson also refuses numbers it cannot represent (integers beyond 64 bits), which
/// RFC 8259 allows: for those the independent rfc8259_checker decides. On failure the reason
/// and the start of the text go to stderr (the check that fails next aborts).
inline bool is_valid_json(std::string_view text)
{
    static simdjson::dom::parser parser;
    simdjson::dom::element root;
    const auto err = parser.parse(text.data(), text.size(), true).get(root);
    if (err == simdjson::SUCCESS ||
        (err == simdjson::NUMBER_ERROR && rfc8259_checker::valid(text))) {
        return true;
    }
    std::fprintf(stderr, "not valid JSON (%s): %.*s\n", simdjson::error_message(err),
                 static_cast<int>(text.size() < 4000 ? text.size() : 4000), text.data());
    return false;
}

/// True when \p inner lies inside \p outer (same memory).
inline bool within(std::string_view inner, std::string_view outer) noexcept
{
    return inner.data() >= outer.data() &&
           inner.data() + inner.size() <= outer.data() + outer.size();
}

} // namespace udpn::fuzz
