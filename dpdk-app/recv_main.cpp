// udpnotif-recv-dpdk: the udpnotif-recv pipeline (workers, record slots, producer threads,
// Kafka / embedded / null sink, stats, metrics) fed by DPDK RX lcores instead of kernel
// sockets (DESIGN.md §2, §4). docs/deploy-dpdk.md has the deployment side.
//
//   udpnotif-recv-dpdk EAL-ARGS... -- [--dpdk.* OPTIONS] [udpnotif-recv OPTIONS]
//
// Lcores: the main lcore runs control (progress lines, stop, report); every EAL worker lcore
// is an RX lcore and owns RX queue i of every port (rx_lcore.hpp). Workers and producers are
// the pipeline's own std::threads (pinned by workers.cpus / producers.cpus); they are created
// with the CPU set the process had before EAL pinned the main thread to the main lcore.
//
// Stop order: RX lcores are told to stop (or end by themselves when a replay is exhausted),
// rte_eal_wait_lcore joins them (each closed its pipeline port as its last act), then
// pipeline::stop() drains the workers and producers; then the report.
#include "dpdk-app/eal.hpp"
#include "dpdk-app/packet_path.hpp"
#include "dpdk-app/ports.hpp"
#include "dpdk-app/recv_options.hpp"
#include "dpdk-app/rx_lcore.hpp"

#include "config/command_line.hpp"
#include "config/toml_file.hpp"
#include "kafka/config.hpp"
#include "log/log.hpp"
#include "metrics/exposition.hpp"
#include "metrics/http_server.hpp"
#include "metrics/pipeline_metrics.hpp"
#include "metrics/process_metrics.hpp"
#include "metrics/rate_line.hpp"
#include "metrics/receiver_metrics.hpp"
#include "pipeline/config.hpp"
#include "pipeline/pipeline.hpp"

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* prog = "udpnotif-recv-dpdk";

std::atomic<bool> g_signal{false};

extern "C" void on_signal(int /*sig*/)
{
    g_signal.store(true, std::memory_order_relaxed);
}

std::uint64_t steady_ns() noexcept
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

using ull = unsigned long long;

/// The packet-level counters of every RX lcore, summed (read after rte_eal_wait_lcore).
struct packet_totals {
    udpn::dpdk::packet_stats p;
    udpn::dpdk::rx_loop_counters loop;
};

packet_totals sum_lcores(const std::vector<std::unique_ptr<udpn::dpdk::rx_lcore>>& lcores)
{
    packet_totals t;
    for (const auto& l : lcores) {
        const udpn::dpdk::packet_stats& s = l->path().stats();
        t.p.packets += s.packets;
        t.p.datagrams += s.datagrams;
        t.p.messages += s.messages;
        t.p.not_ip += s.not_ip;
        t.p.not_udp += s.not_udp;
        t.p.other_port += s.other_port;
        t.p.truncated += s.truncated;
        t.p.ip_fragments += s.ip_fragments;
        t.p.ip_reassembled += s.ip_reassembled;
        t.p.ip_fragment_errors += s.ip_fragment_errors;
        const udpn::dpdk::rx_loop_counters& c = l->loop();
        t.loop.frames += c.frames;
        t.loop.bytes += c.bytes;
        t.loop.polls += c.polls;
        t.loop.idle_polls += c.idle_polls;
        if (c.first_frame_ns != 0 &&
            (t.loop.first_frame_ns == 0 || c.first_frame_ns < t.loop.first_frame_ns)) {
            t.loop.first_frame_ns = c.first_frame_ns;
        }
        t.loop.last_frame_ns = std::max(t.loop.last_frame_ns, c.last_frame_ns);
    }
    return t;
}

