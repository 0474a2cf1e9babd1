// The TOML file: loading every kind of value, printing, the round trip, masked secrets, and
// the example file under packaging/.
#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace udpn::config {
namespace {

TEST(TomlFile, LoadsEveryKindOfValue)
{
    const std::string text = R"(
stats_interval_s = 1          # an integer where a number is expected
duration_s = 0.5
node_names = [{ address = "2001:db8::1", name = "r6" }]

[input]
listen = "[2001:db8::2]:17000"
rx_threads = 2
cpus = [3, -1]
allowlist = ["192.0.2.0/24"]

[socket]
rcvbuf_force = true

[[pool.classes]]
capacity = 2048
count = 10

[[pool.classes]]
capacity = 8192
count = 2

[key]
profile = "latest"
topic_scheme = "netana"
type_level = "auto"

[key.netana_types]
periodic = "stats"

[envelope]
labels = [{ name = "n", value = 5 }]

[kafka]
linger_ms = 20

[kafka.properties]
security.protocol = "SASL_SSL"      # a dotted key: one property
"sasl.mechanisms" = "PLAIN"
"message.max.bytes" = 2000000       # integers are taken as their text
"enable.ssl.certificate.verification" = false

[log]
format = "json"
)";
    receiver_config cfg;
    problems errors;
    load_toml_string(text, "t.toml", cfg, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    const pipeline::pipeline_config& p = cfg.pipeline;
    EXPECT_DOUBLE_EQ(cfg.stats_interval_s, 1.0);
    EXPECT_DOUBLE_EQ(cfg.duration_s, 0.5);
    ASSERT_EQ(p.worker.node_names.size(), 1u);
    EXPECT_TRUE(p.worker.node_names[0].exporter.is_v6());
    EXPECT_EQ(p.address, "2001:db8::2");
    EXPECT_EQ(p.port, 17000);
    EXPECT_EQ(p.n_rx, 2u);
    EXPECT_EQ(p.rx_cpus, (std::vector<int>{3, -1}));
    EXPECT_TRUE(p.socket.rcvbuf_force);
    ASSERT_EQ(p.rx.pool.classes.size(), 2u);
    EXPECT_EQ(p.rx.pool.classes[1].capacity, 8192u);
    EXPECT_EQ(p.worker.key.standards_profile, key::profile::latest);
    EXPECT_EQ(p.worker.key.scheme, key::topic_scheme::netana);
    EXPECT_FALSE(p.worker.key.type_level.has_value());
    EXPECT_EQ(p.worker.key.netana_types.periodic, "stats");
    EXPECT_EQ(p.worker.key.netana_types.on_change,
              pipeline::pipeline_config{}.worker.key.netana_types.on_change);
    ASSERT_EQ(p.worker.envelope.labels.size(), 1u);
    EXPECT_TRUE(p.worker.envelope.labels[0].is_number);
    EXPECT_EQ(p.kafka.linger_ms, 20);
    ASSERT_EQ(p.kafka.properties.size(), 4u);
    std::map<std::string, std::string> props;
    for (const auto& prop : p.kafka.properties) {
        props[prop.name] = prop.value;
    }
    EXPECT_EQ(props["security.protocol"], "SASL_SSL");
    EXPECT_EQ(props["sasl.mechanisms"], "PLAIN");
    EXPECT_EQ(props["message.max.bytes"], "2000000");
    EXPECT_EQ(props["enable.ssl.certificate.verification"], "false");
    EXPECT_EQ(cfg.log.format, log_format::json);
}

TEST(TomlFile, KeysLeftOutKeepTheirValue)
{
    receiver_config cfg;
    problems errors;
    set_option(cfg, "workers.count", "3", false, "t", errors);
    load_toml_string("[kafka]\nlinger_ms = 9\n", "t.toml", cfg, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    EXPECT_EQ(cfg.pipeline.n_workers, 3u);
    EXPECT_EQ(cfg.pipeline.kafka.linger_ms, 9);
}

/// A configuration with a non-default value for many kinds of rows, secrets included.
receiver_config changed_config()
{
    receiver_config cfg;
    problems errors;
    const std::pair<const char*, const char*> values[] = {
        {"input.listen", "[::1]:9999"},
        {"input.cpus", "1,2"},
        {"pool.classes", "[{ capacity = 100, count = 1 }, { capacity = 200, count = 2 }]"},
        {"node_names", "[{ address = \"192.0.2.1\", name = \"a \\\"quoted\\\" name\\t\" }]"},
        {"envelope.labels", "[{ name = \"k\", value = 1 }]"},
        {"key.format", "legacy_index"},
        {"stats_interval_s", "0.25"},
        {"kafka.properties", "sasl.password=hunter2"},
        {"kafka.properties", "ssl.key.password=@/run/secrets/key"},
        {"kafka.properties", "acks=all"},
        {"yang.dirs", "/x/y,/z"},
        {"envelope.data_collection_manifest.vendor_pen", "4"},
    };
    for (const auto& [key, text] : values) {
        set_option(cfg, key, text, false, "t", errors);
    }
    EXPECT_TRUE(errors.empty()) << test::dump(errors);
    return cfg;
}

TEST(TomlFile, PrintLoadPrintIsIdentical)
{
    const receiver_config cfg = changed_config();
    const std::string first = to_toml(cfg);
    receiver_config loaded;
    problems errors;
    load_toml_string(first, "printed.toml", loaded, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors) << first;
    EXPECT_EQ(to_toml(loaded), first);
    for (const option_info& o : option_list()) {
        if (o.key != "kafka.properties") {
            EXPECT_EQ(option_value(loaded, o.key), option_value(cfg, o.key)) << o.key;
        }
    }
}

TEST(TomlFile, PrintMasksSecretPropertiesButKeepsFileReferences)
{
    const std::string text = to_toml(changed_config());
    EXPECT_EQ(text.find("hunter2"), std::string::npos);
    EXPECT_NE(text.find("\"sasl.password\" = \"(secret)\""), std::string::npos) << text;
    // A file reference is not the secret, and it keeps the printed file loadable.
    EXPECT_NE(text.find("\"ssl.key.password\" = \"@/run/secrets/key\""), std::string::npos);
    EXPECT_NE(text.find("acks = \"all\""), std::string::npos);
    // Unmasked on request (not used by --print-config).
    EXPECT_NE(to_toml(changed_config(), {false}).find("hunter2"), std::string::npos);
}

TEST(TomlFile, PrintDocumentsEveryKeyAndMarksChangedValues)
{
    const std::string text = to_toml(changed_config());
    for (const option_info& o : option_list()) {
        const auto pos = text.find(o.doc.substr(0, 40));
        EXPECT_NE(pos, std::string::npos) << "doc of " << o.key << " missing";
    }
    EXPECT_NE(text.find("[input]"), std::string::npos);
    EXPECT_NE(text.find("[kafka.properties]"), std::string::npos);
    EXPECT_NE(text.find("cpus = [1, 2]"), std::string::npos);
    EXPECT_NE(text.find("# list of integers, each -1..4095; default []"), std::string::npos);
    // An unchanged value has no default note.
    EXPECT_NE(text.find("# integer, 1..64\nrx_threads = 1\n"), std::string::npos) << text;
}

TEST(TomlFile, ExampleFileIsWhatTheTableProduces)
{
    const std::string checked_in = test::read_file(UDPN_EXAMPLE_CONFIG);
    ASSERT_FALSE(checked_in.empty()) << UDPN_EXAMPLE_CONFIG << " is missing";
    EXPECT_TRUE(checked_in == to_toml(receiver_config{}))
        << "packaging/udpnotif-recv.toml is out of date: regenerate it with "
           "`ninja -C <build> example-config`";
}

TEST(TomlFile, ExampleFileLoadsToTheDefaults)
{
    // Start from a configuration where every key differs from its default, so that a key the
    // example file left out would keep a non-default value and show here.
    receiver_config cfg;
    problems errors;
    for (const auto& [key, text] : test::test_values()) {
        set_option(cfg, key, text, false, "t", errors);
    }
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    load_toml_file(UDPN_EXAMPLE_CONFIG, cfg, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    const receiver_config defaults;
    for (const option_info& o : option_list()) {
        EXPECT_EQ(option_value(cfg, o.key), option_value(defaults, o.key)) << o.key;
    }
    EXPECT_EQ(to_toml(cfg), to_toml(defaults));
}

} // namespace
} // namespace udpn::config
