// udpnotif-recv: the kernel-socket UDP-notif receiver (DESIGN.md §2): UDP -> reassembly ->
// worker stage -> Kafka. Configured once at start from the option table (src/config/): TOML file
// (--config), command-line overrides, --print-config; every configuration problem is reported
// at once and nothing starts (exit 2). Structured logs (src/log), Prometheus metrics on
// metrics.listen (src/metrics: /metrics, /healthz) and a rate line every stats_interval_s.
#include "config/command_line.hpp"
#include "config/toml_file.hpp"
#include "input/socket/udp_socket.hpp"
#include "kafka/config.hpp"
#include "kafka/errors.hpp"
#include "log/log.hpp"
#include "metrics/http_server.hpp"
#include "metrics/pipeline_metrics.hpp"
#include "metrics/process_metrics.hpp"
#include "metrics/rate_line.hpp"
#include "metrics/receiver_metrics.hpp"
#include "pipeline/config.hpp"
#include "pipeline/pipeline.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <thread>

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int /*sig*/)
{
    g_stop.store(true, std::memory_order_relaxed);
}

/// net.core.rmem_max as the kernel reports it, or -1 when it cannot be read.
long long read_rmem_max()
{
    std::FILE* f = std::fopen("/proc/sys/net/core/rmem_max", "r");
    if (f == nullptr) {
        return -1;
    }
    long long v = -1;
    if (std::fscanf(f, "%lld", &v) != 1) {
        v = -1;
    }
    std::fclose(f);
    return v;
}

/// Warns once when the kernel granted less receive buffer than socket.rcvbuf_bytes asked for
/// (all RX sockets share one configuration, so socket 0 speaks for all).
void warn_rcvbuf(const udpn::pipeline::pipeline& p)
{
    const udpn::input::socket_report& r = p.rx_socket_report(0);
    if (!r.rcvbuf_capped) {
        return;
    }
    const long long rmem_max = read_rmem_max();
    const std::string rmem = rmem_max < 0 ? "unreadable" : std::to_string(rmem_max);
    const std::string hint = "raise net.core.rmem_max (sysctl -w net.core.rmem_max=" +
                             std::to_string(r.rcvbuf_requested) +
                             ") or set socket.rcvbuf_force = true with CAP_NET_ADMIN; bursts "
                             "beyond the buffer are dropped by the kernel (kernel drops)";
    udpn::log::warn("socket", "receive buffer capped by the kernel",
                    {{"key", "socket.rcvbuf_bytes"},
                     {"requested", r.rcvbuf_requested},
                     {"granted", r.rcvbuf_effective / 2},
                     {"rmem_max", rmem},
                     {"hint", hint}});
}

/// Monotonic clock in nanoseconds (the rate line's time base).
std::uint64_t steady_ns() noexcept
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

