// The option table: its rows, their defaults (read from the structs), and that every row sets
// its own field and nothing else.
#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config/validate.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace udpn::config {
namespace {

const option_info* info(const std::string& key)
{
    for (const option_info& o : option_list()) {
        if (o.key == key) {
            return &o;
        }
    }
    return nullptr;
}

TEST(OptionTable, KeysAreUniqueDocumentedAndValidOptionNames)
{
    std::set<std::string> seen;
    for (const option_info& o : option_list()) {
        EXPECT_TRUE(seen.insert(o.key).second) << o.key << " listed twice";
        EXPECT_FALSE(o.doc.empty()) << o.key;
        EXPECT_FALSE(o.type.empty()) << o.key;
        EXPECT_FALSE(o.default_value.empty()) << o.key;
        for (const char c : o.key) {
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')
                << o.key << " has '" << c << "'";
        }
        EXPECT_TRUE(is_option(o.key));
    }
    EXPECT_FALSE(is_option("kafka"));
    EXPECT_FALSE(is_option("kafka.linger-ms"));
}

TEST(OptionTable, EveryKeyHasATestValue)
{
    std::set<std::string> keys;
    for (const option_info& o : option_list()) {
        keys.insert(o.key);
        EXPECT_EQ(test::test_values().count(o.key), 1u) << "no test value for " << o.key;
    }
    for (const auto& [key, value] : test::test_values()) {
        EXPECT_EQ(keys.count(key), 1u) << key << " is not an option any more";
    }
}

TEST(OptionTable, DefaultsAreTheDefaultConstructedStructs)
{
    const pipeline::pipeline_config p;
    EXPECT_EQ(info("input.rx_threads")->default_value, std::to_string(p.n_rx));
    EXPECT_EQ(info("kafka.linger_ms")->default_value, std::to_string(p.kafka.linger_ms));
    EXPECT_EQ(info("kafka.brokers")->default_value, "\"" + p.kafka.brokers + "\"");
    EXPECT_EQ(info("reassembly.timeout_ms")->default_value,
              std::to_string(p.rx.reassembly.timeout_ns / 1'000'000));
    EXPECT_EQ(info("input.tick_interval_ms")->default_value,
              std::to_string(p.rx_loop.tick_interval_ns / 1'000'000));
    EXPECT_EQ(info("socket.rcvbuf_bytes")->default_value, std::to_string(p.socket.rcvbuf_bytes));
    EXPECT_EQ(info("producers.record_slots")->default_value, std::to_string(p.record_slots));
    EXPECT_EQ(info("key.profile")->default_value, "\"seed\"");
    EXPECT_EQ(info("key.format")->default_value, "\"auto\"");
    EXPECT_EQ(info("metrics.listen")->default_value, "\"127.0.0.1:9464\"");
    EXPECT_EQ(info("log.level")->default_value, "\"info\"");
    EXPECT_EQ(info("stats_interval_s")->default_value, "5.0");
    EXPECT_EQ(info("input.listen")->default_value,
              "\"[" + p.address + "]:" + std::to_string(p.port) + "\"");
    std::string classes = "[";
    for (const input::buffer_class& c : p.rx.pool.classes) {
        classes += (classes.size() > 1 ? ", " : "") + std::string("{ capacity = ") +
                   std::to_string(c.capacity) + ", count = " + std::to_string(c.count) + " }";
    }
    EXPECT_EQ(info("pool.classes")->default_value, classes + "]");
}

// Each row must change its own value and no other one, and the value must survive a print and
// a load (so a row that writes the wrong field, or two rows on one field, fail here).
TEST(OptionTable, EveryRowSetsItsOwnValueOnly)
{
    const receiver_config defaults;
    for (const auto& [key, text] : test::test_values()) {
        receiver_config cfg;
        problems errors;
        set_option(cfg, key, text, false, "test", errors);
        ASSERT_TRUE(errors.empty()) << key << ": " << test::dump(errors);
        EXPECT_NE(option_value(cfg, key), option_value(defaults, key)) << key;
        for (const option_info& other : option_list()) {
            if (other.key != key) {
                EXPECT_EQ(option_value(cfg, other.key), option_value(defaults, other.key))
                    << "setting " << key << " changed " << other.key;
            }
        }
        receiver_config reloaded;
        load_toml_string(to_toml(cfg, {false}), "printed", reloaded, errors);
        ASSERT_TRUE(errors.empty()) << key << ": " << test::dump(errors);
        EXPECT_EQ(option_value(reloaded, key), option_value(cfg, key)) << key;
    }
}

TEST(OptionTable, RowsWriteTheFieldsTheyName)
{
    receiver_config cfg;
    problems errors;
    for (const auto& [key, text] : test::test_values()) {
        set_option(cfg, key, text, false, "test", errors);
    }
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    const pipeline::pipeline_config& p = cfg.pipeline;
    EXPECT_EQ(p.address, "127.0.0.1");
    EXPECT_EQ(p.port, 17171);
    EXPECT_EQ(p.n_rx, 4u);
    EXPECT_EQ(p.rx_cpus, (std::vector<int>{0, 1}));
    EXPECT_EQ(p.rx.source_allowlist, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"}));
    EXPECT_EQ(p.rx_loop.tick_interval_ns, 50'000'000u);
    EXPECT_EQ(p.rx_loop.nap_max_ns, 750'000u);
    EXPECT_EQ(p.rx.reassembly.timeout_ns, 500'000'000u);
    EXPECT_EQ(p.rx.reassembly.max_segments_per_message, 100u);
    EXPECT_FALSE(p.rx.reassembly.key_includes_src_port);
    ASSERT_EQ(p.rx.pool.classes.size(), 1u);
    EXPECT_EQ(p.rx.pool.classes[0].capacity, 1024u);
    EXPECT_EQ(p.rx.pool.classes[0].count, 8u);
    EXPECT_EQ(p.recvmmsg.burst, 32u);
    EXPECT_EQ(p.recvmmsg.max_datagram, 9000u);
    EXPECT_FALSE(p.recvmmsg.receive_into_pool);
    EXPECT_TRUE(p.socket.rcvbuf_force);
    EXPECT_EQ(p.n_workers, 2u);
    EXPECT_EQ(p.worker_cpus, (std::vector<int>{2, 3}));
    EXPECT_EQ(p.n_producers, 2u);
    EXPECT_EQ(p.producer_cpus, (std::vector<int>{4}));
    EXPECT_EQ(p.record_slots, 64u);
    EXPECT_EQ(p.record_wait_us, 0u);
    EXPECT_EQ(p.idle_wait_us, 250u);
    EXPECT_TRUE(p.wake_on_handoff);
    EXPECT_EQ(p.flush_timeout_ms, 500u);
    EXPECT_EQ(p.worker.key.standards_profile, key::profile::latest);
    EXPECT_EQ(p.worker.key.format, key::key_format::ietf_02);
    EXPECT_EQ(p.worker.key.type_level, key::distribution_type::none);
    EXPECT_FALSE(p.worker.key.key_enabled);
    EXPECT_EQ(p.worker.key.netana_types.on_change_sync_compacted, "p4");
    EXPECT_EQ(p.worker.key.ietf02_types.periodic, "q1");
    EXPECT_EQ(p.worker.envelope.profile, envelope::profile::latest);
    ASSERT_EQ(p.worker.envelope.labels.size(), 2u);
    EXPECT_FALSE(p.worker.envelope.labels[0].is_number);
    EXPECT_EQ(p.worker.envelope.labels[0].string_value, "par1");
    EXPECT_TRUE(p.worker.envelope.labels[1].is_number);
    EXPECT_EQ(p.worker.envelope.labels[1].number_value, 3u);
    ASSERT_EQ(p.worker.envelope.node_manifests.size(), 1u);
    EXPECT_EQ(p.worker.envelope.node_manifests[0].exporter.to_string(), "192.0.2.9");
    EXPECT_EQ(p.worker.envelope.node_manifests[0].manifest.vendor_pen, 9u);
    EXPECT_EQ(p.worker.envelope.data_collection_manifest.vendor_pen, 32473u);
    ASSERT_EQ(p.worker.node_names.size(), 1u);
    EXPECT_EQ(p.worker.node_names[0].exporter.to_string(), "192.0.2.1");
    EXPECT_EQ(p.worker.state_file, "/tmp/udpn.state");
    EXPECT_EQ(p.worker.content_type, "application/yang-data+cbor");
    EXPECT_EQ(p.kafka.content_type, "application/yang-data+cbor");
    EXPECT_EQ(p.kafka.brokers, "k1:9092,k2:9092");
    EXPECT_EQ(p.kafka.compression_codec, "zstd");
    ASSERT_EQ(p.kafka.properties.size(), 1u);
    EXPECT_EQ(p.kafka.properties[0].name, "acks");
    EXPECT_EQ(p.kafka.properties[0].value, "all");
    EXPECT_EQ(p.registry.url, "http://registry.example:8081");
    EXPECT_EQ(p.registry.strategy, registry::subject_strategy::topic_module);
    EXPECT_EQ(p.registry.schema_type, "YANG2");
    EXPECT_EQ(p.registry.header, registry::header_format::text);
    EXPECT_EQ(p.registry.request_timeout_ms, 750u);
    EXPECT_EQ(p.registry.retry_backoff_ms, 20u);
    EXPECT_EQ(p.registry.retry_max_backoff_ms, 4000u);
    EXPECT_EQ(p.registry.queue_size, 16u);
    EXPECT_EQ(p.registry.max_schemas, 99u);
    EXPECT_EQ(p.registry.username, "receiver");
    EXPECT_EQ(p.registry.password, "@/etc/udpnotif-recv/registry.password");
    EXPECT_FALSE(p.registry.features_metadata);
    EXPECT_EQ(cfg.metrics.listen, "0.0.0.0:9000");
    EXPECT_EQ(cfg.log.level, log_level::debug);
    EXPECT_EQ(cfg.log.format, log_format::json);
    EXPECT_DOUBLE_EQ(cfg.stats_interval_s, 2.5);
    EXPECT_DOUBLE_EQ(cfg.duration_s, 10);
}

TEST(SetOption, AppendExtendsListsAndReplaceStartsOver)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "yang.dirs", "/a", false, "t", errors);
    set_option(cfg, "yang.dirs", "/b,/c", true, "t", errors);
    EXPECT_EQ(cfg.pipeline.worker.schema.search_dirs, (std::vector<std::string>{"/a", "/b", "/c"}));
    set_option(cfg, "yang.dirs", "[\"/d\"]", false, "t", errors);
    EXPECT_EQ(cfg.pipeline.worker.schema.search_dirs, (std::vector<std::string>{"/d"}));
    set_option(cfg, "input.cpus", "-1,2-4", false, "t", errors);
    EXPECT_EQ(cfg.pipeline.rx_cpus, (std::vector<int>{-1, 2, 3, 4}));
    set_option(cfg, "input.cpus", "", false, "t", errors);
    EXPECT_TRUE(cfg.pipeline.rx_cpus.empty());
    EXPECT_TRUE(errors.empty()) << test::dump(errors);
}

TEST(SetOption, KafkaPropertiesMergeByName)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "kafka.properties", "acks=all", false, "t", errors);
    set_option(cfg, "kafka.properties.security.protocol", "SASL_SSL", false, "t", errors);
    set_option(cfg, "kafka.properties", "acks=1", false, "t", errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    ASSERT_EQ(cfg.pipeline.kafka.properties.size(), 2u);
    EXPECT_EQ(cfg.pipeline.kafka.properties[0].name, "acks");
    EXPECT_EQ(cfg.pipeline.kafka.properties[0].value, "1");
    EXPECT_EQ(cfg.pipeline.kafka.properties[1].name, "security.protocol");
    EXPECT_EQ(cfg.pipeline.kafka.properties[1].value, "SASL_SSL");
    // A TOML table replaces them all.
    set_option(cfg, "kafka.properties", "{}", false, "t", errors);
    EXPECT_TRUE(cfg.pipeline.kafka.properties.empty());
}

