/// \file
/// A strict reader of the Prometheus text format 0.0.4, written for the tests independently of
/// the writer: every line is checked (HELP then TYPE before a family's samples, valid metric and
/// label names, label syntax and escapes, values that parse as numbers, no family twice, no
/// label set twice, counters named `_total` with values >= 0). parse() returns the families or
/// the first problem with its line number.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::metrics::testing {

struct parsed_sample {
    std::map<std::string, std::string> labels; ///< unescaped values
    double value = 0;
    std::string value_text; ///< as written
    std::string suffix;     ///< histograms: `_bucket`, `_sum` or `_count` after the family name
};

struct parsed_family {
    std::string name;
    std::string help; ///< unescaped
    std::string type;
    std::vector<parsed_sample> samples;

    /// The sample whose labels are exactly \p labels, or null.
    [[nodiscard]] const parsed_sample* find(const std::map<std::string, std::string>& labels) const
    {
        for (const parsed_sample& s : samples) {
            if (s.labels == labels) {
                return &s;
            }
        }
        return nullptr;
    }
};

struct parse_result {
    std::vector<parsed_family> families; ///< in order
    std::string error;                   ///< empty when the whole text is valid

    [[nodiscard]] const parsed_family* family(std::string_view name) const
    {
        for (const parsed_family& f : families) {
            if (f.name == name) {
                return &f;
            }
        }
        return nullptr;
    }
};

namespace detail {

inline bool metric_name_ok(std::string_view n)
{
    if (n.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
        const char c = n[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) {
            return false;
        }
    }
    return true;
}

inline bool label_name_ok(std::string_view n)
{
    if (n.empty() || n.starts_with("__")) {
        return false;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
        const char c = n[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        const bool digit = c >= '0' && c <= '9';
        if (!(alpha || (i > 0 && digit))) {
            return false;
        }
    }
    return true;
}

/// Go's strconv.ParseFloat as Prometheus reads values: a decimal or exponent number, or
/// NaN, +Inf, -Inf, Inf.
inline std::optional<double> parse_value(const std::string& text)
{
    if (text == "NaN") {
        return std::nan("");
    }
    if (text == "+Inf" || text == "Inf") {
        return HUGE_VAL;
    }
    if (text == "-Inf") {
        return -HUGE_VAL;
    }
    if (text.empty()) {
        return std::nullopt;
    }
    for (const char c : text) {
        const bool ok =
            (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
        if (!ok) {
            return std::nullopt; // rejects "nan", "inf", hex floats, spaces
        }
    }
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || errno == ERANGE) {
        return std::nullopt;
    }
    return v;
}

/// Unescapes a HELP text: only `\\` and `\n` are escapes.
inline std::optional<std::string> unescape_help(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 1 >= s.size()) {
            return std::nullopt;
        }
        const char e = s[++i];
        if (e == '\\') {
            out.push_back('\\');
        } else if (e == 'n') {
            out.push_back('\n');
        } else {
            return std::nullopt;
        }
    }
    return out;
}

} // namespace detail

