#include "key/topic.hpp"

#include <cstdio>

namespace udpn::key {

std::uint64_t fnv1a64(std::string_view s) noexcept
{
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string fnv_suffix(std::string_view schema_path)
{
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(fnv1a64(schema_path)));
    return std::string(hex, 8);
}

bool is_legal_topic(std::string_view name) noexcept
{
    if (name.empty() || name.size() > max_kafka_topic_length || name == "." || name == "..") {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string collision_form(std::string_view name)
{
    std::string out(name);
    for (char& c : out) {
        if (c == '.') {
            c = '_';
        }
    }
    return out;
}

namespace {

/// Cuts \p name at the last separator within `max_len - 9` (hard cut if none) and appends
/// `-` + fnv_suffix(\p schema_path); a name that already fits the budget is kept whole.
std::string with_suffix(std::string_view name, std::size_t max_len, std::string_view schema_path,
                        std::string_view separators)
{
    // The reference implementation's budget: max - 9 before "-xxxxxxxx".
    const std::size_t budget = max_len > 9 ? max_len - 9 : 0;
    std::size_t cut = name.size();
    if (cut > budget) {
        cut = budget;
        const std::size_t sep = name.substr(0, budget + 1).find_last_of(separators);
        if (sep != std::string_view::npos && sep > 0) {
            cut = sep;
        }
    }
    std::string out(name.substr(0, cut));
    out += '-';
    out += fnv_suffix(schema_path);
    return out;
}

} // namespace

std::string fit_topic(std::string_view name, std::size_t max_len, std::string_view schema_path,
                      std::string_view separators)
{
    if (name.size() <= max_len) {
        return std::string(name);
    }
    return with_suffix(name, max_len, schema_path, separators);
}

namespace {

/// Calls \p fn(module, name) for each step of a predicate-free path `/m:a/b/m2:c`; module is
/// empty where the step carries none.
template <typename Fn> void for_each_step(std::string_view path, Fn&& fn)
{
    std::size_t i = 0;
    if (!path.empty() && path[0] == '/') {
        i = 1;
    }
    while (i <= path.size()) {
        std::size_t end = i;
        std::size_t depth = 0;
        while (end < path.size() && (depth > 0 || path[end] != '/')) {
            if (path[end] == '\'' || path[end] == '"') {
                const std::size_t close = path.find(path[end], end + 1);
                end = close == std::string_view::npos ? path.size() : close + 1;
                continue;
            }
            if (path[end] == '[') {
                ++depth;
            } else if (path[end] == ']' && depth > 0) {
                --depth;
            }
            ++end;
        }
        std::string_view step = path.substr(i, end - i);
        if (const auto bracket = step.find('['); bracket != std::string_view::npos) {
            step = step.substr(0, bracket); // (1) strip predicates
        }
        if (!step.empty()) {
            const auto colon = step.find(':');
            if (colon == std::string_view::npos) {
                fn(std::string_view(), step);
            } else {
                fn(step.substr(0, colon), step.substr(colon + 1));
            }
        }
        i = end + 1;
    }
}

} // namespace

std::string ietf02_topic_body(std::string_view template_or_path, const schema_context& schema)
{
    std::string out;
    for_each_step(template_or_path, [&](std::string_view module, std::string_view name) {
        if (!out.empty()) {
            out += '-'; // (3) '/' → '-'
        }
        if (!module.empty()) {
            const std::string_view prefix = schema.prefix_of(module); // (2) module → prefix
            out += prefix.empty() ? module : prefix;
            out += '-'; // (3) ':' → '-'
        }
        out += name;
    });
    return out;
}

std::string netana_topic_body(std::string_view schema_path, const schema_context& schema,
                              bool use_prefix)
{
    std::string out;
    bool first = true;
    auto label = [&](std::string_view module) {
        if (use_prefix) {
            const std::string_view prefix = schema.prefix_of(module);
            return prefix.empty() ? module : prefix;
        }
        return module;
    };
    for_each_step(schema_path, [&](std::string_view module, std::string_view name) {
        if (first) {
            out += label(module);
            out += '.';
            first = false;
        } else {
            out += '_';
            if (!module.empty()) {
                out += label(module);
                out += '-';
            }
        }
        out += name;
    });
    return out;
}

std::string assemble_topic(topic_scheme scheme, std::string_view org_prefix,
                           std::string_view type_level, std::string_view body)
{
    const char sep = scheme == topic_scheme::netana ? '.' : '-';
    std::string out;
    if (!org_prefix.empty()) {
        out += org_prefix;
        out += sep;
    }
    if (!type_level.empty()) {
        out += type_level;
        out += sep;
    }
    if (scheme == topic_scheme::netana) {
        out += "yang.";
    }
    out += body;
    return out;
}

std::string topic_registry::claim(const std::string& topic, std::string_view schema_path,
                                  std::size_t max_len, bool& collided)
{
    collided = false;
    const std::string form = collision_form(topic);
    const auto it = _owner.find(form);
    if (it == _owner.end()) {
        _owner.emplace(form, std::string(schema_path));
        return topic;
    }
    if (it->second == schema_path) {
        return topic;
    }
    // §11.18: a different schema path already owns the name (e.g. `/x:a/b-c` vs `/x:a-b/c`).
    collided = true;
    std::string suffixed = with_suffix(topic, max_len, schema_path, "-._");
    _owner.emplace(collision_form(suffixed), std::string(schema_path));
    return suffixed;
}

} // namespace udpn::key
