/// \file
/// Configuration of the receiver pipeline (DESIGN.md §2): RX threads (kernel sockets with
/// SO_REUSEPORT), queues of batches RX -> worker (bounded) and worker -> RX (buffer return),
/// worker threads, record slots and queues worker -> producer thread, producer threads each with
/// its own Kafka producer (or the null sink), CPU pinning and the stop timeouts. Plain data with
/// in-class defaults (STYLE.md §4 rule 10); validate() once at start-up.
#pragma once

#include "dtls/config.hpp"
#include "input/config.hpp"
#include "kafka/config.hpp"
#include "registry/config.hpp"
#include "worker/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::pipeline {

/// Where the pipeline's messages come from.
enum class input_mode : std::uint8_t {
    /// n_rx RX threads of the pipeline's own, each on a kernel UDP socket (SO_REUSEPORT).
    sockets,
    /// n_rx RX inputs run by the caller (e.g. DPDK RX lcores, dpdk-app/): no socket is opened
    /// and no RX thread started; the caller's thread i fills buffers through
    /// pipeline::external_port(i) (see pipeline.hpp, "External input").
    external,
};

/// Everything the pipeline needs. Thread: read-only once the pipeline is built.
struct pipeline_config {
    /// Kernel sockets (RX threads of the pipeline) or external RX inputs (the caller's).
    input_mode input = input_mode::sockets;
    /// Local address every RX socket binds ("::" receives IPv4 too, "0.0.0.0", one address).
    /// Sockets only.
    std::string address = "::";
    /// Local UDP port shared by the RX sockets (SO_REUSEPORT); 0 takes an ephemeral port
    /// (tests: read it back with pipeline::local_port()).
    std::uint16_t port = 0;
    /// RX threads, each with its own socket, reassembly table and buffer pool (sockets); or
    /// external RX inputs, each with its own buffer pool (external). 1..64.
    std::uint32_t n_rx = 1;
    /// Worker threads, each with its own worker::stage and record slots. 1..256. All
    /// messages of one exporter address go to worker hash(address) % n_workers.
    std::uint32_t n_workers = 1;
    /// Capacity (messages) of the queue from one RX thread to one worker. >= 1.
    std::size_t worker_queue_capacity = 4096;
    /// Most items handed over in one queue operation, 1..1024: an RX thread queues the
    /// messages of a receive burst for one worker as one batch (closed at the end of the
    /// burst, or when it holds this many, or worker_queue_capacity if smaller), a worker its
    /// records for its producer (closed after each inbound batch), and the buffers and record
    /// slots go back the same way. A batch never waits for more traffic, so this adds no
    /// latency at low load; 1 = one queue operation per message (measured: bench/README.md).
    std::uint32_t handoff_batch = 32;
    /// How long an RX thread waits for room in a full worker queue before it drops the message
    /// (counted rx_stats::sink_refused and pipeline queue_drops), microseconds. 0 = drop at once.
    std::uint32_t queue_full_wait_us = 1000;
    /// CPUs to pin RX thread i / worker thread w to (entry i, w); missing entries or -1:
    /// unpinned.
    std::vector<int> rx_cpus;
    std::vector<int> worker_cpus;
    /// Producer threads, each with its own kafka::producer (none with the null sink,
    /// kafka.brokers = `null`). 1..256 and at most n_workers (a producer without a worker
    /// would idle). Worker w hands its records to producer w % n_producers through a bounded
    /// queue (DESIGN.md §2 ring[w -> p]), so all records of one exporter go through one
    /// producer, in order.
    std::uint32_t n_producers = 1;
    /// CPUs to pin producer thread p to (entry p); missing entries or -1: unpinned.
    std::vector<int> producer_cpus;
    /// Record slots of one worker (records copied out of the stage, waiting for or in a
    /// producer thread). When every slot is out the worker waits record_wait_us, then drops
    /// the record (counted record_slots_exhausted). 1..1048576.
    /// Memory: a slot keeps the capacity of its strings (topic, key, value, headers) from one
    /// record to the next, so steady state does not allocate. A worker hands out slots that
    /// came back from its producer before any it never used, so the slots that ever held a
    /// record are the most that were out at once (gauge udpnotif_worker_record_slots_used),
    /// not record_slots: at a steady load with a few records in flight, a few slots. A slot
    /// whose value or key grew past 64 KiB gives that memory back when its worker next takes
    /// it, so the slots retain at most slots_used * ~2 * min(largest record, 64 KiB) per worker
    /// (std::string may double its capacity), at worst record_slots * ~128 KiB after a
    /// backlog that used every slot; records larger than 64 KiB cost one allocation each, and
    /// while in flight at most record_slots * the largest record (envelope max_output_bytes,
    /// or the largest RX buffer class for dead letters).
    std::size_t record_slots = 4096;
    /// How long a worker waits for a free record slot before it drops the record,
    /// microseconds (yielding; it serves nothing else meanwhile, so its queues fill and RX
    /// backpressure takes over). 0 = drop at once.
    std::uint32_t record_wait_us = 100'000;
    /// Longest sleep of an idle worker or producer thread (nothing in its queues),
    /// microseconds, 10..100000. Without wake_on_handoff every message below saturation waits
    /// up to this long per stage: it is the latency a quiet pipeline adds, traded for batching
    /// (fewer wake-ups per message). A Kafka producer serves delivery reports at least this often.
    std::uint32_t idle_wait_us = 1000;
    /// Wake the next stage's sleeping thread at each hand-off (an RX burst to a worker, a
    /// record to a producer) instead of letting it sleep out idle_wait_us: arrival-to-produce
    /// latency drops from about a millisecond to about a hundred microseconds, at the price of
    /// a futex wake-up and a context switch per hand-off at low and medium load (measured on
    /// the 2-core machine: bench/README.md, "Latency"). Off by default.
    bool wake_on_handoff = false;
    /// At stop: longest time the workers spend emptying their queues, milliseconds.
    std::uint32_t drain_timeout_ms = 10'000;
    /// At stop: longest time each producer waits for outstanding deliveries (after its record
    /// queue is empty), milliseconds. What is still undelivered afterwards is purged and
    /// reported.
    std::uint32_t flush_timeout_ms = 10'000;
    /// RX path of every RX thread (owner_id is set per thread). External input uses only
    /// rx.pool (the buffer pool of each external port); the caller does its own parsing and
    /// reassembly.
    input::rx_path_config rx;
    /// Socket options of every RX socket (address and port come from the fields above).
    input::udp_socket_config socket;
    input::recvmmsg_config recvmmsg;
    /// RX loop (name and cpu are set per thread).
    input::rx_loop_config rx_loop;
    /// Every worker stage (one shared schema context is built from worker.schema).
    worker::worker_config worker;
    /// The DTLS listener (PROTOCOL.md §1.3), sockets input only: when enabled, one more RX
    /// thread (index n_rx, after the plain ones) reads its own UDP socket (dtls.address,
    /// dtls.port; a port other than the plain one) through dtls::listener and runs the
    /// decrypted messages through its own rx_path (allowlist, header check, reassembly) into
    /// the same worker queues. Its CPU is rx_cpus[n_rx].
    dtls::dtls_config dtls;
    /// Every producer (`null`: the null sink, no Kafka). kafka.content_type is ignored: the
    /// worker stage sets the header.
    kafka::kafka_config kafka;
    /// The schema registry (PROTOCOL.md §6, §11.22; docs/schema-registry.md): empty url = none,
    /// records exactly as without it. When set, one registry thread registers each
    /// subscription's schema and the workers add the `schema-id` header once its id is known.
    registry::registry_config registry;
};

/// Checks the pipeline's own fields and worker::validate(worker).
/// @return one line per problem; empty when valid. Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const pipeline_config& cfg);

} // namespace udpn::pipeline
