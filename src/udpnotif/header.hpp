/// \file
/// UDP-notif header and option parsing (PROTOCOL.md §1, §1.1; validation per §2 step 1).
/// Parsing never allocates and never throws: it returns a header_view into the caller's bytes,
/// or the reason the datagram is rejected.
#pragma once

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "udpnotif/errors.hpp"

#include <cstddef>
#include <cstdint>

namespace udpn::udpnotif {

inline constexpr std::size_t fixed_header_len = 12;  ///< PROTOCOL.md §1
inline constexpr std::uint8_t current_version = 1;   ///< Ver = 1 since draft -07
inline constexpr std::uint8_t option_segmentation = 1; ///< option type 1 (§1.1)
inline constexpr std::uint8_t segmentation_option_len = 4;
inline constexpr std::uint16_t max_segment_number = 32767; ///< 15-bit field (§1.1)

/// Parser knobs. Defaults follow PROTOCOL.md §11.4 and §11.6.
struct parse_config {
    /// Also accept Ver = 0 with the v1 layout (udp-notif -01..-06 publishers, §11.4).
    bool accept_version0 = false;
    /// Accept S = 1 (private media types); rejected as private_media_type otherwise (§11.6).
    bool accept_private_media = false;
    /// Accept S = 0 with an unassigned MT (4..15); rejected as unassigned_media_type otherwise.
    bool accept_unassigned_media = false;
};

/// A parsed header. Spans point into the datagram given to parse(); they live as long as it.
struct header_view {
    std::uint8_t version = 0;
    bool s_flag = false;
    std::uint8_t media_type = 0; ///< MT, 4 bits
    std::uint8_t header_len = 0; ///< fixed header plus options, octets
    std::uint16_t message_len = 0; ///< this datagram's UDP-notif message (or segment), octets
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;

    bool segmented = false;          ///< a segmentation option is present
    std::uint16_t segment_number = 0; ///< valid when segmented
    bool last_segment = false;       ///< L flag; valid when segmented

    /// All options as received (octets 12..Header Len), segmentation option included.
    byte_span options;
    /// Number of options whose type is not segmentation (skipped, kept in `options`).
    std::uint8_t n_other_options = 0;
    /// The segmentation option was present but not the first option (accepted, §11.5).
    bool segmentation_not_first = false;
    /// Octets Header Len..Message Length: this datagram's part of the payload.
    byte_span payload;
    /// Octets after Message Length in the datagram (ignored, counted; §11.2).
    std::size_t trailing = 0;

    /// True when this datagram holds a whole message: no segmentation option, or segment 0
    /// with L = 1 (PROTOCOL.md §2 step 2).
    [[nodiscard]] bool is_whole_message() const noexcept
    {
        return !segmented || (segment_number == 0 && last_segment);
    }
};

/// Parses and validates one datagram's UDP-notif header and options.
/// @return the header, or the first rule of PROTOCOL.md §2 step 1 that the datagram breaks.
/// Thread: any (pure function).
[[nodiscard]] result<header_view, parse_error> parse(byte_span datagram,
                                                     const parse_config& cfg = {}) noexcept;

/// parse() plus counting into \p stats (accepted, rejected by reason, informational counters).
[[nodiscard]] result<header_view, parse_error> parse_counted(byte_span datagram,
                                                             const parse_config& cfg,
                                                             parse_stats& stats) noexcept;

/// Calls \p fn(type, value_span) for every option TLV in \p options (already validated by
/// parse()). Stops early when \p fn returns false.
template <typename Fn>
void for_each_option(byte_span options, Fn&& fn) noexcept(noexcept(fn(std::uint8_t{}, byte_span{})))
{
    std::size_t off = 0;
    while (off + 2 <= options.size()) {
        const std::uint8_t type = options[off];
        const std::uint8_t len = options[off + 1];
        if (len < 2 || off + len > options.size()) {
            return;
        }
        if (!fn(type, options.subspan(off + 2, len - 2u))) {
            return;
        }
        off += len;
    }
}

} // namespace udpn::udpnotif
