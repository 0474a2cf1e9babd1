/// \file
/// What travels from an RX thread to a worker for one whole UDP-notif message: its metadata
/// (message_meta) and its payload, padded for simdjson, in a message_buffer drawn from the RX
/// thread's buffer_pool. Ownership passes as a `message_buffer*`; the buffer goes back to the
/// pool it came from (see buffer_pool.hpp for the return path).
#pragma once

#include "common/bytes.hpp"
#include "input/config.hpp"
#include "net/endpoint.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace udpn::input {

class buffer_pool;

/// Most option octets a message can carry: Header Len is one octet (PROTOCOL.md §1).
inline constexpr std::size_t max_options_len = 255 - 12;

/// Metadata of one whole message. Plain data, trivially copyable.
struct message_meta {
    net::endpoint exporter;  ///< source address:port of the (first) datagram
    net::endpoint collector; ///< local address:port the datagram was sent to (IP_PKTINFO /
                             ///< IPV6_PKTINFO on sockets; the frame's destination on DPDK)
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint8_t version = 0;     ///< header Ver (1, or 0 with the legacy knob)
    bool s_flag = false;          ///< S: private media type space (PROTOCOL.md §1)
    std::uint8_t media_type = 0;  ///< MT (1 JSON, 2 XML, 3 CBOR when S = 0)
    std::uint32_t n_segments = 1; ///< 1 for a message that came in one datagram
    /// Monotonic clock (ns) when the first / the completing datagram arrived; equal for a
    /// message in one datagram. This is the clock that drives the reassembly timeout.
    std::uint64_t first_rx_ns = 0;
    std::uint64_t last_rx_ns = 0;
    /// Wall clock (ns since the Unix epoch) when the completing datagram arrived: the
    /// collection timestamp (PROTOCOL.md §11 item 24).
    std::uint64_t collection_wall_ns = 0;
    /// Wall clock (ns since the Unix epoch) of the first datagram, derived as
    /// collection_wall_ns - (last_rx_ns - first_rx_ns): the wall clock is read per burst, the
    /// reassembly table keeps monotonic times only.
    std::uint64_t first_wall_ns = 0;
    /// Monotonic clock (CLOCK_MONOTONIC, ns) when this process received the completing
    /// datagram (its recvmmsg / rx_burst returned): the start of the arrival-to-produce latency
    /// (latency_histogram). Unlike last_rx_ns it is never capture time, also in pcap replay.
    std::uint64_t arrival_ns = 0;
};

static_assert(std::is_trivially_copyable_v<message_meta>);

/// One message: metadata, payload followed by payload_padding zero octets, and segment 0's
/// options other than segmentation (PROTOCOL.md §2 "Rebuild"). Created only by a buffer_pool,
/// which owns the memory; whoever holds the pointer owns the contents until it gives it back.
/// Not copyable, not movable (the pool keeps it at a fixed address).
/// Thread: whoever holds the pointer (the RX thread while it fills it, then the worker it was
/// handed to), one at a time; the hand-over queue orders the writes before the reads.
class message_buffer {
public:
    message_buffer(const message_buffer&) = delete;
    message_buffer& operator=(const message_buffer&) = delete;

    /// Metadata; written by the RX thread, read by the holder.
    message_meta meta;

    /// The payload octets (not including the padding).
    [[nodiscard]] byte_span payload() const noexcept { return byte_span(_data + _offset, _size); }
    /// The payload followed by its payload_padding zero octets (simdjson padded input).
    [[nodiscard]] byte_span padded() const noexcept
    {
        return byte_span(_data + _offset, _size + payload_padding);
    }
    /// Option TLVs other than segmentation, as received on segment 0 (raw, §1.1).
    [[nodiscard]] byte_span options() const noexcept
    {
        return byte_span(_options.data(), _options_len);
    }
    [[nodiscard]] std::size_t size() const noexcept { return _size; }
    /// Payload octets this buffer can hold.
    [[nodiscard]] std::size_t capacity() const noexcept { return _capacity; }
    /// Writable payload area of capacity() octets (for a producer filling it in place; call
    /// set_size() afterwards).
    [[nodiscard]] std::uint8_t* data() noexcept { return _data; }

    /// Sets the payload to the first \p n octets (<= capacity()) and zeroes the padding after it.
    /// Thread: the holder.
    void set_size(std::size_t n) noexcept { set_payload(0, n); }
    /// Sets the payload to the \p n octets at \p offset of data() (offset + n <= capacity():
    /// a datagram received into the buffer whole, its UDP-notif header before the payload) and
    /// zeroes the padding after it. Thread: the holder.
    void set_payload(std::size_t offset, std::size_t n) noexcept
    {
        _offset = offset;
        _size = n;
        std::memset(_data + offset + n, 0, payload_padding);
    }
    /// Copies \p payload (payload.size() <= capacity()) and zeroes the padding.
    void assign(byte_span payload) noexcept
    {
        if (!payload.empty()) {
            std::memcpy(_data, payload.data(), payload.size());
        }
        set_size(payload.size());
    }
    /// Clears the options, then appends TLVs with append_option().
    void clear_options() noexcept { _options_len = 0; }
    /// Appends one raw TLV (type, length, value). @return false when it does not fit.
    bool append_option(byte_span tlv) noexcept
    {
        if (tlv.size() > _options.size() - _options_len) {
            return false;
        }
        std::memcpy(_options.data() + _options_len, tlv.data(), tlv.size());
        _options_len = static_cast<std::uint8_t>(_options_len + tlv.size());
        return true;
    }

    /// The pool this buffer belongs to and must go back to.
    [[nodiscard]] buffer_pool* owner() const noexcept { return _owner; }
    /// Index of the RX thread that owns the pool (rx_path_config::owner_id): a consumer routes
    /// the buffer back to that thread's return queue.
    [[nodiscard]] std::uint32_t owner_id() const noexcept { return _owner_id; }

    /// Link for whoever holds the buffer out of its pool (the pipeline hands buffers over in
    /// linked batches, one queue operation per batch); the pool neither reads nor resets it.
    [[nodiscard]] message_buffer* link() const noexcept { return _link; }
    void set_link(message_buffer* next) noexcept { _link = next; }

private:
    friend class buffer_pool;
    message_buffer() = default;

    std::uint8_t* _data = nullptr;      // capacity + payload_padding octets, in the pool arena
    std::size_t _offset = 0;            // where the payload starts in _data
    std::size_t _size = 0;
    std::size_t _capacity = 0;
    buffer_pool* _owner = nullptr;
    message_buffer* _next_free = nullptr; // free-list link while in the pool
    message_buffer* _link = nullptr;      // the holder's batch link while out of the pool
    std::uint32_t _owner_id = 0;
    std::uint8_t _class = 0;            // size class index in the owner pool
    bool _in_use = false;               // handed out (catches double release)
    std::uint8_t _options_len = 0;
    std::array<std::uint8_t, max_options_len> _options{};
};

/// The name the pipeline uses for what travels from RX to a worker.
using message = message_buffer;

} // namespace udpn::input
