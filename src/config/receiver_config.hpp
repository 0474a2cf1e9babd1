/// \file
/// Everything `udpnotif-recv` is configured with (DESIGN.md §4): the pipeline's own config
/// (every module's plain struct, aggregated by pipeline::pipeline_config) plus the settings of
/// the program around it (metrics endpoint, logging, the rate line, a run duration). Plain
/// data with in-class defaults (STYLE.md §4 rule 10); filled once from the option table
/// (config/options.hpp) by the config file and the command line, validated once, read-only
/// afterwards.
#pragma once

#include "pipeline/config.hpp"

#include <cstdint>
#include <string>

namespace udpn::config {

/// Lowest severity of the log lines written.
enum class log_level : std::uint8_t { trace, debug, info, warn, error };

/// How log lines are written: plain text, or one JSON object per line.
enum class log_format : std::uint8_t { text, json };

/// Stable snake_case name of \p l, as written in the configuration. Thread: any.
[[nodiscard]] const char* to_string(log_level l) noexcept;
/// Stable snake_case name of \p f, as written in the configuration. Thread: any.
[[nodiscard]] const char* to_string(log_format f) noexcept;

/// The Prometheus endpoint. The config module only carries the value; the metrics module
/// serves it.
struct metrics_config {
    /// `ADDR:PORT` (or `[V6ADDR]:PORT`) the HTTP endpoint listens on; empty: no endpoint.
    std::string listen = "127.0.0.1:9464";
};

/// The process logger. Carried for the logging code; not interpreted here.
struct log_config {
    log_level level = log_level::info;
    log_format format = log_format::text;
};

/// The whole configuration of one `udpnotif-recv` process. Thread: read-only once loaded.
struct receiver_config {
    /// RX threads, queues, workers, producers and every module they build.
    pipeline::pipeline_config pipeline;
    metrics_config metrics;
    log_config log;
    /// Seconds between rate lines on stderr; 0: none.
    double stats_interval_s = 5;
    /// Stop after this many seconds; 0: run until SIGINT or SIGTERM.
    double duration_s = 0;
};

} // namespace udpn::config
