#include "input/socket/recvmmsg_source.hpp"

#include "input/allowlist.hpp"
#include "input/clock.hpp"
#include "input/socket/sockaddr.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace udpn::input {

namespace {

constexpr std::uint32_t max_burst = 1024; // UIO_MAXIOV: the kernel's vlen limit
constexpr std::size_t data_align = 64;

/// Room for every cmsg we enable: one pktinfo (the IPv6 one is the larger), the drop counter
/// and a timestamp, plus an IP_PKTINFO in case both families report.
constexpr std::size_t control_len = CMSG_SPACE(sizeof(in6_pktinfo)) +
                                    CMSG_SPACE(sizeof(in_pktinfo)) +
                                    CMSG_SPACE(sizeof(std::uint32_t)) + CMSG_SPACE(sizeof(timespec));

struct alignas(cmsghdr) control_block {
    unsigned char bytes[control_len];
};

} // namespace

/// Everything recvmmsg writes into, sized once.
struct recvmmsg_source::buffers {
    std::vector<mmsghdr> msgs;
    std::vector<iovec> iovs; // two per slot: [2i] first, [2i + 1] the rest (pool mode)
    std::vector<sockaddr_storage> names;
    std::vector<control_block> controls;
    std::uint8_t* data = nullptr; // burst * stride octets
    std::size_t stride = 0;

    buffers(std::size_t n, std::size_t max_datagram)
        : msgs(n), iovs(2 * n), names(n), controls(n),
          stride((max_datagram + data_align - 1) / data_align * data_align)
    {
        data = static_cast<std::uint8_t*>(
            ::operator new(n * stride, std::align_val_t{data_align}));
        for (std::size_t i = 0; i < n; ++i) {
            iovs[2 * i].iov_base = data + i * stride;
            iovs[2 * i].iov_len = max_datagram;
            msghdr& h = msgs[i].msg_hdr;
            h = msghdr{};
            h.msg_name = &names[i];
            h.msg_iov = &iovs[2 * i];
            h.msg_iovlen = 1;
            h.msg_control = controls[i].bytes;
            reset(i);
        }
    }
    ~buffers() { ::operator delete(data, std::align_val_t{data_align}); }
    buffers(const buffers&) = delete;
    buffers& operator=(const buffers&) = delete;

    /// recvmmsg overwrites these in each entry it fills.
    void reset(std::size_t i) noexcept
    {
        msghdr& h = msgs[i].msg_hdr;
        h.msg_namelen = sizeof(sockaddr_storage);
        h.msg_controllen = control_len;
        h.msg_flags = 0;
        msgs[i].msg_len = 0;
    }
};

recvmmsg_source::recvmmsg_source(const udp_socket& socket, const recvmmsg_config& cfg)
    : _cfg(cfg),
      _fd(socket.fd()),
      _local(socket.local_endpoint())
{
    if (cfg.burst < 1 || cfg.burst > max_burst) {
        throw std::invalid_argument("recvmmsg_config.burst must be in 1..1024");
    }
    if (cfg.max_datagram < 1 || cfg.max_datagram > 65535) {
        throw std::invalid_argument("recvmmsg_config.max_datagram must be in 1..65535");
    }
    if (_fd < 0) {
        throw std::invalid_argument("recvmmsg_source: the socket is closed");
    }
    _buf = std::make_unique<buffers>(cfg.burst, cfg.max_datagram);
    _out.resize(cfg.burst);
    _slots.reserve(cfg.burst);
}

recvmmsg_source::~recvmmsg_source() = default;

void recvmmsg_source::attach_pool(buffer_pool& pool, std::size_t capacity) noexcept
{
    detach_pool();
    _pool = &pool;
    _slot_capacity = std::clamp<std::size_t>(capacity, 1, _cfg.max_datagram);
    _slots.assign(_cfg.burst, nullptr); // reserved by the constructor: no allocation
    for (std::size_t i = 0; i < _slots.size(); ++i) {
        aim(i);
    }
}

void recvmmsg_source::detach_pool() noexcept
{
    if (_pool == nullptr) {
        return;
    }
    for (std::size_t i = 0; i < _slots.size(); ++i) {
        if (_slots[i] != nullptr) {
            _pool->release(_slots[i]);
            _slots[i] = nullptr;
        }
    }
    _pool = nullptr;
    for (std::size_t i = 0; i < _slots.size(); ++i) {
        aim(i);
    }
}

std::size_t recvmmsg_source::slot_buffers() const noexcept
{
    std::size_t n = 0;
    for (const message_buffer* b : _slots) {
        n += b != nullptr ? 1 : 0;
    }
    return n;
}

