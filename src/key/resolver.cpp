#include "key/resolver.hpp"

#include "key/subtree.hpp"
#include "key/xpath.hpp"

#include <libyang/libyang.h>

#include <algorithm>
#include <new>

namespace udpn::key {

namespace {

constexpr std::uint16_t data_node_types =
    LYS_CONTAINER | LYS_LIST | LYS_LEAF | LYS_LEAFLIST | LYS_ANYDATA | LYS_ANYXML | LYS_NOTIF;

/// The child of \p parent (or top-level node of \p want when \p parent is null) named \p name.
/// choice/case are transparent (lys_getnext). With \p want null the parent's module is
/// preferred, then a unique match in any module (augments written without a prefix).
const lysc_node* find_child(const lysc_node* parent, const lys_module* want, std::string_view name,
                            bool& ambiguous, bool& is_operation)
{
    ambiguous = false;
    is_operation = false;
    const lysc_node* same_module = nullptr;
    const lysc_node* other = nullptr;
    std::size_t n_other = 0;
    const lysc_node* node = nullptr;
    const lysc_module* top = parent ? nullptr : want->compiled;
    while ((node = lys_getnext(node, parent, top, 0)) != nullptr) {
        if (name != node->name) {
            continue;
        }
        if (node->nodetype & (LYS_RPC | LYS_ACTION)) {
            is_operation = true;
            continue;
        }
        if (!(node->nodetype & data_node_types)) {
            continue;
        }
        if (want) {
            if (node->module == want) {
                return node;
            }
            continue;
        }
        if (node->module == parent->module) {
            same_module = node;
        } else {
            other = node;
            ++n_other;
        }
    }
    if (same_module) {
        return same_module;
    }
    if (n_other > 1) {
        ambiguous = true;
        return nullptr;
    }
    return other;
}

node_kind kind_of(const lysc_node* node) noexcept
{
    switch (node->nodetype) {
    case LYS_LIST: return node_kind::list;
    case LYS_LEAF: return node_kind::leaf;
    case LYS_LEAFLIST: return node_kind::leaf_list;
    case LYS_ANYDATA:
    case LYS_ANYXML: return node_kind::anydata;
    case LYS_NOTIF: return node_kind::notification;
    default: break;
    }
    return node_kind::container;
}

std::string join(std::vector<std::string> parts, std::string_view sep)
{
    std::sort(parts.begin(), parts.end());
    parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) {
            out += sep;
        }
        out += p;
    }
    return out;
}

} // namespace

resolver::resolver(const schema_context& schema, const key_config& config)
    : _schema(schema), _config(config)
{
    _config.validate();
}

subscription_type resolver::type_of(const subscription_filter& filter,
                                    const key_config& config) noexcept
{
    // §8.1 / §8.2; §11.20: streams and subscriptions without an update trigger use the knob.
    if (!filter.stream.empty() || filter.trigger == update_trigger::unknown) {
        return config.no_trigger_type;
    }
    if (filter.trigger == update_trigger::periodic) {
        return subscription_type::periodic;
    }
    if (!filter.sync_on_start) {
        return subscription_type::on_change;
    }
    return config.compacted_state ? subscription_type::on_change_sync_compacted
                                  : subscription_type::on_change_sync;
}

result<resolved_subscription, resolve_error>
resolver::resolve(const subscription_filter& filter) noexcept
{
    resolve_error error = resolve_error::out_of_memory;
    try {
        resolved_subscription sub;
        if (resolve_into(filter, sub, error)) {
            _last_error.clear();
            return sub;
        }
    } catch (const std::bad_alloc&) {
        error = resolve_error::out_of_memory;
        _last_error.clear(); // may fail again; keep the counter authoritative
    } catch (...) {
        error = resolve_error::out_of_memory;
    }
    _stats.count(error);
    return error;
}

resolved_subscription resolver::fallback(const subscription_filter& filter) const
{
    resolved_subscription sub;
    sub.id = filter.subscription_id;
    sub.mode = resolution::unresolved;
    sub.type = type_of(filter, _config);
    sub.target = filter.stream.empty() ? filter.datastore : filter.stream;
    finish(sub);
    return sub;
}

