// The pipeline's threads and queues (see pipeline.hpp for the picture). Which library does
// what: oneTBB concurrent_queue for every queue (RX -> worker, buffer returns, worker ->
// producer records, free record slots), FIFO per pushing thread, try_pop only, so no thread
// ever blocks inside a queue; waits are bounded loops here. Each queue item is a batch of up to
// pipeline_config::handoff_batch buffers or slots linked through their own link field (one
// queue operation per batch, not per message); chain_queue counts the items for the bound of
// an RX -> worker queue and for the gauges.
// Counters have one writer (their thread) and are copied into a snapshot under a mutex at most
// once per millisecond (publish()); readers take the snapshots.
#include "pipeline/pipeline.hpp"

#include "common/value_file.hpp"
#include "dtls/listener.hpp"
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
#include "registry/registry.hpp"
#include "worker/message.hpp"
#include "worker/record.hpp"
#include "worker/stage.hpp"

#include <oneapi/tbb/cache_aligned_allocator.h>
#include <oneapi/tbb/concurrent_queue.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace udpn::pipeline {

namespace {

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer builds: the queues' pages come from operator new, which TSan sees. oneTBB's
// cache_aligned_allocator takes them from libtbbmalloc (scalable_aligned_malloc), which TSan
// does not see: a page freed by the popping thread and handed out again, at the same address,
// to a pushing thread reads as a data race between the two (measured: reports in
// micro_queue::push / micro_queue_pop_finalizer on every queue family of this file).
template <typename T> using queue_allocator = std::allocator<T>;
#else
template <typename T> using queue_allocator = tbb::cache_aligned_allocator<T>;
#endif

/// Batch links of a message buffer (what chain<> and chain_queue<> use; record_slot has its
/// own pair below).
inline input::message_buffer* next_of(const input::message_buffer* m) noexcept
{
    return m->link();
}
inline void set_next(input::message_buffer* m, input::message_buffer* next) noexcept
{
    m->set_link(next);
}

/// A run of items linked through their batch link, built by one thread: what one queue
/// operation hands over.
template <typename T> struct chain {
    T* head = nullptr;
    T* tail = nullptr;
    std::uint32_t n = 0;

    void append(T* x) noexcept
    {
        set_next(x, nullptr);
        if (tail != nullptr) {
            set_next(tail, x);
        } else {
            head = x;
        }
        tail = x;
        ++n;
    }
    [[nodiscard]] bool empty() const noexcept { return n == 0; }
};

/// One queue item: the first of n items linked through their batch links.
template <typename T> struct batch {
    T* head = nullptr;
    std::uint32_t n = 0;
};

/// The queue of every hand-off in this file: oneTBB's concurrent_queue of batches, and the
/// number of items in them (a relaxed counter: the gauges, and the bound of a bounded queue).
/// A bounded queue (set_capacity(> 0)) must have one pushing thread: its check and its add
/// are two steps, and only the consumers lower the count meanwhile, so the bound holds.
/// The queues without a capacity hold at most what exists (a pool's buffers, a worker's
/// slots). try_push / try_pop never block. The pages of the queue come from the allocator in
/// steady state (one per 16 batches), as oneTBB's queues do.
template <typename T> class chain_queue {
  public:
    void set_capacity(std::size_t items) noexcept { _capacity = items; }
    /// Queues the \p n items from \p head; false (nothing queued) when the bound would be
    /// passed. Thread: the one pusher of a bounded queue, any of an unbounded one.
    bool try_push(T* head, std::uint32_t n) noexcept
    {
        if (_capacity != 0 && _items.load(std::memory_order_relaxed) + n > _capacity) {
            return false;
        }
        _items.fetch_add(n, std::memory_order_relaxed);
        _q.push(batch<T>{head, n});
        return true;
    }
    bool try_push(const chain<T>& c) noexcept { return try_push(c.head, c.n); }
    bool try_pop(batch<T>& b) noexcept
    {
        if (!_q.try_pop(b)) {
            return false;
        }
        _items.fetch_sub(b.n, std::memory_order_relaxed);
        return true;
    }
    [[nodiscard]] bool empty() const noexcept { return _q.empty(); }
    /// Items in the queued batches (a gauge: a snapshot). Thread: any.
    [[nodiscard]] std::uint64_t items() const noexcept
    {
        return _items.load(std::memory_order_relaxed);
    }

  private:
    tbb::concurrent_queue<batch<T>, queue_allocator<batch<T>>> _q;
    std::atomic<std::size_t> _items{0};
    std::size_t _capacity = 0;
};

/// Calls \p f on each of the b.n items of \p b; \p f may relink the item it is given.
template <typename T, typename F> void for_each_in(const batch<T>& b, F&& f) noexcept
{
    T* x = b.head;
    for (std::uint32_t i = 0; i < b.n && x != nullptr; ++i) {
        T* next = next_of(x);
        f(x);
        x = next;
    }
}

using buffer_queue = chain_queue<input::message_buffer>;

/// Asks the cache for the first prefetch_payload_bytes of \p m's payload (the RX thread or
/// lcore wrote it, so it sits in another core's cache), while the worker processes the message
/// before it. No-op for nullptr.
constexpr std::size_t prefetch_payload_bytes = 2048;
inline void prefetch_payload(const input::message_buffer* m) noexcept
{
    if (m == nullptr) {
        return;
    }
    const byte_span p = m->payload();
    const std::size_t n = std::min(p.size(), prefetch_payload_bytes);
    for (std::size_t off = 0; off < n; off += 64) {
        __builtin_prefetch(p.data() + off, 0, 3);
    }
}

/// A slot's value or key whose capacity grew past this is given back to the allocator when its
/// worker next takes the slot (see pipeline_config::record_slots).
constexpr std::size_t slot_keep_bytes = std::size_t{64} << 10;

/// Records a producer thread takes from its queue per burst (one poll(0) per burst).
constexpr std::size_t producer_burst = 64;

/// Lets an idle consumer thread (worker, producer) sleep up to pipeline_config::idle_wait_us,
/// and, with pipeline_config::wake_on_handoff, be woken as soon as the thread that feeds it
/// has handed over work (a fixed sleep adds up to idle_wait_us to every message below
/// saturation: p50 arrival-to-produce 1.2 ms at 50k msg/s, against 0.1-0.2 ms woken).
/// A std::mutex + std::condition_variable, nothing lock-free of our own: the feeder pays one
/// fence and one relaxed load per hand-off, and takes the mutex only while the consumer sleeps.
/// No wake-up is lost: the consumer publishes `sleeping` (seq_cst) before it looks at its
/// queues one last time, the feeder fences (seq_cst) after its push before it reads
/// `sleeping`, so at least one of them sees the other; the timed wait bounds any surprise.
class idle_signal {
  public:
    /// Sleeps up to \p timeout unless \p has_work() is true once `sleeping` is published, or
    /// until notify(). Thread: the one consumer.
    template <typename HasWork> void sleep_unless(std::chrono::nanoseconds timeout, HasWork has_work)
    {
        std::unique_lock lock(_mutex);
        _sleeping.store(true, std::memory_order_seq_cst);
        if (!has_work()) {
            (void)_cv.wait_for(lock, timeout);
        }
        _sleeping.store(false, std::memory_order_relaxed);
    }
    /// Wakes the consumer if it sleeps. Call after the push. Thread: any feeder.
    void notify() noexcept
    {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (_sleeping.load(std::memory_order_relaxed)) {
            const std::lock_guard lock(_mutex); // the consumer is inside wait_for, or leaving
            _cv.notify_one();
        }
    }

