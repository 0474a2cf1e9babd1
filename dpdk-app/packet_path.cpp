#include "dpdk-app/packet_path.hpp"

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace udpn::dpdk {

namespace {

/// Largest UDP payload (65535 - 8), rounded up, plus room for the parser padding convention.
constexpr std::size_t datagram_scratch_len = 65536 + 64;
/// The header window copy lives after the datagram area of the same scratch allocation.
constexpr std::size_t scratch_len = datagram_scratch_len + header_window;

/// One rte_ipv{4,6}_frag_reassemble_packet call puts on the death row at most a stale entry's
/// fragments, an erroneous entry's fragments and the incoming mbuf.
constexpr std::uint32_t death_row_reserve = 2 * (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1);

constexpr std::uint64_t max_timeout_ns = std::uint64_t{1} << 62;

void validate(const packet_path_config& cfg)
{
    auto fail = [](const char* field, const char* rule) {
        throw std::invalid_argument(std::string("packet_path_config.") + field + ": " + rule);
    };
    if (cfg.ip_frag_max_flows < 1 || cfg.ip_frag_max_flows > (1u << 20)) {
        fail("ip_frag_max_flows", "must be in 1..1048576");
    }
    if (cfg.ip_frag_bucket_entries < 1 || cfg.ip_frag_bucket_entries > 64 ||
        (cfg.ip_frag_bucket_entries & (cfg.ip_frag_bucket_entries - 1)) != 0) {
        fail("ip_frag_bucket_entries", "must be a power of two in 1..64");
    }
    if (cfg.ip_frag_timeout_ns == 0 || cfg.ip_frag_timeout_ns > max_timeout_ns) {
        fail("ip_frag_timeout_ns", "must be in 1..2^62");
    }
    if (cfg.reassembly.timeout_ns > max_timeout_ns) {
        fail("reassembly.timeout_ns", "must be <= 2^62");
    }
}

} // namespace

/// rte_ip_frag state: the table and its death row (mbufs to free once the burst is done).
struct packet_path::frag_state {
    rte_ip_frag_tbl* tbl = nullptr;
    rte_ip_frag_death_row dr{};

    frag_state() = default;
    frag_state(const frag_state&) = delete;
    frag_state& operator=(const frag_state&) = delete;
    ~frag_state()
    {
        rte_ip_frag_free_death_row(&dr, 0);
        if (tbl != nullptr) {
            rte_ip_frag_table_destroy(tbl); // frees the mbufs of pending fragments too
        }
    }
};

packet_path::packet_path(const packet_path_config& cfg)
    : _cfg(cfg),
      _table((validate(cfg), cfg.reassembly)), // our own checks first, before anything allocates
      _gaps(cfg.gap_max_streams, 1u << 20, cfg.reassembly.key_includes_src_port),
      _frag(std::make_unique<frag_state>())
{
    // Buckets = max flows, bucket_entries ways each, as DPDK's examples/ip_reassembly sizes it:
    // collisions stay rare well before max_entries is reached. The TTL is in the units of the
    // timestamps we pass (clock nanoseconds), not TSC cycles: rte_ip_frag only compares them.
    _frag->tbl =
        rte_ip_frag_table_create(cfg.ip_frag_max_flows, cfg.ip_frag_bucket_entries,
                                 cfg.ip_frag_max_flows, cfg.ip_frag_timeout_ns, cfg.socket_id);
    if (_frag->tbl == nullptr) {
        throw std::runtime_error(std::string("rte_ip_frag_table_create: ") +
                                 rte_strerror(rte_errno));
    }
    _scratch = static_cast<std::uint8_t*>(
        rte_malloc_socket("udpn_packet_scratch", scratch_len, RTE_CACHE_LINE_SIZE, cfg.socket_id));
    if (_scratch == nullptr) {
        throw std::runtime_error("rte_malloc_socket: no memory for the packet scratch buffer");
    }
    if (cfg.clock == clock_source::rx_timestamp_us) {
        const int offset = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, nullptr);
        const int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, nullptr);
        if (offset >= 0 && bit >= 0) {
            _ts_offset = offset;
            _ts_flag = std::uint64_t{1} << bit;
        }
    }
    const std::uint64_t shortest = std::min(cfg.reassembly.timeout_ns, cfg.ip_frag_timeout_ns);
    _expire_interval_ns = std::max<std::uint64_t>(shortest / 4, 1'000'000);
}

packet_path::~packet_path()
{
    release_held();
    _frag.reset();
    rte_free(_scratch);
}

