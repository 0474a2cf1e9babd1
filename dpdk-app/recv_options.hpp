/// \file
/// Command line of udpnotif-recv-dpdk (docs/deploy-dpdk.md):
///
///     udpnotif-recv-dpdk EAL-ARGS... -- [--dpdk.* OPTIONS] [udpnotif-recv OPTIONS]
///
/// Everything before the first `--` goes to rte_eal_init unchanged. After it, the few
/// DPDK-only settings below are taken out; what is left is udpnotif-recv's own command line
/// (src/config: the option table, --config FILE, --set, --print-config, ...), parsed by the
/// same parse_command_line. Parsed once, before EAL starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace udpn::dpdk {

/// The DPDK-only settings (each `--dpdk.NAME VALUE` or `--dpdk.NAME=VALUE`).
struct recv_dpdk_options {
    /// --dpdk.ports 0,1: ethdev port ids to receive on; empty = every probed port.
    std::vector<std::uint16_t> ports;
    /// --dpdk.mbufs: mbufs of each per-socket mempool (rte_pktmbuf_pool_create n).
    std::uint32_t mbufs = 16383;
    /// --dpdk.mbuf-cache: per-lcore cache of those mempools.
    std::uint32_t mbuf_cache = 256;
    /// --dpdk.rx-desc: RX descriptors per queue (adjusted to the device's limits).
    std::uint16_t rx_desc = 1024;
    /// --dpdk.burst: frames per rte_eth_rx_burst, 1..512.
    std::uint16_t burst = 32;
    /// --dpdk.promiscuous: put the ports in promiscuous mode.
    bool promiscuous = false;
    /// --dpdk.mtu: set this MTU on every port; 0 keeps the device's.
    std::uint16_t mtu = 0;
    /// --dpdk.replay: end the run when the input is exhausted (see idle_ms). Also on, without
    /// the option, when every port is a net_pcap port and no EAL argument has infinite_rx=1.
    bool replay = false;
    /// --dpdk.idle-ms: replay ends once no RX queue has delivered a frame for this long.
    std::uint32_t idle_ms = 500;
    /// --dpdk.frames: a replay that ends after N frames per RX lcore (0: no limit). Makes the
    /// run a replay even with infinite_rx=1, which then loops the capture from memory.
    std::uint64_t frames = 0;
    /// --dpdk.pace-fps: RX lcores take at most N frames per second each (0: no limit); a paced
    /// replay drops what the pipeline cannot take, as a NIC would, and counts it.
    std::uint64_t pace_fps = 0;
    /// --dpdk.hold: after a replay has ended and the pipeline stopped, keep the process (and the
    /// embedded Kafka cluster) until SIGINT or SIGTERM, so that the topics can be read back.
    bool hold = false;
};

/// What split_command_line() found.
struct recv_command_line {
    std::vector<std::string> eal_args;  ///< argv[0] and everything before `--`
    std::vector<std::string> recv_args; ///< argv[0] and udpnotif-recv's options after `--`
    recv_dpdk_options dpdk;
    std::vector<std::string> errors; ///< bad --dpdk.* values; empty when fine
    bool help = false;               ///< --help after `--` (help of both parts)
};

/// Splits \p argv at the first `--` and takes the --dpdk.* options out of the second part.
/// Without `--`, every argument is EAL's. Thread: start-up.
[[nodiscard]] recv_command_line split_command_line(int argc, const char* const* argv);

/// Help text of the --dpdk.* options.
[[nodiscard]] const char* recv_dpdk_usage() noexcept;

/// True when some EAL argument carries `infinite_rx=1` (a net_pcap port that never ends).
[[nodiscard]] bool has_infinite_rx(const std::vector<std::string>& eal_args);

} // namespace udpn::dpdk
