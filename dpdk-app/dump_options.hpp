/// \file
/// Command line of udpnotif-dump (docs/udpnotif-dump.md). Parsed once, before EAL starts.
#pragma once

#include "key/config.hpp"
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
    /// --envelopes: run every message through a worker stage (decode, subscription table, topic
    /// and key, envelope) and print one record line per record instead of message lines.
    bool envelopes = false;
    /// --profile seed|latest: the standards profile of keys, topics and envelopes (DESIGN.md §3).
    key::profile profile = key::profile::seed;
    /// --yang-dir DIR (repeatable): YANG search directories for filter resolution. Required
    /// with --envelopes: the product ships no default.
    std::vector<std::string> yang_dirs;
    /// --distribution topic|subject (PROTOCOL.md §9 knob 1; default subject).
    key::topic_distribution distribution = key::topic_distribution::subject;
    std::string topic_prefix; ///< --topic-prefix P: organisation prefix of topic names
    bool no_key = false;      ///< --no-key: null keys (§9 knob 3)
    bool help = false;                  ///< --help / -h
};

/// Parses argv[1..argc-1] into \p out.
/// @return an empty string on success, else the reason (the caller exits with status 2).
[[nodiscard]] std::string parse_dump_options(int argc, const char* const* argv, dump_options& out);

/// The --help text.
[[nodiscard]] const char* dump_usage() noexcept;

} // namespace udpn::dpdk
