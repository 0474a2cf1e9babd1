// subscription_parser: contents of subscription state change notifications (PROTOCOL.md §4,
// §4.1, §4.2, §11.10, §11.27).
#include "padded.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/subscription_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

using namespace udpn;
using namespace udpn::yangpush;

namespace {

// PROTOCOL.md §4 composed examples (the contents, i.e. the notification member's value).
constexpr std::string_view started_periodic = R"({
  "id": 1042,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
  "transport": "ietf-udp-notif-transport:udp-notif",
  "encoding": "encode-json",
  "ietf-yang-push:periodic": {"period": 3000, "anchor-time": "2026-01-01T00:00:00Z"},
  "ietf-yang-push-revision:module-version": [
    {"name": "ietf-interfaces", "revision": "2018-02-20", "version": "1.0.0"}],
  "ietf-yang-push-revision:yang-library-content-id": "41c3a2",
  "ietf-distributed-notif:message-publisher-id": [1, 2]})";

constexpr std::string_view started_on_change = R"({
  "id": 2001,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-subtree-filter": {
    "ietf-hardware:hardware": {"component": [{"state": {}}]}},
  "transport": "ietf-udp-notif-transport:udp-notif",
  "encoding": "encode-json",
  "ietf-yang-push:on-change": {"dampening-period": 100, "sync-on-start": true}})";

constexpr std::string_view started_stream = R"({
  "id": 3,
  "stream": "NETCONF",
  "stream-xpath-filter": "/ietf-hardware:hardware-state-oper-disabled",
  "encoding": "encode-json"})";

constexpr std::string_view modified_1042 = R"({
  "id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
  "ietf-yang-push:periodic": {"period": 6000}})";

subscription_info parse_ok(subscription_parser& p, std::string_view contents)
{
    auto r = p.parse(contents);
    EXPECT_TRUE(r.ok()) << to_string(r.error());
    return r.ok() ? r.value() : subscription_info{};
}

} // namespace

// PROTOCOL.md §4 example 1: datastore xpath, periodic, VERS and DIST augments.
TEST(SubscriptionParser, ReadsThePeriodicXpathExampleWithVersAndDist)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, started_periodic);
    EXPECT_EQ(s.id, 1042u);
    EXPECT_EQ(s.target, target_kind::datastore);
    EXPECT_EQ(s.target_value, "ietf-datastores:operational");
    EXPECT_EQ(s.target_form, identity_form::qualified);
    EXPECT_EQ(s.filter, filter_kind::xpath);
    EXPECT_EQ(s.filter_text, "/ietf-interfaces:interfaces/interface");
    EXPECT_TRUE(s.filter_ref.empty());
    EXPECT_EQ(s.transport, "ietf-udp-notif-transport:udp-notif");
    EXPECT_EQ(s.transport_form, identity_form::qualified);
    EXPECT_EQ(s.encoding, "encode-json"); // §11.27: kept as sent, the envelope adds the module
    EXPECT_EQ(s.encoding_form, identity_form::unqualified);
    EXPECT_EQ(s.trigger, trigger_kind::periodic);
    EXPECT_EQ(s.period, 3000u);
    EXPECT_EQ(s.anchor_time, "2026-01-01T00:00:00Z");
    EXPECT_FALSE(s.effective_sync_on_start());
    ASSERT_EQ(s.modules.size(), 1u);
    EXPECT_EQ(s.modules[0], (module_version{"ietf-interfaces", "2018-02-20", "1.0.0"}));
    EXPECT_EQ(s.modules_form, module_list_form::current);
    EXPECT_EQ(s.yang_library_content_id, "41c3a2");
    EXPECT_EQ(s.publisher_ids, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_TRUE(s.last_event_time.empty());
    EXPECT_EQ(p.stats().parsed, 1u);
    EXPECT_EQ(p.stats().unknown_members, 0u);
    EXPECT_EQ(p.stats().unqualified_augments, 0u);
}

