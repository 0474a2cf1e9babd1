// udp_socket: bind IPv4/IPv6 on loopback, SO_REUSEPORT, receive-buffer read-back, errors.
#include "input/socket/udp_socket.hpp"

#include "input_fixtures.hpp"

#include <fcntl.h>

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <system_error>

using namespace udpn;
using namespace udpn::input;

namespace {

udp_socket_config loopback(const char* addr, std::uint16_t port = 0)
{
    udp_socket_config cfg;
    cfg.address = addr;
    cfg.port = port;
    cfg.rcvbuf_bytes = 0;
    return cfg;
}

std::size_t rmem_max()
{
    std::ifstream f("/proc/sys/net/core/rmem_max");
    std::size_t v = 0;
    f >> v;
    return v;
}

int get_int(int fd, int level, int name)
{
    int v = 0;
    socklen_t len = sizeof v;
    EXPECT_EQ(getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

} // namespace

TEST(UdpSocket, BindsIPv4LoopbackOnAnEphemeralPort)
{
    udp_socket s(loopback("127.0.0.1"));
    EXPECT_GE(s.fd(), 0);
    EXPECT_FALSE(s.is_v6());
    EXPECT_EQ(s.local_endpoint().addr, net::ip_address::parse("127.0.0.1"));
    EXPECT_NE(s.local_endpoint().port, 0);
    EXPECT_EQ(get_int(s.fd(), IPPROTO_IP, IP_PKTINFO), 1);
    EXPECT_EQ(get_int(s.fd(), SOL_SOCKET, SO_RXQ_OVFL), 1);
    EXPECT_EQ(get_int(s.fd(), SOL_SOCKET, SO_REUSEPORT), 1);
}

TEST(UdpSocket, BindsIPv6LoopbackWithV6OnlyWhenAsked)
{
    auto cfg = loopback("::1");
    cfg.v6only = true;
    udp_socket s(cfg);
    EXPECT_TRUE(s.is_v6());
    EXPECT_EQ(s.local_endpoint().addr, net::ip_address::parse("::1"));
    EXPECT_NE(s.local_endpoint().port, 0);
    EXPECT_EQ(get_int(s.fd(), IPPROTO_IPV6, IPV6_V6ONLY), 1);
    EXPECT_EQ(get_int(s.fd(), IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);

    udp_socket dual(loopback("::"));
    EXPECT_EQ(get_int(dual.fd(), IPPROTO_IPV6, IPV6_V6ONLY), 0);
}

TEST(UdpSocket, ReusePortLetsTwoSocketsShareOnePort)
{
    udp_socket first(loopback("127.0.0.1"));
    const std::uint16_t port = first.local_endpoint().port;
    udp_socket second(loopback("127.0.0.1", port));
    EXPECT_EQ(second.local_endpoint().port, port);

    auto no_reuse = loopback("127.0.0.1", port);
    no_reuse.reuse_port = false;
    try {
        udp_socket third(no_reuse);
        FAIL() << "bind without SO_REUSEPORT should fail";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EADDRINUSE);
        EXPECT_NE(std::string(e.what()).find("bind"), std::string::npos) << e.what();
    }
}

TEST(UdpSocket, ReadsBackTheReceiveBuffer)
{
    auto cfg = loopback("127.0.0.1");
    cfg.rcvbuf_bytes = 64 * 1024; // below any sane rmem_max (default 212992)
    ASSERT_GE(rmem_max(), cfg.rcvbuf_bytes);
    udp_socket s(cfg);
    EXPECT_EQ(s.report().rcvbuf_requested, 64u * 1024);
    EXPECT_EQ(s.report().rcvbuf_effective, 2u * 64 * 1024); // Linux doubles it
    EXPECT_FALSE(s.report().rcvbuf_capped);
    EXPECT_TRUE(rcvbuf_warning(s.report()).empty());
}

TEST(UdpSocket, ReportsAReceiveBufferCappedByRmemMax)
{
    const std::size_t limit = rmem_max();
    auto cfg = loopback("127.0.0.1");
    cfg.rcvbuf_bytes = std::size_t{1} << 29;
    if (limit >= cfg.rcvbuf_bytes) {
        GTEST_SKIP() << "net.core.rmem_max is at least 512 MiB here";
    }
    udp_socket s(cfg);
    EXPECT_TRUE(s.report().rcvbuf_capped);
    EXPECT_LT(s.report().rcvbuf_effective, 2 * cfg.rcvbuf_bytes);
    if (!s.report().rcvbuf_forced) {
        EXPECT_EQ(s.report().rcvbuf_effective, 2 * limit);
    }
    const std::string w = rcvbuf_warning(s.report());
    EXPECT_NE(w.find("net.core.rmem_max"), std::string::npos) << w;
}

TEST(UdpSocket, IsNonBlockingWithoutAReceiveTimeout)
{
    auto cfg = loopback("127.0.0.1");
    cfg.receive_timeout_ms = 0;
    udp_socket s(cfg);
    EXPECT_TRUE(s.report().nonblocking);
    EXPECT_NE(fcntl(s.fd(), F_GETFL) & O_NONBLOCK, 0);

    cfg.receive_timeout_ms = 250;
    udp_socket t(cfg);
    EXPECT_FALSE(t.report().nonblocking);
    EXPECT_EQ(fcntl(t.fd(), F_GETFL) & O_NONBLOCK, 0);
    timeval tv{};
    socklen_t len = sizeof tv;
    ASSERT_EQ(getsockopt(t.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
    EXPECT_EQ(tv.tv_sec, 0);
    EXPECT_GE(tv.tv_usec, 250'000); // read back in kernel ticks: may round up a little
    EXPECT_LT(tv.tv_usec, 260'000);
}

TEST(UdpSocket, MovesOwnershipOfTheDescriptor)
{
    udp_socket a(loopback("127.0.0.1"));
    const int fd = a.fd();
    udp_socket b(std::move(a));
    EXPECT_EQ(b.fd(), fd);
    EXPECT_EQ(a.fd(), -1); // NOLINT(bugprone-use-after-move): moved-from is closed
    b.close();
    EXPECT_EQ(b.fd(), -1);
}

TEST(UdpSocketError, RejectsBadAddressesAndSizes)
{
    EXPECT_THROW(udp_socket(loopback("localhost")), std::invalid_argument);
    EXPECT_THROW(udp_socket(loopback("")), std::invalid_argument);
    auto cfg = loopback("127.0.0.1");
    cfg.rcvbuf_bytes = std::size_t{1} << 40;
    EXPECT_THROW(udp_socket{cfg}, std::invalid_argument);
    // An address this host does not have.
    EXPECT_THROW(udp_socket(loopback("192.0.2.123")), std::system_error);
}
