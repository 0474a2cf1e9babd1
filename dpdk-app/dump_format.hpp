/// \file
/// Output of udpnotif-dump, exactly as docs/udpnotif-dump.md specifies: one JSON object per
/// line, keys in the documented order, no spaces. Plus the SHA-256 and the buffered writer it
/// needs.
#pragma once

#include "common/bytes.hpp"
#include "dpdk-app/packet_path.hpp"
#include "worker/errors.hpp"
#include "worker/record.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;
struct evp_md_st;

namespace udpn::dpdk {

/// SHA-256 through OpenSSL's EVP API, one context reused for every message (no allocation
/// per call).
class sha256 {
  public:
    static constexpr std::size_t digest_len = 32;
    using digest = std::array<std::uint8_t, digest_len>;

    /// @throws std::runtime_error when libcrypto has no SHA-256.
    sha256();
    ~sha256();
    sha256(const sha256&) = delete;
    sha256& operator=(const sha256&) = delete;

    /// SHA-256 of \p data (all zeros if libcrypto fails, which it does not for SHA-256).
    [[nodiscard]] digest hash(byte_span data) noexcept;

  private:
    evp_md_ctx_st* _ctx = nullptr;
    evp_md_st* _md = nullptr;
};

/// Longest line format_message_line() writes, newline included.
inline constexpr std::size_t message_line_max = 512;

/// Writes the message line of \p msg (with \p payload_digest) and a newline into \p out:
/// `{"src":..,"dst":..,"publisher_id":..,"message_id":..,"media_type":..,"s_flag":..,
/// "segments":..,"payload_len":..,"payload_sha256":".."}`.
/// @return characters written, 0 when \p out is too small.
std::size_t format_message_line(const message_view& msg, const sha256::digest& payload_digest,
                                std::span<char> out) noexcept;

/// The summary line (newline included) from the counters of a finished packet_path:
/// packets, datagrams, messages, incomplete (expired_messages), invalid (every parse_error in
/// enum order), reassembly (every verdict in enum order, then expired_segments, evicted_full,
/// evicted_memory), ip, skipped, message_ids; then, when \p worker is not empty (--envelopes),
/// `"worker":` followed by \p worker (a JSON object, see format_worker_stats()).
[[nodiscard]] std::string format_summary_line(const packet_stats& packets,
                                              const udpnotif::parse_stats& parse,
                                              const reassembly::reassembly_stats& reassembly,
                                              const reassembly::gap_stats& gaps,
                                              std::string_view worker = {});

/// The --envelopes line of \p r (newline included) into \p out (replaced; its capacity is
/// kept): `{"topic":"..","key":".."|null,"value":<value>}`. A telemetry record's value is the
/// envelope, embedded as JSON; a dead letter's raw payload is a JSON string. Thread: any.
void format_record_line(const worker::record& r, std::string& out);

/// The worker counters of --envelopes as one JSON object: messages, then every
/// worker::process_status, records, record_bytes, data_notifications, state_changes,
/// other_notifications, state_changes_rejected, unknown_subscription, suspended_data,
/// unsupported_media_type, decode_failed {every yangpush::decode_error}, dead_letters,
/// envelope_errors {every envelope::envelope_error}, resolutions, resolve_failed,
/// lazy_resolutions, subscriptions (\p subscriptions held at the end).
[[nodiscard]] std::string format_worker_stats(const worker::stage_stats& stats,
                                              std::size_t subscriptions);

/// Buffered output to a FILE (one fwrite per buffer-full), remembering write errors.
class output_writer {
  public:
    /// @param f         where to write (not owned)
    /// @param capacity  buffer size in octets
    explicit output_writer(std::FILE* f, std::size_t capacity = std::size_t{1} << 16);
    ~output_writer();
    output_writer(const output_writer&) = delete;
    output_writer& operator=(const output_writer&) = delete;

    /// Appends \p text; writes the buffer out first when it would overflow.
    void write(std::string_view text) noexcept;
    /// Writes out what is buffered and flushes the FILE. @return false on any write error.
    bool flush() noexcept;
    /// True once a write has failed (e.g. EPIPE: the reader went away).
    [[nodiscard]] bool failed() const noexcept { return _failed; }

  private:
    void drain() noexcept;

    std::FILE* _file;
    std::unique_ptr<char[]> _buf;
    std::size_t _capacity;
    std::size_t _used = 0;
    bool _failed = false;
};

} // namespace udpn::dpdk
