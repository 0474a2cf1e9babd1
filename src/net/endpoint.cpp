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

namespace {

/// Decimal text of one octet, no leading zeros.
char* put_octet(char* p, unsigned v) noexcept
{
    if (v >= 100) {
        *p++ = static_cast<char>('0' + v / 100);
        v %= 100;
        *p++ = static_cast<char>('0' + v / 10);
    } else if (v >= 10) {
        *p++ = static_cast<char>('0' + v / 10);
    }
    *p++ = static_cast<char>('0' + v % 10);
    return p;
}

/// Dotted quad of 4 octets.
char* put_dotted_quad(char* p, const std::uint8_t* o) noexcept
{
    p = put_octet(p, o[0]);
    for (int i = 1; i < 4; ++i) {
        *p++ = '.';
        p = put_octet(p, o[i]);
    }
    return p;
}

/// One IPv6 group: lower-case hex without leading zeros (RFC 5952 §4.1, §4.3).
char* put_group(char* p, unsigned w) noexcept
{
    static constexpr char hex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift > 0; shift -= 4) {
        const unsigned nibble = (w >> shift) & 0xfU;
        if (nibble != 0 || started) {
            *p++ = hex[nibble];
            started = true;
        }
    }
    *p++ = hex[w & 0xfU];
    return p;
}

/// RFC 5952 text of 16 octets, the same as glibc's inet_ntop (tests/net compares the two):
/// the longest run of two or more zero groups (the first of equal runs) becomes `::` (§4.2),
/// and an address in ::ffff:0:0/96 or ::/96 (run of 5 resp. 6 zero groups at the start) ends
/// with its embedded IPv4 address in dotted-quad form (§5).
char* put_v6(char* p, const std::uint8_t* b) noexcept
{
    unsigned words[8];
    for (int i = 0; i < 8; ++i) {
        words[i] = (static_cast<unsigned>(b[2 * i]) << 8) | b[2 * i + 1];
    }
    int best_base = -1;
    int best_len = 0;
    int cur_base = -1;
    int cur_len = 0;
    for (int i = 0; i <= 8; ++i) {
        if (i < 8 && words[i] == 0) {
            if (cur_base < 0) {
                cur_base = i;
                cur_len = 0;
            }
            ++cur_len;
        } else if (cur_base >= 0) {
            if (cur_len > best_len) {
                best_base = cur_base;
                best_len = cur_len;
            }
            cur_base = -1;
        }
    }
    if (best_len < 2) {
        best_base = -1;
    }
    for (int i = 0; i < 8; ++i) {
        if (best_base >= 0 && i >= best_base && i < best_base + best_len) {
            if (i == best_base) {
                *p++ = ':';
            }
            continue;
        }
        if (i != 0) {
            *p++ = ':';
        }
        if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
            return put_dotted_quad(p, b + 12);
        }
        p = put_group(p, words[i]);
    }
    if (best_base >= 0 && best_base + best_len == 8) {
        *p++ = ':';
    }
    return p;
}

} // namespace

// Written out here rather than through inet_ntop(): the worker formats the exporter and
// collector addresses of every message, and glibc's inet_ntop goes through sprintf (about a
// sixth of the worker stage's instructions at 1 KB before this, bench/worker_bench).
std::size_t ip_address::format(std::span<char> out) const noexcept
{
    if (fam == family::none) {
        return 0;
    }
    char text[48];
    char* const end = fam == family::v4 ? put_dotted_quad(text, bytes.data())
                                        : put_v6(text, bytes.data());
    const auto n = static_cast<std::size_t>(end - text);
    if (n >= out.size()) {
        return 0;
    }
    std::memcpy(out.data(), text, n);
    out[n] = '\0';
    return n;
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
