/// \file
/// The XPath subset that subscription filters use in practice: absolute (or root-relative)
/// location paths of `[prefix:]name` steps with predicates, and `|` unions of them
/// (PROTOCOL.md §7.3 Phase 2, §11.16). Start-up code (allocates); no schema knowledge here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace udpn::key {

/// `[name = 'literal']` (or `[. = 'literal']`, name ".") in a step's predicates.
struct xpath_pin {
    std::string prefix; ///< prefix of the key name as written (dropped when normalizing)
    std::string name;   ///< key leaf name, or "." for a leaf-list value
    std::string value;  ///< the literal's text, unquoted (numbers as written)
};

/// One location step.
struct xpath_step {
    std::string prefix; ///< as written (module name, YANG prefix or XML prefix); empty if none
    std::string name;
    std::vector<xpath_pin> pins;  ///< equality predicates on literals (`and` chains included)
    bool positional = false;      ///< had `[N]` (treated as an open predicate, §7.3)
    bool other_predicate = false; ///< had a predicate we do not interpret (treated as open)
};

/// A parsed branch.
struct xpath_path {
    std::vector<xpath_step> steps;
};

/// Splits \p xpath on top-level `|` (outside literals and predicates); branches are trimmed,
/// empty ones are kept so the caller can report them. Thread: any (start-up code).
[[nodiscard]] std::vector<std::string> split_union(std::string_view xpath);

/// Parses one branch into \p out. On failure returns false and sets \p message (what and the
/// offset). Rejects wildcards, `//`, `.`/`..` steps, attributes, axes and function calls.
/// Thread: any (start-up code).
[[nodiscard]] bool parse_xpath(std::string_view branch, xpath_path& out, std::string& message);

/// Appends \p value as an XPath 1.0 literal: single quotes unless it contains `'`, then double
/// quotes; with both, `concat('…',"'",'…')` (PROTOCOL.md §11.15). No reallocation when
/// \p out has xpath_literal_size() spare capacity. Thread: any.
void append_xpath_literal(std::string& out, std::string_view value);

/// Length of the literal append_xpath_literal() would write. Thread: any.
[[nodiscard]] std::size_t xpath_literal_size(std::string_view value) noexcept;

/// True for a YANG identifier (RFC 7950 §6.2): [A-Za-z_][A-Za-z0-9_.-]*. Thread: any.
[[nodiscard]] bool is_yang_identifier(std::string_view s) noexcept;

} // namespace udpn::key
