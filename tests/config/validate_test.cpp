// Validation: the row checks on values set in code, the modules' validators with their
// messages mapped to option keys, checks against the file system, and warnings.
#include "config/options.hpp"
#include "config/validate.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace udpn::config {
namespace {

/// A configuration that validates: defaults plus an existing YANG directory.
class Validate : public ::testing::Test {
  protected:
    Validate() { cfg.pipeline.worker.schema.search_dirs = {dir.path()}; }
    test::temp_dir dir;
    receiver_config cfg;
};

TEST_F(Validate, DefaultsWithAYangDirectoryAreValid)
{
    const problems found = validate(cfg);
    EXPECT_TRUE(found.empty()) << test::dump(found);
    EXPECT_TRUE(warnings(cfg).empty());
}

TEST_F(Validate, DefaultsAloneLackAYangDirectory)
{
    const problems found = validate(receiver_config{});
    ASSERT_EQ(found.size(), 1u) << test::dump(found);
    EXPECT_EQ(found[0].key, "yang.dirs");
    EXPECT_NE(found[0].message.find("--yang-dir"), std::string::npos);
}

TEST_F(Validate, ValuesSetInCodeAreCheckedLikeLoadedOnes)
{
    cfg.pipeline.n_rx = 0;
    cfg.pipeline.recvmmsg.burst = 5000;
    cfg.pipeline.rx.pool.classes.clear();
    cfg.metrics.listen = "localhost";
    const problems found = validate(cfg);
    ASSERT_EQ(found.size(), 4u) << test::dump(found);
    EXPECT_EQ(found[0].to_string(), "input.rx_threads: 0 is out of range 1..64");
    EXPECT_EQ(found[1].to_string(), "socket.recv_burst: 5000 is out of range 1..1024");
    EXPECT_EQ(found[2].to_string(), "pool.classes: must have at least one entry");
    EXPECT_EQ(found[3].key, "metrics.listen");
}

TEST_F(Validate, ModuleMessagesAreMappedToKeys)
{
    cfg.pipeline.worker.key.single_topic = "bad topic";
    cfg.pipeline.worker.dead_letter_topic = "dead letters";
    cfg.pipeline.kafka.state_cleanup_policy = "shred";
    cfg.pipeline.kafka.topic_partitions = 0;
    cfg.pipeline.n_producers = 2; // more producers than workers (1)
    envelope::label l;
    l.name = "site";
    cfg.pipeline.worker.envelope.labels = {l, l};
    cfg.pipeline.worker.envelope.data_collection_manifest.os_type.assign(2000, 'x');
    const problems found = validate(cfg);
    for (const char* key : {"key.single_topic", "dead_letter_topic", "producers.count",
                            "envelope.labels", "envelope.data_collection_manifest.os_type"}) {
        EXPECT_NE(test::find_key(found, key), nullptr) << key << " missing in\n"
                                                       << test::dump(found);
    }
    // kafka::validate stops at its first problem (topic_partitions is checked before the
    // cleanup policy); the key is still named.
    EXPECT_NE(test::find_key(found, "kafka.topic_partitions"), nullptr) << test::dump(found);
    for (const problem& p : found) {
        EXPECT_FALSE(p.key.empty()) << "unmapped: " << p.to_string();
    }
}

TEST_F(Validate, KafkaMessageLosesItsPrefix)
{
    cfg.pipeline.kafka.state_cleanup_policy = "shred";
    const problems found = validate(cfg);
    ASSERT_EQ(found.size(), 1u) << test::dump(found);
    EXPECT_EQ(found[0].key, "kafka.state_cleanup_policy");
    EXPECT_EQ(found[0].message.find("kafka:"), std::string::npos) << found[0].message;
}

TEST_F(Validate, OneProblemPerKey)
{
    cfg.pipeline.worker.key.max_depth = 0; // the row and key::validate both refuse it
    const problems found = validate(cfg);
    ASSERT_EQ(found.size(), 1u) << test::dump(found);
    EXPECT_EQ(found[0].key, "key.max_depth");
}

TEST_F(Validate, ChecksTheFileSystem)
{
    cfg.pipeline.worker.schema.search_dirs.push_back(dir.path() + "/nope");
    cfg.pipeline.worker.state_file = dir.path() + "/missing-dir/state";
    cfg.pipeline.kafka.properties.push_back(
        {"sasl.password", "@" + dir.path() + "/no-secret", nullptr});
    const problems found = validate(cfg);
    ASSERT_EQ(found.size(), 3u) << test::dump(found);
    EXPECT_EQ(found[0].key, "yang.dirs[1]");
    EXPECT_EQ(found[1].key, "subscriptions.state_file");
    EXPECT_EQ(found[2].key, "kafka.properties.sasl.password");
}

TEST_F(Validate, StateFileInAnExistingDirectoryIsFine)
{
    cfg.pipeline.worker.state_file = dir.path() + "/state";
    EXPECT_TRUE(validate(cfg).empty());
}

TEST_F(Validate, WarnsAboutUnusedCpuEntries)
{
    cfg.pipeline.rx_cpus = {0, 1, 2};
    cfg.pipeline.socket.rcvbuf_bytes = 0;
    cfg.pipeline.socket.rcvbuf_force = true;
    const problems found = warnings(cfg);
    ASSERT_EQ(found.size(), 2u) << test::dump(found);
    EXPECT_EQ(found[0].to_string(),
              "input.cpus: 3 entries for 1 RX thread(s); the extra entries are not used");
    EXPECT_EQ(found[1].key, "socket.rcvbuf_force");
}

TEST(KeyOfMessage, MapsEachValidatorsWording)
{
    EXPECT_EQ(key_of_message("rx threads must be 1..64"), "input.rx_threads");
    EXPECT_EQ(key_of_message("workers must be 1..256"), "workers.count");
    EXPECT_EQ(key_of_message("worker: key: key: max_topic_length must be 16..249"),
              "key.max_topic_length");
    EXPECT_EQ(key_of_message("worker: key: key: netana_types contains 'a b'"), "key.netana_types");
    EXPECT_EQ(key_of_message("worker: envelope: data-collection-manifest/software-version: "
                             "longer than 1023 octets"),
              "envelope.data_collection_manifest.software_version");
    EXPECT_EQ(key_of_message("worker: envelope: network-node-manifest[192.0.2.1]: exporter "
                             "listed twice"),
              "envelope.node_manifests");
    EXPECT_EQ(key_of_message("worker: envelope: max_output_bytes: below 1024"),
              "envelope.max_output_bytes");
    EXPECT_EQ(key_of_message("worker: schema: no YANG search directory configured"), "yang.dirs");
    EXPECT_EQ(key_of_message("worker: node_names[2]: empty name"), "node_names");
    EXPECT_EQ(key_of_message("worker: content_type: empty"), "kafka.content_type");
    EXPECT_EQ(key_of_message("something new"), "");
}

} // namespace
} // namespace udpn::config