// PROTOCOL.md §4 example 2: subtree filter kept as raw JSON text, on-change with sync-on-start.
TEST(SubscriptionParser, KeepsTheSubtreeFilterAsRawJson)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, started_on_change);
    EXPECT_EQ(s.id, 2001u);
    EXPECT_EQ(s.filter, filter_kind::subtree);
    EXPECT_EQ(s.filter_text, R"({
    "ietf-hardware:hardware": {"component": [{"state": {}}]}})");
    EXPECT_EQ(s.trigger, trigger_kind::on_change);
    EXPECT_EQ(s.dampening_period, 100u);
    EXPECT_EQ(s.sync_on_start, true);
    EXPECT_TRUE(s.effective_sync_on_start());
    EXPECT_FALSE(s.period.has_value());
    EXPECT_TRUE(s.modules.empty());
    EXPECT_EQ(s.modules_form, module_list_form::none);
}

// PROTOCOL.md §4 example 3: a stream subscription has no update trigger (§11.20).
TEST(SubscriptionParser, ReadsTheStreamCase)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, started_stream);
    EXPECT_EQ(s.id, 3u);
    EXPECT_EQ(s.target, target_kind::stream);
    EXPECT_EQ(s.target_value, "NETCONF");
    EXPECT_EQ(s.target_form, identity_form::absent); // a stream name is not an identity
    EXPECT_EQ(s.filter, filter_kind::xpath);
    EXPECT_EQ(s.filter_text, "/ietf-hardware:hardware-state-oper-disabled");
    EXPECT_EQ(s.trigger, trigger_kind::none);
    EXPECT_TRUE(s.transport.empty());
    EXPECT_EQ(s.transport_form, identity_form::absent);
}

TEST(SubscriptionParser, ReadsTheModifiedExample)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, modified_1042);
    EXPECT_EQ(s.id, 1042u);
    EXPECT_EQ(s.period, 6000u);
    EXPECT_TRUE(s.anchor_time.empty());
    EXPECT_TRUE(s.transport.empty());
}

// PROTOCOL.md §4: the other state changes carry `id` and, for -terminated / -suspended, `reason`.
TEST(SubscriptionParser, ReadsReasonsOfTerminatedAndSuspended)
{
    subscription_parser p;
    auto t = p.parse_reason(
        R"({"id": 1042, "reason": "ietf-subscribed-notifications:filter-unavailable"})");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->id, 1042u);
    EXPECT_EQ(t->reason, subscription_reason::filter_unavailable);
    auto s = p.parse_reason(R"({"id": 2001, "reason": "ietf-yang-push:update-too-big"})");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->id, 2001u);
    EXPECT_EQ(s->reason, subscription_reason::update_too_big);
    auto r = p.parse_reason(R"({"id": 2001})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->reason, subscription_reason::none);
    auto c = p.parse_reason(R"({"id": 3})");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->id, 3u);
    auto vendor = p.parse_reason(R"({"reason": "acme:too-hot", "id": 5})");
    ASSERT_TRUE(vendor.ok());
    EXPECT_EQ(vendor->reason, subscription_reason::other);
    EXPECT_EQ(p.stats().reasons, 5u);
}

TEST(SubscriptionParser, MapsEveryReasonIdentityBothWays)
{
    for (std::size_t i = 1; i + 1 < n_subscription_reasons; ++i) {
        const auto r = static_cast<subscription_reason>(i);
        const std::string qualified = to_string(r);
        EXPECT_EQ(reason_from_identity(qualified), r) << qualified;
        const std::string local = qualified.substr(qualified.find(':') + 1);
        EXPECT_EQ(reason_from_identity(local), r) << local;
        const bool yp = qualified.starts_with("ietf-yang-push:");
        EXPECT_EQ(reason_from_identity((yp ? "yp:" : "sn:") + local), r); // §11.10 XML prefix
    }
    EXPECT_EQ(reason_from_identity(""), subscription_reason::none);
    EXPECT_EQ(reason_from_identity("ietf-yang-push:filter-unavailable"), subscription_reason::other);
}

TEST(SubscriptionParser, AcceptsMembersInAnyOrderAndCountsUnknownOnes)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, R"({
      "ietf-yang-push:periodic": {"period": 500, "x-vendor": 1},
      "acme-ext:colour": {"deep": [1, 2, {"x": null}]},
      "ietf-yang-push:datastore-xpath-filter": "/ietf-system:system",
      "purpose": "audit \"q\"",
      "weird": true,
      "ietf-yang-push:datastore": "ietf-datastores:running",
      "id": "77"})");
    EXPECT_EQ(s.id, 77u); // uint32 as a string of digits is accepted
    EXPECT_EQ(s.period, 500u);
    EXPECT_EQ(s.target_value, "ietf-datastores:running");
    EXPECT_EQ(s.purpose, "audit \"q\"");
    EXPECT_EQ(p.stats().unknown_members, 3u);
}

