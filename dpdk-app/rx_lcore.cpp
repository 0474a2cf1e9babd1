#include "dpdk-app/rx_lcore.hpp"

#include "udpnotif/header.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace udpn::dpdk {

namespace {

std::uint64_t clock_ns(clockid_t id) noexcept
{
    timespec ts{};
    ::clock_gettime(id, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace

rx_lcore::rx_lcore(const rx_lcore_config& cfg, const packet_path_config& path_cfg,
                   pipeline::pipeline::rx_port& port, const std::atomic<bool>& stop)
    : _cfg(cfg), _path(path_cfg), _port(&port), _stop(&stop)
{
    if (_cfg.burst == 0 || _cfg.burst > max_burst) {
        _cfg.burst = 32;
    }
}

int rx_lcore::entry(void* self) noexcept
{
    return static_cast<rx_lcore*>(self)->run();
}

pipeline::external_rx_counters rx_lcore::counters() const noexcept
{
    pipeline::external_rx_counters c;
    const packet_stats& p = _path.stats();
    c.datagrams = p.datagrams;
    c.bytes = _loop.bytes;
    c.truncated = p.truncated;
    c.whole_messages = _loop.whole;
    c.reassembled_messages = _loop.reassembled;
    c.parse = _path.parse_stats();
    c.reassembly = _path.reassembly_stats();
    c.gaps = _path.gap_stats();
    c.source.polls = _loop.polls;
    c.source.idle_polls = _loop.idle_polls;
    c.source.full_polls = _loop.full_polls;
    c.source.datagrams = _loop.frames;
    c.source.bytes = _loop.bytes;
    c.cpu_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID); // the lcore's thread: counters() runs on it
    return c;
}

void rx_lcore::deliver(const message_view& v) noexcept
{
    if (v.n_segments > 1) {
        ++_loop.reassembled;
    } else {
        ++_loop.whole;
    }
    if (_cfg.replay && _cfg.pace_fps == 0 && !_port->can_acquire(v.payload.size()) &&
        v.payload.size() <= _port->max_payload()) {
        // A file can wait: take buffers back until the workers free one (bounded, 1 s; a
        // drop after that is counted by acquire()).
        const std::uint64_t deadline = rte_rdtsc() + rte_get_tsc_hz();
        const pipeline::external_rx_counters c = counters();
        while (!_port->can_acquire(v.payload.size()) && rte_rdtsc() < deadline &&
               !_stop->load(std::memory_order_relaxed)) {
            _port->housekeeping(c);
            rte_pause();
        }
    }
    input::message_buffer* m = _port->acquire(v.payload.size());
    if (m == nullptr) {
        return; // counted: pool_exhausted or oversize
    }
    m->assign(v.payload);
    if (v.n_segments > 1) {
        (void)m->append_option(v.options); // segment 0's options, segmentation excluded
    } else if (!v.options.empty()) {
        // As the socket path keeps them (input/rx_path.cpp): every option but segmentation.
        udpnotif::for_each_option(v.options, [m](std::uint8_t type, byte_span value) noexcept {
            if (type != udpnotif::option_segmentation) {
                (void)m->append_option(byte_span(value.data() - 2, value.size() + 2));
            }
            return true;
        });
    }
    input::message_meta& meta = m->meta;
    meta.exporter = v.src;
    meta.collector = v.dst;
    meta.publisher_id = v.publisher_id;
    meta.message_id = v.message_id;
    meta.version = v.version;
    meta.s_flag = v.s_flag;
    meta.media_type = v.media_type;
    meta.n_segments = v.n_segments;
    // The path clock is wall time: capture time (pcap) or CLOCK_REALTIME per burst (NIC).
    meta.first_rx_ns = v.rx_ns;
    meta.last_rx_ns = v.rx_ns;
    meta.collection_wall_ns = v.rx_ns;
    meta.first_wall_ns = v.rx_ns;
    meta.arrival_ns = _arrival_ns; // monotonic, also in replay (latency, not capture time)
    (void)_port->submit(m); // a refusal is counted by the port
}

int rx_lcore::run() noexcept
{
    if (_cfg.queues.empty()) {
        // More RX lcores than queues on every port: nothing to poll (l3fwd returns early too).
        _port->close(counters());
        _finished.store(true, std::memory_order_release);
        return 0;
    }
    std::array<rte_mbuf*, max_burst> pkts{};
    const std::uint64_t hz = rte_get_tsc_hz();
    const std::uint64_t housekeeping_cycles = hz / 1000;
    const std::uint64_t idle_cycles =
        static_cast<std::uint64_t>(static_cast<double>(_cfg.idle_ns) * 1e-9 * double(hz));
    const bool caller_clock = _path.config().clock == clock_source::caller;
    auto sink = [this](const message_view& v) noexcept { deliver(v); };
    std::uint64_t last_frame_tsc = rte_rdtsc();
    std::uint64_t last_housekeeping = last_frame_tsc;
    const std::uint64_t pace_start = last_frame_tsc;
    while (!_stop->load(std::memory_order_relaxed)) {
        const std::uint64_t wall = clock_ns(CLOCK_REALTIME); // the caller clock, per pass
        bool got = false;
        for (const rx_queue_ref& q : _cfg.queues) {
            std::uint16_t want = _cfg.burst;
            if (_cfg.pace_fps > 0) {
                // Frames due by now at pace_fps since the start, less those taken.
                const double due = double(rte_rdtsc() - pace_start) * double(_cfg.pace_fps) /
                                   double(hz);
                const auto allowed = static_cast<std::uint64_t>(due);
                want = allowed > _loop.frames
                           ? static_cast<std::uint16_t>(
                                 std::min<std::uint64_t>(want, allowed - _loop.frames))
                           : 0;
                if (want == 0) {
                    last_frame_tsc = rte_rdtsc(); // waiting for the pace is not idleness
                    continue;
                }
            }
            if (_cfg.max_frames > 0) {
                // Exactly max_frames: never take a frame beyond it off the queue.
                want = static_cast<std::uint16_t>(
                    std::min<std::uint64_t>(want, _cfg.max_frames - _loop.frames));
                if (want == 0) {
                    break;
                }
            }
            const std::uint16_t n = rte_eth_rx_burst(q.port, q.queue, pkts.data(), want);
            ++_loop.polls;
            if (n == 0) {
                ++_loop.idle_polls;
                continue;
            }
            got = true;
            _arrival_ns = clock_ns(CLOCK_MONOTONIC);
            _loop.full_polls += n == _cfg.burst ? 1 : 0;
            _loop.frames += n;
            for (std::uint16_t i = 0; i < n; ++i) {
                _loop.bytes += rte_pktmbuf_pkt_len(pkts[i]);
            }
            _path.process_burst(pkts.data(), n, wall, sink); // frees every mbuf
            _port->flush(); // the burst's messages to the workers, one batch per worker
        }
        const std::uint64_t tsc = rte_rdtsc();
        if (got) {
            last_frame_tsc = tsc;
            const std::uint64_t mono = clock_ns(CLOCK_MONOTONIC);
            if (_loop.first_frame_ns == 0) {
                _loop.first_frame_ns = mono;
            }
            _loop.last_frame_ns = mono;
        }
        if (tsc - last_housekeeping >= housekeeping_cycles) {
            if (!got && caller_clock) {
                _path.expire(wall); // bursts drive expiry; an idle NIC queue needs the tick
            }
            _port->housekeeping(counters());
            last_housekeeping = tsc;
        }
        if (_cfg.replay && !got && tsc - last_frame_tsc >= idle_cycles) {
            break; // the capture is exhausted
        }
        if (_cfg.max_frames > 0 && _loop.frames >= _cfg.max_frames) {
            break; // --dpdk.frames reached
        }
    }
    _path.finish(); // incomplete messages (expired) and pending IP fragments (errors), counted
    _port->close(counters());
    _finished.store(true, std::memory_order_release);
    return 0;
}

} // namespace udpn::dpdk
