/// \file
/// One RX lcore of udpnotif-recv-dpdk (the poll loop of DPDK's examples/l3fwd and
/// examples/ip_reassembly, in our words):
///
///     loop until stop (or, replaying, until no queue delivered a frame for idle_ns):
///       for each (port, queue) it owns: rte_eth_rx_burst -> packet_path (L2-L4, rte_ip_frag,
///         UDP-notif reassembly; frees the mbufs and its death row after the burst)
///         -> each whole message copied into a pipeline buffer -> rx_port::submit
///       every millisecond (TSC): expiry when idle, rx_port::housekeeping (returned buffers
///         back, counters published)
///     packet_path::finish (incomplete messages and IP datagrams counted), rx_port::close
///
/// Everything is built on the main lcore before rte_eal_remote_launch; the loop allocates
/// nothing, locks nothing (housekeeping's once-per-ms snapshot aside), logs nothing.
#pragma once

#include "dpdk-app/packet_path.hpp"
#include "pipeline/pipeline.hpp"

#include <atomic>
#include <cstdint>
#include <vector>

namespace udpn::dpdk {

/// One RX queue an lcore polls.
struct rx_queue_ref {
    std::uint16_t port = 0;
    std::uint16_t queue = 0;
};

/// How one RX lcore runs.
struct rx_lcore_config {
    std::vector<rx_queue_ref> queues; ///< what it polls; empty: it closes its port and returns
    std::uint16_t burst = 32;         ///< frames per rte_eth_rx_burst (<= max_burst)
    /// Replay: end once no queue has delivered a frame for idle_ns (from the last frame, or
    /// from the start when none came), and wait for a free buffer instead of dropping the
    /// message (a file can wait; a NIC cannot).
    bool replay = false;
    std::uint64_t idle_ns = 500'000'000;
    /// Replay: end after this many frames (0: no limit). With net_pcap's infinite_rx=1 the
    /// capture loops in memory, so a replay of N frames measures the pipeline without the
    /// PMD's file reads (bench/dpdk_replay.sh SOURCE=memory).
    std::uint64_t max_frames = 0;
    /// Offered load: take at most this many frames per second off the queues (0: as fast as
    /// they come). A paced replay behaves like a NIC at that rate: it does not wait for room
    /// in the pipeline, so what the pipeline cannot keep up with is dropped and counted
    /// (bench/dpdk_replay.sh OFFERED, loss against offered load).
    std::uint64_t pace_fps = 0;
};

/// Counters of the loop itself (the packet path keeps the others). Single writer: the lcore.
struct rx_loop_counters {
    std::uint64_t polls = 0;      ///< rte_eth_rx_burst calls
    std::uint64_t idle_polls = 0; ///< calls that returned nothing
    std::uint64_t full_polls = 0; ///< calls that filled the burst
    std::uint64_t frames = 0;     ///< frames received
    std::uint64_t bytes = 0;      ///< their octets (pkt_len)
    std::uint64_t whole = 0;      ///< messages that came in one datagram
    std::uint64_t reassembled = 0; ///< messages completed from segments
    std::uint64_t first_frame_ns = 0; ///< CLOCK_MONOTONIC of the first and the last frame
    std::uint64_t last_frame_ns = 0;
};

/// The state of one RX lcore. Thread: built and read (after rte_eal_wait_lcore) on the main
/// lcore; run() on its own lcore.
class rx_lcore {
  public:
    /// Largest burst.
    static constexpr std::uint16_t max_burst = 512;

    /// @param port  the pipeline's external input this lcore feeds (one per lcore)
    /// @param stop  set by the main lcore to end the loop
    /// @throws what packet_path throws
    rx_lcore(const rx_lcore_config& cfg, const packet_path_config& path_cfg,
             pipeline::pipeline::rx_port& port, const std::atomic<bool>& stop);
    rx_lcore(const rx_lcore&) = delete;
    rx_lcore& operator=(const rx_lcore&) = delete;

    /// For rte_eal_remote_launch(&rx_lcore::entry, this, lcore).
    static int entry(void* self) noexcept;
    /// The loop (see the file comment). @return 0.
    int run() noexcept;

    /// True once run() has returned (replay exhausted, or stopped). Thread: any.
    [[nodiscard]] bool finished() const noexcept { return _finished.load(std::memory_order_acquire); }
    [[nodiscard]] const packet_path& path() const noexcept { return _path; }
    [[nodiscard]] const rx_loop_counters& loop() const noexcept { return _loop; }

  private:
    void deliver(const message_view& v) noexcept;
    [[nodiscard]] pipeline::external_rx_counters counters() const noexcept;

    rx_lcore_config _cfg;
    packet_path _path;
    pipeline::pipeline::rx_port* _port;
    const std::atomic<bool>* _stop;
    rx_loop_counters _loop;
    std::uint64_t _arrival_ns = 0; ///< CLOCK_MONOTONIC when the burst being processed came in
    std::atomic<bool> _finished{false};
};

} // namespace udpn::dpdk
