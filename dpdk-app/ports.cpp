#include "dpdk-app/ports.hpp"

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace udpn::dpdk {

namespace {

[[noreturn]] void fail(std::uint16_t port, const char* what, int rc)
{
    throw std::runtime_error("port " + std::to_string(port) + ": " + what + ": " +
                             rte_strerror(rc < 0 ? -rc : rc));
}

/// Frame octets an MTU needs: Ethernet header, two VLAN tags, FCS.
constexpr std::uint32_t l2_overhead = RTE_ETHER_HDR_LEN + 2 * 4 + RTE_ETHER_CRC_LEN;

} // namespace

port_set::port_set(const port_options& opts)
{
    std::vector<std::uint16_t> ids = opts.ports;
    if (ids.empty()) {
        for (std::uint32_t p = 0; p < RTE_MAX_ETHPORTS; ++p) {
            if (rte_eth_dev_is_valid_port(static_cast<std::uint16_t>(p)) != 0) {
                ids.push_back(static_cast<std::uint16_t>(p));
            }
        }
    }
    if (ids.empty()) {
        throw std::runtime_error("no ethdev port: bind a NIC to vfio-pci (-a PCI-ADDRESS) or "
                                 "give a virtual device (--vdev=net_pcap0,rx_pcap=FILE)");
    }
    try {
        for (const std::uint16_t id : ids) {
            if (rte_eth_dev_is_valid_port(id) == 0) {
                throw std::runtime_error("port " + std::to_string(id) + " does not exist (" +
                                         std::to_string(rte_eth_dev_count_avail()) +
                                         " ports probed)");
            }
            rte_eth_dev_info info{};
            if (const int rc = rte_eth_dev_info_get(id, &info); rc != 0) {
                fail(id, "rte_eth_dev_info_get", rc);
            }
            port_info pi;
            pi.id = id;
            pi.driver = info.driver_name != nullptr ? info.driver_name : "";
            std::array<char, RTE_ETH_NAME_MAX_LEN> name{};
            if (rte_eth_dev_get_name_by_port(id, name.data()) == 0) {
                pi.name = name.data();
            }
            pi.socket = rte_eth_dev_socket_id(id); // SOCKET_ID_ANY (-1) for most vdevs
            std::uint32_t nq = std::min<std::uint32_t>(opts.n_queues, info.max_rx_queues);
            rte_eth_conf conf{};
            if (nq > 1) {
                // Segments and IP fragments of one exporter must meet on one queue (one
                // reassembly table): hash on the addresses only, never on the ports.
                const std::uint64_t hf = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
                if (hf != 0) {
                    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
                    conf.rx_adv_conf.rss_conf.rss_hf = hf;
                    pi.rss = true;
                } else {
                    std::fprintf(stderr,
                                 "udpnotif-recv-dpdk: port %u (%s) has no RSS on IP addresses: "
                                 "one RX queue, served by the first RX lcore\n",
                                 static_cast<unsigned>(id), pi.driver.c_str());
                    nq = 1;
                }
            }
            if (nq == 0) {
                fail(id, "device has no RX queue", EINVAL);
            }
            pi.n_queues = static_cast<std::uint16_t>(nq);
            if (opts.mtu != 0) {
                conf.rxmode.mtu = opts.mtu;
                if (opts.mtu + l2_overhead > RTE_MBUF_DEFAULT_DATAROOM &&
                    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0) {
                    conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER; // chained mbufs
                }
            }
            const std::uint16_t ntx = info.max_tx_queues > 0 ? 1 : 0; // never used
            if (const int rc = rte_eth_dev_configure(id, pi.n_queues, ntx, &conf); rc != 0) {
                fail(id, "rte_eth_dev_configure", rc);
            }
            std::uint16_t nrxd = opts.rx_desc;
            std::uint16_t ntxd = 64;
            if (const int rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &nrxd, &ntxd); rc != 0) {
                fail(id, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
            }
            rte_mempool* pool = pool_of(pi.socket);
            if (pool == nullptr) {
                const std::string pool_name =
                    "udpn_rx_s" + (pi.socket < 0 ? std::string("any") : std::to_string(pi.socket));
                pool = rte_pktmbuf_pool_create(pool_name.c_str(), opts.mbufs, opts.mbuf_cache, 0,
                                               RTE_MBUF_DEFAULT_BUF_SIZE, pi.socket);
                if (pool == nullptr) {
                    throw std::runtime_error("mempool " + pool_name + " (" +
                                             std::to_string(opts.mbufs) +
                                             " mbufs): " + rte_strerror(rte_errno) +
                                             " (lower --dpdk.mbufs or give EAL more memory)");
                }
                _pools.push_back({pi.socket, pool});
            }
            for (std::uint16_t q = 0; q < pi.n_queues; ++q) {
                const int rc = rte_eth_rx_queue_setup(id, q, nrxd, pi.socket, nullptr, pool);
                if (rc != 0) {
                    fail(id, "rte_eth_rx_queue_setup", rc);
                }
            }
            if (ntx > 0) {
                if (const int rc = rte_eth_tx_queue_setup(id, 0, ntxd, pi.socket, nullptr);
                    rc != 0) {
                    fail(id, "rte_eth_tx_queue_setup", rc);
                }
            }
            if (opts.promiscuous) {
                if (const int rc = rte_eth_promiscuous_enable(id); rc != 0) {
                    std::fprintf(stderr,
                                 "udpnotif-recv-dpdk: port %u: promiscuous mode not set: %s\n",
                                 static_cast<unsigned>(id), rte_strerror(-rc));
                }
            }
            if (const int rc = rte_eth_dev_start(id); rc != 0) {
                fail(id, "rte_eth_dev_start", rc);
            }
            _started.push_back(id);
            rte_eth_link link{};
            std::array<char, RTE_ETH_LINK_MAX_STR_LEN> text{};
            if (rte_eth_link_get_nowait(id, &link) == 0) {
                (void)rte_eth_link_to_str(text.data(), text.size(), &link);
            }
            std::fprintf(stderr,
                         "udpnotif-recv-dpdk: port %u %s (%s) socket %d: %u RX queue(s)%s, %u "
                         "descriptors, %s\n",
                         static_cast<unsigned>(id), pi.name.c_str(), pi.driver.c_str(), pi.socket,
                         static_cast<unsigned>(pi.n_queues), pi.rss ? " with RSS on IP" : "",
                         static_cast<unsigned>(nrxd), text[0] != 0 ? text.data() : "link unknown");
            _ports.push_back(pi);
        }
    } catch (...) {
        release();
        throw;
    }
}

port_set::~port_set()
{
    release();
}

void port_set::release() noexcept
{
    for (const std::uint16_t id : _started) {
        (void)rte_eth_dev_stop(id);
    }
    for (const port_info& p : _ports) {
        (void)rte_eth_dev_close(p.id);
    }
    _started.clear();
    _ports.clear();
    for (const pool_entry& e : _pools) {
        rte_mempool_free(e.pool);
    }
    _pools.clear();
}

bool port_set::all_pcap() const noexcept
{
    return std::all_of(_ports.begin(), _ports.end(),
                       [](const port_info& p) { return p.driver == "net_pcap"; });
}

port_counters port_set::counters(std::size_t i) const noexcept
{
    port_counters c;
    rte_eth_stats st{};
    if (i < _ports.size() && rte_eth_stats_get(_ports[i].id, &st) == 0) {
        c.ipackets = st.ipackets;
        c.ibytes = st.ibytes;
        c.imissed = st.imissed;
        c.ierrors = st.ierrors;
        c.rx_nombuf = st.rx_nombuf;
    }
    return c;
}

rte_mempool* port_set::pool_of(int socket) const noexcept
{
    for (const pool_entry& e : _pools) {
        if (e.socket == socket) {
            return e.pool;
        }
    }
    return nullptr;
}

} // namespace udpn::dpdk
