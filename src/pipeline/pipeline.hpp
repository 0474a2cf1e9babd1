/// \file
/// The receiver pipeline of kernel sockets (DESIGN.md §2):
///
///     RX thread i (udp_socket + recvmmsg_source + rx_path, run_rx_loop)
///       -> queue[i -> w] (oneTBB concurrent_queue of batches of message buffers, bounded)
///     worker thread w (worker::stage: decode, subscriptions, topic + key, envelope)
///       -> copies each record into one of its record slots
///       -> queue[p] of producer p = w % P (concurrent_queue of batches of slots)
///     producer thread p (kafka::producer: produce() in bursts, poll(0) after a burst, poll(1)
///       when idle; or the null sink: count and drop) -> the slot back to worker w's free queue
///
/// A message goes to worker hash(exporter address) % M, so all of one exporter meets one worker
/// (its subscription table) and then one producer, in order (per-exporter order end to end:
/// each queue is FIFO per pushing thread, one producer per worker shard, Kafka keeps order per
/// partition per producer). Buffers go back to the RX thread that owns their pool through one
/// return queue per RX thread, drained in run_rx_loop's housekeeping hook; record slots go back
/// to their worker through one free-slot queue per worker. Nobody frees another thread's memory.
///
/// Every hand-off moves a batch (pipeline_config::handoff_batch): one queue operation per
/// batch of buffers or slots linked through their own link field, not one per message (the
/// queues were the worker's largest cost after the stage itself: bench/README.md). An RX
/// thread closes its batches at the end of each receive burst, a worker hands its records and
/// the spent buffers over after each inbound batch, a producer returns each batch of slots
/// whole; nothing waits for a batch to fill, so batching adds no latency at low load.
///
/// Bounds and backpressure (nothing grows, every drop is counted):
/// - a full worker queue (worker_queue_capacity messages) is retried for queue_full_wait_us,
///   then the batch is dropped (queue_full_drops counts its messages; the buffers go back to
///   their pool);
/// - a worker owns record_slots slots; with every slot out it waits up to record_wait_us
///   (record_waits), then drops the record (record_slots_exhausted);
/// - queue[p], the free-slot and the buffer return queues hold at most what exists (the slots
///   of the workers, the buffers of a pool), so a push into them never fails;
/// - librdkafka's own queue is bounded by kafka_config (queue.buffering.max.*), full-queue
///   drops counted in producer_stats::dropped.
/// Steady state allocates nothing in this code: slots keep their string capacity (see
/// pipeline_config::record_slots for the memory bound). The oneTBB queues allocate one page per
/// 16 batches through their cache_aligned_allocator; librdkafka allocates per record.
///
/// Shutdown (stop()): RX threads stop and are joined (incomplete segments dropped, counted);
/// workers empty their queues (drain_timeout_ms) and are joined; then producer threads empty
/// their record queues completely, flush (flush_timeout_ms), and purge and report what is still
/// undelivered. With a reachable cluster nothing is lost.
///
/// External input (pipeline_config::input = external; udpnotif-recv-dpdk's RX lcores): the
/// pipeline opens no socket and starts no RX thread. For each input i it builds an rx_port
/// (external_port(i)) with its own buffer pool (rx.pool), return queue and queues to every
/// worker, exactly as an RX thread has. The caller's thread i, and only it, uses that port:
/// acquire() a buffer, fill payload, options and meta, submit() it (worker hash(exporter
/// address) % M, batched as the socket path does, with the same bounded wait and counted
/// drop), flush() after each burst (hands the batches over), call housekeeping() often (flushes
/// too, takes returned buffers back, publishes the caller's counters), and close() once when it
/// has stopped for good. Order at the end: the caller stops its RX
/// threads/lcores (each calls close() as its last act on the port; e.g. rte_eal_wait_lcore),
/// then calls stop(); stop() first waits until every port is closed, then drains the workers
/// and producers as above. Nothing in this interface names DPDK: src/ stays DPDK-free.
///
/// The hand-off RX -> worker stays the oneTBB queue for external input too (not rte_ring, which
/// DESIGN.md names for the DPDK path): the worker side is this shared code in src/, which must
/// not include DPDK, and a worker reads one queue type for every input. The queue is bounded,
/// try_push/try_pop only, so an RX lcore never blocks inside it.
#pragma once