// RFC 8641: sync-on-start defaults to true, dampening-period to 0; absent stays absent here.
TEST(SubscriptionParser, AppliesTheSyncOnStartDefault)
{
    subscription_parser p;
    const subscription_info s = parse_ok(
        p, R"({"id": 9, "ietf-yang-push:datastore": "ietf-datastores:operational",
               "ietf-yang-push:on-change": {}})");
    EXPECT_EQ(s.trigger, trigger_kind::on_change);
    EXPECT_FALSE(s.sync_on_start.has_value());
    EXPECT_FALSE(s.dampening_period.has_value());
    EXPECT_TRUE(s.effective_sync_on_start());
    const subscription_info off = parse_ok(
        p, R"({"id": 9, "ietf-yang-push:on-change": {"sync-on-start": false,
               "excluded-change": ["delete", "move", "bogus"]}})");
    EXPECT_FALSE(off.effective_sync_on_start());
    EXPECT_EQ(off.excluded_changes, excluded_delete | excluded_move);
}

// PROTOCOL.md §4.1: older drafts key the list by module-name and call version revision-label.
TEST(SubscriptionParser, ReadsTheLegacyModuleVersionKeys)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, R"({"id": 1,
      "ietf-yang-push-revision:module-version": [
        {"module-name": "ietf-interfaces", "revision": "2018-02-20", "revision-label": "1.0.0"},
        {"module-name": "ietf-ip", "revision": "2018-02-22"},
        {"revision": "2020-01-01"}]})");
    ASSERT_EQ(s.modules.size(), 2u);
    EXPECT_EQ(s.modules[0], (module_version{"ietf-interfaces", "2018-02-20", "1.0.0"}));
    EXPECT_EQ(s.modules[1], (module_version{"ietf-ip", "2018-02-22", ""}));
    EXPECT_EQ(s.modules_form, module_list_form::legacy);
    EXPECT_EQ(p.stats().legacy_module_lists, 1u);
    EXPECT_EQ(p.stats().module_entries_dropped, 1u); // no name: the list key is mandatory
}

// PROTOCOL.md §11.10 / §11.27: identity values keep what was sent; a known XML prefix becomes
// the module name.
TEST(SubscriptionParser, NormalizesWellKnownXmlPrefixesOfIdentities)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, R"({"id": 4,
      "ietf-yang-push:datastore": "ds:operational",
      "transport": "unt:udp-notif",
      "encoding": "sn:encode-xml"})");
    EXPECT_EQ(s.target_value, "ietf-datastores:operational");
    EXPECT_EQ(s.target_form, identity_form::prefix_normalized);
    EXPECT_EQ(s.transport, "ietf-udp-notif-transport:udp-notif");
    EXPECT_EQ(s.encoding, "ietf-subscribed-notifications:encode-xml");
    EXPECT_EQ(p.stats().identity_prefixes_normalized, 3u);
    const subscription_info v = parse_ok(p, R"({"id": 4, "transport": "acme-transport:quic"})");
    EXPECT_EQ(v.transport, "acme-transport:quic");
    EXPECT_EQ(v.transport_form, identity_form::qualified);
}

// PROTOCOL.md §4: by-reference filters give only a name (§11.20).
TEST(SubscriptionParser, RecordsByReferenceFilters)
{
    subscription_parser p;
    const subscription_info d = parse_ok(p, R"({"id": 5,
      "ietf-yang-push:datastore": "ietf-datastores:operational",
      "ietf-yang-push:selection-filter-ref": "if-stats"})");
    EXPECT_EQ(d.filter, filter_kind::none);
    EXPECT_EQ(d.filter_ref, "if-stats");
    const subscription_info s =
        parse_ok(p, R"({"id": 6, "stream": "NETCONF", "stream-filter-name": "critical"})");
    EXPECT_EQ(s.filter, filter_kind::none);
    EXPECT_EQ(s.filter_ref, "critical");
    EXPECT_EQ(s.target, target_kind::stream);
}

