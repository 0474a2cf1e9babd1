/// \file
/// The libyang schema context the key module resolves filters against: built once at start-up
/// from configured directories (the product never assumes where YANG files live), all features
/// of the loaded modules enabled, plus module name ↔ prefix ↔ namespace lookups (§11.10).
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "key/filter.hpp"

struct ly_ctx;
struct lys_module;

namespace udpn::key {

/// Where the YANG modules come from. Thread: start-up.
struct schema_config {
    /// Search directories (searched recursively by libyang for imports). At least one.
    std::vector<std::string> search_dirs;
    /// Modules to load and implement, as `name` or `name@revision`. Empty: every `*.yang`
    /// file found under the search directories (newest revision of each name, loaded by
    /// revision so libyang's built-in older revisions never shadow it).
    std::vector<std::string> modules;
    /// Enable every feature of the loaded modules (`*`), so feature-dependent nodes resolve.
    bool enable_all_features = true;
};

/// A start-up failure building the schema context (the message names the module and the
/// libyang error).
class schema_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Owns one compiled libyang context. Immutable after construction; lookups are read-only and
/// may run on any thread.
class schema_context {
  public:
    /// Builds and compiles the context. Throws schema_error (start-up only).
    explicit schema_context(const schema_config& config);
    ~schema_context();
    schema_context(const schema_context&) = delete;
    schema_context& operator=(const schema_context&) = delete;

    /// The libyang context (for callers that validate data against it).
    /// Thread: any (libyang contexts are read-only once compiled).
    [[nodiscard]] const ly_ctx* native() const noexcept { return _ctx; }

    /// The implemented module named \p name, or nullptr. Thread: any.
    [[nodiscard]] const lys_module* module_by_name(std::string_view name) const;
    /// The implemented module whose `prefix` statement is \p prefix; nullptr when none, and
    /// \p ambiguous set when several implemented modules share it. Thread: any.
    [[nodiscard]] const lys_module* module_by_prefix(std::string_view prefix,
                                                     bool& ambiguous) const;
    /// The implemented module with namespace \p uri, or nullptr. Thread: any.
    [[nodiscard]] const lys_module* module_by_namespace(std::string_view uri) const;

    /// The YANG prefix of the implemented module \p module_name; empty when unknown.
    /// Thread: any.
    [[nodiscard]] std::string_view prefix_of(std::string_view module_name) const;
    /// The module name whose prefix is \p prefix (unique among implemented modules); empty
    /// when unknown or ambiguous. Thread: any.
    [[nodiscard]] std::string_view module_name_of_prefix(std::string_view prefix) const;

    /// All implemented modules, in load order. Thread: any.
    [[nodiscard]] const std::vector<const lys_module*>& implemented() const noexcept
    {
        return _implemented;
    }

  private:
    ly_ctx* _ctx = nullptr;
    std::vector<const lys_module*> _implemented;
};

/// Resolves the module qualifier \p token of a filter step (PROTOCOL.md §11.10): as a module
/// name first, then as an implemented module's `prefix` statement, then through the XML
/// namespace declarations \p namespaces. nullptr when none; \p ambiguous set when the prefix
/// matched several modules and no declaration settled it. Thread: any.
[[nodiscard]] const lys_module* resolve_qualifier(const schema_context& schema,
                                                  std::string_view token,
                                                  const std::vector<namespace_binding>& namespaces,
                                                  bool& ambiguous);

/// The implemented module defining a top-level data node or notification named \p name, for
/// unqualified first steps; nullptr when none, \p ambiguous when several. Thread: any.
[[nodiscard]] const lys_module* module_of_top_node(const schema_context& schema,
                                                   std::string_view name, bool& ambiguous);

/// The modules found as `name[@revision].yang` files under \p dirs (recursive): one
/// `name@revision` (newest revision; plain `name` for files without one) per name, sorted by
/// name. Thread: start-up.
[[nodiscard]] std::vector<std::string> find_module_names(const std::vector<std::string>& dirs);

} // namespace udpn::key
