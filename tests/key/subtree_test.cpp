// PROTOCOL.md §7.3 Phase 1: subtree filters (JSON §11.11 and XML) → XPath branches.
#include "key/subtree.hpp"

#include "key/xml_reader.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;
using udpn::test::shared_schema;

namespace {

constexpr std::string_view if_ns = "urn:ietf:params:xml:ns:yang:ietf-interfaces";
constexpr std::string_view hw_ns = "urn:ietf:params:xml:ns:yang:ietf-hardware";

std::vector<std::string> from_json(std::string_view json,
                                   const std::vector<namespace_binding>& ns = {})
{
    std::vector<std::string> out;
    resolve_error error{};
    std::string message;
    EXPECT_TRUE(subtree_json_to_xpaths(shared_schema(), json, ns, out, error, message)) << message;
    return out;
}

std::vector<std::string> from_xml(std::string_view xml,
                                  const std::vector<namespace_binding>& ns = {})
{
    std::vector<std::string> out;
    resolve_error error{};
    std::string message;
    EXPECT_TRUE(subtree_xml_to_xpaths(shared_schema(), xml, ns, out, error, message)) << message;
    return out;
}

std::pair<resolve_error, std::string> json_error(std::string_view json)
{
    std::vector<std::string> out;
    resolve_error error{};
    std::string message;
    EXPECT_FALSE(subtree_json_to_xpaths(shared_schema(), json, {}, out, error, message)) << json;
    return {error, message};
}

std::pair<resolve_error, std::string> xml_error(std::string_view xml)
{
    std::vector<std::string> out;
    resolve_error error{};
    std::string message;
    EXPECT_FALSE(subtree_xml_to_xpaths(shared_schema(), xml, {}, out, error, message)) << xml;
    return {error, message};
}

using list = std::vector<std::string>;

} // namespace

