#include "input/allowlist.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace udpn::input {

const char* to_string(cidr_error e) noexcept
{
    switch (e) {
    case cidr_error::bad_address: return "bad_address";
    case cidr_error::bad_length: return "bad_length";
    }
    return "unknown";
}

result<cidr, cidr_error> cidr::parse(std::string_view text) noexcept
{
    const std::size_t slash = text.find('/');
    const std::string_view addr_text = text.substr(0, slash);
    // inet_pton needs a NUL-terminated string: the longest text form of an address fits here.
    char buf[64];
    if (addr_text.empty() || addr_text.size() >= sizeof buf) {
        return cidr_error::bad_address;
    }
    addr_text.copy(buf, addr_text.size());
    buf[addr_text.size()] = '\0';
    const net::ip_address addr = net::ip_address::parse(buf);
    if (addr.fam == net::ip_address::family::none) {
        return cidr_error::bad_address;
    }
    const unsigned max_len = addr.is_v4() ? 32 : 128;
    unsigned len = max_len;
    if (slash != std::string_view::npos) {
        const std::string_view len_text = text.substr(slash + 1);
        if (len_text.empty() || len_text.size() > 3) {
            return cidr_error::bad_length;
        }
        const auto [end, ec] =
            std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
        if (ec != std::errc{} || end != len_text.data() + len_text.size() || len > max_len) {
            return cidr_error::bad_length;
        }
    }
    cidr c;
    c.length = static_cast<std::uint8_t>(len);
    c.prefix.fam = addr.fam;
    for (unsigned i = 0; i < max_len / 8; ++i) {
        const unsigned bits = len >= (i + 1) * 8 ? 8 : (len > i * 8 ? len - i * 8 : 0);
        c.mask[i] = static_cast<std::uint8_t>(bits == 0 ? 0 : 0xffu << (8 - bits));
        c.prefix.bytes[i] = addr.bytes[i] & c.mask[i];
    }
    return c;
}

address_allowlist::address_allowlist(const std::vector<std::string>& entries)
{
    _entries.reserve(entries.size());
    for (const std::string& e : entries) {
        const auto c = cidr::parse(e);
        if (!c) {
            throw std::invalid_argument("source_allowlist: '" + e + "': " +
                                        to_string(c.error()) +
                                        " (expected ADDRESS or ADDRESS/LENGTH, IPv4 or IPv6)");
        }
        _entries.push_back(*c);
    }
}

net::ip_address unmap_v4(const net::ip_address& a) noexcept
{
    static constexpr std::uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a.is_v6() && std::equal(a.bytes.begin(), a.bytes.begin() + 12, mapped_prefix)) {
        return net::ip_address::v4(a.bytes.data() + 12);
    }
    return a;
}

bool address_allowlist::allows(const net::ip_address& a) const noexcept
{
    if (_entries.empty()) {
        return true;
    }
    const net::ip_address addr = unmap_v4(a);
    for (const cidr& c : _entries) {
        if (c.contains(addr)) {
            return true;
        }
    }
    return false;
}

} // namespace udpn::input
