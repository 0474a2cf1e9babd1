// Filter resolution failures: counted error values with a clear message, and the fallback
// keying a failed subscription gets (PROTOCOL.md §11.7, §11.10, §11.20).
#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;
using udpn::test::shared_schema;
using udpn::test::xpath_filter;

namespace {

struct failure {
    resolve_error error;
    std::string message;
};

failure fail(resolver& r, const subscription_filter& f)
{
    const auto res = r.resolve(f);
    EXPECT_FALSE(res.ok()) << f.text;
    if (res.ok()) {
        return {resolve_error::out_of_memory, {}};
    }
    EXPECT_FALSE(r.last_error().empty());
    return {res.error(), r.last_error()};
}

bool contains(const std::string& s, std::string_view what)
{
    return s.find(what) != std::string::npos;
}

} // namespace

TEST(ResolveError, UnknownModuleIsNamed)
{
    const key_config config;
    resolver r(shared_schema(), config);
    auto f = fail(r, xpath_filter("/nosuch:interfaces", 7));
    EXPECT_EQ(f.error, resolve_error::unknown_module);
    EXPECT_TRUE(contains(f.message, "'nosuch'")) << f.message;
    EXPECT_TRUE(contains(f.message, "§11.10")) << f.message;
    // The draft's typo "ietf-interface" is not a module.
    EXPECT_EQ(fail(r, xpath_filter("ietf-interface:interfaces/interface", 7)).error,
              resolve_error::unknown_module);
    // An unqualified top-level name no module defines.
    f = fail(r, xpath_filter("/no-such-top", 7));
    EXPECT_EQ(f.error, resolve_error::unknown_module);
    EXPECT_TRUE(contains(f.message, "no-such-top")) << f.message;
    EXPECT_EQ(r.stats().failed[static_cast<std::size_t>(resolve_error::unknown_module)], 3u);
}

TEST(ResolveError, AmbiguousPrefix)
{
    const key_config config;
    resolver r(udpn::test::synthetic_schema(), config);
    const auto f = fail(r, xpath_filter("/x:dup", 7));
    EXPECT_EQ(f.error, resolve_error::ambiguous_prefix);
    EXPECT_TRUE(contains(f.message, "several modules")) << f.message;
}

TEST(ResolveError, BadXpath)
{
    const key_config config;
    resolver r(shared_schema(), config);
    auto f = fail(r, xpath_filter("//interface", 7));
    EXPECT_EQ(f.error, resolve_error::bad_xpath);
    EXPECT_TRUE(contains(f.message, "'//'")) << f.message;
    EXPECT_EQ(fail(r, xpath_filter("/if:interfaces/*", 7)).error, resolve_error::bad_xpath);
    f = fail(r, xpath_filter("/if:interfaces | ", 7));
    EXPECT_EQ(f.error, resolve_error::bad_xpath);
    EXPECT_TRUE(contains(f.message, "empty")) << f.message;
    EXPECT_EQ(r.stats().failed[static_cast<std::size_t>(resolve_error::bad_xpath)], 3u);
}

TEST(ResolveError, PathNotInSchema)
{
    const key_config config;
    resolver r(shared_schema(), config);
    auto f = fail(r, xpath_filter("/ietf-interfaces:interfaces/bogus", 7));
    EXPECT_EQ(f.error, resolve_error::path_not_in_schema);
    EXPECT_TRUE(contains(f.message, "'bogus'")) << f.message;
    EXPECT_TRUE(contains(f.message, "under '/ietf-interfaces:interfaces'")) << f.message;
    // A leaf has no children.
    f = fail(r, xpath_filter("/ietf-interfaces:interfaces/interface/name/x", 7));
    EXPECT_EQ(f.error, resolve_error::path_not_in_schema);
    EXPECT_TRUE(contains(f.message, "no child nodes")) << f.message;
    // The right name in the wrong module.
    EXPECT_EQ(
        fail(r, xpath_filter("/ietf-interfaces:interfaces/interface/ietf-hardware:ipv4", 7)).error,
        resolve_error::path_not_in_schema);
    // A top-level node of another module.
    EXPECT_EQ(fail(r, xpath_filter("/ietf-interfaces:hardware", 7)).error,
              resolve_error::path_not_in_schema);
}

