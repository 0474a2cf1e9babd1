/// \file
/// udpnotif-send: sends a capture's UDP payloads, or synthetic YANG-Push traffic, to a
/// UDP-notif collector over UDP sockets (sendmmsg, optionally paced). Loopback destinations
/// only, unless --allow-remote.
/// Exit status: 0 all sent, 1 send errors or unreadable input, 2 bad command line or a refused
/// destination.

#include "pcapgen/traffic.hpp"
#include "pcapgen/traffic_cli.hpp"
#include "send/pcap_datagrams.hpp"
#include "send/sender.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_signal(int /*sig*/)
{
    g_stop = 1;
}

struct endpoint_less {
    bool operator()(const udpn::net::endpoint& a, const udpn::net::endpoint& b) const
    {
        return std::tie(a.addr.fam, a.addr.bytes, a.port) <
               std::tie(b.addr.fam, b.addr.bytes, b.port);
    }
};

} // namespace

int main(int argc, char** argv)
{
    using namespace udpn;
    CLI::App app{"udpnotif-send: send a pcap's UDP payloads or synthetic YANG-Push traffic over "
                 "UDP (sendmmsg)"};
    std::string destination;
    std::string pcap_path;
    int pcap_port = -1;
    bool allow_remote = false;
    bool dry_run = false;
    send::send_config cfg;
    pcapgen::traffic_options topts;

    app.add_option("destination", destination, "HOST:PORT or [ADDR]:PORT of the collector")
        ->required();
    app.add_option("--pcap", pcap_path,
                   "Send the UDP payloads of this capture (IP fragments reassembled) instead of "
                   "generated traffic");
    app.add_option("--pcap-port", pcap_port, "With --pcap: only datagrams to this UDP port");
    app.add_option("--rate", cfg.rate,
                   "Datagrams per second (each a UDP-notif message or "
                   "segment); 0 = as fast as possible")
        ->capture_default_str();
    app.add_option("--batch", cfg.batch, "Most datagrams per sendmmsg call")->capture_default_str();
    app.add_option("--loop", cfg.loops, "Send the whole input this many times")
        ->capture_default_str();
    app.add_option("--duration", cfg.max_seconds, "Stop after this many seconds (0: no limit)")
        ->capture_default_str();
    cfg.n_sources = 0;
    app.add_option("--sources", cfg.n_sources,
                   "Source sockets, each bound to its own port (default 0: one per exporter, so "
                   "exporters stay apart at the collector; fewer merges exporters whose "
                   "publisher and message ids then collide)")
        ->capture_default_str();
    app.add_option("--source-port", cfg.source_port,
                   "Bind source k to port BASE+k (0: kernel-chosen ports)")
        ->capture_default_str();
    app.add_flag("--distinct-source-ips", cfg.distinct_source_ips,
                 "IPv4 loopback: bind source k to 127.0.0.(k+1)");
    app.add_option("--sndbuf", cfg.sndbuf, "SO_SNDBUF in octets (0: system default)");
    app.add_flag("--allow-remote", allow_remote,
                 "Allow a destination that is not a loopback address");
    app.add_flag("--dry-run", dry_run, "Read or generate the input and report it; send nothing");
    auto* gen = app.add_option_group("generated traffic",
                                     "Without --pcap: the udpnotif-pcapgen traffic model");
    pcapgen::add_traffic_options(*gen, topts, false);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2; // --help is 0; any bad command line is 2
    }

    try {
        cfg.dst = send::resolve_destination(destination);
        if (!send::is_loopback(cfg.dst.addr) && !allow_remote) {
            std::fprintf(stderr,
                         "udpnotif-send: refusing to send to %s: not a loopback address (pass "
                         "--allow-remote to send to another host)\n",
                         cfg.dst.to_string().c_str());
            return 2;
        }
        if (cfg.distinct_source_ips && !(cfg.dst.addr.is_v4() && send::is_loopback(cfg.dst.addr))) {
            std::fprintf(stderr, "udpnotif-send: --distinct-source-ips needs an IPv4 loopback "
                                 "destination\n");
            return 2;
        }

        // Keep the datagrams alive while items point into them.
        std::vector<send::udp_datagram> from_pcap;
        pcapgen::traffic generated;
        std::vector<send::send_item> items;
        if (!pcap_path.empty()) {
            send::pcap_read_options ropts;
            if (pcap_port >= 0) {
                ropts.port = static_cast<std::uint16_t>(pcap_port);
            }
            send::pcap_read_stats rs;
            from_pcap = send::read_pcap_datagrams(pcap_path, ropts, rs);
            std::printf("udpnotif-send: input %s: frames=%llu datagrams=%llu fragments=%llu "
                        "reassembled=%llu fragments_incomplete=%llu not_ip=%llu not_udp=%llu "
                        "other_port=%llu truncated=%llu\n",
                        pcap_path.c_str(), static_cast<unsigned long long>(rs.frames),
                        static_cast<unsigned long long>(rs.datagrams),
                        static_cast<unsigned long long>(rs.fragments),
                        static_cast<unsigned long long>(rs.reassembled),
                        static_cast<unsigned long long>(rs.fragments_incomplete),
                        static_cast<unsigned long long>(rs.not_ip),
                        static_cast<unsigned long long>(rs.not_udp),
                        static_cast<unsigned long long>(rs.other_port),
                        static_cast<unsigned long long>(rs.truncated));
            // Each exporter (source address and port in the capture) keeps one source socket,
            // so its segments still share a 4-tuple at the collector.
            std::map<net::endpoint, std::uint32_t, endpoint_less> exporters;
            for (const auto& d : from_pcap) {
                exporters.emplace(d.src, static_cast<std::uint32_t>(exporters.size()));
            }
            if (cfg.n_sources == 0) {
                cfg.n_sources = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(exporters.size()));
            }
            for (const auto& d : from_pcap) {
                items.push_back({exporters.at(d.src) % cfg.n_sources, d.payload});
            }
        } else {
            generated = pcapgen::generate_traffic(pcapgen::to_config(topts));
            std::printf(
                "udpnotif-send: input generated: exporters=%zu messages=%llu "
                "datagrams=%zu lost=%llu duplicated=%llu reordered=%llu\n",
                generated.exporters.size(), static_cast<unsigned long long>(generated.n_messages),
                generated.datagrams.size(), static_cast<unsigned long long>(generated.n_lost),
                static_cast<unsigned long long>(generated.n_duplicated),
                static_cast<unsigned long long>(generated.n_reordered));
            if (cfg.n_sources == 0) {
                cfg.n_sources =
                    std::max<std::uint32_t>(1, static_cast<std::uint32_t>(generated.exporters.size()));
            }
            for (const auto& d : generated.datagrams) {
                items.push_back({d.exporter % cfg.n_sources, d.payload});
            }
        }
        if (dry_run) {
            std::printf("udpnotif-send: dry run: would send %zu datagrams x %llu to %s\n",
                        items.size(), static_cast<unsigned long long>(cfg.loops),
                        cfg.dst.to_string().c_str());
            return 0;
        }

        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        const send::send_stats st = send::send_all(cfg, items, g_stop);
        const double secs = static_cast<double>(st.duration_ns) / 1e9;
        const double rate = secs > 0 ? static_cast<double>(st.datagrams) / secs : 0.0;
        const double mbps = secs > 0 ? static_cast<double>(st.bytes) * 8 / secs / 1e6 : 0.0;
        std::printf("udpnotif-send: sent datagrams=%llu bytes=%llu duration=%.3fs "
                    "rate=%.0f datagrams/s (%.1f Mbit/s) calls=%llu errors=%llu to %s from %u "
                    "source(s)%s%s\n",
                    static_cast<unsigned long long>(st.datagrams),
                    static_cast<unsigned long long>(st.bytes), secs, rate, mbps,
                    static_cast<unsigned long long>(st.calls),
                    static_cast<unsigned long long>(st.errors), cfg.dst.to_string().c_str(),
                    cfg.n_sources,
                    st.first_error.empty() ? "" : "; first error: ", st.first_error.c_str());
        return st.errors == 0 ? 0 : 1;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "udpnotif-send: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udpnotif-send: %s\n", e.what());
        return 1;
    }
}