/// The final report, on stdout: key=value lines (tests and people read them).
/// Rates are over the active period: from the first frame to \p end_ns (the workers' last
/// observed progress; CLOCK_MONOTONIC), at least to the last frame; the RX period alone
/// (first to last frame) is shown as rx_active_s.
void print_report(const udpn::pipeline::stop_report& r, const packet_totals& t,
                  const udpn::dpdk::port_set& ports, bool null_sink, std::uint64_t end_ns)
{
    const udpn::pipeline::pipeline_stats& s = r.final_stats;
    const std::uint64_t first = t.loop.first_frame_ns;
    const std::uint64_t last = std::max(t.loop.last_frame_ns, end_ns);
    const double secs = first != 0 && last > first ? double(last - first) * 1e-9 : 0.0;
    const double rx_secs = t.loop.last_frame_ns > first ? double(t.loop.last_frame_ns - first) * 1e-9
                                                        : 0.0;
    const auto per_s = [secs](std::uint64_t n) { return secs > 0 ? double(n) / secs : 0.0; };
    std::printf("%s: final: frames=%llu frame_bytes=%llu datagrams=%llu messages=%llu "
                "worker_messages=%llu records=%llu producer_records=%llu null_records=%llu "
                "produced=%llu delivered=%llu undelivered=%llu\n",
                prog, ull(t.loop.frames), ull(t.loop.bytes), ull(s.datagrams), ull(s.rx_messages),
                ull(s.worker_messages), ull(s.records), ull(s.producer_records),
                ull(s.null_records), ull(s.kafka.queued), ull(s.kafka.delivered),
                ull(r.undelivered));
    std::printf("%s: rate: active_s=%.6f rx_active_s=%.6f messages_per_s=%.0f bytes_per_s=%.0f "
                "frames_per_s=%.0f records_per_s=%.0f\n",
                prog, secs, rx_secs, per_s(s.rx_messages), per_s(t.loop.bytes),
                per_s(t.loop.frames), per_s(s.records));
    // The completing frame's rx_burst -> the produce call (null sink: its count), per record.
    // In replay the RX lcore waits for room in the worker queue, so this includes the queueing
    // of a saturated pipeline (docs: bench/README.md, DPDK pcap replay).
    std::printf("%s: latency_us: %s\n", prog, udpn::latency_fields_us(s.latency).c_str());
    // CPU seconds per role; on shared cores, worker_messages_per_cpu_s is the per-core figure.
    std::printf("%s: cpu: %s\n", prog, udpn::pipeline::cpu_fields(s).c_str());
    std::printf("%s: packet: ip_fragments=%llu ip_reassembled=%llu ip_fragment_errors=%llu "
                "not_ip=%llu not_udp=%llu other_port=%llu truncated=%llu\n",
                prog, ull(t.p.ip_fragments), ull(t.p.ip_reassembled),
                ull(t.p.ip_fragment_errors), ull(t.p.not_ip), ull(t.p.not_udp),
                ull(t.p.other_port), ull(t.p.truncated));
    std::printf("%s: dropped: header_invalid=%llu reassembly_evicted=%llu "
                "reassembly_rejected=%llu duplicate_segments=%llu reassembly_expired=%llu "
                "pool_exhausted=%llu oversize=%llu queue_full=%llu undecodable=%llu "
                "envelope_failed=%llu record_slots=%llu left_in_queues=%llu\n",
                prog, ull(s.header_invalid), ull(s.reassembly_dropped),
                ull(s.reassembly_rejected), ull(s.duplicate_segments), ull(s.expired),
                ull(s.pool_exhausted), ull(s.oversize), ull(s.queue_full_drops),
                ull(s.undecodable), ull(s.envelope_failed), ull(s.record_drops),
                ull(r.left_in_queues));
    if (!null_sink) {
        std::uint64_t kafka_dropped = 0;
        std::uint64_t kafka_failed = 0;
        for (std::size_t i = 0; i < s.kafka.dropped.size(); ++i) {
            if (static_cast<udpn::kafka::produce_status>(i) != udpn::kafka::produce_status::queued) {
                kafka_dropped += s.kafka.dropped[i];
            }
        }
        for (const std::uint64_t f : s.kafka.failed) {
            kafka_failed += f;
        }
        std::printf("%s: kafka: dropped=%llu failed=%llu fallback=%llu dead_letters=%llu\n", prog,
                    ull(kafka_dropped), ull(kafka_failed), ull(s.fallback), ull(s.dead_letters));
    }
    for (std::size_t i = 0; i < ports.ports().size(); ++i) {
        const udpn::dpdk::port_counters c = ports.counters(i);
        std::printf("%s: port %u: ipackets=%llu ibytes=%llu imissed=%llu ierrors=%llu "
                    "rx_nombuf=%llu\n",
                    prog, static_cast<unsigned>(ports.ports()[i].id), ull(c.ipackets),
                    ull(c.ibytes), ull(c.imissed), ull(c.ierrors), ull(c.rx_nombuf));
    }
    std::fflush(stdout);
}

