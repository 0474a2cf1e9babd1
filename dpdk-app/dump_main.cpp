// udpnotif-dump: prints the UDP-notif messages of a capture, read through DPDK's pcap PMD
// (docs/udpnotif-dump.md is the output contract).
//
// Flow: command line -> libpcap pre-check of the file -> EAL (no hugepages, no PCI, one lcore,
// --vdev=net_pcap0,rx_pcap=FILE) -> one Rx queue -> packet_path bursts until end of file ->
// expire what is left -> summary line.
// --envelopes: every whole message also goes through a worker::stage (decode, subscription
// table, topic + key, envelope); its records are printed instead of the message lines, and its
// counters join the summary line. The stage (and its YANG schema) is built before EAL starts.
#include "dpdk-app/dump_format.hpp"
#include "dpdk-app/dump_options.hpp"
#include "dpdk-app/eal.hpp"
#include "dpdk-app/packet_path.hpp"
#include "worker/stage.hpp"

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <pcap/pcap.h>

#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

using namespace udpn;
using namespace udpn::dpdk;

constexpr const char* program = "udpnotif-dump";
constexpr const char* vdev_name = "net_pcap0";

/// Frames per rte_eth_rx_burst.
constexpr std::uint16_t burst_size = 32;
/// Consecutive empty bursts that mean end of file. The pcap PMD (without infinite_rx) returns
/// 0 frames only once pcap_next_ex() has hit the end of the file (or an error, counted in
/// ierrors), or when the mempool is empty (rx_nombuf: the frame is lost). The loop keeps the
/// pool from running dry, so one empty burst already means EOF; a few more cost nothing.
constexpr unsigned eof_empty_bursts = 4;
/// Mbufs: RTE_MBUF_DEFAULT_BUF_SIZE (2 KiB of data each; the PMD chains more for jumbo
/// frames). Sized for what can be held at once: the IP fragment table (1024 datagrams x 8
/// fragments), one burst of chained 64 KiB frames (32 x 33), the death row, the cache.
constexpr unsigned n_mbufs = 16383;
constexpr unsigned mbuf_cache = 256;
/// Below this many free mbufs before a burst, pending IP fragments are released (counted as
/// fragment errors) so that the PMD never loses a frame to an empty pool.
constexpr unsigned pool_reserve = burst_size * 33 + 2 * 9 * 32;

