/// \file
/// The traffic options shared by udpnotif-pcapgen and udpnotif-send (CLI11), and their
/// conversion into a traffic_config.
#pragma once

#include "pcapgen/traffic.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace udpn::pcapgen {

/// Option values as typed; turned into a traffic_config by to_config().
struct traffic_options {
    std::uint64_t seed = 1;
    std::uint32_t n_exporters = 2;
    std::uint32_t publishers_per_exporter = 1;
    std::uint32_t messages = 10;
    std::string size; ///< "BYTES" or "MIN,MAX"; empty: by --interfaces
    std::size_t n_interfaces = 4;
    std::size_t mtu = 1500;
    bool ipv6 = false;
    bool mix_ip = false;
    bool ip_fragment = false;
    bool legacy_wrapper = false;
    std::vector<std::string> dst; ///< ADDR:PORT or [ADDR]:PORT, at most one per family
    std::string start_time = "2026-03-01T10:00:00Z";
    std::uint64_t pps = 1000;
    double loss = 0;
    double duplicate = 0;
    double reorder = 0;
    std::uint32_t reorder_window = 4;
    int vlan = -1;
};

/// Registers every traffic option on \p app, writing into \p opts. With \p for_capture false
/// the capture-only options (--dst, --vlan, --ip-fragment, --start-time, --pps) are left out.
void add_traffic_options(CLI::App& app, traffic_options& opts, bool for_capture);

/// Parses "ADDR:PORT" / "[ADDR]:PORT". @return the endpoint, family none when malformed.
[[nodiscard]] net::endpoint parse_endpoint(const std::string& text);

/// Converts and validates. @throws std::invalid_argument with a message naming the option.
[[nodiscard]] traffic_config to_config(const traffic_options& opts);

} // namespace udpn::pcapgen