/// The rte_eth_stats of every port as Prometheus families (label `port`: the ethdev id),
/// appended to the /metrics text. Thread: the HTTP server's (rte_eth_stats_get only reads).
std::string render_port_metrics(const udpn::dpdk::port_set& ports)
{
    struct field {
        const char* name;
        const char* help;
        std::uint64_t udpn::dpdk::port_counters::*member;
    };
    static constexpr field fields[] = {
        {"udpnotif_dpdk_port_ipackets_total", "Frames received by the DPDK port (ipackets).",
         &udpn::dpdk::port_counters::ipackets},
        {"udpnotif_dpdk_port_ibytes_total", "Octets of those frames (ibytes).",
         &udpn::dpdk::port_counters::ibytes},
        {"udpnotif_dpdk_port_imissed_total",
         "Frames dropped by the device: RX queue full, the RX lcore was too slow (imissed).",
         &udpn::dpdk::port_counters::imissed},
        {"udpnotif_dpdk_port_ierrors_total", "Erroneous frames received (ierrors).",
         &udpn::dpdk::port_counters::ierrors},
        {"udpnotif_dpdk_port_rx_nombuf_total",
         "Frames dropped: no free mbuf in the mempool (rx_nombuf).",
         &udpn::dpdk::port_counters::rx_nombuf},
    };
    std::vector<udpn::dpdk::port_counters> c;
    c.reserve(ports.ports().size());
    for (std::size_t i = 0; i < ports.ports().size(); ++i) {
        c.push_back(ports.counters(i));
    }
    udpn::metrics::exposition_writer w;
    for (const field& f : fields) {
        w.begin(f.name, f.help, udpn::metrics::metric_type::counter);
        for (std::size_t i = 0; i < c.size(); ++i) {
            const udpn::metrics::label l{"port", std::to_string(ports.ports()[i].id)};
            w.add(std::span<const udpn::metrics::label>(&l, 1), c[i].*f.member);
        }
    }
    return w.take();
}

/// Runs \p fn with the calling thread's CPU set widened to \p cpus (threads it creates
/// inherit it), then puts the thread's own set back.
template <typename Fn> void with_affinity(const cpu_set_t& cpus, Fn&& fn)
{
    cpu_set_t mine;
    CPU_ZERO(&mine);
    const bool saved = pthread_getaffinity_np(pthread_self(), sizeof mine, &mine) == 0;
    (void)pthread_setaffinity_np(pthread_self(), sizeof cpus, &cpus);
    fn();
    if (saved) {
        (void)pthread_setaffinity_np(pthread_self(), sizeof mine, &mine);
    }
}