  private:
    std::mutex _mutex;
    std::condition_variable _cv;
    std::atomic<bool> _sleeping{false};
};

struct record_slot;
using slot_queue = chain_queue<record_slot>;

/// One record copied out of a stage (its views die at the next process()). Owned by one worker
/// for ever; lent to a producer thread between the push into the producer's queue and the
/// return into `home`. Strings keep their capacity between records (no allocation in steady
/// state).
struct record_slot {
    /// Headers kept per record; more are not copied (a stage emits at most two).
    static constexpr std::size_t max_headers = 8;
    std::string topic;
    bool has_key = false;
    std::string key;
    std::string value;
    std::array<std::string, max_headers> header_names;
    std::array<std::string, max_headers> header_values;
    std::size_t n_headers = 0;
    /// input::message_meta::arrival_ns of the message the record came from (0: unknown)
    std::uint64_t arrival_ns = 0;
    slot_queue* home = nullptr; ///< the owning worker's free-slot queue
    /// Batch link: the next slot of a batch to the producer, back, or of the worker's free list.
    record_slot* link = nullptr;

    /// Copies \p r in (a value or key above slot_keep_bytes from an earlier record is freed
    /// first). The value is not copied when the stage owns it (record::value_storage): the slot
    /// swaps its own value string for the stage's, which writes its next envelope into the
    /// slot's old one (capacities circulate; steady state allocates nothing). @return false
    /// when memory ran out; the slot then holds nothing useful. Thread: the owning worker.
    bool assign(const worker::record& r) noexcept
    {
        try {
            shrink_if_big(key);
            shrink_if_big(value);
            topic.assign(r.topic);
            has_key = r.has_key;
            key.assign(r.has_key ? r.key : std::string_view{});
            if (r.value_storage != nullptr) {
                value.swap(*r.value_storage);
            } else {
                value.assign(r.value);
            }
            n_headers = std::min(r.headers.size(), max_headers);
            for (std::size_t i = 0; i < n_headers; ++i) {
                header_names[i].assign(r.headers[i].name);
                header_values[i].assign(r.headers[i].value);
            }
            return true;
        } catch (const std::bad_alloc&) {
            return false;
        }
    }

