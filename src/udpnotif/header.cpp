#include "udpnotif/header.hpp"

namespace udpn::udpnotif {

result<header_view, parse_error> parse(byte_span datagram, const parse_config& cfg) noexcept
{
    // PROTOCOL.md §2 step 1, in the order a datagram's octets are met.
    if (datagram.size() < fixed_header_len) {
        return parse_error::too_short;
    }
    const std::uint8_t* p = datagram.data();
    header_view h;
    h.version = static_cast<std::uint8_t>(p[0] >> 5);
    h.s_flag = ((p[0] >> 4) & 1u) != 0;
    h.media_type = static_cast<std::uint8_t>(p[0] & 0x0f);
    h.header_len = p[1];
    h.message_len = load_be16(p + 2);
    h.publisher_id = load_be32(p + 4);
    h.message_id = load_be32(p + 8);

    // §11.4: Ver 1 only, unless the legacy knob lets Ver 0 (same layout) through.
    if (h.version != current_version && !(h.version == 0 && cfg.accept_version0)) {
        return parse_error::unsupported_version;
    }
    if (h.header_len < fixed_header_len) {
        return parse_error::header_len_too_small;
    }
    if (h.header_len > h.message_len) {
        return parse_error::header_len_exceeds_message;
    }
    if (h.message_len > datagram.size()) {
        return parse_error::message_len_exceeds_datagram;
    }
    // §1: MT 0 is reserved when S = 0; §11.6: private and unassigned types are knobs.
    if (h.s_flag) {
        if (!cfg.accept_private_media) {
            return parse_error::private_media_type;
        }
    } else if (h.media_type == 0) {
        return parse_error::reserved_media_type;
    } else if (h.media_type > 3 && !cfg.accept_unassigned_media) {
        return parse_error::unassigned_media_type;
    }

    // §1.1: TLVs between octet 12 and Header Len; Length counts Type and Length octets.
    h.options = datagram.subspan(fixed_header_len, h.header_len - fixed_header_len);
    std::size_t off = 0;
    std::size_t index = 0;
    while (off < h.options.size()) {
        if (h.options.size() - off < 2) {
            return parse_error::option_truncated;
        }
        const std::uint8_t type = h.options[off];
        const std::uint8_t len = h.options[off + 1];
        if (len < 2) {
            return parse_error::option_length_too_small;
        }
        if (off + len > h.options.size()) {
            return parse_error::option_overrun;
        }
        if (type == option_segmentation) {
            // §11.5: Length must be 4; a second segmentation option is contradictory.
            if (len != segmentation_option_len) {
                return parse_error::segmentation_option_bad_length;
            }
            if (h.segmented) {
                return parse_error::duplicate_segmentation_option;
            }
            const std::uint16_t field = load_be16(h.options.data() + off + 2);
            h.segmented = true;
            h.segment_number = static_cast<std::uint16_t>(field >> 1);
            h.last_segment = (field & 1u) != 0;
            h.segmentation_not_first = index != 0;
        } else {
            // Unknown (or no longer defined, e.g. private-encoding type 2): skip by Length, keep.
            ++h.n_other_options;
        }
        off += len;
        ++index;
    }

    h.payload = datagram.subspan(h.header_len, h.message_len - h.header_len);
    h.trailing = datagram.size() - h.message_len;
    return h;
}

result<header_view, parse_error> parse_counted(byte_span datagram, const parse_config& cfg,
                                               parse_stats& stats) noexcept
{
    auto r = parse(datagram, cfg);
    if (!r) {
        stats.count(r.error());
        return r;
    }
    ++stats.accepted;
    stats.trailing_bytes += r->trailing != 0 ? 1u : 0u;
    stats.unknown_options += r->n_other_options;
    stats.segmentation_option_not_first += r->segmentation_not_first ? 1u : 0u;
    return r;
}

} // namespace udpn::udpnotif