/// The closing lines on stderr (kept plain: tools/main-job.sh and people read them).
void print_summary(const udpn::pipeline::pipeline_stats& s, const udpn::pipeline::stop_report& r,
                   bool null_sink, bool registry)
{
    std::fprintf(stderr,
                 "udpnotif-recv: final: datagrams=%llu bytes=%llu messages=%llu "
                 "worker_messages=%llu records=%llu producer_records=%llu produced=%llu "
                 "delivered=%llu record_waits=%llu\n",
                 static_cast<unsigned long long>(s.datagrams),
                 static_cast<unsigned long long>(s.rx_bytes),
                 static_cast<unsigned long long>(s.rx_messages),
                 static_cast<unsigned long long>(s.worker_messages),
                 static_cast<unsigned long long>(s.records),
                 static_cast<unsigned long long>(s.producer_records),
                 static_cast<unsigned long long>(s.kafka.queued),
                 static_cast<unsigned long long>(s.kafka.delivered),
                 static_cast<unsigned long long>(s.record_waits));
    std::fprintf(stderr,
                 "udpnotif-recv: dropped: truncated=%llu not_allowed=%llu header_invalid=%llu "
                 "reassembly_evicted=%llu reassembly_rejected=%llu duplicate_segments=%llu "
                 "reassembly_expired=%llu pool_exhausted=%llu "
                 "oversize=%llu queue_full=%llu kernel=%llu undecodable=%llu "
                 "envelope_failed=%llu record_slots=%llu left_in_queues=%llu\n",
                 static_cast<unsigned long long>(s.truncated),
                 static_cast<unsigned long long>(s.not_allowed),
                 static_cast<unsigned long long>(s.header_invalid),
                 static_cast<unsigned long long>(s.reassembly_dropped),
                 static_cast<unsigned long long>(s.reassembly_rejected),
                 static_cast<unsigned long long>(s.duplicate_segments),
                 static_cast<unsigned long long>(s.expired),
                 static_cast<unsigned long long>(s.pool_exhausted),
                 static_cast<unsigned long long>(s.oversize),
                 static_cast<unsigned long long>(s.queue_full_drops),
                 static_cast<unsigned long long>(s.kernel_drops),
                 static_cast<unsigned long long>(s.undecodable),
                 static_cast<unsigned long long>(s.envelope_failed),
                 static_cast<unsigned long long>(s.record_drops),
                 static_cast<unsigned long long>(r.left_in_queues));
    if (registry) {
        // PROTOCOL.md §6, §11.22: records without the header were produced anyway (counted).
        std::fprintf(stderr,
                     "udpnotif-recv: schema_registry: schemas_registered=%llu failures=%llu "
                     "schema_id_attached=%llu schema_id_missing=%llu\n",
                     static_cast<unsigned long long>(s.schemas_registered),
                     static_cast<unsigned long long>(s.registry_failures),
                     static_cast<unsigned long long>(s.schema_id_attached),
                     static_cast<unsigned long long>(s.schema_id_missing));
    }
    // arrival of the completing datagram -> produce call (or null-sink count), per record
    std::fprintf(stderr, "udpnotif-recv: latency_us: %s\n", udpn::latency_fields_us(s.latency).c_str());
    std::fprintf(stderr, "udpnotif-recv: cpu: %s\n", udpn::pipeline::cpu_fields(s).c_str());
    if (null_sink) {
        std::fprintf(stderr, "udpnotif-recv: null sink: records=%llu bytes=%llu (no Kafka)\n",
                     static_cast<unsigned long long>(s.null_records),
                     static_cast<unsigned long long>(s.null_bytes));
        return;
    }
    std::fprintf(stderr, "udpnotif-recv: kafka:");
    for (std::size_t i = 0; i < udpn::kafka::n_produce_statuses; ++i) {
        const auto st = static_cast<udpn::kafka::produce_status>(i);
        if (st != udpn::kafka::produce_status::queued) {
            std::fprintf(stderr, " dropped_%s=%llu", udpn::kafka::to_string(st),
                         static_cast<unsigned long long>(s.kafka.dropped[i]));
        }
    }
    for (std::size_t i = 0; i < udpn::kafka::n_delivery_errors; ++i) {
        std::fprintf(stderr, " failed_%s=%llu",
                     udpn::kafka::to_string(static_cast<udpn::kafka::delivery_error>(i)),
                     static_cast<unsigned long long>(s.kafka.failed[i]));
    }
    std::fprintf(stderr, " undelivered_at_stop=%llu fallback=%llu dead_letters=%llu\n",
                 static_cast<unsigned long long>(r.undelivered),
                 static_cast<unsigned long long>(s.fallback),
                 static_cast<unsigned long long>(s.dead_letters));
}

} // namespace