std::uint64_t packet_path::packet_clock(const rte_mbuf* m, std::uint64_t now_ns) noexcept
{
    std::uint64_t t = now_ns;
    if (_ts_offset >= 0 && (m->ol_flags & _ts_flag) != 0) {
        const auto us = *RTE_MBUF_DYNFIELD(m, _ts_offset, const rte_mbuf_timestamp_t*);
        t = us * 1000;
    }
    // Monotonic: a capture merged out of order must not move reassembly time backwards.
    _clock_ns = std::max(_clock_ns, t);
    return _clock_ns;
}

void packet_path::release_held() noexcept
{
    if (_held != nullptr) {
        rte_pktmbuf_free(_held);
        _held = nullptr;
    }
}

void packet_path::free_death_row() noexcept
{
    rte_ip_frag_free_death_row(&_frag->dr, 3);
}

void packet_path::make_death_row_room() noexcept
{
    if (RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - _frag->dr.cnt < death_row_reserve) {
        free_death_row();
    }
}

const message_view* packet_path::process(rte_mbuf* m, std::uint64_t now_ns) noexcept
{
    release_held();
    ++_stats.packets;
    const std::uint64_t now = packet_clock(m, now_ns);

    std::uint32_t win_len = std::min<std::uint32_t>(rte_pktmbuf_pkt_len(m), header_window);
    auto* win = static_cast<const std::uint8_t*>(
        rte_pktmbuf_read(m, 0, win_len, _scratch + datagram_scratch_len));
    // rte_pktmbuf_read fails only for a chain shorter than its pkt_len: a broken mbuf.
    frame_info info = win != nullptr ? parse_frame(byte_span(win, win_len), rte_pktmbuf_pkt_len(m))
                                     : frame_info{};

    if (info.kind == frame_kind::ipv4_fragment || info.kind == frame_kind::ipv6_fragment) {
        ++_stats.ip_fragments;
        m = reassemble_fragment(m, info, info.kind == frame_kind::ipv6_fragment, now);
        if (m == nullptr) {
            return nullptr; // held by rte_ip_frag, or dropped and counted
        }
        ++_stats.ip_reassembled;
        // The rebuilt datagram is an ordinary (chained) packet: classify it again.
        win_len = std::min<std::uint32_t>(rte_pktmbuf_pkt_len(m), header_window);
        win = static_cast<const std::uint8_t*>(
            rte_pktmbuf_read(m, 0, win_len, _scratch + datagram_scratch_len));
        info = win != nullptr ? parse_frame(byte_span(win, win_len), rte_pktmbuf_pkt_len(m))
                              : frame_info{};
        if (info.kind != frame_kind::udp) {
            // Cannot happen with a sane rte_ip_frag; never loop on it.
            ++_stats.ip_fragment_errors;
            rte_pktmbuf_free(m);
            return nullptr;
        }
    }

    switch (info.kind) {
    case frame_kind::udp: return deliver_datagram(m, info, now);
    case frame_kind::bad_fragment:
        ++_stats.ip_fragments;
        ++_stats.ip_fragment_errors;
        break;
    case frame_kind::not_ip: ++_stats.not_ip; break;
    case frame_kind::not_udp: ++_stats.not_udp; break;
    case frame_kind::truncated: ++_stats.truncated; break;
    case frame_kind::ipv4_fragment:
    case frame_kind::ipv6_fragment: break; // handled above
    }
    rte_pktmbuf_free(m);
    return nullptr;
}

rte_mbuf* packet_path::reassemble_fragment(rte_mbuf* m, const frame_info& info, bool v6,
                                           std::uint64_t now) noexcept
{
    // rte_ip_frag takes each fragment's data length from its mbuf: cut link padding or a
    // captured FCS after the IP packet, or they would end up inside the rebuilt datagram.
    const std::uint32_t pkt_len = rte_pktmbuf_pkt_len(m);
    const std::uint32_t excess = pkt_len > info.ip_end ? pkt_len - info.ip_end : 0;
    const bool trimmed =
        excess == 0 || (excess <= std::numeric_limits<std::uint16_t>::max() &&
                        rte_pktmbuf_trim(m, static_cast<std::uint16_t>(excess)) == 0);
    // It also reads the IP (and IPv6 fragment) header in place, in the first segment.
    if (!trimmed || rte_pktmbuf_data_len(m) < std::uint32_t{info.l2_len} + info.l3_len) {
        ++_stats.ip_fragment_errors;
        rte_pktmbuf_free(m);
        return nullptr;
    }
    // Bit fields of 7 and 9 bits; our l2 (<= 30) and l3 (<= 60) lengths always fit.
    m->l2_len = info.l2_len & 0x7Fu;
    m->l3_len = info.l3_len & 0x1FFu;

    make_death_row_room();
    const std::uint32_t before = _frag->dr.cnt;
    rte_mbuf* whole = nullptr;
    if (v6) {
        auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, info.l2_len);
        whole = rte_ipv6_frag_reassemble_packet(_frag->tbl, &_frag->dr, m, now, ip,
                                                rte_ipv6_frag_get_ipv6_fragment_header(ip));
    } else {
        auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv4_hdr*, info.l2_len);
        whole = rte_ipv4_frag_reassemble_packet(_frag->tbl, &_frag->dr, m, now, ip);
    }
    // NULL means "kept, not complete yet" or "dropped": the death row tells them apart.
    _stats.ip_fragment_errors += _frag->dr.cnt - before;
    return whole;
}

