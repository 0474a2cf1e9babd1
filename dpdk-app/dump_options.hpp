/// \file
/// Command line of udpnotif-dump (docs/udpnotif-dump.md). Parsed once, before EAL starts.
#pragma once

#include "reassembly/config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace udpn::dpdk {

/// Everything the command line sets.
struct dump_options {
    std::string pcap_path;  ///< FILE.pcap (classic pcap or pcap-ng readable by libpcap)
    std::uint16_t port = 0; ///< --port: destination UDP port to keep; 0 = all UDP
    /// --reassembly-timeout-ms, --max-segments, --max-message-bytes, --max-pending,
    /// --no-src-port-key (PROTOCOL.md §2 knobs). The timeout also bounds IP fragment reassembly.
    reassembly::reassembly_config reassembly;
    std::vector<std::string> extra_eal; ///< --eal "...", split on blanks, appended to EAL args
    bool help = false;                  ///< --help / -h
};

/// Parses argv[1..argc-1] into \p out.
/// @return an empty string on success, else the reason (the caller exits with status 2).
[[nodiscard]] std::string parse_dump_options(int argc, const char* const* argv, dump_options& out);

/// The --help text.
[[nodiscard]] const char* dump_usage() noexcept;

} // namespace udpn::dpdk
