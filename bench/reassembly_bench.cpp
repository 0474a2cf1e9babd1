// BM_Reassembly/<segments>/<order>: reassembly::table::accept() over messages of 2, 8 or 45
// segments of 1000 payload octets each (PROTOCOL.md §2 steps 3-4), in four arrival orders
// (after DPDK app/test/test_reassembly_perf.c):
//   in_order    segments 0..n-1, one message after the other
//   reversed    segments n-1..0 (the last arrives first), one message after the other
//   random      a random permutation per message, one message after the other
//   interleaved 1000 concurrent messages, segment k of every message before segment k+1
// Items = segments offered; bytes = reassembled payload octets. allocs_per_msg counts global
// operator new calls per completed message in the timed loop (when tests/support's counter is
// linked). Every message's payload is checked once against the expected bytes before timing.
#include "reassembly/table.hpp"
#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace udpn;

namespace {

constexpr std::size_t segment_payload = 1000;
constexpr std::size_t messages_sequential = 64; // messages per round, non-interleaved orders
constexpr std::size_t messages_interleaved = 1000;

enum class order : int { in_order, reversed, random, interleaved };

const char* order_name(order o)
{
    switch (o) {
    case order::in_order: return "in_order";
    case order::reversed: return "reversed";
    case order::random: return "random";
    case order::interleaved: return "interleaved";
    }
    return "?";
}

/// One round: the datagrams of `n_messages` messages in arrival order, parsed once.
struct round_input {
    std::vector<std::vector<std::uint8_t>> payloads;  // by message index
    std::vector<std::vector<std::uint8_t>> datagrams; // arrival order
    std::vector<udpnotif::header_view> headers;       // into datagrams
    std::size_t payload_bytes = 0;
};

round_input make_round(std::size_t n_segments, order o)
{
    const std::size_t n_messages =
        o == order::interleaved ? messages_interleaved : messages_sequential;
    round_input in;
    std::mt19937 rng(static_cast<std::uint32_t>(n_segments * 31 + static_cast<std::size_t>(o)));
    std::vector<std::vector<std::vector<std::uint8_t>>> per_message;
    for (std::size_t m = 0; m < n_messages; ++m) {
        std::vector<std::uint8_t> payload(n_segments * segment_payload);
        for (auto& b : payload) {
            b = static_cast<std::uint8_t>(rng());
        }
        udpnotif::encode_params p;
        p.publisher_id = 7;
        p.message_id = static_cast<std::uint32_t>(m + 1);
        const std::size_t seg_size =
            udpnotif::fixed_header_len + udpnotif::segmentation_option_len + segment_payload;
        auto segs = udpnotif::encode_segments(p, payload, seg_size, true);
        if (o == order::reversed) {
            std::reverse(segs.begin(), segs.end());
        } else if (o == order::random) {
            std::shuffle(segs.begin(), segs.end(), rng);
        }
        in.payload_bytes += payload.size();
        in.payloads.push_back(std::move(payload));
        per_message.push_back(std::move(segs));
    }
    if (o == order::interleaved) {
        for (std::size_t k = 0; k < n_segments; ++k) {
            for (auto& segs : per_message) {
                in.datagrams.push_back(std::move(segs[k]));
            }
        }
    } else {
        for (auto& segs : per_message) {
            for (auto& d : segs) {
                in.datagrams.push_back(std::move(d));
            }
        }
    }
    for (const auto& d : in.datagrams) {
        in.headers.push_back(udpnotif::parse(d).value());
    }
    return in;
}

void BM_Reassembly(benchmark::State& state, std::size_t n_segments, order o)
{
    const round_input in = make_round(n_segments, o);

    reassembly::reassembly_config cfg;
    cfg.max_pending_messages = 4096;
    reassembly::table table(cfg);
    const net::endpoint src{net::ip_address::v4(0xc0000201u), 40000};
    const net::endpoint dst{net::ip_address::v4(0xc6336401u), 12345};
    std::uint64_t now = 0;

    // Check (and warm up): one round completes every message with the expected payload.
    std::size_t n_checked = 0;
    for (const auto& h : in.headers) {
        if (table.accept(src, dst, h, ++now) == reassembly::verdict::complete) {
            const auto& msg = table.completed();
            const auto& want = in.payloads[msg.message_id - 1];
            if (msg.payload.size() != want.size() ||
                std::memcmp(msg.payload.data(), want.data(), want.size()) != 0) {
                state.SkipWithError("reassembled payload differs from the expected bytes");
                return;
            }
            ++n_checked;
        }
    }
    if (n_checked != in.payloads.size() || table.stats().pending_messages != 0) {
        state.SkipWithError("not every message completed in the check round");
        return;
    }

    std::uint64_t n_complete = 0;
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = test::allocations();
#endif
    for (auto _ : state) {
        // Every round reuses the same message ids: move the clock past the reassembly timeout
        // so the table's memory of finished messages (`finished_memory`) lets them start anew,
        // as new ids would in a real stream (the lookup is still paid).
        now += cfg.timeout_ns;
        for (const auto& h : in.headers) {
            const auto v = table.accept(src, dst, h, ++now);
            if (v == reassembly::verdict::complete) {
                ++n_complete;
                benchmark::DoNotOptimize(table.completed().payload.data());
            }
        }
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs = test::allocations() - allocs_before;
#endif
    const auto n_rounds = static_cast<std::uint64_t>(state.iterations());
    if (n_complete != n_rounds * in.payloads.size()) {
        state.SkipWithError("a message did not complete during timing");
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(n_rounds * in.headers.size()));
    state.SetBytesProcessed(static_cast<std::int64_t>(n_rounds * in.payload_bytes));
    state.counters["msgs"] = benchmark::Counter(static_cast<double>(n_complete),
                                                benchmark::Counter::kIsRate);
#if UDPN_HAVE_ALLOC_COUNTER
    state.counters["allocs_per_msg"] =
        static_cast<double>(allocs) / static_cast<double>(n_complete);
#endif
}

} // namespace

int main(int argc, char** argv)
{
    // Names BM_Reassembly/<segments>/<order> (STYLE.md §4 rule 14).
    for (const std::size_t n : {2u, 8u, 45u}) {
        for (const order o :
             {order::in_order, order::reversed, order::random, order::interleaved}) {
            const std::string name =
                "BM_Reassembly/" + std::to_string(n) + "/" + order_name(o);
            benchmark::RegisterBenchmark(name.c_str(), BM_Reassembly, n, o);
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
