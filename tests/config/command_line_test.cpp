// The command line: options generated from the table, --set, the old short names, precedence
// default < file < command line (in order), --print-config, --help, and the exit codes of the
// udpnotif-recv binary.
#include "config/command_line.hpp"
#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config_test_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

namespace udpn::config {
namespace {

/// A valid minimal command line: a YANG directory that exists.
class CommandLine : public ::testing::Test {
  protected:
    command_line parse(std::vector<std::string> args) const
    {
        args.insert(args.begin(), {"--yang-dir", _dir.path()});
        return parse_command_line(args);
    }
    test::temp_dir _dir;
};

TEST_F(CommandLine, NoOptionsGiveTheDefaults)
{
    const command_line cl = parse({});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.cmd, command::run);
    receiver_config expected;
    expected.pipeline.worker.schema.search_dirs = {_dir.path()};
    EXPECT_EQ(to_toml(cl.config), to_toml(expected));
}

TEST_F(CommandLine, EveryKeyIsALongOption)
{
    for (const auto& [key, text] : test::test_values()) {
        const command_line cl = parse_command_line({"--print-config", "--" + key, text});
        ASSERT_TRUE(cl.errors.empty()) << key << ": " << test::dump(cl.errors);
        receiver_config expected;
        problems errors;
        set_option(expected, key, text, false, "t", errors);
        EXPECT_EQ(option_value(cl.config, key), option_value(expected, key)) << key;
        EXPECT_NE(option_value(cl.config, key), option_value(receiver_config{}, key)) << key;
    }
}

TEST_F(CommandLine, LongOptionsAcceptDashesAndEqualsSign)
{
    const command_line cl =
        parse({"--kafka.linger-ms=11", "--input.rx-threads", "3", "--socket.rcvbuf_force"});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.config.pipeline.kafka.linger_ms, 11);
    EXPECT_EQ(cl.config.pipeline.n_rx, 3u);
    EXPECT_TRUE(cl.config.pipeline.socket.rcvbuf_force); // a bare boolean option means true
}

TEST_F(CommandLine, OldShortNamesStillWork)
{
    const command_line cl = parse({"--listen",         "127.0.0.1:17171",
                                   "--rx-threads",     "2",
                                   "--workers",        "3",
                                   "--queue-capacity", "64",
                                   "--brokers",        "localhost:9092",
                                   "--profile",        "latest",
                                   "--distribution",   "topic",
                                   "--rx-cpus",        "0,1",
                                   "--worker-cpus",    "2,3,4",
                                   "--topic-prefix",   "org",
                                   "--duration",       "1.5",
                                   "--stats-interval", "0",
                                   "--yang-dir",       "/second"});
    const pipeline::pipeline_config& p = cl.config.pipeline;
    EXPECT_EQ(p.address, "127.0.0.1");
    EXPECT_EQ(p.port, 17171);
    EXPECT_EQ(p.n_rx, 2u);
    EXPECT_EQ(p.n_workers, 3u);
    EXPECT_EQ(p.worker_queue_capacity, 64u);
    EXPECT_EQ(p.kafka.brokers, "localhost:9092");
    EXPECT_EQ(p.worker.key.standards_profile, key::profile::latest);
    EXPECT_EQ(p.worker.envelope.profile, envelope::profile::latest);
    EXPECT_EQ(p.worker.key.distribution, key::topic_distribution::topic);
    EXPECT_EQ(p.rx_cpus, (std::vector<int>{0, 1}));
    EXPECT_EQ(p.worker_cpus, (std::vector<int>{2, 3, 4}));
    EXPECT_EQ(p.worker.key.topic_prefix, "org");
    EXPECT_DOUBLE_EQ(cl.config.duration_s, 1.5);
    EXPECT_DOUBLE_EQ(cl.config.stats_interval_s, 0);
    // --yang-dir is repeatable: both directories are kept.
    EXPECT_EQ(p.worker.schema.search_dirs, (std::vector<std::string>{_dir.path(), "/second"}));
    // ...and /second does not exist, which validation reports (only that).
    ASSERT_EQ(cl.errors.size(), 1u);
    EXPECT_EQ(cl.errors[0].key, "yang.dirs[1]");
}

