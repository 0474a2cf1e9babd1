// udpnotif-consume as a child process against the embedded (mock) cluster of this process:
// a ^regex subscription prints the records of matching topics only; --key reads the partition
// murmur2(key) mod N (checked with an independent murmur2) and prints only that key's records;
// --validate reports records that fail their YANG module or are not JSON (exit 3) and accepts
// the envelopes our writer emits (both profiles); bad command lines exit 2. Loopback only;
// every run bounded by --idle-ms and a kill deadline.
#include "envelope/telemetry_message.hpp"
#include "kafka/embedded_cluster.hpp"
#include "kafka/producer.hpp"

#include "../envelope/fixtures.hpp"
#include "../kafka/kafka_test_support.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

using namespace udpn;
using namespace std::chrono_literals;

namespace {

struct run_result {
    int status = -1; ///< exit status, -1 killed or not started
    std::vector<std::string> lines;
    std::string err;
};

/// Runs udpnotif-consume with \p args; kills it after \p deadline.
run_result consume(std::vector<std::string> args, std::chrono::seconds deadline = 40s)
{
    run_result r;
    args.insert(args.begin(), UDPN_CONSUME_TOOL);
    std::vector<char*> argv;
    for (std::string& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) {
        return r;
    }
    char err_path[] = "/tmp/udpn-consume-err-XXXXXX";
    const int err_fd = mkstemp(err_path);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        close(err_fd);
        return r;
    }
    std::string text;
    const auto until = std::chrono::steady_clock::now() + deadline;
    bool killed = false;
    for (;;) {
        pollfd p{out[0], POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            char buf[4096];
            const ssize_t n = read(out[0], buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            text.append(buf, static_cast<std::size_t>(n));
        }
        if (!killed && std::chrono::steady_clock::now() > until) {
            kill(pid, SIGKILL);
            killed = true;
        }
    }
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);) {
        r.lines.push_back(l);
    }
    std::ifstream e(err_path);
    r.err.assign(std::istreambuf_iterator<char>(e), {});
    close(err_fd);
    unlink(err_path);
    return r;
}

kafka::kafka_config producer_config()
{
    kafka::kafka_config c;
    c.linger_ms = 1;
    c.properties.push_back({"log_level", "3"});
    return c;
}

void produce_all(kafka::producer& p, const std::string& topic,
                 const std::vector<std::pair<std::string, std::string>>& key_values)
{
    for (const auto& [k, v] : key_values) {
        ASSERT_EQ(p.produce(topic, kafka::as_bytes(k), kafka::as_bytes(v)),
                  kafka::produce_status::queued);
    }
    ASSERT_EQ(p.flush(10s), 0u);
}

/// Member \p name of JSON line \p line as minified JSON text ("" when absent).
std::string member(const std::string& line, const char* name)
{
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc)) {
        ADD_FAILURE() << "output line is not JSON: " << line;
        return {};
    }
    simdjson::dom::element e;
    if (doc[name].get(e)) {
        return {};
    }
    return simdjson::minify(e);
}

std::string envelope_of(envelope::profile p, std::uint16_t port)
{
    envelope::envelope_config cfg;
    cfg.profile = p;
    envelope::envelope_writer w(cfg);
    test::decoded d(test::envelope_input());
    const envelope::subscription_metadata sub = test::periodic_subscription();
    envelope::message_input in = test::input_for(d.view(), &sub);
    in.exporter.port = port;
    std::string out;
    EXPECT_TRUE(static_cast<bool>(w.write(in, out)));
    return out;
}

std::vector<std::string> yang_args(envelope::profile p)
{
    const std::string shared = UDPN_SHARED_DIR;
    if (p == envelope::profile::seed) {
        return {"--yang-dir", shared + "/yang-seed", "--yang-dir", shared + "/yang"};
    }
    return {"--yang-dir", shared + "/yang"};
}

} // namespace

