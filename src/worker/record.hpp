/// \file
/// What a worker stage hands on for one message: a Kafka record (topic, optional key, value,
/// headers) as views into the stage's buffers, and the sink interface that takes it (an
/// in-memory collector in tests, a ring towards a producer thread in the receiver).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace udpn::worker {

/// One record header (name, value), views.
struct header {
    std::string_view name;
    std::string_view value;
};

/// Why a record exists.
enum class record_kind : unsigned char {
    telemetry,   ///< an ietf-telemetry-message envelope (data or state change notification)
    dead_letter, ///< the raw payload of an undecodable message (worker_config::dead_letter_topic)
};

/// One Kafka record. Every view points into the stage (or the message) that produced it and is
/// valid until the next process() on that stage.
struct record {
    record_kind kind = record_kind::telemetry;
    std::string_view topic;
    bool has_key = false; ///< false: produce with a null key (§9 knob 3, dead letters)
    std::string_view key;
    std::string_view value;
    std::span<const header> headers;
    /// The string that holds `value` when the stage owns it (its envelope buffer; nullptr for
    /// a dead letter, whose value is the message's payload). A sink may take the value
    /// without copying it by swapping this string with one of its own: the stage writes its
    /// next record into the string it got back (after clearing it, keeping its capacity).
    std::string* value_storage = nullptr;
};

/// Receives the records of a stage. Thread: the stage's worker.
class record_sink {
  public:
    virtual ~record_sink() = default;
    /// Takes one record; copy what must outlive the next process() call. Must not throw.
    /// Thread: the stage's worker.
    virtual void on_record(const record& r) noexcept = 0;
};

} // namespace udpn::worker
