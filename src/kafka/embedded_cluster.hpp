/// \file
/// librdkafka's mock cluster, started in this process (DESIGN.md §4: `brokers = "embedded"`),
/// for demos, tests and the udpnotif-broker tool. The mock brokers listen on 127.0.0.1 on
/// ports the kernel picks; other processes (kcat, a second receiver) can connect to
/// bootstrap_servers(). Facts of librdkafka 2.0.2 (DESIGN.md §5): no CreateTopics or
/// DescribeConfigs (topics are made here with rd_kafka_mock_topic_create), ~5 MB kept per
/// partition, no API to choose the listen ports (127.0.0.1, kernel-chosen ports). Measured
/// here: the mock API accepts topic names and partition counts that Kafka would refuse (so
/// create_topic() checks them first); it ignores the replication factor (every broker is a
/// replica); topics auto-created by a client's metadata request get 4 partitions; and a mock
/// API call (topic create, broker down/up, error injection) made right after another one
/// takes ~1 s about one time in three: the mock thread drains its wake-up pipe after serving
/// its request queue, so a request queued in between waits for its next 1 s poll timeout.
/// create_topic() avoids that by waking the mock thread (a connection attempt on a broker's
/// socket) while its call is outstanding; the other mock API calls (tests) still see it.
#pragma once

#include "kafka/errors.hpp"

#include <string>
#include <string_view>

// librdkafka's handles, kept opaque so that users of this header need no rdkafka include.
struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace udpn::kafka {

/// Owns one mock cluster and the librdkafka client handle it needs for bookkeeping
/// (rd_kafka_mock_cluster_new takes one; it connects to nothing). Neither copyable nor
/// movable. Destroying it closes the brokers: producers using it must be destroyed first.
class embedded_cluster {
  public:
    /// Starts \p n_brokers (1..64) mock brokers. Throws startup_error when librdkafka cannot
    /// create the client handle or the cluster. Thread: start-up.
    explicit embedded_cluster(int n_brokers = 1);
    /// Stops the brokers (connected clients see the cluster go down). Takes ~1 s one time in
    /// three or so (librdkafka 2.0.2: the mock's internal broker thread sleeps out a 1 s
    /// timeout before it sees the terminate request). Thread: the owner.
    ~embedded_cluster();
    embedded_cluster(const embedded_cluster&) = delete;
    embedded_cluster& operator=(const embedded_cluster&) = delete;

    /// `127.0.0.1:PORT[,127.0.0.1:PORT...]`, one entry per broker, for bootstrap.servers.
    /// Thread: any.
    [[nodiscard]] const std::string& bootstrap_servers() const noexcept { return _bootstraps; }

    /// Number of mock brokers (ids 1..n_brokers()). Thread: any.
    [[nodiscard]] int n_brokers() const noexcept { return _n_brokers; }

    /// Creates \p name with \p n_partitions partitions (1..10000) and \p replication_factor
    /// replicas (capped at n_brokers(); < 1 means 1). An existing topic keeps its partition
    /// count and yields topic_status::exists. invalid_name / invalid_partitions when Kafka
    /// would refuse them. Blocks: a request to the mock cluster's thread, usually well under a
    /// millisecond; a helper thread wakes the mock thread every 2 ms while it is outstanding
    /// (see the file comment), so a few milliseconds at worst instead of ~1 s.
    /// Thread: any (the mock cluster serializes its requests).
    [[nodiscard]] topic_status create_topic(std::string_view name, int n_partitions,
                                            int replication_factor = 1) noexcept;

    /// The mock cluster, for fault injection with rdkafka_mock.h in tests (broker down,
    /// request errors). Thread: any.
    [[nodiscard]] rd_kafka_mock_cluster_s* native() const noexcept { return _mcluster; }

  private:
    rd_kafka_s* _rk = nullptr;
    rd_kafka_mock_cluster_s* _mcluster = nullptr;
    std::string _bootstraps;
    int _n_brokers = 0;
};

} // namespace udpn::kafka
