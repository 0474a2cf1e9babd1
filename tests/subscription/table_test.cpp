// subscription::table: state changes (PROTOCOL.md §4), per-exporter keys, eviction, lookups.
#include "fixtures.hpp"
#include "subscription/table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::subscription;
using udpn::test::addr;
using udpn::test::notifications;
using yangpush::notification_kind;

namespace {
const net::ip_address pe1 = addr("192.0.2.10");
const net::ip_address pe2 = addr("2001:db8::20");

std::size_t kind_index(notification_kind k)
{
    return static_cast<std::size_t>(k) -
           static_cast<std::size_t>(notification_kind::subscription_started);
}
} // namespace

// PROTOCOL.md §4: every composed example, applied in order.
TEST(SubscriptionTable, AppliesEveryComposedExample)
{
    table t;
    notifications n;
    auto r = t.apply(pe1, n.state("subscription-started", test::started_1042,
                                  "2026-03-01T09:59:00Z"), 1000);
    ASSERT_EQ(r.status, apply_status::applied);
    EXPECT_EQ(r.kind, change_kind::added);
    EXPECT_TRUE(r.needs_key_resolution());
    ASSERT_NE(r.sub, nullptr);
    EXPECT_EQ(r.sub->info.id, 1042u);
    EXPECT_EQ(r.sub->info.filter_text, "/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(r.sub->info.last_event_time, "2026-03-01T09:59:00Z");
    EXPECT_EQ(r.sub->updated_ms, 1000u);
    EXPECT_EQ(r.sub->exporter, pe1);

    r = t.apply(pe1, n.state("subscription-started", test::started_2001));
    EXPECT_EQ(r.kind, change_kind::added);
    EXPECT_EQ(r.sub->info.filter, yangpush::filter_kind::subtree);
    r = t.apply(pe1, n.state("subscription-started", test::started_3));
    EXPECT_EQ(r.kind, change_kind::added);
    EXPECT_EQ(r.sub->info.target, yangpush::target_kind::stream);
    EXPECT_EQ(t.size(), 3u);

    r = t.apply(pe1, n.state("subscription-modified", test::modified_1042));
    ASSERT_EQ(r.status, apply_status::applied);
    EXPECT_EQ(r.kind, change_kind::modified);
    EXPECT_EQ(r.fields, field_trigger_params); // period 3000 → 6000, anchor-time dropped
    EXPECT_FALSE(r.needs_key_resolution());
    EXPECT_EQ(r.sub->info.period, 6000u);
    EXPECT_EQ(r.sub->info.transport, "ietf-udp-notif-transport:udp-notif"); // kept
    EXPECT_EQ(r.sub->info.modules.size(), 1u);                              // kept

    r = t.apply(pe1, n.state("subscription-terminated", test::terminated_1042));
    EXPECT_EQ(r.kind, change_kind::removed);
    EXPECT_EQ(r.reason, yangpush::subscription_reason::filter_unavailable);
    EXPECT_EQ(r.sub, nullptr);
    EXPECT_TRUE(r.needs_key_resolution());
    EXPECT_EQ(t.find(pe1, 1042), nullptr);

    r = t.apply(pe1, n.state("subscription-suspended", test::suspended_2001));
    EXPECT_EQ(r.kind, change_kind::suspended);
    EXPECT_EQ(r.reason, yangpush::subscription_reason::update_too_big);
    EXPECT_EQ(r.fields, field_state);
    EXPECT_FALSE(r.needs_key_resolution());
    ASSERT_NE(t.find(pe1, 2001), nullptr);
    EXPECT_TRUE(t.find(pe1, 2001)->suspended);
    EXPECT_EQ(t.find(pe1, 2001)->suspend_reason, yangpush::subscription_reason::update_too_big);

    r = t.apply(pe1, n.state("subscription-resumed", test::resumed_2001));
    EXPECT_EQ(r.kind, change_kind::resumed);
    EXPECT_FALSE(t.find(pe1, 2001)->suspended);
    EXPECT_EQ(t.find(pe1, 2001)->suspend_reason, yangpush::subscription_reason::none);

    // RFC 8639 §2.7.6: replay-completed ends the replay, not the subscription.
    r = t.apply(pe1, n.state("replay-completed", test::replay_completed_3));
    EXPECT_EQ(r.status, apply_status::applied);
    EXPECT_EQ(r.kind, change_kind::none);
    EXPECT_NE(t.find(pe1, 3), nullptr);

    EXPECT_EQ(t.size(), 2u);
    const table_stats& s = t.stats();
    EXPECT_EQ(s.subscriptions, 2u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::subscription_started)], 3u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::subscription_modified)], 1u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::subscription_terminated)], 1u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::subscription_suspended)], 1u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::subscription_resumed)], 1u);
    EXPECT_EQ(s.state_changes[kind_index(notification_kind::replay_completed)], 1u);
    EXPECT_EQ(s.changes[static_cast<std::size_t>(change_kind::added)], 3u);
    EXPECT_EQ(s.terminated_reasons[static_cast<std::size_t>(
                  yangpush::subscription_reason::filter_unavailable)],
              1u);
    EXPECT_EQ(s.suspended_reasons[static_cast<std::size_t>(
                  yangpush::subscription_reason::update_too_big)],
              1u);
}