int run(int argc, char** argv)
{
    const udpn::dpdk::recv_command_line split = udpn::dpdk::split_command_line(argc, argv);
    if (split.help) {
        std::fputs(udpn::dpdk::recv_dpdk_usage(), stdout);
        const auto help = udpn::config::parse_command_line(std::vector<std::string>{"--help"});
        std::fputs(help.help.c_str(), stdout);
        return 0;
    }
    const udpn::config::command_line cl = udpn::config::parse_command_line(
        std::vector<std::string>(split.recv_args.begin() + 1, split.recv_args.end()));
    std::vector<std::string> errors = split.errors;
    for (const udpn::config::problem& e : cl.errors) {
        errors.push_back(e.to_string());
    }
    const udpn::config::receiver_config& rc = cl.config;
    if (errors.empty() && !rc.pipeline.rx.source_allowlist.empty()) {
        errors.emplace_back("input.source_allowlist is not supported by udpnotif-recv-dpdk yet");
    }
    if (!errors.empty()) {
        for (const std::string& e : errors) {
            std::fprintf(stderr, "%s: %s\n", prog, e.c_str());
        }
        std::fprintf(stderr, "%s: %zu configuration problem(s), nothing started (-- --help "
                             "lists the options)\n",
                     prog, errors.size());
        return 2;
    }
    switch (cl.cmd) {
    case udpn::config::command::help:
        std::fputs(udpn::dpdk::recv_dpdk_usage(), stdout);
        std::fputs(cl.help.c_str(), stdout);
        return 0;
    case udpn::config::command::print_config:
        std::fputs(udpn::config::to_toml(cl.config).c_str(), stdout);
        return 0;
    case udpn::config::command::check:
        std::printf("%s: the configuration is valid\n", prog);
        return 0;
    case udpn::config::command::run: break;
    }
    {
        udpn::log::log_config lc;
        (void)udpn::log::parse_level(udpn::config::to_string(rc.log.level), lc.min_level);
        (void)udpn::log::parse_format(udpn::config::to_string(rc.log.format), lc.line_format);
        udpn::log::configure(lc);
    }
    for (const udpn::config::problem& w : cl.warnings) {
        udpn::log::warn("config", w.to_string());
    }

    cpu_set_t process_cpus; // before EAL pins this thread to the main lcore
    CPU_ZERO(&process_cpus);
    (void)sched_getaffinity(0, sizeof process_cpus, &process_cpus);

    const udpn::dpdk::eal_session eal(split.eal_args);
    std::vector<unsigned> rx_lcores;
    unsigned lcore = 0;
    RTE_LCORE_FOREACH_WORKER(lcore) { rx_lcores.push_back(lcore); }
    if (rx_lcores.empty()) {
        std::fprintf(stderr, "%s: no RX lcore: give EAL at least two lcores (-l 0-1): the main "
                             "lcore runs control, every other one receives\n",
                     prog);
        return 2;
    }
    const udpn::dpdk::recv_dpdk_options& dopt = split.dpdk;
    udpn::dpdk::port_options po;
    po.ports = dopt.ports;
    po.n_queues = static_cast<std::uint32_t>(rx_lcores.size());
    po.mbufs = dopt.mbufs;
    po.mbuf_cache = dopt.mbuf_cache;
    po.rx_desc = dopt.rx_desc;
    po.promiscuous = dopt.promiscuous;
    po.mtu = dopt.mtu;
    const udpn::dpdk::port_set ports(po);
    const bool pcap_only = ports.all_pcap();
    const bool replay = dopt.replay || dopt.frames > 0 ||
                        (pcap_only && !udpn::dpdk::has_infinite_rx(split.eal_args));

    udpn::pipeline::pipeline_config cfg = rc.pipeline;
    cfg.input = udpn::pipeline::input_mode::external;
    cfg.n_rx = static_cast<std::uint32_t>(rx_lcores.size());
    if (replay) {
        // A file can wait for a worker: replay measures what the pipeline sustains.
        cfg.queue_full_wait_us = std::max<std::uint32_t>(cfg.queue_full_wait_us, 1'000'000);
    }
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
                [pp, &info, &ports] {
                    return udpn::metrics::render_receiver_metrics(pp->per_thread_stats(), info) +
                           render_port_metrics(ports);
                },
                [pp] { return udpn::metrics::pipeline_health(pp->per_thread_stats()); });
        }
    } catch (const std::exception& e) {
        udpn::log::error("main", "start-up failed", {{"error", e.what()}});
        return 1;
    }

    // One packet path per RX lcore, on its lcore's NUMA socket; clock: capture time when every
    // port reads a capture (net_pcap), CLOCK_REALTIME per burst otherwise.
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<udpn::dpdk::rx_lcore>> lcores;
    for (std::size_t i = 0; i < rx_lcores.size(); ++i) {
        udpn::dpdk::packet_path_config pc;
        pc.reassembly = cfg.rx.reassembly;
        pc.parse = cfg.rx.parse;
        pc.udp_port = cfg.port;
        pc.ip_frag_timeout_ns = std::max<std::uint64_t>(cfg.rx.reassembly.timeout_ns, 1);
        pc.clock = pcap_only ? udpn::dpdk::clock_source::rx_timestamp_us
                             : udpn::dpdk::clock_source::caller;
        pc.gap_max_streams = cfg.rx.gap_max_streams;
        pc.socket_id = static_cast<int>(rte_lcore_to_socket_id(rx_lcores[i]));
        udpn::dpdk::rx_lcore_config lc;
        for (const udpn::dpdk::port_info& port : ports.ports()) {
            if (i < port.n_queues) {
                lc.queues.push_back({port.id, static_cast<std::uint16_t>(i)});
            }
        }
        lc.burst = dopt.burst;
        lc.replay = replay;
        lc.idle_ns = std::uint64_t{dopt.idle_ms} * 1'000'000;
        lc.max_frames = dopt.frames;
        lc.pace_fps = dopt.pace_fps;
        lcores.push_back(std::make_unique<udpn::dpdk::rx_lcore>(
            lc, pc, p->external_port(static_cast<std::uint32_t>(i)), stop));
    }

    if (udpn::kafka::is_embedded(cfg.kafka)) {
        std::printf("embedded kafka bootstrap: %s\n", p->bootstrap_servers().c_str());
    } else if (null_sink) {
        std::printf("kafka: null sink (records are counted, not produced)\n");
    }
    std::printf("%s: %zu port(s), %zu RX lcore(s), %u worker(s), %u producer(s)%s\n", prog,
                ports.ports().size(), rx_lcores.size(), cfg.n_workers, cfg.n_producers,
                replay ? ", replay (ends when the input is exhausted)" : "");
    if (http) {
        http->start();
        std::printf("metrics on http://%s/metrics\n", http->address().c_str());
    }
    std::fflush(stdout);
    with_affinity(process_cpus, [&] { p->start(); });
    for (std::size_t i = 0; i < rx_lcores.size(); ++i) {
        if (const int rc2 = rte_eal_remote_launch(&udpn::dpdk::rx_lcore::entry, lcores[i].get(),
                                                  rx_lcores[i]);
            rc2 != 0) {
            std::fprintf(stderr, "%s: cannot launch RX lcore %u\n", prog, rx_lcores[i]);
            stop.store(true);
            // lcores launched so far see stop; the others never ran: close their ports
            for (std::size_t j = i; j < rx_lcores.size(); ++j) {
                p->external_port(static_cast<std::uint32_t>(j)).close({});
            }
            break;
        }
    }

    const std::uint64_t t0 = steady_ns();
    std::uint64_t last_rate = t0;
    std::uint64_t last_progress = t0;
    std::uint64_t last_messages = 0;
    udpn::metrics::rate_reporter rates(t0);
    // Replay: the end of the active period is the last time the workers were seen to make
    // progress (sampled every 5 ms), or the end of stop() when it still drained messages.
    std::uint64_t seen_worker_messages = 0;
    std::uint64_t last_worker_progress_ns = 0;
    while (!g_signal.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(replay ? 5 : 20));
        const std::uint64_t now = steady_ns();
        if (replay) {
            const std::uint64_t wm = p->stats().worker_messages;
            if (wm != seen_worker_messages) {
                seen_worker_messages = wm;
                last_worker_progress_ns = now;
            }
        }
        if (rc.duration_s > 0 && double(now - t0) * 1e-9 >= rc.duration_s) {
            break;
        }
        if (replay && std::all_of(lcores.begin(), lcores.end(),
                                  [](const auto& l) { return l->finished(); })) {
            break;
        }
        if (replay && now - last_progress >= 1'000'000'000) {
            const udpn::pipeline::pipeline_stats s = p->stats();
            std::fprintf(stderr,
                         "%s: progress: %.1f s datagrams=%llu messages=%llu records=%llu "
                         "messages_per_s=%.0f drops=%llu\n",
                         prog, double(now - t0) * 1e-9, ull(s.datagrams), ull(s.rx_messages),
                         ull(s.records),
                         double(s.rx_messages - last_messages) * 1e9 / double(now - last_progress),
                         ull(s.pool_exhausted + s.oversize + s.queue_full_drops + s.record_drops));
            last_progress = now;
            last_messages = s.rx_messages;
        }
        if (!replay && rc.stats_interval_s > 0 &&
            double(now - last_rate) * 1e-9 >= rc.stats_interval_s) {
            try {
                (void)rates.report(p->per_thread_stats(), now);
            } catch (const std::bad_alloc&) {
                // no rate line this time
            }
            last_rate = now;
        }
    }
    // The order of the end: RX lcores stop and are joined (each closed its port), then the
    // pipeline drains its workers and producers.
    stop.store(true, std::memory_order_relaxed);
    rte_eal_mp_wait_lcore();
    if (http) {
        http->set_stopping();
    }
    const udpn::pipeline::stop_report r = p->stop();
    if (r.final_stats.worker_messages != seen_worker_messages) {
        last_worker_progress_ns = steady_ns();
    }
    print_report(r, sum_lcores(lcores), ports, null_sink, last_worker_progress_ns);
    if (replay && dopt.hold) {
        std::printf("%s: holding (SIGINT or SIGTERM ends the process)\n", prog);
        std::fflush(stdout);
        while (!g_signal.load(std::memory_order_relaxed)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    if (http) {
        http->stop();
    }
    http.reset();
    lcores.clear(); // packet paths (DPDK memory) before the ports and EAL
    p.reset();
    return r.undelivered == 0 ? 0 : 2;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", prog, e.what());
        return 1;
    }
}
