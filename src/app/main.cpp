// udpnotif-recv: the kernel-socket UDP-notif receiver (DESIGN.md §2): UDP -> reassembly ->
// worker stage -> Kafka. A small command line for now; the TOML configuration file, the config
// module and the metrics endpoint come later.
#include "kafka/config.hpp"
#include "kafka/errors.hpp"
#include "pipeline/config.hpp"
#include "pipeline/pipeline.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int /*sig*/)
{
    g_stop.store(true, std::memory_order_relaxed);
}

/// Splits "ADDR:PORT", "[V6]:PORT" or ":PORT" (every address). Throws CLI::ValidationError.
void parse_listen(const std::string& text, std::string& address, std::uint16_t& port)
{
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        throw CLI::ValidationError("--listen", "expected ADDR:PORT, [V6ADDR]:PORT or :PORT");
    }
    std::string addr = text.substr(0, colon);
    if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') {
        addr = addr.substr(1, addr.size() - 2);
    }
    if (addr.empty()) {
        addr = "::";
    }
    unsigned long p = 0;
    try {
        std::size_t used = 0;
        p = std::stoul(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || p > 65535) {
            throw std::out_of_range("port");
        }
    } catch (const std::exception&) {
        throw CLI::ValidationError("--listen", "port must be 0..65535");
    }
    address = addr;
    port = static_cast<std::uint16_t>(p);
}

void print_summary(const udpn::pipeline::pipeline_stats& s, const udpn::pipeline::stop_report& r)
{
    std::fprintf(stderr,
                 "udpnotif-recv: final: datagrams=%llu bytes=%llu messages=%llu "
                 "worker_messages=%llu records=%llu produced=%llu delivered=%llu\n",
                 static_cast<unsigned long long>(s.datagrams),
                 static_cast<unsigned long long>(s.rx_bytes),
                 static_cast<unsigned long long>(s.rx_messages),
                 static_cast<unsigned long long>(s.worker_messages),
                 static_cast<unsigned long long>(s.records),
                 static_cast<unsigned long long>(s.kafka.queued),
                 static_cast<unsigned long long>(s.kafka.delivered));
    std::fprintf(stderr,
                 "udpnotif-recv: dropped: truncated=%llu not_allowed=%llu header_invalid=%llu "
                 "reassembly_evicted=%llu reassembly_rejected=%llu duplicate_segments=%llu "
                 "reassembly_expired=%llu pool_exhausted=%llu "
                 "oversize=%llu queue_full=%llu kernel=%llu undecodable=%llu "
                 "envelope_failed=%llu left_in_queues=%llu\n",
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
                 static_cast<unsigned long long>(r.left_in_queues));
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
    udpn::pipeline::pipeline_config cfg;
    std::string listen;
    std::vector<std::string> yang_dirs;
    std::string profile = "seed";
    std::string distribution = "subject";
    double duration_s = 0;
    double stats_interval_s = 5;

    CLI::App app{"udpnotif-recv: UDP-notif (YANG-Push) receiver producing to Kafka"};
    app.add_option("--listen", listen, "local ADDR:PORT, [V6]:PORT or :PORT (every address)")
        ->required();
    app.add_option("--rx-threads", cfg.n_rx, "RX threads (sockets with SO_REUSEPORT)")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--workers", cfg.n_workers, "worker threads, one Kafka producer each")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--queue-capacity", cfg.worker_queue_capacity,
                   "messages per RX -> worker queue")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 24))
        ->capture_default_str();
    app.add_option("--brokers", cfg.kafka.brokers,
                   "Kafka bootstrap servers, or 'embedded' (in-process mock cluster)")
        ->capture_default_str();
    app.add_option("--yang-dir", yang_dirs, "directory of YANG modules (repeatable; none shipped)")
        ->required();
    app.add_option("--profile", profile, "standards profile of keys, topics and envelope")
        ->check(CLI::IsMember({"seed", "latest"}))
        ->capture_default_str();
    app.add_option("--distribution", distribution,
                   "subject: one topic; topic: per-branch topic names")
        ->check(CLI::IsMember({"subject", "topic"}))
        ->capture_default_str();
    app.add_option("--rx-cpus", cfg.rx_cpus, "CPU of RX thread i (comma-separated; -1: unpinned)")
        ->delimiter(',');
    app.add_option("--worker-cpus", cfg.worker_cpus,
                   "CPU of worker thread w (comma-separated; -1: unpinned)")
        ->delimiter(',');
    app.add_option("--topic-prefix", cfg.worker.key.topic_prefix, "prefix of every topic name");
    app.add_option("--duration", duration_s, "stop after this many seconds (0: run until signal)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--stats-interval", stats_interval_s,
                   "seconds between rate lines on stderr (0: none)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    try {
        parse_listen(listen, cfg.address, cfg.port);
    } catch (const CLI::Error& e) {
        return app.exit(e);
    }
    cfg.worker.schema.search_dirs = yang_dirs;
    const bool latest = profile == "latest";
    cfg.worker.key.standards_profile = latest ? udpn::key::profile::latest : udpn::key::profile::seed;
    cfg.worker.envelope.profile =
        latest ? udpn::envelope::profile::latest : udpn::envelope::profile::seed;
    cfg.worker.key.distribution = distribution == "topic" ? udpn::key::topic_distribution::topic
                                                          : udpn::key::topic_distribution::subject;

    struct sigaction sa{};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    std::unique_ptr<udpn::pipeline::pipeline> p;
    try {
        p = std::make_unique<udpn::pipeline::pipeline>(cfg);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udpnotif-recv: start-up failed: %s\n", e.what());
        return 1;
    }
    if (udpn::kafka::is_embedded(cfg.kafka)) {
        std::printf("embedded kafka bootstrap: %s\n", p->bootstrap_servers().c_str());
    }
    std::printf("listening on %s port %u, %u rx thread(s), %u worker(s)\n", cfg.address.c_str(),
                static_cast<unsigned>(p->local_port()), cfg.n_rx, cfg.n_workers);
    std::fflush(stdout);
    p->start();

    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto last = t0;
    auto prev = p->stats();
    while (!g_stop.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto now = clock::now();
        if (duration_s > 0 && std::chrono::duration<double>(now - t0).count() >= duration_s) {
            break;
        }
        const double dt = std::chrono::duration<double>(now - last).count();
        if (stats_interval_s > 0 && dt >= stats_interval_s) {
            const auto s = p->stats();
            const std::uint64_t drops = s.truncated + s.not_allowed + s.header_invalid +
                                        s.reassembly_dropped + s.expired + s.pool_exhausted +
                                        s.oversize + s.queue_full_drops + s.kernel_drops +
                                        s.undecodable + s.envelope_failed +
                                        s.kafka.dropped_total() + s.kafka.failed_total();
            std::fprintf(stderr,
                         "udpnotif-recv: %.0f dgram/s %.0f msg/s %.0f rec/s %.0f delivered/s "
                         "drops=%llu\n",
                         double(s.datagrams - prev.datagrams) / dt,
                         double(s.rx_messages - prev.rx_messages) / dt,
                         double(s.records - prev.records) / dt,
                         double(s.kafka.delivered - prev.kafka.delivered) / dt,
                         static_cast<unsigned long long>(drops));
            prev = s;
            last = now;
        }
    }
    std::fprintf(stderr, "udpnotif-recv: stopping\n");
    const udpn::pipeline::stop_report r = p->stop();
    print_summary(r.final_stats, r);
    p.reset();
    return r.undelivered == 0 ? 0 : 2;
}
