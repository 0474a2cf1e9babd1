#include "log/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace udpn::log {

namespace {

/// The sink and the settings. The logger formats nothing itself (pattern "%v"): lines are
/// built by format_line() so both formats are exact and testable.
struct state {
    std::atomic<level> min_level{level::info};
    std::atomic<format> line_format{format::text};
    std::mutex mutex; ///< guards logger (swapped by configure(), copied by write())
    std::shared_ptr<spdlog::logger> logger;
};

state& global() noexcept
{
    static state s;
    return s;
}

std::shared_ptr<spdlog::logger> make_logger(spdlog::sink_ptr sink)
{
    auto logger = std::make_shared<spdlog::logger>("udpn", std::move(sink));
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace); // filtering is ours (min_level)
    logger->flush_on(spdlog::level::trace);  // one line at a time, never held back
    return logger;
}

spdlog::level::level_enum to_spdlog(level l) noexcept
{
    switch (l) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
    }
    return spdlog::level::err;
}

void append_u64(std::string& out, std::uint64_t v)
{
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

void append_i64(std::string& out, std::int64_t v)
{
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

/// Shortest text that reads back as \p v; only for finite values.
void append_real(std::string& out, double v)
{
    std::array<char, 32> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

/// RFC 3339 UTC with milliseconds: 2025-01-31T12:00:00.123Z.
void append_timestamp(std::string& out, std::int64_t unix_ns)
{
    if (unix_ns < 0) {
        unix_ns = 0;
    }
    const std::time_t secs = static_cast<std::time_t>(unix_ns / 1'000'000'000);
    const int ms = static_cast<int>((unix_ns % 1'000'000'000) / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::array<char, 40> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                tm.tm_sec, ms);
    if (n > 0) {
        out.append(buf.data(), static_cast<std::size_t>(n));
    }
}

/// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4), 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept
{
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    const std::size_t left = s.size() - i;
    const auto cont = [&](std::size_t k) { return (b(k) & 0xC0u) == 0x80u; };
    if (c >= 0xC2 && c <= 0xDF) {
        return left >= 2 && cont(i + 1) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !cont(i + 1) || !cont(i + 2)) {
            return 0;
        }
        const unsigned char c1 = b(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
            return 0; // overlong, or a UTF-16 surrogate
        }
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) {
            return 0;
        }
        const unsigned char c1 = b(i + 1);
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
            return 0; // overlong, or above U+10FFFF
        }
        return 4;
    }
    return 0;
}

/// A text-format value needs quotes when it is empty or holds a space, `"`, `=`, `\` or a
/// control character (so `key=value` splits on spaces and `=` without ambiguity).
bool needs_quotes(std::string_view v) noexcept
{
    if (v.empty()) {
        return true;
    }
    for (const char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F || ch == '"' || ch == '=' || ch == '\\') {
            return true;
        }
    }
    return false;
}

/// Text-format message: printed as is, but control characters escaped so a line stays a line.
void append_text_message(std::string& out, std::string_view msg)
{
    for (const char ch : msg) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F) {
            append_json_escaped(out, std::string_view(&ch, 1));
        } else {
            out.push_back(ch);
        }
    }
}

void append_text_value(std::string& out, const field& f)
{
    switch (f.type) {
    case field::kind::string:
        if (needs_quotes(f.text)) {
            out.push_back('"');
            append_json_escaped(out, f.text);
            out.push_back('"');
        } else {
            out.append(f.text);
        }
        return;
    case field::kind::unsigned_integer: append_u64(out, f.uint); return;
    case field::kind::signed_integer: append_i64(out, f.sint); return;
    case field::kind::real:
        if (std::isnan(f.real)) {
            out.append("nan");
        } else if (std::isinf(f.real)) {
            out.append(f.real > 0 ? "inf" : "-inf");
        } else {
            append_real(out, f.real);
        }
        return;
    case field::kind::boolean: out.append(f.flag ? "true" : "false"); return;
    }
}

void append_json_value(std::string& out, const field& f)
{
    switch (f.type) {
    case field::kind::string:
        out.push_back('"');
        append_json_escaped(out, f.text);
        out.push_back('"');
        return;
    case field::kind::unsigned_integer: append_u64(out, f.uint); return;
    case field::kind::signed_integer: append_i64(out, f.sint); return;
    case field::kind::real:
        if (std::isfinite(f.real)) {
            append_real(out, f.real);
        } else {
            out.append("null"); // JSON has no NaN or infinity
        }
        return;
    case field::kind::boolean: out.append(f.flag ? "true" : "false"); return;
    }
}

