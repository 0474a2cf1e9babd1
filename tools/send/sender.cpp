#include "send/sender.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace udpn::send {
namespace {

constexpr std::uint64_t ns_per_s = 1'000'000'000u;

std::uint64_t now_ns() noexcept
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * ns_per_s +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

void sleep_until(std::uint64_t deadline_ns) noexcept
{
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(deadline_ns / ns_per_s);
    ts.tv_nsec = static_cast<long>(deadline_ns % ns_per_s);
    // EINTR (e.g. SIGINT) ends the sleep early; the caller checks its stop flag.
    (void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}

socklen_t to_sockaddr(const net::endpoint& ep, sockaddr_storage& ss) noexcept
{
    std::memset(&ss, 0, sizeof ss);
    if (ep.addr.is_v4()) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(ep.port);
        std::memcpy(&sin->sin_addr, ep.addr.bytes.data(), 4);
        return sizeof(sockaddr_in);
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(ep.port);
    std::memcpy(&sin6->sin6_addr, ep.addr.bytes.data(), 16);
    return sizeof(sockaddr_in6);
}

// RAII socket file descriptor.
class udp_socket {
  public:
    udp_socket() = default;
    explicit udp_socket(int fd) noexcept : _fd(fd) {}
    udp_socket(udp_socket&& o) noexcept : _fd(o._fd) { o._fd = -1; }
    udp_socket& operator=(udp_socket&&) = delete;
    udp_socket(const udp_socket&) = delete;
    udp_socket& operator=(const udp_socket&) = delete;
    ~udp_socket()
    {
        if (_fd >= 0) {
            ::close(_fd);
        }
    }
    [[nodiscard]] int fd() const noexcept { return _fd; }

  private:
    int _fd = -1;
};

udp_socket open_source(const send_config& cfg, std::uint32_t k)
{
    const bool v6 = cfg.dst.addr.is_v6();
    udp_socket s(::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.fd() < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    if (cfg.sndbuf > 0 &&
        setsockopt(s.fd(), SOL_SOCKET, SO_SNDBUF, &cfg.sndbuf, sizeof cfg.sndbuf) != 0) {
        throw std::runtime_error(std::string("SO_SNDBUF: ") + std::strerror(errno));
    }
    net::endpoint local;
    local.port = cfg.source_port == 0 ? 0 : static_cast<std::uint16_t>(cfg.source_port + k);
    if (v6) {
        std::uint8_t any[16] = {};
        if (is_loopback(cfg.dst.addr)) {
            any[15] = 1; // ::1
        }
        local.addr = net::ip_address::v6(any);
    } else if (is_loopback(cfg.dst.addr)) {
        local.addr = net::ip_address::v4(0x7f000001u + (cfg.distinct_source_ips ? k : 0u));
    } else {
        local.addr = net::ip_address::v4(0u);
    }
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(local, ss);
    if (::bind(s.fd(), reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
        throw std::runtime_error("bind " + local.to_string() + ": " + std::strerror(errno));
    }
    return s;
}

} // namespace

bool is_loopback(const net::ip_address& addr) noexcept
{
    if (addr.is_v4()) {
        return addr.bytes[0] == 127;
    }
    if (!addr.is_v6()) {
        return false;
    }
    static constexpr std::uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (std::equal(addr.bytes.begin(), addr.bytes.end(), one)) {
        return true;
    }
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::equal(mapped, mapped + 12, addr.bytes.begin()) && addr.bytes[12] == 127;
}

net::endpoint resolve_destination(const std::string& text)
{
    std::string host;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || text.size() < close + 3 || text[close + 1] != ':') {
            throw std::invalid_argument("destination " + text + ": expected [ADDR]:PORT");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            throw std::invalid_argument("destination " + text +
                                        ": expected HOST:PORT or [ADDR]:PORT");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* res = nullptr;
    const int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0 || res == nullptr) {
        throw std::invalid_argument("destination " + text + ": " + gai_strerror(rc));
    }
    net::endpoint ep;
    if (res->ai_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(res->ai_addr);
        ep.addr = net::ip_address::v4(reinterpret_cast<const std::uint8_t*>(&sin->sin_addr));
        ep.port = ntohs(sin->sin_port);
    } else {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(res->ai_addr);
        ep.addr = net::ip_address::v6(reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr));
        ep.port = ntohs(sin6->sin6_port);
    }
    freeaddrinfo(res);
    if (ep.port == 0) {
        throw std::invalid_argument("destination " + text + ": port 0");
    }
    return ep;
}

send_stats send_all(const send_config& cfg, const std::vector<send_item>& items,
                    const volatile std::sig_atomic_t& stop)
{
    if (cfg.n_sources == 0 || cfg.batch == 0) {
        throw std::invalid_argument("sources and batch must be >= 1");
    }
    std::vector<udp_socket> sockets;
    for (std::uint32_t k = 0; k < cfg.n_sources; ++k) {
        sockets.push_back(open_source(cfg, k));
    }
    sockaddr_storage dst{};
    const socklen_t dst_len = to_sockaddr(cfg.dst, dst);

    // Pacing: with a rate, send about 1 ms worth per call (at least 1, at most batch).
    const std::uint32_t batch =
        cfg.rate > 0 ? static_cast<std::uint32_t>(
                           std::clamp(cfg.rate / 1000.0, 1.0, static_cast<double>(cfg.batch)))
                     : cfg.batch;
    std::vector<mmsghdr> msgs(batch);
    std::vector<iovec> iovs(batch);

    send_stats stats;
    if (items.empty()) {
        return stats;
    }
    const std::uint64_t t0 = now_ns();
    const std::uint64_t stop_at =
        cfg.max_seconds > 0 ? t0 + static_cast<std::uint64_t>(cfg.max_seconds * 1e9) : UINT64_MAX;
    std::uint64_t n_scheduled = 0; // datagrams handed to the kernel or skipped so far
    for (std::uint64_t loop = 0; loop < cfg.loops && stop == 0; ++loop) {
        for (std::size_t i = 0; i < items.size() && stop == 0;) {
            const std::size_t n = std::min<std::size_t>(batch, items.size() - i);
            if (cfg.rate > 0) {
                const auto deadline = t0 + static_cast<std::uint64_t>(
                                               static_cast<double>(n_scheduled) * 1e9 / cfg.rate);
                if (deadline > now_ns()) {
                    sleep_until(deadline);
                }
            }
            if (now_ns() >= stop_at) {
                break;
            }
            // One sendmmsg per source socket present in this window, in window order.
            std::vector<bool> done(n, false);
            for (std::size_t first = 0; first < n; ++first) {
                if (done[first]) {
                    continue;
                }
                const std::uint32_t source = items[i + first].source % cfg.n_sources;
                std::uint32_t m = 0;
                for (std::size_t j = first; j < n; ++j) {
                    if (!done[j] && items[i + j].source % cfg.n_sources == source) {
                        done[j] = true;
                        const byte_span p = items[i + j].payload;
                        iovs[m].iov_base = const_cast<std::uint8_t*>(p.data());
                        iovs[m].iov_len = p.size();
                        msgs[m] = mmsghdr{};
                        msgs[m].msg_hdr.msg_name = &dst;
                        msgs[m].msg_hdr.msg_namelen = dst_len;
                        msgs[m].msg_hdr.msg_iov = &iovs[m];
                        msgs[m].msg_hdr.msg_iovlen = 1;
                        ++m;
                    }
                }
                std::uint32_t sent = 0;
                while (sent < m) {
                    const int rc =
                        ::sendmmsg(sockets[source].fd(), msgs.data() + sent, m - sent, 0);
                    ++stats.calls;
                    if (rc < 0) {
                        if (errno == EINTR && stop == 0) {
                            continue;
                        }
                        // Skip the datagram the kernel refused (e.g. EMSGSIZE) and go on.
                        if (stats.first_error.empty()) {
                            stats.first_error = std::strerror(errno);
                        }
                        ++stats.errors;
                        ++sent;
                        if (stop != 0) {
                            break;
                        }
                        continue;
                    }
                    for (int r = 0; r < rc; ++r) {
                        stats.bytes += iovs[sent + static_cast<std::uint32_t>(r)].iov_len;
                    }
                    stats.datagrams += static_cast<std::uint64_t>(rc);
                    sent += static_cast<std::uint32_t>(rc);
                }
            }
            i += n;
            n_scheduled += n;
        }
    }
    stats.duration_ns = now_ns() - t0;
    return stats;
}

} // namespace udpn::send
