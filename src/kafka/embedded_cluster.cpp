#include "kafka/embedded_cluster.hpp"

#include "kafka/config.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <array>
#include <string>

namespace udpn::kafka {

embedded_cluster::embedded_cluster(int n_brokers) : _n_brokers(n_brokers)
{
    if (n_brokers < 1 || n_brokers > 64) {
        throw startup_error("embedded_brokers",
                            "kafka: embedded_brokers: " + std::to_string(n_brokers) +
                                " is out of range [1, 64]");
    }
    std::array<char, 512> errstr{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // This handle only keeps the mock cluster's books and never connects anywhere. Level 4
    // hides the notice that it has no bootstrap.servers; mock cluster warnings still show.
    if (rd_kafka_conf_set(conf, "log_level", "4", errstr.data(), errstr.size()) !=
            RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "client.id", "udpnotif-embedded-cluster", errstr.data(),
                          errstr.size()) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw startup_error("", std::string("kafka: embedded cluster: ") + errstr.data());
    }
    // rd_kafka_new takes conf on success only; on failure it is still ours to destroy.
    _rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr.data(), errstr.size());
    if (_rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw startup_error("", std::string("kafka: embedded cluster: cannot create the "
                                            "client handle: ") +
                                    errstr.data());
    }
    _mcluster = rd_kafka_mock_cluster_new(_rk, n_brokers);
    if (_mcluster == nullptr) {
        rd_kafka_destroy(_rk);
        _rk = nullptr;
        throw startup_error("embedded_brokers",
                            "kafka: embedded cluster: librdkafka could not start " +
                                std::to_string(n_brokers) +
                                " mock broker(s) (no loopback listener?)");
    }
    _bootstraps = rd_kafka_mock_cluster_bootstraps(_mcluster);
}

embedded_cluster::~embedded_cluster()
{
    if (_mcluster != nullptr) {
        rd_kafka_mock_cluster_destroy(_mcluster);
    }
    if (_rk != nullptr) {
        rd_kafka_destroy(_rk);
    }
}

topic_status embedded_cluster::create_topic(std::string_view name, int n_partitions,
                                            int replication_factor) noexcept
{
    // The mock API takes any name and 0 partitions without complaint (2.0.2); Kafka would not.
    if (!is_valid_topic_name(name)) {
        return topic_status::invalid_name;
    }
    if (n_partitions < 1 || n_partitions > 10'000) {
        return topic_status::invalid_partitions;
    }
    const int rf = std::clamp(replication_factor, 1, _n_brokers);
    // name is not NUL-terminated; topic names are at most 249 characters.
    std::array<char, 256> cname{};
    std::copy(name.begin(), name.end(), cname.begin());
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(_mcluster, cname.data(), n_partitions, rf);
    switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR: return topic_status::created;
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return topic_status::exists;
    default: return topic_status::failed;
    }
}

} // namespace udpn::kafka
