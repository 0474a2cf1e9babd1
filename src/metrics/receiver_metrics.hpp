/// \file
/// The whole /metrics text of udpnotif-recv: process families, then the pipeline's.
#pragma once

#include "metrics/process_metrics.hpp"
#include "pipeline/pipeline.hpp"

#include <string>

namespace udpn::metrics {

/// Exposition text of \p info's process families and every family of \p stats.
/// Thread: any. @throws std::bad_alloc, std::logic_error (a descriptor table is broken).
[[nodiscard]] std::string render_receiver_metrics(const pipeline::thread_stats& stats,
                                                  const process_info& info);

} // namespace udpn::metrics
