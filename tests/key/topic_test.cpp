// PROTOCOL.md §8: topic names (netana §8.1, ietf-02 §8.2), Kafka limits (§8.3), the FNV-1a
// overflow suffix (§8.2 step 5, §11.17) and collision handling (§11.18).
#include "key/topic.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;
using udpn::test::shared_schema;
using udpn::test::synthetic_schema;

TEST(Fnv1a64, MatchesTheDraftVector)
{
    EXPECT_EQ(fnv1a64("/ietf-interfaces:interfaces/interface"), 0x18eac5a197566761ull);
    EXPECT_EQ(fnv_suffix("/ietf-interfaces:interfaces/interface"), "18eac5a1");
    EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull); // offset basis
}

TEST(Ietf02TopicBody, FollowsTheDraftExamples)
{
    const auto& schema = shared_schema();
    EXPECT_EQ(ietf02_topic_body("/ietf-interfaces:interfaces/interface", schema),
              "if-interfaces-interface");
    EXPECT_EQ(ietf02_topic_body("/ietf-interfaces:interfaces/interface[name='%s']", schema),
              "if-interfaces-interface");
    EXPECT_EQ(
        ietf02_topic_body("/ietf-interfaces:interfaces/interface[name='eth0']/oper-status", schema),
        "if-interfaces-interface-oper-status");
    EXPECT_EQ(
        ietf02_topic_body("/example-sys:system/dns-resolver/server[name='%s']", synthetic_schema()),
        "sys-system-dns-resolver-server");
    // A module change in the path is labelled by its prefix too; ']' inside literals is safe.
    EXPECT_EQ(ietf02_topic_body(
                  "/ietf-interfaces:interfaces/interface[name='a]b']/ietf-ip:ipv4/address[ip='%s']",
                  schema),
              "if-interfaces-interface-ip-ipv4-address");
}

TEST(AssembleTopic, AddsPrefixAndTypeLevelPerScheme)
{
    EXPECT_EQ(assemble_topic(topic_scheme::ietf_02, "netops", "", "if-interfaces-interface"),
              "netops-if-interfaces-interface");
    EXPECT_EQ(
        assemble_topic(topic_scheme::ietf_02, "netops", "current-state", "if-interfaces-interface"),
        "netops-current-state-if-interfaces-interface");
    EXPECT_EQ(assemble_topic(topic_scheme::ietf_02, "", "", "if-interfaces-interface"),
              "if-interfaces-interface");
    EXPECT_EQ(assemble_topic(topic_scheme::netana, "project.environment", "statistics",
                             netana_topic_body("/ietf-interfaces:interfaces/interface",
                                               shared_schema(), false)),
              "project.environment.statistics.yang.ietf-interfaces.interfaces_interface");
    EXPECT_EQ(assemble_topic(topic_scheme::netana, "", "", "ietf-interfaces.interfaces"),
              "yang.ietf-interfaces.interfaces");
}

TEST(NetanaTopicBody, UsesModuleNameOrPrefix)
{
    const auto& schema = shared_schema();
    EXPECT_EQ(netana_topic_body("/ietf-hardware:hardware/component/state", schema, false),
              "ietf-hardware.hardware_component_state");
    // ietf-01 variant: the YANG prefix statement instead of the module name.
    EXPECT_EQ(netana_topic_body("/ietf-interfaces:interfaces/interface", schema, true),
              "if.interfaces_interface");
    // A later module change keeps its module, ':' written as '-' (legal, §8.3).
    EXPECT_EQ(netana_topic_body("/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address",
                                schema, false),
              "ietf-interfaces.interfaces_interface_ietf-ip-ipv4_address");
}

TEST(KafkaTopicName, AcceptsOnlyLegalNames)
{
    EXPECT_TRUE(is_legal_topic("if-interfaces-interface"));
    EXPECT_TRUE(is_legal_topic("project.environment.states.yang.ietf-hardware.x_y"));
    EXPECT_TRUE(is_legal_topic(std::string(249, 'a')));
    EXPECT_FALSE(is_legal_topic(std::string(250, 'a')));
    EXPECT_FALSE(is_legal_topic(""));
    EXPECT_FALSE(is_legal_topic("."));
    EXPECT_FALSE(is_legal_topic(".."));
    EXPECT_FALSE(is_legal_topic("a:b"));
    EXPECT_FALSE(is_legal_topic("a/b"));
    EXPECT_FALSE(is_legal_topic("a b"));
    EXPECT_EQ(collision_form("a.b_c"), "a_b_c");
}

