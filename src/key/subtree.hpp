/// \file
/// Phase 1 of the ietf-02 key (PROTOCOL.md §7.3): a subtree filter becomes XPath branches.
/// An element with text and no children is a content match → predicate `[mod:leaf='text']` on
/// its parent's step; an empty element is a selection → terminal step; an element with
/// children is a containment → step, recurse. Whitespace-only text is not a match. Every step
/// carries its module name. Duplicates are removed; order is document order. Start-up code.
#pragma once

#include "key/errors.hpp"
#include "key/filter.hpp"
#include "key/schema_context.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace udpn::key {

/// Subtree filter in RFC 7951 JSON (the anydata value, an object). Selection nodes are members
/// whose value is `{}`, `[null]`, `null` or `""`; scalars are content matches; objects and
/// arrays of objects are containment (§11.11). A JSON string is taken as an XML filter.
/// On failure returns false with \p error and \p message set. Thread: any (start-up code).
[[nodiscard]] bool subtree_json_to_xpaths(const schema_context& schema, std::string_view json,
                                          const std::vector<namespace_binding>& namespaces,
                                          std::vector<std::string>& out, resolve_error& error,
                                          std::string& message);

/// Subtree filter in XML (the filter element's content; namespaces from `xmlns` attributes and
/// \p namespaces). On failure returns false with \p error and \p message set.
/// Thread: any (start-up code).
[[nodiscard]] bool subtree_xml_to_xpaths(const schema_context& schema, std::string_view xml,
                                         const std::vector<namespace_binding>& namespaces,
                                         std::vector<std::string>& out, resolve_error& error,
                                         std::string& message);

} // namespace udpn::key
