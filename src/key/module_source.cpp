#include "key/module_source.hpp"

#include <libyang/libyang.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

namespace udpn::key {

namespace {

/// Largest YANG file read (a module larger than this is refused, never truncated).
constexpr std::size_t max_module_bytes = std::size_t{8} << 20;

bool read_file(const char* path, std::string& out)
{
    std::FILE* f = std::fopen(path, "rb");
    if (f == nullptr) {
        return false;
    }
    out.clear();
    char buf[8192];
    bool ok = true;
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, f);
        out.append(buf, n);
        if (out.size() > max_module_bytes) {
            ok = false;
            break;
        }
        if (n < sizeof buf) {
            ok = std::ferror(f) == 0;
            break;
        }
    }
    std::fclose(f);
    return ok;
}

void add_imports(const lysp_import* imports, std::vector<std::string>& out)
{
    LY_ARRAY_COUNT_TYPE i = 0;
    LY_ARRAY_FOR(imports, i)
    {
        const std::string name = imports[i].name;
        bool seen = false;
        for (const std::string& n : out) {
            seen = seen || n == name;
        }
        if (!seen) {
            out.push_back(name);
        }
    }
}

/// The source of \p mod; false with \p problem set when its text cannot be had.
bool describe(const lys_module* mod, module_source& out, std::string& problem)
{
    out.name = mod->name;
    out.revision = mod->revision != nullptr ? mod->revision : "";
    if (mod->filepath != nullptr) {
        if (!read_file(mod->filepath, out.text)) {
            problem = "module " + out.name + ": cannot read " + mod->filepath;
            return false;
        }
    } else {
        char* text = nullptr;
        if (lys_print_mem(&text, mod, LYS_OUT_YANG, 0) != LY_SUCCESS || text == nullptr) {
            std::free(text);
            problem = "module " + out.name + ": libyang cannot print it";
            return false;
        }
        out.text = text;
        std::free(text);
    }
    if (const lysp_module* p = mod->parsed; p != nullptr) {
        add_imports(p->imports, out.imports);
        LY_ARRAY_COUNT_TYPE i = 0;
        LY_ARRAY_FOR(p->includes, i)
        {
            if (const lysp_submodule* sub = p->includes[i].submodule; sub != nullptr) {
                add_imports(sub->imports, out.imports);
            }
        }
        std::uint32_t idx = 0;
        const lysp_feature* f = nullptr;
        while ((f = lysp_feature_next(f, p, &idx)) != nullptr) {
            if (lys_feature_value(mod, f->name) == LY_SUCCESS) {
                out.features.emplace_back(f->name);
            }
        }
    }
    return true;
}

/// The module of \p name: the implemented one, else the newest loaded revision (an import).
const lys_module* find(const schema_context& schema, const std::string& name)
{
    if (const lys_module* m = schema.module_by_name(name)) {
        return m;
    }
    return ly_ctx_get_module_latest(schema.native(), name.c_str());
}

/// The module \p importer's import statement \p name resolved to, or the lookup by name.
const lys_module* import_target(const schema_context& schema, const lys_module* importer,
                                const std::string& name)
{
    if (const lysp_module* p = importer->parsed; p != nullptr) {
        LY_ARRAY_COUNT_TYPE i = 0;
        LY_ARRAY_FOR(p->imports, i)
        {
            if (name == p->imports[i].name && p->imports[i].module != nullptr) {
                return p->imports[i].module;
            }
        }
    }
    return find(schema, name);
}

} // namespace

std::vector<module_source> module_closure(const schema_context& schema,
                                          const std::vector<std::string>& names,
                                          std::string& problem)
{
    std::vector<module_source> out;
    std::map<const lys_module*, int> state; // 1: being visited, 2: done
    // Depth-first, imports before importers. YANG forbids import cycles (RFC 7950 §5.1); a
    // cycle met anyway is cut where it closes.
    std::function<bool(const lys_module*)> visit = [&](const lys_module* mod) -> bool {
        auto& st = state[mod];
        if (st != 0) {
            return true;
        }
        st = 1;
        module_source src;
        if (!describe(mod, src, problem)) {
            return false;
        }
        for (const std::string& imp : src.imports) {
            const lys_module* target = import_target(schema, mod, imp);
            if (target == nullptr) {
                problem = "module " + src.name + ": import " + imp + " is not loaded";
                return false;
            }
            if (!visit(target)) {
                return false;
            }
        }
        state[mod] = 2;
        out.push_back(std::move(src));
        return true;
    };
    for (const std::string& name : names) {
        const lys_module* mod = find(schema, name);
        if (mod == nullptr) {
            problem = "module " + name + " is not loaded";
            return {};
        }
        if (!visit(mod)) {
            return {};
        }
    }
    return out;
}

} // namespace udpn::key
