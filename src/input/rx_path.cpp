#include "input/rx_path.hpp"

#include <algorithm>

namespace udpn::input {

rx_path::rx_path(const rx_path_config& cfg)
    : _cfg(cfg),
      _allow(cfg.source_allowlist),
      _table(cfg.reassembly),
      _gaps(cfg.gap_max_streams, cfg.gap_max_gap, cfg.reassembly.key_includes_src_port),
      _pool(cfg.pool, cfg.owner_id)
{
}

message_buffer* rx_path::process(const datagram& d) noexcept
{
    ++_stats.datagrams;
    _stats.bytes += d.bytes.size();
    if (d.truncated) {
        // A cut datagram would only fail the Message Length check (§2 step 1) or, worse, pass
        // it with a short segment: drop it here, under its own counter.
        ++_stats.truncated;
        return nullptr;
    }
    if (!_allow.allows(d.src.addr)) {
        ++_stats.not_allowed;
        return nullptr;
    }
    // The reassembly clock never goes backwards (sources with per-datagram kernel times, or
    // several sources feeding one path, may be slightly out of order).
    if (d.rx_ns < _clock_ns) {
        ++_stats.clock_clamped;
    } else {
        _clock_ns = d.rx_ns;
    }
    const auto hdr = udpnotif::parse_counted(d.bytes, _cfg.parse, _parse_stats);
    if (!hdr) {
        return nullptr; // counted by reason in parse_stats
    }
    switch (_table.accept(d.src, d.dst, *hdr, _clock_ns)) {
    case reassembly::verdict::whole: return deliver_whole(d, *hdr);
    case reassembly::verdict::complete: return deliver_completed(d);
    default: return nullptr; // stored, or dropped: counted by verdict in the table's stats
    }
}

message_buffer* rx_path::take_buffer(std::size_t payload_len) noexcept
{
    auto got = _pool.acquire(payload_len);
    if (!got) {
        if (got.error() == pool_error::oversize) {
            ++_stats.oversize;
        } else {
            ++_stats.pool_exhausted;
        }
        return nullptr;
    }
    ++_stats.messages;
    _stats.message_bytes += payload_len;
    return got.value();
}

message_buffer* rx_path::deliver_whole(const datagram& d,
                                       const udpnotif::header_view& hdr) noexcept
{
    ++_stats.whole_messages;
    // Loss accounting sees every message the network delivered, even one dropped below for
    // want of a buffer: that drop has its own counter.
    _gaps.observe(d.src, hdr.publisher_id, hdr.message_id);
    message_buffer* msg = nullptr;
    if (d.holder != nullptr && *d.holder != nullptr && (*d.holder)->owner() == &_pool) {
        // Received into one of our buffers: take it from the source's slot and point the
        // payload past the header (PROTOCOL.md §1: the payload follows the header and options).
        msg = *d.holder;
        *d.holder = nullptr;
        msg->set_payload(static_cast<std::size_t>(hdr.payload.data() - msg->data()),
                         hdr.payload.size());
        ++_stats.messages;
        ++_stats.in_place;
        _stats.message_bytes += hdr.payload.size();
    } else {
        msg = take_buffer(hdr.payload.size());
        if (msg == nullptr) {
            return nullptr;
        }
        msg->assign(hdr.payload);
    }
    // Keep the options other than segmentation (a whole message may still carry "segment 0,
    // last"), the same set a reassembled message keeps (PROTOCOL.md §2 "Rebuild").
    if (!hdr.options.empty()) {
        udpnotif::for_each_option(hdr.options, [msg](std::uint8_t type, byte_span value) noexcept {
            if (type != udpnotif::option_segmentation) {
                msg->append_option(byte_span(value.data() - 2, value.size() + 2));
            }
            return true;
        });
    }
    message_meta& m = msg->meta;
    m.exporter = d.src;
    m.collector = d.dst;
    m.publisher_id = hdr.publisher_id;
    m.message_id = hdr.message_id;
    m.version = hdr.version;
    m.s_flag = hdr.s_flag;
    m.media_type = hdr.media_type;
    m.n_segments = 1;
    m.first_rx_ns = _clock_ns;
    m.last_rx_ns = _clock_ns;
    m.collection_wall_ns = d.rx_wall_ns;
    m.first_wall_ns = d.rx_wall_ns;
    m.arrival_ns = d.rx_ns;
    return msg;
}

message_buffer* rx_path::deliver_completed(const datagram& d) noexcept
{
    const reassembly::completed_message& done = _table.completed();
    ++_stats.reassembled_messages;
    _gaps.observe(done.src, done.publisher_id, done.message_id);
    message_buffer* msg = take_buffer(done.payload.size());
    if (msg == nullptr) {
        return nullptr;
    }
    // One copy out of the table's arena: the table reuses it at the next accept().
    msg->assign(done.payload);
    msg->append_option(done.options); // at most 243 octets: always fits
    message_meta& m = msg->meta;
    m.exporter = done.src;
    m.collector = done.dst;
    m.publisher_id = done.publisher_id;
    m.message_id = done.message_id;
    m.version = done.version;
    m.s_flag = done.s_flag;
    m.media_type = done.media_type;
    m.n_segments = done.n_segments;
    m.first_rx_ns = done.first_ns;
    m.last_rx_ns = done.last_ns;
    // PROTOCOL.md §11 item 24: the collection time is when the completing segment arrived.
    m.collection_wall_ns = d.rx_wall_ns;
    const std::uint64_t span_ns = done.last_ns >= done.first_ns ? done.last_ns - done.first_ns : 0;
    m.first_wall_ns = d.rx_wall_ns >= span_ns ? d.rx_wall_ns - span_ns : 0;
    m.arrival_ns = d.rx_ns;
    return msg;
}

std::size_t rx_path::on_tick(std::uint64_t now_ns) noexcept
{
    _clock_ns = std::max(_clock_ns, now_ns);
    return _table.expire(_clock_ns);
}

std::size_t rx_path::finish() noexcept
{
    return _table.expire_all();
}

} // namespace udpn::input
