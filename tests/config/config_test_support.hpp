/// \file
/// Helpers shared by the config tests: temporary files and a search over problem lists.
#pragma once

#include "config/problem.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

namespace udpn::config::test {

/// A file under a fresh temporary directory, removed with it.
class temp_dir {
  public:
    temp_dir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "udpn-config-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        _path = tmpl;
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(_path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    /// Writes \p text to file \p name in the directory; returns its path.
    std::string write(const std::string& name, const std::string& text) const
    {
        const std::string p = (_path / name).string();
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    [[nodiscard]] std::string path() const { return _path.string(); }

  private:
    std::filesystem::path _path;
};

/// The problem about \p key, or nullptr.
inline const problem* find_key(const problems& list, const std::string& key)
{
    for (const problem& p : list) {
        if (p.key == key) {
            return &p;
        }
    }
    return nullptr;
}

/// Every problem as text, one per line (for failure messages).
inline std::string dump(const problems& list)
{
    std::string s;
    for (const problem& p : list) {
        s += p.to_string() + "\n";
    }
    return s;
}

/// The whole content of \p path.
inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A legal value other than the default, as command-line text, for every key. Adding a row
/// without adding it here fails EveryKeyHasATestValue.
inline const std::map<std::string, std::string>& test_values()
{
    static const std::map<std::string, std::string> v = {
        {"stats_interval_s", "2.5"},
        {"duration_s", "10"},
        {"dead_letter_topic", "dead-letters"},
        {"node_names", "[{ address = \"192.0.2.1\", name = \"r1\" }]"},
        {"input.listen", "127.0.0.1:17171"},
        {"input.rx_threads", "4"},
        {"input.cpus", "0-1"},
        {"input.allowlist", "10.0.0.0/8,2001:db8::/32"},
        {"input.tick_interval_ms", "50"},
        {"dtls.enabled", "true"},
        {"dtls.listen", "127.0.0.1:17172"},
        {"dtls.version", "1.3"},
        {"dtls.ca_file", "/etc/udpn/ca.pem"},
        {"dtls.cert_file", "/etc/udpn/receiver.pem"},
        {"dtls.key_file", "/etc/udpn/receiver.key"},
        {"dtls.pinned_sha256",
         "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:"
         "45:67:89"},
        {"dtls.max_sessions", "100"},
        {"dtls.max_handshakes", "8"},
        {"dtls.handshake_timeout_ms", "3000"},
        {"dtls.idle_timeout_s", "300"},
        {"dtls.mtu", "1280"},
        {"dtls.cookie_secret_lifetime_s", "77"},
        {"socket.rcvbuf_bytes", "1048576"},
        {"socket.rcvbuf_force", "true"},
        {"socket.v6only", "true"},
        {"socket.receive_timeout_ms", "250"},
        {"socket.receive_nap_us", "750"},
        {"socket.kernel_timestamps", "true"},
        {"socket.recv_burst", "32"},
        {"socket.max_datagram_bytes", "9000"},
        {"socket.receive_into_pool", "false"},
        {"header.accept_version0", "true"},
        {"header.accept_private_media", "true"},
        {"header.accept_unassigned_media", "true"},
        {"reassembly.timeout_ms", "500"},
        {"reassembly.max_segments", "100"},
        {"reassembly.max_message_bytes", "1000000"},
        {"reassembly.max_pending", "100"},
        {"reassembly.max_total_bytes", "1000000"},
        {"reassembly.finished_memory", "0"},
        {"reassembly.key_includes_src_port", "false"},
        {"gaps.max_streams", "10"},
        {"gaps.max_gap", "100"},
        {"pool.classes", "[{ capacity = 1024, count = 8 }]"},
        {"workers.count", "2"},
        {"workers.cpus", "2,3"},
        {"workers.queue_capacity", "128"},
        {"workers.handoff_batch", "16"},
        {"workers.queue_full_wait_us", "0"},
        {"workers.idle_wait_us", "250"},
        {"workers.wake_on_handoff", "true"},
        {"workers.drain_timeout_ms", "500"},
        {"workers.max_payload_bytes", "1000"},
        {"xml.max_input_bytes", "2000"},
        {"xml.max_output_bytes", "3000"},
        {"xml.max_depth", "9"},
        {"xml.max_namespace_bindings", "12"},
        {"cbor.max_input_bytes", "2100"},
        {"cbor.max_output_bytes", "3100"},
        {"cbor.max_depth", "11"},
        {"producers.count", "2"},
        {"producers.cpus", "4"},
        {"producers.record_slots", "64"},
        {"producers.record_wait_us", "0"},
        {"producers.flush_timeout_ms", "500"},
        {"yang.dirs", "/tmp"},
        {"yang.modules", "ietf-interfaces@2018-02-20"},
        {"yang.enable_all_features", "false"},
        {"key.profile", "latest"},
        {"key.format", "ietf_02"},
        {"key.topic_scheme", "ietf_02"},
        {"key.distribution", "topic"},
        {"key.type_level", "none"},
        {"key.enabled", "false"},
        {"key.single_topic", "telemetry"},
        {"key.topic_prefix", "org.env"},
        {"key.fallback_topic", "fallback"},
        {"key.max_topic_length", "100"},
        {"key.compacted_state", "true"},
        {"key.no_trigger_type", "periodic"},
        {"key.netana_module_prefix", "true"},
        {"key.max_key_bytes", "1024"},
        {"key.max_instances", "10"},
        {"key.max_branches", "8"},
        {"key.max_depth", "8"},
        {"key.netana_types.periodic", "p1"},
        {"key.netana_types.on_change", "p2"},
        {"key.netana_types.on_change_sync", "p3"},
        {"key.netana_types.on_change_sync_compacted", "p4"},
        {"key.ietf02_types.periodic", "q1"},
        {"key.ietf02_types.on_change", "q2"},
        {"key.ietf02_types.on_change_sync", "q3"},
        {"key.ietf02_types.on_change_sync_compacted", "q4"},
        {"subscriptions.state_file", "/tmp/udpn.state"},
        {"subscriptions.max_subscriptions", "10"},
        {"subscriptions.max_sequence_streams", "11"},
        {"subscriptions.max_sequence_gap", "12"},
        {"subscriptions.max_contents_bytes", "13"},
        {"subscriptions.max_state_file_bytes", "14"},
        {"envelope.profile", "latest"},
        {"envelope.strip_envelope", "true"},
        {"envelope.max_output_bytes", "2048"},
        {"envelope.first_sequence_number", "7"},
        {"envelope.labels",
         "[{ name = \"site\", value = \"par1\" }, { name = \"rack\", value = 3 }]"},
        {"envelope.node_manifests",
         "[{ exporter = \"192.0.2.9\", vendor = \"V\", vendor_pen = 9, os_type = \"x\" }]"},
        {"envelope.data_collection_manifest.name", "n"},
        {"envelope.data_collection_manifest.vendor", "v"},
        {"envelope.data_collection_manifest.software_version", "1.0"},
        {"envelope.data_collection_manifest.software_flavor", "f"},
        {"envelope.data_collection_manifest.os_version", "12"},
        {"envelope.data_collection_manifest.os_type", "linux"},
        {"envelope.data_collection_manifest.vendor_pen", "32473"},
        {"kafka.brokers", "k1:9092,k2:9092"},
        {"kafka.client_id", "c1"},
        {"kafka.embedded_brokers", "3"},
        {"kafka.embedded_partitions", "5"},
        {"kafka.partitioner", "murmur2"},
        {"kafka.idempotence", "false"},
        {"kafka.compression_codec", "zstd"},
        {"kafka.linger_ms", "10"},
        {"kafka.batch_size", "1000"},
        {"kafka.batch_num_messages", "100"},
        {"kafka.queue_buffering_max_messages", "1000"},
        {"kafka.queue_buffering_max_kbytes", "1024"},
        {"kafka.message_timeout_ms", "1000"},
        {"kafka.queue_full_wait_ms", "0"},
        {"kafka.content_type", "application/yang-data+cbor"},
        {"kafka.max_topics", "10"},
        {"kafka.create_topics", "false"},
        {"kafka.topic_partitions", "6"},
        {"kafka.topic_replication_factor", "3"},
        {"kafka.state_cleanup_policy", "delete"},
        {"kafka.admin_timeout_ms", "1000"},
        {"kafka.properties", "acks=all"},
        {"schema_registry.url", "http://registry.example:8081"},
        {"schema_registry.subject_strategy", "topic-module"},
        {"schema_registry.schema_type", "YANG2"},
        {"schema_registry.header_format", "text"},
        {"schema_registry.request_timeout_ms", "750"},
        {"schema_registry.retry_backoff_ms", "20"},
        {"schema_registry.retry_max_backoff_ms", "4000"},
        {"schema_registry.queue_size", "16"},
        {"schema_registry.max_schemas", "99"},
        {"schema_registry.username", "receiver"},
        {"schema_registry.password", "@/etc/udpnotif-recv/registry.password"},
        {"schema_registry.features_metadata", "false"},
        {"metrics.listen", "0.0.0.0:9000"},
        {"log.level", "debug"},
        {"log.format", "json"},
    };
    return v;
}

} // namespace udpn::config::test
