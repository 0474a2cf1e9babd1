/// \file
/// The ethdev ports of udpnotif-recv-dpdk: one mbuf mempool per NUMA socket the ports sit on,
/// each port configured with one RX queue per RX lcore (fewer when the device has fewer),
/// RSS on the IP addresses only (RTE_ETH_RSS_IP: all segments and fragments of one exporter
/// reach one queue, DESIGN.md §2) when it has more than one queue, then started. Stopped and
/// closed by the destructor. Needs a running EAL; start-up only, never on the hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct rte_mempool;

namespace udpn::dpdk {

/// What ports need to know.
struct port_options {
    std::vector<std::uint16_t> ports; ///< empty: every probed port
    std::uint32_t n_queues = 1;       ///< RX queues wanted per port (= RX lcores)
    std::uint32_t mbufs = 16383;
    std::uint32_t mbuf_cache = 256;
    std::uint16_t rx_desc = 1024;
    bool promiscuous = false;
    std::uint16_t mtu = 0;
};

/// One started port.
struct port_info {
    std::uint16_t id = 0;
    std::uint16_t n_queues = 1; ///< RX queues configured (queue q is served by RX lcore q)
    int socket = 0;             ///< NUMA socket of the device (its mempool's)
    bool rss = false;           ///< RSS on IP addresses is on
    std::string driver;         ///< e.g. net_pcap, net_ice
    std::string name;           ///< ethdev name
};

/// rte_eth_stats of one port, the counters the final report shows.
struct port_counters {
    std::uint64_t ipackets = 0;  ///< frames received
    std::uint64_t ibytes = 0;    ///< their octets
    std::uint64_t imissed = 0;   ///< dropped by the device: RX queue full (we were too slow)
    std::uint64_t ierrors = 0;   ///< erroneous frames (bad CRC, ...; pcap: read errors)
    std::uint64_t rx_nombuf = 0; ///< dropped: no mbuf free in the mempool
};

/// The ports and their mempools.
class port_set {
  public:
    /// Creates the mempools, configures and starts every port, prints its link status on
    /// stderr. @throws std::runtime_error naming the port and the DPDK error.
    explicit port_set(const port_options& opts);
    ~port_set();
    port_set(const port_set&) = delete;
    port_set& operator=(const port_set&) = delete;

    [[nodiscard]] const std::vector<port_info>& ports() const noexcept { return _ports; }
    /// True when every port is a net_pcap port (a capture file or an interface read by libpcap).
    [[nodiscard]] bool all_pcap() const noexcept;
    /// rte_eth_stats_get of port index \p i (zeros when it fails).
    [[nodiscard]] port_counters counters(std::size_t i) const noexcept;
    /// Mempool of NUMA socket \p socket (the one its ports use).
    [[nodiscard]] rte_mempool* pool_of(int socket) const noexcept;

  private:
    void release() noexcept; // stop and close the ports, free the mempools

    struct pool_entry {
        int socket;
        rte_mempool* pool;
    };
    std::vector<pool_entry> _pools;
    std::vector<port_info> _ports;
    std::vector<std::uint16_t> _started;
};

} // namespace udpn::dpdk
