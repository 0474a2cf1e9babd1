/// \file
/// The receiver pipeline of kernel sockets (DESIGN.md §2): N RX threads (udp_socket +
/// recvmmsg_source + rx_path, run_rx_loop) -> bounded queues (oneTBB
/// concurrent_bounded_queue, one per RX thread and worker) -> M worker threads, each with its
/// own worker::stage and kafka::producer (one producer per worker shard) -> Kafka. A message
/// goes to worker hash(exporter address) % M, so all of one exporter meets one worker (its
/// subscription table). Buffers go back to the RX thread that owns their pool through one
/// return queue per RX thread, drained in run_rx_loop's housekeeping hook.
///
/// Backpressure: a full worker queue is retried for queue_full_wait_us, then the message is
/// dropped (counted; the buffer goes back to its pool). The producer's own queue is bounded
/// by librdkafka (kafka_config). Nothing grows.
///
/// Shutdown (stop()): RX threads stop and are joined (incomplete segments dropped, counted);
/// workers empty their queues, then flush their producers (flush_timeout_ms), purging and
/// reporting what is still undelivered. With a reachable cluster nothing is lost.
#pragma once

#include "envelope/errors.hpp"
#include "input/buffer_pool.hpp"
#include "input/rx_path.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "key/errors.hpp"
#include "kafka/stats.hpp"
#include "pipeline/config.hpp"
#include "reassembly/gap_tracker.hpp"
#include "reassembly/table.hpp"
#include "subscription/sequence.hpp"
#include "subscription/table.hpp"
#include "udpnotif/errors.hpp"
#include "worker/errors.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/errors.hpp"
#include "yangpush/xml_transcoder.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace udpn::pipeline {

/// Counters summed over every thread; any thread may take one with pipeline::stats().
struct pipeline_stats {
    // RX side
    std::uint64_t datagrams = 0;        ///< datagrams received
    std::uint64_t rx_bytes = 0;         ///< their octets
    std::uint64_t rx_messages = 0;      ///< whole messages handed to a worker queue
    std::uint64_t truncated = 0;        ///< dropped: datagram longer than the receive buffer
    std::uint64_t not_allowed = 0;      ///< dropped: source not in the allowlist
    std::uint64_t header_invalid = 0;   ///< dropped: UDP-notif header refused by the parser
    std::uint64_t reassembly_dropped = 0; ///< pending messages evicted (table full / memory cap)
    std::uint64_t reassembly_rejected = 0; ///< segment sets dropped by a verdict (conflicting
                                           ///< last, beyond last, S/MT mismatch, limits)
    std::uint64_t duplicate_segments = 0;  ///< copies of segments ignored (duplicate, late)
    std::uint64_t expired = 0;          ///< incomplete messages expired (timeout or at stop)
    std::uint64_t pool_exhausted = 0;   ///< dropped: no free buffer
    std::uint64_t oversize = 0;         ///< dropped: larger than the largest buffer
    std::uint64_t queue_full_drops = 0; ///< dropped: worker queue still full after the wait
    std::uint64_t queue_full_waits = 0; ///< hand-offs that had to wait for room
    std::uint64_t kernel_drops = 0;     ///< dropped by the kernel (SO_RXQ_OVFL)
    // worker side
    std::uint64_t worker_messages = 0;  ///< messages the workers processed
    std::uint64_t records = 0;          ///< records the stages emitted
    std::uint64_t fallback = 0;         ///< records on the fallback topic (unknown subscription)
    std::uint64_t dead_letters = 0;     ///< raw payloads sent to the dead-letter topic
    std::uint64_t undecodable = 0;      ///< dropped: undecodable, no dead-letter topic
    std::uint64_t envelope_failed = 0;  ///< dropped: envelope could not be written
    std::uint64_t return_failed = 0;    ///< buffers that could not be returned (must stay 0)
    // producers (summed)
    kafka::producer_stats kafka;
};

/// Every counter of one RX thread, copied from its modules (the metrics endpoint renders these,
/// summed over the threads or per thread). Taken by pipeline::per_thread_stats().
struct rx_thread_stats {
    input::rx_stats path;
    udpnotif::parse_stats parse;
    reassembly::reassembly_stats reassembly;
    reassembly::gap_stats gaps;
    input::pool_stats pool;
    input::source_stats socket;
    std::uint64_t queue_full_drops = 0; ///< messages dropped: worker queue still full
    std::uint64_t queue_full_waits = 0; ///< hand-offs that had to wait for room
    std::uint64_t returns_queued = 0;   ///< gauge: buffers in this thread's return queue
};

