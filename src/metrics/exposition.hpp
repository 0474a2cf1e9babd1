/// \file
/// Prometheus text exposition format 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): metric families as values
/// (family, sample), and the writer that turns them into text:
///
///   # HELP udpnotif_header_rejected_total Datagrams dropped: UDP-notif header refused, by reason.
///   # TYPE udpnotif_header_rejected_total counter
///   udpnotif_header_rejected_total{reason="too_short"} 0
///
/// Every family is written once, HELP and TYPE before its samples; names, label names and label
/// sets are checked while writing (a bad or repeated one is a programming error: std::logic_error).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace udpn::metrics {

/// Prometheus metric type.
enum class metric_type : std::uint8_t {
    counter,   ///< only goes up (resets with the process); its name ends in `_total`
    gauge,     ///< a value now (queue depth, entries held, flags)
    histogram, ///< cumulative `_bucket{le=...}` samples, `_sum`, `_count` (sample::suffix)
};

/// "counter", "gauge" or "histogram". Thread: any.
[[nodiscard]] const char* to_string(metric_type t) noexcept;

/// A sample value: counters and most gauges are exact integers; times are reals.
using number = std::variant<std::uint64_t, std::int64_t, double>;

/// One label of a sample.
struct label {
    std::string name;  ///< `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`
    std::string value; ///< any UTF-8 text (escaped when written)
};

/// One sample of a family.
struct sample {
    sample() = default;
    /// Every member but the suffix is usually given; the constructor spares each call site the
    /// trailing members (and -Wmissing-field-initializers).
    sample(std::vector<label> labels_, number value_, bool drop_ = false, std::string suffix_ = {})
        : labels(std::move(labels_)), value(value_), drop(drop_), suffix(std::move(suffix_))
    {
    }

    std::vector<label> labels;
    number value = std::uint64_t{0};
    /// The value counts data the receiver dropped (DESIGN.md §2); the rate line lists these.
    bool drop = false;
    /// Appended to the family name for this sample: histograms only (`_bucket`, `_sum`,
    /// `_count`); empty for counters and gauges.
    std::string suffix;
};

/// A metric family: one name, one HELP, one TYPE, its samples (each label set once).
struct family {
    std::string name; ///< full sample name, `_total` included for counters
    std::string help;
    metric_type type = metric_type::gauge;
    std::vector<sample> samples;
};

/// True when \p name is a valid metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`. Thread: any.
[[nodiscard]] bool valid_metric_name(std::string_view name) noexcept;
/// True when \p name is a valid label name, `[a-zA-Z_][a-zA-Z0-9_]*` not starting with `__`
/// (reserved). Thread: any.
[[nodiscard]] bool valid_label_name(std::string_view name) noexcept;

/// Appends \p value escaped for a label value: `\` -> `\\`, `"` -> `\"`, newline -> `\n`.
void append_label_value(std::string& out, std::string_view value);
/// Appends \p help escaped for a HELP line: `\` -> `\\`, newline -> `\n`.
void append_help(std::string& out, std::string_view help);
/// Appends \p v as the text format wants it: integers exactly, reals in shortest round-trip
/// form, `NaN`, `+Inf`, `-Inf`.
void append_number(std::string& out, const number& v);

/// Builds one exposition text. Thread: one at a time (an instance per scrape).
class exposition_writer {
  public:
    /// Writes `# HELP` and `# TYPE` of a new family; following add() calls belong to it.
    /// @throws std::logic_error when \p name is not a valid metric name, was written before,
    ///         or is a counter whose name does not end in `_total`.
    void begin(std::string_view name, std::string_view help, metric_type type);
    /// Writes one sample of the current family, named the family's name + \p suffix (a
    /// histogram's `_bucket`, `_sum`, `_count`; empty otherwise).
    /// @throws std::logic_error before any begin(), for an invalid or repeated label name, a
    ///         label set already written in this family, or a suffix outside a histogram.
    void add(std::span<const label> labels, const number& value, std::string_view suffix = {});
    /// Writes a whole family (begin + add per sample).
    void write(const family& f);
    /// The text so far. Thread: the owner.
    [[nodiscard]] const std::string& text() const noexcept { return _out; }
    /// Moves the text out; the writer is empty afterwards (families written are remembered).
    [[nodiscard]] std::string take() noexcept { return std::move(_out); }

  private:
    std::string _out;
    std::string _current;                        ///< name of the open family ("" before begin())
    metric_type _current_type = metric_type::gauge;
    std::unordered_set<std::string> _names;      ///< families written (checked for repeats)
    std::unordered_set<std::string> _label_sets; ///< label sets of the open family
};

/// The exposition text of \p families, in order. @throws std::logic_error (see the writer).
[[nodiscard]] std::string render(std::span<const family> families);

/// Content-Type of the text format 0.0.4.
inline constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

} // namespace udpn::metrics
