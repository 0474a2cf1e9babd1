#include "config/toml_file.hpp"

#include "config/options.hpp"
#include "config/table.hpp"
#include "kafka/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>

namespace udpn::config {

namespace {

using detail::row;

// Largest configuration file read; anything larger is a mistake (the example is ~20 KiB).
constexpr std::size_t max_file_bytes = 4u << 20;

std::string key_source(const toml::key& k)
{
    const toml::source_region& src = k.source();
    if (!src.path || src.begin.line == 0) {
        return {};
    }
    return *src.path + ":" + std::to_string(src.begin.line) + ":" +
           std::to_string(src.begin.column);
}

/// Applies every key of \p table (under \p prefix) through the rows; recurses into sections.
void walk(const toml::table& table, const std::string& prefix, receiver_config& cfg, problems& out)
{
    for (auto&& [k, node] : table) {
        const std::string key =
            prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const row* r = detail::find_row(key)) {
            detail::apply_node(*r, node, cfg, key_source(k), out);
            continue;
        }
        if (detail::is_section(key)) {
            if (const auto* sub = node.as_table()) {
                walk(*sub, key, cfg, out);
            } else {
                out.push_back(problem{key_source(k), key,
                                      "expected a table (the section [" + key + "]), got " +
                                          detail::type_phrase(node)});
            }
            continue;
        }
        const std::string hint = closest_option(key);
        out.push_back(problem{key_source(k), key,
                              "unknown key" +
                                  (hint.empty() ? std::string{} : "; did you mean " + hint + "?")});
    }
}

/// (line, column) of a `FILE:LINE:COLUMN` position, for sorting one file's problems.
std::pair<long, long> line_column(const std::string& where)
{
    long line = 0;
    long column = 0;
    const auto c2 = where.rfind(':');
    const auto c1 =
        c2 == std::string::npos || c2 == 0 ? std::string::npos : where.rfind(':', c2 - 1);
    if (c1 != std::string::npos) {
        line = std::strtol(where.c_str() + c1 + 1, nullptr, 10);
        column = std::strtol(where.c_str() + c2 + 1, nullptr, 10);
    }
    return {line, column};
}

void wrap_comment(std::string& out, std::string_view text)
{
    constexpr std::size_t width = 98;
    while (!text.empty()) {
        std::size_t take = text.size();
        if (take > width) {
            take = text.rfind(' ', width);
            if (take == std::string_view::npos || take == 0) {
                take = std::min(text.find(' '), text.size());
            }
        }
        out += "# ";
        out += text.substr(0, take);
        out += '\n';
        text.remove_prefix(take);
        while (!text.empty() && text.front() == ' ') {
            text.remove_prefix(1);
        }
    }
}

std::string_view last_component(std::string_view key)
{
    const auto dot = key.rfind('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

/// The TOML table a row is written in ("" = top level). A table of strings is its own table.
std::string section_of(const row& r)
{
    if (r.type == detail::kind::string_table) {
        return r.key;
    }
    const auto dot = r.key.rfind('.');
    return dot == std::string::npos ? std::string{} : r.key.substr(0, dot);
}

/// The comments above one row: doc, then type, constraint and default.
void write_row_comments(std::string& out, const row& r, const std::string& value_text,
                        const std::string& default_text)
{
    wrap_comment(out, r.doc);
    std::string meta = detail::kind_name(r.type);
    if (r.type == detail::kind::enumeration) {
        meta = "one of " + r.constraint;
    } else if (!r.constraint.empty() && r.type != detail::kind::boolean) {
        meta += ", " + r.constraint;
    }
    if (value_text != default_text) {
        meta += "; default " + default_text;
    }
    wrap_comment(out, meta);
    if (r.example.empty()) {
        return;
    }
    if (r.type == detail::kind::string_table) {
        // One `NAME = VALUE` line each, as they would be written under the table header.
        out += "# e.g.\n";
        for (std::string_view ex = r.example; !ex.empty();) {
            const auto nl = ex.find('\n');
            out += "#   " + std::string(ex.substr(0, nl)) + "\n";
            ex = nl == std::string_view::npos ? std::string_view{} : ex.substr(nl + 1);
        }
        return;
    }
    wrap_comment(out, "e.g. " + std::string(last_component(r.key)) + " = " + r.example);
}

/// The printable value of a librdkafka property: secrets masked; `@PATH` (a file name, not
/// a secret) kept so that the output still loads.
std::string printable(const std::string& name, const std::string& value, bool mask)
{
    const bool file_reference =
        !value.empty() && value[0] == '@' && (value.size() < 2 || value[1] != '@');
    if (!mask || file_reference) {
        return value;
    }
    return kafka::printable_value(kafka::property{name, value, nullptr});
}

} // namespace

void load_toml_string(std::string_view text, const std::string& source_name, receiver_config& cfg,
                      problems& out)
{
    toml::table doc;
    try {
        doc = toml::parse(text, std::string_view{source_name});
    } catch (const toml::parse_error& e) {
        const toml::source_region& src = e.source();
        out.push_back(problem{source_name + ":" + std::to_string(src.begin.line) + ":" +
                                  std::to_string(src.begin.column),
                              "", "TOML syntax error: " + std::string(e.description())});
        return;
    }
    problems found;
    walk(doc, "", cfg, found);
    // toml++ tables iterate in key order; report in file order.
    std::stable_sort(found.begin(), found.end(), [](const problem& a, const problem& b) {
        return line_column(a.where) < line_column(b.where);
    });
    out.insert(out.end(), found.begin(), found.end());
}

void load_toml_file(const std::string& path, receiver_config& cfg, problems& out)
{
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        out.push_back(problem{
            path, "", std::string("cannot open the configuration file: ") + std::strerror(errno)});
        return;
    }
    std::string text;
    char buf[8192];
    int error = 0;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f);
        text.append(buf, n);
        if (n < sizeof buf) {
            error = std::ferror(f) != 0 ? errno : 0;
            break;
        }
        if (text.size() > max_file_bytes) {
            break;
        }
    }
    std::fclose(f);
    if (error != 0) {
        out.push_back(problem{
            path, "", std::string("cannot read the configuration file: ") + std::strerror(error)});
        return;
    }
    if (text.size() > max_file_bytes) {
        out.push_back(problem{path, "",
                              "the configuration file is larger than " +
                                  std::to_string(max_file_bytes) + " octets"});
        return;
    }
    load_toml_string(text, path, cfg, out);
}

