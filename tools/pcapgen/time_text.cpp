#include "pcapgen/time_text.hpp"

#include <cstdio>

namespace udpn::pcapgen {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, public domain
// algorithms), restricted to dates from 1970 on.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

civil civil_from_days(std::int64_t z) noexcept
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2 ? 1 : 0), m, d};
}

// Reads exactly \p n decimal digits at \p pos; advances pos.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) noexcept
{
    if (pos + n > s.size()) {
        return false;
    }
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) noexcept
{
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

} // namespace

std::string format_rfc3339(std::uint64_t ns_since_epoch)
{
    const std::uint64_t secs = ns_since_epoch / 1'000'000'000u;
    const std::uint64_t micros = (ns_since_epoch % 1'000'000'000u) / 1000u;
    const auto days = static_cast<std::int64_t>(secs / 86400u);
    const std::uint64_t sod = secs % 86400u;
    const civil c = civil_from_days(days);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%06uZ",
                  static_cast<long long>(c.year), c.month, c.day, static_cast<unsigned>(sod / 3600),
                  static_cast<unsigned>(sod / 60 % 60), static_cast<unsigned>(sod % 60),
                  static_cast<unsigned>(micros));
    return buf;
}

std::optional<std::uint64_t> parse_time(std::string_view text)
{
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        if (text.size() > 11) {
            return std::nullopt;
        }
        std::uint64_t secs = 0;
        for (const char c : text) {
            secs = secs * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return secs * 1'000'000'000u;
    }
    std::size_t pos = 0;
    unsigned year = 0;
    unsigned month = 0;
    unsigned day = 0;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
    if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, day) ||
        !(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')) ||
        !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 ||
        year < 1970) {
        return std::nullopt;
    }
    std::uint64_t frac_ns = 0;
    if (expect(text, pos, '.')) {
        std::uint64_t scale = 100'000'000u;
        std::size_t n_digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            frac_ns += static_cast<std::uint64_t>(text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n_digits;
        }
        if (n_digits == 0) {
            return std::nullopt;
        }
    }
    std::int64_t offset_s = 0;
    if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const bool minus = text[pos] == '-';
        ++pos;
        unsigned oh = 0;
        unsigned om = 0;
        if (!read_digits(text, pos, 2, oh) || !expect(text, pos, ':') ||
            !read_digits(text, pos, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_s = static_cast<std::int64_t>(oh * 3600 + om * 60) * (minus ? -1 : 1);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    const std::int64_t secs = days_from_civil(year, month, day) * 86400 +
                              static_cast<std::int64_t>(hour * 3600 + minute * 60 + second) -
                              offset_s;
    if (secs < 0) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(secs) * 1'000'000'000u + frac_ns;
}

} // namespace udpn::pcapgen
