#include "validate/envelope_validator.hpp"

#include <libyang/libyang.h>
#include <simdjson.h>

#include <cstring>
#include <set>
#include <stdexcept>

namespace udpn::validate {
namespace {

constexpr std::string_view tm_module = "ietf-telemetry-message";

std::string last_error(const ly_ctx* ctx)
{
    const ly_err_item* e = ly_err_last(ctx);
    if (e == nullptr) {
        return "libyang error (no message)";
    }
    std::string text = e->msg != nullptr ? e->msg : "libyang error";
    if (e->path != nullptr) {
        text += " (path ";
        text += e->path;
        text += ")";
    }
    return text;
}

const lys_module* load(ly_ctx* ctx, const char* name, const char* revision,
                       std::initializer_list<const char*> features = {})
{
    std::vector<const char*> f(features);
    f.push_back(nullptr);
    const lys_module* m =
        ly_ctx_load_module(ctx, name, revision, features.size() ? f.data() : nullptr);
    if (m == nullptr) {
        throw std::runtime_error(std::string("cannot load ") + name + ": " + last_error(ctx));
    }
    return m;
}

/// The `sx:structure` extension instance named \p name of module \p m.
const lysc_ext_instance* structure(const lys_module* m, std::string_view name)
{
    if (m->compiled == nullptr) {
        return nullptr;
    }
    LY_ARRAY_COUNT_TYPE u;
    LY_ARRAY_FOR(m->compiled->exts, u)
    {
        const lysc_ext_instance& ext = m->compiled->exts[u];
        if (std::strcmp(ext.def->name, "structure") == 0 && ext.argument != nullptr &&
            name == ext.argument) {
            return &ext;
        }
    }
    return nullptr;
}

/// Parses one top-level member `{"module:name": value}` of an sx:structure instance.
std::string parse_ext_member(ly_ctx* ctx, const lysc_ext_instance* ext, const std::string& json,
                             lyd_node** tree)
{
    ly_in* in = nullptr;
    if (ly_in_new_memory(json.c_str(), &in) != LY_SUCCESS) {
        return "ly_in_new_memory failed";
    }
    const LY_ERR r = lyd_parse_ext_data(ext, nullptr, in, LYD_JSON, LYD_PARSE_STRICT,
                                        LYD_VALIDATE_PRESENT, tree);
    ly_in_free(in, 0);
    return r == LY_SUCCESS ? std::string() : last_error(ctx);
}

/// Parses an sx:structure instance `{"<module>:<structure>": {members}}` member by member
/// (see the header: libyang 2.1.30 hangs on several top-level ext siblings). Members are
/// qualified with \p module when they are not already. Trees are appended to \p trees.
std::string parse_structure(ly_ctx* ctx, const lysc_ext_instance* ext, std::string_view module,
                            simdjson::dom::object members, std::vector<lyd_node*>& trees,
                            std::set<std::string>& seen)
{
    for (auto field : members) {
        const std::string key(field.key);
        if (!seen.insert(key).second) {
            return "member " + key + " repeated";
        }
        const std::string qualified =
            key.find(':') == std::string::npos ? std::string(module) + ":" + key : key;
        // Member names are YANG identifiers: no escaping needed.
        const std::string one = "{\"" + qualified + "\":" + simdjson::minify(field.value) + "}";
        lyd_node* tree = nullptr;
        if (std::string e = parse_ext_member(ctx, ext, one, &tree); !e.empty()) {
            return key + ": " + e;
        }
        trees.push_back(tree);
    }
    return {};
}

} // namespace

std::string json_problem(std::string_view text)
{
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(text.data(), text.size()).get(doc); err) {
        return simdjson::error_message(err);
    }
    return {};
}

