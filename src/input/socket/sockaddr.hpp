/// \file
/// Conversions between BSD socket addresses and net::endpoint (kernel-socket input only).
#pragma once

#include "net/endpoint.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace udpn::input {

/// \p sa (AF_INET or AF_INET6, \p len octets) as an endpoint; an IPv4-mapped IPv6 address
/// (dual-stack socket) becomes plain IPv4. Family none for anything else.
/// Thread: any.
[[nodiscard]] net::endpoint endpoint_from_sockaddr(const sockaddr* sa, socklen_t len) noexcept;

/// \p ep as a socket address in \p out. @return its length, 0 when \p ep has no family.
/// Thread: any.
socklen_t sockaddr_from_endpoint(const net::endpoint& ep, sockaddr_storage& out) noexcept;

} // namespace udpn::input