#include "common/latency_histogram.hpp"
#include "dtls/listener.hpp"
#include "envelope/errors.hpp"
#include "input/buffer_pool.hpp"
#include "input/rx_path.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "key/errors.hpp"
#include "kafka/stats.hpp"
#include "pipeline/config.hpp"
#include "registry/errors.hpp"
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
    // worker -> producer hand-off
    std::uint64_t record_drops = 0;     ///< records dropped: no free record slot after the wait
                                        ///< (or a slot could not hold the record)
    std::uint64_t record_waits = 0;     ///< records that found every slot of their worker out
    std::uint64_t producer_records = 0; ///< records the producer threads took from their queues
    std::uint64_t null_records = 0;     ///< null sink: records counted and dropped
    std::uint64_t null_bytes = 0;       ///< null sink: their key + value octets
    latency_histogram latency;          ///< arrival -> produce call, merged over producers
    // CPU time of the pipeline's threads, ns (external input: what the callers reported)
    std::uint64_t rx_cpu_ns = 0;
    std::uint64_t worker_cpu_ns = 0;
    std::uint64_t producer_cpu_ns = 0;
    // schema registry (zero without one)
    std::uint64_t schema_id_attached = 0; ///< envelope records with the schema-id header
    std::uint64_t schema_id_missing = 0;  ///< envelope records without it (every reason)
    std::uint64_t schemas_registered = 0; ///< subscription schemas with a known id
    std::uint64_t registry_failures = 0;  ///< failed registration attempts (every reason)
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
    /// The DTLS listener's counters (the DTLS RX thread; zero on the others). For that thread
    /// `path.datagrams` counts decrypted UDP-notif messages and `socket` the UDP datagrams.
    dtls::listener_stats dtls;
    std::uint64_t queue_full_drops = 0; ///< messages dropped: worker queue still full
    std::uint64_t queue_full_waits = 0; ///< hand-offs that had to wait for room
    std::uint64_t returns_queued = 0;   ///< gauge: buffers in this thread's return queue
    std::uint64_t naps = 0; ///< receive naps the UDP RX loop took (socket.receive_nap_us)
    /// CPU time of the thread (CLOCK_THREAD_CPUTIME_ID), ns; external input: the caller's
    /// (external_rx_counters::cpu_ns).
    std::uint64_t cpu_ns = 0;
};

/// What the caller of an external input reports about its own receive path (the counters an
/// RX thread's rx_path and socket would keep): rx_port::housekeeping() publishes them with the
/// port's own counters (buffers, hand-off) as that input's rx_thread_stats. Plain data.
struct external_rx_counters {
    std::uint64_t datagrams = 0;            ///< UDP datagrams given to the UDP-notif parser
    std::uint64_t bytes = 0;                ///< their octets
    std::uint64_t truncated = 0;            ///< frames dropped as cut / inconsistent
    std::uint64_t not_allowed = 0;          ///< datagrams dropped by a source filter
    std::uint64_t whole_messages = 0;       ///< messages that came in one datagram
    std::uint64_t reassembled_messages = 0; ///< messages completed from segments
    udpnotif::parse_stats parse;
    reassembly::reassembly_stats reassembly;
    reassembly::gap_stats gaps;
    input::source_stats source; ///< polls, idle polls, datagrams, device drops (kernel_drops)
    /// CPU time of the caller's thread so far (CLOCK_THREAD_CPUTIME_ID), ns; 0: not measured.
    std::uint64_t cpu_ns = 0;
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
    /// Records dropped: every record slot still out after record_wait_us.
    std::uint64_t record_slots_exhausted = 0;
    /// Records that found every slot out (each then waited up to record_wait_us).
    std::uint64_t record_waits = 0;
    /// Records dropped: copying into a slot failed (out of memory).
    std::uint64_t record_copy_failed = 0;
    std::uint64_t slots_in_use = 0; ///< gauge: this worker's slots out (queued or producing)
    /// Gauge: this worker's slots that have held a record since start, the most that were out
    /// at once (returned slots are reused first): what bounds the slots' retained memory.
    std::uint64_t slots_used = 0;
    std::uint64_t cpu_ns = 0; ///< CPU time of the worker thread (CLOCK_THREAD_CPUTIME_ID), ns
};

/// Every counter of one producer thread.
struct producer_thread_stats {
    kafka::producer_stats kafka; ///< all zero with the null sink
    std::uint64_t records = 0;      ///< records taken from this thread's queue
    std::uint64_t queued = 0;       ///< gauge: records waiting in this thread's queue
    std::uint64_t null_records = 0; ///< null sink: records counted and dropped
    std::uint64_t null_bytes = 0;   ///< null sink: their key + value octets
    /// Arrival of the completing datagram (message_meta::arrival_ns) to the produce call (or
    /// the null sink's count), per record that knows its arrival.
    latency_histogram latency;
    std::uint64_t cpu_ns = 0; ///< CPU time of the producer thread (not librdkafka's threads), ns
};