  private:
    static void shrink_if_big(std::string& s) noexcept
    {
        if (s.capacity() > slot_keep_bytes) {
            std::string().swap(s);
        }
    }
};

inline record_slot* next_of(const record_slot* s) noexcept
{
    return s->link;
}
inline void set_next(record_slot* s, record_slot* next) noexcept
{
    s->link = next;
}

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

/// Subscription state files (worker.state_file = F): one worker writes F, several write
/// F.0 .. F.<n-1> (each its own table). At start every worker reads every one of them that
/// exists and keeps the exporters that hash to it, so state survives a change of worker count.
constexpr std::uint32_t max_state_files = 256;

std::string state_path(const pipeline_config& cfg, std::uint32_t worker)
{
    return cfg.n_workers == 1 ? cfg.worker.state_file
                              : cfg.worker.state_file + "." + std::to_string(worker);
}

/// Existing state files of any earlier worker count, F first.
std::vector<std::string> existing_state_files(const std::string& base)
{
    std::vector<std::string> files;
    std::error_code ec;
    if (std::filesystem::exists(base, ec)) {
        files.push_back(base);
    }
    for (std::uint32_t k = 0; k < max_state_files; ++k) {
        std::string f = base + "." + std::to_string(k);
        if (std::filesystem::exists(f, ec)) {
            files.push_back(std::move(f));
        }
    }
    return files;
}

int cpu_at(const std::vector<int>& cpus, std::size_t i) noexcept
{
    return i < cpus.size() ? cpus[i] : -1;
}

/// CPU time of the calling thread so far (user + system), ns. A vDSO call; threads take it
/// when they publish their counters (once per millisecond or so).
std::uint64_t thread_cpu_ns() noexcept
{
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

/// The CPU time of the thread that runs a unit, taken on that thread only (a unit's publish()
/// also runs on the control thread after the join, which must not overwrite it).
struct thread_clock {
    std::thread::id owner;
    std::uint64_t cpu_ns = 0;
    /// Thread: the unit's thread, at its start.
    void claim() noexcept { owner = std::this_thread::get_id(); }
    /// Updates cpu_ns when called on the owner. @return cpu_ns.
    std::uint64_t read() noexcept
    {
        if (owner == std::this_thread::get_id()) {
            cpu_ns = thread_cpu_ns();
        }
        return cpu_ns;
    }
};

/// Threads copy their counters into a snapshot under a mutex at most this often (and at their
/// end); stats() and per_thread_stats() read the snapshots.
constexpr std::uint64_t publish_interval_ns = 1'000'000;

} // namespace

std::vector<std::string> validate(const pipeline_config& cfg)
{
    std::vector<std::string> problems;
    for (std::string& p : registry::validate(cfg.registry)) {
        problems.push_back(std::move(p));
    }
    if (cfg.n_rx < 1 || cfg.n_rx > 64) {
        problems.emplace_back("rx threads must be 1..64");
    }
    if (cfg.n_workers < 1 || cfg.n_workers > 256) {
        problems.emplace_back("workers must be 1..256");
    }
    if (cfg.worker_queue_capacity < 1) {
        problems.emplace_back("worker queue capacity must be >= 1");
    }
    if (cfg.handoff_batch < 1 || cfg.handoff_batch > 1024) {
        problems.emplace_back("hand-off batch must be 1..1024");
    }
    if (cfg.n_producers < 1 || cfg.n_producers > 256) {
        problems.emplace_back("producer threads must be 1..256");
    } else if (cfg.n_producers > cfg.n_workers) {
        problems.emplace_back("producer threads must not outnumber workers (a producer takes "
                              "the records of workers p, p + producers, ...)");
    }
    if (cfg.record_slots < 1 || cfg.record_slots > (std::size_t{1} << 20)) {
        problems.emplace_back("record slots per worker must be 1..1048576");
    }
    if (cfg.idle_wait_us < 10 || cfg.idle_wait_us > 100'000) {
        problems.emplace_back("idle wait must be 10..100000 microseconds");
    }
    if (cfg.input == input_mode::sockets && cfg.address.empty()) {
        problems.emplace_back("listen address must not be empty");
    }
    for (auto& p : worker::validate(cfg.worker)) {
        problems.push_back("worker: " + p);
    }
    if (cfg.dtls.enabled) {
        for (auto& p : dtls::validate(cfg.dtls)) {
            problems.push_back("dtls: " + p);
        }
        if (cfg.input != input_mode::sockets) {
            problems.emplace_back("dtls: the DTLS listener needs socket input");
        }
        if (cfg.dtls.port != 0 && cfg.dtls.port == cfg.port) {
            problems.emplace_back("dtls: listen port must differ from the plain listener's port");
        }
    }
    return problems;
}

/// Objects every thread shares: the schema context and the embedded cluster.
struct pipeline::shared {
    std::unique_ptr<key::schema_context> schema;
    std::unique_ptr<kafka::embedded_cluster> cluster; ///< only when kafka.brokers = embedded
    /// Only when registry.url is set; outlives the workers (their stages call it).
    std::unique_ptr<registry::schema_registry> registry;
    /// queues[rx * n_workers + w]: RX thread rx -> worker w.
    std::vector<std::unique_ptr<buffer_queue>> queues;
    /// worker_signals[w]: wakes worker w when an RX thread has queued a message for it.
    std::vector<std::unique_ptr<idle_signal>> worker_signals;
};

/// One RX thread's objects (socket input), or one external input's (the caller's thread fills
/// buffers through an rx_port). Thread: the RX thread (or the external port's caller) while
/// running; the control thread before start() and after the join / close().
struct pipeline::rx_unit {
    rx_unit(const pipeline_config& cfg, std::uint32_t index, bool dtls_unit = false)
        : id(index), wait_ns(std::uint64_t{cfg.queue_full_wait_us} * 1000),
          batch_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
              cfg.handoff_batch, cfg.worker_queue_capacity))),
          pending(cfg.n_workers)
    {
        if (dtls_unit) {
            // The DTLS listener's own socket (no SO_REUSEPORT: one thread owns its sessions).
            input::udp_socket_config s = socket_config(cfg);
            s.address = cfg.dtls.address;
            s.port = cfg.dtls.port;
            s.reuse_port = false;
            socket.emplace(s);
            source.emplace(*socket, cfg.recvmmsg);
            path.emplace(path_config(cfg, index));
            dtls.emplace(cfg.dtls, socket->fd());
        } else if (cfg.input == input_mode::sockets) {
            socket.emplace(socket_config(cfg));
            source.emplace(*socket, cfg.recvmmsg);
            path.emplace(path_config(cfg, index));
        } else {
            own_pool.emplace(cfg.rx.pool, index);
        }
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

    // Socket input: all three; external input: none of them (own_pool instead).
    std::optional<input::udp_socket> socket;
    std::optional<input::recvmmsg_source> source;
    std::optional<input::rx_path> path;
    std::optional<input::buffer_pool> own_pool;
    std::optional<dtls::listener> dtls; ///< the DTLS RX thread only
    buffer_queue returns; ///< buffers the workers are done with, back to pool()
    std::uint32_t id = 0;
    std::uint64_t wait_ns = 0;                       ///< queue_full_wait_us in ns
    /// Messages per hand-off batch: handoff_batch, or worker_queue_capacity if smaller (a full
    /// batch fits an empty queue).
    std::uint32_t batch_limit = 1;
    /// [w]: messages routed to worker w since its last hand-off (flush_handoffs() at the end
    /// of each burst).
    std::vector<chain<input::message_buffer>> pending;
    /// Messages of earlier route() calls (accepted then) dropped with a refused batch: part
    /// of rx_stats::sink_refused (route() refuses its own message itself).
    std::uint64_t refused_earlier = 0;
    thread_clock clock; ///< socket RX threads: the thread's CPU time
    const std::unique_ptr<buffer_queue>* queues = nullptr; ///< [w]: this unit -> worker w
    const std::unique_ptr<idle_signal>* worker_signals = nullptr; ///< [w]: wakes worker w
    /// Socket RX threads wake a worker once per receive burst (flush_wakeups() from the loop's
    /// housekeeping), not once per message; external ports wake at each submit.
    bool defer_wakeups = false;
    bool wake_on_handoff = false; ///< pipeline_config::wake_on_handoff
    std::vector<std::uint8_t> wake_pending; ///< [w]: a message was queued to w this burst

    /// Wakes the workers this burst queued messages to. Thread: the owner of this unit.
    void flush_wakeups() noexcept
    {
        for (std::size_t w = 0; w < wake_pending.size(); ++w) {
            if (wake_pending[w] != 0) {
                wake_pending[w] = 0;
                worker_signals[w]->notify();
            }
        }
    }
    void wake(std::uint32_t w) noexcept
    {
        if (!wake_on_handoff) {
            return; // the worker sleeps out idle_wait_us
        }
        if (defer_wakeups) {
            wake_pending[w] = 1;
        } else {
            worker_signals[w]->notify();
        }
    }
    std::uint32_t n_workers = 1;
    std::thread thread;
    input::rx_loop_stats loop_stats;
    std::uint64_t naps = 0; ///< receive naps so far (rx_loop_config::nap_counter)
    std::uint64_t queue_full_drops = 0; ///< the RX thread's own (sink) counters
    std::uint64_t queue_full_waits = 0;
    // External input: the port's own counters and the caller's last report.
    input::rx_stats port_stats;
    external_rx_counters external;
    std::atomic<bool> closed{false};
    std::uint64_t next_publish_ns = 0;
    mutable std::mutex published_mutex;
    rx_thread_stats published; ///< guarded by published_mutex

    [[nodiscard]] input::buffer_pool& pool() noexcept { return path ? path->pool() : *own_pool; }
    [[nodiscard]] const input::buffer_pool& pool() const noexcept
    {
        return path ? path->pool() : *own_pool;
    }
    void release(input::message_buffer* m) noexcept
    {
        if (path) {
            path->release(m);
        } else {
            own_pool->release(m);
        }
    }

    /// Adds \p m to the batch for worker hash(exporter address) % n_workers, and hands the
    /// batch over once it holds batch_limit messages (hand_off()). @return false when that
    /// hand-off was refused: the caller releases \p m (and counts it refused); the batch's
    /// other buffers are released and counted here. Thread: the owner of this unit.
    bool route(input::message_buffer* m) noexcept
    {
        const auto w = static_cast<std::uint32_t>(net::hash(m->meta.exporter.addr) % n_workers);
        chain<input::message_buffer>& c = pending[w];
        c.append(m);
        return c.n < batch_limit || hand_off(w, m);
    }

    /// Hands pending[w] to worker w's queue; a full queue is retried for wait_ns (taking
    /// returned buffers back meanwhile), then the whole batch is dropped, counted
    /// (queue_full_drops), and its buffers but \p keep (the caller's) released.
    /// Thread: the owner of this unit.
    bool hand_off(std::uint32_t w, const input::message_buffer* keep) noexcept
    {
        chain<input::message_buffer>& c = pending[w];
        buffer_queue& q = *queues[w];
        bool ok = q.try_push(c);
        if (!ok) {
            ++queue_full_waits;
            if (wait_ns > 0) {
                const std::uint64_t deadline = input::monotonic_ns() + wait_ns;
                do {
                    drain_returns(); // the worker may be waiting on nothing but us
                    std::this_thread::yield();
                    ok = q.try_push(c);
                } while (!ok && input::monotonic_ns() < deadline);
            }
        }
        if (ok) {
            c = {};
            wake(w);
            return true;
        }
        queue_full_drops += c.n;
        for_each_in(batch<input::message_buffer>{c.head, c.n},
                    [this, keep](input::message_buffer* b) noexcept {
                        if (b != keep) {
                            ++refused_earlier;
                            release(b);
                        }
                    });
        c = {};
        return false;
    }

    /// Hands every pending batch over (the end of a receive burst). Thread: the owner.
    void flush_handoffs() noexcept
    {
        for (std::uint32_t w = 0; w < n_workers; ++w) {
            if (!pending[w].empty()) {
                (void)hand_off(w, nullptr);
            }
        }
    }

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
        if (path) {
            s.path = path->stats();
            s.parse = path->parse_stats();
            s.reassembly = path->reassembly_stats();
            s.gaps = path->gap_stats();
            s.socket = source->stats();
            if (dtls) {
                s.dtls = dtls->stats();
            }
        } else {
            s.path = port_stats;
            s.path.datagrams = external.datagrams;
            s.path.bytes = external.bytes;
            s.path.truncated = external.truncated;
            s.path.not_allowed = external.not_allowed;
            s.path.whole_messages = external.whole_messages;
            s.path.reassembled_messages = external.reassembled_messages;
            s.parse = external.parse;
            s.reassembly = external.reassembly;
            s.gaps = external.gaps;
            s.socket = external.source;
        }
        s.path.sink_refused += refused_earlier;
        s.cpu_ns = path ? clock.read() : external.cpu_ns;
        s.pool = pool().stats();
        s.queue_full_drops = queue_full_drops;
        s.queue_full_waits = queue_full_waits;
        s.returns_queued = returns.items();
        s.naps = naps;
        const std::lock_guard lock(published_mutex);
        published = s;
    }
    [[nodiscard]] rx_thread_stats snapshot() const
    {
        const std::lock_guard lock(published_mutex);
        return published;
    }
    /// Gives every returned buffer back to the pool. Thread: the owner of the pool.
    void drain_returns() noexcept
    {
        batch<input::message_buffer> b;
        while (returns.try_pop(b)) {
            for_each_in(b, [this](input::message_buffer* m) noexcept { release(m); });
        }
    }
};

