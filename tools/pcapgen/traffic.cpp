#include "pcapgen/traffic.hpp"

#include "pcapgen/rng.hpp"
#include "pcapgen/time_text.hpp"
#include "udpnotif/encoder.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace udpn::pcapgen {
namespace {

// Independent random streams derived from the one user seed.
constexpr std::uint64_t stream_addresses = 1;
constexpr std::uint64_t stream_sizes = 2;
constexpr std::uint64_t stream_impairments = 3;
constexpr std::uint64_t stream_publisher_base = 0x100;

constexpr std::uint32_t max_exporters = 250;
constexpr std::uint32_t first_subscription_id = 1042; // PROTOCOL.md §4 example id

net::ip_address exporter_address(std::uint32_t e, bool v6)
{
    if (v6) {
        // 2001:db8::1, 2001:db8::2, ... (documentation prefix, RFC 3849); never ::100.
        std::uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8};
        b[15] = static_cast<std::uint8_t>(e + 1);
        return net::ip_address::v6(b);
    }
    // 192.0.2.1..99 then 198.51.100.1..151 (documentation ranges, RFC 5737); never .100.
    const std::uint8_t b[4] = {static_cast<std::uint8_t>(e < 99 ? 192 : 198),
                               static_cast<std::uint8_t>(e < 99 ? 0 : 51),
                               static_cast<std::uint8_t>(e < 99 ? 2 : 100),
                               static_cast<std::uint8_t>(e < 99 ? e + 1 : e - 98)};
    return net::ip_address::v4(b);
}

struct keyed {
    std::uint64_t key;
    datagram dgram;
};

} // namespace

traffic_config::traffic_config()
{
    dst_v4.addr = net::ip_address::parse("192.0.2.100");
    dst_v4.port = 10001;
    dst_v6.addr = net::ip_address::parse("2001:db8::100");
    dst_v6.port = 10001;
    start_ns = parse_time("2026-03-01T10:00:00Z").value_or(0);
}

std::string validate(const traffic_config& cfg)
{
    if (cfg.n_exporters < 1 || cfg.n_exporters > max_exporters) {
        return "exporters must be 1..250";
    }
    if (cfg.publishers_per_exporter < 1 || cfg.publishers_per_exporter > 65535) {
        return "publishers per exporter must be 1..65535";
    }
    if (cfg.size_max < cfg.size_min) {
        return "size range: max is below min";
    }
    if (cfg.size_max > 16u << 20) {
        return "size above 16 MiB";
    }
    if (cfg.mtu < 128 || cfg.mtu > 65535) {
        return "mtu must be 128..65535";
    }
    if (cfg.pps == 0) {
        return "pps must be > 0";
    }
    for (const double p : {cfg.loss, cfg.duplicate, cfg.reorder}) {
        if (!(p >= 0.0 && p <= 1.0)) {
            return "probabilities must be within 0..1";
        }
    }
    if (cfg.reorder_window < 1) {
        return "reorder window must be >= 1";
    }
    if (cfg.vlan && *cfg.vlan > 4095) {
        return "vlan id must be 0..4095";
    }
    const bool need_v4 = cfg.ip != ip_mode::v6;
    const bool need_v6 = cfg.ip != ip_mode::v4 && (cfg.ip == ip_mode::v6 || cfg.n_exporters > 1);
    if (need_v4 && !cfg.dst_v4.addr.is_v4()) {
        return "IPv4 exporters need an IPv4 destination";
    }
    if (need_v6 && !cfg.dst_v6.addr.is_v6()) {
        return "IPv6 exporters need an IPv6 destination";
    }
    return {};
}

std::uint64_t frame_time_ns(const traffic_config& cfg, std::uint64_t k) noexcept
{
    constexpr std::uint64_t ns = 1'000'000'000u;
    return cfg.start_ns + k / cfg.pps * ns + k % cfg.pps * ns / cfg.pps;
}

