/// \file
/// latency_histogram: a fixed-size log-linear histogram of durations in nanoseconds, for the
/// pipeline's arrival-to-produce latency (reported as p50 / p99 / p99.9 by the replay mode and
/// as a Prometheus histogram on /metrics).
///
/// Buckets: values below 2^min_shift ns share bucket 0; above, each power of two
/// [2^k, 2^(k+1)) is split into sub_buckets equal slices, so a bucket's width is at most 1/8 of
/// its lower bound (a quantile is reported as the bucket's upper bound: at most 12.5 % high);
/// values at or above 2^max_shift ns (about 68.7 s) share the last bucket. 2 KiB of counters,
/// no allocation, record() is a few instructions (bit scan, shift, add).
/// Thread: one writer; snapshots are copied under the owner's lock (plain data).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace udpn {

class latency_histogram {
public:
    static constexpr unsigned min_shift = 6;   ///< 64 ns: the first octave's lower bound
    static constexpr unsigned max_shift = 36;  ///< 2^36 ns = 68.7 s: the overflow bound
    static constexpr unsigned sub_bits = 3;    ///< 8 slices per octave
    static constexpr unsigned sub_buckets = 1u << sub_bits;
    /// bucket 0 (< 2^min_shift), the octaves, the overflow bucket
    static constexpr std::size_t n_buckets = 1 + (max_shift - min_shift) * sub_buckets + 1;

    /// Adds one duration of \p ns nanoseconds.
    void record(std::uint64_t ns) noexcept
    {
        ++_counts[bucket_of(ns)];
        ++_count;
        _sum_ns += ns;
        _max_ns = std::max(_max_ns, ns);
    }

    /// Adds every value of \p other (summing per-thread histograms).
    void merge(const latency_histogram& other) noexcept
    {
        for (std::size_t i = 0; i < n_buckets; ++i) {
            _counts[i] += other._counts[i];
        }
        _count += other._count;
        _sum_ns += other._sum_ns;
        _max_ns = std::max(_max_ns, other._max_ns);
    }

    /// Removes the values of \p earlier, an older copy of this histogram (the values recorded
    /// since it was taken remain). max_ns() stays the maximum over the whole life.
    void subtract(const latency_histogram& earlier) noexcept
    {
        for (std::size_t i = 0; i < n_buckets; ++i) {
            _counts[i] -= std::min(_counts[i], earlier._counts[i]);
        }
        _count -= std::min(_count, earlier._count);
        _sum_ns -= std::min(_sum_ns, earlier._sum_ns);
    }

    [[nodiscard]] std::uint64_t count() const noexcept { return _count; }
    [[nodiscard]] std::uint64_t sum_ns() const noexcept { return _sum_ns; }
    [[nodiscard]] std::uint64_t max_ns() const noexcept { return _max_ns; }
    [[nodiscard]] std::uint64_t bucket_count(std::size_t i) const noexcept { return _counts[i]; }

    /// The bucket a duration of \p ns falls in.
    [[nodiscard]] static std::size_t bucket_of(std::uint64_t ns) noexcept
    {
        if (ns < (std::uint64_t{1} << min_shift)) {
            return 0;
        }
        const unsigned octave = 63u - static_cast<unsigned>(std::countl_zero(ns)); // floor log2
        if (octave >= max_shift) {
            return n_buckets - 1;
        }
        const auto slice = static_cast<std::size_t>((ns >> (octave - sub_bits)) & (sub_buckets - 1));
        return 1 + std::size_t{octave - min_shift} * sub_buckets + slice;
    }

    /// Exclusive upper bound of bucket \p i in ns (the overflow bucket: UINT64_MAX).
    [[nodiscard]] static std::uint64_t upper_bound_ns(std::size_t i) noexcept
    {
        if (i == 0) {
            return std::uint64_t{1} << min_shift;
        }
        if (i >= n_buckets - 1) {
            return UINT64_MAX;
        }
        const std::size_t octave = min_shift + (i - 1) / sub_buckets;
        const std::size_t slice = (i - 1) % sub_buckets;
        const std::uint64_t width = std::uint64_t{1} << (octave - sub_bits);
        return (std::uint64_t{1} << octave) + (slice + 1) * width;
    }

    /// The smallest bucket upper bound at or below which a fraction \p q (0..1) of the values
    /// lie, capped at max_ns() (so an exact maximum is never overstated); 0 when empty.
    [[nodiscard]] std::uint64_t quantile_ns(double q) const noexcept
    {
        if (_count == 0) {
            return 0;
        }
        q = std::clamp(q, 0.0, 1.0);
        // rank of the wanted value, 1-based: ceil(q * count), at least 1
        auto rank = static_cast<std::uint64_t>(q * static_cast<double>(_count));
        if (static_cast<double>(rank) < q * static_cast<double>(_count)) {
            ++rank;
        }
        rank = std::max<std::uint64_t>(rank, 1);
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < n_buckets; ++i) {
            seen += _counts[i];
            if (seen >= rank) {
                return std::min(upper_bound_ns(i), _max_ns);
            }
        }
        return _max_ns;
    }

private:
    std::array<std::uint64_t, n_buckets> _counts{};
    std::uint64_t _count = 0;
    std::uint64_t _sum_ns = 0;
    std::uint64_t _max_ns = 0;
};

/// `count=N mean=X p50=X p99=X p999=X max=X` with the durations in microseconds (3 decimals):
/// the latency fields of the receivers' final reports.
[[nodiscard]] inline std::string latency_fields_us(const latency_histogram& h)
{
    const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    const double mean = h.count() != 0 ? us(h.sum_ns()) / static_cast<double>(h.count()) : 0.0;
    char buf[256];
    std::snprintf(buf, sizeof buf, "count=%llu mean=%.3f p50=%.3f p99=%.3f p999=%.3f max=%.3f",
                  static_cast<unsigned long long>(h.count()), mean, us(h.quantile_ns(0.5)),
                  us(h.quantile_ns(0.99)), us(h.quantile_ns(0.999)), us(h.max_ns()));
    return buf;
}

} // namespace udpn
