// recvmmsg_source over loopback (127.0.0.1 and ::1 only): bursts, source and pktinfo
// addresses, truncation, kernel drop counter, timestamps, no allocation per poll, receiving
// into pool buffers.
#include "input/socket/recvmmsg_source.hpp"

#include "alloc_counter.hpp"
#include "input/buffer_pool.hpp"
#include "input/clock.hpp"
#include "input/socket/udp_socket.hpp"
#include "input_fixtures.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

using namespace udpn;
using namespace udpn::input;

namespace {

udp_socket_config server(const char* addr)
{
    udp_socket_config cfg;
    cfg.address = addr;
    cfg.port = 0;
    cfg.rcvbuf_bytes = 1u << 20;
    cfg.receive_timeout_ms = 50;
    return cfg;
}

struct received {
    std::vector<std::uint8_t> bytes;
    net::endpoint src;
    net::endpoint dst;
    std::uint64_t rx_ns;
    std::uint64_t rx_wall_ns;
    bool truncated;
};

/// Polls until \p n datagrams arrived or 5 s passed.
std::vector<received> receive(recvmmsg_source& source, std::size_t n)
{
    std::vector<received> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    datagram_batch batch;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
        if (source.poll(batch) != poll_status::ok) {
            continue;
        }
        for (const datagram& d : batch.items) {
            out.push_back({{d.bytes.begin(), d.bytes.end()}, d.src, d.dst, d.rx_ns, d.rx_wall_ns,
                           d.truncated});
        }
    }
    return out;
}

void send_and_check(const char* addr)
{
    udp_socket sock(server(addr));
    recvmmsg_source source(sock, recvmmsg_config{});
    test::client_socket client(test::ep(addr, 0));
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::uint32_t i = 0; i < 20; ++i) {
        sent.push_back(test::make_payload(100 + i * 50, i));
        ASSERT_TRUE(client.send_to(sent.back(), sock.local_endpoint()));
    }
    const std::uint64_t before = monotonic_ns();
    const auto got = receive(source, sent.size());
    ASSERT_EQ(got.size(), sent.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].bytes, sent[i]) << i;
        EXPECT_EQ(got[i].src, client.local()) << i;
        // IP_PKTINFO / IPV6_PKTINFO: the collector address and the bound port.
        EXPECT_EQ(got[i].dst, test::ep(addr, sock.local_endpoint().port)) << i;
        EXPECT_FALSE(got[i].truncated);
        EXPECT_LE(got[i].rx_ns, monotonic_ns());
        EXPECT_GE(got[i].rx_ns + 1'000'000'000, before);
    }
    EXPECT_EQ(source.stats().datagrams, sent.size());
    EXPECT_EQ(source.stats().no_pktinfo, 0u);
    EXPECT_EQ(source.stats().truncated, 0u);
    EXPECT_EQ(source.stats().errors, 0u);
}

} // namespace

TEST(RecvmmsgSource, ReceivesIPv4WithSourceAndCollectorAddresses)
{
    send_and_check("127.0.0.1");
}

TEST(RecvmmsgSource, ReceivesIPv6WithSourceAndCollectorAddresses)
{
    send_and_check("::1");
}

TEST(RecvmmsgSource, ReportsIPv4OnADualStackSocketAsPlainIPv4)
{
    udp_socket sock(server("::"));
    ASSERT_TRUE(sock.is_v6());
    recvmmsg_source source(sock, recvmmsg_config{});
    test::client_socket client(test::ep("127.0.0.1", 0));
    const auto payload = test::make_payload(64, 1);
    ASSERT_TRUE(client.send_to(payload, test::ep("127.0.0.1", sock.local_endpoint().port)));
    const auto got = receive(source, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].src, client.local());
    EXPECT_TRUE(got[0].src.addr.is_v4());
    EXPECT_EQ(got[0].dst, test::ep("127.0.0.1", sock.local_endpoint().port));
}

TEST(RecvmmsgSource, ReturnsAtMostOneBurstPerPoll)
{
    udp_socket sock(server("127.0.0.1"));
    recvmmsg_config cfg;
    cfg.burst = 4;
    recvmmsg_source source(sock, cfg);
    test::client_socket client(test::ep("127.0.0.1", 0));
    for (std::uint32_t i = 0; i < 10; ++i) {
        ASSERT_TRUE(client.send_to(test::make_payload(10, i), sock.local_endpoint()));
    }
    datagram_batch batch;
    ASSERT_EQ(source.poll(batch), poll_status::ok);
    EXPECT_EQ(batch.size(), 4u);
    EXPECT_EQ(source.stats().full_polls, 1u);
    // One clock read per burst: every datagram of the burst has the same times.
    EXPECT_EQ(batch.items[0].rx_ns, batch.items[3].rx_ns);
    EXPECT_EQ(batch.items[0].rx_wall_ns, batch.items[3].rx_wall_ns);
    const auto rest = receive(source, 6);
    EXPECT_EQ(rest.size(), 6u);
    EXPECT_EQ(source.stats().datagrams, 10u);
}