// ---- external input ------------------------------------------------------------------------

input::message_buffer* pipeline::rx_port::acquire(std::size_t payload_len) noexcept
{
    auto got = _unit->pool().acquire(payload_len);
    if (!got) {
        if (got.error() == input::pool_error::oversize) {
            ++_unit->port_stats.oversize;
        } else {
            ++_unit->port_stats.pool_exhausted;
        }
        return nullptr;
    }
    return got.value();
}

bool pipeline::rx_port::can_acquire(std::size_t payload_len) const noexcept
{
    const input::buffer_pool& pool = _unit->pool();
    for (std::size_t i = 0; i < pool.n_classes(); ++i) {
        if (pool.class_at(i).capacity >= payload_len && pool.n_free_in_class(i) > 0) {
            return true;
        }
    }
    return false;
}

bool pipeline::rx_port::submit(input::message_buffer* m) noexcept
{
    ++_unit->port_stats.messages;
    _unit->port_stats.message_bytes += m->size();
    if (_unit->route(m)) {
        return true;
    }
    ++_unit->port_stats.sink_refused;
    _unit->release(m);
    return false;
}

void pipeline::rx_port::release(input::message_buffer* m) noexcept
{
    _unit->release(m);
}

void pipeline::rx_port::flush() noexcept
{
    _unit->flush_handoffs();
}

void pipeline::rx_port::housekeeping(const external_rx_counters& c) noexcept
{
    _unit->flush_handoffs();
    _unit->external = c;
    _unit->drain_returns();
    _unit->publish(false);
}

void pipeline::rx_port::close(const external_rx_counters& c) noexcept
{
    _unit->flush_handoffs();
    _unit->external = c;
    _unit->drain_returns();
    _unit->publish(true);
    _unit->closed.store(true, std::memory_order_release);
}

std::size_t pipeline::rx_port::max_payload() const noexcept
{
    return _unit->pool().max_payload();
}

std::uint32_t pipeline::rx_port::index() const noexcept
{
    return _unit->id;
}

/// One worker thread's objects. It is the sink of its own stage: each record is copied into a
/// free slot and handed to its producer thread.
struct pipeline::worker_unit final : worker::record_sink {
    worker_unit(const pipeline_config& cfg, const key::schema_context& schema, std::uint32_t index)
        : stage(cfg.worker, schema), slots(std::make_unique<record_slot[]>(cfg.record_slots)),
          slot_wait_ns(std::uint64_t{cfg.record_wait_us} * 1000), n_slots(cfg.record_slots),
          batch_limit(cfg.handoff_batch), id(index)
    {
        unused.reserve(cfg.record_slots);
        for (std::size_t i = cfg.record_slots; i > 0; --i) {
            slots[i - 1].home = &free_slots;
            unused.push_back(&slots[i - 1]); // slot 0 on top
        }
    }

    /// A free slot, or nullptr: one that came back from the producer first (the local free
    /// list, refilled with a whole returned batch), a never used one only when none has. A slot
    /// keeps the string capacity of the largest record it held, so handing out returned slots
    /// first keeps the slots that ever held a record to the most that were out at once
    /// (slots_used), instead of cycling through all record_slots of them and growing each
    /// (docs/reliability.md, "Soak"). Thread: the worker.
    record_slot* take_slot() noexcept
    {
        if (free_top == nullptr) {
            batch<record_slot> b;
            if (free_slots.try_pop(b)) {
                free_top = b.head; // the batch's links end in nullptr (chain::append)
                free_local = b.n;
            }
        }
        if (free_top != nullptr) {
            record_slot* slot = free_top;
            free_top = slot->link;
            --free_local;
            return slot;
        }
        if (unused.empty()) {
            return nullptr;
        }
        record_slot* slot = unused.back();
        unused.pop_back();
        ++slots_used;
        return slot;
    }
    /// Puts \p slot back on the local free list (a record that was not queued).
    void put_back(record_slot* slot) noexcept
    {
        slot->link = free_top;
        free_top = slot;
        ++free_local;
    }

