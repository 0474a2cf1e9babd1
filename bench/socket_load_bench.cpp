// BM_SocketLoad/<size>/<offered msg/s>/<sink>: the whole kernel-socket receiver (the pipeline
// udpnotif-recv runs: RX thread -> worker thread -> producer thread -> Kafka) on loopback at a
// fixed offered load, measured from outside the hot path.
//
// Traffic: 8 exporters (127.0.0.1..8, one socket each), one publisher each, a subscription-
// started per publisher (sent once, before the measured run), then push-updates made by
// udpnotif-pcapgen's payload model (ietf-interfaces statistics in the ietf-yp-notification
// envelope): 1 KB messages whole in one datagram, or 9 KB messages in 7 UDP-notif segments
// (MTU 1500). The list is sent again and again with fresh Message IDs for `run_seconds`, paced
// with clock_nanosleep in sendmmsg batches of 32 by a sender thread of this process.
// BM_SocketLoadNap/<size>/<offered>/<sink>/<nap_us>: the same with socket.receive_nap_us
// (the RX thread's adaptive nap after a short burst, input/socket/receive_nap.hpp).
// Sinks (argument sink): 0 = `null` (kafka.brokers = "null": the producer threads count the
// records and drop them), 1 = `embedded` (librdkafka's mock cluster in this process, 12
// partitions).
//
// Reported per run (Google Benchmark counters):
//   offered      messages/s asked of the sender; sent: messages/s it achieved
//   delivered    messages/s that became records and reached the sink (null: counted; embedded:
//                acknowledged by the mock cluster)
//   loss_pct     100 * (sent - delivered) / sent; kernel_drops: of those, dropped by the kernel
//                for want of socket buffer (SO_RXQ_OVFL)
//   rxwk_cpu_s_per_M   CPU seconds of the RX and worker threads per million messages received
//                (user + system, from /proc/self/task/*/schedstat, ns resolution)
//   rx_cpu_s_per_M, wk_cpu_s_per_M   the same split by role, from the pipeline's own per-thread
//                CPU clocks (pipeline_stats::rx_cpu_ns, worker_cpu_ns)
//   prod_cpu_s_per_M   CPU seconds of the producer threads and librdkafka's threads per million
//   sender_cpu_pct     the sender thread's CPU (it shares the two cores with the receiver)
// Check before timing: a first pass at a low rate must turn every message into a record with
// no drop of any kind, or the benchmark stops with an error.
#include "pcapgen/traffic.hpp"
#include "pipeline/pipeline.hpp"

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace udpn;

namespace {

constexpr std::uint32_t n_exporters = 8;
constexpr double run_seconds = 3.0;
constexpr std::size_t batch = 32;

/// One exporter's datagrams of one pass, in order, and where each message's id sits.
struct exporter_traffic {
    std::vector<std::vector<std::uint8_t>> started; ///< subscription-started, sent once
    std::vector<std::vector<std::uint8_t>> data;    ///< push-update datagrams of one pass
    std::uint32_t messages_per_pass = 0;
};

struct workload {
    std::vector<exporter_traffic> exporters;
    std::uint32_t datagrams_per_message = 1;
    std::uint64_t messages_per_pass = 0;
};

workload make_workload(std::size_t message_size)
{
    pcapgen::traffic_config cfg;
    cfg.seed = 42;
    cfg.n_exporters = n_exporters;
    cfg.messages_per_publisher = 1 + 250; // started + push-updates
    cfg.size_min = cfg.size_max = message_size;
    cfg.mtu = 1500;
    const pcapgen::traffic t = pcapgen::generate_traffic(cfg);
    workload w;
    w.exporters.resize(n_exporters);
    std::map<std::uint32_t, std::uint32_t> segments_of_first; // exporter -> datagrams
    for (const pcapgen::datagram& d : t.datagrams) {
        const std::string_view text(reinterpret_cast<const char*>(d.payload.data()),
                                    d.payload.size());
        exporter_traffic& e = w.exporters.at(d.exporter);
        if (text.find("subscription-started") != std::string_view::npos) {
            e.started.push_back(d.payload);
        } else {
            e.data.push_back(d.payload);
        }
    }
    for (exporter_traffic& e : w.exporters) {
        e.messages_per_pass = cfg.messages_per_publisher - 1;
        w.messages_per_pass += e.messages_per_pass;
    }
    w.datagrams_per_message =
        static_cast<std::uint32_t>(w.exporters[0].data.size() / w.exporters[0].messages_per_pass);
    return w;
}

/// Adds \p delta to the Message ID of a UDP-notif datagram (octets 8..11, PROTOCOL.md §1.1).
void shift_message_id(std::vector<std::uint8_t>& d, std::uint32_t delta)
{
    std::uint32_t id = 0;
    std::memcpy(&id, d.data() + 8, 4);
    id = htonl(ntohl(id) + delta);
    std::memcpy(d.data() + 8, &id, 4);
}

/// Thread CPU time by role, from /proc/self/task/*/{comm,schedstat}, nanoseconds.
struct cpu_sample {
    std::uint64_t rx_worker = 0;
    std::uint64_t producer = 0; ///< udpn-pr* and librdkafka's rdk:* threads
    std::uint64_t other = 0;
};

cpu_sample sample_cpu()
{
    cpu_sample s;
    DIR* dir = opendir("/proc/self/task");
    if (dir == nullptr) {
        return s;
    }
    while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] == '.') {
            continue;
        }
        const std::string base = std::string("/proc/self/task/") + e->d_name;
        std::string comm;
        std::ifstream(base + "/comm") >> comm;
        std::uint64_t ns = 0;
        std::ifstream(base + "/schedstat") >> ns;
        if (comm.rfind("udpn-rx", 0) == 0 || comm.rfind("udpn-wk", 0) == 0) {
            s.rx_worker += ns;
        } else if (comm.rfind("udpn-pr", 0) == 0 || comm.rfind("rdk:", 0) == 0) {
            s.producer += ns;
        } else {
            s.other += ns;
        }
    }
    closedir(dir);
    return s;
}

