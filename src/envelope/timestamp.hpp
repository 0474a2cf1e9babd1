/// \file
/// RFC 3339 `date-and-time` text (ietf-yang-types) for envelope timestamps (PROTOCOL.md §5,
/// §11.24): UTC, nanosecond digits, `Z`, e.g. `2026-03-01T10:00:00.123456789Z`. Computed with
/// days-to-civil arithmetic (proleptic Gregorian calendar), so there is no gmtime_r, no locale,
/// no time zone database and no allocation per message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace udpn::envelope {

/// Characters of every timestamp written here: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
inline constexpr std::size_t timestamp_chars = 30;

/// A year/month/day date of the proleptic Gregorian calendar.
struct civil_date {
    std::int64_t year = 1970;
    unsigned month = 1; ///< 1..12
    unsigned day = 1;   ///< 1..31
};

/// The date \p days after 1970-01-01 (negative: before). Exact for |days| < 2^60.
/// Thread: any.
[[nodiscard]] civil_date civil_from_days(std::int64_t days) noexcept;

/// Days from 1970-01-01 to \p date (the inverse of civil_from_days). Thread: any.
[[nodiscard]] std::int64_t days_from_civil(civil_date date) noexcept;

/// Writes the UTC timestamp of \p unix_ns (nanoseconds since 1970-01-01T00:00:00Z, negative
/// before it; leap seconds are not counted, as in POSIX time) into \p out, exactly
/// timestamp_chars characters, no NUL. Every std::int64_t value gives a 4-digit year
/// (1677..2262), as yang:date-and-time requires. Thread: any.
void format_timestamp(std::int64_t unix_ns, std::span<char, timestamp_chars> out) noexcept;

/// A formatted timestamp held by value (no allocation).
struct timestamp_text {
    std::array<char, timestamp_chars> chars{};
    /// The text, valid while this object lives.
    [[nodiscard]] std::string_view view() const noexcept { return {chars.data(), chars.size()}; }
};

/// format_timestamp() into a value. Thread: any.
[[nodiscard]] timestamp_text to_timestamp(std::int64_t unix_ns) noexcept;

/// True when \p text matches the `yang:date-and-time` pattern of ietf-yang-types@2025-12-22
/// (RFC 3339 §5.6 profile: 4-digit year, month 01-12, day 01-31, hour 00-23, minute 00-59,
/// second 00-60, optional fraction, optional `Z` or `±hh:mm` up to 14:00). Used to decide
/// whether a publisher's event time can be copied into the envelope unchanged.
/// Thread: any.
[[nodiscard]] bool is_date_and_time(std::string_view text) noexcept;

} // namespace udpn::envelope
