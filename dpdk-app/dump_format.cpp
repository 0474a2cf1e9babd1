#include "dpdk-app/dump_format.hpp"

#include <openssl/evp.h>

#include <cinttypes>
#include <cstring>
#include <stdexcept>

namespace udpn::dpdk {

sha256::sha256() : _ctx(EVP_MD_CTX_new()), _md(EVP_MD_fetch(nullptr, "SHA256", nullptr))
{
    if (_ctx == nullptr || _md == nullptr) {
        EVP_MD_free(_md);
        EVP_MD_CTX_free(_ctx);
        throw std::runtime_error("libcrypto: SHA-256 is not available");
    }
}

sha256::~sha256()
{
    EVP_MD_free(_md);
    EVP_MD_CTX_free(_ctx);
}

sha256::digest sha256::hash(byte_span data) noexcept
{
    digest d{};
    unsigned int len = 0;
    if (EVP_DigestInit_ex(_ctx, _md, nullptr) != 1 ||
        EVP_DigestUpdate(_ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(_ctx, d.data(), &len) != 1 || len != digest_len) {
        d.fill(0);
    }
    return d;
}

std::size_t format_message_line(const message_view& msg, const sha256::digest& payload_digest,
                                std::span<char> out) noexcept
{
    char src[net::endpoint_text_max];
    char dst[net::endpoint_text_max];
    if (msg.src.format(src) == 0) {
        std::strcpy(src, "?");
    }
    if (msg.dst.format(dst) == 0) {
        std::strcpy(dst, "?");
    }
    static constexpr char hex_digits[] = "0123456789abcdef";
    char hex[2 * sha256::digest_len + 1];
    for (std::size_t i = 0; i < sha256::digest_len; ++i) {
        hex[2 * i] = hex_digits[payload_digest[i] >> 4];
        hex[2 * i + 1] = hex_digits[payload_digest[i] & 0x0F];
    }
    hex[2 * sha256::digest_len] = '\0';
    const int n = std::snprintf(
        out.data(), out.size(),
        "{\"src\":\"%s\",\"dst\":\"%s\",\"publisher_id\":%" PRIu32 ",\"message_id\":%" PRIu32
        ",\"media_type\":%u,\"s_flag\":%s,\"segments\":%" PRIu32 ",\"payload_len\":%zu,"
        "\"payload_sha256\":\"%s\"}\n",
        src, dst, msg.publisher_id, msg.message_id, static_cast<unsigned>(msg.media_type),
        msg.s_flag ? "true" : "false", msg.n_segments, msg.payload.size(), hex);
    if (n < 0 || static_cast<std::size_t>(n) >= out.size()) {
        return 0;
    }
    return static_cast<std::size_t>(n);
}

namespace {

void append_field(std::string& s, const char* key, std::uint64_t value, bool first = false)
{
    char buf[96];
    const int n =
        std::snprintf(buf, sizeof(buf), "%s\"%s\":%" PRIu64, first ? "" : ",", key, value);
    s.append(buf, static_cast<std::size_t>(n));
}

} // namespace

std::string format_summary_line(const packet_stats& packets, const udpnotif::parse_stats& parse,
                                const reassembly::reassembly_stats& reassembly,
                                const reassembly::gap_stats& gaps, std::string_view worker)
{
    std::string s = "{\"summary\":{";
    append_field(s, "packets", packets.packets, true);
    append_field(s, "datagrams", packets.datagrams);
    append_field(s, "messages", packets.messages);
    append_field(s, "incomplete", reassembly.expired_messages);

    s += ",\"invalid\":{";
    for (std::size_t i = 0; i < udpnotif::n_parse_errors; ++i) {
        append_field(s, udpnotif::to_string(static_cast<udpnotif::parse_error>(i)),
                     parse.rejected[i], i == 0);
    }
    s += "},\"reassembly\":{";
    for (std::size_t i = 0; i < reassembly::n_verdicts; ++i) {
        append_field(s, reassembly::to_string(static_cast<reassembly::verdict>(i)),
                     reassembly.verdicts[i], i == 0);
    }
    append_field(s, "expired_segments", reassembly.expired_segments);
    append_field(s, "evicted_full", reassembly.evicted_full);
    append_field(s, "evicted_memory", reassembly.evicted_memory);

    s += "},\"ip\":{";
    append_field(s, "fragments", packets.ip_fragments, true);
    append_field(s, "reassembled", packets.ip_reassembled);
    append_field(s, "fragment_errors", packets.ip_fragment_errors);

    s += "},\"skipped\":{";
    append_field(s, "not_ip", packets.not_ip, true);
    append_field(s, "not_udp", packets.not_udp);
    append_field(s, "other_port", packets.other_port);
    append_field(s, "truncated", packets.truncated);

    s += "},\"message_ids\":{";
    append_field(s, "missing", gaps.missing, true);
    append_field(s, "late", gaps.late);
    append_field(s, "duplicates", gaps.duplicates);
    append_field(s, "resets", gaps.resets);
    s += "}";
    if (!worker.empty()) {
        s += ",\"worker\":";
        s += worker;
    }
    s += "}}\n";
    return s;
}

namespace {

/// \p text as a JSON string (RFC 8259 §7: quote, backslash and control characters escaped).
void append_json_string(std::string& out, std::string_view text)
{
    static constexpr char hex_digits[] = "0123456789abcdef";
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex_digits[u >> 4];
            out += hex_digits[u & 0x0F];
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

void format_record_line(const worker::record& r, std::string& out)
{
    out.clear();
    out += "{\"topic\":";
    append_json_string(out, r.topic);
    out += ",\"key\":";
    if (r.has_key) {
        append_json_string(out, r.key);
    } else {
        out += "null";
    }
    out += ",\"value\":";
    if (r.kind == worker::record_kind::telemetry) {
        out += r.value;
    } else {
        append_json_string(out, r.value);
    }
    out += "}\n";
}

std::string format_worker_stats(const worker::stage_stats& stats, std::size_t subscriptions)
{
    std::string s = "{";
    append_field(s, "messages", stats.messages, true);
    for (std::size_t i = 0; i < worker::n_process_statuses; ++i) {
        append_field(s, worker::to_string(static_cast<worker::process_status>(i)),
                     stats.statuses[i]);
    }
    append_field(s, "records", stats.records);
    append_field(s, "record_bytes", stats.record_bytes);
    append_field(s, "data_notifications", stats.data_notifications);
    append_field(s, "state_changes", stats.state_changes);
    append_field(s, "other_notifications", stats.other_notifications);
    append_field(s, "state_changes_rejected", stats.state_changes_rejected);
    append_field(s, "unknown_subscription", stats.unknown_subscription);
    append_field(s, "suspended_data", stats.suspended_data);
    append_field(s, "unsupported_media_type",
                 stats.of(worker::undecodable_reason::unsupported_media_type));
    append_field(s, "transcode_failed", stats.of(worker::undecodable_reason::transcode_failed));
    s += ",\"decode_failed\":{";
    for (std::size_t i = 0; i < yangpush::n_decode_errors; ++i) {
        append_field(s, yangpush::to_string(static_cast<yangpush::decode_error>(i)),
                     stats.decode_failed[i], i == 0);
    }
    s += "}";
    append_field(s, "dead_letters", stats.dead_letters);
    s += ",\"envelope_errors\":{";
    for (std::size_t i = 0; i < envelope::n_envelope_errors; ++i) {
        append_field(s, envelope::to_string(static_cast<envelope::envelope_error>(i)),
                     stats.envelope_failed[i], i == 0);
    }
    s += "}";
    append_field(s, "resolutions", stats.resolutions);
    append_field(s, "resolve_failed", stats.resolve_failed);
    append_field(s, "lazy_resolutions", stats.lazy_resolutions);
    append_field(s, "subscriptions", subscriptions);
    s += "}";
    return s;
}

output_writer::output_writer(std::FILE* f, std::size_t capacity)
    : _file(f), _buf(std::make_unique<char[]>(capacity)), _capacity(capacity)
{
}

output_writer::~output_writer()
{
    flush();
}

void output_writer::drain() noexcept
{
    if (_used != 0 && std::fwrite(_buf.get(), 1, _used, _file) != _used) {
        _failed = true;
    }
    _used = 0;
}

void output_writer::write(std::string_view text) noexcept
{
    if (_used + text.size() > _capacity) {
        drain();
    }
    if (text.size() > _capacity) {
        if (std::fwrite(text.data(), 1, text.size(), _file) != text.size()) {
            _failed = true;
        }
        return;
    }
    std::memcpy(_buf.get() + _used, text.data(), text.size());
    _used += text.size();
}

bool output_writer::flush() noexcept
{
    drain();
    if (std::fflush(_file) != 0 || std::ferror(_file) != 0) {
        _failed = true;
    }
    return !_failed;
}

} // namespace udpn::dpdk
