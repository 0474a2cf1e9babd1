// latency_histogram (common/latency_histogram.hpp): bucket bounds, quantiles against a sorted
// reference, merge, the empty and overflow cases, and the text of the reports' latency fields.
#include "common/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using udpn::latency_histogram;

namespace {

TEST(LatencyHistogram, EveryValueLiesInsideItsBucket)
{
    std::mt19937_64 rng(7);
    for (int i = 0; i < 200000; ++i) {
        const std::uint64_t v = rng() >> (rng() % 64);
        const std::size_t b = latency_histogram::bucket_of(v);
        ASSERT_LT(b, latency_histogram::n_buckets);
        if (b + 1 < latency_histogram::n_buckets) {
            EXPECT_LT(v, latency_histogram::upper_bound_ns(b)) << v;
        }
        if (b > 0) {
            EXPECT_GE(v, latency_histogram::upper_bound_ns(b - 1)) << v;
        }
    }
    // the bounds rise strictly, and each bucket is at most an eighth of its lower bound wide
    for (std::size_t b = 1; b + 1 < latency_histogram::n_buckets; ++b) {
        const std::uint64_t lo = latency_histogram::upper_bound_ns(b - 1);
        const std::uint64_t hi = latency_histogram::upper_bound_ns(b);
        ASSERT_GT(hi, lo);
        EXPECT_LE((hi - lo) * 8, lo) << b;
    }
    EXPECT_EQ(latency_histogram::bucket_of(0), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(63), 0u);
    EXPECT_EQ(latency_histogram::bucket_of(64), 1u);
    EXPECT_EQ(latency_histogram::bucket_of(UINT64_MAX), latency_histogram::n_buckets - 1);
    EXPECT_EQ(latency_histogram::bucket_of(std::uint64_t{1} << 36),
              latency_histogram::n_buckets - 1);
}

TEST(LatencyHistogram, QuantilesAreWithinOneBucketOfTheExactValue)
{
    std::mt19937_64 rng(11);
    std::lognormal_distribution<double> dist(10.0, 1.5); // ~22 us median, long tail
    latency_histogram h;
    std::vector<std::uint64_t> values;
    for (int i = 0; i < 100000; ++i) {
        const auto v = static_cast<std::uint64_t>(dist(rng));
        values.push_back(v);
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    EXPECT_EQ(h.count(), values.size());
    EXPECT_EQ(h.max_ns(), values.back());
    for (const double q : {0.5, 0.9, 0.99, 0.999}) {
        const auto rank = static_cast<std::size_t>(q * static_cast<double>(values.size()) + 0.999999);
        const std::uint64_t exact = values[rank - 1];
        const std::uint64_t got = h.quantile_ns(q);
        // never below the exact value, at most one bucket (1/8 of the value) above it
        EXPECT_GE(got, exact) << q;
        EXPECT_LE(got, exact + exact / 8 + 1) << q;
    }
    EXPECT_EQ(h.quantile_ns(1.0), values.back());
}

TEST(LatencyHistogram, MergeAddsEverything)
{
    latency_histogram a, b;
    a.record(100);
    a.record(5000);
    b.record(1'000'000);
    b.record(70'000'000'000ull); // beyond the last octave: the overflow bucket
    a.merge(b);
    EXPECT_EQ(a.count(), 4u);
    EXPECT_EQ(a.sum_ns(), 100u + 5000u + 1'000'000u + 70'000'000'000ull);
    EXPECT_EQ(a.max_ns(), 70'000'000'000ull);
    EXPECT_EQ(a.bucket_count(latency_histogram::n_buckets - 1), 1u);
    EXPECT_EQ(a.quantile_ns(0.25), latency_histogram::upper_bound_ns(latency_histogram::bucket_of(100)));
    EXPECT_EQ(a.quantile_ns(1.0), 70'000'000'000ull); // capped at the maximum seen
}

TEST(LatencyHistogram, EmptyReportsZeros)
{
    const latency_histogram h;
    EXPECT_EQ(h.quantile_ns(0.99), 0u);
    EXPECT_EQ(udpn::latency_fields_us(h), "count=0 mean=0.000 p50=0.000 p99=0.000 p999=0.000 max=0.000");
}

TEST(LatencyHistogram, ReportFieldsInMicroseconds)
{
    latency_histogram h;
    for (int i = 0; i < 1000; ++i) {
        h.record(2000); // 2 us: bucket [1920, 2048), reported as its upper bound
    }
    h.record(9000);
    const std::string f = udpn::latency_fields_us(h);
    EXPECT_EQ(f, "count=1001 mean=2.007 p50=2.048 p99=2.048 p999=2.048 max=9.000");
}

} // namespace
