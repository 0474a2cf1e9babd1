#include "udpnotif/errors.hpp"

namespace udpn::udpnotif {

const char* to_string(parse_error e) noexcept
{
    switch (e) {
    case parse_error::too_short: return "too_short";
    case parse_error::unsupported_version: return "unsupported_version";
    case parse_error::header_len_too_small: return "header_len_too_small";
    case parse_error::header_len_exceeds_message: return "header_len_exceeds_message";
    case parse_error::message_len_exceeds_datagram: return "message_len_exceeds_datagram";
    case parse_error::reserved_media_type: return "reserved_media_type";
    case parse_error::unassigned_media_type: return "unassigned_media_type";
    case parse_error::private_media_type: return "private_media_type";
    case parse_error::option_truncated: return "option_truncated";
    case parse_error::option_length_too_small: return "option_length_too_small";
    case parse_error::option_overrun: return "option_overrun";
    case parse_error::segmentation_option_bad_length: return "segmentation_option_bad_length";
    case parse_error::duplicate_segmentation_option: return "duplicate_segmentation_option";
    }
    return "unknown";
}

} // namespace udpn::udpnotif