envelope_validator::envelope_validator(envelope::profile p,
                                       const std::vector<std::string>& search_dirs)
    : _profile(p)
{
    ly_log_options(LY_LOSTORE_LAST); // keep errors for messages; print nothing
    // libyang takes the directories as one PATH_SEPARATOR (':') separated list, in order.
    std::string search;
    for (const std::string& d : search_dirs) {
        search += search.empty() ? "" : ":";
        search += d;
    }
    if (search_dirs.empty() ||
        ly_ctx_new(search.c_str(), LY_CTX_DISABLE_SEARCHDIR_CWD, &_ctx) != LY_SUCCESS) {
        throw std::runtime_error(search_dirs.empty() ? std::string("no YANG directory given")
                                                     : "cannot open YANG directories " + search);
    }
    // Identity and notification modules first (features enabled before anything imports them:
    // identities such as sn:encode-json are if-feature'd).
    load(_ctx, "ietf-datastores", nullptr);
    load(_ctx, "ietf-subscribed-notifications", nullptr, {"*"});
    load(_ctx, "ietf-yang-push", nullptr, {"*"});
    load(_ctx, "ietf-udp-notif-transport", nullptr, {"*"});
    load(_ctx, "ietf-yang-push-revision", nullptr, {"*"});
    load(_ctx, "ietf-distributed-notif", nullptr, {"*"});
    load(_ctx, "ietf-yp-observation", nullptr, {"*"});
    load(_ctx, "ietf-yp-notification", nullptr, {"*"});
    if (p == envelope::profile::seed) {
        load(_ctx, "ietf-telemetry-message", "2025-04-17");
        load(_ctx, "ietf-yang-push-telemetry-message", "2025-04-17");
    } else {
        load(_ctx, "ietf-telemetry-message", "2026-07-19",
             {"network-node-manifest", "data-collection-manifest"});
        load(_ctx, "ietf-yang-push-telemetry-message", "2026-07-19");
    }
}

envelope_validator::~envelope_validator()
{
    free_trees();
    ly_ctx_destroy(_ctx);
}

void envelope_validator::free_trees()
{
    for (lyd_node* t : _trees) {
        lyd_free_all(t);
    }
    _trees.clear();
}

std::string envelope_validator::validate(std::string_view json, bool check_payload)
{
    free_trees();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
        return std::string("not JSON: ") + simdjson::error_message(err);
    }
    simdjson::dom::object root;
    if (doc.get_object().get(root) || root.size() != 1) {
        return "root is not an object with exactly one member";
    }
    const auto field = *root.begin();
    if (field.key != "ietf-telemetry-message:message") {
        return "root member is " + std::string(field.key);
    }
    simdjson::dom::object message;
    if (field.value.get_object().get(message)) {
        return "message is not an object";
    }

    if (_profile == envelope::profile::seed) {
        ly_in* in = nullptr;
        const std::string text(json);
        ly_in_new_memory(text.c_str(), &in);
        lyd_node* tree = nullptr;
        const LY_ERR r = lyd_parse_data(_ctx, nullptr, in, LYD_JSON, LYD_PARSE_STRICT,
                                        LYD_VALIDATE_PRESENT, &tree);
        ly_in_free(in, 0);
        if (r != LY_SUCCESS) {
            lyd_free_all(tree);
            return last_error(_ctx);
        }
        _trees.push_back(tree);
    } else {
        const lys_module* tm = ly_ctx_get_module_implemented(_ctx, "ietf-telemetry-message");
        const lysc_ext_instance* ext = structure(tm, "message");
        if (ext == nullptr) {
            return "no sx:structure message in ietf-telemetry-message";
        }
        std::set<std::string> seen;
        if (std::string e = parse_structure(_ctx, ext, tm_module, message, _trees, seen);
            !e.empty()) {
            free_trees();
            return e;
        }
        // RFC 7950 §3: a non-presence container with mandatory children is itself mandatory.
        if (top("telemetry-message-metadata") == nullptr) {
            free_trees();
            return "mandatory telemetry-message-metadata missing";
        }
    }

    if (check_payload) {
        simdjson::dom::element payload;
        if (message["payload"].get(payload) == simdjson::SUCCESS) {
            if (std::string e = validate_payload(simdjson::minify(payload)); !e.empty()) {
                free_trees();
                return "payload: " + e;
            }
        }
    }
    return {};
}