TEST(SetOption, AcceptsDashesForUnderscoresAndBooleanWords)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "kafka.linger-ms", "12", false, "t", errors);
    set_option(cfg, "socket.rcvbuf-force", "yes", false, "t", errors);
    set_option(cfg, "kafka.batch_size", "1_000", false, "t", errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    EXPECT_EQ(cfg.pipeline.kafka.linger_ms, 12);
    EXPECT_TRUE(cfg.pipeline.socket.rcvbuf_force);
    EXPECT_EQ(cfg.pipeline.kafka.batch_size, 1000);
}

TEST(SetOption, RefusedTextNamesTheKeyAndLeavesTheValue)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "kafka.linger_ms", "soon", false, "command line", errors);
    set_option(cfg, "socket.v6only", "maybe", false, "command line", errors);
    set_option(cfg, "input.cpus", "1,x", false, "command line", errors);
    set_option(cfg, "pool.classes", "[{ capacity = 1 }]", false, "command line", errors);
    set_option(cfg, "node_names", "not toml", false, "command line", errors);
    ASSERT_EQ(errors.size(), 5u) << test::dump(errors);
    EXPECT_EQ(errors[0].to_string(),
              "command line: kafka.linger_ms: expected an integer, got \"soon\"");
    EXPECT_EQ(errors[1].key, "socket.v6only");
    EXPECT_EQ(errors[2].key, "input.cpus");
    EXPECT_EQ(errors[3].to_string(), "command line: pool.classes[0].count: missing");
    EXPECT_EQ(errors[4].key, "node_names");
    EXPECT_NE(errors[4].message.find("not a TOML value"), std::string::npos);
    const receiver_config defaults;
    EXPECT_EQ(cfg.pipeline.kafka.linger_ms, defaults.pipeline.kafka.linger_ms);
    EXPECT_EQ(cfg.pipeline.rx.pool.classes.size(), defaults.pipeline.rx.pool.classes.size());
}

