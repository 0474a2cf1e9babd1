#include "pcapgen/traffic_cli.hpp"

#include "pcapgen/time_text.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <stdexcept>

namespace udpn::pcapgen {
namespace {

bool parse_size(const std::string& text, std::size_t& out)
{
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end;
}

} // namespace

void add_traffic_options(CLI::App& app, traffic_options& opts, bool for_capture)
{
    app.add_option("--seed", opts.seed, "Seed of every random choice (same seed, same output)")
        ->capture_default_str();
    app.add_option("--exporters", opts.n_exporters, "Exporters (distinct source addresses), 1..250")
        ->capture_default_str();
    app.add_option("--publishers-per-exporter", opts.publishers_per_exporter,
                   "Publisher ids per exporter (1..N, sharing the exporter's source port)")
        ->capture_default_str();
    app.add_option("--messages", opts.messages,
                   "Messages per publisher: one subscription-started, then push-updates")
        ->capture_default_str();
    app.add_option("--size", opts.size,
                   "push-update payload target in octets, BYTES or MIN,MAX (default: by "
                   "--interfaces)");
    app.add_option("--interfaces", opts.n_interfaces,
                   "Interfaces per push-update when --size is not given")
        ->capture_default_str();
    app.add_option("--mtu", opts.mtu,
                   "IP MTU; UDP-notif max-segment-size = MTU - IP header - UDP header")
        ->capture_default_str();
    auto* v6 = app.add_flag("--ipv6", opts.ipv6, "Exporters on IPv6");
    app.add_flag("--mix-ip", opts.mix_ip, "Even exporters on IPv4, odd ones on IPv6")->excludes(v6);
    app.add_flag("--legacy-wrapper", opts.legacy_wrapper,
                 "Wrap notifications in ietf-notification:notification instead of the "
                 "ietf-yp-notification envelope");
    app.add_option("--loss", opts.loss, "Probability a datagram (segment) is lost")
        ->capture_default_str();
    app.add_option("--duplicate", opts.duplicate, "Probability a datagram is sent twice")
        ->capture_default_str();
    app.add_option("--reorder", opts.reorder, "Probability a datagram is delayed 1..window places")
        ->capture_default_str();
    app.add_option("--reorder-window", opts.reorder_window,
                   "Most places a delayed or duplicated datagram moves")
        ->capture_default_str();
    if (for_capture) {
        app.add_option("--dst", opts.dst,
                       "Collector ADDR:PORT or [ADDR]:PORT, once per family (default "
                       "192.0.2.100:10001 and [2001:db8::100]:10001)");
        app.add_flag("--ip-fragment", opts.ip_fragment,
                     "Send each message whole and IP-fragment it at the MTU (IPv4 fragments, "
                     "IPv6 Fragment header) instead of UDP-notif segmentation");
        app.add_option("--vlan", opts.vlan, "Tag frames with this 802.1Q VLAN ID (0..4095)");
        app.add_option("--start-time", opts.start_time,
                       "Time of the first frame, RFC 3339 or seconds since the epoch")
            ->capture_default_str();
        app.add_option("--pps", opts.pps, "Frames per second (spacing of capture timestamps)")
            ->capture_default_str();
    }
}

net::endpoint parse_endpoint(const std::string& text)
{
    net::endpoint ep;
    std::string host;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return {};
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            return {};
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    std::size_t port_value = 0;
    if (!parse_size(port, port_value) || port_value == 0 || port_value > 65535) {
        return {};
    }
    ep.addr = net::ip_address::parse(host.c_str());
    if (text.front() == '[' && !ep.addr.is_v6()) {
        return {};
    }
    ep.port = static_cast<std::uint16_t>(port_value);
    return ep;
}

traffic_config to_config(const traffic_options& opts)
{
    traffic_config cfg;
    cfg.seed = opts.seed;
    cfg.n_exporters = opts.n_exporters;
    cfg.publishers_per_exporter = opts.publishers_per_exporter;
    cfg.messages_per_publisher = opts.messages;
    if (!opts.size.empty()) {
        const auto comma = opts.size.find(',');
        std::size_t lo = 0;
        std::size_t hi = 0;
        const bool ok = comma == std::string::npos
                            ? parse_size(opts.size, lo) && parse_size(opts.size, hi)
                            : parse_size(opts.size.substr(0, comma), lo) &&
                                  parse_size(opts.size.substr(comma + 1), hi);
        if (!ok || lo == 0 || hi < lo) {
            throw std::invalid_argument("--size: expected BYTES or MIN,MAX with 0 < MIN <= MAX");
        }
        cfg.size_min = lo;
        cfg.size_max = hi;
    }
    cfg.n_interfaces = opts.n_interfaces;
    cfg.mtu = opts.mtu;
    cfg.ip = opts.ipv6 ? ip_mode::v6 : opts.mix_ip ? ip_mode::mix : ip_mode::v4;
    cfg.ip_fragment = opts.ip_fragment;
    cfg.wrapper =
        opts.legacy_wrapper ? notification_wrapper::legacy : notification_wrapper::envelope;
    bool have_v4 = false;
    bool have_v6 = false;
    for (const auto& text : opts.dst) {
        const net::endpoint ep = parse_endpoint(text);
        if (ep.addr.is_v4() && !have_v4) {
            cfg.dst_v4 = ep;
            have_v4 = true;
        } else if (ep.addr.is_v6() && !have_v6) {
            cfg.dst_v6 = ep;
            have_v6 = true;
        } else {
            throw std::invalid_argument("--dst " + text +
                                        ": expected ADDR:PORT or [ADDR]:PORT, once per family");
        }
    }
    const auto start = parse_time(opts.start_time);
    if (!start) {
        throw std::invalid_argument("--start-time " + opts.start_time +
                                    ": expected RFC 3339 or seconds since the epoch");
    }
    cfg.start_ns = *start;
    cfg.pps = opts.pps;
    cfg.loss = opts.loss;
    cfg.duplicate = opts.duplicate;
    cfg.reorder = opts.reorder;
    cfg.reorder_window = opts.reorder_window;
    if (opts.vlan >= 0) {
        if (opts.vlan > 4095) {
            throw std::invalid_argument("--vlan must be 0..4095");
        }
        cfg.vlan = static_cast<std::uint16_t>(opts.vlan);
    }
    if (const std::string err = validate(cfg); !err.empty()) {
        throw std::invalid_argument(err);
    }
    return cfg;
}

} // namespace udpn::pcapgen
