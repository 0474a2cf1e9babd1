#include "key/subtree.hpp"
#include "common/text.hpp"

#include "key/json_cursor.hpp"
#include "key/xml_reader.hpp"
#include "key/xpath.hpp"

#include <libyang/libyang.h>

#include <algorithm>

namespace udpn::key {

namespace {

constexpr std::size_t max_subtree_depth = 64;

/// One node of a subtree filter, independent of its encoding.
struct subtree_node {
    enum class role : std::uint8_t { selection, containment, content };
    std::string module; ///< module name
    std::string name;
    role kind = role::selection;
    std::string value; ///< content match text
    std::vector<subtree_node> children;
};

struct failure {
    resolve_error error;
    std::string message;
};

/// The module of a (possibly qualified) member/element at \p depth: qualified names resolve by
/// §11.10, unqualified ones inherit the parent's module, unqualified top-level names must name
/// one module's top node.
const lys_module* module_for(const schema_context& schema, std::string_view qualifier,
                             std::string_view name, const std::string& parent_module,
                             const std::vector<namespace_binding>& namespaces, failure& f)
{
    bool ambiguous = false;
    if (!qualifier.empty()) {
        const lys_module* mod = resolve_qualifier(schema, qualifier, namespaces, ambiguous);
        if (!mod) {
            f = {ambiguous ? resolve_error::ambiguous_prefix : resolve_error::unknown_module,
                 "subtree filter: '" + std::string(qualifier) + ":" + std::string(name) + "': " +
                     (ambiguous
                          ? "prefix '" + std::string(qualifier) + "' is declared by several modules"
                          : "no implemented module or prefix '" + std::string(qualifier) + "'")};
        }
        return mod;
    }
    if (!parent_module.empty()) {
        return schema.module_by_name(parent_module);
    }
    const lys_module* mod = module_of_top_node(schema, name, ambiguous);
    if (!mod) {
        f = {ambiguous ? resolve_error::ambiguous_prefix : resolve_error::unknown_module,
             "subtree filter: unqualified top-level node '" + std::string(name) + "' " +
                 (ambiguous ? "exists in several modules" : "is not defined by any module")};
    }
    return mod;
}

// ---- JSON ----------------------------------------------------------------------------------

bool json_value(const schema_context& schema, detail::json_cursor& c, subtree_node& node,
                const std::vector<namespace_binding>& namespaces, std::size_t depth,
                std::vector<subtree_node>& siblings, failure& f);

bool json_members(const schema_context& schema, detail::json_cursor& c,
                  const std::string& parent_module,
                  const std::vector<namespace_binding>& namespaces, std::size_t depth,
                  std::vector<subtree_node>& out, failure& f)
{
    if (depth >= max_subtree_depth) {
        f = {resolve_error::bad_subtree, "subtree filter: nested too deeply"};
        return false;
    }
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    while (c.next_member(first, raw, escaped)) {
        std::string member;
        if (!detail::json_unescape(raw, member)) {
            break;
        }
        std::string_view qualifier;
        std::string_view local = member;
        if (const auto colon = member.find(':'); colon != std::string::npos) {
            qualifier = std::string_view(member).substr(0, colon);
            local = std::string_view(member).substr(colon + 1);
        }
        if (!is_yang_identifier(local) || (!qualifier.empty() && !is_yang_identifier(qualifier))) {
            f = {resolve_error::bad_subtree,
                 "subtree filter: member '" + member + "' is not a YANG node name"};
            return false;
        }
        const lys_module* mod = module_for(schema, qualifier, local, parent_module, namespaces, f);
        if (!mod) {
            return false;
        }
        subtree_node node;
        node.module = mod->name;
        node.name.assign(local);
        if (!json_value(schema, c, node, namespaces, depth, out, f)) {
            return false;
        }
    }
    if (c.failed()) {
        f = {resolve_error::bad_subtree, "subtree filter: malformed JSON"};
        return false;
    }
    return true;
}

/// Classifies the member value at the cursor (§11.11) and appends the node(s) to \p siblings.
bool json_value(const schema_context& schema, detail::json_cursor& c, subtree_node& node,
                const std::vector<namespace_binding>& namespaces, std::size_t depth,
                std::vector<subtree_node>& siblings, failure& f)
{
    using detail::json_token;
    const json_token t = c.peek();
    if (t == json_token::object) {
        c.begin_object();
        if (!json_members(schema, c, node.module, namespaces, depth + 1, node.children, f)) {
            return false;
        }
        node.kind =
            node.children.empty() ? subtree_node::role::selection : subtree_node::role::containment;
        siblings.push_back(std::move(node));
        return true;
    }
    if (t == json_token::array) {
        c.begin_array();
        bool first = true;
        std::size_t n_null = 0;
        std::size_t n_objects = 0;
        std::vector<subtree_node> entries;
        while (c.next_element(first)) {
            const json_token e = c.peek();
            if (e == json_token::null) {
                c.skip_value();
                ++n_null;
            } else if (e == json_token::object) {
                subtree_node entry;
                entry.module = node.module;
                entry.name = node.name;
                if (!json_value(schema, c, entry, namespaces, depth, entries, f)) {
                    return false;
                }
                ++n_objects;
            } else {
                f = {resolve_error::bad_subtree,
                     "subtree filter: array '" + node.name +
                         "' must hold objects (list entries) or be [null]"};
                return false;
            }
        }
        if (c.failed()) {
            f = {resolve_error::bad_subtree, "subtree filter: malformed JSON"};
            return false;
        }
        if (n_objects > 0 && n_null > 0) {
            f = {resolve_error::bad_subtree,
                 "subtree filter: array '" + node.name + "' mixes null and objects"};
            return false;
        }
        if (n_objects == 0) {
            node.kind = subtree_node::role::selection; // [null] or []
            siblings.push_back(std::move(node));
            return true;
        }
        for (auto& e : entries) {
            siblings.push_back(std::move(e));
        }
        return true;
    }
    std::string_view raw;
    json_token kind;
    bool escaped = false;
    if (!c.read_scalar(raw, kind, escaped)) {
        f = {resolve_error::bad_subtree, "subtree filter: malformed JSON"};
        return false;
    }
    if (kind == json_token::null) {
        node.kind = subtree_node::role::selection;
    } else if (kind == json_token::string) {
        std::string text;
        if (!detail::json_unescape(raw, text)) {
            f = {resolve_error::bad_subtree, "subtree filter: bad string escape"};
            return false;
        }
        node.kind = text.empty() ? subtree_node::role::selection : subtree_node::role::content;
        node.value = std::move(text);
    } else {
        node.kind = subtree_node::role::content;
        node.value.assign(raw);
    }
    siblings.push_back(std::move(node));
    return true;
}

// ---- XML -----------------------------------------------------------------------------------

bool from_xml(const schema_context& schema, const xml_element& e, const std::string& parent_module,
              const std::vector<namespace_binding>& namespaces, subtree_node& node, failure& f)
{
    const lys_module* mod = nullptr;
    if (!e.ns.empty()) {
        mod = schema.module_by_namespace(e.ns);
        if (!mod) {
            f = {resolve_error::unknown_module, "subtree filter: element '" + e.name +
                                                    "' has namespace '" + e.ns +
                                                    "', which no implemented module defines"};
            return false;
        }
    } else {
        mod = module_for(schema, {}, e.name, parent_module, namespaces, f);
        if (!mod) {
            return false;
        }
    }
    node.module = mod->name;
    node.name = e.name;
    if (!e.children.empty()) {
        node.kind = subtree_node::role::containment;
        for (const auto& child : e.children) {
            subtree_node c;
            if (!from_xml(schema, child, node.module, namespaces, c, f)) {
                return false;
            }
            node.children.push_back(std::move(c));
        }
        return true;
    }
    const std::string_view text = trim(e.text);
    if (text.empty()) {
        node.kind = subtree_node::role::selection; // empty or whitespace-only: not a match
    } else {
        node.kind = subtree_node::role::content;
        node.value.assign(text);
    }
    return true;
}

// ---- Phase 1 -------------------------------------------------------------------------------

void add_unique(std::vector<std::string>& out, std::string s)
{
    if (std::find(out.begin(), out.end(), s) == out.end()) {
        out.push_back(std::move(s));
    }
}

bool phase1(const subtree_node& node, const std::string& parent_path, std::vector<std::string>& out,
            failure& f)
{
    std::string step = parent_path + "/" + node.module + ":" + node.name;
    switch (node.kind) {
    case subtree_node::role::selection: add_unique(out, std::move(step)); return true;
    case subtree_node::role::content:
        f = {resolve_error::bad_subtree, "subtree filter: content match '" + node.name + "' = '" +
                                             node.value + "' has no parent node"};
        return false;
    case subtree_node::role::containment: break;
    }
    std::string preds;
    bool has_other = false;
    for (const auto& child : node.children) {
        if (child.kind == subtree_node::role::content) {
            preds += "[" + child.module + ":" + child.name + "=";
            append_xpath_literal(preds, child.value);
            preds += "]";
        } else {
            has_other = true;
        }
    }
    step += preds;
    if (!has_other) {
        // Only content matches: the matching entries are selected whole (RFC 6241 §6.2.5).
        add_unique(out, std::move(step));
        return true;
    }
    for (const auto& child : node.children) {
        if (child.kind != subtree_node::role::content && !phase1(child, step, out, f)) {
            return false;
        }
    }
    return true;
}

bool run_phase1(const std::vector<subtree_node>& roots, std::vector<std::string>& out,
                resolve_error& error, std::string& message, failure& f)
{
    for (const auto& root : roots) {
        if (!phase1(root, "", out, f)) {
            error = f.error;
            message = std::move(f.message);
            return false;
        }
    }
    if (out.empty()) {
        error = resolve_error::empty_filter;
        message = "subtree filter selects nothing (no element)";
        return false;
    }
    return true;
}

} // namespace

bool subtree_xml_to_xpaths(const schema_context& schema, std::string_view xml,
                           const std::vector<namespace_binding>& namespaces,
                           std::vector<std::string>& out, resolve_error& error,
                           std::string& message)
{
    out.clear();
    std::vector<xml_element> forest;
    if (!parse_xml_forest(xml, namespaces, forest, message)) {
        error = resolve_error::bad_subtree;
        return false;
    }
    failure f{resolve_error::bad_subtree, {}};
    std::vector<subtree_node> roots;
    for (const auto& e : forest) {
        subtree_node node;
        if (!from_xml(schema, e, {}, namespaces, node, f)) {
            error = f.error;
            message = std::move(f.message);
            return false;
        }
        roots.push_back(std::move(node));
    }
    return run_phase1(roots, out, error, message, f);
}

bool subtree_json_to_xpaths(const schema_context& schema, std::string_view json,
                            const std::vector<namespace_binding>& namespaces,
                            std::vector<std::string>& out, resolve_error& error,
                            std::string& message)
{
    out.clear();
    detail::json_cursor c(json);
    const detail::json_token t = c.peek();
    if (t == detail::json_token::string) {
        // §11.11: a JSON string holding the XML form.
        std::string_view raw;
        bool escaped = false;
        std::string xml;
        if (!c.read_string(raw, escaped) || !detail::json_unescape(raw, xml) || !c.at_end()) {
            error = resolve_error::bad_subtree;
            message = "subtree filter: malformed JSON string";
            return false;
        }
        return subtree_xml_to_xpaths(schema, xml, namespaces, out, error, message);
    }
    if (t != detail::json_token::object) {
        error = resolve_error::bad_subtree;
        message = "subtree filter: JSON must be an object (or a string holding XML)";
        return false;
    }
    c.begin_object();
    failure f{resolve_error::bad_subtree, {}};
    std::vector<subtree_node> roots;
    if (!json_members(schema, c, {}, namespaces, 0, roots, f)) {
        error = f.error;
        message = std::move(f.message);
        return false;
    }
    if (!c.at_end()) {
        error = resolve_error::bad_subtree;
        message = "subtree filter: content after the JSON object";
        return false;
    }
    return run_phase1(roots, out, error, message, f);
}

} // namespace udpn::key
