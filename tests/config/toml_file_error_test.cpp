// Errors in the TOML file: every one is reported, with file:line:column and the key.
#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace udpn::config {
namespace {

problems load(const std::string& text, receiver_config& cfg)
{
    problems errors;
    load_toml_string(text, "r.toml", cfg, errors);
    return errors;
}

problems load(const std::string& text)
{
    receiver_config cfg;
    return load(text, cfg);
}

TEST(TomlFileErrors, UnknownKeyNamesFileLineAndTheClosestKey)
{
    const problems errors = load("[kafka]\nlinger_ms = 5\nlinger_msec = 5\n");
    ASSERT_EQ(errors.size(), 1u) << test::dump(errors);
    EXPECT_EQ(errors[0].to_string(),
              "r.toml:3:1: kafka.linger_msec: unknown key; did you mean kafka.linger_ms?");
}

TEST(TomlFileErrors, KeyOutsideItsSectionSuggestsTheSection)
{
    const problems errors = load("linger_ms = 5\n[input]\nworkers = 2\n");
    ASSERT_EQ(errors.size(), 2u) << test::dump(errors);
    EXPECT_EQ(errors[0].to_string(),
              "r.toml:1:1: linger_ms: unknown key; did you mean kafka.linger_ms?");
    EXPECT_EQ(errors[1].key, "input.workers");
    EXPECT_EQ(errors[1].where, "r.toml:3:1");
}

TEST(TomlFileErrors, UnknownSectionIsAnUnknownKey)
{
    const problems errors = load("[kafak]\nlinger_ms = 5\n");
    ASSERT_EQ(errors.size(), 1u) << test::dump(errors);
    EXPECT_EQ(errors[0].key, "kafak");
    EXPECT_NE(errors[0].message.find("unknown key"), std::string::npos);
}

TEST(TomlFileErrors, WrongTypeNamesKeyAndBothTypes)
{
    receiver_config cfg;
    const problems errors = load("[kafka]\nlinger_ms = \"5\"\n", cfg);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(),
              "r.toml:2:13: kafka.linger_ms: expected an integer, got a string");
    EXPECT_EQ(cfg.pipeline.kafka.linger_ms, receiver_config{}.pipeline.kafka.linger_ms);
}

TEST(TomlFileErrors, OutOfRangeNamesKeyAndRange)
{
    const problems errors = load("[input]\nrx_threads = 65\n[key]\nmax_depth = 0\n");
    ASSERT_EQ(errors.size(), 2u) << test::dump(errors);
    EXPECT_EQ(errors[0].to_string(), "r.toml:2:14: input.rx_threads: 65 is out of range 1..64");
    EXPECT_EQ(errors[1].to_string(), "r.toml:4:13: key.max_depth: 0 is out of range 1..64");
}

TEST(TomlFileErrors, BadEnumerationListsTheAllowedNames)
{
    const problems errors = load("[key]\ndistribution = \"topics\"\n[log]\nlevel = \"verbose\"\n");
    ASSERT_EQ(errors.size(), 2u) << test::dump(errors);
    EXPECT_EQ(errors[0].to_string(),
              "r.toml:2:16: key.distribution: \"topics\" is not one of subject, topic");
    EXPECT_EQ(errors[1].message, "\"verbose\" is not one of trace, debug, info, warn, error");
}

TEST(TomlFileErrors, ElementErrorsNameTheElement)
{
    const problems errors = load(R"(
node_names = [{ address = "192.0.2.1", name = "a" }, { address = "not-an-ip", name = "b" }]
[input]
cpus = [1, 2, 99999]
allowlist = ["192.0.2.0/24", "10.0.0.0/99"]
[[pool.classes]]
capacity = 10
count = 1
colour = "red"
[kafka.properties]
acks = [1]
)");
    ASSERT_EQ(errors.size(), 5u) << test::dump(errors);
    EXPECT_EQ(errors[0].key, "node_names[1].address");
    EXPECT_EQ(errors[0].where, "r.toml:2:66");
    EXPECT_EQ(errors[1].key, "input.cpus[2]");
    EXPECT_EQ(errors[1].message, "99999 is out of range -1..4095");
    EXPECT_EQ(errors[2].key, "input.allowlist[1]");
    EXPECT_EQ(errors[3].key, "pool.classes[0].colour");
    EXPECT_NE(errors[3].message.find("unknown field"), std::string::npos);
    EXPECT_EQ(errors[4].key, "kafka.properties.acks");
}

TEST(TomlFileErrors, SectionWrittenAsAValue)
{
    const problems errors = load("kafka = \"localhost:9092\"\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(),
              "r.toml:1:1: kafka: expected a table (the section [kafka]), got a string");
}

TEST(TomlFileErrors, EveryProblemIsReportedAndTheRestApplied)
{
    receiver_config cfg;
    const problems errors = load(R"(
stats_interval_s = -1
[input]
rx_threads = "two"
[workers]
count = 3
typo = 1
[kafka]
compression_codec = "brotli"
)",
                                 cfg);
    ASSERT_EQ(errors.size(), 4u) << test::dump(errors);
    EXPECT_EQ(errors[0].key, "stats_interval_s");
    EXPECT_EQ(errors[1].key, "input.rx_threads");
    EXPECT_EQ(errors[2].key, "workers.typo");
    EXPECT_EQ(errors[3].key, "kafka.compression_codec");
    EXPECT_EQ(cfg.pipeline.n_workers, 3u); // the good value in between was applied
}

TEST(TomlFileErrors, SyntaxErrorHasLineAndColumn)
{
    const problems errors = load("[input]\nrx_threads = 2\ncpus = [1,\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].key, "");
    EXPECT_EQ(errors[0].where.substr(0, 9), "r.toml:3:") << errors[0].to_string();
    EXPECT_NE(errors[0].message.find("TOML syntax error"), std::string::npos);
}

TEST(TomlFileErrors, DuplicateKeyIsASyntaxError)
{
    const problems errors = load("[kafka]\nlinger_ms = 1\nlinger_ms = 2\n");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].where.substr(0, 9), "r.toml:3:");
}

TEST(TomlFileErrors, MissingFileSaysWhy)
{
    receiver_config cfg;
    problems errors;
    load_toml_file("/nonexistent/udpnotif-recv.toml", cfg, errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].to_string(), "/nonexistent/udpnotif-recv.toml: cannot open the "
                                     "configuration file: No such file or directory");
}

TEST(TomlFileErrors, DirectoryIsNotAFile)
{
    test::temp_dir dir;
    receiver_config cfg;
    problems errors;
    load_toml_file(dir.path(), cfg, errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].message.find("Is a directory"), std::string::npos) << errors[0].message;
}

TEST(TomlFileErrors, FileErrorsNameThePath)
{
    test::temp_dir dir;
    const std::string path = dir.write("bad.toml", "[kafka]\nlinger_ms = true\n");
    receiver_config cfg;
    problems errors;
    load_toml_file(path, cfg, errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].where, path + ":2:13");
}

} // namespace
} // namespace udpn::config
