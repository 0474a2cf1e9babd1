// Source address allowlist: IPv4/IPv6 CIDRs, /0, host routes, non-octet prefixes, bad text.
#include "input/allowlist.hpp"

#include "input_fixtures.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::input;

namespace {

net::ip_address ip(const char* text)
{
    return net::ip_address::parse(text);
}

bool cidr_has(const char* cidr_text, const char* addr)
{
    const auto c = cidr::parse(cidr_text);
    EXPECT_TRUE(c.ok()) << cidr_text;
    return c.ok() && c->contains(ip(addr));
}

} // namespace

TEST(Cidr, ParsesIPv4PrefixesAndMasksHostBits)
{
    const auto c = cidr::parse("192.0.2.77/24");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->length, 24);
    EXPECT_EQ(c->prefix, ip("192.0.2.0"));
    EXPECT_TRUE(c->contains(ip("192.0.2.0")));
    EXPECT_TRUE(c->contains(ip("192.0.2.255")));
    EXPECT_FALSE(c->contains(ip("192.0.3.0")));
}

TEST(Cidr, HandlesPrefixLengthsThatAreNotOctetAligned)
{
    EXPECT_TRUE(cidr_has("10.16.0.0/12", "10.31.255.255"));
    EXPECT_FALSE(cidr_has("10.16.0.0/12", "10.32.0.0"));
    EXPECT_FALSE(cidr_has("10.16.0.0/12", "10.15.255.255"));
    EXPECT_TRUE(cidr_has("2001:db8::/127", "2001:db8::1"));
    EXPECT_FALSE(cidr_has("2001:db8::/127", "2001:db8::2"));
    EXPECT_TRUE(cidr_has("2001:db8::/29", "2001:dbf:ffff::1"));
    EXPECT_FALSE(cidr_has("2001:db8::/29", "2001:dc0::"));
}

TEST(Cidr, ZeroLengthMatchesEveryAddressOfItsFamilyOnly)
{
    EXPECT_TRUE(cidr_has("0.0.0.0/0", "203.0.113.9"));
    EXPECT_TRUE(cidr_has("0.0.0.0/0", "255.255.255.255"));
    EXPECT_FALSE(cidr_has("0.0.0.0/0", "2001:db8::1"));
    EXPECT_TRUE(cidr_has("::/0", "2001:db8::1"));
    EXPECT_TRUE(cidr_has("::/0", "::1"));
    EXPECT_FALSE(cidr_has("::/0", "203.0.113.9"));
}

TEST(Cidr, HostPrefixesMatchOneAddress)
{
    EXPECT_TRUE(cidr_has("192.0.2.1/32", "192.0.2.1"));
    EXPECT_FALSE(cidr_has("192.0.2.1/32", "192.0.2.2"));
    EXPECT_TRUE(cidr_has("192.0.2.1", "192.0.2.1")); // no length: /32
    EXPECT_FALSE(cidr_has("192.0.2.1", "192.0.2.0"));
    EXPECT_TRUE(cidr_has("2001:db8::1/128", "2001:db8::1"));
    EXPECT_FALSE(cidr_has("2001:db8::1/128", "2001:db8::"));
    EXPECT_TRUE(cidr_has("::1", "::1"));
    EXPECT_EQ(cidr::parse("::1")->length, 128);
}

TEST(CidrError, RejectsMalformedText)
{
    for (const char* bad : {"", "/8", "abc", "10.0.0", "10.0.0.0.0/8", " 10.0.0.0/8"}) {
        const auto c = cidr::parse(bad);
        ASSERT_FALSE(c.ok()) << '"' << bad << '"';
        EXPECT_EQ(c.error(), cidr_error::bad_address) << bad;
    }
    for (const char* bad : {"10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/8x",
                            "10.0.0.0/0008", "10.0.0.0/ 8", "::/1000"}) {
        const auto c = cidr::parse(bad);
        ASSERT_FALSE(c.ok()) << '"' << bad << '"';
        EXPECT_EQ(c.error(), cidr_error::bad_length) << bad;
    }
}

TEST(AddressAllowlist, EmptyAllowsEverySource)
{
    const address_allowlist list;
    EXPECT_TRUE(list.empty());
    EXPECT_TRUE(list.allows(ip("203.0.113.1")));
    EXPECT_TRUE(list.allows(ip("2001:db8::1")));
}

TEST(AddressAllowlist, AllowsOnlyListedPrefixesOfEitherFamily)
{
    const address_allowlist list({"192.0.2.0/24", "198.51.100.7/32", "2001:db8:1::/48"});
    EXPECT_TRUE(list.allows(ip("192.0.2.200")));
    EXPECT_TRUE(list.allows(ip("198.51.100.7")));
    EXPECT_FALSE(list.allows(ip("198.51.100.8")));
    EXPECT_TRUE(list.allows(ip("2001:db8:1:ffff::1")));
    EXPECT_FALSE(list.allows(ip("2001:db8:2::1")));
    EXPECT_FALSE(list.allows(ip("10.0.0.1")));
    EXPECT_FALSE(list.allows(net::ip_address{})); // no family: never allowed by a list
}

TEST(AddressAllowlist, MatchesIPv4MappedAddressesAsIPv4)
{
    const address_allowlist list({"192.0.2.0/24"});
    EXPECT_TRUE(list.allows(ip("::ffff:192.0.2.9")));
    EXPECT_FALSE(list.allows(ip("::ffff:192.0.3.9")));
    EXPECT_EQ(unmap_v4(ip("::ffff:192.0.2.9")), ip("192.0.2.9"));
    EXPECT_EQ(unmap_v4(ip("2001:db8::1")), ip("2001:db8::1"));
}

TEST(AddressAllowlistError, NamesTheBadEntry)
{
    try {
        address_allowlist list({"192.0.2.0/24", "2001:db8::/200"});
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("2001:db8::/200"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("bad_length"), std::string::npos) << e.what();
    }
}