bool resolver::resolve_into(const subscription_filter& filter, resolved_subscription& sub,
                            resolve_error& error)
{
    sub.id = filter.subscription_id;
    sub.type = type_of(filter, _config);
    sub.target = filter.stream.empty() ? filter.datastore : filter.stream;

    std::vector<std::string> texts;
    switch (filter.kind) {
    case filter_kind::none:
        sub.mode = resolution::no_filter;
        ++_stats.no_filter;
        finish(sub);
        return true;
    case filter_kind::by_reference:
        sub.mode = resolution::by_reference;
        ++_stats.by_reference;
        finish(sub);
        return true;
    case filter_kind::xpath:
        texts = split_union(filter.text); // §11.16
        break;
    case filter_kind::subtree_json:
        if (!subtree_json_to_xpaths(_schema, filter.text, filter.namespaces, texts, error,
                                    _last_error)) {
            return false;
        }
        break;
    case filter_kind::subtree_xml:
        if (!subtree_xml_to_xpaths(_schema, filter.text, filter.namespaces, texts, error,
                                   _last_error)) {
            return false;
        }
        break;
    }
    if (texts.empty() || (texts.size() == 1 && texts.front().empty())) {
        error = resolve_error::empty_filter;
        _last_error = "filter of subscription " + std::to_string(filter.subscription_id) +
                      " selects nothing (empty filter text)";
        return false;
    }
    if (texts.size() > _config.max_branches) {
        error = resolve_error::too_many_branches;
        _last_error = "filter has " + std::to_string(texts.size()) + " branches, more than " +
                      std::to_string(_config.max_branches) + " (max_branches)";
        return false;
    }
    for (const auto& text : texts) {
        resolved_branch branch;
        if (!resolve_branch(filter, text, branch, error)) {
            return false;
        }
        sub.branches.push_back(std::move(branch));
    }
    // Same template → same keys and topic: keep one (e.g. `/if:interfaces` and
    // `/ietf-interfaces:interfaces`), sorted so "the first branch" is well defined (§11.16).
    std::sort(sub.branches.begin(), sub.branches.end(),
              [](const resolved_branch& a, const resolved_branch& b) {
                  return a.key_template < b.key_template;
              });
    sub.branches.erase(std::unique(sub.branches.begin(), sub.branches.end(),
                                   [](const resolved_branch& a, const resolved_branch& b) {
                                       return a.key_template == b.key_template;
                                   }),
                       sub.branches.end());
    for (auto& branch : sub.branches) {
        name_topics(branch, sub.type);
    }
    sub.mode = resolution::branches;
    finish(sub);
    ++_stats.resolved;
    return true;
}

