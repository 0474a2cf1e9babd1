#include "metrics/http_server.hpp"
#include "metrics/receiver_metrics.hpp"

#include "exposition_parser.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <system_error>

namespace udpn::metrics {
namespace {

struct http_reply {
    int status = 0;
    std::string content_type;
    std::string body;
    std::string raw;
};

/// A plain-socket HTTP/1.1 client (no library): one request with Connection: close, read to
/// EOF. The receive timeout only keeps a broken server from hanging the test.
http_reply request(int family, std::uint16_t port, const std::string& method,
                   const std::string& path)
{
    http_reply r;
    const int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0) {
        return r;
    }
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int rc = -1;
    if (family == AF_INET) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    } else {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(port);
        a.sin6_addr = in6addr_loopback;
        rc = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    }
    if (rc != 0) {
        close(fd);
        return r;
    }
    const std::string req = method + " " + path +
                            " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n" +
                            (method == "POST" ? "Content-Length: 0\r\n" : "") + "\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        close(fd);
        return r;
    }
    char buf[4096];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            break;
        }
        r.raw.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
    const std::size_t head_end = r.raw.find("\r\n\r\n");
    if (r.raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) {
        return r;
    }
    r.status = std::stoi(r.raw.substr(9, 3));
    const std::string head = r.raw.substr(0, head_end);
    r.body = r.raw.substr(head_end + 4);
    std::size_t pos = 0;
    while ((pos = head.find("\r\n", pos)) != std::string::npos) {
        pos += 2;
        const std::size_t eol = head.find("\r\n", pos);
        const std::string line = head.substr(pos, eol == std::string::npos ? eol : eol - pos);
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (char& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') {
                value.erase(0, 1);
            }
            if (name == "content-type") {
                r.content_type = value;
            }
            if (name == "content-length") {
                EXPECT_EQ(std::stoul(value), r.body.size());
            }
        }
    }
    return r;
}

http_reply get(std::uint16_t port, const std::string& path)
{
    return request(AF_INET, port, "GET", path);
}

TEST(HttpServer, ServesMetricsWithTheExpositionContentType)
{
    std::atomic<int> scrapes{0};
    http_server server(
        "127.0.0.1:0",
        [&] {
            ++scrapes;
            return std::string("# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n");
        },
        [] { return health_status{}; });
    ASSERT_NE(server.port(), 0);
    EXPECT_EQ(server.address(), "127.0.0.1:" + std::to_string(server.port()));
    server.start();
    const http_reply r = get(server.port(), "/metrics");
    EXPECT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(r.body, "# HELP x_total X.\n# TYPE x_total counter\nx_total 1\n");
    EXPECT_EQ(scrapes.load(), 1);
    server.stop();
}

TEST(HttpServer, ServesTheReceiverTextThatParses)
{
    pipeline::thread_stats stats;
    stats.rx.resize(1);
    stats.workers.resize(2);
    stats.producers.resize(2);
    stats.rx[0].path.datagrams = 12345;
    http_server server(
        "127.0.0.1:0",
        [&] {
            return render_receiver_metrics(stats, {"t", 1.0});
        },
        [] { return health_status{}; });
    server.start();
    const http_reply r = get(server.port(), "/metrics");
    ASSERT_EQ(r.status, 200);
    const auto parsed = testing::parse(r.body);
    ASSERT_EQ(parsed.error, "");
    const auto* f = parsed.family("udpnotif_rx_datagrams_total");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->find({{"thread", "0"}})->value, 12345);
}

TEST(HttpServer, HealthzFollowsTheCallbackAndStopping)
{
    std::atomic<bool> healthy{true};
    http_server server(
        "127.0.0.1:0", [] { return std::string(); },
        [&] {
            return healthy.load() ? health_status{}
                                  : health_status{false, "kafka producer 0 in a fatal state"};
        });
    server.start();
    http_reply r = get(server.port(), "/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok\n");
    healthy = false;
    r = get(server.port(), "/healthz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body, "unhealthy: kafka producer 0 in a fatal state\n");
    healthy = true;
    server.set_stopping();
    r = get(server.port(), "/healthz");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body, "unhealthy: stopping\n");
}

