#include "net/endpoint.hpp"

#include "common/fixed_index.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace udpn::net {

ip_address ip_address::v4(const std::uint8_t* octets) noexcept
{
    ip_address a;
    a.fam = family::v4;
    std::memcpy(a.bytes.data(), octets, 4);
    return a;
}

ip_address ip_address::v4(std::uint32_t host_order) noexcept
{
    const std::uint8_t o[4] = {static_cast<std::uint8_t>(host_order >> 24),
                               static_cast<std::uint8_t>(host_order >> 16),
                               static_cast<std::uint8_t>(host_order >> 8),
                               static_cast<std::uint8_t>(host_order)};
    return v4(o);
}

ip_address ip_address::v6(const std::uint8_t* octets) noexcept
{
    ip_address a;
    a.fam = family::v6;
    std::memcpy(a.bytes.data(), octets, 16);
    return a;
}

ip_address ip_address::parse(const char* text) noexcept
{
    std::uint8_t buf[16];
    if (inet_pton(AF_INET, text, buf) == 1) {
        return v4(buf);
    }
    if (inet_pton(AF_INET6, text, buf) == 1) {
        return v6(buf);
    }
    return {};
}

std::size_t ip_address::format(std::span<char> out) const noexcept
{
    if (fam == family::none || out.empty()) {
        return 0;
    }
    const int af = fam == family::v4 ? AF_INET : AF_INET6;
    if (inet_ntop(af, bytes.data(), out.data(), static_cast<socklen_t>(out.size())) == nullptr) {
        return 0;
    }
    return std::strlen(out.data());
}

std::string ip_address::to_string() const
{
    char buf[INET6_ADDRSTRLEN];
    const std::size_t n = format(buf);
    return std::string(buf, n);
}

std::size_t endpoint::format(std::span<char> out) const noexcept
{
    char addr_text[INET6_ADDRSTRLEN];
    if (addr.format(addr_text) == 0) {
        return 0;
    }
    const int n = addr.is_v6() ? std::snprintf(out.data(), out.size(), "[%s]:%u", addr_text, port)
                               : std::snprintf(out.data(), out.size(), "%s:%u", addr_text, port);
    if (n < 0 || static_cast<std::size_t>(n) >= out.size()) {
        return 0;
    }
    return static_cast<std::size_t>(n);
}

std::string endpoint::to_string() const
{
    char buf[endpoint_text_max];
    const std::size_t n = format(buf);
    return std::string(buf, n);
}

std::uint64_t hash(const ip_address& a) noexcept
{
    // FNV-1a over family + octets, then a full avalanche.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    h = (h ^ static_cast<std::uint8_t>(a.fam)) * 0x100000001b3ULL;
    for (const std::uint8_t b : a.bytes) {
        h = (h ^ b) * 0x100000001b3ULL;
    }
    return detail::mix64(h);
}

} // namespace udpn::net