void append_json_string(std::string& out, std::string_view s)
{
    out.push_back('"');
    append_json_escaped(out, s);
    out.push_back('"');
}

} // namespace

const char* to_string(level l) noexcept
{
    switch (l) {
    case level::trace: return "trace";
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    }
    return "unknown";
}

bool parse_level(std::string_view text, level& out) noexcept
{
    static constexpr std::array<level, 5> all{level::trace, level::debug, level::info, level::warn,
                                              level::error};
    for (const level l : all) {
        if (text == to_string(l)) {
            out = l;
            return true;
        }
    }
    if (text == "warning") {
        out = level::warn;
        return true;
    }
    return false;
}

const char* to_string(format f) noexcept
{
    switch (f) {
    case format::text: return "text";
    case format::json: return "json";
    }
    return "unknown";
}

bool parse_format(std::string_view text, format& out) noexcept
{
    if (text == "text") {
        out = format::text;
        return true;
    }
    if (text == "json") {
        out = format::json;
        return true;
    }
    return false;
}

void append_json_escaped(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        const char ch = s[i];
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80) {
            const std::size_t n = utf8_sequence(s, i);
            if (n == 0) {
                out.append("\\ufffd"); // not UTF-8: one replacement character per byte
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (ch) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 0xF]);
            } else {
                out.push_back(ch);
            }
        }
        ++i;
    }
}

std::string format_line(format f, std::int64_t unix_ns, level l, std::string_view component,
                        std::string_view msg, std::span<const field> fields)
{
    std::string out;
    out.reserve(96 + msg.size() + fields.size() * 24);
    if (f == format::json) {
        out.append("{\"ts\":\"");
        append_timestamp(out, unix_ns);
        out.append("\",\"level\":\"");
        out.append(to_string(l));
        out.append("\",\"component\":");
        append_json_string(out, component);
        out.append(",\"msg\":");
        append_json_string(out, msg);
        out.append(",\"fields\":{");
        bool first = true;
        for (const field& fd : fields) {
            if (!first) {
                out.push_back(',');
            }
            first = false;
            append_json_string(out, fd.key);
            out.push_back(':');
            append_json_value(out, fd);
        }
        out.append("}}");
        return out;
    }
    append_timestamp(out, unix_ns);
    out.push_back(' ');
    out.append(to_string(l));
    out.push_back(' ');
    append_text_message(out, component);
    out.push_back(' ');
    append_text_message(out, msg);
    for (const field& fd : fields) {
        out.push_back(' ');
        append_text_message(out, fd.key);
        out.push_back('=');
        append_text_value(out, fd);
    }
    return out;
}

void configure(const log_config& config)
{
    auto logger = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    state& s = global();
    const std::lock_guard lock(s.mutex);
    s.logger = std::move(logger);
    s.min_level.store(config.min_level, std::memory_order_relaxed);
    s.line_format.store(config.line_format, std::memory_order_relaxed);
}

void configure(const log_config& config, std::ostream& out)
{
    auto logger = make_logger(std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true));
    state& s = global();
    const std::lock_guard lock(s.mutex);
    s.logger = std::move(logger);
    s.min_level.store(config.min_level, std::memory_order_relaxed);
    s.line_format.store(config.line_format, std::memory_order_relaxed);
}

log_config current_config() noexcept
{
    const state& s = global();
    return {s.min_level.load(std::memory_order_relaxed),
            s.line_format.load(std::memory_order_relaxed)};
}

bool enabled(level l) noexcept
{
    return l >= global().min_level.load(std::memory_order_relaxed);
}

void write(level l, std::string_view component, std::string_view msg,
           std::span<const field> fields) noexcept
{
    if (!enabled(l)) {
        return;
    }
    try {
        state& s = global();
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const std::string line =
            format_line(s.line_format.load(std::memory_order_relaxed),
                        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), l,
                        component, msg, fields);
        std::shared_ptr<spdlog::logger> logger;
        {
            const std::lock_guard lock(s.mutex);
            if (!s.logger) {
                s.logger = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
            }
            logger = s.logger;
        }
        logger->log(to_spdlog(l), spdlog::string_view_t(line.data(), line.size()));
    } catch (...) {
        // Logging never takes the process down (allocation failure, closed stderr).
    }
}

} // namespace udpn::log
