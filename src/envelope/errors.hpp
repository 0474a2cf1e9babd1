/// \file
/// Why an envelope could not be written, and the envelope writer's counters. Errors are values
/// (STYLE.md §4.5): each has its own counter; nothing on the data path throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::envelope {

enum class envelope_error : std::uint8_t {
    too_large,         ///< the envelope would exceed envelope_config::max_output_bytes
    no_export_address, ///< the exporter address is unknown (family none): a mandatory leaf
    no_notification,   ///< the notification view is empty (no document / contents to carry)
};

inline constexpr std::size_t n_envelope_errors = 3;

/// Stable snake_case name of \p e (metrics label). Thread: any.
[[nodiscard]] const char* to_string(envelope_error e) noexcept;

/// Counters of one envelope_writer. Single writer (the worker that owns it); a stats reader
/// copies them.
struct envelope_stats {
    std::uint64_t written = 0;                             ///< envelopes written
    std::uint64_t bytes_written = 0;                       ///< octets of all envelopes written
    std::array<std::uint64_t, n_envelope_errors> failed{}; ///< by envelope_error
    /// Envelopes written without subscription metadata (PROTOCOL.md §11.7):
    /// `yang-push-subscription` then holds only `id`, or is omitted when the notification has no
    /// `id`.
    std::uint64_t unknown_subscription = 0;
    /// Legacy-wrapper (or, with strip_envelope, envelope) inputs whose payload was reduced to the
    /// notification member (§11.23).
    std::uint64_t payload_stripped = 0;
    /// Event times that are not a valid yang:date-and-time and were left out of the
    /// envelope's metadata (still present in an unstripped payload).
    std::uint64_t event_time_dropped = 0;
    /// Subtree filters whose text is not a JSON object and were left out (anydata needs one).
    std::uint64_t subtree_filter_dropped = 0;

    void count(envelope_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

} // namespace udpn::envelope