/// Per-thread counters of the whole pipeline. Thread: any (a copy).
struct thread_stats {
    std::vector<rx_thread_stats> rx;
    std::vector<worker_thread_stats> workers;
    std::vector<producer_thread_stats> producers;
    /// The schema registry thread's counters: one entry when a registry is configured, none
    /// otherwise.
    std::vector<registry::registry_stats> registry;
};

/// The summary counters of \p t (each summed over the threads). Thread: any.
[[nodiscard]] pipeline_stats summarize(const thread_stats& t) noexcept;

/// The `cpu:` fields of the final reports: CPU seconds of the RX threads (or lcores), the
/// workers and the producer threads, and the messages the workers processed per worker CPU
/// second (what one worker core carries when the cores are shared: bench/README.md), e.g.
/// `rx_s=1.200315 workers_s=0.800002 producers_s=0.050117 worker_messages_per_cpu_s=625000`.
[[nodiscard]] std::string cpu_fields(const pipeline_stats& s);

/// What stop() found.
struct stop_report {
    std::uint64_t drained = 0;        ///< messages the workers processed after RX stopped
    std::uint64_t left_in_queues = 0; ///< messages not processed (drain timeout), dropped
    std::uint64_t undelivered = 0;    ///< records still undelivered after the flush (purged)
    /// Subscription state written (worker.state_file set): records saved, and one line per
    /// file that could not be written ("path: what"); nothing else is lost by a failed save.
    std::uint64_t state_records_saved = 0;
    std::vector<std::string> state_problems;
    pipeline_stats final_stats;
};

/// Test hook: producer thread \p producer calls it before each burst it takes from its queue
/// (also while draining at stop), so a test can hold a producer back. Must return eventually.
using producer_gate = void (*)(void* context, std::uint32_t producer) noexcept;

/// Thread: construction, start(), stop() and the destructor on one control thread; stats(),
/// local_port() and bootstrap_servers() from any thread; an rx_port from its one caller thread.
class pipeline {
public:
    class rx_port;

    /// Validates \p cfg, binds every RX socket, builds the buffer pools, queues, the schema
    /// context, stages, record slots, the embedded cluster when kafka.brokers is `embedded`,
    /// and one kafka::producer per producer thread (none, and no cluster, with `null`).
    /// @throws std::invalid_argument (bad config, one line per problem), std::system_error
    ///         (socket), key::schema_error (YANG), kafka::startup_error (producer / cluster).
    /// Thread: start-up.
    explicit pipeline(const pipeline_config& cfg);
    /// Calls stop() when still running. Thread: the control thread.
    ~pipeline();
    pipeline(const pipeline&) = delete;
    pipeline& operator=(const pipeline&) = delete;

    /// Starts the producer threads, the worker threads, then the RX threads. Thread: the
    /// control thread, once.
    void start();
    /// Stops RX, drains the worker queues, stops the workers, drains the producer queues,
    /// flushes the producers (see file comment). Idempotent: a second call returns the first
    /// report. Thread: the control thread.
    stop_report stop();

    /// Installs \p gate (nullptr: none) for every producer thread. For tests; set it before
    /// start(). Thread: the control thread.
    void set_producer_gate(producer_gate gate, void* context) noexcept
    {
        _gate = gate;
        _gate_context = context;
    }

    /// Counters now, summed over the threads (relaxed snapshots). Thread: any.
    [[nodiscard]] pipeline_stats stats() const noexcept;
    /// Every counter of every thread (published by each thread every millisecond or so, and
    /// at its end). Allocates; for the metrics endpoint, not a hot path. Thread: any.
    [[nodiscard]] thread_stats per_thread_stats() const;
    /// The UDP port the RX sockets are bound to (the ephemeral one resolved). Thread: any.
    [[nodiscard]] std::uint16_t local_port() const noexcept { return _port; }
    /// The UDP port of the DTLS listener (ephemeral one resolved); 0 when none. Thread: any.
    [[nodiscard]] std::uint16_t dtls_port() const noexcept { return _dtls_port; }
    /// RX threads: n_rx plain ones, plus the DTLS one (index n_rx) when enabled. Thread: any.
    [[nodiscard]] std::uint32_t n_rx_units() const noexcept
    {
        return static_cast<std::uint32_t>(_rx.size());
    }
    /// What RX socket \p rx (0..n_rx_units()-1) ended up with, e.g. the receive buffer the kernel
    /// granted (udpnotif-recv warns when it is below socket.rcvbuf_bytes). Thread: any.
    [[nodiscard]] const input::socket_report& rx_socket_report(std::uint32_t rx) const;
    /// External input \p i (0..n_rx-1). @throws std::logic_error with socket input,
    /// std::out_of_range for a bad index. Thread: any (the port itself: its one user thread).
    [[nodiscard]] rx_port& external_port(std::uint32_t i);
    /// Bootstrap servers the producers use (the embedded cluster's when embedded, `null` for
    /// the null sink). Thread: any.
    [[nodiscard]] const std::string& bootstrap_servers() const noexcept { return _bootstrap; }
    /// What loading the subscription state files at construction found: one line per file read
    /// ("path: N records", or "path:line: problem" for a corrupt or truncated file, whose good
    /// records stay loaded). Empty when worker.state_file is not set or no file exists yet.
    /// Thread: any.
    [[nodiscard]] const std::vector<std::string>& state_load_notes() const noexcept
    {
        return _state_notes;
    }
    [[nodiscard]] const pipeline_config& config() const noexcept { return _cfg; }