TEST(ResolveError, OperationsAreNotData)
{
    const key_config config;
    resolver r(shared_schema(), config);
    const auto f = fail(r, xpath_filter("/ietf-subscribed-notifications:establish-subscription", 7));
    EXPECT_EQ(f.error, resolve_error::unsupported_node) << to_string(f.error);
    EXPECT_TRUE(contains(f.message, "RPC or action")) << f.message;
}

TEST(ResolveError, LimitsOnBranchesAndDepth)
{
    key_config config;
    config.max_branches = 2;
    config.max_depth = 2;
    resolver r(shared_schema(), config);
    EXPECT_EQ(fail(r, xpath_filter("/if:interfaces | /hw:hardware | /nacm:nacm", 7)).error,
              resolve_error::too_many_branches);
    const auto f = fail(r, xpath_filter("/if:interfaces/interface/name", 7));
    EXPECT_EQ(f.error, resolve_error::too_deep);
    EXPECT_TRUE(contains(f.message, "max_depth")) << f.message;
}

TEST(ResolveError, EmptyAndBadSubtreeFilters)
{
    const key_config config;
    resolver r(shared_schema(), config);
    EXPECT_EQ(fail(r, xpath_filter("", 7)).error, resolve_error::empty_filter);
    subscription_filter f;
    f.kind = filter_kind::subtree_json;
    f.text = "{\"ietf-hardware:hardware\": ";
    EXPECT_EQ(fail(r, f).error, resolve_error::bad_subtree);
    f.kind = filter_kind::subtree_xml;
    f.text = "<hardware xmlns=\"urn:ietf:params:xml:ns:yang:ietf-hardware\"><component></hardware>";
    EXPECT_EQ(fail(r, f).error, resolve_error::bad_subtree);
    f.text = "<bogus xmlns=\"urn:ietf:params:xml:ns:yang:ietf-hardware\"/>";
    EXPECT_EQ(fail(r, f).error, resolve_error::path_not_in_schema);
}

TEST(ResolveError, FallbackKeysTheSubscriptionAnyway)
{
    key_config config;
    config.distribution = topic_distribution::topic;
    config.topic_prefix = "project";
    resolver r(shared_schema(), config);
    const auto f = xpath_filter("/nosuch:x", 7);
    ASSERT_FALSE(r.resolve(f).ok());
    const resolved_subscription sub = r.fallback(f);
    EXPECT_EQ(sub.mode, resolution::unresolved);
    EXPECT_EQ(sub.id, 7u);
    EXPECT_EQ(sub.topic, "project.unknown");
    EXPECT_TRUE(sub.branches.empty());
    EXPECT_EQ(r.stats().resolved, 0u);
}

TEST(ResolveError, ErrorNamesAreStable)
{
    EXPECT_STREQ(to_string(resolve_error::unknown_module), "unknown_module");
    EXPECT_STREQ(to_string(resolve_error::path_not_in_schema), "path_not_in_schema");
    EXPECT_STREQ(to_string(key_event::union_topic_split), "union_topic_split");
    for (std::size_t i = 0; i < n_resolve_errors; ++i) {
        EXPECT_STRNE(to_string(static_cast<resolve_error>(i)), "unknown");
    }
    for (std::size_t i = 0; i < n_key_events; ++i) {
        EXPECT_STRNE(to_string(static_cast<key_event>(i)), "unknown");
    }
}

TEST(ResolveError, ConstructionValidatesTheConfig)
{
    key_config config;
    config.single_topic = "not a topic";
    EXPECT_THROW(resolver(shared_schema(), config), std::invalid_argument);
}
