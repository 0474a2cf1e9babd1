#include "input/socket/sockaddr.hpp"

#include "input/allowlist.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace udpn::input {

net::endpoint endpoint_from_sockaddr(const sockaddr* sa, socklen_t len) noexcept
{
    net::endpoint ep;
    if (sa == nullptr) {
        return ep;
    }
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in in{};
        std::memcpy(&in, sa, sizeof in);
        ep.addr = net::ip_address::v4(reinterpret_cast<const std::uint8_t*>(&in.sin_addr));
        ep.port = ntohs(in.sin_port);
    } else if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        ep.addr = unmap_v4(net::ip_address::v6(in6.sin6_addr.s6_addr));
        ep.port = ntohs(in6.sin6_port);
    }
    return ep;
}

socklen_t sockaddr_from_endpoint(const net::endpoint& ep, sockaddr_storage& out) noexcept
{
    std::memset(&out, 0, sizeof out);
    if (ep.addr.is_v4()) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        in.sin_port = htons(ep.port);
        std::memcpy(&in.sin_addr, ep.addr.bytes.data(), 4);
        std::memcpy(&out, &in, sizeof in);
        return sizeof in;
    }
    if (ep.addr.is_v6()) {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(ep.port);
        std::memcpy(in6.sin6_addr.s6_addr, ep.addr.bytes.data(), 16);
        std::memcpy(&out, &in6, sizeof in6);
        return sizeof in6;
    }
    return 0;
}

} // namespace udpn::input
