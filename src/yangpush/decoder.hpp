/// \file
/// JSON (media type 1) notification decoder on simdjson's on-demand parser (PROTOCOL.md §3).
/// One decoder per worker: the parser and its buffers are reused, so steady-state decoding
/// allocates nothing once the largest document size has been seen.
#pragma once

#include "common/result.hpp"
#include "yangpush/errors.hpp"
#include "yangpush/notification.hpp"

#include <cstddef>
#include <memory>
#include <string_view>

namespace udpn::yangpush {

/// Octets that must be readable (any value) after a payload given to decode().
inline constexpr std::size_t required_padding = 64; // == SIMDJSON_PADDING, checked in decoder.cpp

class json_decoder {
public:
    /// @param max_document_bytes  largest payload accepted; the parser reserves for it lazily.
    explicit json_decoder(std::size_t max_document_bytes = 16u << 20);
    ~json_decoder();
    json_decoder(const json_decoder&) = delete;
    json_decoder& operator=(const json_decoder&) = delete;

    /// Decodes one payload. \p payload must be followed by required_padding readable octets
    /// (reassembled messages are padded from birth, see reassembly_config::padding).
    /// Thread: the owning worker.
    [[nodiscard]] result<notification_view, decode_error> decode(std::string_view payload) noexcept;

    /// decode() plus counting into stats().
    [[nodiscard]] result<notification_view, decode_error> decode_counted(std::string_view payload) noexcept;

    [[nodiscard]] const decode_stats& stats() const noexcept { return _stats; }

private:
    struct impl;
    std::unique_ptr<impl> _impl;
    decode_stats _stats;
};

} // namespace udpn::yangpush