    /// Copies \p r into a free slot and adds it to the batch for this worker's producer
    /// (handed over at batch_limit records and after each inbound batch: flush_records());
    /// without a free slot, hands the batch over and waits up to slot_wait_ns (yielding,
    /// serving nothing else), then drops the record, counted. Thread: the worker.
    void on_record(const worker::record& r) noexcept override
    {
        record_slot* slot = take_slot();
        if (slot == nullptr) {
            ++record_waits;
            flush_records(); // the producer cannot return what it never got
            if (slot_wait_ns > 0) {
                const std::uint64_t deadline = input::monotonic_ns() + slot_wait_ns;
                do {
                    std::this_thread::yield();
                    slot = take_slot();
                    if (slot != nullptr) {
                        break;
                    }
                    publish(false); // a long wait shows in the metrics while it lasts
                } while (input::monotonic_ns() < deadline);
            }
            if (slot == nullptr) {
                ++record_slots_exhausted;
                return;
            }
        }
        if (!slot->assign(r)) {
            ++record_copy_failed;
            put_back(slot);
            return;
        }
        slot->arrival_ns = current_arrival_ns;
        outgoing.append(slot);
        if (outgoing.n >= batch_limit) {
            flush_records();
        }
    }

    /// Hands the records batched so far to the producer (its queue has no bound: it holds at
    /// most the slots of its workers) and wakes it. Thread: the worker.
    void flush_records() noexcept
    {
        if (outgoing.empty()) {
            return;
        }
        (void)to_producer->try_push(outgoing);
        outgoing = {};
        if (wake_on_handoff) {
            producer_signal->notify();
        }
    }

    worker::stage stage;
    std::unique_ptr<record_slot[]> slots; ///< fixed: the queues hold pointers into it
    slot_queue free_slots;                ///< slots back from the producer, ready for reuse
    record_slot* free_top = nullptr;      ///< returned slots taken from free_slots (worker only)
    std::size_t free_local = 0;           ///< slots in that list
    chain<record_slot> outgoing;          ///< records for the producer, not handed over yet
    std::vector<record_slot*> unused;     ///< slots that never held a record (worker only)
    std::uint64_t slots_used = 0;         ///< slots taken from `unused` so far
    /// [rx]: buffers done with, for RX unit rx's return queue (flush_returns()).
    std::vector<chain<input::message_buffer>> returning;
    slot_queue* to_producer = nullptr;    ///< queue of producer id % n_producers
    idle_signal* producer_signal = nullptr; ///< wakes that producer
    idle_signal* signal = nullptr;          ///< this worker's (RX threads wake it)
    bool wake_on_handoff = false;           ///< pipeline_config::wake_on_handoff
    std::uint64_t slot_wait_ns = 0;
    std::uint64_t current_arrival_ns = 0; ///< arrival_ns of the message being processed
    std::size_t n_slots = 0;
    std::uint32_t batch_limit = 1; ///< pipeline_config::handoff_batch
    thread_clock clock;            ///< the worker thread's CPU time
    std::uint32_t id = 0;
    std::vector<buffer_queue*> inbound; ///< one per RX thread
    std::thread thread;
    std::uint64_t return_failed = 0; ///< the worker thread's own counters
    std::uint64_t record_slots_exhausted = 0;
    std::uint64_t record_waits = 0;
    std::uint64_t record_copy_failed = 0;
    std::uint64_t next_publish_ns = 0;
    mutable std::mutex published_mutex;
    worker_thread_stats published; ///< guarded by published_mutex
    live_counter drained, left;    ///< written once, at the end of the thread
    subscription::state_report state_saved; ///< written at the end of the thread, read after join

    /// Copies the stage's counters into `published`, at most once per publish_interval_ns
    /// unless \p force. Thread: the worker thread (or control after the join).
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
            s.queued += q->items();
        }
        s.return_failed = return_failed;
        s.record_slots_exhausted = record_slots_exhausted;
        s.record_waits = record_waits;
        s.record_copy_failed = record_copy_failed;
        const std::uint64_t free = free_slots.items() + free_local + unused.size();
        s.slots_in_use = n_slots > free ? n_slots - free : 0;
        s.slots_used = slots_used;
        s.cpu_ns = clock.read();
        const std::lock_guard lock(published_mutex);
        published = s;
    }
    [[nodiscard]] worker_thread_stats snapshot() const
    {
        const std::lock_guard lock(published_mutex);
        return published;
    }
};

/// One producer thread's objects: its kafka::producer (none for the null sink) and the queue
/// its workers fill.
struct pipeline::producer_unit {
    producer_unit(const pipeline_config& cfg, kafka::embedded_cluster* cluster, std::uint32_t index)
        : id(index)
    {
        if (!kafka::is_null(cfg.kafka)) {
            kafka::kafka_config k = cfg.kafka;
            k.content_type.clear(); // the stage adds content-type itself
            producer = std::make_unique<kafka::producer>(k, cluster);
        }
    }

    /// Produces (or, null sink, counts) the record in \p slot. Thread: the producer thread.
    void handle(const record_slot& slot) noexcept
    {
        if (slot.arrival_ns != 0) {
            // arrival of the completing datagram -> this produce call (issue: latency p50/p99)
            const std::uint64_t now = input::monotonic_ns();
            latency.record(now > slot.arrival_ns ? now - slot.arrival_ns : 0);
        }
        if (!producer) {
            ++null_records;
            null_bytes += slot.key.size() + slot.value.size();
            return;
        }
        std::array<kafka::header, record_slot::max_headers> headers{};
        for (std::size_t i = 0; i < slot.n_headers; ++i) {
            headers[i] = {slot.header_names[i], kafka::as_bytes(slot.header_values[i])};
        }
        std::optional<byte_span> key;
        if (slot.has_key) {
            key = kafka::as_bytes(slot.key);
        }
        (void)producer->produce(slot.topic, key, kafka::as_bytes(slot.value),
                                std::span<const kafka::header>(headers.data(), slot.n_headers));
        // a refused record is counted in the producer's stats (dropped by verdict)
    }

    std::unique_ptr<kafka::producer> producer; ///< nullptr: the null sink
    slot_queue records;                        ///< from workers id, id + P, ...
    idle_signal signal;                        ///< its workers wake it
    std::uint32_t id = 0;
    std::thread thread;
    std::uint64_t records_taken = 0; ///< the producer thread's own counters
    latency_histogram latency;       ///< arrival -> produce call, per record
    std::uint64_t null_records = 0;
    std::uint64_t null_bytes = 0;
    std::uint64_t next_publish_ns = 0;
    mutable std::mutex published_mutex;
    producer_thread_stats published; ///< guarded by published_mutex
    live_counter undelivered;        ///< written once, at the end of the thread
    thread_clock clock;              ///< the producer thread's CPU time

