// PROTOCOL.md §7.1 (seed YANG index), §7.3 Phase 2 (templates, extraction paths), §8 topics,
// §11.10 prefixes, §11.16 unions, §11.18 collisions, §11.20 by-reference/streams.
#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;
using udpn::test::latest_topics;
using udpn::test::shared_schema;
using udpn::test::xpath_filter;
using udpn::test::synthetic_schema;

namespace {

key_config seed_topics()
{
    key_config c;
    c.distribution = topic_distribution::topic;
    c.topic_prefix = "project.environment";
    return c;
}

resolved_subscription resolved(resolver& r, const subscription_filter& f)
{
    auto res = r.resolve(f);
    EXPECT_TRUE(res.ok()) << r.last_error();
    return res.ok() ? std::move(res.value()) : resolved_subscription{};
}

const resolved_branch& only_branch(const resolved_subscription& s)
{
    EXPECT_EQ(s.branches.size(), 1u);
    static const resolved_branch none;
    return s.branches.empty() ? none : s.branches.front();
}

} // namespace

TEST(ResolveXpath, DraftIndexExampleAppendsTheListKey)
{
    // §7.1: interfaces/interface[type=…] → identifier …/interface → index …/interface/name.
    // (The draft writes module "ietf-interface"; the module is ietf-interfaces.)
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    const auto sub = resolved(
        r, xpath_filter("ietf-interfaces:interfaces/interface[type='ianaift:ethernetCsmacd']"));
    const auto& b = only_branch(sub);
    EXPECT_EQ(b.schema_path, "/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(b.seed_index, "ietf-interfaces:interfaces/interface/name");
    EXPECT_EQ(b.key_template, "/ietf-interfaces:interfaces/interface[name='%s']");
    EXPECT_EQ(b.extraction_paths,
              std::vector<std::string>{"/ietf-interfaces:interfaces/interface/name"});
    EXPECT_EQ(b.subscription_xpath, "/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(b.module, "ietf-interfaces");
    ASSERT_NE(b.schema_node, nullptr);
    EXPECT_EQ(b.ietf02_topic, "if-interfaces-interface");
    EXPECT_TRUE(sub.has_placeholders);
    EXPECT_EQ(sub.mode, resolution::branches);
}

TEST(ResolveXpath, ComposedIndexExamples)
{
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    auto sub =
        resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface[name='eth0']/oper-status"));
    EXPECT_EQ(only_branch(sub).seed_index, "ietf-interfaces:interfaces/interface/oper-status");
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
    EXPECT_TRUE(only_branch(sub).extraction_paths.empty());
    EXPECT_FALSE(sub.has_placeholders);
    EXPECT_EQ(only_branch(sub).ietf02_topic, "if-interfaces-interface-oper-status");

    sub = resolved(r, xpath_filter("/if:interfaces"));
    EXPECT_EQ(only_branch(sub).seed_index, "ietf-interfaces:interfaces");
    EXPECT_EQ(only_branch(sub).key_template, "/ietf-interfaces:interfaces");

    sub = resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address"));
    const auto& b = only_branch(sub);
    EXPECT_EQ(b.seed_index, "ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/ip");
    EXPECT_EQ(b.key_template,
              "/ietf-interfaces:interfaces/interface[name='%s']/ietf-ip:ipv4/address[ip='%s']");
    EXPECT_EQ(b.extraction_paths,
              (std::vector<std::string>{
                  "/ietf-interfaces:interfaces/interface/name",
                  "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/ip"}));
    EXPECT_EQ(b.ietf02_topic, "if-interfaces-interface-ip-ipv4-address");
}

TEST(ResolveXpath, PinnedOuterOpenInner)
{
    // §7.3 template example.
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    const auto sub = resolved(
        r, xpath_filter("/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address[ip='%s']");
    EXPECT_EQ(only_branch(sub).subscription_xpath,
              "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address");
    EXPECT_EQ(
        only_branch(sub).extraction_paths,
        std::vector<std::string>{"/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address/ip"});
}

TEST(ResolveXpath, NormalizesPredicates)
{
    // §7.3: key names lose their prefix, "v" → 'v', positional [N] → open; §11.15 quoting.
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    EXPECT_EQ(
        only_branch(resolved(r, xpath_filter("/if:interfaces/if:interface[if:name=\"eth0\"]")))
            .key_template,
        "/ietf-interfaces:interfaces/interface[name='eth0']");
    EXPECT_EQ(only_branch(resolved(r, xpath_filter("/if:interfaces/interface[2]"))).key_template,
              "/ietf-interfaces:interfaces/interface[name='%s']");
    EXPECT_EQ(only_branch(resolved(r, xpath_filter("/if:interfaces/interface[name=\"it's\"]")))
                  .key_template,
              "/ietf-interfaces:interfaces/interface[name=\"it's\"]");
}

TEST(ResolveXpath, ListWithTwoKeysInSchemaOrder)
{
    // ietf-yang-schema-mount: list mount-point { key "module label"; }
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    auto sub = resolved(r, xpath_filter("/ietf-yang-schema-mount:schema-mounts/mount-point"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-yang-schema-mount:schema-mounts/mount-point[module='%s'][label='%s']");
    EXPECT_EQ(only_branch(sub).seed_index,
              "ietf-yang-schema-mount:schema-mounts/mount-point/module/label");
    // Pinning the second key keeps the order; the first stays open.
    sub = resolved(
        r, xpath_filter("/yangmnt:schema-mounts/mount-point[yangmnt:label='root'][module='x']"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-yang-schema-mount:schema-mounts/mount-point[module='x'][label='root']");
    sub =
        resolved(r, xpath_filter("/ietf-yang-library:modules-state/module[revision='2018-02-20']"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-yang-library:modules-state/module[name='%s'][revision='2018-02-20']");
}

TEST(ResolveXpath, LeafListTargetGetsADotPredicate)
{
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    auto sub = resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface/higher-layer-if"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-interfaces:interfaces/interface[name='%s']/higher-layer-if[.='%s']");
    EXPECT_EQ(only_branch(sub).extraction_paths,
              (std::vector<std::string>{"/ietf-interfaces:interfaces/interface/name",
                                        "/ietf-interfaces:interfaces/interface/higher-layer-if"}));
    EXPECT_EQ(only_branch(sub).seed_index, "ietf-interfaces:interfaces/interface/higher-layer-if");
    sub = resolved(
        r, xpath_filter(
               "/ietf-interfaces:interfaces/interface[name='eth0']/higher-layer-if[.='ppp0']"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-interfaces:interfaces/interface[name='eth0']/higher-layer-if[.='ppp0']");
}

TEST(ResolveXpath, ChoiceAndCaseAreSkipped)
{
    // ietf-netconf-acm: rule { choice rule-type { case data-node { leaf path; } } }
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    const auto sub = resolved(r, xpath_filter("/ietf-netconf-acm:nacm/rule-list/rule/path"));
    EXPECT_EQ(only_branch(sub).key_template,
              "/ietf-netconf-acm:nacm/rule-list[name='%s']/rule[name='%s']/path");
    EXPECT_EQ(only_branch(sub).schema_path, "/ietf-netconf-acm:nacm/rule-list/rule/path");
}

TEST(ResolveXpath, PrefixesResolveLikeModuleNames)
{
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    const auto by_name = resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface"));
    const auto by_prefix = resolved(r, xpath_filter("/if:interfaces/if:interface"));
    EXPECT_EQ(only_branch(by_prefix).key_template, only_branch(by_name).key_template);
    EXPECT_EQ(only_branch(by_prefix).ietf02_topic, only_branch(by_name).ietf02_topic);
    // A prefix known only from an XML namespace declaration (§11.10 step 3).
    auto f = xpath_filter("/acme:interfaces/acme:interface");
    f.namespaces = {{"acme", "urn:ietf:params:xml:ns:yang:ietf-interfaces"}};
    EXPECT_EQ(only_branch(resolved(r, f)).key_template, only_branch(by_name).key_template);
    // An unqualified first step that only one module defines.
    EXPECT_EQ(only_branch(resolved(r, xpath_filter("/hardware/component"))).key_template,
              "/ietf-hardware:hardware/component[name='%s']");
}

TEST(ResolveSubtree, JsonAndXmlGiveTheDraftIndexAndTemplate)
{
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    subscription_filter f;
    f.kind = filter_kind::subtree_json;
    f.text = R"({"ietf-hardware:hardware": {"component": [{"state": {}}]}})";
    const auto json = resolved(r, f);
    EXPECT_EQ(only_branch(json).seed_index, "ietf-hardware:hardware/component/state");
    EXPECT_EQ(only_branch(json).key_template, "/ietf-hardware:hardware/component[name='%s']/state");
    EXPECT_EQ(only_branch(json).filter,
              "/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state");
    f.kind = filter_kind::subtree_xml;
    f.text = "<hardware xmlns=\"urn:ietf:params:xml:ns:yang:ietf-hardware\"><component><state/>"
             "</component></hardware>";
    EXPECT_EQ(only_branch(resolved(r, f)).key_template, only_branch(json).key_template);
}

TEST(ResolveUnion, BranchesAreSortedAndDeduplicated)
{
    const key_config config = latest_topics();
    resolver r(shared_schema(), config);
    auto sub = resolved(
        r,
        xpath_filter("/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component"));
    ASSERT_EQ(sub.branches.size(), 2u);
    EXPECT_EQ(sub.branches[0].key_template, "/ietf-hardware:hardware/component[name='%s']");
    EXPECT_EQ(sub.branches[1].key_template, "/ietf-interfaces:interfaces/interface[name='%s']");
    EXPECT_FALSE(sub.uniform_topic);
    EXPECT_EQ(sub.subscription_xpaths,
              "/ietf-hardware:hardware/component | /ietf-interfaces:interfaces/interface");
    sub = resolved(r, xpath_filter("/if:interfaces | /ietf-interfaces:interfaces"));
    EXPECT_EQ(sub.branches.size(), 1u);
    sub = resolved(
        r, xpath_filter(
               "/if:interfaces/interface[name='eth0'] | /if:interfaces/interface[name='eth1']"));
    EXPECT_EQ(sub.branches.size(), 2u);
    EXPECT_TRUE(sub.uniform_topic); // same predicate-free path: one topic
    EXPECT_EQ(sub.topic, "if-interfaces-interface");
}

TEST(ResolveTopics, NetanaSchemeWithTypeLevel)
{
    // §8.1 draft example and the composed on-change example.
    const key_config config = seed_topics();
    resolver r(shared_schema(), config);
    auto sub = resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface"));
    EXPECT_EQ(sub.topic,
              "project.environment.statistics.yang.ietf-interfaces.interfaces_interface");
    EXPECT_EQ(only_branch(sub).netana_topic, sub.topic);
    subscription_filter f;
    f.kind = filter_kind::subtree_json;
    f.text = R"({"ietf-hardware:hardware": {"component": [{"state": {}}]}})";
    f.trigger = update_trigger::on_change;
    f.sync_on_start = true;
    EXPECT_EQ(resolved(r, f).topic,
              "project.environment.states.yang.ietf-hardware.hardware_component_state");
    f.sync_on_start = false;
    EXPECT_EQ(resolved(r, f).topic,
              "project.environment.state-changes.yang.ietf-hardware.hardware_component_state");
}

TEST(ResolveTopics, NetanaPrefixVariantAndNoTypeLevel)
{
    key_config config = seed_topics();
    config.netana_module_prefix = true;
    config.type_level = distribution_type::none;
    resolver r(shared_schema(), config);
    EXPECT_EQ(resolved(r, xpath_filter("/ietf-interfaces:interfaces/interface")).topic,
              "project.environment.yang.if.interfaces_interface");
}

TEST(ResolveTopics, Ietf02SchemeWithPrefixAndTypeLevels)
{
    key_config config = latest_topics();
    config.topic_prefix = "netops";
    resolver plain(shared_schema(), config);
    EXPECT_EQ(resolved(plain, xpath_filter("/ietf-interfaces:interfaces/interface")).topic,
              "netops-if-interfaces-interface");
    config.type_level = distribution_type::subscription_type;
    resolver typed(shared_schema(), config);
    EXPECT_EQ(resolved(typed, xpath_filter("/ietf-interfaces:interfaces/interface")).topic,
              "netops-stats-if-interfaces-interface");
    auto f = xpath_filter("/ietf-interfaces:interfaces/interface");
    f.trigger = update_trigger::on_change;
    EXPECT_EQ(resolved(typed, f).topic, "netops-state-if-interfaces-interface");
    f.sync_on_start = false;
    EXPECT_EQ(resolved(typed, f).topic, "netops-state-change-if-interfaces-interface");
    config.compacted_state = true;
    resolver compacted(shared_schema(), config);
    f.sync_on_start = true;
    EXPECT_EQ(resolved(compacted, f).topic, "netops-current-state-if-interfaces-interface");
    // The type level names are configurable (§11.19).
    config.ietf02_types.on_change_sync_compacted = "snapshot";
    resolver renamed(shared_schema(), config);
    EXPECT_EQ(resolved(renamed, f).topic, "netops-snapshot-if-interfaces-interface");
}

TEST(ResolveTopics, DraftSystemExample)
{
    const key_config config = latest_topics();
    resolver r(synthetic_schema(), config);
    EXPECT_EQ(resolved(r, xpath_filter("/example-sys:system/dns-resolver/server")).topic,
              "sys-system-dns-resolver-server");
}

TEST(ResolveTopics, SubjectDistributionUsesTheSingleTopic)
{
    key_config config; // default: subject (§9 knob 1)
    config.single_topic = "telemetry";
    resolver r(shared_schema(), config);
    const auto sub = resolved(
        r, xpath_filter("/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware"));
    EXPECT_EQ(sub.topic, "telemetry");
    EXPECT_TRUE(sub.uniform_topic);
    // The scheme names are still computed.
    EXPECT_EQ(sub.branches[1].netana_topic, "statistics.yang.ietf-interfaces.interfaces_interface");
}

TEST(ResolveTopics, StreamSubscriptionsAreStateChanges)
{
    // §11.20: a stream subscription has no update trigger.
    const key_config config = seed_topics();
    resolver r(shared_schema(), config);
    subscription_filter f;
    f.subscription_id = 3;
    f.kind = filter_kind::xpath;
    f.text = "/ietf-hardware:hardware-state-oper-disabled";
    f.stream = "NETCONF";
    const auto sub = resolved(r, f);
    EXPECT_EQ(sub.type, subscription_type::on_change);
    EXPECT_EQ(sub.topic,
              "project.environment.state-changes.yang.ietf-hardware.hardware-state-oper-disabled");
    EXPECT_EQ(sub.seed_key_tail, "NETCONF\nietf-hardware:hardware-state-oper-disabled");
}

TEST(ResolveTopics, LongNamesGetTheFnvSuffix)
{
    const key_config config = latest_topics();
    resolver r(synthetic_schema(), config);
    const std::string path = "/example-collide:" + std::string(94, 'a') + "/" +
                             std::string(96, 'b') + "/" + std::string(98, 'c') + "/" +
                             std::string(44, 'd');
    const auto sub = resolved(r, xpath_filter(path));
    EXPECT_LE(sub.topic.size(), 249u);
    EXPECT_TRUE(sub.topic.ends_with("-" + fnv_suffix(path))) << sub.topic;
    EXPECT_TRUE(sub.topic.starts_with("x-" + std::string(94, 'a') + "-")) << sub.topic;
    EXPECT_EQ(r.stats().topic_overflows, 1u);

    key_config short_config = latest_topics();
    short_config.max_topic_length = 32;
    resolver s(shared_schema(), short_config);
    const auto ip =
        resolved(s, xpath_filter("/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address"));
    EXPECT_EQ(ip.topic,
              "if-interfaces-interface-" +
                  fnv_suffix("/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address"));
}

TEST(ResolveTopics, CollidingNamesGetTheHashSuffix)
{
    const key_config config = latest_topics();
    resolver r(synthetic_schema(), config);
    EXPECT_EQ(resolved(r, xpath_filter("/example-collide:a/b-c")).topic, "x-a-b-c");
    EXPECT_EQ(resolved(r, xpath_filter("/example-collide:a-b/c")).topic,
              "x-a-b-c-" + fnv_suffix("/example-collide:a-b/c"));
    EXPECT_EQ(r.stats().topic_collisions, 1u);
    // The first owner keeps its name on re-resolution (subscription-modified).
    EXPECT_EQ(resolved(r, xpath_filter("/example-collide:a/b-c")).topic, "x-a-b-c");
    // '.' and '_' collide in Kafka.
    EXPECT_EQ(resolved(r, xpath_filter("/example-collide:a.b/c")).topic, "x-a.b-c");
    EXPECT_EQ(resolved(r, xpath_filter("/example-collide:a_b/c")).topic,
              "x-a_b-c-" + fnv_suffix("/example-collide:a_b/c"));
    EXPECT_EQ(r.stats().topic_collisions, 2u);
}

TEST(ResolveFallback, ByReferenceAndNoFilterUseTheFallbackTopic)
{
    const key_config config = seed_topics();
    resolver r(shared_schema(), config);
    subscription_filter f;
    f.kind = filter_kind::by_reference;
    f.text = "my-filter";
    f.datastore = "ietf-datastores:operational";
    const auto by_ref = resolved(r, f);
    EXPECT_EQ(by_ref.mode, resolution::by_reference);
    EXPECT_EQ(by_ref.topic, "project.environment.unknown");
    EXPECT_TRUE(by_ref.branches.empty());
    EXPECT_EQ(by_ref.seed_key_tail, "ietf-datastores:operational\n");
    f.kind = filter_kind::none;
    EXPECT_EQ(resolved(r, f).mode, resolution::no_filter);
    EXPECT_EQ(r.stats().by_reference, 1u);
    EXPECT_EQ(r.stats().no_filter, 1u);

    key_config named = latest_topics();
    named.fallback_topic = "yang-unknown";
    resolver n(shared_schema(), named);
    EXPECT_EQ(resolved(n, f).topic, "yang-unknown");
    EXPECT_EQ(named.effective_fallback_topic(), "yang-unknown");
    key_config plain = latest_topics();
    plain.topic_prefix = "netops";
    EXPECT_EQ(plain.effective_fallback_topic(), "netops-unknown");
}

TEST(ResolveFallback, SeedKeyTailCarriesDatastoreAndIndexes)
{
    const key_config config = seed_topics();
    resolver r(shared_schema(), config);
    const auto sub = resolved(
        r, xpath_filter(
               "/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component/state"));
    EXPECT_EQ(sub.seed_key_tail,
              "ietf-datastores:operational\nietf-hardware:hardware/component/state | "
              "ietf-interfaces:interfaces/interface/name");
}

TEST(KeyConfig, ProfilesPickFormatSchemeAndTypeLevel)
{
    key_config seed;
    EXPECT_EQ(seed.effective_format(), key_format::legacy_index);
    EXPECT_EQ(seed.effective_scheme(), topic_scheme::netana);
    EXPECT_TRUE(seed.effective_type_level());
    key_config latest;
    latest.standards_profile = profile::latest;
    EXPECT_EQ(latest.effective_format(), key_format::ietf_02);
    EXPECT_EQ(latest.effective_scheme(), topic_scheme::ietf_02);
    EXPECT_FALSE(latest.effective_type_level());
    latest.format = key_format::legacy_index; // each part overridable on its own
    EXPECT_EQ(latest.effective_format(), key_format::legacy_index);
    EXPECT_EQ(latest.effective_scheme(), topic_scheme::ietf_02);
}

TEST(KeyConfig, ValidateRefusesIllegalNamesAndLimits)
{
    key_config c;
    EXPECT_NO_THROW(c.validate());
    c.max_topic_length = 250;
    EXPECT_THROW(c.validate(), std::invalid_argument);
    c.max_topic_length = 249;
    c.topic_prefix = "bad/prefix";
    EXPECT_THROW(c.validate(), std::invalid_argument);
    c.topic_prefix = "";
    c.single_topic = "..";
    EXPECT_THROW(c.validate(), std::invalid_argument);
    c.single_topic = "ok";
    c.ietf02_types.periodic = "st ats";
    EXPECT_THROW(c.validate(), std::invalid_argument);
    c.ietf02_types.periodic = "stats";
    c.max_branches = 65;
    EXPECT_THROW(c.validate(), std::invalid_argument);
}