TEST(SubscriptionParser, ReadsTheRemainingPolicyMembers)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, R"({"id": 7,
      "stream": "NETCONF", "stream-subtree-filter": "<hardware xmlns=\"urn:x\"/>",
      "replay-start-time": "2026-01-01T00:00:00Z",
      "replay-previous-event-time": "2025-12-31T23:59:59Z",
      "stop-time": "2027-01-01T00:00:00Z", "dscp": 46, "weighting": 200, "dependency": 6,
      "purpose": "p", "ietf-distributed-notif:message-publisher-id": 9})");
    EXPECT_EQ(s.filter, filter_kind::subtree);
    EXPECT_EQ(s.filter_text, R"("<hardware xmlns=\"urn:x\"/>")"); // §11.11: XML string, raw
    EXPECT_EQ(s.replay_start_time, "2026-01-01T00:00:00Z");
    EXPECT_EQ(s.replay_previous_event_time, "2025-12-31T23:59:59Z");
    EXPECT_EQ(s.stop_time, "2027-01-01T00:00:00Z");
    EXPECT_EQ(s.dscp, 46);
    EXPECT_EQ(s.weighting, 200);
    EXPECT_EQ(s.dependency, 6u);
    EXPECT_EQ(s.publisher_ids, (std::vector<std::uint32_t>{9})); // a lone value, leniently
}

// RFC 7951 wants augment members qualified; unqualified ones are accepted and counted.
TEST(SubscriptionParser, AcceptsUnqualifiedAugmentMembers)
{
    subscription_parser p;
    const subscription_info s = parse_ok(p, R"({"ietf-subscribed-notifications:id": 8,
      "datastore": "ietf-datastores:operational", "datastore-xpath-filter": "/a:b",
      "periodic": {"ietf-yang-push:period": 100}, "message-publisher-id": [3]})");
    EXPECT_EQ(s.id, 8u);
    EXPECT_EQ(s.target, target_kind::datastore);
    EXPECT_EQ(s.filter_text, "/a:b");
    EXPECT_EQ(s.period, 100u);
    EXPECT_EQ(s.publisher_ids, (std::vector<std::uint32_t>{3}));
    EXPECT_EQ(p.stats().unqualified_augments, 4u);
    // A member qualified with a foreign module is not ours.
    const subscription_info f = parse_ok(p, R"({"id": 8, "acme:stream": "X"})");
    EXPECT_EQ(f.target, target_kind::none);
}

TEST(SubscriptionParser, ReportsEachErrorAndCountsIt)
{
    subscription_parser p(512);
    auto expect = [&](std::string_view text, subscription_parse_error e) {
        auto r = p.parse(text);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error(), e) << text << " → " << to_string(r.error());
    };
    using E = subscription_parse_error;
    expect(R"({"id": 1,)", E::invalid_json);
    expect(R"({"id": 1} x)", E::invalid_json);
    expect(R"([1, 2])", E::not_an_object);
    expect(R"({"stream": "NETCONF"})", E::missing_id);
    expect(R"({"id": "abc"})", E::bad_member_type);
    expect(R"({"id": 4294967296})", E::bad_member_type);
    expect(R"({"id": 1, "dscp": 64})", E::bad_member_type);
    expect(R"({"id": 1, "ietf-yang-push:datastore-subtree-filter": 5})", E::bad_member_type);
    expect(R"({"id": 1, "ietf-yang-push:periodic": {"anchor-time": "2026-01-01T00:00:00Z"}})",
           E::missing_mandatory);
    expect(R"({"id": 1, "ietf-yang-push:periodic": {"period": 1}, "ietf-yang-push:on-change": {}})",
           E::conflicting_choice);
    expect(R"({"id": 1, "ietf-yang-push:datastore-xpath-filter": "/a:b",
               "ietf-yang-push:datastore-subtree-filter": {}})",
           E::conflicting_choice);
    expect(R"({"id": 1, "stream": "NETCONF", "ietf-yang-push:datastore": "ietf-datastores:running"})",
           E::conflicting_choice);
    expect(std::string(600, ' '), E::too_large);
    EXPECT_EQ(p.stats().parsed, 0u);
    std::uint64_t failed = 0;
    for (auto n : p.stats().failed) {
        failed += n;
    }
    EXPECT_EQ(failed, 13u);
    EXPECT_EQ(p.stats().failed[static_cast<std::size_t>(E::conflicting_choice)], 3u);
    auto r = p.parse_reason(R"({"reason": "x"})");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), E::missing_id);
}

