/// \file
/// Sends datagrams over UDP sockets with sendmmsg, in batches, paced with clock_nanosleep or
/// flat out, from one or several source sockets (one per emulated exporter).
#pragma once

#include "common/bytes.hpp"
#include "net/endpoint.hpp"

#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::send {

/// How to send.
struct send_config {
    net::endpoint dst;             ///< where every datagram goes
    std::uint32_t n_sources = 1;   ///< source sockets (each its own port)
    std::uint16_t source_port = 0; ///< source k binds base + k; 0: kernel-chosen ports
    /// IPv4 loopback only: source k binds 127.0.0.(k+1), so each looks like its own exporter.
    bool distinct_source_ips = false;
    double rate = 0;          ///< datagrams per second; 0: as fast as possible
    std::uint32_t batch = 32; ///< most datagrams per sendmmsg call
    std::uint64_t loops = 1;  ///< times the whole list is sent
    double max_seconds = 0;   ///< stop after this long; 0: no limit
    int sndbuf = 0;           ///< SO_SNDBUF octets; 0: system default
};

/// One datagram to send and the source socket it leaves from (index < n_sources).
struct send_item {
    std::uint32_t source = 0;
    byte_span payload;
};

/// What was sent.
struct send_stats {
    std::uint64_t datagrams = 0;   ///< datagrams the kernel accepted
    std::uint64_t bytes = 0;       ///< their UDP payload octets
    std::uint64_t errors = 0;      ///< datagrams skipped after a send error
    std::uint64_t calls = 0;       ///< sendmmsg calls
    std::uint64_t duration_ns = 0; ///< from the first send to the last
    std::string first_error;       ///< strerror of the first error, empty when none
};

/// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
[[nodiscard]] bool is_loopback(const net::ip_address& addr) noexcept;

/// Resolves "HOST:PORT" / "[HOST]:PORT" (an address literal or a name such as localhost).
/// @throws std::invalid_argument when it cannot be parsed or resolved.
[[nodiscard]] net::endpoint resolve_destination(const std::string& text);

/// Sends \p items in order (per source; a batch's datagrams are grouped by source socket, which
/// keeps every source's own order), \p cfg.loops times, paced at cfg.rate.
/// Stops early when \p stop becomes non-zero (signal handler) or max_seconds passes.
/// @throws std::runtime_error when a socket cannot be created or bound.
[[nodiscard]] send_stats send_all(const send_config& cfg, const std::vector<send_item>& items,
                                  const volatile std::sig_atomic_t& stop);

} // namespace udpn::send
