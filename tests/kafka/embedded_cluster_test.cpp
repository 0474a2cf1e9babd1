// embedded_cluster: bootstrap addresses, topic creation through the mock API and the checks
// it adds where the 2.0.2 mock API accepts what Kafka would refuse.
#include "kafka/embedded_cluster.hpp"

#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

using namespace udpn::kafka;

TEST(EmbeddedCluster, BootstrapListsOneLoopbackAddressPerBroker)
{
    embedded_cluster cluster(3);
    EXPECT_EQ(cluster.n_brokers(), 3);
    const std::regex one("127\\.0\\.0\\.1:[0-9]{1,5}");
    const std::regex three("127\\.0\\.0\\.1:[0-9]{1,5}(,127\\.0\\.0\\.1:[0-9]{1,5}){2}");
    EXPECT_TRUE(std::regex_match(cluster.bootstrap_servers(), three))
        << cluster.bootstrap_servers();
    embedded_cluster single;
    EXPECT_TRUE(std::regex_match(single.bootstrap_servers(), one)) << single.bootstrap_servers();
    EXPECT_NE(single.bootstrap_servers(), cluster.bootstrap_servers());
}

TEST(EmbeddedCluster, CreatesTopicsOnceWithTheirPartitionCount)
{
    embedded_cluster cluster(2);
    EXPECT_EQ(cluster.create_topic("udpn.states.yang.ietf-hardware.hardware", 12, 2),
              topic_status::created);
    EXPECT_EQ(cluster.create_topic("udpn.states.yang.ietf-hardware.hardware", 3),
              topic_status::exists);
    EXPECT_EQ(cluster.create_topic("rf-capped", 5, 9), topic_status::created);

    rd_kafka_t* rk = test::new_client(RD_KAFKA_PRODUCER, cluster.bootstrap_servers());
    EXPECT_EQ(test::partition_count(rk, "udpn.states.yang.ietf-hardware.hardware"), 12);
    EXPECT_EQ(test::partition_count(rk, "rf-capped"), 5);
    rd_kafka_destroy(rk);
}

TEST(EmbeddedCluster, RefusesWhatKafkaWouldRefuse)
{
    embedded_cluster cluster;
    EXPECT_EQ(cluster.create_topic("bad name", 1), topic_status::invalid_name);
    EXPECT_EQ(cluster.create_topic("", 1), topic_status::invalid_name);
    EXPECT_EQ(cluster.create_topic(std::string(250, 'x'), 1), topic_status::invalid_name);
    EXPECT_EQ(cluster.create_topic("zero", 0), topic_status::invalid_partitions);
    EXPECT_EQ(cluster.create_topic("negative", -1), topic_status::invalid_partitions);
    EXPECT_EQ(cluster.create_topic(std::string(249, 'x'), 1), topic_status::created);
}

TEST(EmbeddedCluster, BrokerCountIsChecked)
{
    EXPECT_THROW(embedded_cluster(0), startup_error);
    EXPECT_THROW(embedded_cluster(65), startup_error);
    try {
        embedded_cluster cluster(0);
    } catch (const startup_error& e) {
        EXPECT_EQ(e.property(), "embedded_brokers");
    }
}
