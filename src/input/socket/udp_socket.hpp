/// \file
/// RAII kernel UDP socket for one RX thread (STYLE.md §3.2 input/socket/udp_socket): bound to
/// address:port (IPv4 or IPv6, optional v6only), SO_REUSEPORT so each RX thread has its own
/// socket on the shared port, SO_RCVBUF from config (read back: the kernel caps it at
/// net.core.rmem_max), IP_PKTINFO / IPV6_RECVPKTINFO for the collector address of every
/// datagram, SO_RXQ_OVFL for the kernel's drop counter, optional SO_TIMESTAMPNS, and either
/// non-blocking or a receive timeout so an RX loop can stop cleanly.
#pragma once

#include "input/config.hpp"
#include "net/endpoint.hpp"

#include <cstddef>
#include <string>

namespace udpn::input {

/// What the socket ended up with; for the start-up log.
struct socket_report {
    net::endpoint local;               ///< bound address:port (an ephemeral port resolved)
    std::size_t rcvbuf_requested = 0;  ///< udp_socket_config::rcvbuf_bytes (0: not set)
    /// SO_RCVBUF read back. Linux reports twice the size set (it counts its bookkeeping in
    /// the buffer): asking 8 MiB with rmem_max >= 8 MiB reads back 16 MiB.
    std::size_t rcvbuf_effective = 0;
    /// The kernel gave less than asked (rcvbuf_effective < 2 * rcvbuf_requested): the request
    /// was capped at net.core.rmem_max. Raise it (sysctl -w net.core.rmem_max=N) or grant
    /// CAP_NET_ADMIN and set rcvbuf_force; datagrams beyond the buffer are dropped by the
    /// kernel (source_stats::kernel_drops).
    bool rcvbuf_capped = false;
    bool rcvbuf_forced = false;        ///< SO_RCVBUFFORCE was accepted
    bool nonblocking = false;          ///< O_NONBLOCK (receive_timeout_ms == 0)
    bool kernel_timestamps = false;    ///< SO_TIMESTAMPNS enabled
};

/// A start-up warning line for \p r when the receive buffer was capped, else "".
/// Thread: any.
[[nodiscard]] std::string rcvbuf_warning(const socket_report& r);

/// Thread: start-up for construction; afterwards the RX thread that polls it (accessors are
/// const and may be read by any thread once construction is done).
class udp_socket {
public:
    /// Opens, configures and binds a socket.
    /// @throws std::invalid_argument for an address that is not IPv4 or IPv6 text or a buffer
    ///         size over INT_MAX / 2; std::system_error (errno) when a socket call fails, the
    ///         message naming the call and the address.
    /// Thread: start-up.
    explicit udp_socket(const udp_socket_config& cfg);
    ~udp_socket();
    udp_socket(udp_socket&& other) noexcept;
    udp_socket& operator=(udp_socket&& other) noexcept;
    udp_socket(const udp_socket&) = delete;
    udp_socket& operator=(const udp_socket&) = delete;

    /// The file descriptor (-1 after close()).
    [[nodiscard]] int fd() const noexcept { return _fd; }
    /// True for an AF_INET6 socket.
    [[nodiscard]] bool is_v6() const noexcept { return _v6; }
    /// The bound address and port.
    [[nodiscard]] const net::endpoint& local_endpoint() const noexcept { return _report.local; }
    [[nodiscard]] const socket_report& report() const noexcept { return _report; }
    [[nodiscard]] const udp_socket_config& config() const noexcept { return _cfg; }

    /// Closes the descriptor now (also done by the destructor).
    void close() noexcept;

private:
    udp_socket_config _cfg;
    socket_report _report;
    int _fd = -1;
    bool _v6 = false;
};

} // namespace udpn::input
