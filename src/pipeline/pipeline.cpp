#include "pipeline/pipeline.hpp"

#include "input/buffer_pool.hpp"
#include "input/clock.hpp"
#include "input/message.hpp"
#include "input/rx_path.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "input/socket/rx_thread.hpp"
#include "input/socket/udp_socket.hpp"
#include "kafka/embedded_cluster.hpp"
#include "kafka/producer.hpp"
#include "key/schema_context.hpp"
#include "net/endpoint.hpp"
#include "worker/message.hpp"
#include "worker/record.hpp"
#include "worker/stage.hpp"

#include <oneapi/tbb/concurrent_queue.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace udpn::pipeline {

namespace {

using buffer_queue = tbb::concurrent_bounded_queue<input::message_buffer*>;

/// A counter with one writer (its thread) and any reader.
struct live_counter {
    std::atomic<std::uint64_t> v{0};
    void set(std::uint64_t n) noexcept { v.store(n, std::memory_order_relaxed); }
    void add(std::uint64_t n = 1) noexcept
    {
        v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    [[nodiscard]] std::uint64_t get() const noexcept { return v.load(std::memory_order_relaxed); }
};

int cpu_at(const std::vector<int>& cpus, std::size_t i) noexcept
{
    return i < cpus.size() ? cpus[i] : -1;
}

/// Threads copy their counters into a snapshot under a mutex at most this often (and at their
/// end); stats() and per_thread_stats() read the snapshots.
constexpr std::uint64_t publish_interval_ns = 1'000'000;

template <class Queue>
std::uint64_t queue_depth(const Queue& q) noexcept
{
    const auto n = q.size(); // negative while consumers wait on an empty queue
    return n > 0 ? static_cast<std::uint64_t>(n) : 0;
}

} // namespace

std::vector<std::string> validate(const pipeline_config& cfg)
{
    std::vector<std::string> problems;
    if (cfg.n_rx < 1 || cfg.n_rx > 64) {
        problems.emplace_back("rx threads must be 1..64");
    }
    if (cfg.n_workers < 1 || cfg.n_workers > 256) {
        problems.emplace_back("workers must be 1..256");
    }
    if (cfg.worker_queue_capacity < 1) {
        problems.emplace_back("worker queue capacity must be >= 1");
    }
    if (cfg.address.empty()) {
        problems.emplace_back("listen address must not be empty");
    }
    for (auto& p : worker::validate(cfg.worker)) {
        problems.push_back("worker: " + p);
    }
    return problems;
}

/// Objects every thread shares: the schema context and the embedded cluster.
struct pipeline::shared {
    std::unique_ptr<key::schema_context> schema;
    std::unique_ptr<kafka::embedded_cluster> cluster;
    /// queues[rx * n_workers + w]: RX thread rx -> worker w.
    std::vector<std::unique_ptr<buffer_queue>> queues;
};

/// One RX thread's objects. Thread: the RX thread while running; the control thread before
/// start() and after the join.
struct pipeline::rx_unit {
    rx_unit(const pipeline_config& cfg, std::uint32_t index)
        : socket(socket_config(cfg)), source(socket, cfg.recvmmsg), path(path_config(cfg, index)),
          id(index)
    {
        returns.set_capacity(static_cast<std::ptrdiff_t>(path.pool().n_buffers()));
    }

    static input::udp_socket_config socket_config(const pipeline_config& cfg)
    {
        input::udp_socket_config s = cfg.socket;
        s.address = cfg.address;
        s.port = cfg.port;
        s.reuse_port = true;
        if (s.receive_timeout_ms == 0) {
            s.receive_timeout_ms = 100; // the loop must see its stop flag without busy polling
        }
        return s;
    }
    static input::rx_path_config path_config(const pipeline_config& cfg, std::uint32_t index)
    {
        input::rx_path_config p = cfg.rx;
        p.owner_id = index;
        return p;
    }