    /// Copies the counters into `published`, at most once per publish_interval_ns unless
    /// \p force. Thread: the producer thread (or control before start / after the join).
    void publish(bool force) noexcept
    {
        const std::uint64_t now = input::monotonic_ns();
        if (!force && now < next_publish_ns) {
            return;
        }
        next_publish_ns = now + publish_interval_ns;
        producer_thread_stats s;
        if (producer) {
            s.kafka = producer->stats();
        }
        s.records = records_taken;
        s.queued = records.items();
        s.null_records = null_records;
        s.null_bytes = null_bytes;
        s.latency = latency;
        s.cpu_ns = clock.read();
        const std::lock_guard lock(published_mutex);
        published = s;
    }
    [[nodiscard]] producer_thread_stats snapshot() const
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
    // External input: a buffer pool per input, no socket.
    for (std::uint32_t i = 0; i < _cfg.n_rx; ++i) {
        _rx.push_back(std::make_unique<rx_unit>(_cfg, i));
        if (i == 0 && _rx[0]->socket) {
            _port = _rx[0]->socket->local_endpoint().port;
            _cfg.port = _port;
        }
    }
    for (std::uint32_t w = 0; w < _cfg.n_workers; ++w) {
        _shared->worker_signals.push_back(std::make_unique<idle_signal>());
    }
    if (_cfg.dtls.enabled) {
        _rx.push_back(std::make_unique<rx_unit>(_cfg, _cfg.n_rx, true));
        _dtls_port = _rx.back()->socket->local_endpoint().port;
    }
    const std::size_t n_units = _rx.size();
    _shared->queues.reserve(n_units * _cfg.n_workers);
    for (std::size_t i = 0; i < n_units * _cfg.n_workers; ++i) {
        auto q = std::make_unique<buffer_queue>();
        q->set_capacity(_cfg.worker_queue_capacity); // one pusher: RX unit rx
        _shared->queues.push_back(std::move(q));
    }
    for (auto& r : _rx) {
        r->queues = &_shared->queues[std::size_t{r->id} * _cfg.n_workers];
        r->worker_signals = _shared->worker_signals.data();
        r->defer_wakeups = _cfg.input != input_mode::external;
        r->wake_on_handoff = _cfg.wake_on_handoff;
        r->wake_pending.assign(_cfg.n_workers, 0);
        r->n_workers = _cfg.n_workers;
        if (_cfg.input == input_mode::external) {
            _ports.push_back(std::unique_ptr<rx_port>(new rx_port(*r)));
        }
    }
    _shared->schema = std::make_unique<key::schema_context>(_cfg.worker.schema);
    if (!_cfg.registry.url.empty()) {
        registry::registry_config rc = _cfg.registry;
        // The `@PATH` secret convention of the Kafka properties (docs/security.md).
        std::string problem;
        if (!resolve_value_file(_cfg.registry.password, rc.password, problem)) {
            throw std::runtime_error("schema_registry.password: " + problem);
        }
        _shared->registry = std::make_unique<registry::schema_registry>(rc, *_shared->schema);
    }
    if (kafka::is_embedded(_cfg.kafka)) {
        _shared->cluster = std::make_unique<kafka::embedded_cluster>(_cfg.kafka.embedded_brokers);
        _bootstrap = _shared->cluster->bootstrap_servers();
    } else {
        _bootstrap = _cfg.kafka.brokers; // a real cluster, or "null" (the null sink)
    }
    // Producer p serves workers p, p + P, ...; its queue has no bound of its own: it holds
    // at most their slots.
    for (std::uint32_t p = 0; p < _cfg.n_producers; ++p) {
        _producers.push_back(std::make_unique<producer_unit>(_cfg, _shared->cluster.get(), p));
    }
    for (std::uint32_t w = 0; w < _cfg.n_workers; ++w) {
        auto unit = std::make_unique<worker_unit>(_cfg, *_shared->schema, w);
        for (std::size_t r = 0; r < n_units; ++r) {
            unit->inbound.push_back(_shared->queues[r * _cfg.n_workers + w].get());
        }
        unit->returning.resize(n_units);
        unit->to_producer = &_producers[w % _cfg.n_producers]->records;
        unit->producer_signal = &_producers[w % _cfg.n_producers]->signal;
        unit->signal = _shared->worker_signals[w].get();
        unit->wake_on_handoff = _cfg.wake_on_handoff;
        unit->stage.set_schema_registry(_shared->registry.get());
        _workers.push_back(std::move(unit));
    }
    load_state();
}

void pipeline::load_state()
{
    if (_cfg.worker.state_file.empty()) {
        return;
    }
    const std::uint32_t n_workers = _cfg.n_workers;
    for (const std::string& file : existing_state_files(_cfg.worker.state_file)) {
        std::size_t loaded = 0;
        std::string problem;
        for (auto& w : _workers) {
            const std::uint32_t id = w->id;
            const auto mine = [id, n_workers](const net::ip_address& a) {
                return net::hash(a) % n_workers == id;
            };
            // Never fatal (issue: a corrupt or truncated file is reported and ignored): the
            // records that passed stay loaded, the rest are skipped and counted.
            const subscription::state_report r = w->stage.load_state_from(file, mine);
            loaded += r.records;
            if (!r.ok() && problem.empty()) {
                problem = r.message;
            }
        }
        _state_notes.push_back(problem.empty()
                                   ? file + ": " + std::to_string(loaded) + " subscription(s)"
                                   : problem + " (" + std::to_string(loaded) +
                                         " subscription(s) loaded)");
    }
}

pipeline::~pipeline()
{
    if (_started && !_stopped) {
        (void)stop();
    }
    _workers.clear();
    _producers.clear(); // kafka producers before the embedded cluster
    _shared->cluster.reset();
}

void pipeline::start()
{
    if (_started) {
        return;
    }
    _started = true;
    if (_shared->registry) {
        _shared->registry->start();
    }
    for (auto& p : _producers) {
        producer_unit* unit = p.get();
        unit->thread = std::thread([this, unit] { run_producer(*unit); });
    }
    for (auto& w : _workers) {
        worker_unit* unit = w.get();
        unit->thread = std::thread([this, unit] { run_worker(*unit); });
    }
    if (_cfg.input == input_mode::sockets) {
        for (auto& r : _rx) {
            rx_unit* unit = r.get();
            if (unit->dtls) {
                unit->thread = std::thread([this, unit] { run_dtls(*unit); });
            } else {
                unit->thread = std::thread([this, unit] { run_rx(*unit); });
            }
        }
    }
}

pipeline::rx_port& pipeline::external_port(std::uint32_t i)
{
    if (_cfg.input != input_mode::external) {
        throw std::logic_error("pipeline::external_port: the pipeline reads kernel sockets");
    }
    return *_ports.at(i);
}

