/// \file
/// Envelope sequence-number accounting per (exporter, Publisher ID) (PROTOCOL.md §3.2
/// "sequence-number: per publisher process, first value 1, +1 per message, after 4294967295
/// wraps to 0"; §4.2: per-(node, Publisher ID) sequence numbers give per-process loss; §11.25).
/// Fixed capacity, allocation-free after construction.
#pragma once

#include "net/endpoint.hpp"
#include "subscription/errors.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace udpn::subscription {

/// Sequence accounting counters. Single writer (the owning worker).
struct sequence_stats {
    std::uint64_t messages = 0;  ///< sequence numbers observed
    std::array<std::uint64_t, n_seq_verdicts> verdicts{}; ///< per seq_verdict
    std::uint64_t missing = 0;   ///< loss estimate: numbers skipped and not seen since
    std::uint64_t wraps = 0;     ///< 4294967295 → 0 seen in order (§3.2, §11.25)
    std::uint64_t streams = 0;   ///< gauge: (exporter, Publisher ID) streams tracked
    std::uint64_t streams_evicted = 0; ///< least recently seen stream dropped: tracker full

    [[nodiscard]] std::uint64_t count(seq_verdict v) const noexcept
    {
        return verdicts[static_cast<std::size_t>(v)];
    }
};

/// Tracks the envelope sequence-number of each (exporter address, Publisher ID) stream.
///
/// Per stream: the next expected number and a 64-number window of numbers skipped and not yet
/// seen. With d = int32(n - expected) (serial arithmetic mod 2^32, so the wrap is seamless):
///  - d == 0: in order;
///  - n == 1 otherwise (and not filling a gap): the publisher restarted (§3.2 first value 1);
///  - 0 < d <= max_gap: gap, d numbers missing (filled later by late arrivals);
///  - d > max_gap: reset (resynchronise);
///  - d < 0 within the window: late (it was missing) or duplicate (it was seen);
///  - d < 0 beyond the window: late, unless the next number follows it, which means a restart
///    (the first of the two is then no longer counted late).
class sequence_tracker {
public:
    /// @param max_streams  most streams kept; the least recently seen is evicted beyond it.
    /// @param max_gap      forward jump above which a number means reset, not loss.
    /// Allocates everything here. @throws std::invalid_argument when max_streams is 0 or above
    /// 2^26.
    explicit sequence_tracker(std::size_t max_streams = 4096, std::uint32_t max_gap = 1u << 20);
    ~sequence_tracker();
    sequence_tracker(const sequence_tracker&) = delete;
    sequence_tracker& operator=(const sequence_tracker&) = delete;

    /// Records envelope sequence-number \p n of (\p exporter, \p publisher_id) and says what it
    /// was. The Publisher ID is the UDP-notif header's (§1), which DIST agents set per process.
    /// Thread: the owning worker. noexcept, no allocation.
    seq_verdict observe(const net::ip_address& exporter, std::uint32_t publisher_id,
                        std::uint32_t n) noexcept;

    [[nodiscard]] const sequence_stats& stats() const noexcept { return _stats; }

private:
    struct impl;
    std::unique_ptr<impl> _impl;
    sequence_stats _stats;
};

} // namespace udpn::subscription
