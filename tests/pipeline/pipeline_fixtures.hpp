// Helpers of the pipeline suite: exporters as UDP sockets on loopback addresses, YANG-Push
// traffic in the envelope form (some messages segmented), a worker configuration over
// ../shared/yang, bounded waits, and the names of this process's threads.
#pragma once

#include "fixtures.hpp"

#include "pipeline/pipeline.hpp"
#include "udpnotif/encoder.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace udpn::test {

using namespace std::chrono_literals;

/// A UDP socket bound to \p address (ephemeral port) that sends to 127.0.0.1:port.
class exporter_socket {
  public:
    explicit exporter_socket(const char* address)
    {
        _fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        if (_fd < 0) {
            throw std::runtime_error("socket");
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        ::inet_pton(AF_INET, address, &a.sin_addr);
        if (::bind(_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            ::close(_fd);
            throw std::runtime_error(std::string("bind ") + address);
        }
        socklen_t len = sizeof a;
        ::getsockname(_fd, reinterpret_cast<sockaddr*>(&a), &len);
        _local = {net::ip_address::parse(address), ntohs(a.sin_port)};
    }
    ~exporter_socket() { ::close(_fd); }
    exporter_socket(const exporter_socket&) = delete;
    exporter_socket& operator=(const exporter_socket&) = delete;

    /// Sends \p dgram; does not allocate.
    void send(const std::vector<std::uint8_t>& dgram, std::uint16_t port) const
    {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (::sendto(_fd, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to) != static_cast<ssize_t>(dgram.size())) {
            throw std::runtime_error("sendto");
        }
    }
    [[nodiscard]] const net::endpoint& local() const { return _local; }

  private:
    int _fd = -1;
    net::endpoint _local;
};

/// One message to send: its payload and datagrams.
struct outgoing {
    std::string payload;
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::vector<std::vector<std::uint8_t>> datagrams;
};

/// Appends \p payload as the next message of \p out (message id = its position + 1),
/// segmented into 256-octet segments when \p segmented.
inline void add_message(std::vector<outgoing>& out, std::uint32_t publisher_id, std::string payload,
                        bool segmented)
{
    outgoing o;
    o.payload = std::move(payload);
    o.publisher_id = publisher_id;
    o.message_id = static_cast<std::uint32_t>(out.size() + 1);
    udpnotif::encode_params p;
    p.publisher_id = o.publisher_id;
    p.message_id = o.message_id;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(o.payload.data());
    o.datagrams = udpnotif::encode_segments(p, byte_span(bytes, o.payload.size()),
                                            segmented ? 256 : 65000, segmented);
    out.push_back(std::move(o));
}

/// subscription-started then \p n push-updates (every 4th one large and segmented).
inline std::vector<outgoing> traffic_of(std::string_view hostname, std::uint32_t publisher_id,
                                        std::size_t n)
{
    std::vector<outgoing> out;
    add_message(out, publisher_id,
                in_envelope("ietf-subscribed-notifications:subscription-started", started_1042, 1,
                            hostname),
                false);
    for (std::size_t i = 0; i < n; ++i) {
        const bool big = i % 4 == 3;
        std::string a = "eth" + std::to_string(i % 7);
        std::string b = "ge-0/0/" + std::to_string(i % 5);
        auto contents = big ? push_update_contents(1042, {a, b, "lo0", "xe-1/0/0", "et-2/0/1"})
                            : push_update_contents(1042, {a});
        add_message(
            out, publisher_id,
            in_envelope(push_update_name, contents, static_cast<std::uint32_t>(i + 2), hostname),
            big);
    }
    return out;
}

/// Marker of the ordinal carried by ordered_traffic() records: `ordinal-<n>` in a description.
inline constexpr std::string_view ordinal_marker = "ordinal-";

/// subscription-started then \p n push-updates whose single interface (eth0..eth2, so three
/// keys per exporter) has the description `ordinal-<first + i>`, i = 0..n-1; every 5th one is
/// segmented. The ordinal tells the order the exporter sent them in.
inline std::vector<outgoing> ordered_traffic(std::string_view hostname, std::uint32_t publisher_id,
                                             std::size_t n, std::size_t first = 1)
{
    std::vector<outgoing> out;
    add_message(out, publisher_id,
                in_envelope("ietf-subscribed-notifications:subscription-started", started_1042, 1,
                            hostname),
                false);
    for (std::size_t i = 1; i <= n; ++i) {
        std::string contents =
            R"({"id": 1042, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)"
            R"({"name": "eth)" +
            std::to_string(i % 3) + R"(", "description": ")" + std::string(ordinal_marker) +
            std::to_string(first + i - 1) +
            R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up"}]}}})";
        add_message(
            out, publisher_id,
            in_envelope(push_update_name, contents, static_cast<std::uint32_t>(i + 1), hostname),
            i % 5 == 0);
    }
    return out;
}

/// The ordinal in \p value (`ordinal-<n>`), or -1.
inline long ordinal_in(std::string_view value)
{
    const auto at = value.find(ordinal_marker);
    if (at == std::string_view::npos) {
        return -1;
    }
    long n = 0;
    bool any = false;
    for (std::size_t i = at + ordinal_marker.size(); i < value.size(); ++i) {
        const char c = value[i];
        if (c < '0' || c > '9') {
            break;
        }
        n = n * 10 + (c - '0');
        any = true;
    }
    return any ? n : -1;
}

/// Polls \p pred every 10 ms until it holds or \p timeout passed. @return pred().
template <typename Pred> bool wait_until(Pred pred, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

/// Sends \p t1 and \p t2 interleaved, message by message; pauses after the first message (the
/// subscriptions start before their data) and every 16 messages. Every 16 messages it also waits
/// (up to 5 s) until \p p has taken all but 64 of the datagrams sent: on a loaded machine
/// (sanitizers, tests in parallel) the RX thread may not run for a while, and the kernel drops
/// what the socket buffer cannot hold (counted as kernel_drops, but lost to the test).
/// @return datagrams sent.
inline std::size_t send_interleaved(const exporter_socket& e1, const std::vector<outgoing>& t1,
                                    const exporter_socket& e2, const std::vector<outgoing>& t2,
                                    const pipeline::pipeline& p)
{
    const std::uint16_t port = p.local_port();
    std::size_t n_datagrams = 0;
    for (std::size_t i = 0; i < std::max(t1.size(), t2.size()); ++i) {
        for (const auto* t : {&t1, &t2}) {
            if (i >= t->size()) {
                continue;
            }
            const auto& sock = t == &t1 ? e1 : e2;
            for (const auto& d : (*t)[i].datagrams) {
                sock.send(d, port);
                ++n_datagrams;
            }
        }
        if (i == 0) {
            std::this_thread::sleep_for(20ms);
        }
        if (i % 16 == 15) {
            std::this_thread::sleep_for(2ms);
            (void)wait_until([&] { return p.stats().datagrams + 64 >= n_datagrams; }, 5s);
        }
    }
    return n_datagrams;
}

inline worker::worker_config worker_config_for_test()
{
    worker::worker_config c;
    c.key.standards_profile = key::profile::latest;
    c.key.distribution = key::topic_distribution::topic;
    c.envelope.profile = envelope::profile::latest;
    c.schema.search_dirs = {UDPN_YANG_DIR};
    return c;
}

/// A pipeline on 127.0.0.1 with small buffer pools and the test worker configuration.
inline pipeline::pipeline_config
pipeline_config_for_test(std::uint32_t n_rx, std::uint32_t n_workers, std::uint32_t n_producers)
{
    pipeline::pipeline_config cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.n_rx = n_rx;
    cfg.n_workers = n_workers;
    cfg.n_producers = n_producers;
    cfg.rx.pool.classes = {{4096, 512}, {65536, 16}};
    cfg.worker = worker_config_for_test();
    cfg.kafka.embedded_partitions = 12;
    cfg.kafka.linger_ms = 1;
    return cfg;
}

/// Copies every record's topic and key.
class topic_key_sink final : public worker::record_sink {
  public:
    void on_record(const worker::record& r) noexcept override
    {
        items.emplace_back(std::string(r.topic), r.has_key ? std::string(r.key) : std::string());
    }
    std::vector<std::pair<std::string, std::string>> items;
};

/// What a reference stage (configured as \p cfg.worker, over \p schema) makes of each
/// (traffic, exporter) of \p traffic, received on 127.0.0.1:\p port: topic and key per record.
inline std::vector<std::pair<std::string, std::string>> reference_records(
    const pipeline::pipeline_config& cfg, const key::schema_context& schema,
    const std::vector<std::pair<const std::vector<outgoing>*, net::endpoint>>& traffic,
    std::uint16_t port)
{
    worker::stage ref(cfg.worker, schema);
    topic_key_sink sink;
    for (const auto& [t, from] : traffic) {
        for (const auto& o : *t) {
            std::string buf = o.payload;
            buf.append(64, '\0');
            worker::message m;
            m.payload = std::string_view(buf.data(), o.payload.size());
            m.exporter = from;
            m.collector = {net::ip_address::parse("127.0.0.1"), port};
            m.publisher_id = o.publisher_id;
            m.message_id = o.message_id;
            m.collection_time_ns = 1;
            (void)ref.process(m, sink);
        }
    }
    return sink.items;
}

/// The names of this process's threads (/proc/self/task/*/comm).
inline std::vector<std::string> thread_names()
{
    std::vector<std::string> names;
    DIR* d = ::opendir("/proc/self/task");
    if (d == nullptr) {
        return names;
    }
    while (const dirent* e = ::readdir(d)) {
        if (e->d_name[0] == '.') {
            continue;
        }
        std::ifstream f(std::string("/proc/self/task/") + e->d_name + "/comm");
        std::string name;
        if (std::getline(f, name)) {
            names.push_back(name);
        }
    }
    ::closedir(d);
    return names;
}

} // namespace udpn::test