/// Thrown for errors that map to exit status 1.
struct fatal_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Checks the capture with libpcap before EAL starts, for a clear error (the PMD would only
/// log one and create no port).
void check_capture(const std::string& path)
{
    if (path.find(',') != std::string::npos) {
        throw fatal_error("cannot read '" + path +
                          "': the pcap PMD takes the file name in its device arguments, where "
                          "',' separates arguments; rename the file");
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        throw fatal_error("cannot open '" + path + "': " + errbuf);
    }
    const int link = pcap_datalink(p);
    pcap_close(p);
    if (link != DLT_EN10MB) {
        throw fatal_error("cannot read '" + path + "': link type " + std::to_string(link) +
                          " is not Ethernet (DLT_EN10MB), the only one this tool parses");
    }
}

struct mempool_deleter {
    void operator()(rte_mempool* mp) const noexcept { rte_mempool_free(mp); }
};
using mempool_ptr = std::unique_ptr<rte_mempool, mempool_deleter>;

/// The worker configuration --envelopes runs with: the command line's profile (keys, topics
/// and envelope together), distribution, prefix, key knob and YANG directories.
worker::worker_config envelope_config(const dump_options& opts)
{
    worker::worker_config c;
    c.key.standards_profile = opts.profile;
    c.key.distribution = opts.distribution;
    c.key.topic_prefix = opts.topic_prefix;
    c.key.key_enabled = !opts.no_key;
    c.envelope.profile =
        opts.profile == key::profile::seed ? envelope::profile::seed : envelope::profile::latest;
    c.schema.search_dirs = opts.yang_dirs;
    c.max_payload_bytes = opts.reassembly.max_message_bytes;
    return c;
}

/// Prints each record of the stage as one line (docs: --envelopes).
class printing_sink final : public worker::record_sink {
  public:
    explicit printing_sink(output_writer& out) : _out(out) { _line.reserve(std::size_t{1} << 16); }
    void on_record(const worker::record& r) noexcept override
    {
        format_record_line(r, _line);
        _out.write(_line);
    }

  private:
    output_writer& _out;
    std::string _line;
};

/// Runs \p msg through \p stage. The payload is copied into a padded buffer first: the packet
/// path gives no padding guarantee and the JSON decoder reads up to 64 octets past the end.
void run_worker(worker::stage& stage, printing_sink& sink, std::string& padded,
                const message_view& msg) noexcept
{
    padded.assign(reinterpret_cast<const char*>(msg.payload.data()), msg.payload.size());
    padded.append(yangpush::required_padding, '\0');
    worker::message m;
    m.payload = std::string_view(padded.data(), msg.payload.size());
    m.exporter = msg.src;
    m.collector = msg.dst;
    m.publisher_id = msg.publisher_id;
    m.message_id = msg.message_id;
    m.media_type = msg.media_type;
    m.s_flag = msg.s_flag;
    // §11.24: the packet time of the datagram that completed the message (capture time).
    m.collection_time_ns = static_cast<std::int64_t>(msg.rx_ns);
    (void)stage.process(m, sink);
}

/// The pcap port, configured, started; stopped and closed on scope exit.
class pcap_port {
  public:
    pcap_port(std::uint16_t port_id, rte_mempool* pool) : _port(port_id)
    {
        rte_eth_conf conf{};
        // The 22.11 pcap PMD advertises no Rx offload; it stamps the capture time into the
        // mbuf timestamp dynfield regardless (RTE_ETH_RX_OFFLOAD_TIMESTAMP would be refused).
        int rc = rte_eth_dev_configure(_port, 1, 1, &conf);
        if (rc == 0) {
            rc = rte_eth_rx_queue_setup(_port, 0, 512, rte_eth_dev_socket_id(_port), nullptr, pool);
        }
        if (rc == 0) {
            rc = rte_eth_tx_queue_setup(_port, 0, 512, rte_eth_dev_socket_id(_port), nullptr);
        }
        if (rc == 0) {
            rc = rte_eth_dev_start(_port);
        }
        if (rc != 0) {
            rte_eth_dev_close(_port);
            throw fatal_error(std::string("cannot start the pcap port: ") + rte_strerror(-rc));
        }
    }
    ~pcap_port()
    {
        rte_eth_dev_stop(_port);
        rte_eth_dev_close(_port);
    }
    pcap_port(const pcap_port&) = delete;
    pcap_port& operator=(const pcap_port&) = delete;

    [[nodiscard]] std::uint16_t id() const noexcept { return _port; }

  private:
    std::uint16_t _port;
};

int run(const dump_options& opts, worker::stage* stage)
{
    std::uint16_t port_id = 0;
    if (rte_eth_dev_get_port_by_name(vdev_name, &port_id) != 0) {
        throw fatal_error("cannot open '" + opts.pcap_path +
                          "': the pcap PMD created no port (see the EAL messages above)");
    }
    mempool_ptr pool(rte_pktmbuf_pool_create("udpn_dump_pool", n_mbufs, mbuf_cache, 0,
                                             RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id()));
    if (!pool) {
        throw fatal_error(std::string("cannot create the mbuf pool: ") + rte_strerror(rte_errno));
    }
    pcap_port port(port_id, pool.get());

    packet_path_config cfg;
    cfg.reassembly = opts.reassembly;
    cfg.udp_port = opts.port;
    cfg.ip_frag_timeout_ns = opts.reassembly.timeout_ns;
    cfg.clock = clock_source::rx_timestamp_us;
    cfg.gap_max_streams = 65536;
    cfg.socket_id = static_cast<int>(rte_socket_id());
    packet_path path(cfg);
    if (!path.has_rx_timestamps()) {
        std::fprintf(stderr,
                     "%s: warning: the PMD gives no capture timestamps; the reassembly clock "
                     "is the frame count (1 ns per frame), so nothing times out before the "
                     "end of the file\n",
                     program);
    }

    sha256 hasher;
    output_writer out(stdout);
    printing_sink record_printer(out);
    std::string padded;
    auto print_message = [&](const message_view& msg) noexcept {
        if (stage != nullptr) {
            run_worker(*stage, record_printer, padded, msg);
            return;
        }
        char line[message_line_max];
        const std::size_t n = format_message_line(msg, hasher.hash(msg.payload), line);
        out.write(std::string_view(line, n));
    };

    rte_mbuf* pkts[burst_size];
    unsigned empty = 0;
    bool warned_pool = false;
    while (empty < eof_empty_bursts && !out.failed()) {
        if (rte_mempool_avail_count(pool.get()) < pool_reserve) {
            path.release_ip_fragments();
            if (!warned_pool) {
                std::fprintf(stderr,
                             "%s: warning: mbuf pool nearly empty; pending IP fragments were "
                             "dropped (counted in ip.fragment_errors)\n",
                             program);
                warned_pool = true;
            }
        }
        const std::uint16_t n = rte_eth_rx_burst(port.id(), 0, pkts, burst_size);
        if (n == 0) {
            ++empty;
            continue;
        }
        empty = 0;
        // Fallback clock when the PMD gives no timestamps: the frame count.
        path.process_burst(pkts, n, path.stats().packets + n, print_message);
    }
    if (out.failed()) {
        std::fprintf(stderr, "%s: error writing to standard output: %s\n", program,
                     std::strerror(errno));
        return 1;
    }
    path.finish();

    rte_eth_stats st{};
    if (rte_eth_stats_get(port.id(), &st) == 0) {
        if (st.ierrors != 0 || st.rx_nombuf != 0) {
            std::fprintf(stderr,
                         "%s: warning: the pcap PMD could not deliver %" PRIu64
                         " frame(s) (read errors %" PRIu64 ", no mbuf %" PRIu64
                         "): the capture may be truncated\n",
                         program, st.ierrors + st.rx_nombuf, st.ierrors, st.rx_nombuf);
        }
        if (st.ipackets != path.stats().packets) {
            std::fprintf(stderr,
                         "%s: warning: the PMD counted %" PRIu64 " frames, %" PRIu64
                         " were processed\n",
                         program, st.ipackets, path.stats().packets);
        }
    }

    out.write(format_summary_line(
        path.stats(), path.parse_stats(), path.reassembly_stats(), path.gap_stats(),
        stage != nullptr ? format_worker_stats(stage->stats(), stage->table().size())
                         : std::string()));
    if (!out.flush()) {
        std::fprintf(stderr, "%s: error writing to standard output: %s\n", program,
                     std::strerror(errno));
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // A reader that goes away (`| head`) is a write error to report, not a signal to die
    // from: EAL is then still cleaned up.
    std::signal(SIGPIPE, SIG_IGN);
    dump_options opts;
    const std::string usage_error = parse_dump_options(argc, argv, opts);
    if (!usage_error.empty()) {
        std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program, usage_error.c_str(), program);
        return 2;
    }
    if (opts.help) {
        std::fputs(dump_usage(), stdout);
        return 0;
    }
    try {
        check_capture(opts.pcap_path);
        std::unique_ptr<worker::stage> stage;
        if (opts.envelopes) {
            stage = std::make_unique<worker::stage>(envelope_config(opts));
        }

        eal_options eal;
        eal.program = program;
        eal.memory_mb = 256;
        eal.file_prefix = program;
        eal.vdevs = {std::string(vdev_name) + ",rx_pcap=" + opts.pcap_path};
        eal.extra = opts.extra_eal;
        const eal_session session(no_huge_eal_args(eal));
        return run(opts, stage.get());
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        return 1;
    }
}
