#include "key/schema_context.hpp"

#include <libyang/libyang.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

namespace udpn::key {

namespace {

/// Keeps libyang from printing while the context is built; errors are stored and read back
/// with ly_errmsg() into the exception message instead.
class quiet_libyang {
  public:
    quiet_libyang() noexcept { ly_temp_log_options(&_opts); }
    ~quiet_libyang() { ly_temp_log_options(nullptr); }
    quiet_libyang(const quiet_libyang&) = delete;
    quiet_libyang& operator=(const quiet_libyang&) = delete;

  private:
    std::uint32_t _opts = LY_LOSTORE_LAST;
};

std::string last_error(const ly_ctx* ctx)
{
    const char* msg = ctx ? ly_errmsg(ctx) : nullptr;
    return msg ? std::string(msg) : std::string("no libyang message");
}

} // namespace

std::vector<std::string> find_module_names(const std::vector<std::string>& dirs)
{
    namespace fs = std::filesystem;
    std::map<std::string, std::string> newest; // name → newest revision ("" when none)
    for (const auto& dir : dirs) {
        std::error_code ec;
        fs::recursive_directory_iterator it(dir, ec);
        if (ec) {
            throw schema_error("key: cannot read YANG directory '" + dir + "': " + ec.message());
        }
        for (const auto& entry : it) {
            if (!entry.is_regular_file() || entry.path().extension() != ".yang") {
                continue;
            }
            const std::string stem = entry.path().stem().string();
            const auto at = stem.find('@');
            const std::string name = stem.substr(0, at);
            const std::string revision = at == std::string::npos ? "" : stem.substr(at + 1);
            auto [slot, fresh] = newest.try_emplace(name, revision);
            if (!fresh && revision > slot->second) {
                slot->second = revision; // YYYY-MM-DD compares as text
            }
        }
    }
    std::vector<std::string> out;
    for (const auto& [name, revision] : newest) {
        out.push_back(revision.empty() ? name : name + "@" + revision);
    }
    return out;
}

schema_context::schema_context(const schema_config& config)
{
    if (config.search_dirs.empty()) {
        throw schema_error("key: no YANG search directory configured");
    }
    std::string joined;
    for (const auto& dir : config.search_dirs) {
        if (!std::filesystem::is_directory(dir)) {
            throw schema_error("key: YANG search directory '" + dir + "' does not exist");
        }
        if (dir.find(':') != std::string::npos) {
            throw schema_error("key: YANG search directory '" + dir + "' contains ':'");
        }
        if (!joined.empty()) {
            joined += ':';
        }
        joined += dir;
    }
    const quiet_libyang quiet;
    // The directories go to ly_ctx_new itself: added later (ly_ctx_set_searchdir), libyang's
    // built-in ietf-yang-types@2013-07-15 would stay the "latest" revision for imports.
    if (ly_ctx_new(joined.c_str(), LY_CTX_EXPLICIT_COMPILE | LY_CTX_DISABLE_SEARCHDIR_CWD, &_ctx) !=
        LY_SUCCESS) {
        throw schema_error("key: cannot create a libyang context on '" + joined + "'");
    }
    try {
        std::vector<std::string> modules =
            config.modules.empty() ? find_module_names(config.search_dirs) : config.modules;
        if (modules.empty()) {
            throw schema_error("key: no YANG module found in the search directories");
        }
        // libyang's own modules (ietf-yang-types@2013-07-15, …) are in a fresh context; an
        // import without revision-date would bind to them. Load the directories' revisions of
        // those names first, so every later import sees the newest revision.
        std::stable_partition(modules.begin(), modules.end(), [&](const std::string& spec) {
            const std::string name = spec.substr(0, spec.find('@'));
            return ly_ctx_get_module_latest(_ctx, name.c_str()) != nullptr;
        });
        const char* all_features[] = {"*", nullptr};
        for (const auto& spec : modules) {
            std::string name = spec;
            std::string revision;
            if (const auto at = spec.find('@'); at != std::string::npos) {
                name = spec.substr(0, at);
                revision = spec.substr(at + 1);
            }
            const lys_module* mod = ly_ctx_load_module(
                _ctx, name.c_str(), revision.empty() ? nullptr : revision.c_str(),
                config.enable_all_features ? all_features : nullptr);
            if (!mod) {
                throw schema_error("key: cannot load YANG module '" + spec +
                                   "': " + last_error(_ctx));
            }
        }
        if (ly_ctx_compile(_ctx) != LY_SUCCESS) {
            throw schema_error("key: cannot compile the YANG modules: " + last_error(_ctx));
        }
        std::uint32_t index = 0;
        while (const lys_module* mod = ly_ctx_get_module_iter(_ctx, &index)) {
            if (mod->implemented && mod->compiled) {
                _implemented.push_back(mod);
            }
        }
    } catch (...) {
        ly_ctx_destroy(_ctx);
        _ctx = nullptr;
        throw;
    }
}

schema_context::~schema_context()
{
    if (_ctx) {
        ly_ctx_destroy(_ctx);
    }
}

const lys_module* schema_context::module_by_name(std::string_view name) const
{
    for (const lys_module* mod : _implemented) {
        if (name == mod->name) {
            return mod;
        }
    }
    return nullptr;
}

const lys_module* schema_context::module_by_prefix(std::string_view prefix, bool& ambiguous) const
{
    ambiguous = false;
    const lys_module* found = nullptr;
    for (const lys_module* mod : _implemented) {
        if (prefix == mod->prefix) {
            if (found) {
                ambiguous = true;
                return nullptr;
            }
            found = mod;
        }
    }
    return found;
}

const lys_module* schema_context::module_by_namespace(std::string_view uri) const
{
    for (const lys_module* mod : _implemented) {
        if (uri == mod->ns) {
            return mod;
        }
    }
    return nullptr;
}

std::string_view schema_context::prefix_of(std::string_view module_name) const
{
    const lys_module* mod = module_by_name(module_name);
    return mod ? std::string_view(mod->prefix) : std::string_view();
}

std::string_view schema_context::module_name_of_prefix(std::string_view prefix) const
{
    bool ambiguous = false;
    const lys_module* mod = module_by_prefix(prefix, ambiguous);
    return mod ? std::string_view(mod->name) : std::string_view();
}

const lys_module* resolve_qualifier(const schema_context& schema, std::string_view token,
                                    const std::vector<namespace_binding>& namespaces,
                                    bool& ambiguous)
{
    ambiguous = false;
    // §11.10 order: module name, then prefix statement, then XML namespace declarations.
    if (const lys_module* mod = schema.module_by_name(token)) {
        return mod;
    }
    bool prefix_ambiguous = false;
    if (const lys_module* mod = schema.module_by_prefix(token, prefix_ambiguous)) {
        return mod;
    }
    for (auto it = namespaces.rbegin(); it != namespaces.rend(); ++it) {
        if (it->prefix == token) {
            return schema.module_by_namespace(it->uri);
        }
    }
    ambiguous = prefix_ambiguous;
    return nullptr;
}

const lys_module* module_of_top_node(const schema_context& schema, std::string_view name,
                                     bool& ambiguous)
{
    ambiguous = false;
    const lys_module* found = nullptr;
    for (const lys_module* mod : schema.implemented()) {
        const lysc_node* node = nullptr;
        while ((node = lys_getnext(node, nullptr, mod->compiled, 0)) != nullptr) {
            if (name == node->name) {
                if (found && found != mod) {
                    ambiguous = true;
                    return nullptr;
                }
                found = mod;
                break;
            }
        }
    }
    return found;
}

} // namespace udpn::key
