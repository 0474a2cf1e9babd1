/// \file
/// The RX logic shared by every input (STYLE.md §3.2 input/rx_path): one datagram in, at most
/// one whole UDP-notif message out, in a padded buffer from this RX thread's pool.
///
///   datagram -> truncated? -> source allowlist -> udpnotif::parse_counted (PROTOCOL.md §2
///   step 1) -> reassembly::table::accept (§2 steps 2-5) -> gap_tracker::observe (§2 step 6)
///   -> buffer_pool::acquire -> copy payload + options, fill message_meta -> sink
///
/// One rx_path per RX thread (DESIGN.md §2: reassembly state is owned by one RX thread). The
/// constructor allocates everything; process() allocates nothing, takes no lock, throws
/// nothing, logs nothing. Every datagram ends in exactly one counter (rx_stats, parse_stats or
/// the table's verdict counters).
#pragma once

#include "common/bytes.hpp"
#include "input/allowlist.hpp"
#include "input/buffer_pool.hpp"
#include "input/config.hpp"
#include "input/message.hpp"
#include "input/source.hpp"
#include "reassembly/gap_tracker.hpp"
#include "reassembly/table.hpp"
#include "udpnotif/errors.hpp"
#include "udpnotif/header.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace udpn::input {

/// Where rx_path hands a filled buffer: `bool sink(message_buffer*) noexcept`. Returning true
/// takes ownership (the sink must get the buffer back to its pool eventually); false refuses it
/// (e.g. the ring to the worker is full): rx_path releases the buffer and counts sink_refused.
/// A template parameter, not a virtual call: chosen once at compile time (STYLE.md §5).
template <typename S>
concept message_sink = std::is_nothrow_invocable_r_v<bool, S&, message_buffer*>;

/// Counters of one rx_path. Single writer: the owning RX thread; a stats reader copies them.
struct rx_stats {
    std::uint64_t datagrams = 0;       ///< datagrams given to process()
    std::uint64_t bytes = 0;           ///< their octets (as received, truncated ones included)
    std::uint64_t truncated = 0;       ///< dropped: longer than the source's buffer (MSG_TRUNC)
    std::uint64_t not_allowed = 0;     ///< dropped: source address not in the allowlist
    std::uint64_t clock_clamped = 0;   ///< datagrams older than the path clock (taken at its time)
    std::uint64_t whole_messages = 0;  ///< messages that came in one datagram
    std::uint64_t reassembled_messages = 0; ///< messages completed from segments
    std::uint64_t messages = 0;        ///< messages put into a buffer (process() returned one)
    /// Of those, whole messages handed on in the pool buffer their datagram was received into
    /// (datagram::holder): no copy of the payload.
    std::uint64_t in_place = 0;
    std::uint64_t message_bytes = 0;   ///< their payload octets
    std::uint64_t pool_exhausted = 0;  ///< dropped: no free buffer large enough (never allocates)
    std::uint64_t oversize = 0;        ///< dropped: larger than the largest buffer class
    std::uint64_t sink_refused = 0;    ///< dropped: the sink refused the buffer (ring full)
};

/// Thread: the owning RX thread for every call after construction (accessors included; a
/// stats reader gets copies of the counters from that thread).
class rx_path {
public:
    /// Builds the allowlist, reassembly table, gap tracker and buffer pool.
    /// @throws std::invalid_argument for a bad config (allowlist entry, table limits, pool
    ///         classes), std::bad_alloc when the memory cannot be had.
    /// Thread: start-up.
    explicit rx_path(const rx_path_config& cfg);
    rx_path(const rx_path&) = delete;
    rx_path& operator=(const rx_path&) = delete;

    /// Runs one datagram through the path.
    /// @return a buffer holding the message this datagram made whole (the caller owns it and
    ///         gives it back with release() or through the return queue), or nullptr: the
    ///         datagram was dropped, stored as a segment, or its message could not get a
    ///         buffer; each case is counted.
    /// Thread: the owning RX thread.
    [[nodiscard]] message_buffer* process(const datagram& d) noexcept;

    /// Runs \p batch through the path and hands every message to \p sink in completion order.
    /// @return messages the sink accepted.
    /// Thread: the owning RX thread.
    template <typename Sink>
    std::size_t process_batch(const datagram_batch& batch, Sink&& sink) noexcept
    {
        static_assert(message_sink<std::remove_reference_t<Sink>>,
                      "the sink runs on the hot path: bool(message_buffer*) noexcept");
        std::size_t n = 0;
        for (const datagram& d : batch.items) {
            if (message_buffer* msg = process(d)) {
                n += hand_off(msg, sink) ? 1 : 0;
            }
        }
        return n;
    }

    /// Hands \p msg to \p sink; releases it and counts sink_refused when refused.
    /// @return whether the sink took it.
    /// Thread: the owning RX thread.
    template <typename Sink>
    bool hand_off(message_buffer* msg, Sink&& sink) noexcept
    {
        static_assert(message_sink<std::remove_reference_t<Sink>>,
                      "the sink runs on the hot path: bool(message_buffer*) noexcept");
        if (sink(msg)) {
            return true;
        }
        ++_stats.sink_refused;
        _pool.release(msg);
        return false;
    }

    /// Gives a buffer back to this path's pool.
    /// Thread: the owning RX thread.
    void release(message_buffer* msg) noexcept { _pool.release(msg); }

    /// Periodic work, clock-gated by the caller's loop: expires incomplete messages whose first
    /// segment is older than the reassembly timeout at \p now_ns (monotonic; the later of it and
    /// the path clock). @return messages expired.
    /// Thread: the owning RX thread.
    std::size_t on_tick(std::uint64_t now_ns) noexcept;

    /// End of input: drops every incomplete message (counted as expired). @return how many.
    /// Thread: the owning RX thread.
    std::size_t finish() noexcept;

    /// Monotonic time of the latest datagram or tick, ns.
    [[nodiscard]] std::uint64_t clock_ns() const noexcept { return _clock_ns; }

    [[nodiscard]] const rx_stats& stats() const noexcept { return _stats; }
    [[nodiscard]] const udpnotif::parse_stats& parse_stats() const noexcept
    {
        return _parse_stats;
    }
    [[nodiscard]] const reassembly::reassembly_stats& reassembly_stats() const noexcept
    {
        return _table.stats();
    }
    [[nodiscard]] const reassembly::gap_stats& gap_stats() const noexcept
    {
        return _gaps.stats();
    }
    [[nodiscard]] const pool_stats& buffer_stats() const noexcept { return _pool.stats(); }
    [[nodiscard]] buffer_pool& pool() noexcept { return _pool; }
    [[nodiscard]] const buffer_pool& pool() const noexcept { return _pool; }
    [[nodiscard]] const address_allowlist& allowlist() const noexcept { return _allow; }
    [[nodiscard]] const rx_path_config& config() const noexcept { return _cfg; }

private:
    [[nodiscard]] message_buffer* take_buffer(std::size_t payload_len) noexcept;
    [[nodiscard]] message_buffer* deliver_whole(const datagram& d,
                                                const udpnotif::header_view& hdr) noexcept;
    [[nodiscard]] message_buffer* deliver_completed(const datagram& d) noexcept;

    rx_path_config _cfg;
    address_allowlist _allow;
    udpnotif::parse_stats _parse_stats;
    reassembly::table _table;
    reassembly::gap_tracker _gaps;
    buffer_pool _pool;
    rx_stats _stats;
    std::uint64_t _clock_ns = 0;
};

} // namespace udpn::input
