/// \file
/// Why a datagram was rejected by the header/option parser (PROTOCOL.md §2 step 1, §11.2-§11.6).
/// Each value has its own counter (parse_stats) and a stable name used in metrics and summaries.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::udpnotif {

enum class parse_error : std::uint8_t {
    too_short,                      ///< datagram shorter than the 12-octet fixed header
    unsupported_version,            ///< Ver is not 1 (nor 0 with the legacy knob)
    header_len_too_small,           ///< Header Len < 12
    header_len_exceeds_message,     ///< Header Len > Message Length
    message_len_exceeds_datagram,   ///< Message Length > octets received
    reserved_media_type,            ///< S = 0 and MT = 0 (reserved, MUST NOT be used)
    unassigned_media_type,          ///< S = 0 and MT 4..15 (no decoder; §11.6 knob to accept)
    private_media_type,             ///< S = 1 (private encoding; §11.6 knob to accept)
    option_truncated,               ///< fewer than 2 octets left for a TLV's Type and Length
    option_length_too_small,        ///< a TLV Length < 2
    option_overrun,                 ///< a TLV runs past Header Len
    segmentation_option_bad_length, ///< segmentation option with Length != 4 (§11.5)
    duplicate_segmentation_option,  ///< two segmentation options in one header
};

inline constexpr std::size_t n_parse_errors = 13;

/// Stable snake_case name of \p e (metrics label, summary key).
[[nodiscard]] const char* to_string(parse_error e) noexcept;

/// Counters of the parser: one per outcome. Single writer (the RX thread that parses).
struct parse_stats {
    std::uint64_t accepted = 0;          ///< datagrams that parsed
    std::uint64_t trailing_bytes = 0;    ///< accepted datagrams longer than Message Length (§11.2)
    std::uint64_t unknown_options = 0;   ///< TLVs of unknown type, skipped and kept (§11.5)
    std::uint64_t segmentation_option_not_first = 0; ///< accepted anyway (§11.5)
    std::array<std::uint64_t, n_parse_errors> rejected{}; ///< by parse_error

    void count(parse_error e) noexcept { ++rejected[static_cast<std::size_t>(e)]; }
    [[nodiscard]] std::uint64_t rejected_total() const noexcept
    {
        std::uint64_t n = 0;
        for (const auto v : rejected) {
            n += v;
        }
        return n;
    }
};

} // namespace udpn::udpnotif