std::uint64_t thread_cpu_ns()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

/// One bound, connected socket per exporter (127.0.0.<k+1> -> the receiver).
class senders {
public:
    explicit senders(std::uint16_t port)
    {
        for (std::uint32_t k = 0; k < n_exporters; ++k) {
            const int fd = socket(AF_INET, SOCK_DGRAM, 0);
            int sndbuf = 4 << 20;
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(0x7f000001u + k);
            if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
                throw std::runtime_error("bind 127.0.0.x failed");
            }
            sockaddr_in d{};
            d.sin_family = AF_INET;
            d.sin_addr.s_addr = htonl(0x7f000001u);
            d.sin_port = htons(port);
            if (connect(fd, reinterpret_cast<sockaddr*>(&d), sizeof d) != 0) {
                throw std::runtime_error("connect failed");
            }
            _fds.push_back(fd);
        }
    }
    ~senders()
    {
        for (const int fd : _fds) {
            close(fd);
        }
    }
    senders(const senders&) = delete;
    senders& operator=(const senders&) = delete;

    /// Sends \p dgrams from exporter \p k in one sendmmsg (retried on a partial send).
    void send(std::uint32_t k, std::vector<std::uint8_t>* const* dgrams, std::size_t n)
    {
        iovec iov[batch];
        mmsghdr msgs[batch];
        std::memset(msgs, 0, sizeof msgs);
        for (std::size_t i = 0; i < n; ++i) {
            iov[i] = {dgrams[i]->data(), dgrams[i]->size()};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        std::size_t done = 0;
        while (done < n) {
            const int r = sendmmsg(_fds[k], msgs + done, static_cast<unsigned>(n - done), 0);
            if (r <= 0) {
                ++send_errors;
                return;
            }
            done += static_cast<std::size_t>(r);
        }
    }
    std::uint64_t send_errors = 0;

private:
    std::vector<int> _fds;
};

/// Sends every exporter's subscription-started once.
void send_started(senders& s, workload& w)
{
    for (std::uint32_t k = 0; k < n_exporters; ++k) {
        for (auto& d : w.exporters[k].started) {
            std::vector<std::uint8_t>* p = &d;
            s.send(k, &p, 1);
        }
    }
}

