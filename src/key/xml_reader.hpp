/// \file
/// A minimal, tolerant XML reader for subtree filters (start-up only). libyang 2.1 keeps its XML
/// parser (lyxml) private, and parsing a filter as anydata would need a wrapping schema node,
/// so we read the few constructs a filter uses: elements, attributes, namespace declarations,
/// character data, the five predefined entities and numeric references, CDATA, comments and
/// processing instructions. DTDs are refused.
#pragma once

#include "key/filter.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace udpn::key {

/// One element with its namespace resolved.
struct xml_element {
    std::string prefix; ///< as written; empty when none
    std::string name;   ///< local name
    std::string ns;     ///< namespace URI in scope; empty when none
    std::string text;   ///< character data directly inside (entities decoded)
    std::vector<xml_element> children;
};

/// Parses a sequence of elements (a filter's content may hold several top-level elements).
/// \p outer are namespace declarations already in scope. On failure returns false and sets
/// \p message (what and the offset). Thread: any (start-up code).
[[nodiscard]] bool parse_xml_forest(std::string_view xml,
                                    const std::vector<namespace_binding>& outer,
                                    std::vector<xml_element>& out, std::string& message);

} // namespace udpn::key
