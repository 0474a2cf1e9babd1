// End to end over loopback: segmented UDP-notif messages sent from client sockets, received by
// recvmmsg_source in bursts on RX threads running run_rx_loop, reassembled by rx_path into
// exactly the messages sent (payload equality), also with receive naps. Also SO_REUSEPORT with
// two RX threads.
#include "input/rx_path.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "input/socket/rx_thread.hpp"
#include "input/socket/udp_socket.hpp"

#include "input_fixtures.hpp"
#include "udpnotif/encoder.hpp"

#include <pthread.h>
#include <sched.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace udpn;
using namespace udpn::input;

namespace {

/// A message as the RX thread saw it (copied out before its buffer went back).
struct got_message {
    message_meta meta;
    std::vector<std::uint8_t> payload;
};

/// In-memory sink on the RX thread: copies the message, releases the buffer, counts.
/// Copying allocates; that is the test's business, not the path's.
struct copy_sink {
    rx_path* path;
    std::vector<got_message>* out;
    std::atomic<std::size_t>* count;
    bool operator()(message_buffer* msg) noexcept
    {
        out->push_back({msg->meta, {msg->payload().begin(), msg->payload().end()}});
        path->release(msg);
        count->fetch_add(1, std::memory_order_release);
        return true;
    }
};

/// One RX thread: socket, source, path, loop.
struct rx_unit {
    udp_socket sock;
    recvmmsg_source source;
    rx_path path;
    std::vector<got_message> got;
    std::atomic<std::size_t> count{0};
    rx_loop_stats loop_stats;
    std::thread thread;

    rx_unit(const udp_socket_config& scfg, const rx_path_config& pcfg)
        : sock(scfg), source(sock, recvmmsg_config{}), path(pcfg)
    {
        got.reserve(4096);
    }

    /// \p nap_max_ns: socket.receive_nap_us in ns (0: no nap); \p into_pool: receive into
    /// buffers of the path's pool (socket.receive_into_pool), 4096-octet slots.
    void start(const std::atomic<bool>& stop, std::uint32_t index, std::uint64_t nap_max_ns = 0,
               bool into_pool = false)
    {
        thread = std::thread([this, &stop, index, nap_max_ns, into_pool] {
            if (into_pool) {
                source.attach_pool(path.pool(), 4096);
            }
            rx_loop_config lcfg;
            lcfg.name = "udpn-rx" + std::to_string(index);
            lcfg.tick_interval_ns = 10'000'000;
            lcfg.nap_max_ns = nap_max_ns;
            lcfg.nap_queue_budget = sock.report().rcvbuf_effective / 4;
            loop_stats = run_rx_loop(source, path, copy_sink{&path, &got, &count}, stop, lcfg);
            source.detach_pool();
        });
    }
};

struct sent_message {
    std::uint32_t publisher_id;
    std::uint32_t message_id;
    std::vector<std::uint8_t> payload;
    std::size_t n_segments;
};

constexpr std::size_t max_message = 20000;

/// Sends \p n messages of 100..20000 octets in segments of at most 1400 octets from
/// \p clients (round robin), each message's segments shuffled; paces itself on \p received so
/// that what is in flight stays within a quarter of \p rcvbuf (the kernel's figure, which
/// counts about twice the payload per datagram): nothing is dropped even where
/// net.core.rmem_max is the 208 KiB default.
std::vector<sent_message> send_messages(std::vector<std::unique_ptr<test::client_socket>>& clients,
                                        const net::endpoint& to, std::size_t n,
                                        const std::function<std::size_t()>& received,
                                        std::size_t rcvbuf)
{
    const std::size_t max_in_flight = std::max<std::size_t>(1, rcvbuf / (4 * 2 * max_message));
    std::vector<sent_message> sent;
    std::mt19937 rng(1234);
    std::uniform_int_distribution<std::size_t> size(100, max_message);
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = i % clients.size();
        sent_message m{static_cast<std::uint32_t>(c + 1), static_cast<std::uint32_t>(i / clients.size() + 1),
                       test::make_payload(size(rng), static_cast<std::uint32_t>(i)), 0};
        auto segs = udpnotif::encode_segments(test::params(m.publisher_id, m.message_id),
                                              m.payload, 1400);
        m.n_segments = segs.size();
        std::shuffle(segs.begin(), segs.end(), rng);
        for (const auto& s : segs) {
            EXPECT_TRUE(clients[c]->send_to(s, to));
        }
        sent.push_back(std::move(m));
        // Loopback is fast, the RX thread may not be.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (sent.size() >= received() + max_in_flight &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
    }
    return sent;
}