TEST(Consume, PatternSubscriptionPrintsOnlyMatchingTopics)
{
    kafka::embedded_cluster cluster;
    const std::string states_if = "project.env.states.yang.ietf-interfaces.interfaces_interface";
    const std::string states_hw = "project.env.states.yang.ietf-hardware.hardware_component_state";
    const std::string stats_if = "project.env.statistics.yang.ietf-interfaces.interfaces_interface";
    for (const std::string& t : {states_if, states_hw, stats_if}) {
        ASSERT_TRUE(kafka::usable(cluster.create_topic(t, 3, 1)));
    }
    kafka::producer p(producer_config(), &cluster);
    std::set<std::string> expected;
    std::vector<std::pair<std::string, std::string>> kv_if, kv_hw, kv_stats;
    for (int i = 0; i < 3; ++i) {
        kv_if.emplace_back("if" + std::to_string(i), R"({"n":"if)" + std::to_string(i) + "\"}");
        expected.insert(kv_if.back().second);
    }
    for (int i = 0; i < 2; ++i) {
        kv_hw.emplace_back("hw" + std::to_string(i), R"({"n":"hw)" + std::to_string(i) + "\"}");
        expected.insert(kv_hw.back().second);
        kv_stats.emplace_back("st" + std::to_string(i), R"({"n":"st)" + std::to_string(i) + "\"}");
    }
    produce_all(p, stats_if, kv_stats);
    produce_all(p, states_if, kv_if);
    produce_all(p, states_hw, kv_hw);

    // A pattern that also matches nothing else, plus the statistics topic left out: only the
    // five states records may come back, each once.
    const run_result r = consume({"--brokers", cluster.bootstrap_servers(), "--topic",
                                  R"(^project\.env\.states\.yang\..*)", "--group", "consume-test",
                                  "--count", "5", "--idle-ms", "20000"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 5u) << r.err;
    std::set<std::string> got;
    for (const std::string& l : r.lines) {
        const std::string topic = member(l, "topic");
        EXPECT_TRUE(topic == "\"" + states_if + "\"" || topic == "\"" + states_hw + "\"") << l;
        got.insert(member(l, "envelope"));
        EXPECT_EQ(member(l, "headers"), R"({"content-type":"application/yang-data+json"})") << l;
    }
    EXPECT_EQ(got, expected);
    EXPECT_NE(r.err.find("records 5 printed 5"), std::string::npos) << r.err;
}