/// Sends whole passes (fresh Message IDs each) at \p msgs_per_s for \p seconds, or \p passes
/// passes when non-zero. @return messages sent.
std::uint64_t send_paced(senders& s, workload& w, double msgs_per_s, double seconds,
                         std::uint32_t passes, std::uint32_t& pass_counter)
{
    const double dgram_per_s = msgs_per_s * w.datagrams_per_message;
    const double ns_per_batch = 1e9 * double(batch) / dgram_per_s;
    timespec t0{};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const auto at = [&](double ns) {
        const auto total = std::uint64_t(t0.tv_nsec) + std::uint64_t(ns);
        timespec t{t0.tv_sec + time_t(total / 1'000'000'000u), long(total % 1'000'000'000u)};
        return t;
    };
    std::uint64_t batches = 0;
    std::uint64_t sent = 0;
    std::vector<std::uint8_t>* chunk[batch];
    for (std::uint32_t p = 0; passes == 0 || p < passes; ++p) {
        ++pass_counter;
        for (auto& e : w.exporters) {
            for (auto& d : e.data) {
                shift_message_id(d, e.messages_per_pass); // the next pass's ids
            }
        }
        // round robin over the exporters, `batch` datagrams of one exporter at a time
        std::vector<std::size_t> next(n_exporters, 0);
        for (bool more = true; more;) {
            more = false;
            for (std::uint32_t k = 0; k < n_exporters; ++k) {
                auto& data = w.exporters[k].data;
                const std::size_t n = std::min(batch, data.size() - next[k]);
                if (n == 0) {
                    continue;
                }
                more = true;
                for (std::size_t i = 0; i < n; ++i) {
                    chunk[i] = &data[next[k] + i];
                }
                next[k] += n;
                const timespec due = at(double(batches) * ns_per_batch);
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr);
                s.send(k, chunk, n);
                ++batches;
            }
        }
        sent += w.messages_per_pass;
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        const double elapsed = double(now.tv_sec - t0.tv_sec) + 1e-9 * double(now.tv_nsec - t0.tv_nsec);
        if (passes == 0 && elapsed >= seconds) {
            break;
        }
    }
    return sent;
}

std::uint64_t delivered_of(const pipeline::pipeline_stats& s, bool null_sink)
{
    return null_sink ? s.null_records : s.kafka.delivered;
}

std::uint64_t drops_of(const pipeline::pipeline_stats& s)
{
    return s.truncated + s.not_allowed + s.header_invalid + s.reassembly_dropped +
           s.reassembly_rejected + s.expired + s.pool_exhausted + s.oversize +
           s.queue_full_drops + s.kernel_drops + s.undecodable + s.envelope_failed +
           s.record_drops + s.kafka.dropped_total() + s.kafka.failed_total();
}

template <class Pred>
bool wait_for(Pred pred, std::chrono::milliseconds limit)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

