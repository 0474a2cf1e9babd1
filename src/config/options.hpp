/// \file
/// The single option table of `udpnotif-recv` (STYLE.md §4 rule 10, the librdkafka property
/// table pattern): one row per setting, keyed by its dotted TOML key (`kafka.linger_ms`), with
/// its type, constraint, one-line doc and default (read from a default-constructed
/// receiver_config, never restated). The same rows drive the config file
/// (config/toml_file.hpp), the command line (config/command_line.hpp), `--help` and
/// `--print-config`. The rows themselves are private to the module (config/table.hpp); this
/// header gives their description and the one way to set a value from text.
#pragma once

#include "config/problem.hpp"
#include "config/receiver_config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace udpn::config {

/// The public description of one row. Thread: any (immutable after first use).
struct option_info {
    std::string key;           ///< dotted TOML key, also the long option `--KEY`
    std::string type;          ///< `integer`, `boolean`, `string`, `list of integers`, ...
    std::string constraint;    ///< allowed values (`1..64`, `seed | latest`); may be empty
    std::string doc;           ///< one line: what it does, units, what 0 or empty means
    std::string default_value; ///< the default, as TOML text
};

/// Every row, in table order (the order of `--print-config`). Thread: any.
[[nodiscard]] const std::vector<option_info>& option_list();

/// True when \p key names a row. Thread: any.
[[nodiscard]] bool is_option(std::string_view key);

/// The known key closest to \p key (edit distance, or the same last component), for "did
/// you mean" hints; empty when nothing is close. Thread: any.
[[nodiscard]] std::string closest_option(std::string_view key);

/// Sets option \p key from its command-line text \p text (integers, booleans as true/false,
/// enumerations by name, lists comma-separated or as a TOML array, tables of arrays as a
/// TOML inline array; `kafka.properties` takes one `NAME=VALUE`, and `kafka.properties.NAME`
/// is accepted as key for property NAME). \p append: add to a list (or property table)
/// instead of replacing it. Appends a problem (with \p where) and leaves \p cfg unchanged when
/// the key is unknown or the text does not parse or is out of range. Thread: start-up.
void set_option(receiver_config& cfg, std::string_view key, std::string_view text, bool append,
                const std::string& where, problems& out);

/// The value of option \p key in \p cfg as TOML text (`5`, `"lz4"`, `[0, 1]`); empty when
/// \p key is not an option. Secrets are not masked. Thread: any.
[[nodiscard]] std::string option_value(const receiver_config& cfg, std::string_view key);

} // namespace udpn::config
