#include "alloc_counter.hpp"
#include "padded.hpp"
#include "yangpush/decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::yangpush;
using udpn::test::padded_payload;

namespace {
constexpr std::string_view push_update_value =
    R"({"id": 1042, "ietf-yp-observation:timestamp": "2026-03-01T10:00:00.00Z", "ietf-distributed-notif:message-publisher-id": 2, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", "oper-status": "up"}]}}})";

std::string envelope_doc(std::string_view contents_name = "contents")
{
    return std::string(R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00.12Z", "hostname": "pe1.example.net", "sequence-number": 1284, ")") +
           std::string(contents_name) + R"(": {"ietf-yang-push:push-update": )" +
           std::string(push_update_value) + "}}}";
}
} // namespace

// PROTOCOL.md §3.2: the notification envelope.
TEST(JsonDecoder, ReadsTheEnvelopeForm)
{
    json_decoder dec;
    const std::string doc = envelope_doc();
    const padded_payload in(doc);
    const auto r = dec.decode(in.view());
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->form, wrapper_form::envelope);
    EXPECT_EQ(r->kind, notification_kind::push_update);
    EXPECT_EQ(r->event_time, "2026-03-01T10:00:00.12Z");
    EXPECT_EQ(r->hostname, "pe1.example.net");
    ASSERT_TRUE(r->has_sequence_number);
    EXPECT_EQ(r->sequence_number, 1284u);
    ASSERT_TRUE(r->has_subscription_id);
    EXPECT_EQ(r->subscription_id, 1042u);
    ASSERT_TRUE(r->has_publisher_id);
    EXPECT_EQ(r->publisher_id, 2u);
    EXPECT_EQ(r->name, "ietf-yang-push:push-update");
    EXPECT_EQ(r->contents, push_update_value);
    EXPECT_EQ(r->document, doc);
}

// PROTOCOL.md §11.8: ENV-00's notification-contents is accepted too.
TEST(JsonDecoder, AcceptsTheOldNotificationContentsName)
{
    json_decoder dec;
    const padded_payload in(envelope_doc("notification-contents"));
    const auto r = dec.decode(in.view());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->form, wrapper_form::envelope_legacy);
    EXPECT_EQ(r->contents, push_update_value);
}

// PROTOCOL.md §3.1 and §11.8: the three legacy wrappers carry eventTime and the notification.
TEST(JsonDecoder, ReadsEveryLegacyWrapper)
{
    const std::vector<std::pair<std::string, wrapper_form>> wrappers = {
        {"ietf-notification:notification", wrapper_form::ietf_notification},
        {"ietf-restconf:notification", wrapper_form::restconf},
        {"notification", wrapper_form::bare_notification},
    };
    json_decoder dec;
    for (const auto& [name, form] : wrappers) {
        SCOPED_TRACE(name);
        const std::string doc = "{\"" + name +
                                R"(": {"eventTime": "2026-03-01T10:00:00.12Z", "ietf-yang-push:push-update": )" +
                                std::string(push_update_value) + "}}";
        const padded_payload in(doc);
        const auto r = dec.decode(in.view());
        ASSERT_TRUE(r.ok()) << to_string(r.error());
        EXPECT_EQ(r->form, form);
        EXPECT_EQ(r->event_time, "2026-03-01T10:00:00.12Z");
        EXPECT_TRUE(r->hostname.empty());
        EXPECT_FALSE(r->has_sequence_number);
        EXPECT_EQ(r->subscription_id, 1042u);
        EXPECT_EQ(r->contents, push_update_value);
    }
}

// PROTOCOL.md §4: every state change notification, bare (the member itself is the root).
TEST(JsonDecoder, NamesEverySubscriptionStateChange)
{
    const std::vector<std::pair<std::string, notification_kind>> kinds = {
        {"ietf-subscribed-notifications:subscription-started", notification_kind::subscription_started},
        {"ietf-subscribed-notifications:subscription-modified", notification_kind::subscription_modified},
        {"ietf-subscribed-notifications:subscription-terminated", notification_kind::subscription_terminated},
        {"ietf-subscribed-notifications:subscription-suspended", notification_kind::subscription_suspended},
        {"ietf-subscribed-notifications:subscription-resumed", notification_kind::subscription_resumed},
        {"ietf-subscribed-notifications:subscription-completed", notification_kind::subscription_completed},
        {"ietf-subscribed-notifications:replay-completed", notification_kind::replay_completed},
        {"ietf-yang-push:push-change-update", notification_kind::push_change_update},
        {"example-module:custom-event", notification_kind::other},
    };
    json_decoder dec;
    for (const auto& [name, kind] : kinds) {
        SCOPED_TRACE(name);
        const std::string value = R"({"id": 7, "ietf-distributed-notif:message-publisher-id": [1, 2]})";
        const padded_payload in("{\"" + name + "\": " + value + "}");
        const auto r = dec.decode(in.view());
        ASSERT_TRUE(r.ok()) << to_string(r.error());
        EXPECT_EQ(r->form, wrapper_form::none);
        EXPECT_EQ(r->kind, kind);
        EXPECT_EQ(is_state_change(r->kind), name.find("subscribed-notifications") != std::string::npos);
        EXPECT_EQ(r->subscription_id, 7u);
        EXPECT_FALSE(r->has_publisher_id) << "the leaf-list form is not a push-* publisher id";
        EXPECT_EQ(r->contents, value);
    }
}