TEST(FitTopic, LeavesShortNamesAlone)
{
    EXPECT_EQ(fit_topic("if-interfaces-interface", 249, "/ietf-interfaces:interfaces/interface"),
              "if-interfaces-interface");
    EXPECT_EQ(fit_topic("if-interfaces-interface", 23, "/ietf-interfaces:interfaces/interface"),
              "if-interfaces-interface");
}

TEST(FitTopic, CutsAtTheLastDashWithinMaxMinusNineAndAppendsTheHash)
{
    const std::string path = "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address";
    const std::string name = "if-interfaces-interface-ip-ipv4-address"; // 39 characters
    const std::string fitted = fit_topic(name, 32, path);
    // Budget 23: "if-interfaces-interface" ends exactly at the budget.
    EXPECT_EQ(fitted, "if-interfaces-interface-" + fnv_suffix(path));
    EXPECT_EQ(fitted.size(), 32u);
    const std::string shorter = fit_topic(name, 30, path);
    EXPECT_EQ(shorter, "if-interfaces-" + fnv_suffix(path)); // budget 21: last '-' at 13
    EXPECT_LE(shorter.size(), 30u);
}

TEST(FitTopic, HardCutsANameWithoutSeparator)
{
    const std::string fitted = fit_topic(std::string(40, 'z'), 20, "/m:z");
    EXPECT_EQ(fitted, std::string(11, 'z') + "-" + fnv_suffix("/m:z"));
    EXPECT_EQ(fitted.size(), 20u);
}

TEST(TopicRegistry, SameSchemaPathSharesTheName)
{
    topic_registry registry;
    bool collided = true;
    EXPECT_EQ(registry.claim("x-a-b-c", "/example-collide:a/b-c", 249, collided), "x-a-b-c");
    EXPECT_FALSE(collided);
    EXPECT_EQ(registry.claim("x-a-b-c", "/example-collide:a/b-c", 249, collided), "x-a-b-c");
    EXPECT_FALSE(collided);
    EXPECT_EQ(registry.size(), 1u);
}

TEST(TopicRegistry, DifferentSchemaPathGetsTheHashSuffix)
{
    // §11.18: '-' is legal in YANG names, so /x:a/b-c and /x:a-b/c both give x-a-b-c.
    topic_registry registry;
    bool collided = false;
    EXPECT_EQ(registry.claim("x-a-b-c", "/example-collide:a/b-c", 249, collided), "x-a-b-c");
    const std::string second = registry.claim("x-a-b-c", "/example-collide:a-b/c", 249, collided);
    EXPECT_TRUE(collided);
    EXPECT_EQ(second, "x-a-b-c-" + fnv_suffix("/example-collide:a-b/c"));
    EXPECT_NE(second, "x-a-b-c-" + fnv_suffix("/example-collide:a/b-c"));
}

TEST(TopicRegistry, DotAndUnderscoreCollideAsInKafka)
{
    topic_registry registry;
    bool collided = false;
    EXPECT_EQ(registry.claim("x-a.b-c", "/example-collide:a.b/c", 249, collided), "x-a.b-c");
    const std::string second = registry.claim("x-a_b-c", "/example-collide:a_b/c", 249, collided);
    EXPECT_TRUE(collided);
    EXPECT_EQ(second, "x-a_b-c-" + fnv_suffix("/example-collide:a_b/c"));
}

TEST(TopicRegistry, SuffixKeepsTheLengthLimit)
{
    topic_registry registry;
    bool collided = false;
    const std::string name(30, 'n');
    (void)registry.claim(name, "/m:one", 32, collided);
    const std::string second = registry.claim(name, "/m:two", 32, collided);
    EXPECT_TRUE(collided);
    EXPECT_LE(second.size(), 32u);
    const std::string suffix = fnv_suffix("/m:two");
    EXPECT_EQ(second.substr(second.size() - 9), std::string(1, '-') + suffix);
}
