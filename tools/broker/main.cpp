/// \file
/// udpnotif-broker: librdkafka's mock Kafka cluster as a stand-alone program, for demos and
/// tests without a real broker (DESIGN.md §4). Creates the topics asked for, then prints the
/// cluster's bootstrap address as the first line of stdout (so a script can read it and kcat can
/// connect: `kcat -b "$(head -1 out)" -L`), then runs until SIGINT or SIGTERM. The address comes
/// only once every --topic exists: a client that connected earlier and asked for a topic's
/// metadata would auto-create it with the mock's default of 4 partitions. The brokers listen on
/// 127.0.0.1 on ports the kernel picks: librdkafka 2.0.2 has no way to choose them, so there is
/// no --port option.
/// Limits of the mock cluster (librdkafka 2.0.2): about 5 MB kept per partition, no
/// CreateTopics (clients connecting here should not try to create topics: create them with
/// --topic; other topics are auto-created with 4 partitions), no DescribeConfigs.
/// Exit status: 0 after a signal, 1 the cluster or a topic could not be created (nothing is
/// printed on stdout then), 2 bad command line.

#include "kafka/embedded_cluster.hpp"

#include <CLI/CLI.hpp>

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    CLI::App app{"udpnotif-broker: run librdkafka's mock Kafka cluster in this process; prints "
                 "its bootstrap address as the first line of stdout once every --topic exists, "
                 "then runs until SIGINT or SIGTERM. Listen ports are chosen by the kernel "
                 "(librdkafka 2.0.2 cannot fix them)."};
    int n_brokers = 1;
    int n_partitions = 12;
    int replication_factor = 1;
    std::vector<std::string> topics;
    app.add_option("--brokers", n_brokers, "Number of mock brokers (ids 1..N)")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--partitions", n_partitions, "Partitions of each --topic")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    app.add_option("--replication-factor", replication_factor,
                   "Replicas of each --topic (capped at --brokers)")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--topic", topics, "Create this topic (repeatable)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2; // --help is 0; any bad command line is 2
    }

    // Block the stop signals before librdkafka starts its threads, so that they inherit the
    // mask and the signals are taken by sigwait() below, on this thread only.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
        std::fprintf(stderr, "udpnotif-broker: cannot block SIGINT/SIGTERM\n");
        return 1;
    }

    try {
        udpn::kafka::embedded_cluster cluster(n_brokers);
        for (const std::string& topic : topics) {
            const udpn::kafka::topic_status status =
                cluster.create_topic(topic, n_partitions, replication_factor);
            if (!udpn::kafka::usable(status)) {
                std::fprintf(stderr, "udpnotif-broker: cannot create topic \"%s\": %s\n",
                             topic.c_str(), udpn::kafka::to_string(status));
                return 1;
            }
            std::fprintf(stderr, "udpnotif-broker: topic %s: %s, %d partition(s)\n", topic.c_str(),
                         udpn::kafka::to_string(status), n_partitions);
        }
        std::printf("%s\n", cluster.bootstrap_servers().c_str());
        std::fflush(stdout);
        std::fprintf(stderr, "udpnotif-broker: %d broker(s) at %s; stop with SIGINT or SIGTERM\n",
                     n_brokers, cluster.bootstrap_servers().c_str());
        int sig = 0;
        if (sigwait(&stop_signals, &sig) != 0) {
            std::fprintf(stderr, "udpnotif-broker: sigwait failed\n");
            return 1;
        }
        std::fprintf(stderr, "udpnotif-broker: signal %d, stopping\n", sig);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udpnotif-broker: %s\n", e.what());
        return 1;
    }
    return 0;
}
