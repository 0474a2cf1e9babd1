/// \file
/// Why a notification payload could not be decoded (PROTOCOL.md §3). One counter per reason.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::yangpush {

enum class decode_error : std::uint8_t {
    invalid_json,          ///< not well-formed JSON (simdjson error), or truncated
    not_an_object,         ///< the document is not a JSON object
    empty_object,          ///< `{}`: no notification member
    unknown_root,          ///< the root member is neither a known wrapper nor `module:name`
    missing_notification,  ///< a wrapper (envelope, notification) without a notification member
    bad_member_type,       ///< a member we read has the wrong JSON type (e.g. `id` not uint32)
    trailing_content,      ///< content after the root object
};

inline constexpr std::size_t n_decode_errors = 7;

/// Stable snake_case name of \p e.
[[nodiscard]] const char* to_string(decode_error e) noexcept;

/// Decoder counters. Single writer (the worker that owns the decoder).
struct decode_stats {
    std::uint64_t decoded = 0;
    std::array<std::uint64_t, n_decode_errors> failed{};
    void count(decode_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

} // namespace udpn::yangpush
