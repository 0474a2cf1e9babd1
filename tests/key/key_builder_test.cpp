// Per-message topic and key (PROTOCOL.md §7.3 Phase 3, §7.1/§11.12 seed key, §8, §9 knobs,
// §11.7, §11.15, §11.16, §11.20), with the drafts' examples. Instance XPaths are checked
// against the schema with libyang (lyd_new_path).
#include "key/key_builder.hpp"

#include "key/murmur2.hpp"
#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;
using udpn::test::notification;
using udpn::test::latest_topics;
using udpn::test::shared_schema;
using udpn::test::valid_instance;
using udpn::test::xpath_filter;
using udpn::yangpush::notification_kind;
using udpn::yangpush::notification_view;

namespace {

constexpr std::string_view push_update = "ietf-yang-push:push-update";

/// A resolver + builder pair over the shared schema for one config.
struct keyer {
    key_config config;
    resolver res;
    key_builder builder;

    explicit keyer(key_config c)
        : config(std::move(c)), res(shared_schema(), config), builder(config)
    {
    }

    resolved_subscription resolve(const subscription_filter& f)
    {
        auto r = res.resolve(f);
        EXPECT_TRUE(r.ok()) << res.last_error();
        return r.ok() ? std::move(r.value()) : res.fallback(f);
    }

    std::uint64_t count(key_event e) const { return builder.stats().of(e); }
};

notification_view update(std::string_view datastore_contents_json, std::string& storage)
{
    storage = R"({"id": 1042, "datastore-contents": )" + std::string(datastore_contents_json) + "}";
    return notification(notification_kind::push_update, push_update, storage);
}

std::string interfaces(std::initializer_list<std::string_view> names)
{
    std::string s = R"({"ietf-interfaces:interfaces": {"interface": [)";
    bool first = true;
    for (const auto n : names) {
        s += first ? "" : ", ";
        first = false;
        s += R"({"name": ")" + std::string(n) +
             R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up"})";
    }
    return s + "]}}";
}

std::vector<std::string> xpaths_of(std::string_view key)
{
    const auto lf = key.find('\n', key.find('\n') + 1);
    std::vector<std::string> out;
    std::string_view rest = key.substr(lf + 1);
    while (!rest.empty()) {
        const auto bar = rest.find(" | ");
        out.emplace_back(rest.substr(0, bar));
        if (bar == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(bar + 3);
    }
    return out;
}

} // namespace

TEST(LatestKey, DraftExampleForOneInterface)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r = k.builder.derive(sub, "router-nyc-01", update(interfaces({"eth0"}), doc));
    ASSERT_TRUE(r.has_key);
    EXPECT_EQ(r.key, "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']");
    EXPECT_EQ(r.topic, "if-interfaces-interface");
    EXPECT_EQ(r.n_instances, 1u);
    EXPECT_EQ(r.branch_mask, 1u);
    EXPECT_EQ(partition_for(r.key, 12), 2u); // §10
    EXPECT_EQ(k.count(key_event::derived), 1u);
    EXPECT_TRUE(valid_instance("/ietf-interfaces:interfaces/interface[name='eth0']"));
}

TEST(LatestKey, TwoInterfacesAreSortedAndDeduplicated)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r =
        k.builder.derive(sub, "router-nyc-01", update(interfaces({"eth1", "eth0", "eth1"}), doc));
    EXPECT_EQ(r.key, "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0'] | "
                     "/ietf-interfaces:interfaces/interface[name='eth1']");
    EXPECT_EQ(r.n_instances, 2u);
}