void pipeline::run_rx(rx_unit& rx) noexcept
{
    rx.clock.claim();
    // refused: rx_path releases the buffer and counts sink_refused
    auto sink = [&rx](input::message_buffer* m) noexcept { return rx.route(m); };
    // once per poll (a burst, or an idle receive timeout); counters copied once per ms
    auto housekeeping = [&rx](input::rx_path& /*path*/) noexcept {
        rx.flush_handoffs();
        rx.flush_wakeups();
        rx.drain_returns();
        rx.publish(false);
    };
    input::rx_loop_config loop = _cfg.rx_loop;
    loop.cpu = cpu_at(_cfg.rx_cpus, rx.id);
    loop.name = "udpn-rx" + std::to_string(rx.id); // start-up of the thread, not per message
    loop.nap_burst = _cfg.recvmmsg.burst;
    loop.nap_counter = &rx.naps;
    loop.nap_queue_budget = rx.socket ? rx.socket->report().rcvbuf_effective / 4 : 0;
    if (_cfg.recvmmsg.receive_into_pool) {
        // Slots take buffers of the smallest class (the pool sorts its classes and has at
        // least one): what most whole messages need.
        input::buffer_pool& pool = rx.path->pool();
        rx.source->attach_pool(pool, pool.class_at(0).capacity);
    }
    rx.loop_stats = input::run_rx_loop(*rx.source, *rx.path, sink, _rx_stop, loop, housekeeping);
    rx.source->detach_pool(); // the slots' buffers back to the pool before it is summed
    rx.flush_handoffs(); // the workers still run (stop() joins RX first)
    rx.flush_wakeups();
    rx.path->finish(); // incomplete messages: counted as expired
    rx.drain_returns();
    rx.publish(true);
}

void pipeline::run_dtls(rx_unit& rx) noexcept
{
    // The DTLS RX thread: the plain RX loop's steps (STYLE.md §4 rule 9), with the listener
    // between the socket and rx_path: each decrypted UDP-notif message goes through the same
    // rx_path (allowlist, header check, reassembly) and hand-off as a plain datagram.
    const int cpu = cpu_at(_cfg.rx_cpus, rx.id);
    if (cpu >= 0) {
        rx.loop_stats.pin_error = input::pin_current_thread(cpu);
    }
    rx.loop_stats.name_error = input::name_current_thread("udpn-dtls");
    rx.clock.claim();
    auto on_message = [](void* context, const input::datagram& msg) noexcept {
        auto* unit = static_cast<rx_unit*>(context);
        if (input::message_buffer* m = unit->path->process(msg)) {
            // refused: rx_path releases the buffer and counts sink_refused
            (void)unit->path->hand_off(m, [unit](input::message_buffer* b) noexcept {
                return unit->route(b);
            });
        }
    };
    std::uint64_t last_tick = input::monotonic_ns();
    input::datagram_batch batch;
    while (!_rx_stop.load(std::memory_order_relaxed)) {
        ++rx.loop_stats.iterations;
        std::uint64_t now = 0;
        const input::poll_status status = rx.source->poll(batch);
        if (status == input::poll_status::ok) {
            ++rx.loop_stats.busy_polls;
            for (const input::datagram& d : batch.items) {
                rx.dtls->on_datagram(d, on_message, &rx);
            }
            now = batch.items.back().rx_ns;
        } else {
            if (status == input::poll_status::error) {
                ++rx.loop_stats.poll_errors;
            }
            now = input::monotonic_ns();
        }
        rx.flush_handoffs();
        rx.flush_wakeups();
        rx.drain_returns();
        rx.publish(false);
        if (now >= last_tick && now - last_tick >= _cfg.rx_loop.tick_interval_ns) {
            rx.loop_stats.expired += rx.path->on_tick(now);
            rx.dtls->on_tick(now);
            ++rx.loop_stats.ticks;
            last_tick = now;
        }
    }
    rx.dtls->close_all(); // close_notify to every exporter
    rx.flush_handoffs();
    rx.flush_wakeups();
    rx.path->finish();
    rx.drain_returns();
    rx.publish(true);
}

void pipeline::run_worker(worker_unit& w) noexcept
{
    const int cpu = cpu_at(_cfg.worker_cpus, w.id);
    if (cpu >= 0) {
        (void)input::pin_current_thread(cpu);
    }
    w.clock.claim();
    const std::string name = "udpn-wk" + std::to_string(w.id);
    (void)input::name_current_thread(name.c_str());

    auto handle = [&w](input::message_buffer* m) noexcept {
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
        w.current_arrival_ns = m->meta.arrival_ns;
        (void)w.stage.process(msg, w); // the record (if any) goes into a slot of the batch
        w.returning[m->owner_id()].append(m);
    };
    // The buffers of the last inbound batch back to their RX units, one push per unit.
    auto flush_returns = [this, &w]() noexcept {
        for (std::size_t r = 0; r < w.returning.size(); ++r) {
            chain<input::message_buffer>& c = w.returning[r];
            if (!c.empty()) {
                if (!_rx[r]->returns.try_push(c)) {
                    w.return_failed += c.n; // cannot happen: the return queue has no bound
                }
                c = {};
            }
        }
    };
    // one pass over the inbound queues (up to 64 messages from each); @return messages handled
    auto pass = [&w, &handle, &flush_returns]() noexcept {
        std::size_t n = 0;
        for (buffer_queue* q : w.inbound) {
            batch<input::message_buffer> b;
            for (std::size_t taken = 0; taken < 64 && q->try_pop(b); taken += b.n) {
                for_each_in(b, [&handle](input::message_buffer* m) noexcept {
                    prefetch_payload(m->link());
                    handle(m);
                });
                n += b.n;
                w.flush_records(); // one hand-off per inbound batch, never held for more
                flush_returns();
            }
        }
        return n;
    };
    std::uint64_t passes = 0;
    while (!_worker_stop.load(std::memory_order_acquire)) {
        if (pass() == 0) {
            w.publish(false);
            w.signal->sleep_unless(std::chrono::microseconds(_cfg.idle_wait_us), [&w, this] {
                return _worker_stop.load(std::memory_order_relaxed) ||
                       std::any_of(w.inbound.begin(), w.inbound.end(),
                                   [](const buffer_queue* q) { return !q->empty(); });
            });
        } else if ((++passes & 15u) == 0) {
            w.publish(false);
        }
    }
    // RX is stopped and joined: empty the queues (bounded). The producers still run, so
    // slots keep coming back.
    const std::uint64_t deadline =
        input::monotonic_ns() + std::uint64_t{_cfg.drain_timeout_ms} * 1'000'000;
    std::uint64_t drained = 0;
    for (;;) {
        const std::size_t n = pass();
        drained += n;
        if (n == 0 || input::monotonic_ns() >= deadline) {
            break;
        }
    }
    std::uint64_t left = 0;
    for (buffer_queue* q : w.inbound) {
        batch<input::message_buffer> b;
        while (q->try_pop(b)) {
            left += b.n;
            for_each_in(b, [&w](input::message_buffer* m) noexcept {
                w.returning[m->owner_id()].append(m);
            });
            flush_returns();
        }
    }
    w.drained.set(drained);
    w.left.set(left);
    if (!_cfg.worker.state_file.empty()) { // file I/O after the drain, on the owning thread
        w.state_saved = w.stage.save_state_to(state_path(_cfg, w.id));
    }
    w.publish(true);
}

