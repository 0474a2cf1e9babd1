/// \file
/// Reads the UDP datagrams out of a capture (libpcap offline): Ethernet (802.1Q/QinQ tags),
/// Linux cooked (SLL), BSD loopback (NULL) or raw IP frames; IPv4 and IPv6 (extension headers
/// skipped); IP fragments reassembled in file order (simple: no timeout, at most
/// max_pending_fragment_sets datagrams in progress, overlapping fragments keep the first copy).
#pragma once

#include "net/endpoint.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace udpn::send {

/// One UDP datagram found in the capture.
struct udp_datagram {
    net::endpoint src;                 ///< exporter address and port in the capture
    net::endpoint dst;                 ///< collector address and port in the capture
    std::uint64_t time_ns = 0;         ///< capture time of its (last) frame
    std::vector<std::uint8_t> payload; ///< UDP payload
};

/// What the reader saw. Every frame ends in exactly one of datagrams (directly or through a
/// reassembled set), fragments, or one of the skipped counters.
struct pcap_read_stats {
    std::uint64_t frames = 0;               ///< records read
    std::uint64_t datagrams = 0;            ///< UDP datagrams kept (after reassembly, port filter)
    std::uint64_t not_ip = 0;               ///< neither IPv4 nor IPv6
    std::uint64_t not_udp = 0;              ///< IP but not UDP
    std::uint64_t other_port = 0;           ///< UDP to another destination port than asked
    std::uint64_t truncated = 0;            ///< shorter than its headers say
    std::uint64_t fragments = 0;            ///< IP fragments seen
    std::uint64_t reassembled = 0;          ///< datagrams rebuilt from fragments
    std::uint64_t fragments_incomplete = 0; ///< fragments of sets never completed (or evicted)
};

/// Reader knobs.
struct pcap_read_options {
    std::optional<std::uint16_t> port;            ///< keep only UDP to this port
    std::size_t max_pending_fragment_sets = 4096; ///< oldest set dropped beyond this
};

/// Reads every UDP datagram of \p path, in capture order (a reassembled datagram takes the
/// place of its completing fragment).
/// @throws std::runtime_error when the file cannot be opened or its link type is unsupported.
[[nodiscard]] std::vector<udp_datagram>
read_pcap_datagrams(const std::string& path, const pcap_read_options& opts, pcap_read_stats& stats);

} // namespace udpn::send
