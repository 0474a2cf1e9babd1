// BM_RxPath/<case>: input::rx_path::process_batch() (parse, allowlist, reassembly, gap
// accounting, copy into a pool buffer, metadata) into a null sink that returns each buffer to
// the pool at once (what the return queue will do later). Cases:
//   whole_1k       1024-octet messages, one datagram each
//   seg_9k_1500    9216-octet messages in 1500-octet datagrams (7 segments), in order
// Messages come from 16 exporters (round robin), in bursts of 64 datagrams, with a non-empty
// 2-entry allowlist. Each round rewrites the Message IDs in place (a 4-octet store per
// datagram, timed) so every round is new traffic to the table and the gap tracker.
// Items = datagrams; bytes = datagram octets; msgs_per_s = messages delivered to the sink;
// allocs_per_msg = global operator new calls per message in the timed loop (when tests/
// support's counter is linked). Every message's payload and metadata are checked once
// against the expected bytes before timing.
#include "input/rx_path.hpp"
#include "udpnotif/encoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

using namespace udpn;

namespace {

constexpr std::size_t messages_per_round = 256;
constexpr std::size_t n_exporters = 16;
constexpr std::size_t burst = 64;

struct round_input {
    std::vector<std::vector<std::uint8_t>> payloads;  // by message
    std::vector<std::vector<std::uint8_t>> datagrams; // arrival order
    std::vector<input::datagram> views;               // into datagrams
    std::size_t datagram_bytes = 0;
};

round_input make_round(std::size_t payload_len, std::size_t max_segment)
{
    round_input in;
    std::mt19937 rng(static_cast<std::uint32_t>(payload_len));
    for (std::size_t m = 0; m < messages_per_round; ++m) {
        std::vector<std::uint8_t> payload(payload_len);
        for (auto& b : payload) {
            b = static_cast<std::uint8_t>(rng());
        }
        udpnotif::encode_params p;
        p.publisher_id = 1;
        p.message_id = static_cast<std::uint32_t>(m / n_exporters + 1);
        auto segs = udpnotif::encode_segments(p, payload, max_segment);
        for (auto& s : segs) {
            in.datagram_bytes += s.size();
            in.datagrams.push_back(std::move(s));
            input::datagram d;
            // 192.0.2.<exporter>
            d.src.addr =
                net::ip_address::v4(0xC0000200u + static_cast<std::uint32_t>(m % n_exporters));
            d.src.port = 40000;
            d.dst.addr = net::ip_address::v4(0xC6336407u); // 198.51.100.7
            d.dst.port = 12345;
            d.rx_ns = 1'000'000'000;
            d.rx_wall_ns = 1'700'000'000'000'000'000ull;
            in.views.push_back(d);
        }
        in.payloads.push_back(std::move(payload));
    }
    for (std::size_t i = 0; i < in.views.size(); ++i) {
        in.views[i].bytes = byte_span(in.datagrams[i].data(), in.datagrams[i].size());
    }
    return in;
}

input::rx_path_config path_config()
{
    input::rx_path_config cfg;
    cfg.pool.classes = {{4096, 1024}, {65536, 256}};
    cfg.source_allowlist = {"192.0.2.0/24", "2001:db8::/32"};
    return cfg;
}

/// Message IDs of round \p r: each exporter's ids continue from the previous round.
void renumber(round_input& in, std::uint32_t r)
{
    const std::uint32_t per_exporter = messages_per_round / n_exporters;
    for (auto& d : in.datagrams) {
        const std::uint32_t id = load_be32(d.data() + 8);
        const std::uint32_t base = (id - 1) % per_exporter + 1;
        store_be32(d.data() + 8, r * per_exporter + base);
    }
}

struct null_sink {
    input::rx_path* path;
    std::uint64_t* n;
    bool operator()(input::message_buffer* msg) noexcept
    {
        ++*n;
        path->release(msg);
        return true;
    }
};

/// Runs one round through \p path and checks every message against \p in.
bool check_round(input::rx_path& path, const round_input& in)
{
    std::vector<input::message_buffer*> got;
    got.reserve(messages_per_round);
    struct keep {
        std::vector<input::message_buffer*>* out;
        bool operator()(input::message_buffer* msg) noexcept
        {
            out->push_back(msg);
            return true;
        }
    };
    path.process_batch(input::datagram_batch{in.views}, keep{&got});
    bool ok = got.size() == messages_per_round;
    for (std::size_t m = 0; ok && m < got.size(); ++m) {
        const auto& expected = in.payloads[m];
        const input::message_buffer& msg = *got[m];
        ok = msg.size() == expected.size() &&
             std::memcmp(msg.payload().data(), expected.data(), expected.size()) == 0 &&
             std::all_of(msg.padded().begin() + static_cast<std::ptrdiff_t>(msg.size()),
                         msg.padded().end(), [](std::uint8_t b) { return b == 0; }) &&
             msg.meta.exporter.addr.bytes[3] == m % n_exporters &&
             msg.meta.collector.port == 12345;
    }
    for (auto* msg : got) {
        path.release(msg);
    }
    return ok;
}

void BM_RxPath(benchmark::State& state, std::size_t payload_len, std::size_t max_segment)
{
    round_input in = make_round(payload_len, max_segment);
    input::rx_path path(path_config());
    renumber(in, 0);
    if (!check_round(path, in)) {
        state.SkipWithError("rx_path output differs from the messages sent");
        return;
    }
    std::uint64_t n_msgs = 0;
    std::uint32_t round = 1;
    // One untimed round warms the table's segment buffers.
    renumber(in, round++);
    path.process_batch(input::datagram_batch{in.views}, null_sink{&path, &n_msgs});
    n_msgs = 0;
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = test::allocations();
#endif
    for (auto _ : state) {
        renumber(in, round++);
        for (std::size_t off = 0; off < in.views.size(); off += burst) {
            const std::size_t n = std::min(burst, in.views.size() - off);
            path.process_batch(
                input::datagram_batch{std::span<const input::datagram>(in.views).subspan(off, n)},
                null_sink{&path, &n_msgs});
        }
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs = test::allocations() - allocs_before;
    state.counters["allocs_per_msg"] =
        n_msgs == 0 ? 0.0 : static_cast<double>(allocs) / static_cast<double>(n_msgs);
#endif
    const auto rounds = static_cast<std::int64_t>(state.iterations());
    if (n_msgs != static_cast<std::uint64_t>(rounds) * messages_per_round) {
        state.SkipWithError("messages lost in the timed loop");
        return;
    }
    state.SetItemsProcessed(rounds * static_cast<std::int64_t>(in.views.size()));
    state.SetBytesProcessed(rounds * static_cast<std::int64_t>(in.datagram_bytes));
    state.counters["msgs_per_s"] =
        benchmark::Counter(static_cast<double>(n_msgs), benchmark::Counter::kIsRate);
    state.counters["segs_per_msg"] =
        static_cast<double>(in.views.size()) / static_cast<double>(messages_per_round);
}

} // namespace

BENCHMARK_CAPTURE(BM_RxPath, whole_1k, 1024, 1500);
BENCHMARK_CAPTURE(BM_RxPath, seg_9k_1500, 9216, 1500);

BENCHMARK_MAIN();