void pipeline::run_producer(producer_unit& p) noexcept
{
    const int cpu = cpu_at(_cfg.producer_cpus, p.id);
    if (cpu >= 0) {
        (void)input::pin_current_thread(cpu);
    }
    p.clock.claim();
    const std::string name = "udpn-pr" + std::to_string(p.id);
    (void)input::name_current_thread(name.c_str());

    kafka::producer* const producer = p.producer.get();
    std::array<batch<record_slot>, producer_burst> burst{};
    for (;;) {
        // Read before the queue: once it is set, the workers are joined and nothing more
        // arrives, so an empty queue after it means done.
        const bool stopping = _producer_stop.load(std::memory_order_acquire);
        if (_gate != nullptr) {
            _gate(_gate_context, p.id);
        }
        // Batches until producer_burst records (each batch holds at least one).
        std::size_t n_batches = 0;
        std::size_t n = 0;
        while (n < producer_burst && p.records.try_pop(burst[n_batches])) {
            n += burst[n_batches].n;
            ++n_batches;
        }
        for (std::size_t i = 0; i < n_batches; ++i) {
            const batch<record_slot>& b = burst[i];
            for_each_in(b, [&p](record_slot* slot) noexcept { p.handle(*slot); });
            // The batch goes back whole, links kept (all its slots are of one worker). Cannot
            // fail: the free queue has no bound. (A lost slot would show as slots_in_use
            // staying above 0.)
            (void)b.head->home->try_push(b.head, b.n);
        }
        p.records_taken += n;
        if (producer != nullptr) {
            (void)producer->poll(0); // delivery reports
        }
        if (n == 0 && !stopping) {
            // until a worker queues a record (Kafka: delivery reports at least this often)
            p.signal.sleep_unless(std::chrono::microseconds(_cfg.idle_wait_us), [&p, this] {
                return !p.records.empty() || _producer_stop.load(std::memory_order_relaxed);
            });
        }
        p.publish(false);
        if (n == 0 && stopping) {
            break;
        }
    }
    // The queue is empty and stays so: flush, then purge what did not make it.
    std::size_t undelivered = 0;
    if (producer != nullptr) {
        undelivered = producer->flush(std::chrono::milliseconds(_cfg.flush_timeout_ms));
        if (undelivered > 0) {
            producer->purge(); // counted as delivery_error::purged
        }
    }
    p.undelivered.set(undelivered);
    p.publish(true);
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
        // External input: the caller stops its own RX threads first, each closing its port
        // as its last act (pipeline.hpp); nothing may be submitted once the workers drain.
        while (_cfg.input == input_mode::external &&
               !r->closed.load(std::memory_order_acquire)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    _worker_stop.store(true, std::memory_order_release);
    for (const auto& s : _shared->worker_signals) {
        s->notify(); // an idle worker sleeps until woken (or idle_wait_us)
    }
    for (auto& w : _workers) {
        if (w->thread.joinable()) {
            w->thread.join();
        }
    }
    // The workers are joined: the producers empty their queues, flush and end.
    _producer_stop.store(true, std::memory_order_release);
    for (const auto& p : _producers) {
        p->signal.notify();
    }
    for (auto& p : _producers) {
        if (p->thread.joinable()) {
            p->thread.join();
        }
    }
    // every thread is joined: give the last returned buffers back to their pools, and show
    // the slots that came back after each worker's last snapshot
    for (auto& r : _rx) {
        r->drain_returns();
        r->publish(true);
    }
    bool all_saved = true;
    for (auto& w : _workers) {
        w->publish(true);
        _report.drained += w->drained.get();
        _report.left_in_queues += w->left.get();
        _report.state_records_saved += w->state_saved.records;
        if (!w->state_saved.ok()) {
            all_saved = false;
            _report.state_problems.push_back(w->state_saved.message);
        }
    }
    if (!_cfg.worker.state_file.empty() && all_saved) {
        // files of an earlier worker count would be read again at the next start: remove them
        std::vector<std::string> written;
        for (std::uint32_t w = 0; w < _cfg.n_workers; ++w) {
            written.push_back(state_path(_cfg, w));
        }
        for (const std::string& f : existing_state_files(_cfg.worker.state_file)) {
            if (std::find(written.begin(), written.end(), f) == written.end()) {
                std::error_code ec;
                std::filesystem::remove(f, ec);
            }
        }
    }
    for (auto& p : _producers) {
        _report.undelivered += p->undelivered.get();
    }
    if (_shared->registry) {
        _shared->registry->stop(); // an HTTP request in progress is aborted
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
    for (const auto& w : _workers) {
        t.workers.push_back(w->snapshot());
    }
    t.producers.reserve(_producers.size());
    for (const auto& p : _producers) {
        t.producers.push_back(p->snapshot());
    }
    if (_shared->registry) {
        t.registry.push_back(_shared->registry->stats());
    }
    return t;
}

std::string cpu_fields(const pipeline_stats& s)
{
    const double worker_s = double(s.worker_cpu_ns) * 1e-9;
    char buf[160];
    std::snprintf(buf, sizeof buf,
                  "rx_s=%.6f workers_s=%.6f producers_s=%.6f worker_messages_per_cpu_s=%.0f",
                  double(s.rx_cpu_ns) * 1e-9, worker_s, double(s.producer_cpu_ns) * 1e-9,
                  worker_s > 0 ? double(s.worker_messages) / worker_s : 0.0);
    return buf;
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
        s.rx_cpu_ns += r.cpu_ns;
    }
    for (const worker_thread_stats& w : t.workers) {
        s.worker_messages += w.stage.messages;
        s.records += w.stage.records;
        s.fallback += w.stage.of(worker::process_status::produced_fallback);
        s.dead_letters += w.stage.dead_letters;
        s.undecodable += w.stage.of(worker::process_status::undecodable);
        s.envelope_failed += w.stage.of(worker::process_status::envelope_failed);
        s.return_failed += w.return_failed;
        s.record_drops += w.record_slots_exhausted + w.record_copy_failed;
        s.record_waits += w.record_waits;
        s.schema_id_attached += w.stage.schema_id_attached;
        for (const std::uint64_t n : w.stage.schema_id_missing) {
            s.schema_id_missing += n;
        }
        s.worker_cpu_ns += w.cpu_ns;
    }
    for (const registry::registry_stats& r : t.registry) {
        s.schemas_registered += r.registered;
        for (const std::uint64_t n : r.failures) {
            s.registry_failures += n;
        }
    }
    for (const producer_thread_stats& pt : t.producers) {
        s.producer_records += pt.records;
        s.null_records += pt.null_records;
        s.null_bytes += pt.null_bytes;
        s.latency.merge(pt.latency);
        s.producer_cpu_ns += pt.cpu_ns;
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

const input::socket_report& pipeline::rx_socket_report(std::uint32_t rx) const
{
    static const input::socket_report none{}; // external input: no socket
    const rx_unit& unit = *_rx.at(rx);
    return unit.socket ? unit.socket->report() : none;
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
