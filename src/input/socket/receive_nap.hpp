/// \file
/// The receive nap of the socket RX loop (option `socket.receive_nap_us`, off by default).
///
/// A blocking receive wakes the RX thread for nearly every datagram when the thread keeps up
/// with the traffic, and each wake-up is a context switch: microseconds of CPU each, more on a
/// VM, which at 100k datagrams/s is most of the thread's CPU. With a nap the thread, after a
/// burst that came back short, sleeps a while before it receives again: the kernel queues
/// what arrives, and the next receive takes it in one burst. CPU per datagram falls; the
/// latency of a datagram grows by up to one nap.
///
/// The nap adapts so that it never asks the socket buffer to hold much:
///   - after a short burst (under half of `recvmmsg.burst` datagrams, and under the queue
///     budget) the nap doubles, from 1/32 of the most up to the most;
///   - after a burst of half the burst size or more, or one whose octets (plus a per-datagram
///     kernel overhead) exceed the queue budget, there is no nap and the next one is half as
///     long: the thread keeps receiving while datagrams come fast;
///   - when the kernel reports drops for want of buffer (SO_RXQ_OVFL), the nap stops and its
///     ceiling halves for the rest of the run (down to the smallest nap).
/// The queue budget is a quarter of the socket's effective receive buffer (the pipeline sets
/// it from what the kernel granted).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace udpn::input {

/// What one nap decision needs to know of the poll before it.
struct nap_input {
    std::size_t datagrams = 0; ///< datagrams the poll returned (0: idle or error)
    std::size_t octets = 0;    ///< their payload octets in all
    bool dropped = false;      ///< the kernel dropped datagrams since the poll before
};

/// The adaptive nap. Thread: the RX loop that owns it.
class receive_nap {
  public:
    /// Rough kernel memory per queued datagram beyond its payload (the skb and its head), as
    /// charged against the socket buffer; octets counted against the queue budget.
    static constexpr std::size_t per_datagram_overhead = 1024;

    /// @param max_ns        the longest nap (0: never nap)
    /// @param burst         datagrams one poll can return
    /// @param queue_budget  most octets a nap may let queue (0: no limit)
    receive_nap(std::uint64_t max_ns, std::size_t burst, std::size_t queue_budget) noexcept
        : _min_ns(std::max<std::uint64_t>(max_ns / 32, max_ns == 0 ? 0 : 1)), _ceiling_ns(max_ns),
          _half_burst(std::max<std::size_t>(burst / 2, 1)), _budget(queue_budget)
    {
    }

    /// The nap to take now, nanoseconds (0: receive again at once), after a poll that gave
    /// \p in.
    [[nodiscard]] std::uint64_t after_poll(const nap_input& in) noexcept
    {
        if (_ceiling_ns == 0) {
            return 0;
        }
        if (in.dropped) {
            ++_backoffs;
            _ceiling_ns = std::max(_min_ns, _ceiling_ns / 2);
            _ns = 0;
            return 0;
        }
        const std::size_t queued = in.octets + in.datagrams * per_datagram_overhead;
        if (in.datagrams >= _half_burst || (_budget != 0 && queued > _budget)) {
            _ns /= 2;
            return 0;
        }
        _ns = _ns < _min_ns ? _min_ns : std::min(_ns * 2, _ceiling_ns);
        return _ns;
    }

    /// Longest nap now (the configured most, lowered by drops).
    [[nodiscard]] std::uint64_t ceiling_ns() const noexcept { return _ceiling_ns; }
    /// Times kernel drops lowered the ceiling.
    [[nodiscard]] std::uint64_t backoffs() const noexcept { return _backoffs; }

  private:
    std::uint64_t _min_ns;
    std::uint64_t _ceiling_ns;
    std::size_t _half_burst;
    std::size_t _budget;
    std::uint64_t _ns = 0;
    std::uint64_t _backoffs = 0;
};

} // namespace udpn::input