TEST(RecvmmsgSource, FlagsAndCountsTruncatedDatagrams)
{
    udp_socket sock(server("127.0.0.1"));
    recvmmsg_config cfg;
    cfg.max_datagram = 100;
    recvmmsg_source source(sock, cfg);
    test::client_socket client(test::ep("127.0.0.1", 0));
    const auto big = test::make_payload(300, 1);
    const auto small = test::make_payload(100, 2);
    ASSERT_TRUE(client.send_to(big, sock.local_endpoint()));
    ASSERT_TRUE(client.send_to(small, sock.local_endpoint()));
    const auto got = receive(source, 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TRUE(got[0].truncated);
    EXPECT_EQ(got[0].bytes, std::vector<std::uint8_t>(big.begin(), big.begin() + 100));
    EXPECT_FALSE(got[1].truncated); // exactly max_datagram fits
    EXPECT_EQ(got[1].bytes, small);
    EXPECT_EQ(source.stats().truncated, 1u);
}

TEST(RecvmmsgSource, ReadsTheKernelDropCounter)
{
    auto scfg = server("127.0.0.1");
    scfg.rcvbuf_bytes = 4096; // the kernel raises it to its minimum: a few datagrams fit
    udp_socket sock(scfg);
    recvmmsg_source source(sock, recvmmsg_config{});
    test::client_socket client(test::ep("127.0.0.1", 0));
    const auto payload = test::make_payload(1000, 1);
    for (int i = 0; i < 200; ++i) {
        ASSERT_TRUE(client.send_to(payload, sock.local_endpoint()));
    }
    // Datagrams queued before the drops carry no counter; drain them, then send one more:
    // it carries the count of everything dropped so far (SO_RXQ_OVFL).
    datagram_batch batch;
    std::size_t n = 0;
    while (source.poll(batch) == poll_status::ok) {
        n += batch.size();
    }
    ASSERT_LT(n, 200u);
    ASSERT_TRUE(client.send_to(payload, sock.local_endpoint()));
    const auto got = receive(source, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(source.stats().kernel_drops, 200u - n);
}

TEST(RecvmmsgSource, UsesKernelTimestampsWhenAsked)
{
    auto scfg = server("127.0.0.1");
    scfg.kernel_timestamps = true;
    udp_socket sock(scfg);
    EXPECT_TRUE(sock.report().kernel_timestamps);
    recvmmsg_source source(sock, recvmmsg_config{});
    test::client_socket client(test::ep("127.0.0.1", 0));
    const std::uint64_t before = wall_ns();
    ASSERT_TRUE(client.send_to(test::make_payload(10, 1), sock.local_endpoint()));
    const auto got = receive(source, 1);
    const std::uint64_t after = wall_ns();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_GE(got[0].rx_wall_ns, before);
    EXPECT_LE(got[0].rx_wall_ns, after);
}

TEST(RecvmmsgSource, IdlePollsReturnIdle)
{
    auto scfg = server("127.0.0.1");
    scfg.receive_timeout_ms = 0; // non-blocking
    udp_socket sock(scfg);
    recvmmsg_source source(sock, recvmmsg_config{});
    datagram_batch batch;
    EXPECT_EQ(source.poll(batch), poll_status::idle);
    EXPECT_TRUE(batch.empty());

    scfg.receive_timeout_ms = 20;
    udp_socket timed(scfg);
    recvmmsg_source timed_source(timed, recvmmsg_config{});
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(timed_source.poll(batch), poll_status::idle);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(15));
    EXPECT_EQ(timed_source.stats().idle_polls, 1u);
}

TEST(RecvmmsgSource, PollAllocatesNothing)
{
    udp_socket sock(server("::1"));
    recvmmsg_source source(sock, recvmmsg_config{});
    test::client_socket client(test::ep("::1", 0));
    const auto payload = test::make_payload(500, 1);
    datagram_batch batch;
    std::size_t n = 0;
    const std::uint64_t allocs = test::allocations_during([&] {
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 10; ++i) {
                client.send_to(payload, sock.local_endpoint());
            }
            for (int tries = 0; tries < 100 && n < std::size_t(10 * (round + 1)); ++tries) {
                if (source.poll(batch) == poll_status::ok) {
                    n += batch.size();
                }
            }
        }
    });
    EXPECT_EQ(n, 200u);
    EXPECT_EQ(allocs, 0u);
}

/// Polls until every datagram of \p sent arrived (or 5 s passed), checks each one's bytes
/// against \p sent in order and hands it to \p check with its index. @return how many came.
template <typename Check>
std::size_t poll_each(recvmmsg_source& source, const std::vector<std::vector<std::uint8_t>>& sent,
                      Check check)
{
    std::size_t n = 0;
    datagram_batch batch;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (n < sent.size() && std::chrono::steady_clock::now() < deadline) {
        if (source.poll(batch) != poll_status::ok) {
            continue;
        }
        for (const datagram& d : batch.items) {
            if (n == sent.size()) {
                ADD_FAILURE() << "more datagrams than sent";
                return n;
            }
            EXPECT_EQ(std::vector<std::uint8_t>(d.bytes.begin(), d.bytes.end()), sent[n]) << n;
            check(d, n);
            ++n;
        }
    }
    return n;
}

