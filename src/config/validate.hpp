/// \file
/// The one validation step of `udpnotif-recv` (STYLE.md §4 rule 10): runs once, before any
/// thread starts, over the whole configuration. It re-checks every row's type and range on the
/// values as they are (so a config built in code is checked like a loaded one), then runs the
/// modules' own validators (pipeline::validate with worker::validate, kafka::validate) and
/// names the option key of each problem they report where it can.
#pragma once

#include "config/problem.hpp"
#include "config/receiver_config.hpp"

namespace udpn::config {

/// Every problem of \p cfg; empty when the receiver may start with it. At most one problem
/// per key (the first found). Thread: start-up.
[[nodiscard]] problems validate(const receiver_config& cfg);

/// Settings that are legal but probably not meant (CPU lists longer than their thread
/// count, a forced receive buffer of size 0). Reported at start, not fatal. Thread: start-up.
[[nodiscard]] problems warnings(const receiver_config& cfg);

/// The option key a module validator's message is about (`key: max_depth must be 1..64` ->
/// `key.max_depth`), or empty when it names none. Thread: any.
[[nodiscard]] std::string key_of_message(std::string_view message);

} // namespace udpn::config
