// udpnotif-broker as another process: the first line of stdout is a bootstrap address that a
// producer in this process can use, --topic topics have --partitions partitions, SIGTERM stops
// it with status 0, and a bad command line exits 2.
#include "kafka/producer.hpp"

#include "kafka_test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

using namespace udpn::kafka;
using namespace std::chrono_literals;

namespace {

/// A child process running udpnotif-broker with its stdout on a pipe. Killed at scope exit.
class broker_process {
  public:
    explicit broker_process(std::vector<std::string> args)
    {
        args.insert(args.begin(), UDPN_BROKER_TOOL);
        // Everything the child needs is built before fork(): only async-signal-safe calls
        // between fork() and execv() (other threads may hold the allocator's lock).
        std::vector<char*> argv;
        for (std::string& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        int fds[2];
        if (pipe(fds) != 0) {
            return;
        }
        _pid = fork();
        if (_pid == 0) {
            dup2(fds[1], STDOUT_FILENO);
            const int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, STDERR_FILENO);
            close(fds[0]);
            close(fds[1]);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(fds[1]);
        _out = fds[0];
    }
    ~broker_process()
    {
        if (_pid > 0) {
            kill(_pid, SIGKILL);
            waitpid(_pid, nullptr, 0);
        }
        if (_out >= 0) {
            close(_out);
        }
    }
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    /// The first line of stdout, waiting up to \p timeout; empty on timeout or EOF.
    std::string first_line(std::chrono::milliseconds timeout)
    {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd pfd{_out, POLLIN, 0};
            if (::poll(&pfd, 1, 50) <= 0) {
                continue;
            }
            char c = 0;
            if (read(_out, &c, 1) != 1) {
                break;
            }
            if (c == '\n') {
                return line;
            }
            line.push_back(c);
        }
        return {};
    }

    /// Sends \p sig and returns the exit status (-1 if it did not exit within \p timeout).
    int stop(int sig, std::chrono::milliseconds timeout)
    {
        kill(_pid, sig);
        return wait_exit(timeout);
    }

    /// Waits for the exit status (-1: still running after \p timeout or killed by a signal).
    int wait_exit(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(_pid, &status, WNOHANG) == _pid) {
                _pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            usleep(10'000);
        }
        return -1;
    }

  private:
    pid_t _pid = -1;
    int _out = -1;
};

} // namespace

TEST(BrokerTool, PrintsItsBootstrapFirstServesTopicsAndStopsOnSigterm)
{
    broker_process broker(
        {"--brokers", "2", "--partitions", "5", "--topic", "tool-a", "--topic", "tool-b"});
    const std::string bootstrap = broker.first_line(10s);
    ASSERT_FALSE(bootstrap.empty());
    EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0U) << bootstrap;

    kafka_config config;
    config.brokers = bootstrap;
    config.create_topics = false; // topics come from --topic; the mock has no CreateTopics
    config.properties.push_back({"log_level", "3"});
    {
        producer prod(config);
        const std::string_view key =
            "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";
        for (int i = 0; i < 20; ++i) {
            const std::string value = std::to_string(i);
            ASSERT_EQ(
                prod.produce(i % 2 == 0 ? "tool-a" : "tool-b", as_bytes(key), as_bytes(value)),
                produce_status::queued);
        }
        EXPECT_EQ(prod.flush(10s), 0U);
        EXPECT_EQ(prod.stats().delivered, 20U);
        EXPECT_EQ(test::partition_count(prod.native(), "tool-a"), 5);
        EXPECT_EQ(test::partition_count(prod.native(), "tool-b"), 5);
    }
    const auto records = test::consume_all(bootstrap, "tool-a", 5, 10);
    ASSERT_EQ(records.size(), 10U);
    for (const auto& r : records) {
        EXPECT_EQ(r.partition, test::expected_partition(*r.key, 5));
    }
    EXPECT_EQ(broker.stop(SIGTERM, 10s), 0);
}

TEST(BrokerTool, StopsOnSigint)
{
    broker_process broker({});
    ASSERT_FALSE(broker.first_line(10s).empty());
    EXPECT_EQ(broker.stop(SIGINT, 10s), 0);
}

TEST(BrokerTool, BadCommandLineExitsTwo)
{
    broker_process zero({"--brokers", "0"});
    EXPECT_EQ(zero.wait_exit(10s), 2);
    broker_process unknown({"--port", "9092"});
    EXPECT_EQ(unknown.wait_exit(10s), 2);
    broker_process bad_topic({"--topic", "bad topic"});
    EXPECT_TRUE(bad_topic.first_line(10s).empty()); // no address: the topics come first
    EXPECT_EQ(bad_topic.wait_exit(10s), 1);
}
