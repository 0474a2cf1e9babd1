/// \file
/// The rows of the option table (private to the config module: it exposes toml++ types).
/// A row knows its key, type, constraint and doc, and how to read its value from a TOML node
/// into a receiver_config and write it back as a node. Everything else (the config file, the
/// command line, `--print-config`, validation) is generic over the rows.
#pragma once

#include "config/problem.hpp"
#include "config/receiver_config.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::config::detail {

/// The shape of a row's value; decides how command-line text becomes a TOML node.
enum class kind : std::uint8_t {
    boolean,      ///< true | false
    integer,      ///< TOML integer, range-checked
    number,       ///< TOML float (an integer is accepted)
    string,       ///< TOML string
    enumeration,  ///< TOML string, one of a fixed set of snake_case names
    integer_list, ///< array of integers (command line: `1,2,4-7`)
    string_list,  ///< array of strings (command line: `a,b`)
    table_list,   ///< array of tables (command line: a TOML inline array)
    string_table, ///< table of string values (command line: `NAME=VALUE`, merged)
};

/// Why a value was refused. An empty message means accepted.
struct failure {
    std::string message;            ///< without the key
    std::string key_suffix;         ///< appended to the row key, e.g. `[1].capacity`
    const toml::node* at = nullptr; ///< the node at fault, for its source position

    [[nodiscard]] bool ok() const noexcept { return message.empty(); }
};

/// Reads \p node into \p cfg; on failure leaves \p cfg unchanged.
using load_fn = std::function<failure(const toml::node& node, receiver_config& cfg)>;
/// Stores the current value of the row in \p out under key `v`.
using save_fn = std::function<void(const receiver_config& cfg, toml::table& out)>;

/// One option. Thread: immutable after the table is built.
struct row {
    std::string key; ///< dotted TOML key
    kind type = kind::string;
    std::string constraint;     ///< `1..64`, `seed | latest`, or empty
    std::string doc;            ///< one line
    std::string example;        ///< TOML value text shown as an example when non-empty
    /// string_table whose values may be secrets, or a string that is one (masked in print,
    /// except an `@PATH` file reference)
    bool secret_values = false;
    load_fn load;
    save_fn save;
};

/// Every row, in print order. Thread: any.
[[nodiscard]] const std::vector<row>& rows();

/// The row of \p key, or nullptr. Thread: any.
[[nodiscard]] const row* find_row(std::string_view key);

/// True when \p key is a table of the config file that holds rows (`kafka`, `key.netana_types`)
/// and is not a row itself. Thread: any.
[[nodiscard]] bool is_section(std::string_view key);

/// One-line description of a section, or empty. Thread: any.
[[nodiscard]] std::string_view section_doc(std::string_view section);

/// The value of \p r in \p cfg as a node owned by \p holder. Thread: any.
[[nodiscard]] const toml::node& value_of(const row& r, const receiver_config& cfg,
                                         toml::table& holder);

/// `a string`, `an integer`, `an array`, ... for "expected X, got Y" messages.
[[nodiscard]] std::string type_phrase(const toml::node& node);

/// Name of \p k for docs and `--help` (`integer`, `list of strings`, ...).
[[nodiscard]] const char* kind_name(kind k) noexcept;

/// Reads \p node into \p cfg with \p r. A refused value becomes a problem at the node's
/// source position (when it came from a file) or at \p where. Thread: start-up.
void apply_node(const row& r, const toml::node& node, receiver_config& cfg,
                const std::string& where, problems& out);

/// Appends \p node as TOML value text: strings double-quoted and escaped, arrays inline, an
/// array of tables one table per line when \p multiline. Thread: any.
void write_value(std::string& out, const toml::node& node, bool multiline = false);

/// Appends \p key as a TOML key: bare when it may be, else quoted. Thread: any.
void write_key(std::string& out, std::string_view key);

/// \p s without leading and trailing spaces, tabs and line ends. Thread: any.
[[nodiscard]] std::string_view trim_view(std::string_view s) noexcept;

/// `FILE:LINE:COLUMN` of \p node when it came from a file, else empty.
[[nodiscard]] std::string source_of(const toml::node& node);

} // namespace udpn::config::detail
