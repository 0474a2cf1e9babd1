#include "key/xpath.hpp"
#include "common/text.hpp"

#include <cstddef>

namespace udpn::key {

namespace {

bool is_ident_start(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_ident_char(char c) noexcept
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/// A small scanner for one branch.
class scanner {
  public:
    explicit scanner(std::string_view s) noexcept : _s(s) {}

    [[nodiscard]] bool done() const noexcept { return _i >= _s.size(); }
    [[nodiscard]] char peek(std::size_t ahead = 0) const noexcept
    {
        return _i + ahead < _s.size() ? _s[_i + ahead] : '\0';
    }
    void advance(std::size_t n = 1) noexcept { _i += n; }
    void ws() noexcept
    {
        while (!done() && is_space(_s[_i])) {
            ++_i;
        }
    }
    [[nodiscard]] std::size_t offset() const noexcept { return _i; }

    /// Reads an identifier; empty when none.
    std::string_view ident() noexcept
    {
        const std::size_t start = _i;
        if (done() || !is_ident_start(_s[_i])) {
            return {};
        }
        while (!done() && is_ident_char(_s[_i])) {
            ++_i;
        }
        // `..` and `.` are never part of a trailing name in our inputs, but `a.` is a legal
        // YANG identifier, so keep what RFC 7950 allows.
        return _s.substr(start, _i - start);
    }

    /// Reads a quoted literal into \p out; false when unterminated.
    bool literal(std::string& out) noexcept
    {
        const char q = peek();
        if (q != '\'' && q != '"') {
            return false;
        }
        const std::size_t start = ++_i;
        while (!done() && _s[_i] != q) {
            ++_i;
        }
        if (done()) {
            return false;
        }
        out.assign(_s.substr(start, _i - start));
        ++_i;
        return true;
    }

    /// Reads an unquoted number token.
    bool number(std::string& out) noexcept
    {
        const std::size_t start = _i;
        if (peek() == '-' || peek() == '+') {
            ++_i;
        }
        bool digits = false;
        while (!done() && ((_s[_i] >= '0' && _s[_i] <= '9') || _s[_i] == '.')) {
            digits = true;
            ++_i;
        }
        if (!digits) {
            _i = start;
            return false;
        }
        out.assign(_s.substr(start, _i - start));
        return true;
    }

    /// The text of a predicate whose `[` is at the cursor, up to its matching `]` (quote- and
    /// nesting-aware). False when unterminated.
    bool predicate_body(std::string_view& body) noexcept
    {
        std::size_t depth = 0;
        const std::size_t start = _i + 1;
        while (!done()) {
            const char c = _s[_i];
            if (c == '\'' || c == '"') {
                const std::size_t close = _s.find(c, _i + 1);
                if (close == std::string_view::npos) {
                    return false;
                }
                _i = close + 1;
                continue;
            }
            if (c == '[') {
                ++depth;
            } else if (c == ']') {
                if (--depth == 0) {
                    body = _s.substr(start, _i - start);
                    ++_i;
                    return true;
                }
            }
            ++_i;
        }
        return false;
    }

  private:
    std::string_view _s;
    std::size_t _i = 0;
};

/// Interprets a predicate body: `N` (positional), or `[pfx:]name = literal` / `. = literal`
/// joined by `and`. Anything else is kept as "other" (an open predicate).
void interpret_predicate(std::string_view body, xpath_step& step)
{
    const std::string_view t = trim(body);
    if (!t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos) {
        step.positional = true;
        return;
    }
    scanner sc(t);
    std::vector<xpath_pin> pins;
    for (;;) {
        sc.ws();
        xpath_pin pin;
        if (sc.peek() == '.' && !is_ident_char(sc.peek(1))) {
            sc.advance();
            pin.name = ".";
        } else {
            const std::string_view first = sc.ident();
            if (first.empty()) {
                step.other_predicate = true;
                return;
            }
            if (sc.peek() == ':' && sc.peek(1) != ':') {
                sc.advance();
                const std::string_view second = sc.ident();
                if (second.empty()) {
                    step.other_predicate = true;
                    return;
                }
                pin.prefix.assign(first);
                pin.name.assign(second);
            } else {
                pin.name.assign(first);
            }
        }
        sc.ws();
        if (sc.peek() != '=') {
            step.other_predicate = true;
            return;
        }
        sc.advance();
        sc.ws();
        if (!sc.literal(pin.value) && !sc.number(pin.value)) {
            step.other_predicate = true;
            return;
        }
        pins.push_back(std::move(pin));
        sc.ws();
        if (sc.done()) {
            break;
        }
        // `and` joins equalities; anything else (or, !=, functions) makes the predicate opaque.
        const std::string_view word = sc.ident();
        if (word != "and" || !(is_space(sc.peek()) || sc.peek() == '.' || sc.peek() == '\0')) {
            step.other_predicate = true;
            return;
        }
    }
    for (auto& p : pins) {
        step.pins.push_back(std::move(p));
    }
}

std::string at_offset(std::string_view branch, std::size_t offset)
{
    // Built step by step: `"'" + std::string(...)` trips a GCC 12 -Wrestrict false positive.
    std::string out(1, '\'');
    out.append(branch);
    out.append("' at offset ");
    out.append(std::to_string(offset));
    return out;
}

} // namespace

bool is_yang_identifier(std::string_view s) noexcept
{
    if (s.empty() || !is_ident_start(s.front())) {
        return false;
    }
    for (const char c : s) {
        if (!is_ident_char(c)) {
            return false;
        }
    }
    return true;
}

std::vector<std::string> split_union(std::string_view xpath)
{
    std::vector<std::string> out;
    std::size_t depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < xpath.size(); ++i) {
        const char c = xpath[i];
        if (c == '\'' || c == '"') {
            const std::size_t close = xpath.find(c, i + 1);
            if (close == std::string_view::npos) {
                break; // unterminated literal: parse_xpath reports it
            }
            i = close;
        } else if (c == '[' || c == '(') {
            ++depth;
        } else if ((c == ']' || c == ')') && depth > 0) {
            --depth;
        } else if (c == '|' && depth == 0) {
            out.emplace_back(trim(xpath.substr(start, i - start)));
            start = i + 1;
        }
    }
    out.emplace_back(trim(xpath.substr(start)));
    return out;
}

bool parse_xpath(std::string_view branch, xpath_path& out, std::string& message)
{
    out.steps.clear();
    const std::string_view text = trim(branch);
    if (text.empty()) {
        message = "empty XPath branch";
        return false;
    }
    scanner sc(text);
    if (sc.peek() == '/') {
        sc.advance();
    }
    for (;;) {
        sc.ws();
        const std::size_t at = sc.offset();
        const char c = sc.peek();
        if (c == '/') {
            message =
                "bad XPath " + at_offset(text, at) + ": '//' (descendant axis) is not supported";
            return false;
        }
        if (c == '*') {
            message = "bad XPath " + at_offset(text, at) + ": wildcards are not supported";
            return false;
        }
        if (c == '.') {
            message = "bad XPath " + at_offset(text, at) + ": '.' and '..' steps are not supported";
            return false;
        }
        if (c == '@') {
            message = "bad XPath " + at_offset(text, at) + ": attributes are not supported";
            return false;
        }
        xpath_step step;
        const std::string_view first = sc.ident();
        if (first.empty()) {
            message = "bad XPath " + at_offset(text, at) + ": expected a node name" +
                      (sc.done() ? std::string(" (path ends with '/')") : std::string());
            return false;
        }
        if (sc.peek() == ':' && sc.peek(1) == ':') {
            message = "bad XPath " + at_offset(text, at) + ": axes ('" + std::string(first) +
                      "::') are not supported";
            return false;
        }
        if (sc.peek() == ':') {
            sc.advance();
            const std::string_view second = sc.ident();
            if (second.empty()) {
                message = "bad XPath " + at_offset(text, sc.offset()) +
                          ": expected a node name after '" + std::string(first) + ":'";
                return false;
            }
            step.prefix.assign(first);
            step.name.assign(second);
        } else {
            step.name.assign(first);
        }
        sc.ws();
        if (sc.peek() == '(') {
            message = "bad XPath " + at_offset(text, at) + ": function calls ('" +
                      std::string(first) + "()') are not supported";
            return false;
        }
        while (sc.peek() == '[') {
            const std::size_t pat = sc.offset();
            std::string_view body;
            if (!sc.predicate_body(body)) {
                message = "bad XPath " + at_offset(text, pat) + ": unterminated predicate";
                return false;
            }
            interpret_predicate(body, step);
            sc.ws();
        }
        out.steps.push_back(std::move(step));
        if (sc.done()) {
            return true;
        }
        if (sc.peek() != '/') {
            message = "bad XPath " + at_offset(text, sc.offset()) + ": unexpected '" +
                      std::string(1, sc.peek()) + "'";
            return false;
        }
        sc.advance();
    }
}

std::size_t xpath_literal_size(std::string_view value) noexcept
{
    const bool has_single = value.find('\'') != std::string_view::npos;
    const bool has_double = value.find('"') != std::string_view::npos;
    if (!has_single || !has_double) {
        return value.size() + 2;
    }
    // concat( 'a' , "'" , 'b' ) : count the parts.
    std::size_t n = 8; // "concat(" + ")"
    std::size_t parts = 0;
    std::size_t run = 0;
    for (const char c : value) {
        if (c == '\'') {
            if (run > 0) {
                n += run + 2;
                ++parts;
                run = 0;
            }
            n += 3;
            ++parts;
        } else {
            ++run;
        }
    }
    if (run > 0) {
        n += run + 2;
        ++parts;
    }
    return n + (parts - 1); // commas
}

void append_xpath_literal(std::string& out, std::string_view value)
{
    const bool has_single = value.find('\'') != std::string_view::npos;
    const bool has_double = value.find('"') != std::string_view::npos;
    if (!has_single) {
        out.push_back('\'');
        out.append(value);
        out.push_back('\'');
        return;
    }
    if (!has_double) {
        out.push_back('"');
        out.append(value);
        out.push_back('"');
        return;
    }
    // XPath 1.0 literals cannot hold both quote characters: concat() of single-quoted runs and
    // "'" pieces (§11.15 leaves this case open).
    out.append("concat(");
    bool first = true;
    auto comma = [&] {
        if (!first) {
            out.push_back(',');
        }
        first = false;
    };
    std::size_t run_start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size() && value[i] != '\'') {
            continue;
        }
        if (i > run_start) {
            comma();
            out.push_back('\'');
            out.append(value.substr(run_start, i - run_start));
            out.push_back('\'');
        }
        if (i < value.size()) {
            comma();
            out.append("\"'\"");
        }
        run_start = i + 1;
    }
    out.push_back(')');
}

} // namespace udpn::key
