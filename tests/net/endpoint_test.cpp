// net::ip_address::format() against glibc's inet_ntop() (the formatter it replaced on the worker
// path): RFC 5952 compression, the embedded-IPv4 forms, every octet value, random addresses
// biased towards zero runs, and the buffer-size contract.
#include "net/endpoint.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

using udpn::net::endpoint;
using udpn::net::ip_address;

namespace {

std::string ntop(const ip_address& a)
{
    char buf[INET6_ADDRSTRLEN];
    const char* r = inet_ntop(a.is_v4() ? AF_INET : AF_INET6, a.bytes.data(), buf, sizeof buf);
    return r != nullptr ? std::string(r) : std::string("<inet_ntop failed>");
}

std::string ours(const ip_address& a)
{
    char buf[64];
    const std::size_t n = a.format(buf);
    EXPECT_EQ(buf[n], '\0');
    return std::string(buf, n);
}

} // namespace

TEST(IpAddressFormat, Ipv4EveryOctetValueInEveryPosition)
{
    for (unsigned v = 0; v < 256; ++v) {
        for (int pos = 0; pos < 4; ++pos) {
            std::uint8_t o[4] = {10, 0, 200, 7};
            o[pos] = static_cast<std::uint8_t>(v);
            const ip_address a = ip_address::v4(o);
            ASSERT_EQ(ours(a), ntop(a)) << "octet " << v << " at " << pos;
        }
    }
    EXPECT_EQ(ours(ip_address::parse("255.255.255.255")), "255.255.255.255");
    EXPECT_EQ(ours(ip_address::parse("0.0.0.0")), "0.0.0.0");
}

TEST(IpAddressFormat, Ipv6Rfc5952Forms)
{
    const char* cases[][2] = {
        {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        {"::", "::"},
        {"::1", "::1"},
        {"1::", "1::"},
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},      // one zero group stays
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},                 // the longer run
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},           // the first of equal runs
        {"2001:DB8::ABCD", "2001:db8::abcd"},                    // lower case
        {"::ffff:192.0.2.1", "::ffff:192.0.2.1"},                // IPv4-mapped
        {"::ffff:0:0", "::ffff:0.0.0.0"},
        {"fe80::1:2:3:4", "fe80::1:2:3:4"},
        {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    };
    for (const auto& c : cases) {
        const ip_address a = ip_address::parse(c[0]);
        ASSERT_TRUE(a.is_v6()) << c[0];
        EXPECT_EQ(ours(a), c[1]) << c[0];
        EXPECT_EQ(ours(a), ntop(a)) << c[0];
    }
}

TEST(IpAddressFormat, Ipv6RandomAddressesMatchInetNtop)
{
    std::mt19937_64 rng(20261207);
    for (int n = 0; n < 200000; ++n) {
        std::uint8_t b[16];
        for (int g = 0; g < 8; ++g) {
            // Mostly zero groups, so that runs of every length and position occur; 0xffff for
            // the mapped form; small and full-width values for the hex digits.
            unsigned w = 0;
            switch (rng() % 6) {
            case 0: case 1: case 2: w = 0; break;
            case 3: w = 0xffff; break;
            case 4: w = static_cast<unsigned>(rng() % 0x100); break;
            default: w = static_cast<unsigned>(rng() & 0xffff); break;
            }
            b[2 * g] = static_cast<std::uint8_t>(w >> 8);
            b[2 * g + 1] = static_cast<std::uint8_t>(w);
        }
        const ip_address a = ip_address::v6(b);
        ASSERT_EQ(ours(a), ntop(a));
    }
}

TEST(IpAddressFormat, BufferTooSmallOrNoFamilyWritesNothing)
{
    const ip_address a = ip_address::parse("192.0.2.123");
    char exact[12]; // "192.0.2.123" is 11 characters: room for the NUL
    EXPECT_EQ(a.format(exact), 11U);
    char small[11];
    EXPECT_EQ(a.format(small), 0U);
    EXPECT_EQ(ip_address{}.format(exact), 0U);
    char longest[46];
    const ip_address v6 = ip_address::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    EXPECT_EQ(v6.format(longest), 39U);
}

TEST(EndpointFormat, PortAndBrackets)
{
    EXPECT_EQ((endpoint{ip_address::parse("192.0.2.1"), 5000}).to_string(), "192.0.2.1:5000");
    EXPECT_EQ((endpoint{ip_address::parse("2001:db8::1"), 65535}).to_string(),
              "[2001:db8::1]:65535");
}
