/// \file
/// Plain configuration of the input module: the RX path (header parsing, reassembly, buffer
/// pool, source allowlist) and the kernel-socket input (socket options, recvmmsg bursts, the RX
/// loop). In-class defaults; the config module aggregates these structs and validates them
/// once; the constructors that take them re-check their own ranges and throw at start-up.
#pragma once

#include "reassembly/config.hpp"
#include "udpnotif/header.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::input {

/// Readable zero octets after every payload in a message_buffer: simdjson's SIMDJSON_PADDING
/// (64 in simdjson 3.0.1; input does not include simdjson, so the value is restated here).
inline constexpr std::size_t payload_padding = 64;

/// One size class of a buffer_pool: \p count buffers of \p capacity payload octets each.
struct buffer_class {
    std::size_t capacity = 0; ///< payload octets a buffer holds (padding not included)
    std::uint32_t count = 0;  ///< buffers of this class, all allocated at start-up
};

/// Size classes of the message buffers of one RX thread (`rx_buffer_classes`). A message takes
/// a buffer of the smallest class it fits, or of a larger class when that one is empty. A
/// message larger than the largest class is dropped (counted `oversize`), so the largest class
/// bounds the message size the pipeline accepts: keep it >= reassembly max_message_bytes if no
/// message may be dropped for size. Memory = sum(capacity * count) plus 64 octets of padding
/// and ~350 octets of bookkeeping per buffer; pages of buffers never used are never touched.
/// The total count must cover the messages in flight between RX and the workers (ring sizes
/// plus bursts); when every fitting buffer is out, messages are dropped (counted
/// `pool_exhausted`), the pool never grows.
struct buffer_pool_config {
    std::vector<buffer_class> classes = {
        {4096, 4096},    // 16 MiB: typical YANG-Push messages (1-4 KB)
        {65536, 256},    // 16 MiB: large periodic dumps
        {1u << 20, 16},  // 16 MiB: rare very large messages
    };
};

/// Knobs of one rx_path (one RX thread).
struct rx_path_config {
    /// Header validation knobs (PROTOCOL.md §11 items 4, 6).
    udpnotif::parse_config parse;
    /// Segment reassembly limits (PROTOCOL.md §2 knobs, §11 item 1).
    reassembly::reassembly_config reassembly;
    /// Message buffers handed to the workers.
    buffer_pool_config pool;
    /// Exporter addresses accepted, as CIDRs ("192.0.2.0/24", "2001:db8::/32", "10.0.0.1" for
    /// one host); empty accepts every source (`source_allowlist`). Datagrams from any other
    /// source are counted and dropped before parsing.
    std::vector<std::string> source_allowlist;
    /// Most (exporter, publisher id) streams tracked for Message ID gaps (§2 step 6).
    std::size_t gap_max_streams = 65536;
    /// A forward Message ID jump larger than this counts as a publisher restart, not loss.
    std::uint32_t gap_max_gap = 1u << 20;
    /// Index of the RX thread that owns this path; stamped on every buffer so a consumer knows
    /// which RX thread to return it to.
    std::uint32_t owner_id = 0;
};

/// One kernel UDP socket (one per RX thread, all bound to the same address and port with
/// SO_REUSEPORT).
struct udp_socket_config {
    /// Local address to bind: "0.0.0.0", "::" (every address), or one address. Its family picks
    /// an IPv4 or IPv6 socket.
    std::string address = "::";
    /// Local UDP port; 0 takes an ephemeral port (tests). PROTOCOL.md §1.2: no default port.
    std::uint16_t port = 0;
    /// IPv6 sockets only: IPV6_V6ONLY. false also receives IPv4 (as ::ffff:a.b.c.d, which the
    /// source reports as plain IPv4).
    bool v6only = false;
    /// SO_REUSEPORT: several sockets (one per RX thread) share the port; the kernel spreads
    /// flows by 4-tuple hash, so all segments of a publisher reach one socket (DESIGN.md §2).
    bool reuse_port = true;
    /// SO_RCVBUF in octets (`rx_socket_buffer`); 0 keeps the system default. Linux caps it at
    /// net.core.rmem_max unless rcvbuf_force succeeds; the effective size is read back.
    std::size_t rcvbuf_bytes = 8u << 20;
    /// Try SO_RCVBUFFORCE first (needs CAP_NET_ADMIN, ignores rmem_max); falls back to
    /// SO_RCVBUF when not permitted.
    bool rcvbuf_force = false;
    /// Receive timeout (SO_RCVTIMEO) in milliseconds: a poll blocks at most this long for the
    /// first datagram of a burst, so an RX loop sees its stop flag. 0 makes the socket
    /// non-blocking (busy polling: a poll returns at once when nothing is queued).
    std::uint32_t receive_timeout_ms = 100;
    /// SO_TIMESTAMPNS: take each datagram's wall-clock time from the kernel instead of one
    /// clock read per burst.
    bool kernel_timestamps = false;
};

/// recvmmsg bursts of one socket source.
struct recvmmsg_config {
    /// Datagrams one poll can return (one recvmmsg call), 1..1024 (UIO_MAXIOV).
    std::uint32_t burst = 64;
    /// Largest datagram kept whole, octets, 1..65535 (65527 is the largest UDP payload,
    /// PROTOCOL.md §1.3). A longer datagram is cut and flagged truncated (MSG_TRUNC).
    /// Memory = burst * max_datagram.
    std::uint32_t max_datagram = 65535;
    /// Receive into the RX thread's message buffers (`socket.receive_into_pool`): a whole
    /// message whose datagram fits the smallest buffer class goes on without a copy of its
    /// payload; the burst slots hold `burst` buffers of the pool between polls. The pipeline
    /// applies it to plain UDP RX threads (not the DTLS one, whose datagrams are ciphertext).
    bool receive_into_pool = true;
};

/// The socket RX loop (input/socket/rx_thread.hpp).
struct rx_loop_config {
    /// Reassembly expiry runs when at least this much monotonic time passed since the last
    /// run (clock-gated in the loop, STYLE.md §4 rule 9), nanoseconds.
    std::uint64_t tick_interval_ns = 100'000'000;
    /// CPU to pin the RX thread to; -1 leaves it unpinned.
    int cpu = -1;
    /// Thread name (at most 15 characters are kept, Linux limit), e.g. "udpn-rx0".
    std::string name = "udpn-rx";
    /// Longest receive nap after a short burst, nanoseconds (`socket.receive_nap_us`; 0 = no
    /// nap). See input/socket/receive_nap.hpp.
    std::uint64_t nap_max_ns = 0;
    /// Datagrams one poll can return (recvmmsg_config::burst; the pipeline copies it): a burst
    /// of half as many or more is not short.
    std::size_t nap_burst = 64;
    /// Most octets a nap may let queue (0: no limit); the pipeline sets a quarter of the
    /// socket's effective receive buffer.
    std::size_t nap_queue_budget = 0;
    /// Counted up at each nap as well as in rx_loop_stats (the owner publishes it while the
    /// loop runs); nullptr: not counted there. Written by the loop's thread only.
    std::uint64_t* nap_counter = nullptr;
};

} // namespace udpn::input