std::string envelope_validator::validate_notification(std::string_view notification_json)
{
    const std::string text(notification_json);
    ly_in* in = nullptr;
    ly_in_new_memory(text.c_str(), &in);
    lyd_node* tree = nullptr;
    lyd_node* op = nullptr;
    LY_ERR r = lyd_parse_op(_ctx, nullptr, in, LYD_JSON, LYD_TYPE_NOTIF_YANG, &tree, &op);
    ly_in_free(in, 0);
    std::string error;
    if (r != LY_SUCCESS) {
        error = last_error(_ctx);
    } else if (op == nullptr) {
        error = "not a notification";
    } else if ((r = lyd_validate_op(tree, nullptr, LYD_TYPE_NOTIF_YANG, nullptr)) != LY_SUCCESS) {
        error = last_error(_ctx);
    }
    lyd_free_all(tree);
    return error;
}

std::string envelope_validator::validate_payload(std::string_view payload_json)
{
    simdjson::dom::parser parser;
    simdjson::dom::object payload;
    if (parser.parse(payload_json.data(), payload_json.size()).get(payload) ||
        payload.size() != 1) {
        return "not an object with one member";
    }
    const auto field = *payload.begin();
    if (field.key != "ietf-yp-notification:envelope") {
        // A notification member on its own (stripped legacy wrapper or bare input).
        return validate_notification(payload_json);
    }
    const lys_module* iypn = ly_ctx_get_module_implemented(_ctx, "ietf-yp-notification");
    const lysc_ext_instance* ext = structure(iypn, "envelope");
    simdjson::dom::object envelope;
    if (ext == nullptr || field.value.get_object().get(envelope)) {
        return "envelope structure or object missing";
    }
    std::vector<lyd_node*> trees;
    std::set<std::string> seen;
    std::string e = parse_structure(_ctx, ext, "ietf-yp-notification", envelope, trees, seen);
    for (lyd_node* t : trees) {
        lyd_free_all(t);
    }
    if (!e.empty()) {
        return "envelope " + e;
    }
    simdjson::dom::element contents;
    if (envelope["contents"].get(contents)) {
        return "envelope without contents";
    }
    return validate_notification(simdjson::minify(contents));
}

namespace {

/// True for nodes libyang created itself (implicit non-presence containers, default values):
/// the validator reports only what the envelope contains.
bool emitted(const lyd_node* n)
{
    return n->schema != nullptr && (n->flags & LYD_DEFAULT) == 0;
}

/// The emitted nodes of an xpath from \p node.
std::vector<const lyd_node*> find(const lyd_node* node, std::string_view xpath)
{
    std::vector<const lyd_node*> found;
    ly_set* set = nullptr;
    const std::string path(xpath);
    if (lyd_find_xpath(node, path.c_str(), &set) == LY_SUCCESS) {
        for (std::uint32_t i = 0; i < set->count; ++i) {
            if (emitted(set->dnodes[i])) {
                found.push_back(set->dnodes[i]);
            }
        }
    }
    ly_set_free(set, nullptr);
    return found;
}

} // namespace

const lyd_node* envelope_validator::top(std::string_view name) const
{
    for (const lyd_node* t : _trees) {
        if (_profile == envelope::profile::seed) {
            // One tree: the `message` container; its children are the steps.
            for (const lyd_node* c = lyd_child(t); c != nullptr; c = c->next) {
                if (emitted(c) && name == c->schema->name) {
                    return c;
                }
            }
        } else {
            for (const lyd_node* c = t; c != nullptr; c = c->next) {
                if (emitted(c) && name == c->schema->name) {
                    return c;
                }
            }
        }
    }
    return nullptr;
}

std::size_t envelope_validator::count(std::string_view path) const
{
    const std::size_t slash = path.find('/');
    const lyd_node* node = top(path.substr(0, slash));
    if (node == nullptr) {
        return 0;
    }
    return slash == std::string_view::npos ? 1 : find(node, path.substr(slash + 1)).size();
}

std::optional<std::string> envelope_validator::value(std::string_view path) const
{
    const std::size_t slash = path.find('/');
    const lyd_node* node = top(path.substr(0, slash));
    if (node == nullptr) {
        return std::nullopt;
    }
    if (slash != std::string_view::npos) {
        const auto found = find(node, path.substr(slash + 1));
        if (found.size() != 1) {
            return std::nullopt;
        }
        node = found.front();
    }
    const char* v = lyd_get_value(node);
    if (v == nullptr) {
        return std::nullopt;
    }
    return std::string(v);
}

} // namespace udpn::validate
