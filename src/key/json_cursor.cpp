#include "key/json_cursor.hpp"

namespace udpn::key::detail {

namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool read_hex4(std::string_view s, std::size_t at, std::uint32_t& v) noexcept
{
    if (at + 4 > s.size()) {
        return false;
    }
    v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int h = hex_value(s[at + i]);
        if (h < 0) {
            return false;
        }
        v = (v << 4) | static_cast<std::uint32_t>(h);
    }
    return true;
}

/// Decodes one escape sequence starting at raw[i] == '\\'; emits UTF-8 bytes through put.
template <typename Put> bool decode_escape(std::string_view raw, std::size_t& i, Put&& put) noexcept
{
    if (i + 1 >= raw.size()) {
        return false;
    }
    const char e = raw[i + 1];
    i += 2;
    switch (e) {
    case '"': return put('"');
    case '\\': return put('\\');
    case '/': return put('/');
    case 'b': return put('\b');
    case 'f': return put('\f');
    case 'n': return put('\n');
    case 'r': return put('\r');
    case 't': return put('\t');
    case 'u': break;
    default: return false;
    }
    std::uint32_t cp = 0;
    if (!read_hex4(raw, i, cp)) {
        return false;
    }
    i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        std::uint32_t lo = 0;
        if (i + 1 >= raw.size() || raw[i] != '\\' || raw[i + 1] != 'u' ||
            !read_hex4(raw, i + 2, lo) || lo < 0xDC00 || lo > 0xDFFF) {
            return false;
        }
        i += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return false;
    }
    auto byte = [](std::uint32_t b) { return static_cast<char>(static_cast<unsigned char>(b)); };
    if (cp < 0x80) {
        return put(byte(cp));
    }
    if (cp < 0x800) {
        return put(byte(0xC0 | (cp >> 6))) && put(byte(0x80 | (cp & 0x3F)));
    }
    if (cp < 0x10000) {
        return put(byte(0xE0 | (cp >> 12))) && put(byte(0x80 | ((cp >> 6) & 0x3F))) &&
               put(byte(0x80 | (cp & 0x3F)));
    }
    return put(byte(0xF0 | (cp >> 18))) && put(byte(0x80 | ((cp >> 12) & 0x3F))) &&
           put(byte(0x80 | ((cp >> 6) & 0x3F))) && put(byte(0x80 | (cp & 0x3F)));
}

template <typename Put> bool unescape_with(std::string_view raw, Put&& put) noexcept
{
    std::size_t i = 0;
    while (i < raw.size()) {
        if (raw[i] == '\\') {
            if (!decode_escape(raw, i, put)) {
                return false;
            }
            continue;
        }
        if (!put(raw[i])) {
            return false;
        }
        ++i;
    }
    return true;
}

} // namespace

bool json_unescape(std::string_view raw, char* out, std::size_t cap, std::size_t& len) noexcept
{
    len = 0;
    return unescape_with(raw, [&](char c) noexcept {
        if (len >= cap) {
            return false;
        }
        out[len++] = c;
        return true;
    });
}

bool json_unescape(std::string_view raw, std::string& out)
{
    return unescape_with(raw, [&](char c) {
        out.push_back(c);
        return true;
    });
}

bool json_string_equals(std::string_view raw, bool escaped, std::string_view text) noexcept
{
    if (!escaped) {
        return raw == text;
    }
    std::size_t at = 0;
    const bool ok = unescape_with(raw, [&](char c) noexcept {
        if (at >= text.size() || text[at] != c) {
            return false;
        }
        ++at;
        return true;
    });
    return ok && at == text.size();
}

} // namespace udpn::key::detail
