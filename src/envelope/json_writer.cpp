#include "envelope/json_writer.hpp"

#include "common/swar.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace udpn::envelope {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

/// Classes of a byte for the escaping scan.
enum class byte_class : std::uint8_t { plain, escape, non_ascii };

constexpr std::array<byte_class, 256> make_classes() noexcept
{
    std::array<byte_class, 256> t{};
    for (std::size_t c = 0; c < 256; ++c) {
        if (c < 0x20 || c == '"' || c == '\\') {
            t[c] = byte_class::escape;
        } else if (c >= 0x80) {
            t[c] = byte_class::non_ascii;
        } else {
            t[c] = byte_class::plain;
        }
    }
    return t;
}

constexpr std::array<byte_class, 256> classes = make_classes();

/// Length of the well-formed UTF-8 sequence at \p p (Unicode 15 Table 3-7) as a positive
/// number, or minus the length of the maximal subpart of an ill-formed one (at least 1).
int utf8_sequence(const unsigned char* p, std::size_t n) noexcept
{
    const unsigned char lead = p[0];
    int len = 0;
    unsigned char lo = 0x80; // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        if (lead == 0xE0) {
            lo = 0xA0; // no overlong 3-byte forms
        } else if (lead == 0xED) {
            hi = 0x9F; // no surrogates U+D800..U+DFFF
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        if (lead == 0xF0) {
            lo = 0x90; // no overlong 4-byte forms
        } else if (lead == 0xF4) {
            hi = 0x8F; // nothing above U+10FFFF
        }
    } else {
        return -1; // 80..C1, F5..FF never start a sequence
    }
    for (int i = 1; i < len; ++i) {
        if (static_cast<std::size_t>(i) >= n) {
            return -i; // truncated: the bytes so far are the maximal subpart
        }
        const unsigned char c = p[i];
        const unsigned char min = i == 1 ? lo : 0x80;
        const unsigned char max = i == 1 ? hi : 0xBF;
        if (c < min || c > max) {
            return -i;
        }
    }
    return len;
}

/// True when none of the 8 octets at \p p needs attention (control, `"`, `\`, non-ASCII):
/// the SWAR "has byte less than n" / "has zero byte" tests, exact for "any" (n <= 128).
inline bool plain8(const unsigned char* p) noexcept
{
    const std::uint64_t x = swar::load8(p);
    return (swar::bytes_below(x, 0x20) | swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\') |
            swar::bytes_non_ascii(x)) == 0;
}

/// Runs the escaping scan over \p s, calling sink(string_view) for each output piece. With
/// \p yang, characters a YANG string cannot hold are replaced by U+FFFD (see yang_string()).
template <typename Sink> void escape(std::string_view s, bool yang, Sink&& sink)
{
    static constexpr char hex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t run = 0; // start of the pending run of bytes copied unchanged
    std::size_t i = 0;
    while (i < n) {
        while (i + 8 <= n && plain8(p + i)) {
            i += 8;
        }
        if (i == n) {
            break;
        }
        const byte_class cls = classes[p[i]];
        if (cls == byte_class::plain) {
            ++i;
            continue;
        }
        if (cls == byte_class::non_ascii) {
            const int len = utf8_sequence(p + i, n - i);
            // U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters (yang_string()).
            const bool non_char =
                yang && len == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE;
            if (len > 0 && !non_char) {
                i += static_cast<std::size_t>(len);
                continue;
            }
            sink(s.substr(run, i - run));
            sink(replacement);
            i += static_cast<std::size_t>(len > 0 ? len : -len);
            run = i;
            continue;
        }
        sink(s.substr(run, i - run));
        const unsigned char c = p[i];
        if (yang && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            sink(replacement);
            ++i;
            run = i;
            continue;
        }
        switch (c) {
        case '"': sink("\\\""); break;
        case '\\': sink("\\\\"); break;
        case '\b': sink("\\b"); break;
        case '\t': sink("\\t"); break;
        case '\n': sink("\\n"); break;
        case '\f': sink("\\f"); break;
        case '\r': sink("\\r"); break;
        default: {
            const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            sink(std::string_view(u, sizeof u));
            break;
        }
        }
        ++i;
        run = i;
    }
    sink(s.substr(run, n - run));
}

} // namespace

