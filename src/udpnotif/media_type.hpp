/// \file
/// UDP-notif media types (PROTOCOL.md §1: IANA "UDP-Notif Media Types", S = 0).
#pragma once

#include <cstdint>

namespace udpn::udpnotif {

/// Standard media types (S = 0). Values 4..15 are unassigned; with S = 1 all 16 are private.
enum class media_type : std::uint8_t {
    reserved = 0, ///< MUST NOT be used (rejected when S = 0)
    json = 1,     ///< application/yang-data+json
    xml = 2,      ///< application/yang-data+xml
    cbor = 3,     ///< application/yang-data+cbor (RFC 9254)
};

/// Content type of a standard media type, or nullptr when \p mt is not one of 1..3.
[[nodiscard]] constexpr const char* content_type(std::uint8_t mt) noexcept
{
    switch (mt) {
    case 1: return "application/yang-data+json";
    case 2: return "application/yang-data+xml";
    case 3: return "application/yang-data+cbor";
    default: return nullptr;
    }
}

} // namespace udpn::udpnotif