TEST_F(CommandLine, CommandLineBeatsTheFileWhereverConfigIsGiven)
{
    const std::string file = _dir.write("r.toml", "[kafka]\nlinger_ms = 7\n[workers]\ncount = 3\n"
                                                  "[yang]\ndirs = [\"" +
                                                      _dir.path() + "\"]\n");
    const command_line cl =
        parse_command_line({"--kafka.linger_ms", "9", "--config", file, "--input.rx_threads", "2"});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.config.pipeline.kafka.linger_ms, 9); // CLI, although before --config
    EXPECT_EQ(cl.config.pipeline.n_workers, 3u);      // file
    EXPECT_EQ(cl.config.pipeline.n_rx, 2u);           // CLI
    EXPECT_EQ(cl.config.pipeline.kafka.batch_size, receiver_config{}.pipeline.kafka.batch_size);
}

TEST_F(CommandLine, LaterCommandLineValuesWin)
{
    EXPECT_EQ(parse({"--set", "kafka.linger_ms=1", "--kafka.linger_ms", "2"})
                  .config.pipeline.kafka.linger_ms,
              2);
    EXPECT_EQ(parse({"--kafka.linger_ms", "2", "--set", "kafka.linger_ms=1"})
                  .config.pipeline.kafka.linger_ms,
              1);
    // --profile sets both profiles; a later key overrides one of them.
    const command_line cl = parse({"--profile", "latest", "--set", "envelope.profile=seed"});
    EXPECT_EQ(cl.config.pipeline.worker.key.standards_profile, key::profile::latest);
    EXPECT_EQ(cl.config.pipeline.worker.envelope.profile, envelope::profile::seed);
}

TEST_F(CommandLine, ListsFromTheCommandLineReplaceTheFileAndThenAccumulate)
{
    const std::string file = _dir.write("r.toml", "[input]\ncpus = [7]\n");
    const command_line cl = parse({"--config", file, "--rx-cpus", "1", "--input.cpus", "2-3"});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.config.pipeline.rx_cpus, (std::vector<int>{1, 2, 3}));
}

TEST_F(CommandLine, SetTakesAnyKeyAndKafkaProperties)
{
    const command_line cl =
        parse({"--set", "reassembly.timeout_ms=250", "--set",
               "kafka.properties.security.protocol=SSL", "--kafka.properties", "acks=all"});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.config.pipeline.rx.reassembly.timeout_ns, 250'000'000u);
    ASSERT_EQ(cl.config.pipeline.kafka.properties.size(), 2u);
    EXPECT_EQ(cl.config.pipeline.kafka.properties[0].name, "acks");
    EXPECT_EQ(cl.config.pipeline.kafka.properties[1].name, "security.protocol");
}

TEST_F(CommandLine, EveryProblemIsReportedTogether)
{
    const std::string file = _dir.write("r.toml", "[kafka]\nlinger_msec = 1\n[input]\n"
                                                  "rx_threads = 0\n");
    const command_line cl =
        parse_command_line({"--config", file, "--kafka.batch_size", "big", "--set", "nope=1",
                            "--set", "novalue", "--bogus-option", "--workers", "2",
                            "--producers.count", "3", "--key.single_topic", "bad topic"});
    // file: unknown key, range; command line: type, unknown key, bad --set, unknown option;
    // validation: yang.dirs, producers > workers, illegal topic.
    EXPECT_EQ(cl.errors.size(), 9u) << test::dump(cl.errors);
    EXPECT_NE(test::find_key(cl.errors, "kafka.linger_msec"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "input.rx_threads"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "kafka.batch_size"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "nope"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "yang.dirs"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "producers.count"), nullptr);
    EXPECT_NE(test::find_key(cl.errors, "key.single_topic"), nullptr);
    const std::string all = test::dump(cl.errors);
    EXPECT_NE(all.find("--set expects KEY=VALUE, got \"novalue\""), std::string::npos) << all;
    EXPECT_NE(all.find("unknown option --bogus-option"), std::string::npos) << all;
}