void append_json_string(std::string& out, std::string_view s, bool yang)
{
    out.push_back('"');
    escape(s, yang, [&out](std::string_view piece) { out.append(piece); });
    out.push_back('"');
}

std::size_t json_string_length(std::string_view s, bool yang) noexcept
{
    std::size_t n = 2;
    escape(s, yang, [&n](std::string_view piece) noexcept { n += piece.size(); });
    return n;
}

void json_writer::grow(std::size_t need) noexcept
{
    // Geometric growth, capped at the limit (plain std::string growth could reserve up to
    // twice max_bytes).
    std::size_t target = std::max(need, _out.capacity() * 2);
    target = std::min(target, _max);
    _out.reserve(std::max(target, need));
}

void json_writer::put_escaped(std::string_view s, bool yang) noexcept
{
    // Worst case is 6 output octets per input octet (`\u00xx`); only when that might not fit
    // is the exact length computed, so the common case scans once.
    const std::size_t worst = s.size() * 6;
    if (_overflow) {
        return;
    }
    if (s.size() > _max / 6 || _out.size() > _max - worst) {
        const std::size_t exact = json_string_length(s, yang) - 2;
        if (!fits(exact)) {
            return;
        }
    }
    escape(s, yang, [this](std::string_view piece) noexcept { _out.append(piece); });
}

void json_writer::begin_object() noexcept
{
    comma();
    put('{');
    _need_comma = false;
    ++_depth;
}

void json_writer::end_object() noexcept
{
    put('}');
    _need_comma = true;
    --_depth;
}

void json_writer::begin_array() noexcept
{
    comma();
    put('[');
    _need_comma = false;
    ++_depth;
}

void json_writer::end_array() noexcept
{
    put(']');
    _need_comma = true;
    --_depth;
}

void json_writer::key(std::string_view k) noexcept
{
    comma();
    put('"');
    put_escaped(k, false);
    put("\":");
    _need_comma = false;
}

void json_writer::string(std::string_view s) noexcept
{
    comma();
    put('"');
    put_escaped(s, false);
    put('"');
    _need_comma = true;
}

void json_writer::yang_string(std::string_view s) noexcept
{
    comma();
    put('"');
    put_escaped(s, true);
    put('"');
    _need_comma = true;
}

void json_writer::plain_string(std::string_view s) noexcept
{
    put_plain(s, false);
    _need_comma = true;
}

void json_writer::qualified_string(std::string_view prefix, std::string_view local) noexcept
{
    comma();
    put('"');
    put_escaped(prefix, true);
    put(':');
    put_escaped(local, true);
    put('"');
    _need_comma = true;
}

void json_writer::number(std::uint64_t v) noexcept
{
    char buf[25]; // buf[0]: put_after_comma()'s
    const auto r = std::to_chars(buf + 1, buf + sizeof buf, v);
    put_after_comma(buf, r.ptr);
    _need_comma = true;
}

void json_writer::number(std::int64_t v) noexcept
{
    char buf[25]; // buf[0]: put_after_comma()'s
    const auto r = std::to_chars(buf + 1, buf + sizeof buf, v);
    put_after_comma(buf, r.ptr);
    _need_comma = true;
}

void json_writer::number_string(std::uint64_t v) noexcept
{
    char buf[25]; // buf[0]: put_after_comma()'s
    buf[1] = '"';
    const auto r = std::to_chars(buf + 2, buf + sizeof buf - 1, v);
    *r.ptr = '"';
    put_after_comma(buf, r.ptr + 1);
    _need_comma = true;
}

void json_writer::boolean(bool v) noexcept
{
    comma();
    put(v ? std::string_view("true") : std::string_view("false"));
    _need_comma = true;
}

void json_writer::null() noexcept
{
    comma();
    put("null");
    _need_comma = true;
}

void json_writer::raw(std::string_view json) noexcept
{
    comma();
    put(json);
    _need_comma = true;
}

} // namespace udpn::envelope
