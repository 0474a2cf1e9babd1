// PROTOCOL.md §7.3 Phase 2 input: the XPath subset of filters, unions (§11.16) and the quoting
// rule of key literals (§11.15).
#include "key/xpath.hpp"

#include <gtest/gtest.h>

using namespace udpn::key;

namespace {
xpath_path parsed(std::string_view text)
{
    xpath_path p;
    std::string message;
    EXPECT_TRUE(parse_xpath(text, p, message)) << message;
    return p;
}

std::string parse_error(std::string_view text)
{
    xpath_path p;
    std::string message;
    EXPECT_FALSE(parse_xpath(text, p, message)) << text;
    return message;
}

std::string literal(std::string_view v)
{
    std::string out;
    append_xpath_literal(out, v);
    EXPECT_EQ(out.size(), xpath_literal_size(v)) << out;
    return out;
}
} // namespace

TEST(SplitUnion, SplitsOnlyTopLevelBars)
{
    const auto parts = split_union(" /a:x | /b:y[k='p|q'] |/c:z[f(1|2)] ");
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0], "/a:x");
    EXPECT_EQ(parts[1], "/b:y[k='p|q']");
    EXPECT_EQ(parts[2], "/c:z[f(1|2)]");
    EXPECT_EQ(split_union("/a:x").size(), 1u);
}

TEST(ParseXpath, ReadsStepsPrefixesAndKeyPredicates)
{
    const auto p = parsed("/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4");
    ASSERT_EQ(p.steps.size(), 3u);
    EXPECT_EQ(p.steps[0].prefix, "ietf-interfaces");
    EXPECT_EQ(p.steps[0].name, "interfaces");
    EXPECT_EQ(p.steps[1].prefix, "");
    ASSERT_EQ(p.steps[1].pins.size(), 1u);
    EXPECT_EQ(p.steps[1].pins[0].name, "name");
    EXPECT_EQ(p.steps[1].pins[0].value, "eth0");
    EXPECT_EQ(p.steps[2].prefix, "ietf-ip");
}

TEST(ParseXpath, AcceptsRelativePathsAndWhitespace)
{
    // The draft's own example has no leading '/'.
    const auto p = parsed("  if:interfaces / interface [ if:name = \"eth0\" ]  ");
    ASSERT_EQ(p.steps.size(), 2u);
    ASSERT_EQ(p.steps[1].pins.size(), 1u);
    EXPECT_EQ(p.steps[1].pins[0].prefix, "if");
    EXPECT_EQ(p.steps[1].pins[0].name, "name");
    EXPECT_EQ(p.steps[1].pins[0].value, "eth0");
}

TEST(ParseXpath, ReadsAndChainsRepeatedPredicatesAndNumbers)
{
    const auto p = parsed("/m:l[a='1' and b=2][c='x']");
    ASSERT_EQ(p.steps[0].pins.size(), 3u);
    EXPECT_EQ(p.steps[0].pins[1].name, "b");
    EXPECT_EQ(p.steps[0].pins[1].value, "2");
    EXPECT_EQ(p.steps[0].pins[2].value, "x");
    EXPECT_FALSE(p.steps[0].other_predicate);
}

TEST(ParseXpath, PositionalAndOtherPredicatesAreOpen)
{
    const auto p = parsed("/m:l[3]/n[starts-with(name,'e')]/o[k='a' or k='b']/p[.='v']");
    EXPECT_TRUE(p.steps[0].positional);
    EXPECT_TRUE(p.steps[0].pins.empty());
    EXPECT_TRUE(p.steps[1].other_predicate);
    EXPECT_TRUE(p.steps[2].other_predicate);
    EXPECT_TRUE(p.steps[2].pins.empty());
    ASSERT_EQ(p.steps[3].pins.size(), 1u);
    EXPECT_EQ(p.steps[3].pins[0].name, ".");
    EXPECT_EQ(p.steps[3].pins[0].value, "v");
}

TEST(ParseXpath, LiteralsMayHoldBracketsAndTheOtherQuote)
{
    const auto p = parsed("/m:l[k=\"it's [x]\"]/c");
    ASSERT_EQ(p.steps.size(), 2u);
    EXPECT_EQ(p.steps[0].pins[0].value, "it's [x]");
}

TEST(ParseXpath, RejectsWhatItCannotKey)
{
    EXPECT_NE(parse_error("//interface").find("'//'"), std::string::npos);
    EXPECT_NE(parse_error("/m:a//b").find("'//'"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/*").find("wildcards"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/../b").find("'..'"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/@x").find("attributes"), std::string::npos);
    EXPECT_NE(parse_error("/child::a").find("axes"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/count(b)").find("function"), std::string::npos);
    EXPECT_NE(parse_error("/m:a[k='x'").find("unterminated predicate"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/").find("ends with '/'"), std::string::npos);
    EXPECT_NE(parse_error("/m:a b").find("unexpected 'b'"), std::string::npos);
    EXPECT_NE(parse_error("").find("empty"), std::string::npos);
    EXPECT_NE(parse_error("/m:").find("after 'm:'"), std::string::npos);
    EXPECT_NE(parse_error("/m:a/*").find("at offset 5"), std::string::npos);
}

TEST(XpathLiteral, SingleQuotesUnlessTheValueHasOne)
{
    // §11.15: single quotes, double quotes when the value contains ', concat() when both.
    EXPECT_EQ(literal("eth0"), "'eth0'");
    EXPECT_EQ(literal(""), "''");
    EXPECT_EQ(literal("it's"), "\"it's\"");
    EXPECT_EQ(literal("say \"hi\""), "'say \"hi\"'");
    EXPECT_EQ(literal("a'b\"c"), "concat('a',\"'\",'b\"c')");
    EXPECT_EQ(literal("'\""), "concat(\"'\",'\"')");
    EXPECT_EQ(literal("x''\"y"), "concat('x',\"'\",\"'\",'\"y')");
}

TEST(YangIdentifier, FollowsRfc7950)
{
    EXPECT_TRUE(is_yang_identifier("ietf-interfaces"));
    EXPECT_TRUE(is_yang_identifier("_a.b-c9"));
    EXPECT_FALSE(is_yang_identifier("9a"));
    EXPECT_FALSE(is_yang_identifier(""));
    EXPECT_FALSE(is_yang_identifier("a:b"));
}