traffic generate_traffic(const traffic_config& cfg)
{
    if (const std::string err = validate(cfg); !err.empty()) {
        throw std::invalid_argument(err);
    }
    traffic out;

    // Exporters: addresses, ports, names; each exporter's publishers share its source port
    // (PROTOCOL.md §4.2: agents of one node may use the same source port).
    rng addr_rng(cfg.seed, stream_addresses);
    std::vector<std::uint32_t> next_ip_id;
    for (std::uint32_t e = 0; e < cfg.n_exporters; ++e) {
        const bool v6 = cfg.ip == ip_mode::v6 || (cfg.ip == ip_mode::mix && e % 2 == 1);
        exporter exp;
        exp.src.addr = exporter_address(e, v6);
        exp.src.port = static_cast<std::uint16_t>(addr_rng.between(32768, 60999));
        exp.dst = v6 ? cfg.dst_v6 : cfg.dst_v4;
        exp.mac = {0x02,
                   0x00,
                   0x00,
                   0x00,
                   static_cast<std::uint8_t>((e + 1) >> 8),
                   static_cast<std::uint8_t>(e + 1)};
        char name[48];
        std::snprintf(name, sizeof name, "pe%u.example.net", e + 1);
        exp.hostname = name;
        for (std::uint32_t p = 0; p < cfg.publishers_per_exporter; ++p) {
            exp.publisher_ids.push_back(p + 1);
        }
        next_ip_id.push_back(static_cast<std::uint32_t>(addr_rng.next()));
        out.exporters.push_back(std::move(exp));
    }

    std::vector<publisher_payloads> publishers;
    for (std::uint32_t e = 0; e < cfg.n_exporters; ++e) {
        for (std::uint32_t p = 0; p < cfg.publishers_per_exporter; ++p) {
            publisher_identity id;
            id.hostname = out.exporters[e].hostname;
            id.publisher_id = out.exporters[e].publisher_ids[p];
            id.subscription_id = first_subscription_id + p;
            publishers.emplace_back(std::move(id), cfg.wrapper,
                                    mix64(cfg.seed ^ (stream_publisher_base + e * 65536u + p)));
        }
    }

    // Messages in rounds: message r of every publisher, exporters and publishers in order.
    rng size_rng(cfg.seed, stream_sizes);
    std::vector<datagram> sent;
    std::uint64_t slot = 0; // frames so far, in send order: event-time of the next message
    for (std::uint32_t r = 0; r < cfg.messages_per_publisher; ++r) {
        for (std::uint32_t e = 0; e < cfg.n_exporters; ++e) {
            const exporter& exp = out.exporters[e];
            for (std::uint32_t p = 0; p < cfg.publishers_per_exporter; ++p) {
                publisher_payloads& pub = publishers[e * cfg.publishers_per_exporter + p];
                const std::uint64_t event_ns = frame_time_ns(cfg, slot);
                const std::size_t target =
                    cfg.size_max == 0 ? 0 : size_rng.between(cfg.size_min, cfg.size_max);
                const std::string json = r == 0
                                             ? pub.subscription_started(event_ns)
                                             : pub.push_update(event_ns, target, cfg.n_interfaces);
                const byte_span payload(reinterpret_cast<const std::uint8_t*>(json.data()),
                                        json.size());
                udpnotif::encode_params params;
                params.media_type = 1; // application/yang-data+json (PROTOCOL.md §1)
                params.publisher_id = exp.publisher_ids[p];
                params.message_id = r + 1; // §1: starts at 1, +1 per message
                std::vector<std::vector<std::uint8_t>> parts;
                const auto fam = exp.src.addr.fam;
                if (cfg.ip_fragment) {
                    parts.push_back(udpnotif::encode_message(params, payload));
                    const std::size_t cap = fam == net::ip_address::family::v6 ? max_udp_payload_v6
                                                                               : max_udp_payload_v4;
                    if (parts.back().size() > cap) {
                        throw std::invalid_argument(
                            "message of " + std::to_string(parts.back().size()) +
                            " octets does not fit one UDP datagram; lower --size or drop "
                            "--ip-fragment");
                    }
                } else {
                    // PROTOCOL.md §1.3/§2: max-segment-size is the whole segment, header
                    // included; MTU-driven: MTU minus IP and UDP headers.
                    parts =
                        udpnotif::encode_segments(params, payload, max_udp_payload(fam, cfg.mtu));
                }
                for (auto& part : parts) {
                    datagram d;
                    d.exporter = e;
                    d.ip_id = next_ip_id[e]++;
                    d.n_frames = static_cast<std::uint32_t>(
                        count_frames(fam, part.size(), cfg.mtu, cfg.ip_fragment));
                    d.payload = std::move(part);
                    slot += d.n_frames;
                    sent.push_back(std::move(d));
                }
                ++out.n_messages;
            }
        }
    }
    out.n_generated_datagrams = sent.size();

    // Impairments at the datagram level (IP fragments of one datagram stay together). Every
    // datagram consumes the same draws whatever the probabilities, so raising one probability
    // changes only the datagrams it hits.
    rng imp(cfg.seed, stream_impairments);
    std::vector<keyed> wire;
    wire.reserve(sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const bool lost = imp.chance(cfg.loss);
        const bool delayed = imp.chance(cfg.reorder);
        const bool duplicated = imp.chance(cfg.duplicate);
        const std::uint64_t delay = imp.between(1, cfg.reorder_window);
        const std::uint64_t dup_delay = imp.between(1, cfg.reorder_window);
        if (lost) {
            ++out.n_lost;
            continue;
        }
        // Keys: position * 8; a delayed datagram lands just after the one `delay` places later,
        // a duplicate copy just after the one `dup_delay` places later.
        const std::uint64_t base = static_cast<std::uint64_t>(i) * 8;
        if (duplicated) {
            ++out.n_duplicated;
            wire.push_back({base + dup_delay * 8 + 6, sent[i]});
        }
        if (delayed) {
            ++out.n_reordered;
            wire.push_back({base + delay * 8 + 4, std::move(sent[i])});
        } else {
            wire.push_back({base, std::move(sent[i])});
        }
    }
    std::stable_sort(wire.begin(), wire.end(),
                     [](const keyed& a, const keyed& b) { return a.key < b.key; });
    out.datagrams.reserve(wire.size());
    for (auto& k : wire) {
        out.n_frames += k.dgram.n_frames;
        out.datagrams.push_back(std::move(k.dgram));
    }
    return out;
}

} // namespace udpn::pcapgen