bool resolver::resolve_branch(const subscription_filter& filter, const std::string& text,
                              resolved_branch& out, resolve_error& error)
{
    out.filter = text;
    xpath_path path;
    if (!parse_xpath(text, path, _last_error)) {
        error = resolve_error::bad_xpath;
        return false;
    }
    if (path.steps.size() > _config.max_depth) {
        error = resolve_error::too_deep;
        _last_error = "'" + text + "' has " + std::to_string(path.steps.size()) +
                      " steps, more than " + std::to_string(_config.max_depth) + " (max_depth)";
        return false;
    }
    const lysc_node* parent = nullptr;
    const lys_module* prev_module = nullptr;
    std::string literal;      // template text since the last placeholder
    std::string subscription; // template without open predicates
    for (std::size_t i = 0; i < path.steps.size(); ++i) {
        const xpath_step& step = path.steps[i];
        const std::string where =
            "step '" + (step.prefix.empty() ? step.name : step.prefix + ":" + step.name) +
            "' of '" + text + "'";
        const lys_module* want = nullptr;
        bool ambiguous = false;
        if (!step.prefix.empty()) {
            want = resolve_qualifier(_schema, step.prefix, filter.namespaces, ambiguous);
            if (!want) {
                error = ambiguous ? resolve_error::ambiguous_prefix : resolve_error::unknown_module;
                _last_error = ambiguous ? "prefix '" + step.prefix +
                                              "' is declared by several modules (" + where + ")"
                                        : "unknown module or prefix '" + step.prefix + "' (" +
                                              where + "): not a module name, module prefix or " +
                                              "XML namespace declaration (PROTOCOL.md §11.10)";
                return false;
            }
        } else if (i == 0) {
            want = module_of_top_node(_schema, step.name, ambiguous);
            if (!want) {
                error = ambiguous ? resolve_error::ambiguous_prefix : resolve_error::unknown_module;
                _last_error = "unqualified first " + where +
                              (ambiguous ? " matches top-level nodes of several modules"
                                         : " is not a top-level node of any module");
                return false;
            }
        }
        bool is_operation = false;
        const lysc_node* node = find_child(parent, want, step.name, ambiguous, is_operation);
        if (!node) {
            if (is_operation) {
                error = resolve_error::unsupported_node;
                _last_error = where + " names an RPC or action, not data";
            } else if (ambiguous) {
                error = resolve_error::ambiguous_prefix;
                _last_error = where + " matches nodes of several modules; qualify it";
            } else {
                error = resolve_error::path_not_in_schema;
                _last_error = "path not in schema: " + where + ": no node '" + step.name + "'" +
                              (want ? " of module '" + std::string(want->name) + "'" : "") +
                              (parent ? " under '" + out.schema_path + "'" : " at the top level");
            }
            return false;
        }
        if (i + 1 < path.steps.size() &&
            (node->nodetype & (LYS_LEAF | LYS_LEAFLIST | LYS_ANYDATA | LYS_ANYXML))) {
            error = resolve_error::path_not_in_schema;
            _last_error = "path not in schema: " + where + ": '" + step.name +
                          "' is a leaf, leaf-list or anydata and has no child nodes";
            return false;
        }
        resolved_step rs;
        rs.module = node->module->name;
        rs.prefix = node->module->prefix;
        rs.name = node->name;
        rs.kind = kind_of(node);
        // Module name only on the first step and where it changes (§7.3 Phase 2).
        std::string label = "/";
        if (node->module != prev_module) {
            label += rs.module + ":";
        }
        label += rs.name;
        out.schema_path += label;
        literal += label;
        subscription += label;
        const std::uint16_t depth = static_cast<std::uint16_t>(i);
        if (rs.kind == node_kind::list) {
            for (const lysc_node* k = lysc_node_child(node); k && lysc_is_key(k); k = k->next) {
                rs.keys.emplace_back(k->name);
            }
            if (rs.keys.size() > max_list_keys) {
                error = resolve_error::unsupported_node;
                _last_error = where + ": list '" + rs.name + "' has more than " +
                              std::to_string(max_list_keys) + " keys";
                return false;
            }
            for (std::size_t k = 0; k < rs.keys.size(); ++k) {
                std::optional<std::string> pin;
                for (const auto& p : step.pins) {
                    // Key names lose their prefix (§7.3 normalization).
                    if (p.name == rs.keys[k]) {
                        pin = p.value;
                    }
                }
                literal += "[" + rs.keys[k] + "=";
                if (pin) {
                    append_xpath_literal(literal, *pin);
                    literal += "]";
                    subscription += "[" + rs.keys[k] + "=";
                    append_xpath_literal(subscription, *pin);
                    subscription += "]";
                } else {
                    out.pieces.push_back({literal, true, depth, static_cast<std::uint16_t>(k)});
                    literal = "]";
                    out.extraction_paths.push_back(out.schema_path + "/" + rs.keys[k]);
                    out.max_placeholder_depth = static_cast<int>(i);
                }
                rs.pins.push_back(std::move(pin));
            }
        } else if (rs.kind == node_kind::leaf_list) {
            // A leaf-list target gets [.='%s'] (§7.3 Phase 2).
            std::optional<std::string> pin;
            for (const auto& p : step.pins) {
                if (p.name == ".") {
                    pin = p.value;
                }
            }
            literal += "[.=";
            if (pin) {
                append_xpath_literal(literal, *pin);
                literal += "]";
                subscription += "[.=";
                append_xpath_literal(subscription, *pin);
                subscription += "]";
            } else {
                out.pieces.push_back({literal, true, depth, leaf_list_slot});
                literal = "]";
                out.extraction_paths.push_back(out.schema_path);
                out.max_placeholder_depth = static_cast<int>(i);
            }
            rs.pins.push_back(std::move(pin));
        }
        out.steps.push_back(std::move(rs));
        prev_module = node->module;
        parent = node;
    }
    out.pieces.push_back({literal, false, 0, 0});
    out.schema_node = parent;
    out.module = out.steps.front().module;
    out.subscription_xpath = std::move(subscription);
    for (const auto& piece : out.pieces) {
        out.key_template += piece.literal;
        if (piece.placeholder) {
            out.key_template += "'%s'";
        }
    }
    // §7.1: predicates dropped, no leading '/', list key names appended.
    out.seed_index = out.schema_path.substr(1);
    if (out.steps.back().kind == node_kind::list) {
        for (const auto& k : out.steps.back().keys) {
            out.seed_index += "/" + k;
        }
    }
    return true;
}

