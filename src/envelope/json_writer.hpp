/// \file
/// Append-only JSON text writer into a caller-owned, reused std::string (RFC 8259, with the
/// RFC 7951 conventions of PROTOCOL.md §3.4 left to the caller). The caller clear()s the string
/// per message and keeps it, so once its capacity covers the largest message, writing
/// allocates nothing. The writer never lets the string grow past a byte limit: an append that
/// would cross it sets overflowed() and every later call is ignored, so a too-large message
/// costs no allocation beyond the limit and is reported as a value, not an exception.
///
/// Strings are escaped as RFC 8259 §7 requires: `"` and `\` get a backslash; U+0000..U+001F
/// become `\b \t \n \f \r` or `\u00xx` (lower-case hex); everything else, `/` and U+007F
/// included, passes through. Valid UTF-8 passes through byte for byte. Invalid UTF-8 is
/// replaced deterministically by U+FFFD (EF BF BD), one replacement per *maximal subpart* of an
/// ill-formed sequence (Unicode 15 §3.9 "U+FFFD substitution of maximal subparts", the same
/// result as Python's `bytes.decode('utf-8', 'replace')`): overlong forms, surrogates
/// (ED A0..BF), code points above U+10FFFF, stray continuation bytes and truncated sequences
/// are all replaced, so the output is always valid UTF-8 JSON.
///
/// YANG strings are narrower than JSON strings: RFC 7950 §9.4 excludes the C0 controls other
/// than TAB, LF and CR (and libyang, following XML 1.0 `Char`, also U+FFFE/U+FFFF). For leaf
/// values the envelope writer uses yang_string(), which replaces those characters by U+FFFD
/// too, so an envelope never fails validation because a publisher or operator string held one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace udpn::envelope {

/// Appends \p s to \p out as a JSON string literal (quotes included), escaped as described in
/// the file comment; with \p yang, also with the YANG character replacement. May allocate when
/// \p out lacks capacity.
/// Thread: any (touches only \p out).
void append_json_string(std::string& out, std::string_view s, bool yang = false);

/// Length in octets of the literal append_json_string() would write for \p s (quotes included).
/// Thread: any.
[[nodiscard]] std::size_t json_string_length(std::string_view s, bool yang = false) noexcept;

/// Writes one JSON text into a caller-owned string. Commas are inserted automatically: a key or
/// value written where a previous sibling exists is preceded by `,`. The caller is responsible
/// for a balanced, well-formed sequence of calls (key before each object member value, etc.).
///
/// Every method is noexcept: growing the string up to max_bytes may call operator new, and an
/// allocation failure then terminates the process (out-of-memory is not a data-path error).
class json_writer {
  public:
    /// Appends to \p out (existing content kept). \p out must outlive the writer.
    /// @param max_bytes  \p out.size() never exceeds this; an append that would is dropped and
    ///                   overflowed() becomes true.
    explicit json_writer(std::string& out,
                         std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) noexcept
        : _out(out), _max(max_bytes)
    {
    }

    /// `{`. Thread: the writer's owner (any single thread).
    void begin_object() noexcept;
    /// `}`. Thread: the writer's owner.
    void end_object() noexcept;
    /// `[`. Thread: the writer's owner.
    void begin_array() noexcept;
    /// `]`. Thread: the writer's owner.
    void end_array() noexcept;
    /// `"k":` with \p k escaped. Thread: the writer's owner.
    void key(std::string_view k) noexcept;
    /// `"k":` with \p k copied unchecked: only for keys known to need no escaping (the module's
    /// own node names). Thread: the writer's owner.
    void plain_key(std::string_view k) noexcept
    {
        put_plain(k, true);
        _need_comma = false;
    }

