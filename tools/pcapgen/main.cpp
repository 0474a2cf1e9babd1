/// \file
/// udpnotif-pcapgen: writes a deterministic classic pcap of synthetic YANG-Push traffic over
/// UDP-notif (see pcap/README.md for the cases made with it).
/// Exit status: 0 written, 1 the file cannot be written, 2 bad command line or options that
/// cannot work together.

#include "pcapgen/frame_builder.hpp"
#include "pcapgen/pcap_writer.hpp"
#include "pcapgen/traffic.hpp"
#include "pcapgen/traffic_cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>

int main(int argc, char** argv)
{
    using namespace udpn::pcapgen;
    CLI::App app{"udpnotif-pcapgen: write a deterministic pcap of YANG-Push over UDP-notif"};
    traffic_options opts;
    std::string out_path;
    add_traffic_options(app, opts, true);
    app.add_option("--out,-o", out_path, "Capture file to write")->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2; // --help is 0; any bad command line is 2
    }
    try {
        const traffic_config cfg = to_config(opts);
        const traffic tr = generate_traffic(cfg);
        pcap_writer writer(out_path);
        const mac_address collector_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};
        std::uint64_t k = 0;
        for (const datagram& d : tr.datagrams) {
            const exporter& exp = tr.exporters[d.exporter];
            link_params link;
            link.src_mac = exp.mac;
            link.dst_mac = collector_mac;
            link.vlan = cfg.vlan;
            for (const auto& frame : build_udp_frames(link, exp.src, exp.dst, d.payload, d.ip_id,
                                                      cfg.mtu, cfg.ip_fragment)) {
                writer.write(frame, frame_time_ns(cfg, k++));
            }
        }
        writer.close();
        // DPDK's rte_ip_frag keeps at most RTE_LIBRTE_IP_FRAG_MAX_FRAG (8 in Debian's 22.11)
        // fragments per datagram: larger ones are dropped by the DPDK packet path.
        constexpr std::uint32_t dpdk_max_fragments = 8;
        std::size_t n_over = 0;
        for (const datagram& d : tr.datagrams) {
            n_over += d.n_frames > dpdk_max_fragments ? 1u : 0u;
        }
        if (n_over != 0) {
            std::fprintf(stderr,
                         "udpnotif-pcapgen: note: %zu datagram(s) take more than %u IP fragments; "
                         "DPDK's rte_ip_frag (udpnotif-dump) drops those\n",
                         n_over, dpdk_max_fragments);
        }
        std::fprintf(stderr,
                     "udpnotif-pcapgen: %s: messages=%llu datagrams=%zu frames=%llu bytes=%llu "
                     "lost=%llu duplicated=%llu reordered=%llu\n",
                     out_path.c_str(), static_cast<unsigned long long>(tr.n_messages),
                     tr.datagrams.size(), static_cast<unsigned long long>(writer.n_frames()),
                     static_cast<unsigned long long>(writer.n_bytes()),
                     static_cast<unsigned long long>(tr.n_lost),
                     static_cast<unsigned long long>(tr.n_duplicated),
                     static_cast<unsigned long long>(tr.n_reordered));
        return 0;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "udpnotif-pcapgen: %s\n", e.what()); // options that cannot work
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udpnotif-pcapgen: %s\n", e.what());
        return 1;
    }
}
