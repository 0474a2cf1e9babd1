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
    // published by the RX thread in its housekeeping
    live_counter datagrams, bytes, messages, truncated, not_allowed, header_invalid,
        reassembly_dropped, reassembly_rejected, duplicate_segments, expired, pool_exhausted, oversize, queue_full_drops, queue_full_waits,
        kernel_drops;

    /// Publishes the thread's counters for stats(). Thread: the RX thread (or control after
    /// the join).
    void publish() noexcept
    {
        const input::rx_stats& s = path.stats();
        datagrams.set(s.datagrams);
        bytes.set(s.bytes);
        messages.set(s.messages - s.sink_refused);
        truncated.set(s.truncated);
        not_allowed.set(s.not_allowed);
        header_invalid.set(path.parse_stats().rejected_total());
        const auto& r = path.reassembly_stats();
        reassembly_dropped.set(r.evicted_full + r.evicted_memory);
        // Verdicts that drop a whole set (PROTOCOL.md §2 step 3), and copies of segments.
        using reassembly::verdict;
        reassembly_rejected.set(r.count(verdict::media_mismatch) + r.count(verdict::conflicting_last) +
                                r.count(verdict::beyond_last) + r.count(verdict::too_many_segments) +
                                r.count(verdict::too_large) + r.count(verdict::no_memory));
        duplicate_segments.set(r.count(verdict::duplicate) + r.count(verdict::late));
        expired.set(r.expired_messages);
        pool_exhausted.set(s.pool_exhausted);
        oversize.set(s.oversize);
        kernel_drops.set(source.stats().kernel_drops);
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
    live_counter messages, records, fallback, dead_letters, undecodable, envelope_failed,
        return_failed, drained, left, undelivered;

    void publish() noexcept
    {
        const worker::stage_stats& s = stage.stats();
        messages.set(s.messages);
        records.set(s.records);
        fallback.set(s.of(worker::process_status::produced_fallback));
        dead_letters.set(s.dead_letters);
        undecodable.set(s.of(worker::process_status::undecodable));
        envelope_failed.set(s.of(worker::process_status::envelope_failed));
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
        rx.queue_full_waits.add();
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
        rx.queue_full_drops.add(); // rx_path releases the buffer and counts sink_refused
        return false;
    };
    // once per poll (a burst, or an idle receive timeout): a dozen relaxed stores
    auto housekeeping = [&rx](input::rx_path& /*path*/) noexcept {
        rx.drain_returns();
        rx.publish();
    };
    input::rx_loop_config loop = _cfg.rx_loop;
    loop.cpu = cpu_at(_cfg.rx_cpus, rx.id);
    loop.name = "udpn-rx" + std::to_string(rx.id); // start-up of the thread, not per message
    rx.loop_stats = input::run_rx_loop(rx.source, rx.path, sink, _rx_stop, loop, housekeeping);
    rx.path.finish(); // incomplete messages: counted as expired
    rx.drain_returns();
    rx.publish();
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
            w.return_failed.add(); // cannot happen: the return queue holds the whole pool
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
            w.publish();
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
                w.return_failed.add();
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
    w.publish();
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
        r->publish();
    }
    for (auto& w : _workers) {
        _report.drained += w->drained.get();
        _report.left_in_queues += w->left.get();
        _report.undelivered += w->undelivered.get();
    }
    _report.final_stats = stats();
    return _report;
}

pipeline_stats pipeline::stats() const noexcept
{
    pipeline_stats s;
    for (const auto& r : _rx) {
        s.datagrams += r->datagrams.get();
        s.rx_bytes += r->bytes.get();
        s.rx_messages += r->messages.get();
        s.truncated += r->truncated.get();
        s.not_allowed += r->not_allowed.get();
        s.header_invalid += r->header_invalid.get();
        s.reassembly_dropped += r->reassembly_dropped.get();
        s.reassembly_rejected += r->reassembly_rejected.get();
        s.duplicate_segments += r->duplicate_segments.get();
        s.expired += r->expired.get();
        s.pool_exhausted += r->pool_exhausted.get();
        s.oversize += r->oversize.get();
        s.queue_full_drops += r->queue_full_drops.get();
        s.queue_full_waits += r->queue_full_waits.get();
        s.kernel_drops += r->kernel_drops.get();
    }
    for (const auto& w : _workers) {
        s.worker_messages += w->messages.get();
        s.records += w->records.get();
        s.fallback += w->fallback.get();
        s.dead_letters += w->dead_letters.get();
        s.undecodable += w->undecodable.get();
        s.envelope_failed += w->envelope_failed.get();
        s.return_failed += w->return_failed.get();
        const kafka::producer_stats p = w->producer.stats();
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

} // namespace udpn::pipeline