    /// `"s"` with \p s escaped. Thread: the writer's owner.
    void string(std::string_view s) noexcept;
    /// Like string(), for a YANG `string`-based leaf value: C0 controls other than TAB, LF, CR
    /// and U+FFFE/U+FFFF become U+FFFD (RFC 7950 §9.4). Thread: the writer's owner.
    void yang_string(std::string_view s) noexcept;
    /// `"s"` with \p s copied unchecked: only for text known to need no escaping (timestamps,
    /// formatted addresses, fixed identifiers). Thread: the writer's owner.
    void plain_string(std::string_view s) noexcept;
    /// `"<prefix>:<local>"`, both parts escaped as yang_string(): a module-qualified identityref
    /// value (RFC 7951 §6.8) without building the joined string. Thread: the writer's owner.
    void qualified_string(std::string_view prefix, std::string_view local) noexcept;
    /// An unsigned JSON number. Thread: the writer's owner.
    void number(std::uint64_t v) noexcept;
    /// A signed JSON number. Thread: the writer's owner.
    void number(std::int64_t v) noexcept;
    /// The decimal text of \p v as a JSON string: RFC 7951 §6.1 for uint64/int64 leaves.
    /// Thread: the writer's owner.
    void number_string(std::uint64_t v) noexcept;
    /// `true` / `false`. Thread: the writer's owner.
    void boolean(bool v) noexcept;
    /// `null`. Thread: the writer's owner.
    void null() noexcept;
    /// Splices \p json as one value, unchanged. The caller guarantees it is one well-formed JSON
    /// value (e.g. a raw slice simdjson already parsed). Thread: the writer's owner.
    void raw(std::string_view json) noexcept;

    /// True once an append was dropped because it would have exceeded max_bytes; the text is
    /// then incomplete and must not be used.
    [[nodiscard]] bool overflowed() const noexcept { return _overflow; }
    /// Open objects plus arrays (0 when the text is balanced).
    [[nodiscard]] int depth() const noexcept { return _depth; }

  private:
    /// Keys and plain strings up to this many octets are put together on the stack first.
    static constexpr std::size_t short_piece = 64;

    /// [`,`]`"s"`[`:`] with \p s unchecked (plain_key, plain_string). A short \p s is put
    /// together on the stack and appended at once: one std::string append (out of line in
    /// libstdc++) instead of four. Inline: a literal's length is then a constant, and its
    /// copy a few moves.
    void put_plain(std::string_view s, bool colon) noexcept
    {
        if (s.size() <= short_piece) {
            char buf[short_piece + 4];
            char* p = buf + 1;
            *p++ = '"';
            if (!s.empty()) { // an empty view may hold nullptr, which memcpy must not get
                std::memcpy(p, s.data(), s.size());
                p += s.size();
            }
            *p++ = '"';
            if (colon) {
                *p++ = ':';
            }
            put_after_comma(buf, p);
            return;
        }
        comma();
        if (fits(s.size() + 2 + (colon ? 1 : 0))) {
            _out.push_back('"');
            _out.append(s);
            _out.push_back('"');
            if (colon) {
                _out.push_back(':');
            }
        }
    }
    /// Appends [buf + 1, end), after a comma when one is needed: buf[0] is the caller's spare
    /// octet for it, so the comma and the piece go in one append.
    void put_after_comma(char* buf, const char* end) noexcept
    {
        buf[0] = ',';
        const char* from = _need_comma ? buf : buf + 1;
        put(std::string_view(from, static_cast<std::size_t>(end - from)));
    }
    void put_escaped(std::string_view s, bool yang) noexcept;
    void grow(std::size_t need) noexcept;

    bool fits(std::size_t n) noexcept
    {
        if (_overflow || n > _max || _out.size() > _max - n) {
            _overflow = true;
            return false;
        }
        if (_out.size() + n > _out.capacity()) {
            grow(_out.size() + n);
        }
        return true;
    }
    void put(char c) noexcept
    {
        if (fits(1)) {
            _out.push_back(c);
        }
    }
    void put(std::string_view s) noexcept
    {
        if (fits(s.size())) {
            _out.append(s);
        }
    }
    void comma() noexcept
    {
        if (_need_comma) {
            put(',');
        }
    }

    std::string& _out;
    std::size_t _max;
    bool _need_comma = false;
    bool _overflow = false;
    int _depth = 0;
};

} // namespace udpn::envelope