void wait_for(const std::function<std::size_t()>& received, std::size_t n)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received() < n && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

rx_path_config path_config()
{
    rx_path_config cfg;
    cfg.pool.classes = {{4096, 64}, {32768, 64}};
    return cfg;
}

udp_socket_config socket_config(const char* addr, std::uint16_t port = 0)
{
    udp_socket_config cfg;
    cfg.address = addr;
    cfg.port = port;
    cfg.rcvbuf_bytes = 212992; // the default net.core.rmem_max: the test paces itself to it
    cfg.receive_timeout_ms = 10;
    return cfg;
}

void check_same(const std::vector<sent_message>& sent, const std::vector<got_message>& got,
                const net::endpoint& collector)
{
    ASSERT_EQ(got.size(), sent.size());
    std::map<std::pair<std::uint32_t, std::uint32_t>, const got_message*> by_key;
    for (const auto& g : got) {
        EXPECT_TRUE(by_key.emplace(std::pair(g.meta.publisher_id, g.meta.message_id), &g).second)
            << "message delivered twice";
    }
    for (const auto& s : sent) {
        const auto it = by_key.find({s.publisher_id, s.message_id});
        ASSERT_NE(it, by_key.end()) << s.publisher_id << "/" << s.message_id;
        const got_message& g = *it->second;
        EXPECT_EQ(g.payload, s.payload) << s.publisher_id << "/" << s.message_id;
        EXPECT_EQ(g.meta.n_segments, s.n_segments);
        EXPECT_EQ(g.meta.collector, collector);
        EXPECT_LE(g.meta.first_rx_ns, g.meta.last_rx_ns);
        EXPECT_GT(g.meta.collection_wall_ns, 0u);
    }
}

void run_end_to_end(const char* addr, std::uint64_t nap_max_ns = 0, bool into_pool = false)
{
    rx_unit rx(socket_config(addr), path_config());
    std::atomic<bool> stop{false};
    rx.start(stop, 0, nap_max_ns, into_pool);
    std::vector<std::unique_ptr<test::client_socket>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<test::client_socket>(test::ep(addr, 0)));
    }
    const auto received = [&] { return rx.count.load(std::memory_order_acquire); };
    const auto sent = send_messages(clients, rx.sock.local_endpoint(), 300, received,
                                    rx.sock.report().rcvbuf_effective);
    wait_for(received, sent.size());
    stop.store(true);
    rx.thread.join();

    check_same(sent, rx.got, test::ep(addr, rx.sock.local_endpoint().port));
    for (const auto& g : rx.got) {
        const bool from_a_client = std::any_of(clients.begin(), clients.end(), [&](auto& c) {
            return c->local() == g.meta.exporter;
        });
        EXPECT_TRUE(from_a_client);
    }
    EXPECT_EQ(rx.source.stats().kernel_drops, 0u);
    EXPECT_EQ(rx.path.stats().reassembled_messages + rx.path.stats().whole_messages, 300u);
    EXPECT_EQ(rx.path.reassembly_stats().pending_messages, 0u);
    EXPECT_EQ(rx.path.pool().n_free(), rx.path.pool().n_buffers());
    EXPECT_GT(rx.loop_stats.ticks, 0u);
    EXPECT_EQ(rx.loop_stats.messages, 300u);
    EXPECT_EQ(rx.loop_stats.name_error, 0);
    // Received into the pool, every whole message went on in its receive buffer.
    EXPECT_EQ(rx.path.stats().in_place, into_pool ? rx.path.stats().whole_messages : 0u);
    if (into_pool) {
        EXPECT_GT(rx.path.stats().whole_messages, 0u);
    }
    if (nap_max_ns == 0) {
        EXPECT_EQ(rx.loop_stats.naps, 0u);
    } else {
        // The sender waits for the receiver, so bursts come back short: the loop naps, within
        // the ceiling, and no drop lowered it.
        EXPECT_GT(rx.loop_stats.naps, 0u);
        EXPECT_LE(rx.loop_stats.nap_ns, rx.loop_stats.naps * nap_max_ns);
        EXPECT_EQ(rx.loop_stats.nap_backoffs, 0u);
    }
}

} // namespace