/// Parses \p text strictly (see the file comment).
inline parse_result parse(std::string_view text)
{
    parse_result r;
    std::set<std::string> seen;
    parsed_family* current = nullptr;
    std::set<std::string> label_sets; // of the current family
    std::string pending_help_name;    // HELP read, TYPE expected next
    std::string pending_help;
    std::size_t line_no = 0;
    const auto fail = [&](const std::string& why) {
        r.error = "line " + std::to_string(line_no) + ": " + why;
        return r;
    };
    if (!text.empty() && text.back() != '\n') {
        line_no = 0;
        return fail("text does not end with a newline");
    }
    while (!text.empty()) {
        ++line_no;
        const std::size_t nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl + 1);
        if (line.empty()) {
            return fail("empty line");
        }
        if (line.starts_with("# HELP ")) {
            if (!pending_help_name.empty()) {
                return fail("HELP without TYPE before it");
            }
            std::string_view rest = line.substr(7);
            const std::size_t sp = rest.find(' ');
            if (sp == std::string_view::npos) {
                return fail("HELP without text");
            }
            const std::string name(rest.substr(0, sp));
            if (!detail::metric_name_ok(name)) {
                return fail("invalid metric name in HELP: " + name);
            }
            if (seen.count(name) != 0) {
                return fail("family written twice: " + name);
            }
            const auto help = detail::unescape_help(rest.substr(sp + 1));
            if (!help) {
                return fail("bad escape in HELP of " + name);
            }
            pending_help_name = name;
            pending_help = *help;
            continue;
        }
        if (line.starts_with("# TYPE ")) {
            std::string_view rest = line.substr(7);
            const std::size_t sp = rest.find(' ');
            if (sp == std::string_view::npos) {
                return fail("TYPE without type");
            }
            const std::string name(rest.substr(0, sp));
            const std::string type(rest.substr(sp + 1));
            if (name != pending_help_name) {
                return fail("TYPE of " + name + " does not follow its HELP");
            }
            if (type != "counter" && type != "gauge" && type != "histogram") {
                return fail("unexpected type " + type);
            }
            if (type == "counter" && !name.ends_with("_total")) {
                return fail("counter without _total: " + name);
            }
            seen.insert(name);
            r.families.push_back({name, pending_help, type, {}});
            current = &r.families.back();
            label_sets.clear();
            pending_help_name.clear();
            continue;
        }
        if (line.starts_with("#")) {
            return fail("unexpected comment line");
        }
        if (!pending_help_name.empty()) {
            return fail("sample between HELP and TYPE");
        }
        if (current == nullptr) {
            return fail("sample before any HELP/TYPE");
        }
        // name{labels} value
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') {
            ++i;
        }
        const std::string name(line.substr(0, i));
        parsed_sample s;
        if (current->type == "histogram" && name.starts_with(current->name)) {
            s.suffix = name.substr(current->name.size());
            if (s.suffix != "_bucket" && s.suffix != "_sum" && s.suffix != "_count") {
                return fail("histogram sample " + name + " is not _bucket, _sum or _count");
            }
        } else if (name != current->name) {
            return fail("sample " + name + " outside its family (" + current->name + ")");
        }
        std::string label_key;
        if (i < line.size() && line[i] == '{') {
            ++i;
            bool first = true;
            while (true) {
                if (i >= line.size()) {
                    return fail("unterminated label set");
                }
                if (line[i] == '}') {
                    ++i;
                    break;
                }
                if (!first) {
                    if (line[i] != ',') {
                        return fail("expected ',' between labels");
                    }
                    ++i;
                }
                first = false;
                const std::size_t eq = line.find('=', i);
                if (eq == std::string_view::npos) {
                    return fail("label without '='");
                }
                const std::string lname(line.substr(i, eq - i));
                if (!detail::label_name_ok(lname)) {
                    return fail("invalid label name '" + lname + "'");
                }
                i = eq + 1;
                if (i >= line.size() || line[i] != '"') {
                    return fail("label value not quoted");
                }
                ++i;
                std::string value;
                bool closed = false;
                while (i < line.size()) {
                    const char c = line[i++];
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\') {
                        if (i >= line.size()) {
                            return fail("dangling backslash");
                        }
                        const char e = line[i++];
                        if (e == '\\') {
                            value.push_back('\\');
                        } else if (e == '"') {
                            value.push_back('"');
                        } else if (e == 'n') {
                            value.push_back('\n');
                        } else {
                            return fail("bad escape in label value");
                        }
                    } else {
                        value.push_back(c);
                    }
                }
                if (!closed) {
                    return fail("unterminated label value");
                }
                if (!s.labels.emplace(lname, value).second) {
                    return fail("label " + lname + " twice in one sample");
                }
            }
        }
        if (i >= line.size() || line[i] != ' ') {
            return fail("no space before the value");
        }
        s.value_text = std::string(line.substr(i + 1));
        if (s.value_text.find(' ') != std::string::npos) {
            return fail("unexpected timestamp or text after the value");
        }
        const auto v = detail::parse_value(s.value_text);
        if (!v) {
            return fail("value does not parse: '" + s.value_text + "'");
        }
        s.value = *v;
        if (current->type == "counter" && !(s.value >= 0)) {
            return fail("negative or NaN counter " + name);
        }
        label_key = s.suffix + "\x1e";
        for (const auto& [k, val] : s.labels) {
            label_key += k + "=" + val + "\x1f";
        }
        if (s.suffix == "_bucket" && s.labels.count("le") == 0) {
            return fail("histogram bucket without le: " + name);
        }
        if (!label_sets.insert(label_key).second) {
            return fail("label set twice in " + name);
        }
        current->samples.push_back(std::move(s));
    }
    if (!pending_help_name.empty()) {
        return fail("HELP without TYPE at the end");
    }
    return r;
}

} // namespace udpn::metrics::testing
