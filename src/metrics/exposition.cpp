#include "metrics/exposition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace udpn::metrics {

namespace {

bool name_start(char c, bool colon) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}

bool name_char(char c, bool colon) noexcept
{
    return name_start(c, colon) || (c >= '0' && c <= '9');
}

[[noreturn]] void fail(std::string what)
{
    throw std::logic_error("metrics exposition: " + what);
}

} // namespace

const char* to_string(metric_type t) noexcept
{
    switch (t) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    case metric_type::histogram: return "histogram";
    }
    return "untyped";
}

bool valid_metric_name(std::string_view name) noexcept
{
    if (name.empty() || !name_start(name.front(), true)) {
        return false;
    }
    for (const char c : name) {
        if (!name_char(c, true)) {
            return false;
        }
    }
    return true;
}

bool valid_label_name(std::string_view name) noexcept
{
    if (name.empty() || !name_start(name.front(), false) || name.starts_with("__")) {
        return false;
    }
    for (const char c : name) {
        if (!name_char(c, false)) {
            return false;
        }
    }
    return true;
}

void append_label_value(std::string& out, std::string_view value)
{
    for (const char c : value) {
        switch (c) {
        case '\\': out.append("\\\\"); break;
        case '"': out.append("\\\""); break;
        case '\n': out.append("\\n"); break;
        default: out.push_back(c);
        }
    }
}

void append_help(std::string& out, std::string_view help)
{
    for (const char c : help) {
        switch (c) {
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        default: out.push_back(c);
        }
    }
}

void append_number(std::string& out, const number& v)
{
    std::array<char, 40> buf{};
    char* end = buf.data();
    if (const auto* u = std::get_if<std::uint64_t>(&v)) {
        end = std::to_chars(buf.data(), buf.data() + buf.size(), *u).ptr;
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        end = std::to_chars(buf.data(), buf.data() + buf.size(), *i).ptr;
    } else {
        const double d = std::get<double>(v);
        if (std::isnan(d)) {
            out.append("NaN");
            return;
        }
        if (std::isinf(d)) {
            out.append(d > 0 ? "+Inf" : "-Inf");
            return;
        }
        end = std::to_chars(buf.data(), buf.data() + buf.size(), d).ptr;
    }
    out.append(buf.data(), end);
}

void exposition_writer::begin(std::string_view name, std::string_view help, metric_type type)
{
    if (!valid_metric_name(name)) {
        fail("invalid metric name '" + std::string(name) + "'");
    }
    if (type == metric_type::counter && !name.ends_with("_total")) {
        fail("counter '" + std::string(name) + "' must end in _total");
    }
    if (!_names.emplace(name).second) {
        fail("family '" + std::string(name) + "' written twice");
    }
    _current.assign(name);
    _current_type = type;
    _label_sets.clear();
    _out.append("# HELP ");
    _out.append(name);
    _out.push_back(' ');
    append_help(_out, help);
    _out.append("\n# TYPE ");
    _out.append(name);
    _out.push_back(' ');
    _out.append(to_string(type));
    _out.push_back('\n');
}

void exposition_writer::add(std::span<const label> labels, const number& value,
                            std::string_view suffix)
{
    if (_current.empty()) {
        fail("sample before any family");
    }
    if (!suffix.empty() && (_current_type != metric_type::histogram ||
                            (suffix != "_bucket" && suffix != "_sum" && suffix != "_count"))) {
        fail("sample suffix '" + std::string(suffix) + "' in " + _current);
    }
    std::string line = _current;
    line.append(suffix);
    if (!labels.empty()) {
        line.push_back('{');
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const label& l = labels[i];
            if (!valid_label_name(l.name)) {
                fail("invalid label name '" + l.name + "' in " + _current);
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (labels[j].name == l.name) {
                    fail("label '" + l.name + "' repeated in " + _current);
                }
            }
            if (i > 0) {
                line.push_back(',');
            }
            line.append(l.name);
            line.append("=\"");
            append_label_value(line, l.value);
            line.push_back('"');
        }
        line.push_back('}');
    }
    if (!_label_sets.insert(line).second) {
        fail("sample " + line + " written twice");
    }
    _out.append(line);
    _out.push_back(' ');
    append_number(_out, value);
    _out.push_back('\n');
}

void exposition_writer::write(const family& f)
{
    begin(f.name, f.help, f.type);
    for (const sample& s : f.samples) {
        add(s.labels, s.value, s.suffix);
    }
}

std::string render(std::span<const family> families)
{
    exposition_writer writer;
    for (const family& f : families) {
        writer.write(f);
    }
    return writer.take();
}

} // namespace udpn::metrics
