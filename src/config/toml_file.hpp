/// \file
/// The TOML configuration file of `udpnotif-recv`, read and written through the option table
/// (config/options.hpp): every key of the file must be a row (an unknown key is a problem,
/// with its file:line and the closest known key), every value must have the row's type and
/// range. `to_toml` writes the inverse: every row, with its doc as a comment, so that its
/// output loads back to the same configuration (`--print-config`, packaging/udpnotif-recv.toml).
#pragma once

#include "config/problem.hpp"
#include "config/receiver_config.hpp"

#include <string>
#include <string_view>

namespace udpn::config {

/// Applies the TOML file at \p path over \p cfg: keys present replace the values in \p cfg,
/// keys absent keep them. Appends one problem per unreadable file, syntax error
/// (FILE:LINE:COLUMN), unknown key, wrong type or value out of range; the values that were
/// accepted are applied even when others were not. Thread: start-up.
void load_toml_file(const std::string& path, receiver_config& cfg, problems& out);

/// As load_toml_file, for TOML text; \p source_name stands for the file name in problems.
/// Thread: start-up.
void load_toml_string(std::string_view text, const std::string& source_name, receiver_config& cfg,
                      problems& out);

/// How to_toml writes.
struct print_options {
    /// Replace the values of secret librdkafka properties by `(secret)`
    /// (kafka::printable_value). `@PATH` values are file names and stay as they are.
    bool mask_secrets = true;
};

/// \p cfg as a TOML document: a header comment, then every row in table order, grouped into
/// tables, each preceded by its doc, type and constraint as comments (and its default when
/// the value differs from it). Loading the output gives \p cfg back (masked secrets aside).
/// Thread: any.
[[nodiscard]] std::string to_toml(const receiver_config& cfg, const print_options& opts = {});

} // namespace udpn::config