    input::udp_socket socket;
    input::recvmmsg_source source;
    input::rx_path path;
    buffer_queue returns; ///< buffers the workers are done with, back to path.pool()
    std::uint32_t id = 0;
    std::thread thread;
    input::rx_loop_stats loop_stats;
    std::uint64_t queue_full_drops = 0; ///< the RX thread's own (sink) counters
    std::uint64_t queue_full_waits = 0;
    std::uint64_t next_publish_ns = 0;
    mutable std::mutex published_mutex;
    rx_thread_stats published; ///< guarded by published_mutex

    /// Copies the thread's counters into `published` for stats(), at most once per
    /// publish_interval_ns unless \p force. Thread: the RX thread (or control after the join).
    void publish(bool force) noexcept
    {
        const std::uint64_t now = input::monotonic_ns();
        if (!force && now < next_publish_ns) {
            return;
        }
        next_publish_ns = now + publish_interval_ns;
        rx_thread_stats s;
        s.path = path.stats();
        s.parse = path.parse_stats();
        s.reassembly = path.reassembly_stats();
        s.gaps = path.gap_stats();
        s.pool = path.pool().stats();
        s.socket = source.stats();
        s.queue_full_drops = queue_full_drops;
        s.queue_full_waits = queue_full_waits;
        s.returns_queued = queue_depth(returns);
        const std::lock_guard lock(published_mutex);
        published = s;
    }
    [[nodiscard]] rx_thread_stats snapshot() const
    {
        const std::lock_guard lock(published_mutex);
        return published;
    }
    /// Gives every returned buffer back to the pool. Thread: the owner of path.
    void drain_returns() noexcept
    {
        input::message_buffer* m = nullptr;
        while (returns.try_pop(m)) {
            path.release(m);
        }
    }
};

/// Turns the stage's records into produce() calls on this worker's producer.
class producing_sink final : public worker::record_sink {
public:
    explicit producing_sink(kafka::producer& p) : _producer(p) {}
    void on_record(const worker::record& r) noexcept override
    {
        std::array<kafka::header, 8> headers{};
        const std::size_t n = std::min(r.headers.size(), headers.size());
        for (std::size_t i = 0; i < n; ++i) {
            headers[i] = {r.headers[i].name, kafka::as_bytes(r.headers[i].value)};
        }
        std::optional<byte_span> key;
        if (r.has_key) {
            key = kafka::as_bytes(r.key);
        }
        (void)_producer.produce(r.topic, key, kafka::as_bytes(r.value),
                                std::span<const kafka::header>(headers.data(), n));
        // a refused record is counted in the producer's stats (dropped by verdict)
    }

private:
    kafka::producer& _producer;
};

/// One worker thread's objects.
struct pipeline::worker_unit {
    worker_unit(const pipeline_config& cfg, const key::schema_context& schema,
                kafka::embedded_cluster* cluster, std::uint32_t index)
        : stage(cfg.worker, schema), producer(kafka_config(cfg), cluster), sink(producer),
          id(index)
    {
    }
    static kafka::kafka_config kafka_config(const pipeline_config& cfg)
    {
        kafka::kafka_config k = cfg.kafka;
        k.content_type.clear(); // the stage adds content-type itself
        return k;
    }

    worker::stage stage;
    kafka::producer producer;
    producing_sink sink;
    std::uint32_t id = 0;
    std::vector<buffer_queue*> inbound; ///< one per RX thread
    std::thread thread;
    std::uint64_t return_failed = 0; ///< the worker thread's own counter
    std::uint64_t next_publish_ns = 0;
    mutable std::mutex published_mutex;
    worker_thread_stats published; ///< guarded by published_mutex
    live_counter drained, left, undelivered; ///< written once, at the end of the thread

