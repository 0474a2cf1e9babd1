/// \file
/// Limits of one worker's subscription table (PROTOCOL.md §4) and sequence accounting (§3.2).
/// Plain struct with in-class defaults; the config module aggregates it (STYLE.md §4 rule 10).
#pragma once

#include <cstddef>
#include <cstdint>

namespace udpn::subscription {

struct table_config {
    /// Most subscriptions one worker keeps, over all its exporters. Beyond it the least recently
    /// used one (no state change and no data for the longest time) is evicted and counted.
    std::size_t max_subscriptions = 4096;
    /// Most (exporter, Publisher ID) streams whose envelope sequence-number is tracked (§3.2);
    /// the least recently seen is evicted beyond it (counted).
    std::size_t max_sequence_streams = 4096;
    /// A forward sequence-number jump larger than this is a publisher restart, not loss.
    std::uint32_t max_sequence_gap = 1u << 20;
    /// Largest subscription-started / -modified contents accepted (octets); larger is rejected
    /// (counted as a parse failure, too_large).
    std::size_t max_contents_bytes = std::size_t{1} << 20;
    /// Largest state file save() writes or load() reads (octets). Over it save() refuses to
    /// write and load() refuses to read (both counted).
    std::size_t max_state_file_bytes = std::size_t{64} << 20;
};

} // namespace udpn::subscription
