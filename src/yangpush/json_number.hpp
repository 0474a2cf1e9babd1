/// \file
/// Private to src/yangpush: the RFC 8259 number grammar, shared by the JSON decoder (checking
/// numbers it does not read) and the XML transcoder (deciding whether libyang may print an
/// untyped value bare). No simdjson here.
#pragma once

#include <cstddef>
#include <string_view>

namespace udpn::yangpush::detail {

/// True when \p t is exactly one JSON number (RFC 8259 §6):
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, of any length. Thread: any.
[[nodiscard]] constexpr bool is_json_number(std::string_view t) noexcept
{
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
            ++i;
        }
        return i > start;
    };
    if (i < t.size() && t[i] == '-') {
        ++i;
    }
    if (i < t.size() && t[i] == '0') {
        ++i;
    } else if (i >= t.size() || t[i] < '1' || t[i] > '9' || !digits()) {
        return false;
    }
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digits()) {
            return false;
        }
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
            ++i;
        }
        if (!digits()) {
            return false;
        }
    }
    return i == t.size();
}

static_assert(is_json_number("0") && is_json_number("-12.5e+3") && !is_json_number("01") &&
              !is_json_number("+1") && !is_json_number("1.") && !is_json_number(" 1"));

} // namespace udpn::yangpush::detail
