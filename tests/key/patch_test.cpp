// push-change-update keys (PROTOCOL.md §11.14): YANG Patch targets in RESTCONF path syntax
// (`list=k1,k2`, percent-encoded) become predicates; `value` is grafted below the target;
// delete/remove use the target alone.
#include "key/key_builder.hpp"

#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

#include <array>

using namespace udpn::key;
using udpn::test::notification;
using udpn::test::shared_schema;
using udpn::yangpush::notification_kind;

namespace {

constexpr std::string_view change_name = "ietf-yang-push:push-change-update";

struct keyer {
    key_config config;
    resolver res;
    key_builder builder;
    std::string doc;

    keyer() : config(make_config()), res(shared_schema(), config), builder(config) {}

    static key_config make_config()
    {
        key_config c;
        c.standards_profile = profile::latest;
        c.distribution = topic_distribution::topic;
        return c;
    }

    /// Key line 3 for \p edits (JSON array members) under a subscription on \p xpath.
    std::string line3(const std::string& xpath, const std::string& edits,
                      const char* patch_member = "yang-patch")
    {
        subscription_filter f;
        f.subscription_id = 2001;
        f.kind = filter_kind::xpath;
        f.text = xpath;
        f.trigger = update_trigger::on_change;
        auto r = res.resolve(f);
        EXPECT_TRUE(r.ok()) << res.last_error();
        doc = std::string(R"({"id": 2001, "datastore-changes": {")") + patch_member +
              R"(": {"patch-id": "p-17", "edit": [)" + edits + "]}}}";
        const auto k =
            builder.derive(r.value(), "pe1",
                           notification(notification_kind::push_change_update, change_name, doc));
        EXPECT_TRUE(k.key.starts_with("pe1\n2001\n")) << k.key;
        return std::string(k.key.substr(9));
    }

    std::uint64_t count(key_event e) const { return builder.stats().of(e); }
};

std::string edit(std::string_view op, std::string_view target, std::string_view value = {})
{
    std::string e = R"({"edit-id": "e1", "operation": ")" + std::string(op) + R"(", "target": ")" +
                    std::string(target) + "\"";
    if (!value.empty()) {
        e += R"(, "value": )" + std::string(value);
    }
    return e + "}";
}

} // namespace

TEST(RestconfPath, ParsesSegmentsAndDecodesKeys)
{
    std::array<restconf_segment, 8> segs{};
    std::array<char, 64> scratch{};
    std::size_t n = 0;
    ASSERT_TRUE(parse_restconf_path("/ietf-interfaces:interfaces/interface=eth0/oper-status", segs,
                                    n, scratch));
    ASSERT_EQ(n, 3u);
    EXPECT_EQ(segs[0].module, "ietf-interfaces");
    EXPECT_EQ(segs[0].name, "interfaces");
    EXPECT_EQ(segs[1].module, "");
    EXPECT_TRUE(segs[1].has_values);
    ASSERT_EQ(segs[1].n_values, 1u);
    EXPECT_EQ(segs[1].values[0], "eth0");
    ASSERT_TRUE(parse_restconf_path("/m:list=ge-0%2F0%2F1,a%2Cb,,%27q%27", segs, n, scratch));
    ASSERT_EQ(segs[0].n_values, 4u);
    EXPECT_EQ(segs[0].values[0], "ge-0/0/1");
    EXPECT_EQ(segs[0].values[1], "a,b");
    EXPECT_EQ(segs[0].values[2], "");
    EXPECT_EQ(segs[0].values[3], "'q'");
    ASSERT_TRUE(parse_restconf_path("/", segs, n, scratch));
    EXPECT_EQ(n, 0u);
}

TEST(RestconfPath, RejectsMalformedPaths)
{
    std::array<restconf_segment, 2> segs{};
    std::array<char, 8> scratch{};
    std::size_t n = 0;
    EXPECT_FALSE(parse_restconf_path("/m:a=%G1", segs, n, scratch));
    EXPECT_FALSE(parse_restconf_path("/m:a=%2", segs, n, scratch));
    EXPECT_FALSE(parse_restconf_path("/m:a/", segs, n, scratch));
    EXPECT_FALSE(parse_restconf_path("/m:a b", segs, n, scratch));
    EXPECT_FALSE(parse_restconf_path("/m:a//b", segs, n, scratch));
    EXPECT_FALSE(parse_restconf_path("/m:a/b/c", segs, n, scratch));       // too many segments
    EXPECT_FALSE(parse_restconf_path("/m:a=123456789", segs, n, scratch)); // scratch overflow
}

TEST(PatchKey, ProjectExampleTargetBelowTheBranchTarget)
{
    // PROTOCOL.md §4 push-change-update: replace …/interface=eth0/oper-status.
    keyer k;
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface",
                      edit("replace", "/ietf-interfaces:interfaces/interface=eth0/oper-status",
                           R"({"ietf-interfaces:oper-status": "down"})")),
              "/ietf-interfaces:interfaces/interface[name='eth0']");
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface/oper-status",
                      edit("replace", "/ietf-interfaces:interfaces/interface=eth0/oper-status",
                           R"({"ietf-interfaces:oper-status": "down"})")),
              "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
}

