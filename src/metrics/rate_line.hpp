/// \file
/// The rate line udpnotif-recv logs every stats interval: throughput since the previous line and
/// every drop counter that is not zero, one line in the configured log format:
///
///   2025-01-31T12:00:01.000Z info stats rates interval_s=1 datagrams_per_s=2000 messages_per_s=
///   1000 records_per_s=1000 delivered_per_s=998.5 drops=2 drops_total=7
///   header_rejected.too_short=5 rx_queue_full_drops=2
///
/// Drop counters are the samples the descriptor tables mark as drops (pipeline_metrics.hpp),
/// named after their family without `udpnotif_` and `_total`, with the label value appended
/// after a dot; their values are totals since start. `drops` counts those in this interval.
#pragma once

#include "log/log.hpp"
#include "pipeline/pipeline.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace udpn::metrics {

/// The totals one rate line is computed from.
struct rate_snapshot {
    std::uint64_t datagrams = 0; ///< datagrams received (RX path)
    std::uint64_t messages = 0;  ///< whole messages handed to the workers
    std::uint64_t records = 0;   ///< records the workers emitted
    std::uint64_t delivered = 0; ///< records acknowledged by Kafka
    /// Every drop counter (zero ones included), in exposition order: key -> total.
    std::vector<std::pair<std::string, std::uint64_t>> drops;
    std::uint64_t drops_total = 0; ///< sum of drops
};

/// Takes the totals from \p stats. Thread: any. @throws std::bad_alloc.
[[nodiscard]] rate_snapshot take_rate_snapshot(const pipeline::thread_stats& stats);

/// What one rate line says.
struct rates {
    double interval_s = 0;
    double datagrams_per_s = 0; ///< rounded to 0.1
    double messages_per_s = 0;
    double records_per_s = 0;
    double delivered_per_s = 0;
    std::uint64_t drops = 0;       ///< dropped in the interval
    std::uint64_t drops_total = 0; ///< dropped since start
    /// Drop counters whose total is not zero: key -> total.
    std::vector<std::pair<std::string, std::uint64_t>> nonzero_drops;
};

/// Rates between \p before and \p now, \p seconds apart (a counter that went down, as after a
/// restart of a component, counts as 0). Thread: any. @throws std::bad_alloc.
[[nodiscard]] rates compute_rates(const rate_snapshot& before, const rate_snapshot& now,
                                  double seconds);

/// Logs \p r as one line: level info, component "stats", message "rates". Thread: any.
void log_rates(const rates& r) noexcept;

/// Keeps the previous snapshot between lines. Thread: one caller (the control thread).
class rate_reporter {
  public:
    /// Rates of the first line count from \p start_ns (monotonic ns) and zero counters.
    explicit rate_reporter(std::uint64_t start_ns) noexcept : _last_ns(start_ns) {}

    /// Computes the rates since the previous call and logs them (log_rates).
    /// @return what was logged. Thread: the owner. @throws std::bad_alloc.
    rates report(const pipeline::thread_stats& stats, std::uint64_t now_ns);

  private:
    rate_snapshot _last;
    std::uint64_t _last_ns;
};

} // namespace udpn::metrics
