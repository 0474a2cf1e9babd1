/// \file
/// Segment reassembly table (PROTOCOL.md §2 steps 2-5). Owned by one RX thread: no locks.
/// Bounded by reassembly_config; steady state allocates nothing per segment.
#pragma once

#include "common/bytes.hpp"
#include "net/endpoint.hpp"
#include "reassembly/config.hpp"
#include "udpnotif/header.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::reassembly {

/// What accept() did with a datagram. Every value has a counter in reassembly_stats.
enum class verdict : std::uint8_t {
    whole,             ///< the datagram is a whole message (§2 step 2); nothing stored
    stored,            ///< segment stored; its message is still incomplete
    complete,          ///< this segment completed a message: read it with completed()
    duplicate,         ///< segment number already held; dropped (§2 step 3)
    media_mismatch,    ///< S or MT differ from the message's earlier segments; set dropped
    conflicting_last,  ///< a second, different "last" segment number; set dropped
    beyond_last,       ///< segment number above the known last one; set dropped
    too_many_segments, ///< over max_segments_per_message; set dropped
    too_large,         ///< over max_message_bytes; set dropped
    no_memory,         ///< cannot fit under max_total_bytes even after evictions; set dropped
    late,              ///< segment of a set completed or dropped within timeout_ns; ignored
};

inline constexpr std::size_t n_verdicts = 11;

/// Stable snake_case name of \p v.
[[nodiscard]] const char* to_string(verdict v) noexcept;

/// Counters of one table. Single writer (the owning RX thread).
struct reassembly_stats {
    std::array<std::uint64_t, n_verdicts> verdicts{}; ///< accept() outcomes, by verdict
    std::uint64_t expired_messages = 0;  ///< incomplete messages dropped by TTL or expire_all()
    std::uint64_t expired_segments = 0;  ///< segments those messages held
    std::uint64_t evicted_full = 0;      ///< oldest pending evicted: max_pending_messages reached
    std::uint64_t evicted_memory = 0;    ///< oldest pending evicted: max_total_bytes reached
    std::uint64_t evicted_segments = 0;  ///< segments the evicted messages held
    std::uint64_t pending_messages = 0;  ///< gauge: messages being reassembled now
    std::uint64_t bytes_held = 0;        ///< gauge: octets accounted against max_total_bytes

    [[nodiscard]] std::uint64_t count(verdict v) const noexcept
    {
        return verdicts[static_cast<std::size_t>(v)];
    }
};

/// A message completed by accept(). Spans stay valid until the next accept(), expire(),
/// expire_all() or destruction of the table.
struct completed_message {
    net::endpoint src;                ///< exporter of the first datagram of the set (as
                                      ///< received, port included even when not keyed)
    net::endpoint dst;                ///< collector address of the first datagram of the set
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint8_t version = 0;
    bool s_flag = false;
    std::uint8_t media_type = 0;
    std::uint32_t n_segments = 0;
    /// Segment payloads concatenated by segment number (§2 "Rebuild"); followed by at least
    /// reassembly_config::padding readable octets.
    byte_span payload;
    /// Segment 0's options other than segmentation, raw TLVs (§2 "Rebuild").
    byte_span options;
    std::uint64_t first_ns = 0; ///< clock when the first segment arrived
    std::uint64_t last_ns = 0;  ///< clock when the completing segment arrived (§11.24)
};

class table {
public:
    /// Allocates every fixed structure (index, entry pool) once.
    /// @throws std::invalid_argument for a config outside its documented ranges.
    explicit table(const reassembly_config& cfg);
    ~table();
    table(const table&) = delete;
    table& operator=(const table&) = delete;

    /// Offers one parsed datagram from \p src to \p dst at clock \p now_ns. A pending set whose
    /// first segment is older than timeout_ns at \p now_ns is expired (counted) before the
    /// datagram is considered, so results do not depend on how often expire() is called.
    /// A whole message (verdict::whole) is not looked up: pending sets are left untouched.
    /// A set ended by complete or by an error verdict is remembered (finished_memory keys, for
    /// timeout_ns): a later copy of one of its segments gets verdict::late and is ignored, so a
    /// duplicate that outlives its message never shows up as an incomplete message.
    /// Thread: the owning RX thread.
    [[nodiscard]] verdict accept(const net::endpoint& src, const net::endpoint& dst,
                                 const udpnotif::header_view& hdr, std::uint64_t now_ns) noexcept;

    /// The message the last accept() returned verdict::complete for.
    [[nodiscard]] const completed_message& completed() const noexcept { return _completed; }

    /// Drops every pending message whose first segment is older than timeout_ns at \p now_ns.
    /// @return messages expired. Call it periodically from the owning loop.
    std::size_t expire(std::uint64_t now_ns) noexcept;

    /// Drops every pending message (end of input). @return messages expired.
    std::size_t expire_all() noexcept;

    [[nodiscard]] const reassembly_stats& stats() const noexcept { return _stats; }
    [[nodiscard]] const reassembly_config& config() const noexcept { return _cfg; }

private:
    struct impl;
    reassembly_config _cfg;
    reassembly_stats _stats;
    completed_message _completed;
    impl* _impl = nullptr; // fixed structures; see table.cpp
};

} // namespace udpn::reassembly