TEST(LatestKey, DraftSubtreeExampleAcrossTwoModules)
{
    // §7.3: ietf-interfaces eth0 oper-status + all ietf-hardware component serial-num.
    keyer k(latest_topics());
    subscription_filter f;
    f.subscription_id = 1042;
    f.kind = filter_kind::subtree_xml;
    f.trigger = update_trigger::periodic;
    f.text = "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface>"
             "<name>eth0</name><oper-status/></interface></interfaces>"
             "<hardware xmlns=\"urn:ietf:params:xml:ns:yang:ietf-hardware\"><component>"
             "<serial-num/></component></hardware>";
    const auto sub = k.resolve(f);
    ASSERT_EQ(sub.branches.size(), 2u);
    std::string doc;
    const auto r = k.builder.derive(sub, "router-nyc-01",
                                    update(R"({"ietf-interfaces:interfaces": {"interface": [
                     {"name": "eth0", "oper-status": "up"}]},
                   "ietf-hardware:hardware": {"component": [
                     {"name": "fan-1", "class": "iana-hardware:fan", "serial-num": "F1"},
                     {"serial-num": "C0", "name": "chassis", "class": "iana-hardware:chassis"}]}})",
                                           doc));
    const std::string line3 = "/ietf-hardware:hardware/component[name='chassis']/serial-num | "
                              "/ietf-hardware:hardware/component[name='fan-1']/serial-num | "
                              "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status";
    EXPECT_EQ(r.key, "router-nyc-01\n1042\n" + line3);
    EXPECT_EQ(r.n_instances, 3u);
    EXPECT_EQ(r.branch_mask, 3u);
    // Two topics for one notification (§11.16): the first sorted branch, counted.
    EXPECT_EQ(r.topic, "hw-hardware-component-serial-num");
    EXPECT_EQ(k.count(key_event::union_topic_split), 1u);
    EXPECT_TRUE(
        valid_instance("/ietf-hardware:hardware/component[name='chassis']/serial-num", "C0"));
    EXPECT_TRUE(
        valid_instance("/ietf-interfaces:interfaces/interface[name='eth0']/oper-status", "up"));
}

TEST(LatestKey, UnionTopicFollowsTheBranchesPresent)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(
        xpath_filter("/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.topic, "if-interfaces-interface");
    EXPECT_EQ(r.branch_mask, 2u); // branches are sorted: hardware first
    EXPECT_EQ(k.count(key_event::union_topic_split), 0u);
}

TEST(LatestKey, PinnedPredicatesFilterTheData)
{
    keyer k(latest_topics());
    auto sub = k.resolve(xpath_filter("/if:interfaces/interface[name='eth0']/oper-status | "
                                      "/if:interfaces/interface[name='eth2']/oper-status"));
    std::string doc;
    auto r = k.builder.derive(sub, "n", update(interfaces({"eth0", "eth1"}), doc));
    EXPECT_EQ(
        xpaths_of(r.key),
        std::vector<std::string>{"/ietf-interfaces:interfaces/interface[name='eth0']/oper-status"});

    // Pinned outer, open inner (§7.3 template example).
    sub = k.resolve(
        xpath_filter("/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address"));
    r = k.builder.derive(sub, "n",
                         update(R"({"ietf-interfaces:interfaces": {"interface": [
            {"name": "eth0", "ietf-ip:ipv4": {"address": [{"ip": "10.0.0.2", "prefix-length": 24},
                                                            {"ip": "10.0.0.1", "prefix-length": 24}]}},
            {"name": "eth1", "ietf-ip:ipv4": {"address": [{"ip": "10.1.1.1", "prefix-length": 24}]}}]}})",
                                doc));
    EXPECT_EQ(xpaths_of(r.key),
              (std::vector<std::string>{"/ietf-interfaces:interfaces/interface[name='eth0']/"
                                        "ietf-ip:ipv4/address[ip='10.0.0.1']",
                                        "/ietf-interfaces:interfaces/interface[name='eth0']/"
                                        "ietf-ip:ipv4/address[ip='10.0.0.2']"}));
    EXPECT_TRUE(valid_instance(xpaths_of(r.key)[0]));
}

TEST(LatestKey, AllKeysInSchemaOrderWhateverTheJsonOrder)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-yang-schema-mount:schema-mounts/mount-point"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-yang-schema-mount:schema-mounts":
        {"mount-point": [{"config": true, "label": "root", "module": "ietf-network-instance"}]}})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              std::vector<std::string>{"/ietf-yang-schema-mount:schema-mounts/mount-point"
                                       "[module='ietf-network-instance'][label='root']"});
    EXPECT_TRUE(valid_instance(xpaths_of(r.key)[0]));
}