/// One run; \p nap_us is socket.receive_nap_us (BM_SocketLoadNap).
void socket_load(benchmark::State& state, std::uint32_t nap_us)
{
    const auto size = static_cast<std::size_t>(state.range(0));
    const auto offered = double(state.range(1));
    const bool null_sink = state.range(2) == 0;
    workload w = make_workload(size);

    pipeline::pipeline_config cfg;
    cfg.address = "127.0.0.1";
    cfg.n_rx = 1;
    cfg.n_workers = 1;
    cfg.n_producers = 1;
    cfg.socket.rcvbuf_bytes = 16u << 20;
    cfg.worker.schema.search_dirs = {UDPN_SOCKET_BENCH_YANG_DIR};
    cfg.kafka.brokers = null_sink ? "null" : "embedded";
    cfg.kafka.embedded_partitions = 12;
    cfg.rx_loop.nap_max_ns = std::uint64_t{nap_us} * 1000;

    for (auto _ : state) {
        pipeline::pipeline p(cfg);
        p.start();
        senders s(p.local_port());
        std::uint32_t pass = 0;
        send_started(s, w);
        if (!wait_for([&] { return p.stats().records >= n_exporters; }, std::chrono::seconds(10))) {
            state.SkipWithError("subscription-started records did not come out");
            return;
        }
        // check before timing: one pass at a low rate, every message a record, no drop
        const std::uint64_t check = send_paced(s, w, 20'000, 0, 1, pass);
        const std::uint64_t want = n_exporters + check;
        if (!wait_for([&] { return delivered_of(p.stats(), null_sink) >= want; },
                      std::chrono::seconds(20)) ||
            drops_of(p.stats()) != 0 || p.stats().fallback != 0) {
            const auto st = p.stats();
            std::fprintf(stderr, "check: delivered %llu of %llu, drops %llu, fallback %llu\n",
                         (unsigned long long)delivered_of(st, null_sink),
                         (unsigned long long)want, (unsigned long long)drops_of(st),
                         (unsigned long long)st.fallback);
            state.SkipWithError("check pass lost messages");
            return;
        }

        const auto before = p.stats();
        const cpu_sample cpu0 = sample_cpu();
        std::uint64_t sender_cpu = 0;
        std::uint64_t sent = 0;
        const auto t0 = std::chrono::steady_clock::now();
        std::thread sender([&] {
            const std::uint64_t c0 = thread_cpu_ns();
            sent = send_paced(s, w, offered, run_seconds, 0, pass);
            sender_cpu = thread_cpu_ns() - c0;
        });
        sender.join();
        const auto t_sent = std::chrono::steady_clock::now();
        // let the pipeline finish what it received (it stops moving, or everything is out)
        std::uint64_t last = 0;
        for (int still = 0; still < 20;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
            const auto st = p.stats();
            const std::uint64_t now = delivered_of(st, null_sink) + drops_of(st);
            still = now == last ? still + 1 : 0;
            last = now;
            if (delivered_of(st, null_sink) - delivered_of(before, null_sink) >= sent) {
                break;
            }
        }
        const cpu_sample cpu1 = sample_cpu();
        const auto after = p.stats();
        const double seconds = std::chrono::duration<double>(t_sent - t0).count();
        state.SetIterationTime(seconds);
        (void)p.stop();

        const double received = double(after.rx_messages - before.rx_messages);
        const double delivered =
            double(delivered_of(after, null_sink) - delivered_of(before, null_sink));
        state.counters["offered"] = offered;
        state.counters["sent"] = double(sent) / seconds;
        state.counters["delivered"] = delivered / seconds;
        state.counters["loss_pct"] = sent > 0 ? 100.0 * (double(sent) - delivered) / double(sent) : 0;
        state.counters["kernel_drops"] = double(after.kernel_drops - before.kernel_drops);
        state.counters["rxwk_cpu_s_per_M"] =
            received > 0 ? 1e-9 * double(cpu1.rx_worker - cpu0.rx_worker) / received * 1e6 : 0;
        // the same split by role from the pipeline's own per-thread clocks (published each ms)
        const auto per_M = [received](std::uint64_t ns) {
            return received > 0 ? 1e-9 * double(ns) / received * 1e6 : 0;
        };
        state.counters["rx_cpu_s_per_M"] = per_M(after.rx_cpu_ns - before.rx_cpu_ns);
        state.counters["wk_cpu_s_per_M"] = per_M(after.worker_cpu_ns - before.worker_cpu_ns);
        state.counters["prod_cpu_s_per_M"] =
            received > 0 ? 1e-9 * double(cpu1.producer - cpu0.producer) / received * 1e6 : 0;
        state.counters["sender_cpu_pct"] = 100.0 * 1e-9 * double(sender_cpu) / seconds;
        // arrival of the completing datagram -> produce call, over the timed run only
        udpn::latency_histogram lat = after.latency;
        lat.subtract(before.latency);
        state.counters["lat_p50_us"] = double(lat.quantile_ns(0.5)) * 1e-3;
        state.counters["lat_p99_us"] = double(lat.quantile_ns(0.99)) * 1e-3;
        state.counters["lat_p999_us"] = double(lat.quantile_ns(0.999)) * 1e-3;
        state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
        state.SetBytesProcessed(static_cast<std::int64_t>(delivered * double(size)));
    }
}

void BM_SocketLoad(benchmark::State& state)
{
    socket_load(state, 0);
}

void BM_SocketLoadNap(benchmark::State& state)
{
    socket_load(state, static_cast<std::uint32_t>(state.range(3)));
}

void loads(benchmark::internal::Benchmark* b)
{
    for (const int sink : {0, 1}) {
        for (const int rate : {50'000, 100'000, 200'000}) {
            b->Args({1024, rate, sink});
        }
        for (const int rate : {10'000, 25'000, 50'000}) {
            b->Args({9216, rate, sink});
        }
    }
}

} // namespace

BENCHMARK(BM_SocketLoad)
    ->Apply(loads)
    ->ArgNames({"size", "offered", "sink"})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The 1 KB null-sink loads again with receive naps of at most 300 and 1000 us.
BENCHMARK(BM_SocketLoadNap)
    ->ArgsProduct({{1024}, {50'000, 100'000, 200'000}, {0}, {300, 1000}})
    ->ArgNames({"size", "offered", "sink", "nap_us"})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