void recvmmsg_source::aim(std::size_t i) noexcept
{
    iovec* iov = &_buf->iovs[2 * i];
    std::uint8_t* own = _buf->data + i * _buf->stride;
    msghdr& h = _buf->msgs[i].msg_hdr;
    if (_pool != nullptr && _slots[i] == nullptr) {
        // Only a buffer of the fitting class: a slot must not hold a larger one that a
        // reassembled message may need.
        _slots[i] = _pool->try_acquire_fitting(_slot_capacity);
    }
    if (_pool != nullptr && _slots[i] != nullptr) {
        // The pool buffer first, the rest of the datagram (if longer) at the same offset of
        // the slot's own storage, so that joining it is one copy of the first part.
        iov[0].iov_base = _slots[i]->data();
        iov[0].iov_len = _slot_capacity;
        iov[1].iov_base = own + _slot_capacity;
        iov[1].iov_len = _cfg.max_datagram - _slot_capacity;
        h.msg_iovlen = iov[1].iov_len != 0 ? 2 : 1;
    } else {
        iov[0].iov_base = own;
        iov[0].iov_len = _cfg.max_datagram;
        h.msg_iovlen = 1;
    }
}

poll_status recvmmsg_source::poll(datagram_batch& batch) noexcept
{
    batch.items = {};
    for (std::size_t i = 0; i < _dirty; ++i) {
        _buf->reset(i);
        if (_pool != nullptr && _slots[i] == nullptr) {
            aim(i); // rx_path took its buffer (or the pool had none): take another
        }
    }
    _dirty = 0;
    ++_stats.polls;
    // MSG_WAITFORONE: wait (up to SO_RCVTIMEO, or not at all on a non-blocking socket) for the
    // first datagram only, then take what is queued. recvmmsg's own timeout argument is only
    // checked between datagrams, so it is not used.
    const int n = recvmmsg(_fd, _buf->msgs.data(), _cfg.burst, MSG_WAITFORONE, nullptr);
    if (n <= 0) {
        const int err = n == 0 ? EAGAIN : errno;
        if (err == EAGAIN || err == EWOULDBLOCK) {
            ++_stats.idle_polls;
            return poll_status::idle;
        }
        if (err == EINTR) {
            ++_stats.interrupted;
            return poll_status::interrupted;
        }
        ++_stats.errors;
        _last_errno = err;
        return poll_status::error;
    }
    const auto count = static_cast<std::size_t>(n);
    _dirty = count;
    if (count == _cfg.burst) {
        ++_stats.full_polls;
    }
    // One read of each clock per burst (STYLE.md §4 rule 8).
    const std::uint64_t mono = monotonic_ns();
    const std::uint64_t wall = wall_ns();
    for (std::size_t i = 0; i < count; ++i) {
        datagram& d = _out[i];
        d.rx_ns = mono;
        d.rx_wall_ns = wall;
        decode(i, d);
    }
    _stats.datagrams += count;
    batch.items = std::span<const datagram>(_out.data(), count);
    return poll_status::ok;
}

void recvmmsg_source::decode(std::size_t i, datagram& d) noexcept
{
    mmsghdr& mm = _buf->msgs[i];
    msghdr& h = mm.msg_hdr;
    const std::size_t len = mm.msg_len < _cfg.max_datagram ? mm.msg_len : _cfg.max_datagram;
    d.holder = nullptr;
    message_buffer* pooled = _pool != nullptr ? _slots[i] : nullptr;
    std::uint8_t* own = _buf->data + i * _buf->stride;
    if (pooled == nullptr) {
        d.bytes = byte_span(own, len);
    } else if (len <= _slot_capacity) {
        d.bytes = byte_span(pooled->data(), len);
        d.holder = &_slots[i];
    } else {
        std::memcpy(own, pooled->data(), _slot_capacity); // the rest is in place after it
        d.bytes = byte_span(own, len);
    }
    d.truncated = (h.msg_flags & MSG_TRUNC) != 0;
    _stats.bytes += len;
    if (d.truncated) {
        ++_stats.truncated;
    }
    if ((h.msg_flags & MSG_CTRUNC) != 0) {
        ++_stats.control_truncated;
    }
    d.src = endpoint_from_sockaddr(reinterpret_cast<const sockaddr*>(h.msg_name), h.msg_namelen);
    d.dst = _local;
    bool have_dst = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
        const unsigned char* p = CMSG_DATA(c);
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo pi{};
            std::memcpy(&pi, p, sizeof pi);
            // ipi_addr: the destination address in the IP header (ipi_spec_dst is the local
            // address a reply would be routed from).
            d.dst.addr = net::ip_address::v4(reinterpret_cast<const std::uint8_t*>(&pi.ipi_addr));
            have_dst = true;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo pi{};
            std::memcpy(&pi, p, sizeof pi);
            d.dst.addr = unmap_v4(net::ip_address::v6(pi.ipi6_addr.s6_addr));
            have_dst = true;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
            std::uint32_t dropped = 0;
            std::memcpy(&dropped, p, sizeof dropped);
            // A 32-bit running count since the socket opened: add the change (wraps).
            _stats.kernel_drops += static_cast<std::uint32_t>(dropped - _last_ovfl);
            _last_ovfl = dropped;
        } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, p, sizeof ts);
            d.rx_wall_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
                           static_cast<std::uint64_t>(ts.tv_nsec);
        }
    }
    if (!have_dst) {
        ++_stats.no_pktinfo;
    }
}

} // namespace udpn::input
