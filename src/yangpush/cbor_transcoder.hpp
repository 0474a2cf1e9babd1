/// \file
/// CBOR (media type 3, `application/yang-data+cbor`, PROTOCOL.md §1) to RFC 7951 JSON text, so
/// that json_decoder reads a CBOR notification like a JSON one and the envelope payload carries
/// JSON. Name-based encoding only (RFC 9254 §3.3: map keys are text strings qualified like
/// RFC 7951 member names); SID-keyed documents are detected and refused.
///
/// Schema-free: the mapping is per CBOR type. What that means for RFC 7951 conformance:
/// - unsigned/negative integers stay JSON numbers. RFC 7951 §6.1 wants int64/uint64 (and
///   decimal64) as strings, but without the schema a CBOR integer does not say whether its leaf
///   is 64-bit, so numbers are kept as numbers (their values are exact).
/// - tag 4 (decimal fraction, RFC 9254 §6.3 decimal64) becomes a JSON string `"12.34"`.
/// - byte strings (binary, RFC 9254 §6.6) become base64 strings (RFC 4648 §4, padded).
/// - null as a map member value is YANG `empty` (RFC 9254 §6.9) and becomes `[null]`
///   (RFC 7951 §6.9); null anywhere else becomes `null`.
/// - tags 43-46 (union/SID value forms of RFC 9254 §6.7, §6.10, §6.13) need the schema and are
///   refused; tag 47 (absolute SID) and integer map keys are refused as SID encoding; any other
///   tag (1 epoch time, 0, 55799, bignums 2/3, …) is unwrapped and counted.
/// The streaming decoder of libcbor is used (callbacks over the input, no item tree), so a
/// transcode allocates nothing once the caller's output string has grown to its working size.
#pragma once

#include "common/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::yangpush {

/// Why a CBOR payload could not be transcoded. One counter per reason.
enum class cbor_transcode_error : std::uint8_t {
    too_large,     ///< the payload is longer than cbor_transcoder_config::max_input_bytes
    truncated,     ///< the input ends inside an item (or is empty)
    invalid_cbor,  ///< not well-formed CBOR: reserved or unassigned initial byte, stray break,
                   ///< a chunk of another type inside an indefinite-length string
    trailing_data, ///< octets after the top-level item
    not_a_map,     ///< the top-level item is not a map (a notification is a JSON object)
    sid_keys,      ///< an integer map key or tag 47: SID-based CBOR (RFC 9254 §3.2), unsupported
    bad_key,       ///< a map key that is neither a text string nor an integer
    schema_needed, ///< tags 43-46 (bits/enum/identityref/instance-identifier forms in unions
                   ///< or as SIDs) cannot be converted without the schema
    bad_decimal,   ///< tag 4 not followed by [integer exponent, integer mantissa] in range
    invalid_utf8,  ///< a text string is not well-formed UTF-8
    no_json_form,  ///< undefined, NaN or an infinity: no JSON representation
    too_deep,      ///< nesting deeper than cbor_transcoder_config::max_depth
    output_too_large, ///< the JSON text would exceed cbor_transcoder_config::max_output_bytes
    out_of_memory,    ///< growing the output string failed
};

inline constexpr std::size_t n_cbor_transcode_errors = 14;

/// Stable snake_case name of \p e (for logs and metrics labels). Thread: any.
[[nodiscard]] const char* to_string(cbor_transcode_error e) noexcept;

/// Limits of one cbor_transcoder. Thread: start-up.
struct cbor_transcoder_config {
    /// Largest payload accepted, octets (checked before decoding).
    std::size_t max_input_bytes = 16u << 20;
    /// Largest JSON text produced, octets (base64 grows byte strings by 4/3, escaping up to 6x).
    std::size_t max_output_bytes = 64u << 20;
    /// Deepest nesting of arrays, maps, tag 4 and indefinite-length strings; 1..1024.
    std::uint32_t max_depth = 128;
};

/// CBOR transcoder counters. Single writer (the worker owning the transcoder).
struct cbor_transcode_stats {
    std::uint64_t transcoded = 0; ///< payloads turned into JSON
    std::array<std::uint64_t, n_cbor_transcode_errors>
        failed{};                     ///< failures, by cbor_transcode_error
    std::uint64_t tags_unwrapped = 0; ///< tags other than 4 dropped from the output
    void count(cbor_transcode_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

/// The problems of \p config that cbor_transcoder refuses (max_depth outside 1..1024), one line
/// each, named by field; empty when it is usable. Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const cbor_transcoder_config& config);

/// Turns name-based YANG CBOR (RFC 9254) into RFC 7951 JSON text. One per worker; reuses its
/// decoding state, and allocates nothing per message when the output string has capacity.
class cbor_transcoder {
  public:
    /// Throws std::invalid_argument when max_depth is outside 1..1024 (start-up only).
    explicit cbor_transcoder(const cbor_transcoder_config& config = {});
    ~cbor_transcoder();
    cbor_transcoder(const cbor_transcoder&) = delete;
    cbor_transcoder& operator=(const cbor_transcoder&) = delete;

    /// Writes the JSON text of the CBOR item \p cbor into \p json (cleared first; its capacity is
    /// reused). On success returns a view of \p json; the caller pads it for json_decoder. On
    /// failure \p json is left empty, the reason is counted in stats() and described by
    /// last_error_detail(). Never throws.
    /// Thread: the owning worker.
    [[nodiscard]] result<std::string_view, cbor_transcode_error>
    transcode(std::string_view cbor, std::string& json) noexcept;

    /// Counters since construction. Thread: the owning worker (or a reader tolerating tearing).
    [[nodiscard]] const cbor_transcode_stats& stats() const noexcept { return _stats; }

    /// One line about the last failure (reason and input offset); empty after a success.
    /// Valid until the next transcode(). Thread: the owning worker.
    [[nodiscard]] std::string_view last_error_detail() const noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> _impl;
    cbor_transcode_stats _stats;
};

} // namespace udpn::yangpush