TEST(SocketEndToEnd, SegmentedMessagesOverIPv4LoopbackReassembleExactly)
{
    run_end_to_end("127.0.0.1");
}

TEST(SocketEndToEnd, SegmentedMessagesOverIPv6LoopbackReassembleExactly)
{
    run_end_to_end("::1");
}

TEST(SocketEndToEnd, MessagesReceivedIntoThePoolArriveExactly)
{
    run_end_to_end("127.0.0.1", 0, true);
    run_end_to_end("::1", 0, true);
}

TEST(SocketEndToEnd, SegmentedMessagesArriveExactlyWithReceiveNaps)
{
    run_end_to_end("127.0.0.1", 500'000);
}

TEST(SocketEndToEnd, TwoReusePortSocketsKeepEachPublisherOnOneSocketAndLoseNothing)
{
    rx_unit first(socket_config("127.0.0.1"), path_config());
    const std::uint16_t port = first.sock.local_endpoint().port;
    auto pcfg = path_config();
    pcfg.owner_id = 1;
    rx_unit second(socket_config("127.0.0.1", port), pcfg);
    std::atomic<bool> stop{false};
    first.start(stop, 0);
    second.start(stop, 1);
    std::vector<std::unique_ptr<test::client_socket>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<test::client_socket>(test::ep("127.0.0.1", 0)));
    }
    const auto received = [&] {
        return first.count.load(std::memory_order_acquire) +
               second.count.load(std::memory_order_acquire);
    };
    const auto sent = send_messages(clients, first.sock.local_endpoint(), 200, received,
                                    std::min(first.sock.report().rcvbuf_effective,
                                             second.sock.report().rcvbuf_effective));
    wait_for(received, sent.size());
    stop.store(true);
    first.thread.join();
    second.thread.join();

    std::vector<got_message> all = first.got;
    all.insert(all.end(), second.got.begin(), second.got.end());
    check_same(sent, all, test::ep("127.0.0.1", port));
    // DESIGN.md §2: one publisher's 4-tuple always reaches the same socket, so no segment set
    // is split between the two reassembly tables.
    for (const auto& g : first.got) {
        for (const auto& h : second.got) {
            EXPECT_NE(g.meta.exporter, h.meta.exporter);
        }
    }
    EXPECT_EQ(first.path.reassembly_stats().pending_messages, 0u);
    EXPECT_EQ(second.path.reassembly_stats().pending_messages, 0u);
}

TEST(RxThread, PinsAndNamesTheCallingThread)
{
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
    int cpu = 0;
    while (!CPU_ISSET(cpu, &allowed)) {
        ++cpu;
    }
    std::thread t([cpu] {
        EXPECT_EQ(pin_current_thread(cpu), 0);
        cpu_set_t now;
        CPU_ZERO(&now);
        ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof now, &now), 0);
        EXPECT_EQ(CPU_COUNT(&now), 1);
        EXPECT_TRUE(CPU_ISSET(cpu, &now));
        EXPECT_EQ(name_current_thread("udpn-rx-with-a-long-name"), 0); // cut to 15
        char name[16] = {};
        pthread_getname_np(pthread_self(), name, sizeof name);
        EXPECT_STREQ(name, "udpn-rx-with-a-");
        EXPECT_NE(pin_current_thread(-1), 0);
        EXPECT_NE(pin_current_thread(1 << 20), 0);
    });
    t.join();
}

TEST(RxThread, StopsWithinOneReceiveTimeout)
{
    rx_unit rx(socket_config("127.0.0.1"), path_config());
    std::atomic<bool> stop{false};
    rx.start(stop, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const auto t0 = std::chrono::steady_clock::now();
    stop.store(true);
    rx.thread.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(500));
    EXPECT_GT(rx.loop_stats.iterations, 0u);
    EXPECT_EQ(rx.loop_stats.busy_polls, 0u);
}