TEST(Consume, KeyReadsOnlyItsMurmur2PartitionAndOnlyThatKey)
{
    kafka::embedded_cluster cluster;
    const std::string topic = "if-interfaces-interface";
    ASSERT_TRUE(kafka::usable(cluster.create_topic(topic, 12, 1)));
    const std::string wanted =
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";
    kafka::producer p(producer_config(), &cluster);
    std::vector<std::pair<std::string, std::string>> kv;
    for (int round = 0; round < 4; ++round) {
        kv.emplace_back(wanted, R"({"round":)" + std::to_string(round) + "}");
        for (int k = 0; k < 30; ++k) {
            kv.emplace_back("router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth" +
                                std::to_string(k + 1) + "']",
                            R"({"other":)" + std::to_string(k) + "}");
        }
    }
    produce_all(p, topic, kv);
    const std::int32_t partition = kafka::test::expected_partition(wanted, 12);
    ASSERT_EQ(partition, 2); // PROTOCOL.md §10 vector
    std::size_t others_there = 0;
    for (const auto& [k, v] : kv) {
        others_there += k != wanted && kafka::test::expected_partition(k, 12) == partition;
    }
    ASSERT_GT(others_there, 0u) << "the test needs other keys on the same partition";

    std::string arg_key = wanted; // the tool reads \n as a line feed
    arg_key.replace(arg_key.find('\n'), 1, "\\n");
    arg_key.replace(arg_key.find('\n'), 1, "\\n");
    const run_result r = consume({"--brokers", cluster.bootstrap_servers(), "--topic", topic,
                                  "--key", arg_key, "--idle-ms", "3000"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 4u) << r.err;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        EXPECT_EQ(member(r.lines[i], "partition"), "2");
        EXPECT_EQ(member(r.lines[i], "key"),
                  R"("router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']")");
        EXPECT_EQ(member(r.lines[i], "envelope"), R"({"round":)" + std::to_string(i) + "}");
    }
    EXPECT_NE(r.err.find("key -> partition 2 of 12"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("records " + std::to_string(4 + others_there) + " printed 4 other_keys " +
                         std::to_string(others_there)),
              std::string::npos)
        << r.err;
}

class ConsumeValidate : public ::testing::TestWithParam<envelope::profile> {};

TEST_P(ConsumeValidate, InvalidAndNonJsonRecordsAreReported)
{
    const envelope::profile prof = GetParam();
    kafka::embedded_cluster cluster;
    const std::string topic = "yang-push";
    ASSERT_TRUE(kafka::usable(cluster.create_topic(topic, 1, 1)));
    const std::string good = envelope_of(prof, 50123);
    // Same envelope with a port out of range for inet:port-number (uint16).
    std::string bad = good;
    const std::size_t at = bad.find("50123");
    ASSERT_NE(at, std::string::npos);
    bad.replace(at, 5, "70000");
    kafka::producer p(producer_config(), &cluster);
    produce_all(p, topic, {{"a", good}, {"b", bad}, {"c", "not json {"}});

    std::vector<std::string> args = {
        "--brokers", cluster.bootstrap_servers(), "--topic", topic, "--validate",
        "--profile", envelope::to_string(prof)};
    for (const std::string& y : yang_args(prof)) {
        args.push_back(y);
    }
    args.insert(args.end(), {"--group", std::string("validate-") + envelope::to_string(prof),
                             "--count", "3", "--idle-ms", "20000"});
    const run_result r = consume(args);
    ASSERT_EQ(r.status, 3) << r.err;
    ASSERT_EQ(r.lines.size(), 3u) << r.err;
    EXPECT_EQ(member(r.lines[0], "valid"), "true") << r.lines[0];
    EXPECT_EQ(member(r.lines[1], "valid"), "false") << r.lines[1];
    EXPECT_NE(member(r.lines[1], "error"), "") << r.lines[1];
    EXPECT_EQ(member(r.lines[2], "valid"), "false") << r.lines[2];
    EXPECT_NE(member(r.lines[2], "error").find("not JSON"), std::string::npos) << r.lines[2];
    EXPECT_EQ(member(r.lines[2], "value"), R"("not json {")");
    EXPECT_NE(r.err.find("not_json 1 invalid 2"), std::string::npos) << r.err;
}

TEST_P(ConsumeValidate, EnvelopesWeEmitPass)
{
    const envelope::profile prof = GetParam();
    kafka::embedded_cluster cluster;
    ASSERT_TRUE(kafka::usable(cluster.create_topic("t", 1, 1)));
    kafka::producer p(producer_config(), &cluster);
    produce_all(p, "t", {{"a", envelope_of(prof, 1)}, {"b", envelope_of(prof, 65535)}});
    std::vector<std::string> args = {"--brokers",
                                     cluster.bootstrap_servers(),
                                     "--topic",
                                     "t",
                                     "--validate",
                                     "--profile",
                                     envelope::to_string(prof),
                                     "--group",
                                     "pass",
                                     "--count",
                                     "2",
                                     "--idle-ms",
                                     "20000"};
    for (const std::string& y : yang_args(prof)) {
        args.push_back(y);
    }
    const run_result r = consume(args);
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 2u) << r.err;
    for (const std::string& l : r.lines) {
        EXPECT_EQ(member(l, "valid"), "true") << l;
    }
}

INSTANTIATE_TEST_SUITE_P(profiles, ConsumeValidate,
                         ::testing::Values(envelope::profile::seed, envelope::profile::latest),
                         test::profile_name);

TEST(Consume, BadCommandLinesExit2)
{
    EXPECT_EQ(consume({"--brokers", "127.0.0.1:1", "--topic", "^a.*", "--key", "k"}).status, 2);
    EXPECT_EQ(
        consume({"--brokers", "127.0.0.1:1", "--topic", "a", "--topic", "b", "--key", "k"}).status,
        2);
    EXPECT_EQ(consume({"--brokers", "127.0.0.1:1", "--topic", "a", "--validate"}).status, 2);
    EXPECT_EQ(consume({"--topic", "a"}).status, 2);
    EXPECT_EQ(consume({"--brokers", "127.0.0.1:1", "--topic", "a", "-X", "novalue"}).status, 2);
    const run_result r = consume({"--brokers", "127.0.0.1:1", "--topic", "a", "--validate",
                                  "--yang-dir", "/nonexistent-yang-dir"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("YANG modules"), std::string::npos) << r.err;
}