    /// Copies the stage's counters into `published`, at most once per publish_interval_ns
    /// unless \p force. Thread: the worker thread.
    void publish(bool force) noexcept
    {
        const std::uint64_t now = input::monotonic_ns();
        if (!force && now < next_publish_ns) {
            return;
        }
        next_publish_ns = now + publish_interval_ns;
        worker_thread_stats s;
        s.stage = stage.stats();
        s.decode = stage.decode_stats();
        s.xml = stage.xml_stats();
        s.cbor = stage.cbor_stats();
        s.resolve = stage.resolve_stats();
        s.keys = stage.key_stats();
        s.envelope = stage.envelope_stats();
        s.subscriptions = stage.table().stats();
        s.sequences = stage.table().sequences();
        for (const buffer_queue* q : inbound) {
            s.queued += queue_depth(*q);
        }
        s.return_failed = return_failed;
        const std::lock_guard lock(published_mutex);
        published = s;
    }
    [[nodiscard]] worker_thread_stats snapshot() const
    {
        const std::lock_guard lock(published_mutex);
        return published;
    }
};

pipeline::pipeline(const pipeline_config& cfg) : _cfg(cfg), _shared(std::make_unique<shared>())
{
    const auto problems = validate(_cfg);
    if (!problems.empty()) {
        std::string text = "invalid pipeline configuration:";
        for (const auto& p : problems) {
            text += "\n  " + p;
        }
        throw std::invalid_argument(text);
    }
    // RX sockets: the first binds (an ephemeral port resolved), the others share its port.
    for (std::uint32_t i = 0; i < _cfg.n_rx; ++i) {
        _rx.push_back(std::make_unique<rx_unit>(_cfg, i));
        if (i == 0) {
            _port = _rx[0]->socket.local_endpoint().port;
            _cfg.port = _port;
        }
    }
    _shared->queues.reserve(std::size_t{_cfg.n_rx} * _cfg.n_workers);
    for (std::size_t i = 0; i < std::size_t{_cfg.n_rx} * _cfg.n_workers; ++i) {
        auto q = std::make_unique<buffer_queue>();
        q->set_capacity(static_cast<std::ptrdiff_t>(_cfg.worker_queue_capacity));
        _shared->queues.push_back(std::move(q));
    }
    _shared->schema = std::make_unique<key::schema_context>(_cfg.worker.schema);
    if (kafka::is_embedded(_cfg.kafka)) {
        _shared->cluster = std::make_unique<kafka::embedded_cluster>(_cfg.kafka.embedded_brokers);
        _bootstrap = _shared->cluster->bootstrap_servers();
    } else {
        _bootstrap = _cfg.kafka.brokers;
    }
    for (std::uint32_t w = 0; w < _cfg.n_workers; ++w) {
        auto unit = std::make_unique<worker_unit>(_cfg, *_shared->schema, _shared->cluster.get(), w);
        for (std::uint32_t r = 0; r < _cfg.n_rx; ++r) {
            unit->inbound.push_back(_shared->queues[std::size_t{r} * _cfg.n_workers + w].get());
        }
        _workers.push_back(std::move(unit));
    }
}

pipeline::~pipeline()
{
    if (_started && !_stopped) {
        (void)stop();
    }
    _workers.clear(); // producers before the embedded cluster
    _shared->cluster.reset();
}

void pipeline::start()
{
    if (_started) {
        return;
    }
    _started = true;
    for (auto& w : _workers) {
        worker_unit* unit = w.get();
        unit->thread = std::thread([this, unit] { run_worker(*unit); });
    }
    for (auto& r : _rx) {
        rx_unit* unit = r.get();
        unit->thread = std::thread([this, unit] { run_rx(*unit); });
    }
}

void pipeline::run_rx(rx_unit& rx) noexcept
{
    const std::uint32_t n_workers = _cfg.n_workers;
    const std::unique_ptr<buffer_queue>* queues = &_shared->queues[std::size_t{rx.id} * n_workers];
    const std::uint64_t wait_ns = std::uint64_t{_cfg.queue_full_wait_us} * 1000;
    auto sink = [&rx, queues, n_workers, wait_ns](input::message_buffer* m) noexcept {
        const auto w = static_cast<std::uint32_t>(net::hash(m->meta.exporter.addr) % n_workers);
        buffer_queue& q = *queues[w];
        if (q.try_push(m)) {
            return true;
        }
        ++rx.queue_full_waits;
        if (wait_ns > 0) {
            const std::uint64_t deadline = input::monotonic_ns() + wait_ns;
            do {
                rx.drain_returns(); // the worker may be waiting on nothing but us
                std::this_thread::yield();
                if (q.try_push(m)) {
                    return true;
                }
            } while (input::monotonic_ns() < deadline);
        }
        ++rx.queue_full_drops; // rx_path releases the buffer and counts sink_refused
        return false;
    };
    // once per poll (a burst, or an idle receive timeout); counters copied once per ms
    auto housekeeping = [&rx](input::rx_path& /*path*/) noexcept {
        rx.drain_returns();
        rx.publish(false);
    };
    input::rx_loop_config loop = _cfg.rx_loop;
    loop.cpu = cpu_at(_cfg.rx_cpus, rx.id);
    loop.name = "udpn-rx" + std::to_string(rx.id); // start-up of the thread, not per message
    rx.loop_stats = input::run_rx_loop(rx.source, rx.path, sink, _rx_stop, loop, housekeeping);
    rx.path.finish(); // incomplete messages: counted as expired
    rx.drain_returns();
    rx.publish(true);
}

void pipeline::run_worker(worker_unit& w) noexcept
{
    const int cpu = cpu_at(_cfg.worker_cpus, w.id);
    if (cpu >= 0) {
        (void)input::pin_current_thread(cpu);
    }
    const std::string name = "udpn-wk" + std::to_string(w.id);
    (void)input::name_current_thread(name.c_str());

    auto handle = [this, &w](input::message_buffer* m) noexcept {
        worker::message msg;
        const byte_span p = m->payload();
        msg.payload = std::string_view(reinterpret_cast<const char*>(p.data()), p.size());
        msg.exporter = m->meta.exporter;
        msg.collector = m->meta.collector;
        msg.publisher_id = m->meta.publisher_id;
        msg.message_id = m->meta.message_id;
        msg.media_type = m->meta.media_type;
        msg.s_flag = m->meta.s_flag;
        msg.collection_time_ns = static_cast<std::int64_t>(m->meta.collection_wall_ns);
        (void)w.stage.process(msg, w.sink);
        if (!_rx[m->owner_id()]->returns.try_push(m)) {
            ++w.return_failed; // cannot happen: the return queue holds the whole pool
        }
    };
    // one pass over the inbound queues; @return messages handled
    auto pass = [&w, &handle]() noexcept {
        std::size_t n = 0;
        for (buffer_queue* q : w.inbound) {
            input::message_buffer* m = nullptr;
            for (int burst = 0; burst < 64 && q->try_pop(m); ++burst) {
                handle(m);
                ++n;
            }
        }
        return n;
    };
    std::uint64_t passes = 0;
    while (!_worker_stop.load(std::memory_order_acquire)) {
        const std::size_t n = pass();
        if (n == 0) {
            w.producer.poll(1); // idle: wait up to 1 ms for delivery reports
        } else {
            w.producer.poll(0);
        }
        if ((++passes & 15u) == 0) {
            w.publish(false);
        }
    }
    // RX is stopped and joined: empty the queues (bounded), then flush.
    const std::uint64_t deadline =
        input::monotonic_ns() + std::uint64_t{_cfg.drain_timeout_ms} * 1'000'000;
    std::uint64_t drained = 0;
    for (;;) {
        const std::size_t n = pass();
        drained += n;
        w.producer.poll(0);
        if (n == 0 || input::monotonic_ns() >= deadline) {
            break;
        }
    }
    std::uint64_t left = 0;
    for (buffer_queue* q : w.inbound) {
        input::message_buffer* m = nullptr;
        while (q->try_pop(m)) {
            ++left;
            if (!_rx[m->owner_id()]->returns.try_push(m)) {
                ++w.return_failed;
            }
        }
    }
    const std::size_t undelivered =
        w.producer.flush(std::chrono::milliseconds(_cfg.flush_timeout_ms));
    if (undelivered > 0) {
        w.producer.purge(); // counted as delivery_error::purged
    }
    w.drained.set(drained);
    w.left.set(left);
    w.undelivered.set(undelivered);
    w.publish(true);
}

stop_report pipeline::stop()
{
    if (_stopped || !_started) {
        return _report;
    }
    _stopped = true;
    _rx_stop.store(true, std::memory_order_relaxed);
    for (auto& r : _rx) {
        if (r->thread.joinable()) {
            r->thread.join();
        }
    }
    _worker_stop.store(true, std::memory_order_release);
    for (auto& w : _workers) {
        if (w->thread.joinable()) {
            w->thread.join();
        }
    }
    // every thread is joined: give the last returned buffers back to their pools
    for (auto& r : _rx) {
        r->drain_returns();
        r->publish(true);
    }
    for (auto& w : _workers) {
        _report.drained += w->drained.get();
        _report.left_in_queues += w->left.get();
        _report.undelivered += w->undelivered.get();
    }
    _report.final_stats = stats();
    return _report;
}

thread_stats pipeline::per_thread_stats() const
{
    thread_stats t;
    t.rx.reserve(_rx.size());
    for (const auto& r : _rx) {
        t.rx.push_back(r->snapshot());
    }
    t.workers.reserve(_workers.size());
    t.producers.reserve(_workers.size());
    for (const auto& w : _workers) {
        t.workers.push_back(w->snapshot());
        t.producers.push_back({w->producer.stats()});
    }
    return t;
}

pipeline_stats summarize(const thread_stats& t) noexcept
{
    using reassembly::verdict;
    pipeline_stats s;
    for (const rx_thread_stats& r : t.rx) {
        s.datagrams += r.path.datagrams;
        s.rx_bytes += r.path.bytes;
        s.rx_messages += r.path.messages - r.path.sink_refused;
        s.truncated += r.path.truncated;
        s.not_allowed += r.path.not_allowed;
        s.header_invalid += r.parse.rejected_total();
        s.reassembly_dropped += r.reassembly.evicted_full + r.reassembly.evicted_memory;
        // Verdicts that drop a whole set (PROTOCOL.md §2 step 3), and copies of segments.
        for (const verdict v : {verdict::media_mismatch, verdict::conflicting_last,
                                verdict::beyond_last, verdict::too_many_segments,
                                verdict::too_large, verdict::no_memory}) {
            s.reassembly_rejected += r.reassembly.count(v);
        }
        s.duplicate_segments += r.reassembly.count(verdict::duplicate) +
                                r.reassembly.count(verdict::late);
        s.expired += r.reassembly.expired_messages;
        s.pool_exhausted += r.path.pool_exhausted;
        s.oversize += r.path.oversize;
        s.queue_full_drops += r.queue_full_drops;
        s.queue_full_waits += r.queue_full_waits;
        s.kernel_drops += r.socket.kernel_drops;
    }
    for (const worker_thread_stats& w : t.workers) {
        s.worker_messages += w.stage.messages;
        s.records += w.stage.records;
        s.fallback += w.stage.of(worker::process_status::produced_fallback);
        s.dead_letters += w.stage.dead_letters;
        s.undecodable += w.stage.of(worker::process_status::undecodable);
        s.envelope_failed += w.stage.of(worker::process_status::envelope_failed);
        s.return_failed += w.return_failed;
    }
    for (const producer_thread_stats& pt : t.producers) {
        const kafka::producer_stats& p = pt.kafka;
        s.kafka.queued += p.queued;
        s.kafka.queued_bytes += p.queued_bytes;
        s.kafka.delivered += p.delivered;
        s.kafka.delivered_bytes += p.delivered_bytes;
        for (std::size_t i = 0; i < p.failed.size(); ++i) {
            s.kafka.failed[i] += p.failed[i];
        }
        for (std::size_t i = 0; i < p.failed_by_class.size(); ++i) {
            s.kafka.failed_by_class[i] += p.failed_by_class[i];
        }
        for (std::size_t i = 0; i < p.dropped.size(); ++i) {
            s.kafka.dropped[i] += p.dropped[i];
        }
        s.kafka.queue_full_waits += p.queue_full_waits;
        s.kafka.topics += p.topics;
        s.kafka.topics_created += p.topics_created;
        s.kafka.topic_create_failed += p.topic_create_failed;
        s.kafka.client_errors += p.client_errors;
        s.kafka.fatal = s.kafka.fatal || p.fatal;
    }
    return s;
}

pipeline_stats pipeline::stats() const noexcept
{
    try {
        return summarize(per_thread_stats());
    } catch (...) { // std::bad_alloc of the per-thread vectors
        return {};
    }
}

} // namespace udpn::pipeline
