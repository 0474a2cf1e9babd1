#include "envelope/timestamp.hpp"

namespace udpn::envelope {
namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;
constexpr std::int64_t s_per_day = 86'400;

/// Floor division (rounds toward minus infinity) for a positive divisor.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept
{
    const std::int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

/// Writes \p v as exactly \p width decimal digits ending just before \p end.
constexpr void digits(char* end, std::uint64_t v, int width) noexcept
{
    for (int i = 0; i < width; ++i) {
        *--end = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

constexpr bool is_digit(char c) noexcept
{
    return c >= '0' && c <= '9';
}

/// Two digits at \p p as a number, or -1.
constexpr int two(const char* p) noexcept
{
    return is_digit(p[0]) && is_digit(p[1]) ? (p[0] - '0') * 10 + (p[1] - '0') : -1;
}

} // namespace

// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (civil_from_days): the year is
// split into 400-year eras of 146097 days and starts on 1 March, so the leap day is last.
civil_date civil_from_days(std::int64_t days) noexcept
{
    const std::int64_t z = days + 719468; // days since 0000-03-01
    const std::int64_t era = floor_div(z, 146097);
    const std::int64_t doe = z - era * 146097;                                      // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               // [0, 365]
    const std::int64_t mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::int64_t days_from_civil(civil_date date) noexcept
{
    const std::int64_t y = date.year - (date.month <= 2 ? 1 : 0);
    const std::int64_t era = floor_div(y, 400);
    const std::int64_t yoe = y - era * 400;
    const std::int64_t m = date.month;
    const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void format_timestamp(std::int64_t unix_ns, std::span<char, timestamp_chars> out) noexcept
{
    // Seconds and nanoseconds from quotient and remainder: `secs * ns_per_s` with the floored
    // seconds is below INT64_MIN for instants less than a second above INT64_MIN, a signed
    // overflow (found by UBSan in the ASan test stage).
    std::int64_t secs = unix_ns / ns_per_s;
    std::int64_t rem = unix_ns % ns_per_s; // (-ns_per_s, ns_per_s), sign of unix_ns
    if (rem < 0) {
        rem += ns_per_s;
        --secs;
    }
    const auto frac = static_cast<std::uint64_t>(rem);
    const std::int64_t days = floor_div(secs, s_per_day);
    const auto sod = static_cast<std::uint64_t>(secs - days * s_per_day);
    const civil_date date = civil_from_days(days);

    char* p = out.data();
    // The year of any int64 nanosecond value is 1677..2262: always 4 digits, never negative.
    digits(p + 4, static_cast<std::uint64_t>(date.year), 4);
    p[4] = '-';
    digits(p + 7, date.month, 2);
    p[7] = '-';
    digits(p + 10, date.day, 2);
    p[10] = 'T';
    digits(p + 13, sod / 3600, 2);
    p[13] = ':';
    digits(p + 16, sod / 60 % 60, 2);
    p[16] = ':';
    digits(p + 19, sod % 60, 2);
    p[19] = '.';
    digits(p + 29, frac, 9);
    p[29] = 'Z';
}

timestamp_text to_timestamp(std::int64_t unix_ns) noexcept
{
    timestamp_text t;
    format_timestamp(unix_ns, t.chars);
    return t;
}

bool is_date_and_time(std::string_view text) noexcept
{
    // ietf-yang-types@2025-12-22 date-and-time:
    // [0-9]{4}-(1[0-2]|0[1-9])-(0[1-9]|[1-2][0-9]|3[0-1])T(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]:
    // ([0-5][0-9]|60)(\.[0-9]+)?(Z|[\+\-]((1[0-3]|0[0-9]):([0-5][0-9])|14:00))?
    if (text.size() < 19) {
        return false;
    }
    const char* p = text.data();
    if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]) || p[4] != '-' ||
        p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':') {
        return false;
    }
    const int month = two(p + 5);
    const int day = two(p + 8);
    const int hour = two(p + 11);
    const int minute = two(p + 14);
    const int second = two(p + 17);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60) {
        return false;
    }
    std::size_t i = 19;
    const std::size_t n = text.size();
    if (i < n && p[i] == '.') {
        ++i;
        const std::size_t first = i;
        while (i < n && is_digit(p[i])) {
            ++i;
        }
        if (i == first) {
            return false;
        }
    }
    if (i == n) {
        return true; // the zone is optional in the 2025-12-22 pattern
    }
    if (p[i] == 'Z') {
        return i + 1 == n;
    }
    if ((p[i] != '+' && p[i] != '-') || n - i != 6 || p[i + 3] != ':') {
        return false;
    }
    const int zh = two(p + i + 1);
    const int zm = two(p + i + 4);
    if (zh < 0 || zm < 0 || zm > 59) {
        return false;
    }
    return zh <= 13 || (zh == 14 && zm == 0);
}

} // namespace udpn::envelope
