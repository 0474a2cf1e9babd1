/// \file
/// Whitespace helpers shared by the JSON, XML and XPath readers: the four characters that are
/// whitespace in all three (RFC 8259 §2, XML 1.0 `S`, XPath 1.0 `ExprWhitespace`).
#pragma once

#include <string_view>

namespace udpn {

/// Space, tab, line feed or carriage return.
[[nodiscard]] constexpr bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// \p s without leading and trailing is_space() characters.
[[nodiscard]] constexpr std::string_view trim(std::string_view s) noexcept
{
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace udpn
