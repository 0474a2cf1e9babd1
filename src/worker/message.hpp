/// \file
/// One whole UDP-notif message as a worker receives it (DESIGN.md §2): the payload, padded for
/// the JSON decoder, and the metadata the envelope and key need. Plain views; the RX side
/// (input/ or dpdk-app/) fills it from its own buffers.
#pragma once

#include "net/endpoint.hpp"

#include <cstdint>
#include <string_view>

namespace udpn::worker {

/// Input of stage::process(). Thread: built by the caller, read during process() only.
struct message {
    /// The message payload. At least yangpush::required_padding (64) readable octets (any value)
    /// must follow payload.data() + payload.size() (reassembled buffers are padded from birth).
    std::string_view payload;
    /// UDP source of the message: export-address/-port; its address is the exporter identity
    /// of the subscription table (PROTOCOL.md §4).
    net::endpoint exporter;
    /// Local UDP endpoint it arrived on (collection-address/-port); family none: unknown.
    net::endpoint collector;
    std::uint32_t publisher_id = 0; ///< UDP-notif header Publisher ID (§1)
    std::uint32_t message_id = 0;   ///< UDP-notif header Message ID (§1)
    std::uint8_t media_type = 1;    ///< UDP-notif header MT (1 JSON, 2 XML, 3 CBOR)
    bool s_flag = false;            ///< UDP-notif header S: private media type space
    /// Wall clock when the message was collected: the datagram that completed it (PROTOCOL.md
    /// §11.24), nanoseconds since the Unix epoch.
    std::int64_t collection_time_ns = 0;
};

} // namespace udpn::worker