// A -modified replaces the member groups it carries and keeps the others (PROTOCOL.md §4
// example: the -modified of 1042 has no transport / encoding).
TEST(SubscriptionParser, MergesModifiedIntoTheCurrentContents)
{
    subscription_parser p;
    auto merged = p.merge_modified(started_periodic, modified_1042);
    ASSERT_TRUE(merged.ok()) << to_string(merged.error());
    const subscription_info s = parse_ok(p, merged.value());
    EXPECT_EQ(s.id, 1042u);
    EXPECT_EQ(s.period, 6000u);
    EXPECT_TRUE(s.anchor_time.empty()); // the trigger group is replaced whole
    EXPECT_EQ(s.transport, "ietf-udp-notif-transport:udp-notif");
    EXPECT_EQ(s.encoding, "encode-json");
    EXPECT_EQ(s.filter_text, "/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(s.publisher_ids, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(s.yang_library_content_id, "41c3a2");
    EXPECT_EQ(p.stats().merged, 1u);
}

TEST(SubscriptionParser, MergeReplacesTheWholeTargetChoice)
{
    subscription_parser p;
    auto merged = p.merge_modified(
        R"({"id": 3, "stream": "NETCONF", "stream-xpath-filter": "/a:b",
            "replay-start-time": "2026-01-01T00:00:00Z", "acme:x": 1, "purpose": "old"})",
        R"({"id": 3, "ietf-yang-push:datastore": "ietf-datastores:operational",
            "ietf-yang-push:datastore-subtree-filter": {"a:b": {}}, "acme:x": 2,
            "ietf-yang-push-revision:module-version": [{"name": "a", "revision": "2020-01-01"}]})");
    ASSERT_TRUE(merged.ok());
    const subscription_info s = parse_ok(p, merged.value());
    EXPECT_EQ(s.target, target_kind::datastore);
    EXPECT_EQ(s.filter, filter_kind::subtree);
    EXPECT_TRUE(s.replay_start_time.empty());
    EXPECT_EQ(s.purpose, "old");
    EXPECT_EQ(s.modules.size(), 1u);
    // The unknown member appears once, with the new value.
    const std::string& m = merged.value();
    EXPECT_EQ(m.find("\"acme:x\":2"), m.rfind("\"acme:x\""));
    EXPECT_NE(m.find("\"acme:x\":2"), std::string::npos);

    auto bad = p.merge_modified(started_periodic, R"({"id": 1042, )");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error(), subscription_parse_error::invalid_json);
}

TEST(SubscriptionParser, ReadsTheMembersOfAFlatObject)
{
    subscription_parser p;
    auto r = p.read_members(
        R"({"a": "x\ny", "b": 12, "c": true, "d": null, "e": {"k": [1]}, "f": [1, {"z": 2}]})");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 6u);
    EXPECT_EQ((*r)[0].kind, json_kind::string);
    EXPECT_EQ((*r)[0].text, "x\ny");
    EXPECT_EQ((*r)[1].kind, json_kind::number);
    EXPECT_EQ((*r)[1].text, "12");
    EXPECT_EQ((*r)[2].text, "true");
    EXPECT_EQ((*r)[3].kind, json_kind::null);
    EXPECT_EQ((*r)[4].kind, json_kind::object);
    EXPECT_EQ((*r)[4].text, R"({"k": [1]})");
    EXPECT_EQ((*r)[5].text, R"([1, {"z": 2}])");
    EXPECT_FALSE(p.read_members(R"({"a": 1)").ok());
    EXPECT_FALSE(p.read_members(R"({"a": tru})").ok());
    EXPECT_FALSE(p.read_members("").ok());
}

// The parser reads notification_view::contents straight from the decoder.
TEST(SubscriptionParser, ParsesContentsOfADecodedNotification)
{
    const std::string doc = std::string(
        R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00Z", "contents": )"
        R"({"ietf-subscribed-notifications:subscription-started": )") +
        std::string(started_periodic) + "}}}";
    const test::padded_payload in(doc);
    json_decoder dec;
    auto v = dec.decode(in.view());
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(v->kind, notification_kind::subscription_started);
    subscription_parser p;
    const subscription_info s = parse_ok(p, v->contents);
    EXPECT_EQ(s.id, 1042u);
    EXPECT_EQ(s.publisher_ids.size(), 2u);
}
