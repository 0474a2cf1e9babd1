#include "dpdk-app/recv_options.hpp"

#include <charconv>
#include <limits>
#include <string_view>

namespace udpn::dpdk {

namespace {

constexpr std::string_view prefix = "--dpdk.";

template <typename T>
bool parse_uint(std::string_view text, T lo, T hi, T& out)
{
    unsigned long long v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
        return false;
    }
    out = static_cast<T>(v);
    return true;
}

bool parse_ports(std::string_view text, std::vector<std::uint16_t>& out)
{
    out.clear();
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        std::uint16_t id = 0;
        if (!parse_uint<std::uint16_t>(item, 0, 65534, id)) {
            return false;
        }
        out.push_back(id);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return !out.empty();
}

} // namespace

recv_command_line split_command_line(int argc, const char* const* argv)
{
    recv_command_line cl;
    const std::string program = argc > 0 ? argv[0] : "udpnotif-recv-dpdk";
    cl.eal_args.push_back(program);
    cl.recv_args.push_back(program);
    int i = 1;
    for (; i < argc && std::string_view(argv[i]) != "--"; ++i) {
        cl.eal_args.emplace_back(argv[i]);
    }
    for (++i; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            cl.help = true;
        }
        if (a.compare(0, prefix.size(), prefix) != 0) {
            cl.recv_args.emplace_back(a);
            continue;
        }
        std::string_view name = a.substr(prefix.size());
        std::string_view value;
        bool has_value = false;
        if (const auto eq = name.find('='); eq != std::string_view::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            has_value = true;
        }
        const bool is_flag = name == "promiscuous" || name == "replay" || name == "hold";
        if (is_flag) {
            bool on = true;
            if (has_value && value != "true" && value != "1") {
                on = false;
                if (value != "false" && value != "0") {
                    cl.errors.push_back(std::string(a) + ": expected true or false");
                    continue;
                }
            }
            (name == "promiscuous" ? cl.dpdk.promiscuous
                                   : name == "replay" ? cl.dpdk.replay : cl.dpdk.hold) = on;
            continue;
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                cl.errors.push_back(std::string(a) + ": missing value");
                continue;
            }
            value = argv[++i];
        }
        bool ok = true;
        recv_dpdk_options& d = cl.dpdk;
        if (name == "ports") {
            ok = parse_ports(value, d.ports);
        } else if (name == "mbufs") {
            ok = parse_uint<std::uint32_t>(value, 1023, 1u << 26, d.mbufs);
        } else if (name == "mbuf-cache") {
            ok = parse_uint<std::uint32_t>(value, 0, 512, d.mbuf_cache);
        } else if (name == "rx-desc") {
            ok = parse_uint<std::uint16_t>(value, 32, 32768, d.rx_desc);
        } else if (name == "burst") {
            ok = parse_uint<std::uint16_t>(value, 1, 512, d.burst);
        } else if (name == "mtu") {
            ok = parse_uint<std::uint16_t>(value, 68, 65535, d.mtu);
        } else if (name == "idle-ms") {
            ok = parse_uint<std::uint32_t>(value, 1, 3'600'000, d.idle_ms);
        } else if (name == "frames") {
            ok = parse_uint<std::uint64_t>(value, 1, std::uint64_t{1} << 48, d.frames);
        } else if (name == "pace-fps") {
            ok = parse_uint<std::uint64_t>(value, 1, 1'000'000'000, d.pace_fps);
        } else {
            cl.errors.push_back(std::string(a) + ": unknown DPDK option (" +
                                "--help lists them)");
            continue;
        }
        if (!ok) {
            cl.errors.push_back("--dpdk." + std::string(name) + ": bad value \"" +
                                std::string(value) + "\"");
        }
    }
    return cl;
}

const char* recv_dpdk_usage() noexcept
{
    return "usage: udpnotif-recv-dpdk EAL-ARGS... -- [DPDK OPTIONS] [udpnotif-recv OPTIONS]\n"
           "\n"
           "EAL arguments come first (e.g. -l 0-3 -a 0000:3b:00.0, or --vdev=net_pcap0,"
           "rx_pcap=FILE).\n"
           "Every EAL worker lcore is an RX lcore and owns RX queue i of every port.\n"
           "\n"
           "DPDK options (after --):\n"
           "  --dpdk.ports LIST     ethdev port ids, comma-separated (default: every port)\n"
           "  --dpdk.mbufs N        mbufs per per-socket mempool (default 16383)\n"
           "  --dpdk.mbuf-cache N   per-lcore mempool cache (default 256)\n"
           "  --dpdk.rx-desc N      RX descriptors per queue (default 1024)\n"
           "  --dpdk.burst N        frames per rte_eth_rx_burst, 1..512 (default 32)\n"
           "  --dpdk.promiscuous    promiscuous mode on every port\n"
           "  --dpdk.mtu N          set the ports' MTU (default: keep)\n"
           "  --dpdk.replay         end when the input is exhausted (default for net_pcap\n"
           "                        ports without infinite_rx=1)\n"
           "  --dpdk.idle-ms N      replay ends after N ms without a frame (default 500)\n"
           "  --dpdk.frames N       replay ends after N frames per RX lcore; with\n"
           "                        infinite_rx=1 the capture loops from memory\n"
           "  --dpdk.pace-fps N     RX lcores take at most N frames/s each; a paced replay\n"
           "                        drops (and counts) what the pipeline cannot take\n"
           "  --dpdk.hold           after a replay, keep the process (and an embedded Kafka\n"
           "                        cluster) until SIGINT/SIGTERM\n"
           "\n"
           "udpnotif-recv options (listen port = UDP destination port filter, 0 = any; the\n"
           "listen address, input.rx_threads, input.cpus and socket.* are not used):\n";
}

bool has_infinite_rx(const std::vector<std::string>& eal_args)
{
    for (const std::string& a : eal_args) {
        if (a.find("infinite_rx=1") != std::string::npos) {
            return true;
        }
    }
    return false;
}

} // namespace udpn::dpdk
