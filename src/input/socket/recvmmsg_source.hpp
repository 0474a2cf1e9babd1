/// \file
/// Datagram source over one udp_socket (STYLE.md §3.2 input/socket/recvmmsg_source): one
/// recvmmsg(2) per poll into buffers preallocated for a burst of N datagrams of up to
/// max_datagram octets, with per-datagram source address, collector address (IP_PKTINFO /
/// IPV6_PKTINFO), truncation flag (MSG_TRUNC), the kernel's drop counter (SO_RXQ_OVFL) and
/// optional kernel receive times (SO_TIMESTAMPNS). The clocks are read once per burst. poll()
/// allocates nothing.
///
/// With a buffer pool attached (attach_pool(), the pipeline's default: socket.receive_into_pool)
/// each burst slot receives into a message_buffer of that pool first and into the slot's own
/// storage for the rest: a datagram that fits the pool buffer is handed to rx_path in it
/// (datagram::holder), which passes a whole message on without copying its payload; a longer
/// one is joined in the slot's storage (one copy of the pool part) and copied as before.
#pragma once

#include "input/buffer_pool.hpp"
#include "input/config.hpp"
#include "input/source.hpp"
#include "input/socket/udp_socket.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

struct mmsghdr;
struct iovec;
struct sockaddr_storage;

namespace udpn::input {

/// Counters of one source. Single writer: the owning RX thread.
struct source_stats {
    std::uint64_t polls = 0;        ///< recvmmsg calls
    std::uint64_t idle_polls = 0;   ///< calls that returned nothing (nothing queued / timeout)
    std::uint64_t full_polls = 0;   ///< calls that filled the whole burst (more may be queued)
    std::uint64_t interrupted = 0;  ///< calls interrupted by a signal (EINTR)
    std::uint64_t errors = 0;       ///< calls that failed otherwise (see last_errno())
    std::uint64_t datagrams = 0;    ///< datagrams returned
    std::uint64_t bytes = 0;        ///< octets returned (truncated datagrams as cut)
    std::uint64_t truncated = 0;    ///< datagrams longer than max_datagram (MSG_TRUNC), cut
    std::uint64_t control_truncated = 0; ///< datagrams whose ancillary data was cut (MSG_CTRUNC)
    std::uint64_t no_pktinfo = 0;   ///< datagrams without a destination-address cmsg: their
                                    ///< collector address is the bound one
    /// Datagrams the kernel dropped on this socket for want of receive-buffer space since the
    /// socket was opened (SO_RXQ_OVFL; updated whenever a datagram carries the counter).
    std::uint64_t kernel_drops = 0;
};

/// Thread: the owning RX thread for every call after construction.
class recvmmsg_source {
public:
    /// Preallocates every buffer for \p cfg.burst datagrams. \p socket must outlive the source.
    /// @throws std::invalid_argument when burst is not in 1..1024 or max_datagram not in
    ///         1..65535, or the socket is closed; std::bad_alloc.
    /// Thread: start-up.
    recvmmsg_source(const udp_socket& socket, const recvmmsg_config& cfg);
    ~recvmmsg_source();
    recvmmsg_source(const recvmmsg_source&) = delete;
    recvmmsg_source& operator=(const recvmmsg_source&) = delete;

    /// Receives one burst with a single recvmmsg call: blocks up to the socket's receive
    /// timeout for the first datagram (returns at once on a non-blocking socket), then takes
    /// what is queued, up to the burst size (MSG_WAITFORONE).
    /// @param batch  set to the datagrams received (empty unless ok); valid until the next poll
    /// @return ok, idle (nothing queued or timeout), interrupted (EINTR) or error (counted,
    ///         errno in last_errno()).
    /// Thread: the owning RX thread.
    [[nodiscard]] poll_status poll(datagram_batch& batch) noexcept;

    /// Receives into buffers of \p pool from the next poll on: each slot takes one of
    /// \p capacity octets (1..max_datagram; of the class that fits, never a larger) and keeps it
    /// until rx_path takes it (see datagram::holder), then takes another. A slot the pool
    /// cannot serve receives into the source's storage. Call detach_pool() before \p pool goes.
    /// Thread: the owning RX thread.
    void attach_pool(buffer_pool& pool, std::size_t capacity) noexcept;
    /// Gives every buffer the slots hold back to the pool and receives into the source's
    /// storage again. Thread: the owning RX thread.
    void detach_pool() noexcept;
    /// Buffers the slots hold now (0 without a pool).
    [[nodiscard]] std::size_t slot_buffers() const noexcept;

    [[nodiscard]] const source_stats& stats() const noexcept { return _stats; }
    /// errno of the latest failed poll (0 when none failed).
    [[nodiscard]] int last_errno() const noexcept { return _last_errno; }
    [[nodiscard]] const recvmmsg_config& config() const noexcept { return _cfg; }

private:
    struct buffers;

    void decode(std::size_t i, datagram& d) noexcept;
    /// Points slot \p i's iovecs at its pool buffer (then the rest of its storage), or at its
    /// storage alone.
    void aim(std::size_t i) noexcept;

    recvmmsg_config _cfg;
    int _fd = -1;
    net::endpoint _local;           // bound address:port (collector port, pktinfo fallback)
    std::unique_ptr<buffers> _buf;  // mmsghdr/iovec/name/control arrays and the data area
    std::vector<datagram> _out;     // burst entries, views into _buf
    std::size_t _dirty = 0;         // entries the previous recvmmsg wrote (to reset)
    std::uint32_t _last_ovfl = 0;   // latest SO_RXQ_OVFL value seen
    buffer_pool* _pool = nullptr;   // attach_pool(): slots receive into its buffers
    std::size_t _slot_capacity = 0; // octets of each slot's pool buffer
    std::vector<message_buffer*> _slots; // [i]: slot i's pool buffer, nullptr when none
    source_stats _stats;
    int _last_errno = 0;
};

static_assert(datagram_source<recvmmsg_source>);

} // namespace udpn::input
