/// \file
/// RESTCONF data resource paths (RFC 8040 §3.5.3), as YANG Patch `target`s use them (RFC 8072;
/// PROTOCOL.md §11.14): `/ietf-interfaces:interfaces/interface=eth0/oper-status`, list keys as
/// `=k1,k2` with `%XX` percent-encoding. Parsed without allocation into caller storage.
#pragma once

#include "key/resolved.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace udpn::key {

/// One path segment; views point into the path or into the caller's scratch buffer.
struct restconf_segment {
    std::string_view module; ///< empty when the segment is not qualified (inherits)
    std::string_view name;
    std::array<std::string_view, max_list_keys> values{}; ///< decoded key (or leaf-list) values
    std::uint8_t n_values = 0;
    bool has_values = false; ///< `=` present
};

/// Parses \p path into \p out (sets \p n). Percent-decoded values are written to \p scratch.
/// `/` alone (or empty) is the datastore root: zero segments. False on syntax errors, bad
/// `%XX`, non-identifier names, too many segments/values or a scratch overflow.
/// Thread: any.
[[nodiscard]] bool parse_restconf_path(std::string_view path, std::span<restconf_segment> out,
                                       std::size_t& n, std::span<char> scratch) noexcept;

} // namespace udpn::key