TEST(JsonDecoder, PublisherIdIsReadLenientlyButAlwaysChecked)
{
    // DIST §3.3 in push-*: a uint32 is read; a digit string is accepted; anything else is
    // ignored; a malformed value fails the decode like any malformed part of the document.
    struct one_case {
        const char* value;
        bool ok;
        bool has;
        std::uint32_t id;
    };
    const one_case cases[] = {
        {"2", true, true, 2},
        {" 4294967295 ", true, true, 4294967295U},
        {"\"17\"", true, true, 17},
        {"4294967296", true, false, 0},
        {"-1", true, false, 0},
        {"1.5", true, false, 0},
        {"\"1x\"", true, false, 0},
        {"{\"a\": [1, 2]}", true, false, 0},
        {"[1, tru]", false, false, 0},
        {"\"\\q\"", false, false, 0},
        {"01", false, false, 0},
    };
    json_decoder dec;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.value);
        const padded_payload in(std::string(R"({"ietf-yang-push:push-update": {"id": 7, )"
                                            R"("ietf-distributed-notif:message-publisher-id": )") +
                                c.value + R"(, "datastore-contents": {}}})");
        const auto r = dec.decode(in.view());
        ASSERT_EQ(r.ok(), c.ok) << (r.ok() ? "decoded" : to_string(r.error()));
        if (!r.ok()) {
            EXPECT_EQ(r.error(), decode_error::invalid_json);
            continue;
        }
        EXPECT_EQ(r->has_publisher_id, c.has);
        if (c.has) {
            EXPECT_EQ(r->publisher_id, c.id);
        }
    }
}

TEST(JsonDecoder, ContentsSliceSurvivesWhitespaceAndNesting)
{
    const std::string value = "{\n  \"id\" : 5 ,\n  \"datastore-contents\": {\"a:b\": {\"c\": [ {}, {\"d\": \"}\"} ]}}\n}";
    const std::string doc = "  \n{ \"ietf-yang-push:push-update\" :\t" + value + "\r\n }\n ";
    json_decoder dec;
    const padded_payload in(doc);
    const auto r = dec.decode(in.view());
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->contents, value);
    EXPECT_EQ(r->document.front(), '{');
    EXPECT_EQ(r->document.back(), '}');
}

TEST(JsonDecoder, SubscriptionIdMayBeADecimalString)
{
    json_decoder dec;
    const padded_payload in(R"({"ietf-yang-push:push-update": {"id": "4294967295"}})");
    const auto r = dec.decode(in.view());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->subscription_id, 4294967295u);
}

TEST(JsonDecoder, NotificationWithoutIdHasNoSubscriptionId)
{
    json_decoder dec;
    const padded_payload in(R"({"ietf-notification:notification": {"eventTime": "2026-01-01T00:00:00Z", "example:alarm": {"severity": "major"}}})");
    const auto r = dec.decode(in.view());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_subscription_id);
    EXPECT_EQ(r->kind, notification_kind::other);
    EXPECT_EQ(r->contents, R"({"severity": "major"})");
}

TEST(JsonDecoder, SteadyStateDecodingAllocatesNothing)
{
    json_decoder dec;
    std::vector<padded_payload> inputs;
    for (int i = 0; i < 8; ++i) {
        inputs.emplace_back(envelope_doc(i % 2 == 0 ? "contents" : "notification-contents"));
    }
    for (const auto& in : inputs) {
        ASSERT_TRUE(dec.decode(in.view()).ok()); // warm-up sizes the parser
    }
    std::size_t ok = 0;
    const auto n = udpn::test::allocations_during([&] {
        for (int round = 0; round < 100; ++round) {
            for (const auto& in : inputs) {
                ok += dec.decode_counted(in.view()).ok() ? 1 : 0;
            }
        }
    });
    EXPECT_EQ(ok, 800u);
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(dec.stats().decoded, 800u);
}