/// A source on 127.0.0.1 receiving into a pool of \p classes, slots of \p slot octets.
struct pooled_source {
    udp_socket sock{server("127.0.0.1")};
    recvmmsg_source source;
    buffer_pool pool;

    pooled_source(std::uint32_t burst, std::uint32_t max_datagram,
                  std::vector<buffer_class> classes, std::size_t slot)
        : source(sock, recvmmsg_config{burst, max_datagram}),
          pool(buffer_pool_config{std::move(classes)})
    {
        source.attach_pool(pool, slot);
    }
};

// attach_pool(): datagrams that fit a pool buffer arrive in one (datagram::holder names the
// slot), longer ones are joined in the slot's own storage; taking a slot's buffer makes the
// slot take another at the next poll; detach_pool() gives every slot buffer back.
TEST(RecvmmsgSource, ReceivesIntoPoolBuffersThatFitAndJoinsLongerDatagrams)
{
    pooled_source ps(8, 9000, {{1024, 32}, {16384, 4}}, 1024);
    udp_socket& sock = ps.sock;
    recvmmsg_source& source = ps.source;
    buffer_pool& pool = ps.pool;
    EXPECT_EQ(source.slot_buffers(), 8u);
    EXPECT_EQ(pool.stats().in_use, 8u);

    test::client_socket client(test::ep("127.0.0.1", 0));
    // Around the 1024-octet pool part: below, exactly, one over, and well past it.
    const std::vector<std::size_t> sizes = {10, 1023, 1024, 1025, 4000, 8999, 600, 1024};
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        sent.push_back(test::make_payload(sizes[i], static_cast<std::uint32_t>(i)));
        ASSERT_TRUE(client.send_to(sent.back(), sock.local_endpoint()));
    }
    std::vector<message_buffer*> taken;
    const std::size_t n = poll_each(source, sent, [&](const datagram& d, std::size_t i) {
        const bool fits = sizes[i] <= 1024;
        ASSERT_EQ(d.holder != nullptr, fits) << sizes[i];
        if (fits) {
            EXPECT_EQ(d.bytes.data(), (*d.holder)->data()); // in the pool buffer itself
            if (i % 2 == 0) {
                taken.push_back(*d.holder); // as rx_path does for a whole message
                *d.holder = nullptr;
            }
        }
    });
    ASSERT_EQ(n, sent.size());
    datagram_batch batch;
    EXPECT_EQ(source.stats().truncated, 0u);
    // The slots whose buffers were taken take new ones at the next poll.
    (void)source.poll(batch);
    EXPECT_EQ(source.slot_buffers(), 8u);
    EXPECT_EQ(pool.stats().in_use, 8u + taken.size());
    for (message_buffer* b : taken) {
        pool.release(b);
    }
    source.detach_pool();
    EXPECT_EQ(source.slot_buffers(), 0u);
    EXPECT_EQ(pool.stats().in_use, 0u);
    EXPECT_EQ(pool.stats().double_release, 0u);

    // Detached: the source's own storage again.
    ASSERT_TRUE(client.send_to(sent[0], sock.local_endpoint()));
    const auto got = receive(source, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].bytes, sent[0]);
    EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvmmsgSource, SlotsThePoolCannotServeReceiveIntoTheSourceStorage)
{
    pooled_source ps(4, 65535, {{2048, 2}}, 2048);
    udp_socket& sock = ps.sock;
    recvmmsg_source& source = ps.source;
    buffer_pool& pool = ps.pool;
    EXPECT_EQ(source.slot_buffers(), 2u); // two slots got one, two did not
    test::client_socket client(test::ep("127.0.0.1", 0));
    std::vector<std::vector<std::uint8_t>> sent;
    for (std::uint32_t i = 0; i < 4; ++i) {
        sent.push_back(test::make_payload(300, i));
        ASSERT_TRUE(client.send_to(sent.back(), sock.local_endpoint()));
    }
    std::size_t held = 0;
    const std::size_t n = poll_each(source, sent, [&](const datagram& d, std::size_t) {
        held += d.holder != nullptr ? 1 : 0;
    });
    EXPECT_EQ(n, 4u);
    EXPECT_LE(held, 2u);
    source.detach_pool();
    EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvmmsgSourceError, RejectsBadConfigs)
{
    udp_socket sock(server("127.0.0.1"));
    recvmmsg_config cfg;
    cfg.burst = 0;
    EXPECT_THROW(recvmmsg_source(sock, cfg), std::invalid_argument);
    cfg.burst = 1025;
    EXPECT_THROW(recvmmsg_source(sock, cfg), std::invalid_argument);
    cfg = {};
    cfg.max_datagram = 0;
    EXPECT_THROW(recvmmsg_source(sock, cfg), std::invalid_argument);
    cfg.max_datagram = 65536;
    EXPECT_THROW(recvmmsg_source(sock, cfg), std::invalid_argument);
    udp_socket closed(server("127.0.0.1"));
    closed.close();
    EXPECT_THROW(recvmmsg_source(closed, recvmmsg_config{}), std::invalid_argument);
}
