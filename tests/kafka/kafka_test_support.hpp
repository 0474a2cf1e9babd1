/// \file
/// Test helpers for the kafka suite: an independent murmur2 (written from PROTOCOL.md §10,
/// not shared with src/, so a bug in one does not hide in the other), a librdkafka consumer
/// that reads a topic back from the start, and a metadata query. Loopback only.
#pragma once

#include "kafka/config.hpp"

#include <librdkafka/rdkafka.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace udpn::kafka::test {

/// Kafka's murmur2 (PROTOCOL.md §10): seed 0x9747b28c, m 0x5bd1e995, r 24, little-endian blocks.
inline std::uint32_t murmur2_reference(std::string_view key)
{
    constexpr std::uint32_t m = 0x5bd1e995;
    const auto len = static_cast<std::uint32_t>(key.size());
    std::uint32_t h = 0x9747b28cU ^ len;
    const auto* p = reinterpret_cast<const unsigned char*>(key.data());
    std::size_t i = 0;
    for (; i + 4 <= key.size(); i += 4) {
        std::uint32_t k = std::uint32_t{p[i]} | (std::uint32_t{p[i + 1]} << 8) |
                          (std::uint32_t{p[i + 2]} << 16) | (std::uint32_t{p[i + 3]} << 24);
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (key.size() - i) {
    case 3: h ^= std::uint32_t{p[i + 2]} << 16; [[fallthrough]];
    case 2: h ^= std::uint32_t{p[i + 1]} << 8; [[fallthrough]];
    case 1:
        h ^= std::uint32_t{p[i]};
        h *= m;
        break;
    default: break;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

/// The Java default partitioner for a keyed record: toPositive(murmur2(key)) % n.
inline std::int32_t expected_partition(std::string_view key, std::int32_t n_partitions)
{
    return static_cast<std::int32_t>((murmur2_reference(key) & 0x7fffffffU) %
                                     static_cast<std::uint32_t>(n_partitions));
}

/// One record read back.
struct consumed_record {
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::optional<std::string> key;   ///< nullopt: null key
    std::optional<std::string> value; ///< nullopt: null value
    std::vector<std::pair<std::string, std::string>> headers;
};

/// A producer configuration for fault tests: linger 1 ms, quick reconnects after a mock broker
/// comes back, no librdkafka log lines.
inline kafka_config quiet_config()
{
    kafka_config config;
    config.linger_ms = 1;
    config.properties.push_back({"reconnect.backoff.ms", "10"});
    config.properties.push_back({"reconnect.backoff.max.ms", "100"});
    config.properties.push_back({"retry.backoff.ms", "10"});
    config.properties.push_back({"log_level", "0"});
    return config;
}

/// Creates a librdkafka client of \p type on \p bootstrap with quiet logging.
inline rd_kafka_t* new_client(rd_kafka_type_t type, const std::string& bootstrap,
                              std::vector<std::pair<std::string, std::string>> extra = {})
{
    std::array<char, 512> err{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    extra.insert(extra.begin(), {{"bootstrap.servers", bootstrap},
                                 {"log_level", "3"},
                                 {"group.id", "udpn-kafka-test"},
                                 {"enable.auto.commit", "false"},
                                 {"enable.partition.eof", "false"}});
    for (const auto& [name, value] : extra) {
        if (type == RD_KAFKA_PRODUCER && (name == "group.id" || name == "enable.auto.commit" ||
                                          name == "enable.partition.eof")) {
            continue;
        }
        if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err.data(), err.size()) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(err.data());
        }
    }
    rd_kafka_t* rk = rd_kafka_new(type, conf, err.data(), err.size());
    if (rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(err.data());
    }
    return rk;
}

/// Partition count of \p topic as the cluster reports it, or -1.
inline int partition_count(rd_kafka_t* rk, const std::string& topic)
{
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    int n = -1;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            n = md->topics[0].partition_cnt;
        }
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return n;
}

/// Reads \p topic (partitions 0..n_partitions-1, from the beginning) until \p expected records
/// arrived or \p timeout passed, whichever is first; then reads for \p linger more to catch
/// records beyond \p expected.
inline std::vector<consumed_record>
consume_all(const std::string& bootstrap, const std::string& topic, int n_partitions,
            std::size_t expected, std::chrono::milliseconds timeout = std::chrono::seconds(10),
            std::chrono::milliseconds linger = std::chrono::milliseconds(200))
{
    rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, bootstrap);
    rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(n_partitions);
    for (int p = 0; p < n_partitions; ++p) {
        rd_kafka_topic_partition_list_add(parts, topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, parts);
    rd_kafka_topic_partition_list_destroy(parts);

    std::vector<consumed_record> out;
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + timeout;
    bool lingering = false;
    while (clock::now() < deadline) {
        rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk, 50);
        if (msg == nullptr) {
            continue;
        }
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            consumed_record r;
            r.topic = rd_kafka_topic_name(msg->rkt);
            r.partition = msg->partition;
            r.offset = msg->offset;
            if (msg->key != nullptr) {
                r.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
            }
            if (msg->payload != nullptr) {
                r.value.emplace(static_cast<const char*>(msg->payload), msg->len);
            }
            rd_kafka_headers_t* hdrs = nullptr;
            if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const char* name = nullptr;
                const void* value = nullptr;
                std::size_t size = 0;
                for (std::size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
                                        RD_KAFKA_RESP_ERR_NO_ERROR;
                     ++i) {
                    r.headers.emplace_back(
                        name, value != nullptr ? std::string(static_cast<const char*>(value), size)
                                               : std::string());
                }
            }
            out.push_back(std::move(r));
        }
        rd_kafka_message_destroy(msg);
        if (!lingering && out.size() >= expected) {
            lingering = true;
            deadline = clock::now() + linger;
        }
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

} // namespace udpn::kafka::test
