/// \file
/// Structured logging: a small facade over spdlog (STYLE.md, "Adjustments": spdlog/fmt for logs).
/// One line per event on stderr, in one of two formats chosen once at start-up:
///
///   text: `2025-01-31T12:00:00.123Z info pipeline started rx_threads=2 listen="127.0.0.1:0"`
///   json: `{"ts":"2025-01-31T12:00:00.123Z","level":"info","component":"pipeline",
///          "msg":"started","fields":{"rx_threads":2,"listen":"127.0.0.1:0"}}`
///
/// Start-up, shutdown, periodic and rare events only: never per packet or per message
/// (DESIGN.md §2 "logs nothing per packet"). Writing formats into a std::string and takes a lock
/// in spdlog's sink; the level check before it is one relaxed atomic load.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace udpn::log {

/// Severity, lowest first.
enum class level : std::uint8_t {
    trace, ///< step-by-step detail for debugging
    debug, ///< decisions worth seeing when diagnosing (configuration resolved, topics created)
    info,  ///< normal life-cycle events and the periodic rate line
    warn,  ///< something is wrong but the receiver carries on (drops, retries)
    error, ///< a failure that stops a component or the process
};

/// Stable lowercase name of \p l ("trace" .. "error"). Thread: any.
[[nodiscard]] const char* to_string(level l) noexcept;
/// Parses "trace", "debug", "info", "warn" (or "warning"), "error".
/// @return false (and \p out unchanged) for anything else. Thread: any.
[[nodiscard]] bool parse_level(std::string_view text, level& out) noexcept;

/// Line format.
enum class format : std::uint8_t {
    text, ///< `ts level component msg key=value ...`, values quoted when needed
    json, ///< one JSON object per line: ts, level, component, msg, fields
};

/// Stable name of \p f ("text", "json"). Thread: any.
[[nodiscard]] const char* to_string(format f) noexcept;
/// Parses "text" or "json". @return false (and \p out unchanged) otherwise. Thread: any.
[[nodiscard]] bool parse_format(std::string_view text, format& out) noexcept;

/// Logging options (the `log.*` options of the configuration).
struct log_config {
    /// Events below this level are not written.
    level min_level = level::info;
    /// Line format.
    format line_format = format::text;
};

/// One key=value pair of an event. Holds views: the key and a string value must outlive the
/// write() call (they are formatted at once, never stored).
struct field {
    enum class kind : std::uint8_t { string, unsigned_integer, signed_integer, real, boolean };

    field(std::string_view k, std::string_view v) noexcept : key(k), type(kind::string), text(v) {}
    field(std::string_view k, const char* v) noexcept
        : key(k), type(kind::string), text(v != nullptr ? v : "")
    {
    }
    field(std::string_view k, const std::string& v) noexcept : key(k), type(kind::string), text(v)
    {
    }
    field(std::string_view k, bool v) noexcept : key(k), type(kind::boolean), flag(v) {}
    field(std::string_view k, double v) noexcept : key(k), type(kind::real), real(v) {}
    template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>) field(std::string_view k, I v)
    noexcept : key(k)
    {
        if constexpr (std::is_signed_v<I>) {
            type = kind::signed_integer;
            sint = v;
        } else {
            type = kind::unsigned_integer;
            uint = v;
        }
    }

    std::string_view key;
    kind type = kind::string;
    std::string_view text;  ///< kind::string
    std::uint64_t uint = 0; ///< kind::unsigned_integer
    std::int64_t sint = 0;  ///< kind::signed_integer
    double real = 0;        ///< kind::real (non-finite: null in JSON, nan/inf in text)
    bool flag = false;      ///< kind::boolean
};

/// Sets the level and format, and sends every later line to stderr.
/// Thread: start-up (before the threads that log are started); safe but racy otherwise.
void configure(const log_config& config);
/// As configure(config), but lines go to \p out (tests). \p out must outlive every later write
/// or the next configure().
void configure(const log_config& config, std::ostream& out);
/// The configuration in effect (defaults until configure() is called). Thread: any.
[[nodiscard]] log_config current_config() noexcept;

/// True when events of level \p l are written: check it before building costly fields.
/// Thread: any.
[[nodiscard]] bool enabled(level l) noexcept;

/// Writes one event (when enabled(l)). Never throws: a failure to format or write is swallowed
/// (logging must not take the process down). Thread: any.
void write(level l, std::string_view component, std::string_view msg,
           std::span<const field> fields = {}) noexcept;
inline void write(level l, std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields) noexcept
{
    write(l, component, msg, std::span<const field>(fields.begin(), fields.size()));
}

inline void trace(std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields = {}) noexcept
{
    write(level::trace, component, msg, fields);
}
inline void debug(std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields = {}) noexcept
{
    write(level::debug, component, msg, fields);
}
inline void info(std::string_view component, std::string_view msg,
                 std::initializer_list<field> fields = {}) noexcept
{
    write(level::info, component, msg, fields);
}
inline void warn(std::string_view component, std::string_view msg,
                 std::initializer_list<field> fields = {}) noexcept
{
    write(level::warn, component, msg, fields);
}
inline void error(std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields = {}) noexcept
{
    write(level::error, component, msg, fields);
}

/// Formats one line (no newline) exactly as write() would, at wall time \p unix_ns
/// (nanoseconds since 1970). Pure; for tests and for callers that print elsewhere.
/// Thread: any. @throws std::bad_alloc.
[[nodiscard]] std::string format_line(format f, std::int64_t unix_ns, level l,
                                      std::string_view component, std::string_view msg,
                                      std::span<const field> fields);

/// Appends \p s to \p out as the inside of a JSON string (RFC 8259 §7): `"` and `\` escaped,
/// control characters as \n, \t, ... or \u00XX, invalid UTF-8 replaced by U+FFFD.
/// Thread: any. @throws std::bad_alloc.
void append_json_escaped(std::string& out, std::string_view s);

} // namespace udpn::log
