/// \file
/// The metric families of the pipeline's counters (DESIGN.md §2: every drop has a named counter
/// visible in metrics). Every field of every struct in pipeline::thread_stats becomes one family
/// `udpnotif_<stage>_<what>[_total]`, summed over the threads, or one sample per thread with a
/// `thread` label where the spread matters (queue depths, per-thread load, producer state).
/// Arrays indexed by an enum get one sample per element, labelled with the enum's to_string():
///
///   udpnotif_header_rejected_total{reason="too_short"}
///   udpnotif_reassembly_segments_total{verdict="duplicate"}
///   udpnotif_kafka_delivery_failed_total{error="timed_out"}
///   udpnotif_worker_queue_depth{thread="1"}
///
/// Stages: rx (rx_path + the RX thread's hand-off), header (UDP-notif parser), reassembly,
/// message_id (message-id gap tracker), buffer_pool, socket (recvmmsg source), worker (stage +
/// the worker thread's queue), decode, xml_transcode, cbor_transcode, key_resolve, key,
/// envelope, subscription, sequence, kafka, and schema_registry (the registry thread, when one
/// is configured: its families are 0 without one).
#pragma once

#include "metrics/exposition.hpp"
#include "metrics/health.hpp"
#include "pipeline/pipeline.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::metrics {

/// Prefix of every family of the receiver.
inline constexpr std::string_view name_prefix = "udpnotif_";

/// The families of \p stats, in a fixed order: udpnotif_threads{stage}, then every field of
/// rx_thread_stats, worker_thread_stats and producer_thread_stats. Works for any number of
/// threads (none included: summed families then hold 0, per-thread ones no sample).
/// Thread: any. @throws std::bad_alloc.
[[nodiscard]] std::vector<family> pipeline_families(const pipeline::thread_stats& stats);

/// One described member of a stats struct: where it lies (for the completeness test).
struct member_span {
    std::string_view name; ///< field name (or stage of a nested struct)
    std::size_t offset = 0;
    std::size_t size = 0;
    std::size_t align = 1;
};

/// The layout one descriptor table claims for its struct.
struct struct_layout {
    std::string_view type_name; ///< e.g. "input::rx_stats"
    std::size_t size = 0;       ///< sizeof the struct
    std::size_t align = 1;      ///< alignof the struct
    std::vector<member_span> members;
};

/// Every descriptor table (each module struct, and the three per-thread structs as nested
/// structs plus their own fields), for tests that prove every member is described exactly once.
/// Thread: any.
[[nodiscard]] std::vector<struct_layout> described_layouts();

/// Health judged from \p stats: any producer with `fatal` set makes it not ok.
/// Thread: any. @throws std::bad_alloc.
[[nodiscard]] health_status pipeline_health(const pipeline::thread_stats& stats);

} // namespace udpn::metrics