TEST(SubscriptionTable, RunsTheLifecycleStartedModifiedTerminatedCompleted)
{
    table t;
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    // A -modified that changes the filter needs new keys / topics.
    auto r = t.apply(pe1, n.state("subscription-modified",
                                  R"({"id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",
                                      "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces",
                                      "ietf-yang-push:periodic": {"period": 3000, "anchor-time": "2026-01-01T00:00:00Z"}})"));
    EXPECT_EQ(r.kind, change_kind::modified);
    EXPECT_EQ(r.fields, field_filter);
    EXPECT_TRUE(r.needs_key_resolution());
    // A module revision change means schema re-resolution (MBI §6).
    r = t.apply(pe1, n.state("subscription-modified",
                             R"({"id": 1042, "ietf-yang-push-revision:module-version": [
                                 {"name": "ietf-interfaces", "revision": "2024-01-01"}]})"));
    EXPECT_EQ(r.fields, field_modules);
    EXPECT_TRUE(r.needs_key_resolution());
    // Periodic → on-change changes the topic type (§8).
    r = t.apply(pe1, n.state("subscription-modified",
                             R"({"id": 1042, "ietf-yang-push:on-change": {"sync-on-start": false}})"));
    EXPECT_EQ(r.fields, field_trigger | field_trigger_params);
    EXPECT_EQ(r.sub->info.trigger, yangpush::trigger_kind::on_change);
    EXPECT_FALSE(r.sub->info.period.has_value());
    EXPECT_EQ(r.sub->info.filter_text, "/ietf-interfaces:interfaces"); // kept from before
    // Same started again: replaced, and nothing differs from the original.
    r = t.apply(pe1, n.state("subscription-started", test::started_1042));
    EXPECT_EQ(r.kind, change_kind::replaced);
    EXPECT_NE(r.fields & field_filter, 0);
    r = t.apply(pe1, n.state("subscription-started", test::started_1042));
    EXPECT_EQ(r.kind, change_kind::replaced);
    EXPECT_EQ(r.fields, 0);
    EXPECT_FALSE(r.needs_key_resolution());
    // §4: delete on -completed as on -terminated.
    r = t.apply(pe1, n.state("subscription-completed", R"({"id": 1042})"));
    EXPECT_EQ(r.kind, change_kind::removed);
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.stats().subscriptions, 0u);
}

// PROTOCOL.md §4 "key: exporter identity + id": the same id from two exporters is two entries.
TEST(SubscriptionTable, SeparatesExporters)
{
    table t;
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    t.apply(pe2, n.state("subscription-started",
                         R"({"id": 1042, "stream": "NETCONF", "encoding": "encode-xml"})"));
    ASSERT_NE(t.find(pe1, 1042), nullptr);
    ASSERT_NE(t.find(pe2, 1042), nullptr);
    EXPECT_EQ(t.find(pe1, 1042)->info.target, yangpush::target_kind::datastore);
    EXPECT_EQ(t.find(pe2, 1042)->info.target, yangpush::target_kind::stream);
    EXPECT_EQ(t.find(addr("192.0.2.11"), 1042), nullptr);
    EXPECT_EQ(t.find(pe1, 1043), nullptr);
    // An IPv4-mapped look-alike is another exporter.
    EXPECT_EQ(t.find(addr("::ffff:192.0.2.10"), 1042), nullptr);
    t.apply(pe2, n.state("subscription-terminated", R"({"id": 1042})"));
    EXPECT_NE(t.find(pe1, 1042), nullptr);
    EXPECT_EQ(t.find(pe2, 1042), nullptr);
}

