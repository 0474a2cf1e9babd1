// The test-side murmur2 against the vectors of PROTOCOL.md §10, so that the partition checks of
// producer_test.cpp (librdkafka's own choice vs this reference) rest on a checked reference.
#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

using udpn::kafka::test::expected_partition;
using udpn::kafka::test::murmur2_reference;

TEST(Murmur2Reference, MatchesProtocolVectors)
{
    EXPECT_EQ(murmur2_reference("kafka"), 0xd067cf64U);
    EXPECT_EQ(murmur2_reference(""), 0x106e08d9U);
    EXPECT_EQ(murmur2_reference("1234"), 0x9fc97b14U);
}

TEST(Murmur2Reference, ProtocolKeyLandsOnPartitionTwoOfTwelve)
{
    const std::string_view key =
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";
    // PROTOCOL.md §10 calls this key "71 bytes"; it is 69 (13 + 1 + 4 + 1 + 50), and the hash
    // below, which the spec gives for it, is the hash of these 69 bytes.
    ASSERT_EQ(key.size(), 69U);
    EXPECT_EQ(murmur2_reference(key), 0xb2764a36U);
    EXPECT_EQ(murmur2_reference(key) & 0x7fffffffU, 846613046U); // toPositive, not abs
    EXPECT_EQ(expected_partition(key, 12), 2);
}