std::string to_toml(const receiver_config& cfg, const print_options& opts)
{
    const receiver_config defaults;
    std::string out =
        "# udpnotif-recv configuration (TOML 1.0).\n"
        "#\n"
        "# Written from the receiver's option table (udpnotif-recv --print-config). Every key is\n"
        "# optional: a key left out keeps its built-in default. Every key is also a command-line\n"
        "# option, --KEY VALUE or --set KEY=VALUE; precedence: defaults < this file < command\n"
        "# line. A \"default\" note marks a value that differs from the built-in default.\n"
        "# Secret librdkafka property values and passwords are printed as (secret).\n";

    // Tables in order of first appearance; the top level first (TOML needs its keys before
    // any table header).
    std::vector<std::string> order{""};
    std::map<std::string, std::vector<const row*>> by_section;
    for (const row& r : detail::rows()) {
        const std::string section = section_of(r);
        if (by_section.find(section) == by_section.end() && !section.empty()) {
            order.push_back(section);
        }
        by_section[section].push_back(&r);
    }
    for (const std::string& section : order) {
        if (!section.empty()) {
            out += "\n[" + section + "]\n";
            if (const auto doc = detail::section_doc(section); !doc.empty()) {
                wrap_comment(out, doc);
            }
        }
        for (const row* r : by_section[section]) {
            toml::table holder;
            toml::table default_holder;
            const toml::node& value = detail::value_of(*r, cfg, holder);
            std::string value_text;
            std::string default_text;
            detail::write_value(value_text, value);
            detail::write_value(default_text, detail::value_of(*r, defaults, default_holder));
            out += '\n';
            write_row_comments(out, *r, value_text, default_text);
            if (r->type == detail::kind::string_table) {
                for (auto&& [name, v] : *value.as_table()) {
                    detail::write_key(out, name.str());
                    out += " = ";
                    const std::string shown =
                        printable(std::string(name.str()), v.value_or(std::string{}),
                                  opts.mask_secrets && r->secret_values);
                    detail::write_value(out, toml::value<std::string>(shown));
                    out += '\n';
                }
                continue;
            }
            out += last_component(r->key);
            out += " = ";
            if (r->type == detail::kind::string && r->secret_values && opts.mask_secrets &&
                value.is_string() && !value.value_or(std::string{}).empty()) {
                detail::write_value(out, toml::value<std::string>(printable(
                                             r->key, value.value_or(std::string{}), true)));
            } else {
                detail::write_value(out, value, true);
            }
            out += '\n';
        }
    }
    return out;
}

} // namespace udpn::config
