/// \file
/// Synthetic YANG-Push over UDP-notif traffic: exporters with publishers, each sending a
/// subscription-started then push-updates (PROTOCOL.md §1.3: the first message of a stream is a
/// separate subscription-started), segmented at the MTU (§2) or left whole for IP
/// fragmentation, then impaired (loss, duplicates, reordering) at the datagram level.
/// Deterministic: a traffic_config gives the same datagrams on every run and machine.
#pragma once

#include "net/endpoint.hpp"
#include "pcapgen/frame_builder.hpp"
#include "pcapgen/payloads.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace udpn::pcapgen {

/// Address families of the exporters.
enum class ip_mode : std::uint8_t {
    v4,  ///< every exporter on IPv4
    v6,  ///< every exporter on IPv6
    mix, ///< even-numbered exporters IPv4, odd-numbered IPv6
};

/// Everything that shapes the generated traffic. Defaults give a small valid IPv4 capture.
struct traffic_config {
    /// One seed for every random choice.
    std::uint64_t seed = 1;
    /// 1..250 network nodes (distinct source addresses).
    std::uint32_t n_exporters = 2;
    /// Publisher ids 1..N per exporter, all on the exporter's one source port.
    std::uint32_t publishers_per_exporter = 1;
    /// Messages per publisher: the first is subscription-started, then push-updates.
    std::uint32_t messages_per_publisher = 10;
    /// Push-update payload target, octets (0: by interfaces).
    std::size_t size_min = 0;
    /// Upper end of the target range (= size_min: fixed).
    std::size_t size_max = 0;
    /// Interfaces per push-update when no size is set.
    std::size_t n_interfaces = 4;
    /// IP MTU, octets (IP header included).
    std::size_t mtu = 1500;
    /// Exporter address families.
    ip_mode ip = ip_mode::v4;
    /// Send each message whole in one UDP datagram and IP-fragment it at the MTU, instead of
    /// UDP-notif segmentation at max-segment-size = MTU - IP - UDP headers.
    bool ip_fragment = false;
    /// Notification wrapper (PROTOCOL.md §3.1 / §3.2).
    notification_wrapper wrapper = notification_wrapper::envelope;
    /// Collector for IPv4 exporters.
    net::endpoint dst_v4;
    /// Collector for IPv6 exporters.
    net::endpoint dst_v6;
    /// Time of the first frame, ns since the epoch.
    std::uint64_t start_ns = 0;
    /// Frames per second (capture timestamps).
    std::uint64_t pps = 1000;
    /// Probability a datagram is dropped.
    double loss = 0;
    /// Probability a datagram is sent twice.
    double duplicate = 0;
    /// Probability a datagram is delayed.
    double reorder = 0;
    /// A delayed or duplicated datagram moves 1..N places.
    std::uint32_t reorder_window = 4;
    /// 802.1Q VLAN ID on every frame.
    std::optional<std::uint16_t> vlan;

    /// Defaults: collectors 192.0.2.100:10001 and [2001:db8::100]:10001, start
    /// 2026-03-01T10:00:00Z.
    traffic_config();
};

/// One network node sending UDP-notif.
struct exporter {
    net::endpoint src;    ///< its address and source port
    net::endpoint dst;    ///< the collector it sends to
    mac_address mac{};    ///< its Ethernet address
    std::string hostname; ///< envelope `hostname`
    std::vector<std::uint32_t> publisher_ids;
};

/// One UDP datagram to send: a whole UDP-notif message or one segment of one.
struct datagram {
    std::uint32_t exporter = 0;        ///< index into traffic::exporters
    std::uint32_t ip_id = 0;           ///< IP identification (IPv4 uses the low 16 bits)
    std::uint32_t n_frames = 1;        ///< frames it takes on the wire (IP fragments)
    std::vector<std::uint8_t> payload; ///< UDP payload
};

/// What generate_traffic() produced.
struct traffic {
    std::vector<exporter> exporters;
    std::vector<datagram> datagrams;         ///< in wire order, impairments applied
    std::uint64_t n_messages = 0;            ///< UDP-notif messages generated
    std::uint64_t n_generated_datagrams = 0; ///< before impairments
    std::uint64_t n_lost = 0;                ///< datagrams dropped by `loss`
    std::uint64_t n_duplicated = 0;          ///< extra copies added by `duplicate`
    std::uint64_t n_reordered = 0;           ///< datagrams delayed by `reorder`
    std::uint64_t n_frames = 0;              ///< frames the datagrams take (sum of n_frames)
};

/// Checks ranges and combinations. @return an error text, empty when \p cfg is usable.
[[nodiscard]] std::string validate(const traffic_config& cfg);

/// Generates the traffic. Time of frame k (wire order) is start_ns + k * 1e9 / pps; a message's
/// event-time is the time its first frame would have had without impairments.
/// @throws std::invalid_argument for an invalid config or a message that cannot be encoded
///         (e.g. larger than one UDP datagram with ip_fragment).
[[nodiscard]] traffic generate_traffic(const traffic_config& cfg);

/// Time of frame \p k: start_ns + k * 1e9 / pps, without overflow.
[[nodiscard]] std::uint64_t frame_time_ns(const traffic_config& cfg, std::uint64_t k) noexcept;

} // namespace udpn::pcapgen
