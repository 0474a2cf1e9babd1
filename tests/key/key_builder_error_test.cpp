// Bad input never crashes or stalls key derivation (DESIGN.md §6): every truncation and random
// corruption of a push-update and a push-change-update still yields a record with the
// subscription's key prefix. Inputs sit in exact-size heap buffers, so a sanitizer build
// catches any read past the end.
#include "key/key_builder.hpp"

#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace udpn::key;
using udpn::test::notification;
using udpn::test::shared_schema;
using udpn::yangpush::notification_kind;

namespace {

constexpr std::string_view update_doc = R"({"id": 1042, "datastore-contents": {
  "ietf-interfaces:interfaces": {"interface": [
    {"name": "eth0", "oper-status": "up", "higher-layer-if": ["ppp0"],
     "ietf-ip:ipv4": {"address": [{"ip": "10.0.0.1", "prefix-length": 24}]}},
    {"name": "a\"b\\c\u00e9", "oper-status": "down"}]},
  "ietf-hardware:hardware": {"component": [{"name": "fan-1", "serial-num": "F1"}]}}})";

constexpr std::string_view change_doc = R"({"id": 1042, "datastore-changes": {"yang-patch": {
  "patch-id": "p", "edit": [
    {"edit-id": "1", "operation": "replace", "target": "/ietf-interfaces:interfaces/interface=eth0/oper-status",
     "value": {"ietf-interfaces:oper-status": "down"}},
    {"edit-id": "2", "operation": "delete", "target": "/ietf-hardware:hardware/component=fan%2D1"},
    {"edit-id": "3", "operation": "merge", "target": "/ietf-interfaces:interfaces",
     "value": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth9"}]}}}]}}})";

class KeyBuilderRobustness : public ::testing::Test {
  protected:
    KeyBuilderRobustness() : config(make_config()), res(shared_schema(), config), builder(config)
    {
        subscription_filter f;
        f.subscription_id = 1042;
        f.kind = filter_kind::xpath;
        f.text = "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address | "
                 "/ietf-interfaces:interfaces/interface/higher-layer-if | "
                 "/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component";
        auto r = res.resolve(f);
        EXPECT_TRUE(r.ok()) << res.last_error();
        sub = std::move(r.value());
    }

    static key_config make_config()
    {
        key_config c;
        c.standards_profile = profile::latest;
        c.distribution = topic_distribution::topic;
        return c;
    }

    /// Derives from \p bytes held in an exact-size heap buffer; checks the record's shape.
    void derive(notification_kind kind, std::string_view name, std::string_view bytes)
    {
        const std::vector<char> exact(bytes.begin(), bytes.end());
        const auto n = notification(kind, name, std::string_view(exact.data(), exact.size()));
        const record_key r = builder.derive(sub, "n", n);
        ASSERT_TRUE(r.has_key);
        ASSERT_TRUE(r.key.starts_with("n\n1042\n")) << r.key;
        ASSERT_FALSE(r.topic.empty());
    }

    void torture(notification_kind kind, std::string_view name, std::string_view doc)
    {
        for (std::size_t len = 0; len <= doc.size(); ++len) {
            derive(kind, name, doc.substr(0, len));
        }
        std::mt19937 rng(20260301);
        static constexpr char chars[] = "{}[]\",:\\ u0aZ%=/'\x00\xff";
        const std::string_view alphabet(chars, sizeof chars - 1); // keeps the NUL
        for (int round = 0; round < 3000; ++round) {
            std::string m(doc);
            const int flips = 1 + static_cast<int>(rng() % 3);
            for (int i = 0; i < flips; ++i) {
                m[rng() % m.size()] = alphabet[rng() % alphabet.size()];
            }
            derive(kind, name, m);
        }
    }

    key_config config;
    resolver res;
    key_builder builder;
    resolved_subscription sub;
};

} // namespace

TEST_F(KeyBuilderRobustness, PushUpdateSurvivesTruncationAndCorruption)
{
    derive(notification_kind::push_update, "ietf-yang-push:push-update", update_doc);
    EXPECT_EQ(builder.stats().of(key_event::malformed_contents), 0u);
    torture(notification_kind::push_update, "ietf-yang-push:push-update", update_doc);
    EXPECT_GT(builder.stats().of(key_event::malformed_contents), 0u);
}

TEST_F(KeyBuilderRobustness, PushChangeUpdateSurvivesTruncationAndCorruption)
{
    derive(notification_kind::push_change_update, "ietf-yang-push:push-change-update", change_doc);
    EXPECT_EQ(builder.stats().of(key_event::malformed_contents), 0u);
    torture(notification_kind::push_change_update, "ietf-yang-push:push-change-update", change_doc);
    EXPECT_GT(builder.stats().of(key_event::malformed_contents), 0u);
}

TEST_F(KeyBuilderRobustness, DeepNestingDoesNotRecurseWithoutBound)
{
    // The walker recurses only along filter steps; anything deeper is skipped iteratively.
    std::string deep =
        R"({"id": 1042, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", "x": )";
    deep += std::string(100000, '[') + std::string(100000, ']') + "}]}}}";
    derive(notification_kind::push_update, "ietf-yang-push:push-update", deep);
}
