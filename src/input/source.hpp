/// \file
/// The datagram interface between an input (kernel socket, DPDK, a test) and rx_path: one
/// datagram with its endpoints and receive times, a batch of them, and the datagram_source
/// concept: poll(batch&) -> poll_status (after CESNET/ipfixprobe inputPlugin::get()).
#pragma once

#include "common/bytes.hpp"
#include "net/endpoint.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace udpn::input {

class message_buffer;

/// One received UDP datagram. `bytes` is valid until the next poll() of the source that
/// produced it (the caller's storage for datagrams built by hand).
struct datagram {
    byte_span bytes;        ///< the UDP payload (cut at the source's max size when truncated)
    net::endpoint src;      ///< exporter address:port (IPv4-mapped IPv6 reported as IPv4)
    net::endpoint dst;      ///< collector address:port the datagram was sent to
    std::uint64_t rx_ns = 0;      ///< monotonic clock, ns (drives the reassembly timeout)
    std::uint64_t rx_wall_ns = 0; ///< wall clock, ns since the Unix epoch (collection time)
    bool truncated = false; ///< longer than the source's buffer: `bytes` is cut (dropped by
                            ///< rx_path, counted)
    /// When `bytes` lie at the start of a pool buffer the source received into (a
    /// recvmmsg_source with a pool attached): the source's slot holding it. rx_path takes the
    /// buffer for a whole message instead of copying it, and sets the slot to nullptr (the
    /// source takes a new one). nullptr: `bytes` are the source's or the caller's storage.
    message_buffer** holder = nullptr;
};

/// The datagrams one poll() returned. Views the source's own storage.
struct datagram_batch {
    std::span<const datagram> items;
    [[nodiscard]] std::size_t size() const noexcept { return items.size(); }
    [[nodiscard]] bool empty() const noexcept { return items.empty(); }
};

/// What a poll() ended with.
enum class poll_status : std::uint8_t {
    ok,          ///< one or more datagrams in the batch
    idle,        ///< nothing received (no datagram queued, or the receive timeout passed)
    interrupted, ///< a signal interrupted the wait (EINTR); poll again or check the stop flag
    error,       ///< the receive call failed (counted; the source keeps the errno)
};

/// Stable snake_case name of \p s.
[[nodiscard]] constexpr const char* to_string(poll_status s) noexcept
{
    switch (s) {
    case poll_status::ok: return "ok";
    case poll_status::idle: return "idle";
    case poll_status::interrupted: return "interrupted";
    case poll_status::error: return "error";
    }
    return "unknown";
}

/// A source of datagram bursts: poll() fills \p batch (empty unless ok) without allocating.
template <typename S>
concept datagram_source = requires(S& s, datagram_batch& batch) {
    { s.poll(batch) } noexcept -> std::same_as<poll_status>;
};

} // namespace udpn::input