TEST(SetOption, UnknownKeySuggestsTheClosest)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "kafka.lingerms", "1", false, "command line", errors);
    set_option(cfg, "completely.unrelated.thing", "1", false, "command line", errors);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].to_string(),
              "command line: kafka.lingerms: unknown key; did you mean kafka.linger_ms?");
    EXPECT_EQ(errors[1].message, "unknown key");
}

TEST(ClosestOption, FindsTyposAndMisplacedKeys)
{
    EXPECT_EQ(closest_option("kafka.linger_msec"), "kafka.linger_ms");
    EXPECT_EQ(closest_option("linger_ms"), "kafka.linger_ms");
    EXPECT_EQ(closest_option("input.rx_thread"), "input.rx_threads");
    EXPECT_EQ(closest_option("socket.rcvbuf"), "socket.rcvbuf_bytes");
    EXPECT_EQ(closest_option("zzzzzzzzzzzzzzzz"), "");
}


/// True when a problem's text holds both \p a and \p b.
bool mentions(const problems& list, const std::string& a, const std::string& b)
{
    for (const problem& p : list) {
        const std::string t = p.to_string();
        if (t.find(a) != std::string::npos && t.find(b) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(SchemaRegistryOptions, PasswordIsNeverPrintedButItsFileNameIs)
{
    receiver_config cfg;
    problems errors;
    load_toml_string("[schema_registry]\nurl = \"http://127.0.0.1:8081\"\nusername = \"u\"\n"
                     "password = \"hunter2-secret\"\n",
                     "t.toml", cfg, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    EXPECT_EQ(cfg.pipeline.registry.password, "hunter2-secret");
    const std::string printed = to_toml(cfg);
    EXPECT_EQ(printed.find("hunter2-secret"), std::string::npos) << printed;
    EXPECT_NE(printed.find("password = \"(secret)\""), std::string::npos) << printed;

    cfg.pipeline.registry.password = "@/run/secrets/registry";
    const std::string with_file = to_toml(cfg);
    EXPECT_NE(with_file.find("password = \"@/run/secrets/registry\""), std::string::npos)
        << with_file;
}

TEST(SchemaRegistryOptions, BadValuesAreRefusedNamingTheKey)
{
    receiver_config cfg;
    problems errors;
    load_toml_string("[schema_registry]\nurl = \"ftp://x\"\nsubject_strategy = \"record\"\n"
                     "header_format = \"hex\"\nrequest_timeout_ms = 0\n",
                     "t.toml", cfg, errors);
    EXPECT_TRUE(mentions(errors, "schema_registry.url", "http://")) << test::dump(errors);
    EXPECT_TRUE(mentions(errors, "schema_registry.subject_strategy", "topic-module"))
        << test::dump(errors);
    EXPECT_TRUE(mentions(errors, "schema_registry.header_format", "binary"))
        << test::dump(errors);
    EXPECT_TRUE(mentions(errors, "schema_registry.request_timeout_ms", "1..600000"))
        << test::dump(errors);

    // Cross-field rules come from registry::validate() through the pipeline's validation.
    receiver_config c2;
    c2.pipeline.worker.schema.search_dirs = {"/tmp"};
    c2.pipeline.registry.url = "http://127.0.0.1:8081";
    c2.pipeline.registry.password = "p";
    c2.pipeline.registry.retry_backoff_ms = 10'000;
    c2.pipeline.registry.retry_max_backoff_ms = 1'000;
    const problems found = validate(c2);
    EXPECT_TRUE(mentions(found, "", "set schema_registry.username too"))
        << test::dump(found);
    EXPECT_TRUE(mentions(found, "", "schema_registry.retry_backoff_ms"))
        << test::dump(found);
}

} // namespace
} // namespace udpn::config
