/// \file
/// Limits of the segment reassembly table (PROTOCOL.md §2 "Knobs"). Every limit, when hit,
/// increments a counter in reassembly_stats.
#pragma once

#include <cstddef>
#include <cstdint>

namespace udpn::reassembly {

struct reassembly_config {
    /// Drop a message whose first segment arrived this long ago and that is still incomplete
    /// (`reassembly_timeout_ms`; §2 step 5). Nanoseconds of the injected clock.
    std::uint64_t timeout_ns = 2'000'000'000;
    /// Most segments one message may have (`max_segments_per_message`, at most 32768).
    std::uint32_t max_segments_per_message = 4096;
    /// Most payload octets one reassembled message may have (`max_message_bytes`).
    std::size_t max_message_bytes = 16u << 20;
    /// Most messages being reassembled at once (`max_pending_messages`, 1..16777216); the
    /// oldest is evicted.
    std::uint32_t max_pending_messages = 4096;
    /// Most octets the table may hold for segment payloads, pending or cached for reuse
    /// (`max_total_bytes`); the oldest pending messages are evicted to stay under it.
    std::size_t max_total_bytes = 256u << 20;
    /// Keys of recently finished sets (completed or dropped by a verdict) remembered for
    /// timeout_ns, so that a late copy of one of their segments is counted as `late` instead of
    /// opening a set that can only expire (`finished_memory`; 0 disables, at most 16777216).
    std::uint32_t finished_memory = 4096;
    /// Key includes the source port (§11.1); false when a publisher varies its source port.
    bool key_includes_src_port = true;
    /// Readable octets guaranteed after a completed payload (simdjson needs 64; at most 1 MiB).
    /// They are zero.
    std::size_t padding = 64;
};

} // namespace udpn::reassembly