TEST(PatchKey, ValueIsGraftedBelowTheTarget)
{
    keyer k;
    // Create one list entry: the value's member is the target's last segment.
    EXPECT_EQ(
        k.line3(
            "/ietf-interfaces:interfaces/interface/type",
            edit(
                "create", "/ietf-interfaces:interfaces/interface=eth5",
                R"({"ietf-interfaces:interface": [{"name": "eth5", "type": "iana-if-type:ethernetCsmacd"}]})")),
        "/ietf-interfaces:interfaces/interface[name='eth5']/type");
    // Merge at a container: entries inside the value fill the placeholders.
    EXPECT_EQ(
        k.line3(
            "/ietf-interfaces:interfaces/interface",
            edit(
                "merge", "/ietf-interfaces:interfaces",
                R"({"ietf-interfaces:interfaces": {"interface": [{"name": "eth2"}, {"name": "eth1"}]}})")),
        "/ietf-interfaces:interfaces/interface[name='eth1'] | "
        "/ietf-interfaces:interfaces/interface[name='eth2']");
    // The datastore root as target.
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface",
                      edit("merge", "/",
                           R"({"ietf-interfaces:interfaces": {"interface": [{"name": "eth7"}]}})")),
              "/ietf-interfaces:interfaces/interface[name='eth7']");
}

TEST(PatchKey, DeleteUsesTheTargetAlone)
{
    keyer k;
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface",
                      edit("delete", "/ietf-interfaces:interfaces/interface=eth3")),
              "/ietf-interfaces:interfaces/interface[name='eth3']");
    // Above the branch target, with nothing left open below: the path is known.
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface/oper-status",
                      edit("remove", "/ietf-interfaces:interfaces/interface=eth3")),
              "/ietf-interfaces:interfaces/interface[name='eth3']/oper-status");
    // Above the branch target with an open predicate below: cannot fill, counted.
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address",
                      edit("delete", "/ietf-interfaces:interfaces/interface=eth3")),
              "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address");
    EXPECT_EQ(k.count(key_event::patch_unfillable), 1u);
    EXPECT_EQ(k.count(key_event::no_instance), 1u);
}

TEST(PatchKey, PercentEncodedAndMultipleKeys)
{
    keyer k;
    EXPECT_EQ(
        k.line3("/ietf-interfaces:interfaces/interface/oper-status",
                edit("replace", "/ietf-interfaces:interfaces/interface=ge-0%2F0%2F1/oper-status",
                     R"({"ietf-interfaces:oper-status": "up"})")),
        "/ietf-interfaces:interfaces/interface[name='ge-0/0/1']/oper-status");
    EXPECT_EQ(
        k.line3(
            "/ietf-yang-schema-mount:schema-mounts/mount-point",
            edit("delete",
                 "/ietf-yang-schema-mount:schema-mounts/mount-point=ietf-network-instance,root")),
        "/ietf-yang-schema-mount:schema-mounts/"
        "mount-point[module='ietf-network-instance'][label='root']");
    // JSON escapes in the target string are undone first.
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface",
                      edit("delete", R"(\/ietf-interfaces:interfaces\/interface=it%27s)")),
              "/ietf-interfaces:interfaces/interface[name=\"it's\"]");
}

TEST(PatchKey, LeafListEntryTarget)
{
    keyer k;
    EXPECT_EQ(
        k.line3("/ietf-interfaces:interfaces/interface/higher-layer-if",
                edit("delete", "/ietf-interfaces:interfaces/interface=eth0/higher-layer-if=ppp0")),
        "/ietf-interfaces:interfaces/interface[name='eth0']/higher-layer-if[.='ppp0']");
}

TEST(PatchKey, SeveralEditsAndPinnedPredicates)
{
    keyer k;
    const std::string edits =
        edit("replace", "/ietf-interfaces:interfaces/interface=eth1/oper-status",
             R"({"ietf-interfaces:oper-status": "down"})") +
        ", " +
        edit("replace", "/ietf-interfaces:interfaces/interface=eth0/oper-status",
             R"({"ietf-interfaces:oper-status": "up"})") +
        ", " + edit("delete", "/ietf-hardware:hardware/component=fan-1");
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component",
                      edits, "ietf-yang-patch:yang-patch"),
              "/ietf-hardware:hardware/component[name='fan-1'] | "
              "/ietf-interfaces:interfaces/interface[name='eth0'] | "
              "/ietf-interfaces:interfaces/interface[name='eth1']");
    EXPECT_EQ(k.line3("/ietf-interfaces:interfaces/interface[name='eth0']/oper-status | "
                      "/ietf-interfaces:interfaces/interface[name='eth9']/oper-status",
                      edits),
              "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
}

TEST(PatchKey, BadTargetsAreCounted)
{
    keyer k;
    const std::string subscription = "/ietf-interfaces:interfaces/interface";
    EXPECT_EQ(k.line3(subscription, R"({"edit-id": "e1", "operation": "delete"})"), subscription);
    EXPECT_EQ(k.line3(subscription, edit("delete", "/ietf-interfaces:interfaces/interface=%ZZ")),
              subscription);
    EXPECT_EQ(k.count(key_event::bad_patch_target), 2u);
    // A target outside the subscription is simply no instance.
    EXPECT_EQ(k.line3(subscription, edit("delete", "/ietf-hardware:hardware/component=x")),
              subscription);
    EXPECT_EQ(k.count(key_event::no_instance), 3u);
}
