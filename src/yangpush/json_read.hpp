/// \file
/// Private to src/yangpush: small readers over simdjson on-demand values shared by the
/// notification decoder and the subscription parser.
#pragma once

#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <string_view>

namespace udpn::yangpush::detail {

/// A uint32 leaf: a JSON number, or (leniently) a string of decimal digits.
/// @return false (and \p out untouched) for any other type or a value over 4294967295.
inline bool read_u32(simdjson::ondemand::value v, std::uint32_t& out) noexcept
{
    namespace od = simdjson::ondemand;
    std::uint64_t n = 0;
    od::json_type t;
    if (v.type().get(t)) {
        return false;
    }
    if (t == od::json_type::number) {
        if (v.get_uint64().get(n) || n > 0xffffffffULL) {
            return false;
        }
    } else if (t == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s)) {
            return false;
        }
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec != std::errc() || ptr != s.data() + s.size() || n > 0xffffffffULL) {
            return false;
        }
    } else {
        return false;
    }
    out = static_cast<std::uint32_t>(n);
    return true;
}

} // namespace udpn::yangpush::detail
