/// \file
/// Message-ID gap accounting per (exporter, Publisher ID) (PROTOCOL.md §1 "Message ID", §2
/// step 6): estimates loss from gaps, wrap-around aware, bounded number of streams.
#pragma once

#include "net/endpoint.hpp"

#include <cstddef>
#include <cstdint>

namespace udpn::reassembly {

struct gap_stats {
    std::uint64_t messages = 0;       ///< message ids observed
    std::uint64_t missing = 0;        ///< loss estimate: ids skipped and not seen since
    std::uint64_t late = 0;           ///< ids that arrived after a later id (reordering)
    std::uint64_t duplicates = 0;     ///< the id just seen again
    std::uint64_t resets = 0;         ///< jumps too large to be loss (publisher restart)
    std::uint64_t streams = 0;        ///< gauge: (exporter, publisher) pairs tracked
    std::uint64_t streams_evicted = 0; ///< least recently seen stream dropped: table full
};

class gap_tracker {
public:
    /// @param max_streams   most (exporter, publisher id) pairs kept; the least recently seen
    ///                      is evicted beyond it (counted).
    /// @param max_gap       a forward jump larger than this counts as a reset, not loss.
    /// @param include_port  exporter identity includes the source port (§11.1).
    /// Allocates the whole stream table here.
    /// @throws std::invalid_argument when \p max_streams is 0 (or absurdly large).
    explicit gap_tracker(std::size_t max_streams = 65536, std::uint32_t max_gap = 1u << 20,
                         bool include_port = true);
    ~gap_tracker();
    gap_tracker(const gap_tracker&) = delete;
    gap_tracker& operator=(const gap_tracker&) = delete;

    /// Records that message \p message_id of (\p src, \p publisher_id) was received whole.
    /// Thread: the owning RX thread. No allocation after construction.
    void observe(const net::endpoint& src, std::uint32_t publisher_id,
                 std::uint32_t message_id) noexcept;

    [[nodiscard]] const gap_stats& stats() const noexcept { return _stats; }

private:
    struct impl;
    gap_stats _stats;
    impl* _impl = nullptr;
};

} // namespace udpn::reassembly