int main(int argc, char** argv)
{
    const udpn::config::command_line cl = udpn::config::parse_command_line(argc, argv);
    if (!cl.errors.empty()) {
        for (const udpn::config::problem& e : cl.errors) {
            std::fprintf(stderr, "udpnotif-recv: %s\n", e.to_string().c_str());
        }
        std::fprintf(stderr,
                     "udpnotif-recv: %zu configuration problem(s), nothing started (--help lists "
                     "the options)\n",
                     cl.errors.size());
        return 2;
    }
    switch (cl.cmd) {
    case udpn::config::command::help: std::fputs(cl.help.c_str(), stdout); return 0;
    case udpn::config::command::print_config:
        std::fputs(udpn::config::to_toml(cl.config).c_str(), stdout);
        return 0;
    case udpn::config::command::check:
    case udpn::config::command::run: break;
    }
    const udpn::config::receiver_config& rc = cl.config;
    {
        udpn::log::log_config lc;
        (void)udpn::log::parse_level(udpn::config::to_string(rc.log.level), lc.min_level);
        (void)udpn::log::parse_format(udpn::config::to_string(rc.log.format), lc.line_format);
        udpn::log::configure(lc);
    }
    for (const udpn::config::problem& w : cl.warnings) {
        udpn::log::warn("config", w.to_string());
    }
    if (cl.cmd == udpn::config::command::check) {
        std::printf("udpnotif-recv: the configuration is valid\n");
        return 0;
    }
    const udpn::pipeline::pipeline_config& cfg = rc.pipeline;
    const bool null_sink = udpn::kafka::is_null(cfg.kafka);
    const udpn::metrics::process_info info{udpn::metrics::build_version(),
                                           udpn::metrics::unix_seconds_now()};

    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    std::unique_ptr<udpn::pipeline::pipeline> p;
    std::unique_ptr<udpn::metrics::http_server> http; // declared after p: destroyed first
    try {
        p = std::make_unique<udpn::pipeline::pipeline>(cfg);
        if (!rc.metrics.listen.empty()) {
            udpn::pipeline::pipeline* pp = p.get();
            http = std::make_unique<udpn::metrics::http_server>(
                rc.metrics.listen,
                [pp, &info] {
                    return udpn::metrics::render_receiver_metrics(pp->per_thread_stats(), info);
                },
                [pp] { return udpn::metrics::pipeline_health(pp->per_thread_stats()); });
        }
    } catch (const std::exception& e) {
        udpn::log::error("main", "start-up failed", {{"error", e.what()}});
        return 1;
    }
    for (const std::string& note : p->state_load_notes()) {
        udpn::log::info("subscriptions", "state file loaded", {{"result", note}});
    }
    if (udpn::kafka::is_embedded(cfg.kafka)) {
        std::printf("embedded kafka bootstrap: %s\n", p->bootstrap_servers().c_str());
    } else if (null_sink) {
        std::printf("kafka: null sink (records are counted, not produced)\n");
    }
    std::printf("listening on %s port %u, %u rx thread(s), %u worker(s), %u producer(s)\n",
                cfg.address.c_str(), static_cast<unsigned>(p->local_port()), cfg.n_rx,
                cfg.n_workers, cfg.n_producers);
    if (cfg.dtls.enabled) {
        std::printf("dtls listening on %s port %u (DTLS 1.2, client certificates required)\n",
                    cfg.dtls.address.c_str(), static_cast<unsigned>(p->dtls_port()));
    }
    if (http) {
        http->start();
        std::printf("metrics on http://%s/metrics\n", http->address().c_str());
    }
    std::fflush(stdout);
    p->start();
    udpn::log::info("main", "started",
                    {{"port", static_cast<unsigned>(p->local_port())},
                     {"rx_threads", cfg.n_rx},
                     {"workers", cfg.n_workers},
                     {"producers", cfg.n_producers},
                     {"kafka", p->bootstrap_servers()},
                     {"metrics", http ? http->address() : std::string("off")}});
    warn_rcvbuf(*p);

    const double duration_s = rc.duration_s;
    const double stats_interval_s = rc.stats_interval_s;
    const std::uint64_t t0 = steady_ns();
    std::uint64_t last = t0;
    udpn::metrics::rate_reporter rates(t0);
    while (!g_stop.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const std::uint64_t now = steady_ns();
        if (duration_s > 0 && double(now - t0) * 1e-9 >= duration_s) {
            break;
        }
        if (stats_interval_s > 0 && double(now - last) * 1e-9 >= stats_interval_s) {
            try {
                (void)rates.report(p->per_thread_stats(), now);
            } catch (const std::bad_alloc&) {
                // no rate line this time
            }
            last = now;
        }
    }
    udpn::log::info("main", "stopping");
    if (http) {
        http->set_stopping(); // /healthz answers 503 while the pipeline drains
    }
    const udpn::pipeline::stop_report r = p->stop();
    print_summary(r.final_stats, r, null_sink, !cfg.registry.url.empty());
    if (!cfg.worker.state_file.empty()) {
        udpn::log::info("subscriptions", "state saved",
                        {{"file", cfg.worker.state_file}, {"records", r.state_records_saved}});
        for (const std::string& problem : r.state_problems) {
            udpn::log::error("subscriptions", "state not saved", {{"error", problem}});
        }
    }
    if (http) {
        http->stop();
    }
    http.reset();
    p.reset();
    return r.undelivered == 0 ? 0 : 2;
}
