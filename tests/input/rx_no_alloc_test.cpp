// STYLE.md §4 rule 4: after warm-up, rx_path (parse, reassembly, gap accounting, buffer pool,
// sink hand-off) allocates nothing, whole or segmented, in order or not, and on drop paths.
#include "alloc_counter.hpp"
#include "input/rx_path.hpp"

#include "input_fixtures.hpp"
#include "udpnotif/encoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

using namespace udpn;
using namespace udpn::input;

namespace {

/// Releases every buffer at once: what a worker does, through the return queue, later.
struct release_sink {
    rx_path* path;
    std::uint64_t* n;
    bool operator()(message_buffer* msg) noexcept
    {
        ++*n;
        path->release(msg);
        return true;
    }
};

/// Datagrams of `n` messages from ids `first_id`..: 1 KB whole messages and 9 KB messages in
/// 1500-octet segments (shuffled within each message), from 4 exporters, some invalid.
struct workload {
    std::vector<test::stored_datagram> stored;
    std::vector<datagram> views;
    std::uint64_t n_messages = 0;

    workload(std::uint32_t first_id, std::uint32_t n)
    {
        std::mt19937 rng(first_id);
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t id = first_id + i;
            const auto src = test::ep(i % 2 == 0 ? "192.0.2.1" : "2001:db8::1",
                                      static_cast<std::uint16_t>(40000 + i % 4));
            std::vector<std::vector<std::uint8_t>> segs;
            if (i % 3 == 0) {
                segs = udpnotif::encode_segments(test::params(1, id),
                                                 test::make_payload(9000, id), 1500);
                std::shuffle(segs.begin(), segs.end(), rng);
            } else {
                segs.push_back(
                    udpnotif::encode_message(test::params(1, id), test::make_payload(1000, id)));
            }
            for (auto& s : segs) {
                test::stored_datagram d;
                d.bytes = std::move(s);
                d.src = src;
                d.rx_ns = 1'000'000 + std::uint64_t{id} * 10;
                stored.push_back(std::move(d));
            }
            ++n_messages;
            if (i % 50 == 0) {
                test::stored_datagram bad;
                bad.bytes = {0x21, 0x0c};
                bad.src = src;
                bad.rx_ns = 1'000'000 + std::uint64_t{id} * 10;
                stored.push_back(std::move(bad));
            }
        }
        for (const auto& s : stored) {
            views.push_back(s.view());
        }
    }
};

} // namespace

TEST(RxPathNoAlloc, SteadyStateAllocatesNothing)
{
    rx_path_config cfg;
    cfg.pool.classes = {{2048, 64}, {16384, 64}};
    cfg.reassembly.max_pending_messages = 256;
    cfg.source_allowlist = {"192.0.2.0/24", "2001:db8::/32"};
    rx_path path(cfg);
    std::uint64_t n = 0;

    const workload warm(1, 3000);
    const workload steady(10'000, 3000);
    path.process_batch(datagram_batch{warm.views}, release_sink{&path, &n});
    ASSERT_EQ(n, warm.n_messages);

    n = 0;
    const std::uint64_t allocs = test::allocations_during(
        [&] { path.process_batch(datagram_batch{steady.views}, release_sink{&path, &n}); });
    EXPECT_EQ(allocs, 0u);
    EXPECT_EQ(n, steady.n_messages);
    EXPECT_EQ(path.pool().n_free(), path.pool().n_buffers());
    EXPECT_GT(path.parse_stats().rejected_total(), 0u);
}

TEST(RxPathNoAlloc, DropPathsAllocateNothing)
{
    rx_path_config cfg;
    cfg.pool.classes = {{2048, 1}};
    cfg.source_allowlist = {"192.0.2.0/24"};
    rx_path path(cfg);
    std::uint64_t n = 0;
    const workload warm(1, 300);
    path.process_batch(datagram_batch{warm.views}, release_sink{&path, &n}); // table warm-up
    const workload w(10'000, 300);
    std::vector<message_buffer*> held;
    held.reserve(1);
    // Hold the only buffer: everything else hits pool_exhausted / oversize / not_allowed.
    const std::uint64_t allocs = test::allocations_during([&] {
        for (const datagram& d : w.views) {
            if (message_buffer* msg = path.process(d)) {
                held.push_back(msg);
            }
        }
    });
    EXPECT_EQ(allocs, 0u);
    EXPECT_EQ(held.size(), 1u);
    EXPECT_GT(path.stats().pool_exhausted, 0u);
    EXPECT_GT(path.stats().oversize, 0u);
    EXPECT_GT(path.stats().not_allowed, 0u);
    for (auto* msg : held) {
        path.release(msg);
    }
}
