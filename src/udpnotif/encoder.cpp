#include "udpnotif/encoder.hpp"

#include "udpnotif/header.hpp"

#include <algorithm>
#include <stdexcept>

namespace udpn::udpnotif {

std::size_t write_header(std::uint8_t* out, std::size_t out_size, const encode_params& params,
                         std::optional<segment_info> seg, byte_span extra_options,
                         std::uint16_t message_len) noexcept
{
    const std::size_t hlen =
        fixed_header_len + (seg ? segmentation_option_len : 0u) + extra_options.size();
    if (hlen > 255 || hlen > out_size) {
        return 0;
    }
    out[0] = static_cast<std::uint8_t>(((params.version & 0x7u) << 5) |
                                       (params.s_flag ? 0x10u : 0u) | (params.media_type & 0x0fu));
    out[1] = static_cast<std::uint8_t>(hlen);
    store_be16(out + 2, message_len);
    store_be32(out + 4, params.publisher_id);
    store_be32(out + 8, params.message_id);
    std::size_t off = fixed_header_len;
    if (seg) {
        // §1.1: Segment Number in the upper 15 bits, L in the lowest bit.
        out[off] = option_segmentation;
        out[off + 1] = segmentation_option_len;
        store_be16(out + off + 2,
                   static_cast<std::uint16_t>((seg->number << 1) | (seg->last ? 1u : 0u)));
        off += segmentation_option_len;
    }
    std::copy(extra_options.begin(), extra_options.end(), out + off);
    return hlen;
}

std::vector<std::uint8_t> encode_message(const encode_params& params, byte_span payload)
{
    const std::size_t hlen = fixed_header_len + params.extra_options.size();
    if (hlen > 255 || hlen + payload.size() > 65535) {
        throw std::invalid_argument("UDP-notif message does not fit one datagram (65535 octets)");
    }
    std::vector<std::uint8_t> dgram(hlen + payload.size());
    write_header(dgram.data(), dgram.size(), params, std::nullopt, params.extra_options,
                 static_cast<std::uint16_t>(dgram.size()));
    std::copy(payload.begin(), payload.end(), dgram.begin() + static_cast<std::ptrdiff_t>(hlen));
    return dgram;
}

std::vector<std::vector<std::uint8_t>> encode_segments(const encode_params& params,
                                                       byte_span payload,
                                                       std::size_t max_segment_size,
                                                       bool always_segment)
{
    max_segment_size = std::min<std::size_t>(max_segment_size, 65535);
    const std::size_t unsegmented_hlen = fixed_header_len + params.extra_options.size();
    if (!always_segment && unsegmented_hlen + payload.size() <= max_segment_size) {
        return {encode_message(params, payload)};
    }
    // Segment 0 carries every option; later ones only the segmentation option unless repeated.
    const std::size_t hlen0 = fixed_header_len + segmentation_option_len + params.extra_options.size();
    const std::size_t hlen_n =
        params.repeat_options ? hlen0 : fixed_header_len + segmentation_option_len;
    if (hlen0 > 255 || max_segment_size <= hlen0 || max_segment_size <= hlen_n) {
        throw std::invalid_argument("max_segment_size leaves no room for payload");
    }
    std::vector<std::vector<std::uint8_t>> out;
    std::size_t off = 0;
    std::uint32_t number = 0;
    do {
        const std::size_t hlen = number == 0 ? hlen0 : hlen_n;
        const std::size_t chunk = std::min(payload.size() - off, max_segment_size - hlen);
        const bool last = off + chunk == payload.size();
        if (number > max_segment_number) {
            throw std::invalid_argument("payload needs more than 32768 segments");
        }
        const byte_span opts = (number == 0 || params.repeat_options)
                                   ? byte_span(params.extra_options)
                                   : byte_span();
        std::vector<std::uint8_t> dgram(hlen + chunk);
        write_header(dgram.data(), dgram.size(), params,
                     segment_info{static_cast<std::uint16_t>(number), last}, opts,
                     static_cast<std::uint16_t>(dgram.size()));
        std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(off), chunk,
                    dgram.begin() + static_cast<std::ptrdiff_t>(hlen));
        out.push_back(std::move(dgram));
        off += chunk;
        ++number;
    } while (off < payload.size());
    return out;
}

} // namespace udpn::udpnotif
