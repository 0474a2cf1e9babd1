/// \file
/// RFC 3339 date-and-time text <-> nanoseconds since the Unix epoch (UTC), with the civil
/// calendar written out (no timegm/gmtime: same result on every libc and time zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace udpn::pcapgen {

/// Formats \p ns_since_epoch as `YYYY-MM-DDThh:mm:ss.uuuuuuZ` (microseconds, UTC), the form
/// our generated `event-time` leaves use (yang:date-and-time).
[[nodiscard]] std::string format_rfc3339(std::uint64_t ns_since_epoch);

/// Parses `YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)` or a plain decimal number of seconds
/// since the epoch. @return nanoseconds since the epoch, or nullopt for any other text or a
/// time before 1970.
[[nodiscard]] std::optional<std::uint64_t> parse_time(std::string_view text);

} // namespace udpn::pcapgen