const message_view* packet_path::deliver_datagram(rte_mbuf* m, const frame_info& info,
                                                  std::uint64_t now) noexcept
{
    if (_cfg.udp_port != 0 && info.dst.port != _cfg.udp_port) {
        ++_stats.other_port;
        rte_pktmbuf_free(m);
        return nullptr;
    }
    ++_stats.datagrams;
    // Contiguous datagrams are read in place; chained ones (jumbo frames, rebuilt fragments)
    // are linearised into the scratch buffer.
    const auto* data = static_cast<const std::uint8_t*>(
        rte_pktmbuf_read(m, info.payload_offset, info.payload_len, _scratch));
    if (data == nullptr) {
        ++_stats.truncated; // parse_frame() checked the length: not reached
        rte_pktmbuf_free(m);
        return nullptr;
    }
    const auto hdr =
        udpnotif::parse_counted(byte_span(data, info.payload_len), _cfg.parse, _parse_stats);
    if (!hdr) {
        rte_pktmbuf_free(m); // counted by reason in parse_stats
        return nullptr;
    }
    const reassembly::verdict v = _table.accept(info.src, info.dst, *hdr, now);
    if (v == reassembly::verdict::whole) {
        _msg.src = info.src;
        _msg.dst = info.dst;
        _msg.publisher_id = hdr->publisher_id;
        _msg.message_id = hdr->message_id;
        _msg.version = hdr->version;
        _msg.s_flag = hdr->s_flag;
        _msg.media_type = hdr->media_type;
        _msg.n_segments = 1;
        _msg.payload = hdr->payload;
        _msg.options = hdr->options;
        _msg.rx_ns = now;
        if (data == _scratch) {
            rte_pktmbuf_free(m);
        } else {
            _held = m; // the view points into it
        }
    } else if (v == reassembly::verdict::complete) {
        const reassembly::completed_message& done = _table.completed();
        _msg.src = done.src;
        _msg.dst = done.dst;
        _msg.publisher_id = done.publisher_id;
        _msg.message_id = done.message_id;
        _msg.version = done.version;
        _msg.s_flag = done.s_flag;
        _msg.media_type = done.media_type;
        _msg.n_segments = done.n_segments;
        _msg.payload = done.payload;
        _msg.options = done.options;
        _msg.rx_ns = now;
        rte_pktmbuf_free(m);
    } else {
        rte_pktmbuf_free(m); // stored, or dropped: counted by verdict in the table's stats
        return nullptr;
    }
    ++_stats.messages;
    _gaps.observe(_msg.src, _msg.publisher_id, _msg.message_id);
    return &_msg;
}

void packet_path::end_burst() noexcept
{
    release_held();
    free_death_row();
    if (_clock_ns - _last_expire_ns >= _expire_interval_ns) {
        expire(_clock_ns);
    }
}

void packet_path::expire(std::uint64_t now_ns) noexcept
{
    release_held();
    const std::uint64_t now = std::max(now_ns, _clock_ns);
    _table.expire(now);
    // rte_ip_frag_table_del_expired_entries stops when the death row is full: repeat.
    for (;;) {
        free_death_row();
        rte_ip_frag_table_del_expired_entries(_frag->tbl, &_frag->dr, now);
        if (_frag->dr.cnt == 0) {
            break;
        }
        _stats.ip_fragment_errors += _frag->dr.cnt;
    }
    _last_expire_ns = now;
}

void packet_path::release_ip_fragments() noexcept
{
    for (;;) {
        free_death_row();
        // Every entry is older than "the end of time".
        rte_ip_frag_table_del_expired_entries(_frag->tbl, &_frag->dr,
                                              std::numeric_limits<std::uint64_t>::max());
        if (_frag->dr.cnt == 0) {
            break;
        }
        _stats.ip_fragment_errors += _frag->dr.cnt;
    }
}

void packet_path::finish() noexcept
{
    release_held();
    free_death_row();
    _table.expire_all();
    release_ip_fragments();
}

} // namespace udpn::dpdk