TEST(SubtreeXml, DraftHardwareExampleSelectsState)
{
    // §7.1 draft example: <hardware xmlns=…ietf-hardware><component><state/></component></hardware>
    EXPECT_EQ(from_xml("<hardware xmlns=\"" + std::string(hw_ns) +
                       "\"><component><state/></component></hardware>"),
              list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state"});
}

TEST(SubtreeXml, ContentMatchBecomesAPredicateOnTheParent)
{
    const std::string xml = "<interfaces xmlns=\"" + std::string(if_ns) +
                            "\"><interface><name>eth0</name><oper-status/></interface></interfaces>"
                            "<hardware xmlns=\"" +
                            std::string(hw_ns) +
                            "\"><component><serial-num/></component></hardware>";
    EXPECT_EQ(from_xml(xml),
              (list{"/ietf-interfaces:interfaces/ietf-interfaces:interface"
                    "[ietf-interfaces:name='eth0']/ietf-interfaces:oper-status",
                    "/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:serial-num"}));
}

TEST(SubtreeXml, ThreeInterfacesGiveThreeBranches)
{
    std::string xml = "<if:interfaces xmlns:if=\"" + std::string(if_ns) + "\">";
    for (const char* name : {"eth0", "eth1", "eth2"}) {
        xml += std::string("<if:interface><if:name>") + name +
               "</if:name><if:oper-status/></if:interface>";
    }
    xml += "</if:interfaces>";
    const auto branches = from_xml(xml);
    ASSERT_EQ(branches.size(), 3u);
    EXPECT_EQ(branches[2], "/ietf-interfaces:interfaces/ietf-interfaces:interface"
                           "[ietf-interfaces:name='eth2']/ietf-interfaces:oper-status");
}

TEST(SubtreeXml, WhitespaceOnlyTextIsASelectionNotAMatch)
{
    EXPECT_EQ(from_xml("<interfaces xmlns=\"" + std::string(if_ns) +
                       "\"><interface><name> \n </name></interface></interfaces>"),
              list{"/ietf-interfaces:interfaces/ietf-interfaces:interface/ietf-interfaces:name"});
}

TEST(SubtreeXml, OnlyContentMatchesSelectTheWholeEntry)
{
    EXPECT_EQ(from_xml("<interfaces xmlns=\"" + std::string(if_ns) +
                       "\"><interface><name>eth0</name></interface></interfaces>"),
              list{"/ietf-interfaces:interfaces/ietf-interfaces:interface"
                   "[ietf-interfaces:name='eth0']"});
}

TEST(SubtreeXml, DecodesEntitiesCdataAndSkipsCommentsAndDeclarations)
{
    EXPECT_EQ(from_xml("<?xml version=\"1.0\"?><!-- c --><interfaces xmlns=\"" +
                       std::string(if_ns) +
                       "\"><interface><name>a&amp;b&#39;&#x41;<![CDATA[<x>]]></name>"
                       "<!-- c --><enabled/></interface></interfaces>"),
              list{"/ietf-interfaces:interfaces/ietf-interfaces:interface"
                   "[ietf-interfaces:name=\"a&b'A<x>\"]/ietf-interfaces:enabled"});
}

TEST(SubtreeXml, DuplicatesAreRemoved)
{
    const std::string one =
        "<hardware xmlns=\"" + std::string(hw_ns) + "\"><component><state/></component></hardware>";
    EXPECT_EQ(from_xml(one + one).size(), 1u);
}

TEST(SubtreeXml, OuterNamespaceDeclarationsApply)
{
    const std::vector<namespace_binding> ns{{"hw", std::string(hw_ns)}};
    EXPECT_EQ(from_xml("<hw:hardware><hw:component><hw:state/></hw:component></hw:hardware>", ns),
              list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state"});
}

TEST(SubtreeXml, UnqualifiedTopElementResolvesByName)
{
    EXPECT_EQ(from_xml("<hardware><component><state/></component></hardware>"),
              list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state"});
}

TEST(SubtreeJson, ProjectExampleSelectsState)
{
    // PROTOCOL.md §4 subscription-started example 2001.
    EXPECT_EQ(from_json(R"({"ietf-hardware:hardware": {"component": [{"state": {}}]}})"),
              list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state"});
}

TEST(SubtreeJson, SelectionNodeForms)
{
    // §11.11: {}, [null], null and "" are selection nodes.
    for (const char* sel : {"{}", "[null]", "null", "\"\""}) {
        EXPECT_EQ(
            from_json(std::string(R"({"ietf-hardware:hardware": {"component": {"serial-num": )") +
                      sel + "}}}"),
            list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:serial-num"})
            << sel;
    }
}

TEST(SubtreeJson, ScalarsAreContentMatchesAndArraysHoldEntries)
{
    const auto branches = from_json(R"({"ietf-interfaces:interfaces": {"interface": [
        {"name": "eth0", "oper-status": {}},
        {"name": "eth1", "oper-status": {}},
        {"name": "eth2", "oper-status": {}}]}})");
    EXPECT_EQ(branches, (list{"/ietf-interfaces:interfaces/ietf-interfaces:interface"
                              "[ietf-interfaces:name='eth0']/ietf-interfaces:oper-status",
                              "/ietf-interfaces:interfaces/ietf-interfaces:interface"
                              "[ietf-interfaces:name='eth1']/ietf-interfaces:oper-status",
                              "/ietf-interfaces:interfaces/ietf-interfaces:interface"
                              "[ietf-interfaces:name='eth2']/ietf-interfaces:oper-status"}));
    EXPECT_EQ(
        from_json(
            R"({"ietf-interfaces:interfaces": {"interface": {"enabled": true, "speed": {}}}})"),
        list{"/ietf-interfaces:interfaces/ietf-interfaces:interface"
             "[ietf-interfaces:enabled='true']/ietf-interfaces:speed"});
}

TEST(SubtreeJson, QualifiersMayBePrefixesAndModulesChange)
{
    EXPECT_EQ(from_json(R"({"if:interfaces": {"interface": {"ietf-ip:ipv4": {"address": {}}}}})"),
              list{"/ietf-interfaces:interfaces/ietf-interfaces:interface/ietf-ip:ipv4/"
                   "ietf-ip:address"});
}

TEST(SubtreeJson, AJsonStringHoldsTheXmlForm)
{
    EXPECT_EQ(from_json("\"<hardware xmlns=\\\"" + std::string(hw_ns) +
                        "\\\"><component><state/></component></hardware>\""),
              list{"/ietf-hardware:hardware/ietf-hardware:component/ietf-hardware:state"});
}

TEST(SubtreeError, MalformedInputIsABadSubtree)
{
    EXPECT_EQ(json_error(R"({"ietf-hardware:hardware": )").first, resolve_error::bad_subtree);
    EXPECT_EQ(json_error("[1]").first, resolve_error::bad_subtree);
    EXPECT_EQ(json_error(R"({"ietf-hardware:hardware": {"component": [1, 2]}})").first,
              resolve_error::bad_subtree);
    EXPECT_EQ(json_error(R"({"ietf-hardware:hardware": {}} x)").first, resolve_error::bad_subtree);
    EXPECT_EQ(json_error("{}").first, resolve_error::empty_filter);
    const auto [e, msg] =
        xml_error("<hardware xmlns=\"" + std::string(hw_ns) + "\"><component></hardware>");
    EXPECT_EQ(e, resolve_error::bad_subtree);
    EXPECT_NE(msg.find("does not match"), std::string::npos) << msg;
    EXPECT_EQ(xml_error("<!DOCTYPE x><x/>").first, resolve_error::bad_subtree);
    EXPECT_EQ(xml_error("<p:x/>").first, resolve_error::bad_subtree); // undeclared prefix
    EXPECT_EQ(xml_error("<a>&bogus;</a>").first, resolve_error::bad_subtree);
}

TEST(SubtreeError, UnknownModulesAreNamed)
{
    const auto [e, msg] = xml_error("<x xmlns=\"urn:example:nothing\"/>");
    EXPECT_EQ(e, resolve_error::unknown_module);
    EXPECT_NE(msg.find("urn:example:nothing"), std::string::npos) << msg;
    EXPECT_EQ(json_error(R"({"nosuch:hardware": {}})").first, resolve_error::unknown_module);
    EXPECT_EQ(json_error(R"({"no-such-top-node": {}})").first, resolve_error::unknown_module);
}

TEST(SubtreeError, ContentMatchNeedsAParent)
{
    const auto [e, msg] = json_error(R"({"ietf-hardware:hardware": "x"})");
    EXPECT_EQ(e, resolve_error::bad_subtree);
    EXPECT_NE(msg.find("no parent"), std::string::npos) << msg;
}

TEST(XmlReader, ResolvesNamespacesPerScope)
{
    std::vector<xml_element> forest;
    std::string message;
    ASSERT_TRUE(parse_xml_forest("<a xmlns=\"u1\" xmlns:p=\"u2\"><p:b/><c xmlns=\"u3\"/></a>", {},
                                 forest, message))
        << message;
    ASSERT_EQ(forest.size(), 1u);
    EXPECT_EQ(forest[0].ns, "u1");
    ASSERT_EQ(forest[0].children.size(), 2u);
    EXPECT_EQ(forest[0].children[0].ns, "u2");
    EXPECT_EQ(forest[0].children[0].name, "b");
    EXPECT_EQ(forest[0].children[1].ns, "u3");
}
