/// \file
/// Test helpers for reassembly: deterministic payloads, segment sets built with
/// udpnotif::encode_segments, arrival orders, and a table driver that parses and offers.
#pragma once

#include "net/endpoint.hpp"
#include "reassembly/table.hpp"
#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

namespace udpn::test {

using datagram = std::vector<std::uint8_t>;

/// \p n deterministic pseudo-random octets (different for each \p seed).
inline std::vector<std::uint8_t> make_payload(std::size_t n, std::uint32_t seed = 1)
{
    std::vector<std::uint8_t> p(n);
    std::uint32_t x = seed * 2654435761u + 12345u;
    for (auto& b : p) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return p;
}

/// Header fields of a JSON message from \p publisher_id with \p message_id.
inline udpnotif::encode_params params(std::uint32_t publisher_id, std::uint32_t message_id)
{
    udpnotif::encode_params p;
    p.publisher_id = publisher_id;
    p.message_id = message_id;
    return p;
}

/// Splits \p payload into exactly \p n_segments segments (always segmented, even n = 1) of
/// ceil(size / n) octets except the last. No extra options.
inline std::vector<datagram> split(const udpnotif::encode_params& p,
                                   const std::vector<std::uint8_t>& payload,
                                   std::size_t n_segments)
{
    if (!p.extra_options.empty() && !p.repeat_options) {
        throw std::invalid_argument("split(): use encode_segments directly with options");
    }
    const std::size_t chunk = (payload.size() + n_segments - 1) / n_segments;
    const std::size_t hlen = udpnotif::fixed_header_len + udpnotif::segmentation_option_len +
                             p.extra_options.size();
    auto out = udpnotif::encode_segments(p, payload, hlen + chunk, true);
    if (out.size() != n_segments) {
        throw std::invalid_argument("split(): payload does not split into n_segments");
    }
    return out;
}

/// Arrival orders exercised by the tests and benchmarks.
enum class order { in_order, reversed, random };

/// Indices 0..n-1 in \p o (random: a shuffle seeded by \p seed).
inline std::vector<std::size_t> arrival(std::size_t n, order o, std::uint32_t seed = 7)
{
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    if (o == order::reversed) {
        std::reverse(idx.begin(), idx.end());
    } else if (o == order::random) {
        std::mt19937 rng(seed);
        std::shuffle(idx.begin(), idx.end(), rng);
    }
    return idx;
}

/// Parses \p d, which the tests built to be valid.
inline udpnotif::header_view header_of(const datagram& d, const udpnotif::parse_config& cfg = {})
{
    const auto r = udpnotif::parse(d, cfg);
    if (!r.ok()) {
        throw std::invalid_argument("test datagram does not parse");
    }
    return r.value();
}

/// A table plus default endpoints: offer() parses and accepts one datagram.
struct table_driver {
    explicit table_driver(const reassembly::reassembly_config& cfg = {}) : table(cfg) {}

    reassembly::verdict offer(const datagram& d, std::uint64_t now_ns = 0)
    {
        return table.accept(src, dst, header_of(d, parse_cfg), now_ns);
    }
    reassembly::verdict offer_from(const net::endpoint& from, const datagram& d,
                                   std::uint64_t now_ns = 0)
    {
        return table.accept(from, dst, header_of(d, parse_cfg), now_ns);
    }

    reassembly::table table;
    net::endpoint src{net::ip_address::v4(0xc0000201u), 40000}; // 192.0.2.1:40000
    net::endpoint dst{net::ip_address::v4(0xc6336401u), 12345}; // 198.51.100.1:12345
    udpnotif::parse_config parse_cfg{};
};

} // namespace udpn::test
