/// \file
/// One configuration problem (a TOML syntax error, an unknown key, a wrong type, a value out
/// of range, a failed module check), as reported at start-up. Every loader and validator of
/// the config module appends to one list, so that every problem is reported at once.
#pragma once

#include <string>
#include <vector>

namespace udpn::config {

/// A problem with the configuration. Thread: any (plain data).
struct problem {
    /// Where the value came from: `FILE:LINE:COLUMN` (config file), `command line`, or empty
    /// (the value as a whole, found by validation).
    std::string where;
    /// The option key at fault (`kafka.linger_ms`), or empty when no single key is.
    std::string key;
    /// What is wrong, without the key (`expected an integer, got a string`).
    std::string message;

    /// `WHERE: KEY: MESSAGE`, leaving out the empty parts. Thread: any.
    [[nodiscard]] std::string to_string() const;
};

/// A list of problems; empty means none.
using problems = std::vector<problem>;

} // namespace udpn::config
