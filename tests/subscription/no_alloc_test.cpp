// STYLE.md §4 rule 4: after warm-up, the per-message calls allocate nothing: find(), on_data()
// and sequence accounting.
#include "alloc_counter.hpp"
#include "fixtures.hpp"
#include "subscription/table.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::subscription;
using udpn::test::addr;
using udpn::test::notifications;

TEST(SubscriptionNoAlloc, LookupsAndSequenceAccountingAllocateNothing)
{
    table_config c;
    c.max_subscriptions = 64;
    c.max_sequence_streams = 64;
    table t(c);
    notifications n;
    std::vector<net::ip_address> exporters;
    for (int e = 0; e < 4; ++e) {
        exporters.push_back(addr(("192.0.2." + std::to_string(e + 1)).c_str()));
        for (std::uint32_t id = 1; id <= 8; ++id) {
            t.apply(exporters.back(),
                    n.state("subscription-started",
                            R"({"id": )" + std::to_string(id) +
                                R"(, "ietf-yang-push:datastore": "ietf-datastores:operational",
                                  "ietf-yang-push:datastore-xpath-filter": "/a:b",
                                  "ietf-yang-push:periodic": {"period": 100},
                                  "ietf-distributed-notif:message-publisher-id": [1, 2]})"));
        }
    }
    ASSERT_EQ(t.size(), 32u);

    // Data notifications decoded up front, one decoder each: a view's unescaped strings live in
    // its decoder until the next decode (the decoder's own reuse is tested in yangpush).
    struct decoded {
        std::string buf;
        std::unique_ptr<yangpush::json_decoder> dec = std::make_unique<yangpush::json_decoder>();
        yangpush::notification_view view;
    };
    std::vector<decoded> data;
    for (std::uint32_t id = 1; id <= 10; ++id) { // 9 and 10: unknown subscriptions
        decoded d;
        const std::string doc =
            R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00.)" +
            std::to_string(10 + id) + R"(Z", "sequence-number": 5, "contents": {"ietf-yang-push:push-update": {"id": )" +
            std::to_string(id) + R"(, "ietf-distributed-notif:message-publisher-id": )" +
            std::to_string(id % 3) + R"(, "datastore-contents": {}}}}})";
        d.buf = doc + std::string(yangpush::required_padding, '\0');
        data.push_back(std::move(d));
    }
    for (auto& d : data) {
        auto r = d.dec->decode(std::string_view(d.buf.data(), d.buf.size() - yangpush::required_padding));
        ASSERT_TRUE(r.ok());
        d.view = r.value();
    }

    auto run = [&](std::uint32_t round) {
        for (std::uint32_t k = 0; k < 64; ++k) {
            const net::ip_address& e = exporters[k % exporters.size()];
            const decoded& d = data[k % data.size()];
            (void)t.on_data(e, d.view);
            (void)t.find(e, k % 12);
            (void)t.observe_sequence(e, k % 3, round * 3 + k % 5); // gaps, duplicates, late
        }
    };
    run(0); // warm-up
    const std::uint64_t allocs = test::allocations_during([&] {
        for (std::uint32_t round = 1; round < 2000; ++round) {
            run(round);
        }
    });
    EXPECT_EQ(allocs, 0u);
    EXPECT_GT(t.stats().unknown_subscription, 0u);
    EXPECT_GT(t.stats().publisher_not_listed, 0u);
    EXPECT_GT(t.sequences().count(seq_verdict::gap) + t.sequences().count(seq_verdict::duplicate), 0u);
    EXPECT_EQ(t.find(exporters[0], 3)->info.last_event_time.size(), 23u);
}

TEST(SubscriptionNoAlloc, SequenceTrackerEvictionAllocatesNothing)
{
    sequence_tracker s(8);
    s.observe(addr("192.0.2.1"), 0, 1);
    const net::ip_address a = addr("192.0.2.1");
    const std::uint64_t allocs = test::allocations_during([&] {
        for (std::uint32_t p = 0; p < 10000; ++p) {
            s.observe(a, p % 100, p); // 100 streams through 8 slots
        }
    });
    EXPECT_EQ(allocs, 0u);
    EXPECT_GT(s.stats().streams_evicted, 0u);
}
