// PROTOCOL.md §10: Kafka's murmur2 and the Java default partitioner for keyed records.
#include "key/murmur2.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace udpn::key;

TEST(Murmur2, MatchesTheJavaCompatibilityVectors)
{
    EXPECT_EQ(murmur2(std::string_view("kafka")), 0xd067cf64u);
    EXPECT_EQ(murmur2(std::string_view("")), 0x106e08d9u);
    EXPECT_EQ(murmur2(std::string_view("1234")), 0x9fc97b14u);
}

TEST(Murmur2, HashesTheDraftKeyToPartitionTwoOfTwelve)
{
    const std::string key =
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";
    // PROTOCOL.md §10 says "71 bytes"; the string is 69 bytes, and its murmur2 and CRC-32
    // vectors match the 69-byte string (the digest miscounted).
    ASSERT_EQ(key.size(), 69u);
    EXPECT_EQ(murmur2(key), 0xb2764a36u);
    EXPECT_EQ(static_cast<std::int32_t>(murmur2(key)), -1300870602);
    EXPECT_EQ(murmur2(key) & 0x7fffffffu, 846613046u); // toPositive, not abs
    EXPECT_EQ(partition_for(key, 12), 2u);
}

TEST(Murmur2, CoversEveryTailLength)
{
    // Lengths 0..3 past a block boundary take the three tail branches; results differ.
    const std::uint32_t h4 = murmur2(std::string_view("abcd"));
    const std::uint32_t h5 = murmur2(std::string_view("abcde"));
    const std::uint32_t h6 = murmur2(std::string_view("abcdef"));
    const std::uint32_t h7 = murmur2(std::string_view("abcdefg"));
    EXPECT_NE(h4, h5);
    EXPECT_NE(h5, h6);
    EXPECT_NE(h6, h7);
}

TEST(Murmur2, SpanAndStringOverloadsAgree)
{
    const std::uint8_t bytes[] = {'k', 'a', 'f', 'k', 'a'};
    EXPECT_EQ(murmur2(udpn::byte_span(bytes)), 0xd067cf64u);
    EXPECT_EQ(partition_for(udpn::byte_span(bytes), 7),
              partition_for(std::string_view("kafka"), 7));
}

TEST(Murmur2, ZeroPartitionsGivesPartitionZero)
{
    EXPECT_EQ(partition_for(std::string_view("kafka"), 0), 0u);
    EXPECT_EQ(partition_for(std::string_view("kafka"), 1), 0u);
}
