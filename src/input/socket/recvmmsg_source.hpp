/// \file
/// Datagram source over one udp_socket (STYLE.md §3.2 input/socket/recvmmsg_source): one
/// recvmmsg(2) per poll into buffers preallocated for a burst of N datagrams of up to
/// max_datagram octets, with per-datagram source address, collector address (IP_PKTINFO /
/// IPV6_PKTINFO), truncation flag (MSG_TRUNC), the kernel's drop counter (SO_RXQ_OVFL) and
/// optional kernel receive times (SO_TIMESTAMPNS). The clocks are read once per burst. poll()
/// allocates nothing.
#pragma once

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

    [[nodiscard]] const source_stats& stats() const noexcept { return _stats; }
    /// errno of the latest failed poll (0 when none failed).
    [[nodiscard]] int last_errno() const noexcept { return _last_errno; }
    [[nodiscard]] const recvmmsg_config& config() const noexcept { return _cfg; }

private:
    struct buffers;

    void decode(std::size_t i, datagram& d) noexcept;

    recvmmsg_config _cfg;
    int _fd = -1;
    net::endpoint _local;           // bound address:port (collector port, pktinfo fallback)
    std::unique_ptr<buffers> _buf;  // mmsghdr/iovec/name/control arrays and the data area
    std::vector<datagram> _out;     // burst entries, views into _buf
    std::size_t _dirty = 0;         // entries the previous recvmmsg wrote (to reset)
    std::uint32_t _last_ovfl = 0;   // latest SO_RXQ_OVFL value seen
    source_stats _stats;
    int _last_errno = 0;
};

static_assert(datagram_source<recvmmsg_source>);

} // namespace udpn::input
