// STYLE.md §4 rule 4: after warm-up, reassembly and gap accounting allocate nothing.
#include "alloc_counter.hpp"
#include "reassembly/gap_tracker.hpp"
#include "reassembly/table.hpp"

#include "segment_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace udpn;
using namespace udpn::reassembly;
using udpn::test::datagram;
using udpn::test::make_payload;

namespace {

/// Parsed datagrams of `n_messages` messages with mixed segment counts (2..38), arrival orders
/// (in order, reversed, random) and duplicates, interleaved in groups of `concurrency`.
/// \p largest_only: every message has 38 segments and arrives in random order.
struct workload {
    std::vector<datagram> bytes;
    std::vector<udpnotif::header_view> headers; // into `bytes`
    std::uint64_t n_messages = 0;

    workload(std::uint32_t first_id, std::uint32_t n, std::size_t concurrency,
             bool largest_only = false)
    {
        n_messages = n;
        std::vector<std::vector<datagram>> group;
        for (std::uint32_t m = 0; m < n; ++m) {
            const std::size_t n_segments = largest_only ? 38 : 2 + m % 7 * 6; // 2..38
            const auto payload = make_payload(n_segments * 1000 - m % 100, m);
            auto segs = test::split(test::params(m % 4, first_id + m), payload, n_segments);
            std::vector<datagram> ordered;
            const auto o = largest_only ? test::order::random : static_cast<test::order>(m % 3);
            const auto idx = test::arrival(segs.size(), o, m);
            for (std::size_t j = 0; j < idx.size(); ++j) {
                ordered.push_back(segs[idx[j]]);
                // A duplicate, except of the completing segment: after completion the state is
                // gone and a copy would start a new set (that only expiry removes).
                if (idx[j] % 5 == 1 && j + 1 < idx.size()) {
                    ordered.push_back(segs[idx[j]]);
                }
            }
            group.push_back(std::move(ordered));
            if (group.size() == concurrency || m + 1 == n) {
                // Round-robin across the group: segments of `concurrency` messages interleave.
                for (std::size_t k = 0;; ++k) {
                    bool any = false;
                    for (auto& g : group) {
                        if (k < g.size()) {
                            bytes.push_back(std::move(g[k]));
                            any = true;
                        }
                    }
                    if (!any) {
                        break;
                    }
                }
                group.clear();
            }
        }
        headers.reserve(bytes.size());
        for (const auto& d : bytes) {
            headers.push_back(test::header_of(d));
        }
    }
};

} // namespace

TEST(ReassemblyNoAlloc, SteadyStateReassemblyAllocatesNothing)
{
    reassembly_config cfg;
    cfg.max_pending_messages = 256;
    table table(cfg);
    const net::endpoint src{net::ip_address::v4(0xc0000201u), 40000};
    const net::endpoint dst{net::ip_address::v4(0xc6336401u), 12345};

    // Warm-up: as many concurrent messages as the measured traffic has (50), all of the
    // largest size and out of order, so every entry that traffic can reach (the table hands out
    // the most recently freed entries first) and the shared output buffer reach their final
    // size. Then 2000 mixed messages, other ids, must not allocate.
    const workload warm(1, 50, 50, true);
    const workload measured(100000, 2000, 50);

    std::uint64_t now = 0;
    std::uint64_t n_complete = 0;
    auto run = [&](const workload& w) {
        for (const auto& h : w.headers) {
            const verdict v = table.accept(src, dst, h, ++now);
            n_complete += v == verdict::complete ? 1u : 0u;
        }
    };
    // The warm-up does allocate (the arenas grow): proof that the counter is live.
    EXPECT_GT(test::allocations_during([&] { run(warm); }), 0u);
    ASSERT_EQ(n_complete, warm.n_messages);
    n_complete = 0;

    const std::uint64_t n_alloc = test::allocations_during([&] { run(measured); });
    EXPECT_EQ(n_alloc, 0u);
    EXPECT_EQ(n_complete, measured.n_messages);
    EXPECT_GT(table.stats().count(verdict::duplicate), 0u);
    EXPECT_EQ(table.stats().pending_messages, 0u);
    EXPECT_EQ(table.stats().evicted_full + table.stats().evicted_memory, 0u);

    // Expiry allocates nothing either.
    const workload partial(500000, 40, 40);
    const std::uint64_t n_alloc_expiry = test::allocations_during([&] {
        for (std::size_t k = 0; k < partial.headers.size() / 2; ++k) {
            (void)table.accept(src, dst, partial.headers[k], ++now);
        }
        table.expire(now + cfg.timeout_ns + 1);
        table.expire_all();
    });
    EXPECT_EQ(n_alloc_expiry, 0u);
}

TEST(ReassemblyNoAlloc, WholeMessagesAllocateNothing)
{
    table table(reassembly_config{});
    const auto d = udpnotif::encode_message(test::params(1, 1), make_payload(1000));
    const auto h = test::header_of(d);
    const net::endpoint ep{net::ip_address::v4(0x7f000001u), 1};
    const std::uint64_t n_alloc = test::allocations_during([&] {
        for (int k = 0; k < 1000; ++k) {
            (void)table.accept(ep, ep, h, 0);
        }
    });
    EXPECT_EQ(n_alloc, 0u);
}

TEST(GapTrackerNoAlloc, ObserveAllocatesNothing)
{
    gap_tracker gaps(128);
    const std::uint64_t n_alloc = test::allocations_during([&] {
        for (std::uint32_t id = 0; id < 20000; ++id) {
            // 300 streams over 128 slots: misses, evictions, gaps, late ids and duplicates.
            const net::endpoint src{net::ip_address::v4(0x0a000000u + id % 300), 4000};
            gaps.observe(src, id % 5, id / 300 * 2 + (id % 7 == 0 ? 0u : 1u));
        }
    });
    EXPECT_EQ(n_alloc, 0u);
    EXPECT_GT(gaps.stats().streams_evicted, 0u);
}
