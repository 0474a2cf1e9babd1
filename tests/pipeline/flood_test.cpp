// Reassembly flood (issue 7, docs/reliability.md "Reassembly flood"): while a legitimate
// exporter (127.0.0.1) sends segmented YANG-Push messages, 256 spoofed exporters (sockets bound
// to 127.77.x.y, each its own source address) send, as fast as one thread can, the first
// segment of messages that never complete (random Publisher and Message IDs, so every datagram
// opens a new set, PROTOCOL.md §2 step 2). The receiver runs with a small reassembly memory cap.
// Asserted: the table's bytes_held (sampled all along) never exceeds max_total_bytes and its
// pending count never exceeds max_pending_messages; the flood shows as evictions; the
// legitimate messages that complete are decoded and produced intact (no dead letter, no decode
// failure) and at least a quarter of them get through; every legitimate message that did not
// arrive is covered by counted losses. Counts and bounds only, never speeds (a loaded 2-core
// machine varies a lot); the fraction delivered and the RSS are printed for the docs.
#include "pipeline_fixtures.hpp"

#include "pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

/// VmRSS of this process in KiB (0 when unreadable).
std::uint64_t rss_kib()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6));
        }
    }
    return 0;
}

/// subscription-started then \p n push-updates, each segmented into 256-octet segments.
std::vector<outgoing> segmented_traffic(std::uint32_t publisher_id, std::size_t n)
{
    std::vector<outgoing> out;
    add_message(out, publisher_id,
                in_envelope("ietf-subscribed-notifications:subscription-started", started_1042, 1,
                            "router-legit"),
                false);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string a = "eth" + std::to_string(i % 7);
        add_message(out, publisher_id,
                    in_envelope(push_update_name,
                                push_update_contents(1042, {a, "lo0", "xe-1/0/0"}),
                                static_cast<std::uint32_t>(i + 2), "router-legit"),
                    true);
    }
    return out;
}

