/// \file
/// The YANG text of loaded modules and their import closure, for the schema registry
/// (PROTOCOL.md §6, MBI-13: one YANG schema per subscription, imports as references, enabled
/// features as metadata). Read from the schema context the receiver already compiled: the
/// file each module was loaded from (its configured search directories, never a path known at
/// build time), or libyang's own print of the module when it has no file (libyang's built-in
/// modules such as ietf-yang-types).
#pragma once

#include "key/schema_context.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace udpn::key {

/// One module as it is registered.
struct module_source {
    std::string name;     ///< YANG module name
    std::string revision; ///< newest revision statement, or empty
    std::string text;     ///< the module's YANG text
    /// Modules this one imports (its submodules' imports included), by name, each once, in
    /// statement order.
    std::vector<std::string> imports;
    /// Features of the module that are enabled in the context, in statement order.
    std::vector<std::string> features;
};

/// The modules named \p names (each an implemented or imported module of \p schema) and every
/// module they import, transitively; every module once, each after all modules it imports
/// (dependency order), so \p names' modules come after their imports. @return empty and
/// \p problem set when a module is not in the context or its text cannot be read.
/// Thread: any (the context is read-only); reads files, allocates: not for the hot path.
[[nodiscard]] std::vector<module_source> module_closure(const schema_context& schema,
                                                        const std::vector<std::string>& names,
                                                        std::string& problem);

} // namespace udpn::key
