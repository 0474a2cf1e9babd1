/// \file
/// The UDP-notif messages the DTLS tests and benchmark send: publisher 7, Message ID \p id, a
/// JSON payload of \p payload_size octets that names the id (`{"n":<id>,"pad":"xx…"}`).
#pragma once

#include "common/bytes.hpp"
#include "udpnotif/encoder.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::test {

inline std::vector<std::uint8_t> numbered_message(std::uint32_t id, std::size_t payload_size)
{
    udpnotif::encode_params p;
    p.publisher_id = 7;
    p.message_id = id;
    std::string payload = "{\"n\":" + std::to_string(id) + ",\"pad\":\"";
    payload.append(payload_size > payload.size() + 2 ? payload_size - payload.size() - 2 : 0, 'x');
    payload += "\"}";
    return udpnotif::encode_message(
        p, byte_span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()));
}

} // namespace udpn::test
