// Helpers for the input tests: encoded datagrams kept with their endpoints and times, in-memory
// sinks, loopback client sockets.
#pragma once

#include "input/message.hpp"
#include "input/rx_path.hpp"
#include "input/source.hpp"
#include "input/socket/sockaddr.hpp"
#include "net/endpoint.hpp"
#include "udpnotif/encoder.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace udpn::test {

inline net::endpoint ep(const char* addr, std::uint16_t port)
{
    return net::endpoint{net::ip_address::parse(addr), port};
}

/// Deterministic pseudo-random payload.
inline std::vector<std::uint8_t> make_payload(std::size_t n, std::uint32_t seed)
{
    std::vector<std::uint8_t> p(n);
    std::mt19937 rng(seed);
    for (auto& b : p) {
        b = static_cast<std::uint8_t>(rng());
    }
    return p;
}

inline udpnotif::encode_params params(std::uint32_t publisher_id, std::uint32_t message_id,
                                      std::uint8_t media_type = 1)
{
    udpnotif::encode_params p;
    p.publisher_id = publisher_id;
    p.message_id = message_id;
    p.media_type = media_type;
    return p;
}

/// A datagram that owns its bytes.
struct stored_datagram {
    std::vector<std::uint8_t> bytes;
    net::endpoint src = ep("192.0.2.1", 40000);
    net::endpoint dst = ep("198.51.100.7", 12345);
    std::uint64_t rx_ns = 1'000'000;
    std::uint64_t rx_wall_ns = 1'700'000'000'000'000'000ull;
    bool truncated = false;

    [[nodiscard]] input::datagram view() const
    {
        input::datagram d;
        d.bytes = byte_span(bytes.data(), bytes.size());
        d.src = src;
        d.dst = dst;
        d.rx_ns = rx_ns;
        d.rx_wall_ns = rx_wall_ns;
        d.truncated = truncated;
        return d;
    }
};

/// Keeps every buffer it is given (takes ownership); the test releases them.
struct keep_sink {
    std::vector<input::message_buffer*>* out;
    bool operator()(input::message_buffer* msg) noexcept
    {
        out->push_back(msg); // capacity reserved by the test
        return true;
    }
};

/// Refuses everything (a full ring).
struct refuse_sink {
    bool operator()(input::message_buffer*) noexcept { return false; }
};

/// RAII UDP client socket bound to \p local (port 0 = ephemeral).
class client_socket {
public:
    explicit client_socket(const net::endpoint& local)
    {
        _fd = ::socket(local.addr.is_v6() ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (_fd < 0) {
            throw std::runtime_error("client socket");
        }
        sockaddr_storage ss{};
        const socklen_t len = input::sockaddr_from_endpoint(local, ss);
        if (::bind(_fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
            ::close(_fd);
            throw std::runtime_error("client bind");
        }
        sockaddr_storage bound{};
        socklen_t bound_len = sizeof bound;
        ::getsockname(_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
        _local = input::endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(&bound),
                                               bound_len);
    }
    ~client_socket() { ::close(_fd); }
    client_socket(const client_socket&) = delete;
    client_socket& operator=(const client_socket&) = delete;

    [[nodiscard]] const net::endpoint& local() const { return _local; }

    /// Sends \p bytes to \p to; true when the whole datagram was sent.
    bool send_to(const std::vector<std::uint8_t>& bytes, const net::endpoint& to) const
    {
        sockaddr_storage ss{};
        const socklen_t len = input::sockaddr_from_endpoint(to, ss);
        const ssize_t n = ::sendto(_fd, bytes.data(), bytes.size(), 0,
                                   reinterpret_cast<const sockaddr*>(&ss), len);
        return n == static_cast<ssize_t>(bytes.size());
    }

private:
    int _fd = -1;
    net::endpoint _local;
};

} // namespace udpn::test
