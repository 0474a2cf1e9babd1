/// \file
/// The command line of `udpnotif-recv`, generated from the option table (CLI11): every row is
/// a long option named by its key (`--kafka.linger_ms 10`; `-` may stand for `_`), plus
/// `--set KEY=VALUE` (repeatable), `--config FILE`, `--print-config`, `--defaults`, `--check`
/// and `--help`, and the short names of the first command line (`--listen`, `--workers`, ...).
/// Precedence: defaults < config file < command-line values in command-line order. A list
/// option given several times on the command line collects every value (the first one
/// replaces the file's list).
#pragma once

#include "config/problem.hpp"
#include "config/receiver_config.hpp"

#include <string>
#include <vector>

namespace udpn::config {

/// What the command line asks for.
enum class command : std::uint8_t {
    run,          ///< start the receiver with `config`
    print_config, ///< print `config` as TOML (config/toml_file.hpp) and exit 0
    check,        ///< the configuration is valid: say so and exit 0
    help,         ///< print `help` and exit 0
};

/// The outcome of parse_command_line. Thread: plain data.
struct command_line {
    command cmd = command::run;
    /// defaults < --config FILE < command line. Meaningful when `errors` is empty.
    receiver_config config;
    /// Every problem found: command-line syntax, the file, values, and (for run and check)
    /// validation. Not empty: report them all and exit 2 without starting anything.
    problems errors;
    /// Legal but suspicious settings (config/validate.hpp warnings()); for run and check.
    problems warnings;
    /// The --help text (cmd == help).
    std::string help;
};

/// Parses \p argc / \p argv (argv[0] is the program name), loads the config file, applies the
/// command-line values in order and, unless printing, validates the result.
/// `--print-config --defaults` prints the built-in defaults (file and other options ignored).
/// Thread: start-up.
[[nodiscard]] command_line parse_command_line(int argc, const char* const* argv);

/// As above, for tests: \p args without the program name.
[[nodiscard]] command_line parse_command_line(const std::vector<std::string>& args);

} // namespace udpn::config
