#include "key/restconf_path.hpp"

#include "key/xpath.hpp"

namespace udpn::key {

namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

bool parse_restconf_path(std::string_view path, std::span<restconf_segment> out, std::size_t& n,
                         std::span<char> scratch) noexcept
{
    n = 0;
    std::size_t used = 0;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    if (path.empty()) {
        return true; // the datastore root
    }
    for (;;) {
        // '/' inside values is percent-encoded, so a raw '/' always ends the segment.
        const std::size_t slash = path.find('/');
        const std::string_view seg = path.substr(0, slash);
        if (n >= out.size()) {
            return false;
        }
        restconf_segment& s = out[n];
        s = restconf_segment{};
        const std::size_t eq = seg.find('=');
        const std::string_view qname = seg.substr(0, eq);
        if (const auto colon = qname.find(':'); colon != std::string_view::npos) {
            s.module = qname.substr(0, colon);
            s.name = qname.substr(colon + 1);
            if (!is_yang_identifier(s.module)) {
                return false;
            }
        } else {
            s.name = qname;
        }
        if (!is_yang_identifier(s.name)) {
            return false;
        }
        if (eq != std::string_view::npos) {
            s.has_values = true;
            std::string_view rest = seg.substr(eq + 1);
            for (;;) {
                const std::size_t comma = rest.find(',');
                const std::string_view enc = rest.substr(0, comma);
                if (s.n_values >= max_list_keys) {
                    return false;
                }
                const std::size_t start = used;
                for (std::size_t i = 0; i < enc.size(); ++i) {
                    char c = enc[i];
                    if (c == '%') {
                        if (i + 2 >= enc.size()) {
                            return false;
                        }
                        const int hi = hex_value(enc[i + 1]);
                        const int lo = hex_value(enc[i + 2]);
                        if (hi < 0 || lo < 0) {
                            return false;
                        }
                        c = static_cast<char>((hi << 4) | lo);
                        i += 2;
                    }
                    if (used >= scratch.size()) {
                        return false;
                    }
                    scratch[used++] = c;
                }
                s.values[s.n_values++] = std::string_view(scratch.data() + start, used - start);
                if (comma == std::string_view::npos) {
                    break;
                }
                rest = rest.substr(comma + 1);
            }
        }
        ++n;
        if (slash == std::string_view::npos) {
            return true;
        }
        path = path.substr(slash + 1);
        if (path.empty()) {
            return false; // trailing '/'
        }
    }
}

} // namespace udpn::key