/// Every counter of one worker thread.
struct worker_thread_stats {
    worker::stage_stats stage;
    yangpush::decode_stats decode;
    yangpush::xml_transcode_stats xml;
    yangpush::cbor_transcode_stats cbor;
    key::resolve_stats resolve;
    key::key_stats keys;
    envelope::envelope_stats envelope;
    subscription::table_stats subscriptions;
    subscription::sequence_stats sequences;
    std::uint64_t queued = 0;        ///< gauge: messages waiting in this worker's queues
    std::uint64_t return_failed = 0; ///< buffers that could not be returned (must stay 0)
};

/// Every counter of one producer thread.
struct producer_thread_stats {
    kafka::producer_stats kafka;
};

/// Per-thread counters of the whole pipeline. Thread: any (a copy).
struct thread_stats {
    std::vector<rx_thread_stats> rx;
    std::vector<worker_thread_stats> workers;
    std::vector<producer_thread_stats> producers;
};

/// The summary counters of \p t (each summed over the threads). Thread: any.
[[nodiscard]] pipeline_stats summarize(const thread_stats& t) noexcept;

/// What stop() found.
struct stop_report {
    std::uint64_t drained = 0;        ///< messages the workers processed after RX stopped
    std::uint64_t left_in_queues = 0; ///< messages not processed (drain timeout), dropped
    std::uint64_t undelivered = 0;    ///< records still undelivered after the flush (purged)
    pipeline_stats final_stats;
};

/// Thread: construction, start(), stop() and the destructor on one control thread; stats(),
/// local_port() and bootstrap_servers() from any thread.
class pipeline {
public:
    /// Validates \p cfg, binds every RX socket, builds the buffer pools, queues, the schema
    /// context, stages, the embedded cluster when kafka.brokers is `embedded`, and producers.
    /// @throws std::invalid_argument (bad config, one line per problem), std::system_error
    ///         (socket), key::schema_error (YANG), kafka::startup_error (producer / cluster).
    /// Thread: start-up.
    explicit pipeline(const pipeline_config& cfg);
    /// Calls stop() when still running. Thread: the control thread.
    ~pipeline();
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    /// Starts the worker threads, then the RX threads. Thread: the control thread, once.
    void start();
    /// Stops RX, drains the queues, stops the workers, flushes the producers (see file
    /// comment). Idempotent: a second call returns the first report. Thread: the control thread.
    stop_report stop();

    /// Counters now, summed over the threads (relaxed snapshots). Thread: any.
    [[nodiscard]] pipeline_stats stats() const noexcept;
    /// Every counter of every thread (published by each thread every millisecond or so, and
    /// at its end). Allocates; for the metrics endpoint, not a hot path. Thread: any.
    [[nodiscard]] thread_stats per_thread_stats() const;
    /// The UDP port the RX sockets are bound to (the ephemeral one resolved). Thread: any.
    [[nodiscard]] std::uint16_t local_port() const noexcept { return _port; }
    /// Bootstrap servers the producers use (the embedded cluster's when embedded). Thread: any.
    [[nodiscard]] const std::string& bootstrap_servers() const noexcept { return _bootstrap; }
    [[nodiscard]] const pipeline_config& config() const noexcept { return _cfg; }

    struct rx_unit;
    struct worker_unit;

private:
    void run_rx(rx_unit& rx) noexcept;
    void run_worker(worker_unit& w) noexcept;

    pipeline_config _cfg;
    struct shared;
    std::unique_ptr<shared> _shared;
    std::vector<std::unique_ptr<rx_unit>> _rx;
    std::vector<std::unique_ptr<worker_unit>> _workers;
    std::string _bootstrap;
    std::uint16_t _port = 0;
    std::atomic<bool> _rx_stop{false};
    std::atomic<bool> _worker_stop{false};
    bool _started = false;
    bool _stopped = false;
    stop_report _report;
};

} // namespace udpn::pipeline