TEST(SubscriptionTable, CountsStateChangesForUnknownSubscriptions)
{
    table t;
    notifications n;
    for (const char* local : {"subscription-terminated", "subscription-suspended",
                              "subscription-resumed", "subscription-completed",
                              "replay-completed"}) {
        const auto r = t.apply(pe1, n.state(local, R"({"id": 5})"));
        EXPECT_EQ(r.status, apply_status::unknown_subscription) << local;
        EXPECT_EQ(r.kind, change_kind::none);
    }
    EXPECT_EQ(t.stats().statuses[static_cast<std::size_t>(apply_status::unknown_subscription)], 5u);
    // -modified for a subscription we never saw started (the receiver started late, §1.3).
    const auto r = t.apply(pe1, n.state("subscription-modified", test::modified_1042));
    EXPECT_EQ(r.kind, change_kind::added);
    EXPECT_EQ(t.stats().modified_unknown, 1u);
    EXPECT_EQ(t.find(pe1, 1042)->info.period, 6000u);
}

TEST(SubscriptionTable, LeavesTheTableUnchangedWhenContentsDoNotParse)
{
    table t;
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    auto r = t.apply(pe1, n.state("subscription-modified",
                                  R"({"id": 1042, "ietf-yang-push:periodic": {"anchor-time": "x"}})"));
    EXPECT_EQ(r.status, apply_status::parse_failed);
    EXPECT_EQ(r.parse_error, yangpush::subscription_parse_error::missing_mandatory);
    EXPECT_EQ(t.find(pe1, 1042)->info.period, 3000u);
    r = t.apply(pe1, n.state("subscription-started", R"({"id": 1042, "dscp": 99})"));
    EXPECT_EQ(r.status, apply_status::parse_failed);
    EXPECT_EQ(t.find(pe1, 1042)->info.period, 3000u);
    r = t.apply(pe1, n.state("subscription-started", R"({"stream": "NETCONF"})"));
    EXPECT_EQ(r.status, apply_status::missing_id);
    EXPECT_EQ(r.parse_error, yangpush::subscription_parse_error::missing_id);
    r = t.apply(pe1, n.state("subscription-suspended", R"({"reason": "x"})"));
    EXPECT_EQ(r.status, apply_status::missing_id);
    r = t.apply(pe1, n.state("subscription-modified", R"({"id": 1042, "dscp": [1]})"));
    EXPECT_EQ(r.status, apply_status::parse_failed);
    EXPECT_EQ(r.parse_error, yangpush::subscription_parse_error::bad_member_type);
    EXPECT_EQ(t.stats().statuses[static_cast<std::size_t>(apply_status::parse_failed)], 3u);
    EXPECT_EQ(t.stats().statuses[static_cast<std::size_t>(apply_status::missing_id)], 2u);
    EXPECT_EQ(t.parser_stats().failed[static_cast<std::size_t>(
                  yangpush::subscription_parse_error::missing_mandatory)],
              1u);
    // Data notifications are not state changes.
    r = t.apply(pe1, n.decode("ietf-yang-push:push-update", test::push_update_1042));
    EXPECT_EQ(r.status, apply_status::not_state_change);
    EXPECT_EQ(t.size(), 1u);
}