    struct rx_unit;
    struct worker_unit;
    struct producer_unit;

private:
    void run_rx(rx_unit& rx) noexcept;
    void run_dtls(rx_unit& rx) noexcept;
    void run_worker(worker_unit& w) noexcept;
    void load_state();
    void run_producer(producer_unit& p) noexcept;

    pipeline_config _cfg;
    struct shared;
    std::unique_ptr<shared> _shared;
    std::vector<std::unique_ptr<rx_unit>> _rx;
    std::vector<std::unique_ptr<rx_port>> _ports; ///< external input only
    // Producers before workers: destroyed after them (they hold pointers to worker slots) and
    // before _shared (their kafka::producer before the embedded cluster).
    std::vector<std::unique_ptr<producer_unit>> _producers;
    std::vector<std::unique_ptr<worker_unit>> _workers;
    std::string _bootstrap;
    std::vector<std::string> _state_notes;
    std::uint16_t _port = 0;
    std::uint16_t _dtls_port = 0;
    producer_gate _gate = nullptr;
    void* _gate_context = nullptr;
    std::atomic<bool> _rx_stop{false};
    std::atomic<bool> _worker_stop{false};
    std::atomic<bool> _producer_stop{false};
    bool _started = false;
    bool _stopped = false;
    stop_report _report;
};

/// One external RX input (pipeline_config::input = external): the buffer pool, the queues to
/// the workers and the counters of one RX thread of the caller's. Not thread-safe: every call
/// from that one thread (e.g. its DPDK RX lcore). Nothing here allocates, locks (except
/// housekeeping()'s snapshot, at most once per millisecond), throws or logs.
class pipeline::rx_port {
public:
    rx_port(const rx_port&) = delete;
    rx_port& operator=(const rx_port&) = delete;

    /// A free buffer for \p payload_len octets (size 0, no options, meta default), or nullptr
    /// when none fits (counted pool_exhausted or oversize). Fill it with assign() /
    /// append_option() and its meta, then submit() it (or release() it).
    [[nodiscard]] input::message_buffer* acquire(std::size_t payload_len) noexcept;
    /// True when acquire(\p payload_len) would give a buffer now (nothing counted): a caller
    /// that can wait (a file replay) waits for this, calling housekeeping(), instead of
    /// dropping.
    [[nodiscard]] bool can_acquire(std::size_t payload_len) const noexcept;
    /// Adds \p m (from acquire()) to the batch for worker hash(meta.exporter.addr) %
    /// n_workers; a batch is handed over when it holds workers.handoff_batch messages, at
    /// flush(), housekeeping() and close(). A full queue is retried for queue_full_wait_us
    /// (returned buffers are taken back meanwhile), then the batch is dropped: counted
    /// (queue_full_drops, sink_refused) and its buffers released. @return false when this
    /// call's hand-off was refused (\p m with its batch).
    bool submit(input::message_buffer* m) noexcept;
    /// Hands every batch submitted so far to its worker. Call it after each receive burst.
    void flush() noexcept;
    /// Gives back a buffer from acquire() that is not submitted.
    void release(input::message_buffer* m) noexcept;
    /// Flushes, takes back the buffers the workers are done with, and publishes \p c with the
    /// port's own counters as this input's rx_thread_stats (at most once per millisecond).
    /// Call it every millisecond or so, busy or idle (buffers come back only here).
    void housekeeping(const external_rx_counters& c) noexcept;
    /// The caller's thread has stopped for good: last flush and housekeeping, then the port is
    /// marked closed (stop() waits for that). No call on the port may follow.
    void close(const external_rx_counters& c) noexcept;
    /// Largest payload a buffer holds (rx.pool's largest class).
    [[nodiscard]] std::size_t max_payload() const noexcept;
    [[nodiscard]] std::uint32_t index() const noexcept;

private:
    friend class pipeline;
    explicit rx_port(rx_unit& unit) noexcept : _unit(&unit) {}
    rx_unit* _unit;
};

} // namespace udpn::pipeline
