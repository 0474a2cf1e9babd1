#include "input/socket/udp_socket.hpp"

#include "input/socket/sockaddr.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace udpn::input {

namespace {

[[noreturn]] void fail(const char* what, const udp_socket_config& cfg)
{
    const int err = errno;
    throw std::system_error(err, std::generic_category(),
                            std::string(what) + " (" + cfg.address + " port " +
                                std::to_string(cfg.port) + ")");
}

void set_int(int fd, int level, int name, int value, const char* what,
             const udp_socket_config& cfg)
{
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) {
        fail(what, cfg);
    }
}

} // namespace

std::string rcvbuf_warning(const socket_report& r)
{
    if (!r.rcvbuf_capped) {
        return {};
    }
    return "socket receive buffer capped: asked " + std::to_string(r.rcvbuf_requested) +
           " octets, kernel gave " + std::to_string(r.rcvbuf_effective / 2) +
           " (SO_RCVBUF reads " + std::to_string(r.rcvbuf_effective) +
           "); raise net.core.rmem_max (sysctl -w net.core.rmem_max=" +
           std::to_string(r.rcvbuf_requested) +
           ") or run with CAP_NET_ADMIN and rcvbuf_force, or bursts will be dropped by the kernel";
}

udp_socket::udp_socket(const udp_socket_config& cfg) : _cfg(cfg)
{
    const net::ip_address addr = net::ip_address::parse(cfg.address.c_str());
    if (addr.fam == net::ip_address::family::none) {
        throw std::invalid_argument("udp socket address '" + cfg.address +
                                    "' is neither IPv4 nor IPv6");
    }
    if (cfg.rcvbuf_bytes > static_cast<std::size_t>(INT_MAX / 2)) {
        throw std::invalid_argument("udp socket rcvbuf_bytes must be <= " +
                                    std::to_string(INT_MAX / 2));
    }
    _v6 = addr.is_v6();
    const int type = SOCK_DGRAM | SOCK_CLOEXEC | (cfg.receive_timeout_ms == 0 ? SOCK_NONBLOCK : 0);
    _fd = ::socket(_v6 ? AF_INET6 : AF_INET, type, 0);
    if (_fd < 0) {
        fail("socket", cfg);
    }
    try {
        if (_v6) {
            set_int(_fd, IPPROTO_IPV6, IPV6_V6ONLY, cfg.v6only ? 1 : 0, "setsockopt IPV6_V6ONLY",
                    cfg);
            // Also reports IPv4 datagrams of a dual-stack socket, as ::ffff:a.b.c.d.
            set_int(_fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "setsockopt IPV6_RECVPKTINFO", cfg);
        } else {
            set_int(_fd, IPPROTO_IP, IP_PKTINFO, 1, "setsockopt IP_PKTINFO", cfg);
        }
        if (cfg.reuse_port) {
            set_int(_fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt SO_REUSEPORT", cfg);
        }
        set_int(_fd, SOL_SOCKET, SO_RXQ_OVFL, 1, "setsockopt SO_RXQ_OVFL", cfg);
        if (cfg.kernel_timestamps) {
            set_int(_fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "setsockopt SO_TIMESTAMPNS", cfg);
            _report.kernel_timestamps = true;
        }
        _report.rcvbuf_requested = cfg.rcvbuf_bytes;
        if (cfg.rcvbuf_bytes != 0) {
            const int want = static_cast<int>(cfg.rcvbuf_bytes);
            if (cfg.rcvbuf_force &&
                setsockopt(_fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) == 0) {
                _report.rcvbuf_forced = true;
            } else {
                // Not permitted (no CAP_NET_ADMIN) or not asked: the kernel caps at rmem_max.
                set_int(_fd, SOL_SOCKET, SO_RCVBUF, want, "setsockopt SO_RCVBUF", cfg);
            }
        }
        int got = 0;
        socklen_t got_len = sizeof got;
        if (getsockopt(_fd, SOL_SOCKET, SO_RCVBUF, &got, &got_len) != 0) {
            fail("getsockopt SO_RCVBUF", cfg);
        }
        _report.rcvbuf_effective = got > 0 ? static_cast<std::size_t>(got) : 0;
        _report.rcvbuf_capped =
            cfg.rcvbuf_bytes != 0 && _report.rcvbuf_effective < 2 * cfg.rcvbuf_bytes;
        if (cfg.receive_timeout_ms != 0) {
            timeval tv{};
            tv.tv_sec = static_cast<time_t>(cfg.receive_timeout_ms / 1000);
            tv.tv_usec = static_cast<suseconds_t>((cfg.receive_timeout_ms % 1000) * 1000);
            if (setsockopt(_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) {
                fail("setsockopt SO_RCVTIMEO", cfg);
            }
        } else {
            _report.nonblocking = true;
        }

        sockaddr_storage ss{};
        const socklen_t len = sockaddr_from_endpoint(net::endpoint{addr, cfg.port}, ss);
        if (::bind(_fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
            fail("bind", cfg);
        }
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof bound;
        if (getsockname(_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
            fail("getsockname", cfg);
        }
        _report.local = endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(&bound),
                                               bound_len);
    } catch (...) {
        close();
        throw;
    }
}

udp_socket::~udp_socket()
{
    close();
}

udp_socket::udp_socket(udp_socket&& other) noexcept
    : _cfg(std::move(other._cfg)),
      _report(other._report),
      _fd(std::exchange(other._fd, -1)),
      _v6(other._v6)
{
}

udp_socket& udp_socket::operator=(udp_socket&& other) noexcept
{
    if (this != &other) {
        close();
        _cfg = std::move(other._cfg);
        _report = other._report;
        _fd = std::exchange(other._fd, -1);
        _v6 = other._v6;
    }
    return *this;
}

void udp_socket::close() noexcept
{
    if (_fd >= 0) {
        ::close(_fd);
        _fd = -1;
    }
}

} // namespace udpn::input
