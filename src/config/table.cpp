// Generic operations over the option table rows: lookup, TOML value text, applying a node or
// command-line text to a row, and the problem text.
#include "config/table.hpp"

#include "config/options.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>

namespace udpn::config {

std::string problem::to_string() const
{
    std::string s;
    for (const std::string* part : {&where, &key}) {
        if (!part->empty()) {
            s += *part + ": ";
        }
    }
    return s + message;
}

namespace detail {

namespace {

const std::map<std::string_view, const row*>& index()
{
    static const std::map<std::string_view, const row*> idx = [] {
        std::map<std::string_view, const row*> m;
        for (const row& r : rows()) {
            m.emplace(r.key, &r);
        }
        return m;
    }();
    return idx;
}

const std::set<std::string>& sections()
{
    static const std::set<std::string> s = [] {
        std::set<std::string> out;
        for (const row& r : rows()) {
            for (auto dot = r.key.find('.'); dot != std::string::npos;
                 dot = r.key.find('.', dot + 1)) {
                out.insert(r.key.substr(0, dot));
            }
        }
        return out;
    }();
    return s;
}

/// Levenshtein distance (keys are short; start-up only).
std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string_view last_component(std::string_view key)
{
    const auto dot = key.rfind('.');
    return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

bool is_bare_key_char(char c) noexcept
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

void write_string(std::string& out, std::string_view s)
{
    out += '"';
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

/// A command-line integer: decimal, an optional sign, `_` between digits allowed as in TOML.
bool parse_int(std::string_view text, std::int64_t& out)
{
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_' && i > 0 && i + 1 < text.size()) {
            continue;
        }
        digits += text[i];
    }
    const char* b = digits.data();
    const char* e = b + digits.size();
    if (b != e && *b == '+') {
        ++b;
    }
    const auto [end, ec] = std::from_chars(b, e, out);
    return b != e && ec == std::errc{} && end == e;
}

std::vector<std::string_view> split_commas(std::string_view text)
{
    std::vector<std::string_view> parts;
    if (trim_view(text).empty()) {
        return parts;
    }
    for (;;) {
        const auto comma = text.find(',');
        parts.push_back(trim_view(text.substr(0, comma)));
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return parts;
}

std::string quote_text(std::string_view s)
{
    std::string out;
    write_string(out, s);
    return out;
}

/// Parses \p text as one TOML value (`[1, 2]`, `{ a = 1 }`); the node is returned in \p holder
/// under `v`. @return the problem text, or empty.
std::string parse_toml_value(std::string_view text, toml::table& holder)
{
    try {
        holder = toml::parse("v = " + std::string(text));
    } catch (const toml::parse_error& e) {
        return "not a TOML value (" + std::string(e.description()) + ")";
    }
    return {};
}

/// Turns command-line \p text into the node of \p r (stored in \p holder under `v`).
/// @return the problem text, or empty.
std::string text_to_node(const row& r, std::string_view text, toml::table& holder)
{
    const std::string_view t = trim_view(text);
    const bool toml_syntax = !t.empty() && (t.front() == '[' || t.front() == '{');
    switch (r.type) {
    case kind::boolean: {
        static const std::pair<std::string_view, bool> words[] = {
            {"true", true}, {"false", false}, {"yes", true}, {"no", false},
            {"on", true},   {"off", false},   {"1", true},   {"0", false}};
        for (const auto& [w, v] : words) {
            if (t == w) {
                holder.insert_or_assign("v", v);
                return {};
            }
        }
        return "expected true or false, got " + quote_text(text);
    }
    case kind::integer: {
        std::int64_t v = 0;
        if (!parse_int(t, v)) {
            return "expected an integer, got " + quote_text(text);
        }
        holder.insert_or_assign("v", v);
        return {};
    }
    case kind::number: {
        double v = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (t.empty() || ec != std::errc{} || end != t.data() + t.size()) {
            return "expected a number, got " + quote_text(text);
        }
        holder.insert_or_assign("v", v);
        return {};
    }
    case kind::string:
    case kind::enumeration: holder.insert_or_assign("v", std::string(text)); return {};
    case kind::integer_list: {
        if (toml_syntax) {
            return parse_toml_value(t, holder);
        }
        toml::array arr;
        for (const std::string_view part : split_commas(t)) {
            // `4-7` is a range; a leading '-' is a sign (`-1`).
            const auto dash = part.find('-', 1);
            std::int64_t lo = 0;
            std::int64_t hi = 0;
            if (dash != std::string_view::npos && parse_int(part.substr(0, dash), lo) &&
                parse_int(part.substr(dash + 1), hi) && lo <= hi && hi - lo < 4096) {
                for (std::int64_t v = lo; v <= hi; ++v) {
                    arr.push_back(v);
                }
            } else if (parse_int(part, lo)) {
                arr.push_back(lo);
            } else {
                return "expected integers separated by commas (ranges as 4-7), got " +
                       quote_text(text);
            }
        }
        holder.insert_or_assign("v", std::move(arr));
        return {};
    }
    case kind::string_list: {
        if (toml_syntax) {
            return parse_toml_value(t, holder);
        }
        toml::array arr;
        for (const std::string_view part : split_commas(t)) {
            arr.push_back(std::string(part));
        }
        holder.insert_or_assign("v", std::move(arr));
        return {};
    }
    case kind::table_list: return parse_toml_value(t, holder);
    case kind::string_table: {
        if (toml_syntax) {
            return parse_toml_value(t, holder);
        }
        const auto eq = t.find('=');
        const std::string_view name = eq == std::string_view::npos ? t : trim_view(t.substr(0, eq));
        if (eq == std::string_view::npos || name.empty()) {
            return "expected NAME=VALUE, got " + quote_text(text);
        }
        toml::table entry;
        entry.insert_or_assign(name, std::string(t.substr(eq + 1)));
        holder.insert_or_assign("v", std::move(entry));
        return {};
    }
    }
    return "unsupported";
}

} // namespace

std::string_view trim_view(std::string_view s) noexcept
{
    constexpr std::string_view space = " \t\r\n";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

const row* find_row(std::string_view key)
{
    const auto& idx = index();
    const auto it = idx.find(key);
    return it == idx.end() ? nullptr : it->second;
}

bool is_section(std::string_view key)
{
    return sections().count(std::string(key)) != 0;
}

std::string_view section_doc(std::string_view section)
{
    static const std::map<std::string_view, std::string_view> docs = {
        {"input", "Kernel-socket input: the listening address and the RX threads."},
        {"socket", "Options of every RX socket."},
        {"dtls", "The DTLS 1.2 listener (PROTOCOL.md §1.3; docs/security.md)."},
        {"header", "UDP-notif header checks (PROTOCOL.md §2 step 1)."},
        {"reassembly", "Segment reassembly limits, per RX thread (PROTOCOL.md §2)."},
        {"gaps", "Message ID gap accounting, per RX thread (PROTOCOL.md §2 step 6)."},
        {"pool", "Message buffers of each RX thread; the pool never grows."},
        {"workers", "Worker threads: decode, subscription table, topic and key, envelope."},
        {"xml", "Each worker's XML transcoder: media type 2 to RFC 7951 JSON (PROTOCOL.md §1)."},
        {"cbor", "Each worker's CBOR transcoder: media type 3 to RFC 7951 JSON (PROTOCOL.md §1)."},
        {"producers", "Producer threads: records to Kafka."},
        {"yang", "YANG modules the subscription filters are resolved against."},
        {"key", "Kafka topic and Message Key (PROTOCOL.md §7-§9)."},
        {"key.netana_types", "Subscription type level names of netana topics (§8.1)."},
        {"key.ietf02_types", "Subscription type level names of ietf_02 topics (§8.2)."},
        {"subscriptions", "Per-worker subscription table and its state file (PROTOCOL.md §4)."},
        {"envelope", "The ietf-telemetry-message envelope (PROTOCOL.md §5)."},
        {"envelope.data_collection_manifest", "The collector's own platform manifest."},
        {"kafka", "Kafka producers, topic creation and the embedded cluster."},
        {"kafka.properties", "Pass-through librdkafka properties."},
        {"schema_registry",
         "Confluent-compatible schema registry: schema-id header (PROTOCOL.md §6, §11.22; "
         "docs/schema-registry.md)."},
        {"metrics", "The Prometheus metrics endpoint."},
        {"log", "The process log."},
    };
    const auto it = docs.find(section);
    return it == docs.end() ? std::string_view{} : it->second;
}

const toml::node& value_of(const row& r, const receiver_config& cfg, toml::table& holder)
{
    r.save(cfg, holder);
    return *holder.get("v");
}

std::string type_phrase(const toml::node& node)
{
    switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

const char* kind_name(kind k) noexcept
{
    switch (k) {
    case kind::boolean: return "boolean";
    case kind::integer: return "integer";
    case kind::number: return "number";
    case kind::string: return "string";
    case kind::enumeration: return "string";
    case kind::integer_list: return "list of integers";
    case kind::string_list: return "list of strings";
    case kind::table_list: return "list of tables";
    case kind::string_table: return "table of strings";
    }
    return "?";
}

std::string source_of(const toml::node& node)
{
    const toml::source_region& src = node.source();
    if (!src.path || src.begin.line == 0) {
        return {};
    }
    return *src.path + ":" + std::to_string(src.begin.line) + ":" +
           std::to_string(src.begin.column);
}

void apply_node(const row& r, const toml::node& node, receiver_config& cfg,
                const std::string& where, problems& out)
{
    const failure f = r.load(node, cfg);
    if (f.ok()) {
        return;
    }
    std::string at = source_of(f.at != nullptr ? *f.at : node);
    out.push_back(problem{at.empty() ? where : std::move(at), r.key + f.key_suffix, f.message});
}

void write_key(std::string& out, std::string_view key)
{
    const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), is_bare_key_char);
    if (bare) {
        out += key;
    } else {
        write_string(out, key);
    }
}

void write_value(std::string& out, const toml::node& node, bool multiline)
{
    if (const auto* s = node.as_string()) {
        write_string(out, s->get());
    } else if (const auto* n = node.as_integer()) {
        out += std::to_string(n->get());
    } else if (const auto* f = node.as_floating_point()) {
        char buf[64];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f->get());
        std::string text(buf, ec == std::errc{} ? end : buf);
        if (text.find_first_of(".eEn") == std::string::npos) {
            text += ".0"; // keep it a TOML float
        }
        out += text;
    } else if (const auto* b = node.as_boolean()) {
        out += b->get() ? "true" : "false";
    } else if (const auto* a = node.as_array()) {
        const bool one_per_line = multiline && !a->empty() && a->front().is_table();
        out += '[';
        for (std::size_t i = 0; i < a->size(); ++i) {
            if (one_per_line) {
                out += "\n    ";
            } else if (i > 0) {
                out += ", ";
            }
            write_value(out, *a->get(i));
            if (one_per_line) {
                out += ',';
            }
        }
        out += one_per_line ? "\n]" : "]";
    } else if (const auto* t = node.as_table()) {
        if (t->empty()) {
            out += "{}";
            return;
        }
        out += "{ ";
        bool first = true;
        for (auto&& [k, v] : *t) {
            out += first ? "" : ", ";
            first = false;
            write_key(out, k.str());
            out += " = ";
            write_value(out, v);
        }
        out += " }";
    }
}

} // namespace detail

// ---- public helpers over the rows -----------------------------------------------------------

std::string closest_option(std::string_view key)
{
    std::string best;
    std::size_t best_distance = std::string::npos;
    for (const detail::row& r : detail::rows()) {
        std::size_t d = detail::edit_distance(key, r.key);
        // A key written without its section (`linger_ms` for `kafka.linger_ms`), or under the
        // wrong one, is close whatever the edit distance says.
        if (detail::last_component(key) == detail::last_component(r.key)) {
            d = std::min<std::size_t>(d, 1);
        }
        // A key cut short (`socket.rcvbuf`) is close to the first key it starts.
        if (key.find('.') != std::string_view::npos && r.key.size() > key.size() &&
            r.key.compare(0, key.size(), key) == 0) {
            d = std::min<std::size_t>(d, 2);
        }
        if (d < best_distance) {
            best_distance = d;
            best = r.key;
        }
    }
    const std::size_t limit = std::max<std::size_t>(2, key.size() / 3);
    return best_distance <= limit ? best : std::string{};
}

std::string option_value(const receiver_config& cfg, std::string_view key)
{
    const detail::row* r = detail::find_row(key);
    if (r == nullptr) {
        return {};
    }
    toml::table holder;
    std::string text;
    detail::write_value(text, detail::value_of(*r, cfg, holder));
    return text;
}

void set_option(receiver_config& cfg, std::string_view key, std::string_view text, bool append,
                const std::string& where, problems& out)
{
    using detail::kind;
    std::string k(detail::trim_view(key));
    std::string value(text);
    // `kafka.properties.NAME=VALUE` sets one property.
    constexpr std::string_view props = "kafka.properties.";
    if (k.size() > props.size() && k.compare(0, props.size(), props) == 0) {
        value = k.substr(props.size()) + "=" + value;
        k = "kafka.properties";
    }
    const detail::row* r = detail::find_row(k);
    if (r == nullptr) {
        // The long options are the keys; accept `-` for `_` as on the command line.
        std::string normalized = k;
        std::replace(normalized.begin(), normalized.end(), '-', '_');
        r = detail::find_row(normalized);
        if (r == nullptr) {
            const std::string hint = closest_option(k);
            out.push_back(problem{
                where, k,
                "unknown key" + (hint.empty() ? std::string{} : "; did you mean " + hint + "?")});
            return;
        }
    }
    toml::table holder;
    if (std::string why = detail::text_to_node(*r, value, holder); !why.empty()) {
        out.push_back(problem{where, r->key, why});
        return;
    }
    toml::node* node = holder.get("v");
    // A property table always merges (one NAME=VALUE overrides one property); a list
    // replaces, or extends what earlier command-line values set.
    const bool is_text_form = !value.empty() && value.front() != '[' && value.front() != '{';
    if (r->type == kind::string_table && is_text_form) {
        append = true;
    }
    toml::table current;
    if (append && (node->is_array() || node->is_table())) {
        const toml::node& now = detail::value_of(*r, cfg, current);
        if (const auto* arr = now.as_array(); arr != nullptr && node->is_array()) {
            toml::array merged = *arr;
            for (auto&& e : *node->as_array()) {
                merged.push_back(e);
            }
            holder.insert_or_assign("v", std::move(merged));
        } else if (const auto* tbl = now.as_table(); tbl != nullptr && node->is_table()) {
            toml::table merged = *tbl;
            for (auto&& [name, v] : *node->as_table()) {
                merged.insert_or_assign(name, v);
            }
            holder.insert_or_assign("v", std::move(merged));
        }
        node = holder.get("v");
    }
    detail::apply_node(*r, *node, cfg, where, out);
}

} // namespace udpn::config
