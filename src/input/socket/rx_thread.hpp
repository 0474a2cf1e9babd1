/// \file
/// The socket RX loop (STYLE.md §3.2 input/socket/rx_thread): poll a datagram source, run the
/// burst through rx_path into a sink, run reassembly expiry every tick_interval_ns (clock-gated
/// in the loop, no helper thread), until a stop flag is set; with cfg.nap_max_ns, sleep an
/// adaptive nap after a short burst (receive_nap.hpp). Plus thread pinning and naming.
#pragma once

#include "input/clock.hpp"
#include "input/config.hpp"
#include "input/rx_path.hpp"
#include "input/socket/receive_nap.hpp"
#include "input/source.hpp"

#include <time.h>

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace udpn::input {

/// Pins the calling thread to CPU \p cpu (pthread_setaffinity_np).
/// @return 0, or the error number (EINVAL for a CPU outside the process's set).
/// Thread: the thread to pin.
int pin_current_thread(int cpu) noexcept;

/// Names the calling thread (visible in top -H, /proc; Linux keeps 15 characters).
/// @return 0, or the error number.
/// Thread: the thread to name.
int name_current_thread(const char* name) noexcept;

/// Counters of one run_rx_loop() call. Written by the loop's thread, returned at the end.
struct rx_loop_stats {
    std::uint64_t iterations = 0;  ///< polls made
    std::uint64_t busy_polls = 0;  ///< polls that returned datagrams
    std::uint64_t poll_errors = 0; ///< polls that returned poll_status::error
    std::uint64_t ticks = 0;       ///< expiry runs
    std::uint64_t expired = 0;     ///< incomplete messages those runs dropped
    std::uint64_t messages = 0;    ///< messages the sink accepted
    std::uint64_t naps = 0;        ///< receive naps taken (socket.receive_nap_us)
    std::uint64_t nap_ns = 0;      ///< their asked length in all, nanoseconds
    std::uint64_t nap_backoffs = 0; ///< kernel drops that lowered the nap's ceiling
    int pin_error = 0;             ///< errno of pinning (0: pinned or not asked)
    int name_error = 0;            ///< errno of naming (0: named)
};

/// Per-iteration work of the owner between polls; the default does nothing. The pipeline
/// passes one that drains the buffer return queue into path.release().
struct no_housekeeping {
    void operator()(rx_path& /*path*/) const noexcept {}
};

/// Runs the RX loop on the calling thread until \p stop is true: pins and names the thread
/// (cfg.cpu, cfg.name), then repeats poll -> path.process_batch(sink) -> housekeeping(path) ->
/// path.on_tick() when tick_interval_ns has passed. Stops within one poll (the socket's
/// receive timeout, or at once when non-blocking). Does not call path.finish(): pending
/// segments stay for a later run or the owner's finish().
/// @return the loop's counters.
/// Thread: the RX thread that owns \p source and \p path.
template <datagram_source Source, typename Sink, typename Housekeeping = no_housekeeping>
rx_loop_stats run_rx_loop(Source& source, rx_path& path, Sink&& sink,
                          const std::atomic<bool>& stop, const rx_loop_config& cfg,
                          Housekeeping&& housekeeping = {}) noexcept
{
    static_assert(std::is_nothrow_invocable_v<Housekeeping&, rx_path&>,
                  "housekeeping runs in the RX loop: it must be noexcept");
    rx_loop_stats st;
    if (cfg.cpu >= 0) {
        st.pin_error = pin_current_thread(cfg.cpu);
    }
    if (!cfg.name.empty()) {
        st.name_error = name_current_thread(cfg.name.c_str());
    }
    std::uint64_t last_tick = monotonic_ns();
    datagram_batch batch;
    receive_nap nap(cfg.nap_max_ns, cfg.nap_burst, cfg.nap_queue_budget);
    std::uint64_t last_drops = 0;
    if constexpr (requires { source.stats().kernel_drops; }) {
        last_drops = source.stats().kernel_drops;
    }
    while (!stop.load(std::memory_order_relaxed)) {
        ++st.iterations;
        const poll_status status = source.poll(batch);
        std::uint64_t now = 0;
        if (status == poll_status::ok) {
            ++st.busy_polls;
            st.messages += path.process_batch(batch, sink);
            now = batch.items.back().rx_ns; // the burst's clock read: no extra read when busy
        } else {
            if (status == poll_status::error) {
                ++st.poll_errors;
            }
            now = monotonic_ns();
        }
        housekeeping(path);
        if (cfg.nap_max_ns != 0) {
            nap_input in;
            if (status == poll_status::ok) {
                in.datagrams = batch.items.size();
                for (const datagram& d : batch.items) {
                    in.octets += d.bytes.size();
                }
            }
            if constexpr (requires { source.stats().kernel_drops; }) {
                const std::uint64_t drops = source.stats().kernel_drops;
                in.dropped = drops != last_drops;
                last_drops = drops;
            }
            if (const std::uint64_t ns = nap.after_poll(in); ns != 0) {
                const timespec ts{static_cast<time_t>(ns / 1'000'000'000),
                                  static_cast<long>(ns % 1'000'000'000)};
                (void)clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr); // EINTR: shorter nap
                ++st.naps;
                st.nap_ns += ns;
                if (cfg.nap_counter != nullptr) {
                    ++*cfg.nap_counter;
                }
            }
        }
        if (now >= last_tick && now - last_tick >= cfg.tick_interval_ns) {
            st.expired += path.on_tick(now);
            ++st.ticks;
            last_tick = now;
        }
    }
    st.nap_backoffs = nap.backoffs();
    return st;
}

} // namespace udpn::input
