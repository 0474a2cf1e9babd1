// BM_HeaderParse: udpnotif::parse() over a realistic mix of datagrams (PROTOCOL.md §1, §2
// step 1): unsegmented messages of various sizes, segments of large messages (segmentation
// option), and a few with an extra option TLV. Reports datagrams/s (items) and datagram
// octets/s (bytes; parse reads only the header, so this is "line rate it keeps up with").
#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

using namespace udpn;

namespace {

struct corpus {
    std::vector<std::vector<std::uint8_t>> datagrams;
    std::size_t n_segmented = 0;
    std::size_t n_bytes = 0;
};

/// ~60 % unsegmented messages (200..1400 octets), the rest segments of 4..64 KB messages cut
/// at 1400 octets; one message in eight carries an extra (unknown) option TLV.
corpus make_corpus()
{
    corpus c;
    std::mt19937 rng(2024);
    std::uint32_t message_id = 1;
    while (c.datagrams.size() < 4096) {
        udpnotif::encode_params p;
        p.publisher_id = rng() % 16;
        p.message_id = message_id++;
        if (rng() % 8 == 0) {
            p.extra_options = {0x05, 0x06, 0xde, 0xad, 0xbe, 0xef};
        }
        const bool big = rng() % 100 < 15; // 15 % of messages are big: ~40 % of datagrams
        const std::size_t size = big ? 4096 + rng() % 61440 : 200 + rng() % 1200;
        std::vector<std::uint8_t> payload(size, '{');
        for (auto& d : udpnotif::encode_segments(p, payload, 1400)) {
            c.n_bytes += d.size();
            c.datagrams.push_back(std::move(d));
        }
    }
    return c;
}

void BM_HeaderParse(benchmark::State& state)
{
    const corpus c = make_corpus();
    // Check once before timing: everything parses, segmentation is seen where expected.
    std::size_t n_segmented = 0;
    for (const auto& d : c.datagrams) {
        const auto r = udpnotif::parse(d);
        if (!r.ok()) {
            state.SkipWithError("a corpus datagram does not parse");
            return;
        }
        n_segmented += r->segmented ? 1u : 0u;
    }
    if (n_segmented == 0 || n_segmented == c.datagrams.size()) {
        state.SkipWithError("corpus is not a mix of segmented and unsegmented datagrams");
        return;
    }
    state.counters["segmented_share"] =
        static_cast<double>(n_segmented) / static_cast<double>(c.datagrams.size());

    std::size_t n_ok = 0;
    for (auto _ : state) {
        for (const auto& d : c.datagrams) {
            const auto r = udpnotif::parse(d);
            n_ok += r.ok() ? 1u : 0u;
            benchmark::DoNotOptimize(r);
        }
    }
    if (n_ok != c.datagrams.size() * state.iterations()) {
        state.SkipWithError("parse failed during timing");
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.datagrams.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.n_bytes));
}

BENCHMARK(BM_HeaderParse);

} // namespace

BENCHMARK_MAIN();