TEST(HttpServer, EverythingElseIsNotFound)
{
    http_server server(
        "127.0.0.1:0", [] { return std::string("x"); }, [] { return health_status{}; });
    server.start();
    EXPECT_EQ(get(server.port(), "/").status, 404);
    EXPECT_EQ(get(server.port(), "/metrics/extra").status, 404);
    EXPECT_EQ(get(server.port(), "/metricsx").status, 404);
    EXPECT_EQ(request(AF_INET, server.port(), "POST", "/metrics").status, 404);
    EXPECT_EQ(get(server.port(), "/metrics").status, 200);
}

TEST(HttpServer, AThrowingCallbackIsAServerError)
{
    http_server server(
        "127.0.0.1:0", []() -> std::string { throw std::runtime_error("no stats yet"); },
        []() -> health_status { throw std::runtime_error("broken"); });
    server.start();
    const http_reply m = get(server.port(), "/metrics");
    EXPECT_EQ(m.status, 500);
    EXPECT_NE(m.body.find("no stats yet"), std::string::npos);
    const http_reply h = get(server.port(), "/healthz");
    EXPECT_EQ(h.status, 503);
    EXPECT_NE(h.body.find("broken"), std::string::npos);
}

TEST(HttpServer, ListensOnIpv6Loopback)
{
    const int probe = socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    const bool have_v6 = probe >= 0 && bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    if (probe >= 0) {
        close(probe);
    }
    if (!have_v6) {
        GTEST_SKIP() << "no IPv6 loopback on this host";
    }
    http_server server(
        "[::1]:0", [] { return std::string("v6\n"); }, [] { return health_status{}; });
    EXPECT_EQ(server.address(), "[::1]:" + std::to_string(server.port()));
    server.start();
    const http_reply r = request(AF_INET6, server.port(), "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "v6\n");
}

TEST(HttpServerError, ABusyPortIsAStartUpErrorNamingTheOption)
{
    // A plain listener holds the port (no SO_REUSEPORT).
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    ASSERT_EQ(listen(fd, 1), 0);
    socklen_t len = sizeof(a);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
    const std::string where = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    try {
        http_server server(
            where, [] { return std::string(); }, [] { return health_status{}; });
        ADD_FAILURE() << "bound a busy port";
    } catch (const std::system_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("metrics.listen"), std::string::npos) << what;
        EXPECT_NE(what.find(where), std::string::npos) << what;
        EXPECT_EQ(e.code().value(), EADDRINUSE) << what;
    }
    close(fd);
}

TEST(HttpServerError, TwoServersDoNotShareAPort)
{
    // httplib's default SO_REUSEPORT would let the second bind succeed and split the scrapes.
    http_server first(
        "127.0.0.1:0", [] { return std::string("1"); }, [] { return health_status{}; });
    first.start();
    const std::string where = first.address();
    EXPECT_THROW(http_server(
                     where, [] { return std::string("2"); }, [] { return health_status{}; }),
                 std::system_error);
    EXPECT_EQ(get(first.port(), "/metrics").body, "1");
}

TEST(HttpServerError, MalformedListenAddressesAreRefused)
{
    for (const char* bad :
         {"", "localhost:9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:9x",
          "::1:9464", "[::1]9464", "[::1:9464", "[foo]:1", "1.2.3:80", ":9464"}) {
        try {
            (void)parse_listen_address(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("metrics.listen"), std::string::npos) << bad;
        }
    }
    const listen_address v4 = parse_listen_address("0.0.0.0:9464");
    EXPECT_EQ(v4.host, "0.0.0.0");
    EXPECT_EQ(v4.port, 9464);
    EXPECT_FALSE(v4.v6);
    const listen_address v6 = parse_listen_address("[::]:0");
    EXPECT_EQ(v6.host, "::");
    EXPECT_EQ(v6.port, 0);
    EXPECT_TRUE(v6.v6);
    EXPECT_EQ(to_string(v6), "[::]:0");
}

TEST(HttpServer, StopIsIdempotentAndWorksWithoutStart)
{
    std::uint16_t port = 0;
    {
        http_server never_started(
            "127.0.0.1:0", [] { return std::string(); }, [] { return health_status{}; });
        port = never_started.port();
    } // destructor: closes the bound socket without hanging
    // The port is free again: bind it.
    http_server again(
        "127.0.0.1:" + std::to_string(port), [] { return std::string("again"); },
        [] { return health_status{}; });
    again.start();
    again.start();
    EXPECT_EQ(get(port, "/metrics").body, "again");
    again.stop();
    again.stop();
    EXPECT_EQ(get(port, "/metrics").status, 0); // nothing listens any more
}

} // namespace
} // namespace udpn::metrics
