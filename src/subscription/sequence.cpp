/// \file
/// sequence_tracker implementation (PROTOCOL.md §3.2, §4.2, §11.25); see sequence.hpp for the
/// rules.
#include "subscription/sequence.hpp"

#include "subscription/key_hash.hpp"

#include <stdexcept>

namespace udpn::subscription {

namespace {

using detail::npos;

/// Numbers before `expected` whose loss is remembered, so a late arrival can fill its gap.
constexpr std::uint32_t window_size = 64;
constexpr std::size_t max_streams_limit = std::size_t{1} << 26;

struct stream {
    net::ip_address addr;
    std::uint32_t publisher_id = 0;
    std::uint64_t hash = 0;
    std::uint32_t expected = 0;       ///< next expected sequence number
    std::uint32_t probation_next = 0; ///< number that would confirm a backward restart
    bool probation = false;
    /// Bit k stands for number expected - 1 - k: set = skipped and not seen since.
    std::uint64_t missing = 0;
};

} // namespace

struct sequence_tracker::impl {
    impl(std::size_t max_streams, std::uint32_t gap_limit)
        : max_gap(gap_limit),
          n_streams(static_cast<std::uint32_t>(max_streams)),
          index(max_streams * 2),
          pool(std::make_unique<stream[]>(max_streams)),
          links(std::make_unique<detail::link[]>(max_streams))
    {
    }

    std::uint32_t max_gap;
    std::uint32_t n_streams;
    std::uint32_t n_used = 0; ///< pool entries handed out so far (streams are never removed)
    detail::fixed_index index;
    std::unique_ptr<stream[]> pool;
    std::unique_ptr<detail::link[]> links;
    detail::link_list recency; ///< least recently seen first

    static seq_verdict resync(stream& s, std::uint32_t n) noexcept
    {
        s.expected = n + 1;
        s.missing = 0;
        s.probation = false;
        return seq_verdict::reset;
    }

    seq_verdict observe(sequence_stats& stats, const net::ip_address& addr,
                        std::uint32_t publisher_id, std::uint32_t n) noexcept
    {
        const std::uint64_t hash = detail::hash_key(addr, publisher_id);
        std::uint32_t i = index.find(hash, [&](std::uint32_t c) noexcept {
            const stream& s = pool[c];
            return s.hash == hash && s.publisher_id == publisher_id && s.addr == addr;
        });
        if (i == npos) {
            if (n_used < n_streams) {
                i = n_used++;
                ++stats.streams;
            } else {
                i = recency.front(); // full: forget the least recently seen stream
                index.erase(pool[i].hash, i);
                recency.remove(links.get(), i);
                ++stats.streams_evicted;
            }
            stream& s = pool[i];
            s.addr = addr;
            s.publisher_id = publisher_id;
            s.hash = hash;
            s.expected = n + 1; // a receiver may start late (§1.3): nothing to compare with
            s.missing = 0;
            s.probation = false;
            index.insert(hash, i);
            recency.push_back(links.get(), i);
            return seq_verdict::first;
        }
        recency.move_to_back(links.get(), i);
        stream& s = pool[i];
        // §3.2: after 4294967295 comes 0; serial-number difference mod 2^32.
        const auto d = static_cast<std::int32_t>(n - s.expected);
        if (d == 0) {
            s.missing <<= 1;
            s.expected = n + 1;
            s.probation = false;
            if (n == 0) {
                ++stats.wraps; // §3.2: 0 marks a wrap
            }
            return seq_verdict::in_order;
        }
        if (d > 0) {
            const auto skipped = static_cast<std::uint32_t>(d);
            if (skipped > max_gap) {
                return resync(s, n);
            }
            // Every skipped number is missing until it shows up. Bits 1..skipped of the new
            // window (bit 0 is n itself).
            stats.missing += skipped;
            const std::uint32_t shift = skipped + 1;
            s.missing = shift >= window_size ? 0 : s.missing << shift;
            const std::uint32_t marked = skipped < window_size - 1 ? skipped : window_size - 1;
            s.missing |= (marked == 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (marked + 1)) - 1) &
                         ~std::uint64_t{1};
            s.expected = n + 1;
            s.probation = false;
            return seq_verdict::gap;
        }
        // Behind: k = expected - 1 - n; 0 is the number just seen.
        const std::uint32_t k = s.expected - 1 - n;
        if (k < window_size) {
            const std::uint64_t bit = std::uint64_t{1} << k;
            if ((s.missing & bit) != 0) {
                s.missing &= ~bit; // reordering filled its gap
                --stats.missing;
                return seq_verdict::late;
            }
            if (n == 1 && k != 0) {
                return resync(s, n); // §3.2: a publisher process starts at 1
            }
            return seq_verdict::duplicate;
        }
        if (n == 1) {
            return resync(s, n);
        }
        // Far behind: a very late number, or a restart whose first messages were lost. Two
        // consecutive such numbers mean a restart.
        if (s.probation && n == s.probation_next) {
            --stats.verdicts[static_cast<std::size_t>(seq_verdict::late)];
            return resync(s, n);
        }
        s.probation = true;
        s.probation_next = n + 1;
        return seq_verdict::late;
    }
};

sequence_tracker::sequence_tracker(std::size_t max_streams, std::uint32_t max_gap)
{
    if (max_streams < 1 || max_streams > max_streams_limit) {
        throw std::invalid_argument("sequence_tracker: max_streams must be in 1..67108864");
    }
    _impl = std::make_unique<impl>(max_streams, max_gap);
}

sequence_tracker::~sequence_tracker() = default;

seq_verdict sequence_tracker::observe(const net::ip_address& exporter, std::uint32_t publisher_id,
                                      std::uint32_t n) noexcept
{
    ++_stats.messages;
    const seq_verdict v = _impl->observe(_stats, exporter, publisher_id, n);
    ++_stats.verdicts[static_cast<std::size_t>(v)];
    return v;
}

} // namespace udpn::subscription
