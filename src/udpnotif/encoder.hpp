/// \file
/// Builds UDP-notif headers and splits a payload into segments (PROTOCOL.md §1, §1.1, §2).
/// For tests, tools and benchmarks: it allocates and throws std::invalid_argument on bad input.
/// write_header() is the allocation-free primitive underneath.
#pragma once

#include "common/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace udpn::udpnotif {

/// Header fields for encoding.
struct encode_params {
    std::uint8_t version = 1;
    bool s_flag = false;
    std::uint8_t media_type = 1; ///< 1 JSON, 2 XML, 3 CBOR
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    /// Raw extra option TLVs (type, length, value...), put after the segmentation option on
    /// segment 0 (and on an unsegmented message).
    std::vector<std::uint8_t> extra_options;
    /// Repeat extra_options on every segment, not only segment 0 (allowed by §2).
    bool repeat_options = false;
};

/// Segmentation option contents for write_header().
struct segment_info {
    std::uint16_t number = 0; ///< 0..32767
    bool last = false;
};

/// Writes a header (fixed part, optional segmentation option, then \p extra_options) to \p out.
/// @param message_len  the value of the Message Length field (header + this datagram's payload)
/// @return octets written (= Header Len), or 0 when \p out is too small or the header would
///         exceed 255 octets.
std::size_t write_header(std::uint8_t* out, std::size_t out_size, const encode_params& params,
                         std::optional<segment_info> seg, byte_span extra_options,
                         std::uint16_t message_len) noexcept;

/// One whole message in one datagram, without segmentation option.
/// @throws std::invalid_argument when it does not fit 65535 octets.
[[nodiscard]] std::vector<std::uint8_t> encode_message(const encode_params& params,
                                                       byte_span payload);

/// Splits \p payload into datagrams of at most \p max_segment_size octets (whole segment,
/// header included: the `max-segment-size` of ietf-udp-notif-transport). A payload that fits in
/// one datagram is sent unsegmented unless \p always_segment.
/// @throws std::invalid_argument when max_segment_size leaves no room for payload or more than
///         32768 segments would be needed.
[[nodiscard]] std::vector<std::vector<std::uint8_t>>
encode_segments(const encode_params& params, byte_span payload, std::size_t max_segment_size,
                bool always_segment = false);

} // namespace udpn::udpnotif