TEST(reassembly_flood, memory_stays_under_the_cap_and_legitimate_traffic_gets_through)
{
    constexpr std::size_t cap = 2u << 20;      // max_total_bytes
    constexpr std::uint32_t max_pending = 4096; // max_pending_messages (the default)
    constexpr std::size_t n_legit = 1000;
    constexpr int n_spoofed = 256;

    pipeline::pipeline_config cfg = pipeline_config_for_test(1, 1, 1);
    cfg.kafka.brokers = std::string(kafka::null_brokers_value);
    cfg.rx.reassembly.max_total_bytes = cap;
    cfg.rx.reassembly.max_pending_messages = max_pending;
    pipeline::pipeline p(cfg);
    const std::uint64_t rss_before = rss_kib();
    p.start();
    const std::uint16_t port = p.local_port();

    std::vector<std::unique_ptr<exporter_socket>> spoofed;
    for (int i = 0; i < n_spoofed; ++i) {
        const std::string a = "127.77." + std::to_string(i / 250) + "." + std::to_string(1 + i % 250);
        spoofed.push_back(std::make_unique<exporter_socket>(a.c_str()));
    }
    exporter_socket legit("127.0.0.1");
    const auto traffic = segmented_traffic(7, n_legit);
    std::size_t legit_datagrams = 0;
    for (const auto& o : traffic) {
        legit_datagrams += o.datagrams.size();
    }
    ASSERT_GE(legit_datagrams, 3 * n_legit); // every push-update is segmented (3+ segments)

    // The flood: segment 0 (L = 0) of a 2-segment message, 1000-octet segments.
    std::atomic<bool> flooding{true};
    std::atomic<std::uint64_t> flood_sent{0};
    std::thread flooder([&] {
        std::mt19937_64 rng(20261207);
        const std::string junk(1800, 'x');
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(junk.data());
        std::uint64_t n = 0;
        while (flooding.load(std::memory_order_relaxed)) {
            udpnotif::encode_params ep;
            ep.publisher_id = static_cast<std::uint32_t>(rng());
            ep.message_id = static_cast<std::uint32_t>(rng());
            const auto dgrams = udpnotif::encode_segments(ep, byte_span(bytes, junk.size()), 1000, true);
            try {
                spoofed[n % n_spoofed]->send(dgrams.front(), port);
            } catch (const std::runtime_error&) {
                // ENOBUFS/EAGAIN on a saturated loopback: the flood is best effort.
            }
            ++n;
        }
        flood_sent.store(n);
    });

    // Legitimate traffic meanwhile, a message every millisecond; the table is sampled all along.
    std::uint64_t max_bytes_held = 0;
    std::uint64_t max_pending_seen = 0;
    std::uint64_t max_rss = 0;
    auto sample = [&] {
        const auto t = p.per_thread_stats();
        max_bytes_held = std::max(max_bytes_held, t.rx[0].reassembly.bytes_held);
        max_pending_seen = std::max(max_pending_seen, t.rx[0].reassembly.pending_messages);
        max_rss = std::max(max_rss, rss_kib());
    };
    std::this_thread::sleep_for(200ms); // the flood fills the table first
    for (std::size_t i = 0; i < traffic.size(); ++i) {
        for (const auto& d : traffic[i].datagrams) {
            legit.send(d, port);
        }
        if (i == 0) {
            std::this_thread::sleep_for(20ms); // the subscription starts before its data
        }
        std::this_thread::sleep_for(1ms);
        if (i % 8 == 0) {
            sample();
        }
    }
    std::this_thread::sleep_for(200ms);
    sample();
    flooding.store(false);
    flooder.join();

    // Let the RX thread finish what the kernel holds, then stop.
    std::uint64_t last = 0;
    (void)wait_until(
        [&] {
            const auto now = p.stats().datagrams;
            const bool settled = now == last;
            last = now;
            return settled;
        },
        5s);
    sample();
    const pipeline::stop_report r = p.stop();
    const pipeline::pipeline_stats& s = r.final_stats;
    const pipeline::thread_stats t = p.per_thread_stats();
    const auto& ra = t.rx[0].reassembly;

    const std::uint64_t delivered = s.null_records;
    const double fraction = static_cast<double>(delivered) / static_cast<double>(traffic.size());
    const std::uint64_t evicted = ra.evicted_full + ra.evicted_memory;
    std::printf("flood: %llu spoofed first segments from %d addresses, %zu legitimate messages "
                "(%zu datagrams); receiver got %llu datagrams; delivered %llu (%.1f%%); evicted_memory %llu, evicted_full %llu, "
                "expired %llu, kernel drops %llu; bytes_held max %llu of cap %zu, pending max %llu "
                "of %u; RSS %llu KiB before start, max %llu KiB\n",
                static_cast<unsigned long long>(flood_sent.load()), n_spoofed, traffic.size(),
                legit_datagrams, static_cast<unsigned long long>(s.datagrams),
                static_cast<unsigned long long>(delivered), 100.0 * fraction,
                static_cast<unsigned long long>(ra.evicted_memory),
                static_cast<unsigned long long>(ra.evicted_full),
                static_cast<unsigned long long>(ra.expired_messages),
                static_cast<unsigned long long>(s.kernel_drops),
                static_cast<unsigned long long>(max_bytes_held), cap,
                static_cast<unsigned long long>(max_pending_seen), max_pending,
                static_cast<unsigned long long>(rss_before),
                static_cast<unsigned long long>(max_rss));

    // The bound.
    EXPECT_LE(max_bytes_held, cap);
    EXPECT_LE(max_pending_seen, max_pending);
    EXPECT_EQ(ra.pending_messages, 0u); // stop() expired what was left
    EXPECT_LE(ra.bytes_held, cap);      // buffers cached by free entries stay counted
    // The flood really filled the table, and the table made room by evicting.
    // (1000-octet segments: the memory cap, 2 MiB, binds before the 4096 pending sets.)
    EXPECT_GT(flood_sent.load(), 4u * max_pending);
    EXPECT_GT(ra.evicted_memory, 0u);
    // What got through is intact: decoded and produced, never a dead letter or a failure.
    EXPECT_EQ(s.records, s.worker_messages);
    EXPECT_EQ(s.dead_letters, 0u);
    EXPECT_EQ(s.undecodable, 0u);
    EXPECT_EQ(s.envelope_failed, 0u);
    EXPECT_EQ(s.record_drops, 0u);
    EXPECT_LE(delivered, traffic.size());
    EXPECT_GE(fraction, 0.25);
    // Every legitimate message that did not arrive is covered by a counted loss (its segments
    // dropped by the kernel, its set evicted or expired, or its datagrams dropped on the way).
    const std::uint64_t counted_losses = s.kernel_drops + evicted + ra.expired_messages +
                                         s.queue_full_drops + s.pool_exhausted + s.truncated;
    EXPECT_LE(traffic.size() - delivered, counted_losses);
}

} // namespace