// Bounded: beyond max_subscriptions the least recently used one goes, counted and reported.
TEST(SubscriptionTable, EvictsTheLeastRecentlyUsedWhenFull)
{
    table_config c;
    c.max_subscriptions = 3;
    table t(c);
    notifications n;
    auto start = [&](std::uint32_t id) {
        return t.apply(pe1, n.state("subscription-started",
                                    R"({"id": )" + std::to_string(id) + R"(, "stream": "NETCONF"})"));
    };
    start(1);
    start(2);
    start(3);
    ASSERT_NE(t.find(pe1, 1), nullptr); // 1 used: 2 is now the least recently used
    auto r = start(4);
    EXPECT_EQ(r.kind, change_kind::added);
    EXPECT_TRUE(r.evicted);
    EXPECT_EQ(r.evicted_exporter, pe1);
    EXPECT_EQ(r.evicted_id, 2u);
    EXPECT_TRUE(r.needs_key_resolution());
    EXPECT_EQ(t.find(pe1, 2), nullptr);
    EXPECT_NE(t.find(pe1, 1), nullptr);
    EXPECT_NE(t.find(pe1, 3), nullptr);
    EXPECT_NE(t.find(pe1, 4), nullptr);
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.stats().evicted, 1u);
    // A removal frees a slot: no eviction for the next one.
    t.apply(pe1, n.state("subscription-terminated", R"({"id": 3})"));
    r = start(5);
    EXPECT_FALSE(r.evicted);
    EXPECT_EQ(t.size(), 3u);
    // Many more: the table stays at its bound and keeps answering correctly.
    for (std::uint32_t id = 100; id < 200; ++id) {
        start(id);
    }
    EXPECT_EQ(t.size(), 3u);
    EXPECT_NE(t.find(pe1, 199), nullptr);
    EXPECT_NE(t.find(pe1, 198), nullptr);
    EXPECT_NE(t.find(pe1, 197), nullptr);
    EXPECT_EQ(t.find(pe1, 196), nullptr);
    EXPECT_EQ(t.stats().evicted, 101u);
    std::vector<std::uint32_t> order;
    t.for_each([&](const entry& s) { order.push_back(s.info.id); });
    EXPECT_EQ(order, (std::vector<std::uint32_t>{199, 198, 197})); // least recently used first
}

// §11.7 and §4.2: the per-message lookup.
TEST(SubscriptionTable, LooksUpDataNotifications)
{
    table t;
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    const entry* s =
        t.on_data(pe1, n.decode("ietf-yang-push:push-update", test::push_update_1042,
                                "2026-03-01T10:00:00.12Z"));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->info.id, 1042u);
    EXPECT_EQ(s->info.last_event_time, "2026-03-01T10:00:00.12Z");
    EXPECT_EQ(s->data_messages, 1u);
    EXPECT_EQ(t.stats().publisher_not_listed, 0u);

    // Publisher ID 7 is not in [1, 2].
    t.on_data(pe1, n.decode("ietf-yang-push:push-update",
                            R"({"id": 1042, "ietf-distributed-notif:message-publisher-id": 7})"));
    EXPECT_EQ(t.stats().publisher_not_listed, 1u);
    // Unknown subscription (data before subscription-started, §11.7).
    EXPECT_EQ(t.on_data(pe2, n.decode("ietf-yang-push:push-update", test::push_update_1042)),
              nullptr);
    EXPECT_EQ(t.on_data(pe1, n.decode("ietf-yang-push:push-update", R"({"id": 9})")), nullptr);
    EXPECT_EQ(t.on_data(pe1, n.decode("ietf-yang-push:push-update", R"({"x": 9})")), nullptr);
    // An absurdly long event time is not recorded (no allocation on this path).
    t.on_data(pe1, n.decode("ietf-yang-push:push-update", R"({"id": 1042})",
                            std::string(100, '9')));
    EXPECT_EQ(t.find(pe1, 1042)->info.last_event_time, "2026-03-01T10:00:00.12Z");
    const table_stats& st = t.stats();
    EXPECT_EQ(st.data_messages, 6u);
    EXPECT_EQ(st.unknown_subscription, 2u);
    EXPECT_EQ(st.data_without_id, 1u);
    EXPECT_EQ(st.event_time_too_long, 1u);
    // The last event time survives a -modified and a started replacement.
    t.apply(pe1, n.state("subscription-modified", test::modified_1042));
    EXPECT_EQ(t.find(pe1, 1042)->info.last_event_time, "2026-03-01T10:00:00.12Z");
}

TEST(SubscriptionTable, ClearsAndRejectsBadConfigs)
{
    table t;
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    t.clear();
    EXPECT_EQ(t.size(), 0u);
    EXPECT_EQ(t.find(pe1, 1042), nullptr);
    t.apply(pe1, n.state("subscription-started", test::started_1042));
    EXPECT_EQ(t.size(), 1u);
    table_config zero;
    zero.max_subscriptions = 0;
    EXPECT_THROW(table{zero}, std::invalid_argument);
    table_config no_streams;
    no_streams.max_sequence_streams = 0;
    EXPECT_THROW(table{no_streams}, std::invalid_argument);
}