void resolver::name_topics(resolved_branch& branch, subscription_type type)
{
    const bool level = _config.effective_type_level();
    const std::size_t max_len = _config.max_topic_length;
    const bool claim = _config.distribution == topic_distribution::topic;
    const topic_scheme active = _config.effective_scheme();

    const std::string netana = assemble_topic(
        topic_scheme::netana, _config.topic_prefix,
        level ? std::string_view(_config.netana_types.of(type)) : std::string_view(),
        netana_topic_body(branch.schema_path, _schema, _config.netana_module_prefix));
    const std::string ietf02 =
        assemble_topic(topic_scheme::ietf_02, _config.topic_prefix,
                       level ? std::string_view(_config.ietf02_types.of(type)) : std::string_view(),
                       ietf02_topic_body(branch.key_template, _schema));
    // §8.2 step 5 (and the same for netana names, cut at '.' or '_').
    branch.netana_topic = fit_topic(netana, max_len, branch.schema_path, "._");
    branch.ietf02_topic = fit_topic(ietf02, max_len, branch.schema_path, "-");
    std::string& active_name =
        active == topic_scheme::netana ? branch.netana_topic : branch.ietf02_topic;
    if (active_name.size() != (active == topic_scheme::netana ? netana : ietf02).size()) {
        ++_stats.topic_overflows;
    }
    if (claim) {
        bool collided = false;
        active_name = _registry.claim(active_name, branch.schema_path, max_len, collided);
        if (collided) {
            ++_stats.topic_collisions;
        }
    }
    branch.topic =
        _config.distribution == topic_distribution::subject ? _config.single_topic : active_name;
}

void resolver::finish(resolved_subscription& sub) const
{
    std::vector<std::string> indexes;
    std::vector<std::string> xpaths;
    sub.uniform_topic = true;
    sub.has_placeholders = false;
    for (const auto& b : sub.branches) {
        indexes.push_back(b.seed_index);
        xpaths.push_back(b.subscription_xpath);
        if (b.topic != sub.branches.front().topic) {
            sub.uniform_topic = false;
        }
        if (b.max_placeholder_depth >= 0) {
            sub.has_placeholders = true;
        }
    }
    // §11.12 legacy-index serialization: datastore (or stream) then the index(es).
    sub.seed_key_tail = sub.target + "\n" + join(indexes, " | ");
    sub.subscription_xpaths = join(xpaths, " | ");
    if (sub.branches.empty()) {
        sub.topic = _config.distribution == topic_distribution::subject
                        ? _config.single_topic
                        : _config.effective_fallback_topic();
    } else {
        sub.topic = sub.branches.front().topic;
    }
}

} // namespace udpn::key
