// The libyang schema context: built from configured directories, module ↔ prefix lookups
// (PROTOCOL.md §11.10), start-up errors as exceptions with the module and libyang's reason.
#include "key/schema_context.hpp"

#include "schema_fixture.hpp"

#include <libyang/libyang.h>

#include <gtest/gtest.h>

#include <algorithm>

using namespace udpn::key;
using udpn::test::shared_schema;

TEST(SchemaContext, LoadsEveryModuleOfTheDirectory)
{
    const auto& schema = shared_schema();
    EXPECT_NE(schema.module_by_name("ietf-interfaces"), nullptr);
    EXPECT_NE(schema.module_by_name("ietf-hardware"), nullptr);
    EXPECT_NE(schema.module_by_name("ietf-yang-push"), nullptr);
    EXPECT_EQ(schema.module_by_name("ietf-interface"), nullptr); // the draft's typo
    EXPECT_GT(schema.implemented().size(), 30u);
    const auto names = find_module_names({UDPN_YANG_DIR});
    EXPECT_NE(std::find(names.begin(), names.end(), "ietf-ip@2018-02-22"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "ietf-yang-types@2025-12-22"), names.end());
}

TEST(SchemaContext, MapsModuleNamesPrefixesAndNamespaces)
{
    const auto& schema = shared_schema();
    EXPECT_EQ(schema.prefix_of("ietf-interfaces"), "if");
    EXPECT_EQ(schema.prefix_of("ietf-hardware"), "hw");
    EXPECT_EQ(schema.prefix_of("no-such-module"), "");
    EXPECT_EQ(schema.module_name_of_prefix("if"), "ietf-interfaces");
    EXPECT_EQ(schema.module_name_of_prefix("ianaift"), "iana-if-type");
    const lys_module* hw = schema.module_by_namespace("urn:ietf:params:xml:ns:yang:ietf-hardware");
    ASSERT_NE(hw, nullptr);
    EXPECT_STREQ(hw->name, "ietf-hardware");
}

TEST(SchemaContext, ReportsAPrefixSharedByTwoModules)
{
    // `yang` is the prefix of both the `yang` extension module and ietf-yang-types.
    bool ambiguous = false;
    EXPECT_EQ(shared_schema().module_by_prefix("yang", ambiguous), nullptr);
    EXPECT_TRUE(ambiguous);
    EXPECT_EQ(shared_schema().module_name_of_prefix("yang"), "");
}

TEST(SchemaContext, ResolvesQualifiersInTheOrderOfSection11_10)
{
    const auto& schema = shared_schema();
    bool ambiguous = false;
    // 1. module name
    EXPECT_STREQ(resolve_qualifier(schema, "ietf-interfaces", {}, ambiguous)->name,
                 "ietf-interfaces");
    // 2. prefix statement
    EXPECT_STREQ(resolve_qualifier(schema, "if", {}, ambiguous)->name, "ietf-interfaces");
    // 3. XML namespace declarations
    const std::vector<namespace_binding> ns{{"acme", "urn:ietf:params:xml:ns:yang:ietf-hardware"}};
    EXPECT_STREQ(resolve_qualifier(schema, "acme", ns, ambiguous)->name, "ietf-hardware");
    EXPECT_EQ(resolve_qualifier(schema, "acme", {}, ambiguous), nullptr);
    EXPECT_FALSE(ambiguous);
    // `yang` is a module name before it is a (shared) prefix.
    EXPECT_STREQ(resolve_qualifier(schema, "yang", {}, ambiguous)->name, "yang");
    // A prefix of two modules, settled by a declaration.
    const auto& synthetic = udpn::test::synthetic_schema();
    EXPECT_EQ(resolve_qualifier(synthetic, "x", {}, ambiguous), nullptr);
    EXPECT_TRUE(ambiguous);
    const std::vector<namespace_binding> dup{{"x", "urn:example:dup"}};
    EXPECT_STREQ(resolve_qualifier(synthetic, "x", dup, ambiguous)->name, "example-dup");
}

TEST(SchemaContext, FindsTheModuleOfAnUnqualifiedTopNode)
{
    bool ambiguous = false;
    const lys_module* mod = module_of_top_node(shared_schema(), "hardware", ambiguous);
    ASSERT_NE(mod, nullptr);
    EXPECT_STREQ(mod->name, "ietf-hardware");
    EXPECT_EQ(module_of_top_node(shared_schema(), "no-such-node", ambiguous), nullptr);
    EXPECT_FALSE(ambiguous);
}

TEST(SchemaContext, LoadsAnExplicitModuleList)
{
    const schema_context schema(
        schema_config{{UDPN_YANG_DIR}, {"ietf-interfaces@2018-02-20"}, true});
    EXPECT_NE(schema.module_by_name("ietf-interfaces"), nullptr);
    EXPECT_EQ(schema.module_by_name("ietf-hardware"), nullptr);
}

TEST(SchemaContextError, MissingDirectoryIsAStartupError)
{
    try {
        const schema_context schema(schema_config{{"/nonexistent/yang"}, {}, true});
        FAIL() << "expected schema_error";
    } catch (const schema_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/yang"), std::string::npos) << e.what();
    }
    EXPECT_THROW(schema_context(schema_config{{}, {}, true}), schema_error);
}

TEST(SchemaContextError, UnknownModuleNamesTheModule)
{
    try {
        const schema_context schema(schema_config{{UDPN_YANG_DIR}, {"no-such-module"}, true});
        FAIL() << "expected schema_error";
    } catch (const schema_error& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-module"), std::string::npos) << e.what();
    }
}