TEST_F(CommandLine, UnknownOptionSuggestsTheClosest)
{
    const command_line cl = parse({"--kafka.lingerms", "5"});
    ASSERT_EQ(cl.errors.size(), 1u) << test::dump(cl.errors);
    EXPECT_EQ(cl.errors[0].to_string(),
              "command line: unknown option --kafka.lingerms; did you mean --kafka.linger_ms?");
}

TEST_F(CommandLine, UnreadableConfigFileSkipsValidation)
{
    const command_line cl = parse_command_line({"--config", _dir.path() + "/missing.toml"});
    ASSERT_EQ(cl.errors.size(), 1u) << test::dump(cl.errors);
    EXPECT_EQ(cl.errors[0].where, _dir.path() + "/missing.toml");
}

TEST_F(CommandLine, PrintConfigDoesNotValidate)
{
    const command_line cl = parse_command_line({"--print-config", "--workers", "4"});
    EXPECT_TRUE(cl.errors.empty()) << test::dump(cl.errors); // no yang.dirs: fine for printing
    EXPECT_EQ(cl.cmd, command::print_config);
    EXPECT_EQ(cl.config.pipeline.n_workers, 4u);
}

TEST_F(CommandLine, PrintDefaultsIgnoresEverythingElse)
{
    const std::string file = _dir.write("r.toml", "[kafka]\nlinger_ms = 7\n");
    const command_line cl =
        parse_command_line({"--print-config", "--defaults", "--config", file, "--workers", "9"});
    EXPECT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(to_toml(cl.config), to_toml(receiver_config{}));
    EXPECT_FALSE(parse_command_line({"--defaults"}).errors.empty());
}

TEST_F(CommandLine, CheckValidatesAndWarns)
{
    const command_line cl = parse({"--check", "--workers", "2", "--worker-cpus", "1,2,3"});
    ASSERT_TRUE(cl.errors.empty()) << test::dump(cl.errors);
    EXPECT_EQ(cl.cmd, command::check);
    ASSERT_EQ(cl.warnings.size(), 1u);
    EXPECT_EQ(cl.warnings[0].key, "workers.cpus");
}

TEST_F(CommandLine, HelpListsEveryKeyAndTheOldNames)
{
    const command_line cl = parse_command_line({"--help"});
    ASSERT_EQ(cl.cmd, command::help);
    for (const option_info& o : option_list()) {
        EXPECT_NE(cl.help.find("--" + o.key), std::string::npos) << o.key;
    }
    for (const char* old : {"--listen", "--rx-threads", "--workers", "--queue-capacity",
                            "--brokers", "--yang-dir", "--profile", "--distribution", "--rx-cpus",
                            "--worker-cpus", "--topic-prefix", "--duration", "--stats-interval"}) {
        EXPECT_NE(cl.help.find(old), std::string::npos) << old;
    }
}

// ---- the binary ----------------------------------------------------------------------------

struct run_result {
    int status = -1;
    std::string out;
};

run_result run_recv(const std::string& args)
{
    run_result r;
    const std::string cmd = std::string(UDPN_RECV_TOOL) + " " + args + " 2>/dev/null";
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) {
        return r;
    }
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
        r.out.append(buf, n);
    }
    const int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(RecvBinary, ConfigurationProblemsExitWithTwo)
{
    EXPECT_EQ(run_recv("--set kafka.linger_ms=x --yang-dir /").status, 2);
    EXPECT_EQ(run_recv("--config /nonexistent.toml").status, 2);
    EXPECT_EQ(run_recv("--no-such-option").status, 2);
}

TEST(RecvBinary, PrintDefaultsIsTheExampleFile)
{
    const run_result r = run_recv("--print-config --defaults");
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.out == test::read_file(UDPN_EXAMPLE_CONFIG))
        << "udpnotif-recv --print-config --defaults differs from packaging/udpnotif-recv.toml";
}

TEST(RecvBinary, CheckAndHelpExitWithZero)
{
    test::temp_dir dir;
    EXPECT_EQ(run_recv("--check --yang-dir " + dir.path()).status, 0);
    EXPECT_EQ(run_recv("--help").status, 0);
}

} // namespace
} // namespace udpn::config