TEST(LatestKey, LeafListValuesAreInstances)
{
    keyer k(latest_topics());
    const auto sub =
        k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface/higher-layer-if"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-interfaces:interfaces": {"interface": [
        {"name": "eth0", "higher-layer-if": ["ppp1", "ppp0"]}]}})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              (std::vector<std::string>{
                  "/ietf-interfaces:interfaces/interface[name='eth0']/higher-layer-if[.='ppp0']",
                  "/ietf-interfaces:interfaces/interface[name='eth0']/higher-layer-if[.='ppp1']"}));
}

TEST(LatestKey, ChoiceAndCaseDoNotAppearInData)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-netconf-acm:nacm/rule-list/rule/path"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-netconf-acm:nacm": {"rule-list": [
        {"name": "admin", "rule": [{"name": "r1", "path": "/if:interfaces"},
                                   {"name": "r2", "rpc-name": "get"}]}]}})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              std::vector<std::string>{
                  "/ietf-netconf-acm:nacm/rule-list[name='admin']/rule[name='r1']/path"});
    EXPECT_TRUE(valid_instance(xpaths_of(r.key)[0], "/ietf-interfaces:interfaces"));
}

TEST(LatestKey, ValuesAreQuotedBySection11_15AndUnescaped)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-interfaces:interfaces": {"interface": [
        {"name": "it's"}, {"name": "say \"hi\""}, {"name": "a'b\"c"}, {"name": "caf\u00e9\/1"}]}})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              (std::vector<std::string>{
                  "/ietf-interfaces:interfaces/interface[name=\"it's\"]",
                  "/ietf-interfaces:interfaces/interface[name='caf\xc3\xa9/1']",
                  "/ietf-interfaces:interfaces/interface[name='say \"hi\"']",
                  "/ietf-interfaces:interfaces/interface[name=concat('a',\"'\",'b\"c')]"}));
}

TEST(LatestKey, NumericKeysUseTheirJsonText)
{
    keyer k(latest_topics());
    const auto sub =
        k.resolve(xpath_filter("/ietf-subscribed-notifications:subscriptions/subscription"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-subscribed-notifications:subscriptions":
        {"subscription": [{"id": 5}, {"id": 12}]}})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              (std::vector<std::string>{
                  "/ietf-subscribed-notifications:subscriptions/subscription[id='12']",
                  "/ietf-subscribed-notifications:subscriptions/subscription[id='5']"}));
}

TEST(LatestKey, ContainerTargetWithoutListIsTheTemplate)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/if:interfaces"));
    std::string doc;
    const auto r = k.builder.derive(sub, "router-nyc-01", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.key, "router-nyc-01\n1042\n/ietf-interfaces:interfaces");
    EXPECT_EQ(r.topic, "if-interfaces");
}

TEST(LatestKey, NoMatchingInstanceFallsBackToTheSubscriptionPath)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(
        xpath_filter("/ietf-interfaces:interfaces/interface[name='eth9']/ietf-ip:ipv4/address"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.key,
              "n\n1042\n/ietf-interfaces:interfaces/interface[name='eth9']/ietf-ip:ipv4/address");
    EXPECT_EQ(r.n_instances, 0u);
    EXPECT_EQ(k.count(key_event::no_instance), 1u);
    // An entry without its key leaf cannot fill the placeholder.
    const auto open = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    const auto r2 = k.builder.derive(
        open, "n",
        update(R"({"ietf-interfaces:interfaces": {"interface": [{"type": "x"}]}})", doc));
    EXPECT_EQ(r2.key, "n\n1042\n/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(k.count(key_event::missing_key_value), 1u);
}

TEST(LatestKey, MalformedContentsAreCountedNotFatal)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    for (
        const char* bad :
        {R"({"id": 1, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0")",
         R"({"id": 1, "datastore-contents": 5})",
         R"({"id": 1, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", }]}}})",
         "", "[",
         R"({"id": 1, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "\u12"}]}}})"}) {
        const auto n = notification(notification_kind::push_update, push_update, bad);
        const auto r = k.builder.derive(sub, "n", n);
        EXPECT_TRUE(r.has_key);
        EXPECT_TRUE(r.key.starts_with("n\n1042\n")) << r.key;
    }
    EXPECT_EQ(k.count(key_event::malformed_contents), 6u);
}

