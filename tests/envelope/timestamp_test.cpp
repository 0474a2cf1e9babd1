#include "envelope/timestamp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>
#include <string>

using udpn::envelope::civil_date;
using udpn::envelope::civil_from_days;
using udpn::envelope::days_from_civil;
using udpn::envelope::is_date_and_time;
using udpn::envelope::to_timestamp;

namespace {

constexpr std::int64_t ns = 1'000'000'000;

/// Seconds since the epoch of a UTC civil time, computed by libc's timegm (the reference).
std::int64_t reference_seconds(int year, int month, int day, int hour, int minute, int second)
{
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm));
}

/// The text a reference formatter (gmtime_r + snprintf) gives for \p unix_ns.
std::string reference_text(std::int64_t unix_ns)
{
    std::int64_t secs = unix_ns / ns;
    std::int64_t frac = unix_ns % ns;
    if (frac < 0) {
        frac += ns;
        --secs;
    }
    const auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(frac));
    return buf;
}

} // namespace

TEST(Timestamp, FormatsTheEpoch)
{
    EXPECT_EQ(to_timestamp(0).view(), "1970-01-01T00:00:00.000000000Z");
}

TEST(Timestamp, WritesAllNineNanosecondDigits)
{
    const std::int64_t t = reference_seconds(2026, 3, 1, 10, 0, 0) * ns;
    EXPECT_EQ(to_timestamp(t + 123456789).view(), "2026-03-01T10:00:00.123456789Z");
    EXPECT_EQ(to_timestamp(t + 1).view(), "2026-03-01T10:00:00.000000001Z");
    EXPECT_EQ(to_timestamp(t + 120000000).view(), "2026-03-01T10:00:00.120000000Z");
    EXPECT_EQ(to_timestamp(t + 999999999).view(), "2026-03-01T10:00:00.999999999Z");
}

TEST(Timestamp, HandlesLeapDaysAndCenturyRules)
{
    // 2024 is a leap year (divisible by 4).
    EXPECT_EQ(to_timestamp(reference_seconds(2024, 2, 29, 23, 59, 59) * ns).view(),
              "2024-02-29T23:59:59.000000000Z");
    EXPECT_EQ(to_timestamp((reference_seconds(2024, 2, 29, 23, 59, 59) + 1) * ns).view(),
              "2024-03-01T00:00:00.000000000Z");
    // 2000 is a leap year (divisible by 400).
    EXPECT_EQ(to_timestamp(reference_seconds(2000, 2, 29, 12, 0, 0) * ns).view(),
              "2000-02-29T12:00:00.000000000Z");
    // 2100 is not (divisible by 100, not by 400): 28 Feb is followed by 1 Mar.
    EXPECT_EQ(to_timestamp((reference_seconds(2100, 2, 28, 23, 59, 59) + 1) * ns).view(),
              "2100-03-01T00:00:00.000000000Z");
    // 1900 is not either (before the epoch).
    EXPECT_EQ(to_timestamp((reference_seconds(1900, 2, 28, 23, 59, 59) + 1) * ns).view(),
              "1900-03-01T00:00:00.000000000Z");
    // Year ends.
    EXPECT_EQ(to_timestamp(reference_seconds(2025, 12, 31, 23, 59, 59) * ns + 999999999).view(),
              "2025-12-31T23:59:59.999999999Z");
}

TEST(Timestamp, CivilDaysMatchTheCalendarThroughYear2400)
{
    // days_from_civil is checked against timegm across 1600..2400, so 2400 (a leap year,
    // divisible by 400) and 2100/2200/2300 (not leap years) are covered.
    for (const int year : {1600, 1700, 1900, 1969, 1970, 2000, 2100, 2200, 2300, 2399, 2400}) {
        for (const auto& [month, day] :
             {std::pair{1, 1}, std::pair{2, 28}, std::pair{3, 1}, std::pair{12, 31}}) {
            const std::int64_t days = reference_seconds(year, month, day, 0, 0, 0) / 86400;
            EXPECT_EQ(
                days_from_civil({year, static_cast<unsigned>(month), static_cast<unsigned>(day)}),
                days)
                << year << "-" << month << "-" << day;
            const civil_date d = civil_from_days(days);
            EXPECT_EQ(d.year, year);
            EXPECT_EQ(d.month, static_cast<unsigned>(month));
            EXPECT_EQ(d.day, static_cast<unsigned>(day));
        }
    }
    EXPECT_EQ(days_from_civil({2400, 2, 29}) + 1, days_from_civil({2400, 3, 1}));
    EXPECT_EQ(days_from_civil({2100, 2, 28}) + 1, days_from_civil({2100, 3, 1}));
    // Every day of 0001..9999 round-trips.
    const std::int64_t first = days_from_civil({1, 1, 1});
    const std::int64_t last = days_from_civil({9999, 12, 31});
    for (std::int64_t d = first; d <= last; ++d) {
        ASSERT_EQ(days_from_civil(civil_from_days(d)), d);
    }
}

TEST(Timestamp, RoundTripsAgainstTimegmAndGmtime)
{
    std::mt19937_64 rng(20260301);
    // Random instants from 1677-09-22 to 2262-04-11 (the whole int64 nanosecond range).
    std::uniform_int_distribution<std::int64_t> any(std::numeric_limits<std::int64_t>::min(),
                                                    std::numeric_limits<std::int64_t>::max());
    for (int i = 0; i < 200000; ++i) {
        const std::int64_t t = any(rng);
        ASSERT_EQ(to_timestamp(t).view(), reference_text(t)) << t;
    }
    EXPECT_EQ(to_timestamp(std::numeric_limits<std::int64_t>::min()).view(),
              "1677-09-21T00:12:43.145224192Z");
    EXPECT_EQ(to_timestamp(std::numeric_limits<std::int64_t>::max()).view(),
              "2262-04-11T23:47:16.854775807Z");
    EXPECT_EQ(to_timestamp(-1).view(), "1969-12-31T23:59:59.999999999Z");
}

TEST(Timestamp, ChecksTheDateAndTimePattern)
{
    EXPECT_TRUE(is_date_and_time("2026-03-01T10:00:00.12Z"));
    EXPECT_TRUE(is_date_and_time("2026-03-01T10:00:00Z"));
    EXPECT_TRUE(is_date_and_time("2025-03-04T07:31:36.806021107+00:00"));
    EXPECT_TRUE(is_date_and_time("2026-03-01T23:59:60-14:00"));
    EXPECT_TRUE(is_date_and_time("2026-03-01T10:00:00+13:59"));
    EXPECT_TRUE(is_date_and_time("2026-03-01T10:00:00")); // zone optional since 2025-12-22
    EXPECT_TRUE(is_date_and_time(to_timestamp(0).view()));

    EXPECT_FALSE(is_date_and_time(""));
    EXPECT_FALSE(is_date_and_time("2026-13-01T10:00:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-00-01T10:00:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-32T10:00:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T24:00:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:60:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:00:61Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01 10:00:00Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:00:00.Z"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:00:00+14:01"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:00:00+0100"));
    EXPECT_FALSE(is_date_and_time("2026-03-01T10:00:00Zjunk"));
    EXPECT_FALSE(is_date_and_time("26-03-01T10:00:00Z"));
}