TEST(LatestKey, LenientAboutContainersSentAsArrays)
{
    // PROTOCOL.md §11.9: UDPN A.3 encodes container `interfaces` as an array.
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n",
                                    update(R"({"ietf-interfaces:interfaces": [
        {"interface": {"name": "eth0"}}]})",
                                           doc));
    EXPECT_EQ(xpaths_of(r.key),
              std::vector<std::string>{"/ietf-interfaces:interfaces/interface[name='eth0']"});
}

TEST(LatestKey, QualifiedByPrefixIsAcceptedInData)
{
    // §11.10: publishers sending XML-style prefixes in JSON member names.
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r = k.builder.derive(
        sub, "n", update(R"({"if:interfaces": {"interface": [{"name": "eth0"}]}})", doc));
    EXPECT_EQ(r.n_instances, 1u);
}

TEST(LatestKey, StateChangeNotificationsGetTheSubscriptionKey)
{
    keyer k(latest_topics());
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    const auto n =
        notification(notification_kind::subscription_started,
                     "ietf-subscribed-notifications:subscription-started", R"({"id": 1042})");
    const auto r = k.builder.derive(sub, "n", n);
    EXPECT_EQ(r.key, "n\n1042\n/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(r.topic, "if-interfaces-interface");
    EXPECT_EQ(k.count(key_event::no_instance), 0u);
}

TEST(LatestKey, StreamNotificationsAreTheirOwnData)
{
    keyer k(latest_topics());
    subscription_filter f;
    f.subscription_id = 3;
    f.kind = filter_kind::xpath;
    f.stream = "NETCONF";
    f.text =
        "/ietf-hardware:hardware-state-oper-disabled | /ietf-hardware:hardware-state-oper-enabled";
    const auto sub = k.resolve(f);
    const auto n =
        notification(notification_kind::other, "ietf-hardware:hardware-state-oper-enabled",
                     R"({"name": "fan-1", "admin-state": "unlocked"})");
    const auto r = k.builder.derive(sub, "pe1", n);
    EXPECT_EQ(r.key, "pe1\n3\n/ietf-hardware:hardware-state-oper-enabled");
    EXPECT_EQ(r.topic, "hw-hardware-state-oper-enabled");
    EXPECT_EQ(r.branch_mask, 2u);
}

TEST(LatestKey, OverflowFallsBackToTheSubscriptionPath)
{
    key_config config = latest_topics();
    config.max_instances = 2;
    keyer k(config);
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    auto r = k.builder.derive(sub, "n", update(interfaces({"eth0", "eth1", "eth2"}), doc));
    EXPECT_EQ(r.key, "n\n1042\n/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(k.count(key_event::key_overflow), 1u);

    key_config small = latest_topics();
    small.max_key_bytes = 256;
    keyer s(small);
    const auto sub2 = s.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    r = s.builder.derive(sub2, "n", update(interfaces({std::string(200, 'x'), "eth1"}), doc));
    EXPECT_EQ(r.key, "n\n1042\n/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(s.count(key_event::key_overflow), 1u);
    // A node name longer than the whole budget: null key, counted.
    r = s.builder.derive(sub2, std::string(300, 'n'), update(interfaces({"eth0"}), doc));
    EXPECT_FALSE(r.has_key);
    EXPECT_EQ(s.count(key_event::key_overflow), 2u);
}

TEST(SeedKey, HostnameDatastoreAndIndex)
{
    key_config config;
    config.distribution = topic_distribution::topic;
    config.topic_prefix = "project.environment";
    keyer k(config);
    const auto sub = k.resolve(
        xpath_filter("ietf-interfaces:interfaces/interface[type='ianaift:ethernetCsmacd']"));
    std::string doc;
    const auto r = k.builder.derive(sub, "router-nyc-01", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(
        r.key,
        "router-nyc-01\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name");
    EXPECT_EQ(r.topic, "project.environment.statistics.yang.ietf-interfaces.interfaces_interface");
}

TEST(SeedKey, UnionTopicNeedsTheDataButTheKeyDoesNot)
{
    key_config config;
    config.distribution = topic_distribution::topic;
    keyer k(config);
    const auto sub = k.resolve(xpath_filter(
        "/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component/state"));
    std::string doc;
    const auto r = k.builder.derive(sub, "pe1", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.key, "pe1\nietf-datastores:operational\nietf-hardware:hardware/component/state | "
                     "ietf-interfaces:interfaces/interface/name");
    EXPECT_EQ(r.topic, "statistics.yang.ietf-interfaces.interfaces_interface");
}

TEST(Knobs, KeyDisabledGivesANullKey)
{
    key_config config = latest_topics();
    config.key_enabled = false;
    keyer k(config);
    const auto sub = k.resolve(xpath_filter("/ietf-interfaces:interfaces/interface"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n", update(interfaces({"eth0"}), doc));
    EXPECT_FALSE(r.has_key);
    EXPECT_TRUE(r.key.empty());
    EXPECT_EQ(r.topic, "if-interfaces-interface");
    EXPECT_EQ(k.count(key_event::null_key), 1u);
    EXPECT_FALSE(k.builder.derive_unknown(1, "n").has_key);
}

TEST(Knobs, SubjectDistributionSendsEverythingToOneTopic)
{
    key_config config;
    config.standards_profile = profile::latest;
    config.single_topic = "yang-telemetry";
    keyer k(config);
    const auto sub = k.resolve(
        xpath_filter("/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component"));
    std::string doc;
    const auto r = k.builder.derive(sub, "n", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.topic, "yang-telemetry");
    EXPECT_EQ(r.key, "n\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']");
    EXPECT_EQ(k.builder.derive_unknown(9, "n").topic, "yang-telemetry");
}

TEST(Fallback, UnknownSubscription)
{
    key_config latest = latest_topics();
    latest.topic_prefix = "netops";
    keyer k(latest);
    auto r = k.builder.derive_unknown(1042, "router-nyc-01");
    EXPECT_EQ(r.topic, "netops-unknown");
    EXPECT_EQ(r.key, "router-nyc-01\n1042\n");
    EXPECT_EQ(k.count(key_event::unknown_subscription), 1u);
    key_config seed;
    seed.distribution = topic_distribution::topic;
    keyer s(seed);
    r = s.builder.derive_unknown(1042, "router-nyc-01");
    EXPECT_EQ(r.topic, "unknown");
    EXPECT_EQ(r.key, "router-nyc-01\n\n");
}

TEST(Fallback, ByReferenceFilterKeyHasNoXpaths)
{
    keyer k(latest_topics());
    subscription_filter f = xpath_filter("");
    f.kind = filter_kind::by_reference;
    f.text = "all-interfaces";
    const auto sub = k.resolve(f);
    std::string doc;
    auto r = k.builder.derive(sub, "pe1", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.topic, "unknown");
    EXPECT_EQ(r.key, "pe1\n1042\n");
    EXPECT_EQ(k.count(key_event::fallback_filter), 1u);
    key_config seed;
    keyer s(seed);
    const auto seed_sub = s.resolve(f); // record_key views point into it: keep it alive
    r = s.builder.derive(seed_sub, "pe1", update(interfaces({"eth0"}), doc));
    EXPECT_EQ(r.key, "pe1\nietf-datastores:operational\n");
    EXPECT_EQ(r.topic, "yang-push"); // subject distribution by default
}

TEST(NodeName, PreferenceOrderOfSection11_13)
{
    EXPECT_EQ(choose_node_name({"pe1", "manifest", "map", "192.0.2.1"}), "pe1");
    EXPECT_EQ(choose_node_name({"", "manifest", "map", "192.0.2.1"}), "manifest");
    EXPECT_EQ(choose_node_name({"", "", "map", "192.0.2.1"}), "map");
    EXPECT_EQ(choose_node_name({"", "", "", "192.0.2.1"}), "192.0.2.1");
}
