/// \file
/// reassembly::table implementation (PROTOCOL.md §2 steps 2-5).
///
/// Layout, all sized once in the constructor:
///  - a pool of max_pending_messages entries, one per message being reassembled;
///  - an open-addressing index (2 x max_pending_messages slots, power of two) from the key
///    (source address, source port unless key_includes_src_port is false, Publisher ID,
///    Message ID) to an entry (PROTOCOL.md §2 step 3, §11 item 1);
///  - an intrusive list of pending entries in creation order (oldest first) for TTL expiry
///    and eviction, and a stack of free entries (most recently freed on top, so a new message
///    gets the entry whose buffers are warmest and already large enough).
///
/// Each entry owns two growable buffers, allocated on first need and kept when the entry is
/// freed so that steady state allocates nothing:
///  - an arena where segment payloads are appended in arrival order;
///  - a segment index, segment number -> (offset, length) in the arena.
/// Segment 0's non-segmentation options (at most 243 octets, Header Len <= 255) are copied
/// into a fixed array inside the entry. One more buffer, shared, receives the payload of a
/// message whose segments did not arrive in order.
///
/// Memory bound: every growable buffer (pending entries, cached buffers of free entries, the
/// shared output buffer) is counted in stats().bytes_held, and a buffer only grows when
/// bytes_held plus the new buffer (counted while the old one is still alive during the copy)
/// stays within max_total_bytes. Resident memory is therefore bounded by max_total_bytes plus
/// the fixed index and entry pool allocated by the constructor (not counted in bytes_held).
#include "reassembly/table.hpp"

#include "reassembly/key_hash.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace udpn::reassembly {

namespace {

using detail::npos;

/// Octets of options a header can carry: Header Len is one octet (PROTOCOL.md §1).
constexpr std::size_t max_option_bytes = 255 - udpnotif::fixed_header_len;
/// Segment numbers are 15 bits (PROTOCOL.md §1.1): at most 32768 segments.
constexpr std::uint32_t max_segments_limit = std::uint32_t{udpnotif::max_segment_number} + 1;
/// Largest pool we agree to size (keeps entry numbers and index slots in 32 bits).
constexpr std::uint32_t max_pending_limit = 1u << 24;
/// seg_slot::len of a segment not received yet.
constexpr std::uint32_t seg_absent = 0xffffffffu;
/// Smallest segment index allocated (entries), to avoid regrowing for small messages.
constexpr std::uint32_t min_segment_slots = 16;

/// Where one segment's payload sits in its entry's arena. Offsets fit 32 bits: a message has
/// at most 32768 segments of at most 65535 octets each (< 2^31 octets).
struct seg_slot {
    std::uint32_t off;
    std::uint32_t len; ///< seg_absent when not received
};

/// One message being reassembled (or a free entry keeping its buffers for reuse).
struct entry {
    // Key (PROTOCOL.md §2 step 3): src.addr, key_port, publisher_id, message_id.
    net::endpoint src; ///< exporter of the first datagram, as received (port kept)
    net::endpoint dst; ///< collector endpoint of the first datagram
    std::uint16_t key_port = 0; ///< src.port, or 0 when the key leaves the port out
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint64_t hash = 0;
    std::uint64_t first_ns = 0;

    // Taken from the first segment; later segments must agree on S and MT (§2 step 3).
    std::uint8_t version = 0;
    bool s_flag = false;
    std::uint8_t media_type = 0;

    bool has_last = false;     ///< a segment with L = 1 was stored
    bool in_order = true;      ///< segments arrived as 0, 1, 2, ...: the arena is the message
    std::uint16_t last = 0;    ///< number of the L = 1 segment, valid when has_last
    std::uint32_t n_received = 0; ///< distinct segments stored
    std::uint32_t n_dirty = 0;    ///< highest segment number stored + 1 (slots to clear)
    std::size_t total = 0;        ///< payload octets stored

    std::uint8_t* arena = nullptr;
    std::size_t arena_cap = 0;
    seg_slot* segs = nullptr;
    std::uint32_t segs_cap = 0;

    std::uint8_t n_option_bytes = 0;
    std::uint8_t options[max_option_bytes] = {};

    [[nodiscard]] std::size_t buffer_bytes() const noexcept
    {
        return arena_cap + std::size_t{segs_cap} * sizeof(seg_slot);
    }
};

/// Why a pending set is being dropped (decides which counters move).
enum class drop_reason : std::uint8_t {
    rejected,  ///< a verdict dropped it (already counted as that verdict)
    completed, ///< emitted as complete
    expired,   ///< TTL or expire_all()
    full,      ///< max_pending_messages reached
    memory,    ///< max_total_bytes reached
};

void validate(const reassembly_config& cfg)
{
    auto fail = [](const char* field, const char* rule) {
        throw std::invalid_argument(std::string("reassembly_config.") + field + ": " + rule);
    };
    if (cfg.timeout_ns == 0) {
        fail("timeout_ns", "must be > 0");
    }
    if (cfg.max_segments_per_message < 1 || cfg.max_segments_per_message > max_segments_limit) {
        fail("max_segments_per_message", "must be in 1..32768 (PROTOCOL.md §1.1: 15-bit number)");
    }
    if (cfg.max_message_bytes == 0) {
        fail("max_message_bytes", "must be > 0");
    }
    if (cfg.max_pending_messages < 1 || cfg.max_pending_messages > max_pending_limit) {
        fail("max_pending_messages", "must be in 1..16777216");
    }
    if (cfg.max_total_bytes == 0) {
        fail("max_total_bytes", "must be > 0");
    }
    if (cfg.finished_memory > max_pending_limit) {
        fail("finished_memory", "must be <= 16777216");
    }
    if (cfg.padding > (std::size_t{1} << 20)) {
        fail("padding", "must be <= 1048576");
    }
}

} // namespace

const char* to_string(verdict v) noexcept
{
    switch (v) {
    case verdict::whole: return "whole";
    case verdict::stored: return "stored";
    case verdict::complete: return "complete";
    case verdict::duplicate: return "duplicate";
    case verdict::media_mismatch: return "media_mismatch";
    case verdict::conflicting_last: return "conflicting_last";
    case verdict::beyond_last: return "beyond_last";
    case verdict::too_many_segments: return "too_many_segments";
    case verdict::too_large: return "too_large";
    case verdict::no_memory: return "no_memory";
    case verdict::late: return "late";
    }
    return "unknown";
}

/// Key of a set that finished (completed or rejected), remembered in a FIFO ring.
struct finished_key {
    net::ip_address addr;
    std::uint16_t key_port = 0;
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint64_t hash = 0;
    std::uint64_t finished_ns = 0;
    bool used = false;
};

struct table::impl {
    impl(const reassembly_config& cfg, reassembly_stats& stats, completed_message& completed)
        : _cfg(cfg),
          _stats(stats),
          _completed(completed),
          _finished_index(std::size_t{cfg.finished_memory} * 2),
          _finished(std::make_unique<finished_key[]>(cfg.finished_memory == 0 ? 1 : cfg.finished_memory)),
          _index(std::size_t{cfg.max_pending_messages} * 2),
          _pool(std::make_unique<entry[]>(cfg.max_pending_messages)),
          _links(std::make_unique<detail::link[]>(cfg.max_pending_messages)),
          _free(std::make_unique<std::uint32_t[]>(cfg.max_pending_messages))
    {
        // Free stack: entry 0 on top, so a lightly loaded table touches few entries.
        for (std::uint32_t i = 0; i < cfg.max_pending_messages; ++i) {
            _free[i] = cfg.max_pending_messages - 1 - i;
        }
        _n_free = cfg.max_pending_messages;
    }

    ~impl()
    {
        for (std::uint32_t i = 0; i < _cfg.max_pending_messages; ++i) {
            delete[] _pool[i].arena;
            delete[] _pool[i].segs;
        }
        delete[] _out;
    }

    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    verdict accept(const net::endpoint& src, const net::endpoint& dst,
                   const udpnotif::header_view& hdr, std::uint64_t now_ns) noexcept;
    std::size_t expire(std::uint64_t now_ns) noexcept;
    std::size_t expire_all() noexcept;

private:
    verdict finish(verdict v) noexcept
    {
        ++_stats.verdicts[static_cast<std::size_t>(v)];
        return v;
    }

    /// Drops a pending set with \p v counted, returning \p v (a verdict that ends the set).
    verdict reject(std::uint32_t i, verdict v, std::uint64_t now_ns) noexcept
    {
        remember_finished(_pool[i], now_ns);
        drop(i, drop_reason::rejected);
        return finish(v);
    }

    [[nodiscard]] bool is_stale(const entry& e, std::uint64_t now_ns) const noexcept
    {
        // §2 step 5: expired when strictly older than the timeout. A clock that went backwards
        // (now < first) never expires anything.
        return now_ns > e.first_ns && now_ns - e.first_ns > _cfg.timeout_ns;
    }

    std::uint32_t acquire(std::uint64_t now_ns) noexcept;
    void drop(std::uint32_t i, drop_reason why) noexcept;
    void evict(std::uint32_t i, drop_reason why, std::uint64_t now_ns) noexcept;
    void release_buffers(entry& e) noexcept;
    bool make_room(std::size_t bytes, std::uint32_t keep, std::uint64_t now_ns) noexcept;
    bool reserve_segments(std::uint32_t i, std::uint32_t n, std::uint64_t now_ns) noexcept;
    bool reserve_arena(std::uint32_t i, std::size_t n, std::uint64_t now_ns) noexcept;
    bool reserve_out(std::size_t n, std::uint32_t keep, std::uint64_t now_ns) noexcept;
    [[nodiscard]] std::size_t grown(std::size_t cap, std::size_t need,
                                    std::size_t own) const noexcept;

    void release_out() noexcept
    {
        delete[] _out;
        _out = nullptr;
        _stats.bytes_held -= _out_cap;
        _cached_bytes -= _out_cap;
        _out_cap = 0;
    }
    verdict complete(std::uint32_t i, std::uint64_t now_ns) noexcept;

    /// Remembers the key of pending set \p i as finished at \p now_ns (FIFO ring; the oldest
    /// key is forgotten when the ring is full).
    void remember_finished(const entry& e, std::uint64_t now_ns) noexcept
    {
        if (_cfg.finished_memory == 0) {
            return;
        }
        // One tombstone per key: a key finished again (same ids reused after the timeout)
        // replaces its older tombstone, so lookups never meet a stale duplicate.
        const std::uint32_t prev = find_finished(e.hash, e.src.addr, e.key_port, e.publisher_id,
                                                 e.message_id);
        if (prev != npos) {
            _finished_index.erase(e.hash, prev);
            _finished[prev].used = false;
        }
        finished_key& f = _finished[_finished_next];
        if (f.used) {
            _finished_index.erase(f.hash, _finished_next);
        }
        f = finished_key{e.src.addr, e.key_port, e.publisher_id, e.message_id, e.hash, now_ns, true};
        _finished_index.insert(e.hash, _finished_next);
        _finished_next = _finished_next + 1 == _cfg.finished_memory ? 0 : _finished_next + 1;
    }

    /// Ring slot of the tombstone of this key, or npos.
    [[nodiscard]] std::uint32_t find_finished(std::uint64_t hash, const net::ip_address& addr,
                                              std::uint16_t key_port, std::uint32_t publisher_id,
                                              std::uint32_t message_id) const noexcept
    {
        return _finished_index.find(hash, [&](std::uint32_t c) noexcept {
            const finished_key& k = _finished[c];
            return k.used && k.hash == hash && k.message_id == message_id &&
                   k.publisher_id == publisher_id && k.key_port == key_port && k.addr == addr;
        });
    }

    /// True when the key finished less than timeout_ns ago.
    [[nodiscard]] bool recently_finished(std::uint64_t hash, const net::ip_address& addr,
                                         std::uint16_t key_port, std::uint32_t publisher_id,
                                         std::uint32_t message_id,
                                         std::uint64_t now_ns) const noexcept
    {
        if (_cfg.finished_memory == 0) {
            return false;
        }
        const std::uint32_t f = find_finished(hash, addr, key_port, publisher_id, message_id);
        if (f == npos) {
            return false;
        }
        const std::uint64_t at = _finished[f].finished_ns;
        return now_ns <= at || now_ns - at <= _cfg.timeout_ns;
    }

    const reassembly_config& _cfg;
    reassembly_stats& _stats;
    completed_message& _completed;

    detail::fixed_index _finished_index;
    std::unique_ptr<finished_key[]> _finished;
    std::uint32_t _finished_next = 0;

    detail::fixed_index _index;
    std::unique_ptr<entry[]> _pool;
    std::unique_ptr<detail::link[]> _links; ///< per entry: its place in _pending
    detail::link_list _pending;             ///< pending entries, oldest first
    std::unique_ptr<std::uint32_t[]> _free; ///< stack of free entries
    std::uint32_t _n_free = 0;
    std::size_t _cached_bytes = 0; ///< part of bytes_held kept by free entries and _out

    std::uint8_t* _out = nullptr; ///< payload of the last out-of-order completion
    std::size_t _out_cap = 0;
};

std::uint32_t table::impl::acquire(std::uint64_t now_ns) noexcept
{
    if (_n_free == 0) {
        // Every entry is pending: the oldest makes room (counted as expired if past its TTL).
        evict(_pending.front(), drop_reason::full, now_ns);
    }
    const std::uint32_t i = _free[--_n_free];
    _cached_bytes -= _pool[i].buffer_bytes();
    return i;
}

void table::impl::drop(std::uint32_t i, drop_reason why) noexcept
{
    entry& e = _pool[i];
    switch (why) {
    case drop_reason::expired:
        ++_stats.expired_messages;
        _stats.expired_segments += e.n_received;
        break;
    case drop_reason::full:
        ++_stats.evicted_full;
        _stats.evicted_segments += e.n_received;
        break;
    case drop_reason::memory:
        ++_stats.evicted_memory;
        _stats.evicted_segments += e.n_received;
        break;
    case drop_reason::rejected:
    case drop_reason::completed:
        break;
    }
    _index.erase(e.hash, i);
    _pending.remove(_links.get(), i);
    --_stats.pending_messages;

    // Reset for reuse, keeping the buffers; only the slots this message touched need clearing.
    for (std::uint32_t s = 0; s < e.n_dirty; ++s) {
        e.segs[s].len = seg_absent;
    }
    e.n_dirty = 0;
    e.n_received = 0;
    e.total = 0;
    e.has_last = false;
    e.in_order = true;
    e.n_option_bytes = 0;

    _free[_n_free++] = i;
    _cached_bytes += e.buffer_bytes();
}

void table::impl::evict(std::uint32_t i, drop_reason why, std::uint64_t now_ns) noexcept
{
    // A set already past its TTL is counted as expired, whatever made us look at it, so the
    // counters do not depend on how often expire() runs.
    drop(i, is_stale(_pool[i], now_ns) ? drop_reason::expired : why);
}

void table::impl::release_buffers(entry& e) noexcept
{
    const std::size_t bytes = e.buffer_bytes();
    delete[] e.arena;
    delete[] e.segs;
    e.arena = nullptr;
    e.arena_cap = 0;
    e.segs = nullptr;
    e.segs_cap = 0;
    _stats.bytes_held -= bytes;
    _cached_bytes -= bytes;
}

bool table::impl::make_room(std::size_t bytes, std::uint32_t keep, std::uint64_t now_ns) noexcept
{
    // Order: cached buffers of free entries (and the shared output buffer), then the oldest
    // pending sets other than `keep`, the one being grown.
    std::uint32_t scan = _n_free;
    while (_stats.bytes_held + bytes > _cfg.max_total_bytes) {
        if (_cached_bytes > 0) {
            if (scan > 0) {
                entry& e = _pool[_free[--scan]];
                if (e.buffer_bytes() != 0) {
                    release_buffers(e);
                }
                continue;
            }
            if (_out != nullptr) {
                release_out();
                continue;
            }
        }
        std::uint32_t victim = _pending.front();
        if (victim == keep) {
            victim = _links[victim].next;
        }
        if (victim == npos) {
            return false; // `keep` alone does not fit
        }
        evict(victim, drop_reason::memory, now_ns);
        // The victim is now on top of the free stack; give its memory back rather than cache it.
        release_buffers(_pool[victim]);
        scan = _n_free;
    }
    return true;
}

std::size_t table::impl::grown(std::size_t cap, std::size_t need, std::size_t own) const noexcept
{
    // Strict accounting: while a buffer grows, the old one (counted in `own`, the bytes of the
    // set being grown) is still alive, so the new one can use at most what is left when every
    // other buffer has been given back.
    if (own > _cfg.max_total_bytes || need > _cfg.max_total_bytes - own) {
        return 0;
    }
    const std::size_t budget = _cfg.max_total_bytes - own;
    // Geometric growth (amortised copies), capped by the largest buffer a message may need and
    // by the budget, rounded to a cache line where that fits.
    const std::size_t ceiling = _cfg.max_message_bytes + _cfg.padding;
    std::size_t n = std::max(need, std::min(cap * 2, ceiling));
    n = (n + 63) & ~std::size_t{63};
    return std::max(need, std::min(n, budget));
}

bool table::impl::reserve_segments(std::uint32_t i, std::uint32_t n, std::uint64_t now_ns) noexcept
{
    entry& e = _pool[i];
    if (n <= e.segs_cap) {
        return true;
    }
    std::uint32_t cap = std::max(min_segment_slots, static_cast<std::uint32_t>(detail::next_pow2(n)));
    cap = std::min(cap, _cfg.max_segments_per_message);
    std::size_t bytes = std::size_t{cap} * sizeof(seg_slot);
    const std::size_t own = e.buffer_bytes();
    if (own > _cfg.max_total_bytes || bytes > _cfg.max_total_bytes - own) {
        // Fall back to exactly what this segment needs.
        cap = n;
        bytes = std::size_t{cap} * sizeof(seg_slot);
        if (own > _cfg.max_total_bytes || bytes > _cfg.max_total_bytes - own) {
            return false;
        }
    }
    if (!make_room(bytes, i, now_ns)) {
        return false;
    }
    auto* p = new (std::nothrow) seg_slot[cap];
    if (p == nullptr) {
        return false;
    }
    if (e.segs_cap != 0) {
        std::memcpy(p, e.segs, std::size_t{e.segs_cap} * sizeof(seg_slot));
    }
    for (std::uint32_t s = e.segs_cap; s < cap; ++s) {
        p[s] = seg_slot{0, seg_absent};
    }
    delete[] e.segs;
    _stats.bytes_held += bytes - std::size_t{e.segs_cap} * sizeof(seg_slot);
    e.segs = p;
    e.segs_cap = cap;
    return true;
}

bool table::impl::reserve_arena(std::uint32_t i, std::size_t n, std::uint64_t now_ns) noexcept
{
    entry& e = _pool[i];
    if (n <= e.arena_cap) {
        return true;
    }
    const std::size_t cap = grown(e.arena_cap, n, e.buffer_bytes());
    if (cap == 0 || !make_room(cap, i, now_ns)) {
        return false;
    }
    auto* p = new (std::nothrow) std::uint8_t[cap];
    if (p == nullptr) {
        return false;
    }
    if (e.total != 0) {
        std::memcpy(p, e.arena, e.total);
    }
    delete[] e.arena;
    _stats.bytes_held += cap - e.arena_cap;
    e.arena = p;
    e.arena_cap = cap;
    return true;
}

bool table::impl::reserve_out(std::size_t n, std::uint32_t keep, std::uint64_t now_ns) noexcept
{
    if (n <= _out_cap) {
        return true;
    }
    // The old contents are not needed: give the old buffer back before asking for a new one.
    const std::size_t old_cap = _out_cap;
    release_out();
    const std::size_t cap = grown(old_cap, n, _pool[keep].buffer_bytes());
    if (cap == 0 || !make_room(cap, keep, now_ns)) {
        return false;
    }
    auto* p = new (std::nothrow) std::uint8_t[cap];
    if (p == nullptr) {
        return false;
    }
    _stats.bytes_held += cap;
    _cached_bytes += cap;
    _out = p;
    _out_cap = cap;
    return true;
}

verdict table::impl::complete(std::uint32_t i, std::uint64_t now_ns) noexcept
{
    entry& e = _pool[i];
    std::uint8_t* payload = e.arena;
    if (!e.in_order) {
        // §2 "Rebuild": concatenate by ascending segment number.
        if (!reserve_out(e.total + _cfg.padding, i, now_ns)) {
            return reject(i, verdict::no_memory, now_ns);
        }
        std::size_t off = 0;
        for (std::uint32_t s = 0; s <= e.last; ++s) {
            std::memcpy(_out + off, e.arena + e.segs[s].off, e.segs[s].len);
            off += e.segs[s].len;
        }
        payload = _out;
    }
    // Arena and _out always have `padding` octets past the payload; zero them so readers
    // (simdjson) never see stale bytes.
    if (_cfg.padding != 0) {
        std::memset(payload + e.total, 0, _cfg.padding);
    }

    _completed.src = e.src;
    _completed.dst = e.dst;
    _completed.publisher_id = e.publisher_id;
    _completed.message_id = e.message_id;
    _completed.version = e.version;
    _completed.s_flag = e.s_flag;
    _completed.media_type = e.media_type;
    _completed.n_segments = std::uint32_t{e.last} + 1;
    _completed.payload = byte_span(payload, e.total);
    _completed.options = byte_span(e.options, e.n_option_bytes);
    _completed.first_ns = e.first_ns;
    _completed.last_ns = now_ns;
    // The entry goes back to the free stack with its buffers and option copy untouched, so the
    // spans above stay valid until the next accept()/expire()/expire_all().
    remember_finished(e, now_ns);
    drop(i, drop_reason::completed);
    return finish(verdict::complete);
}

verdict table::impl::accept(const net::endpoint& src, const net::endpoint& dst,
                            const udpnotif::header_view& hdr, std::uint64_t now_ns) noexcept
{
    // §2 step 2: no segmentation option, or segment 0 with L = 1: the datagram is the message.
    if (hdr.is_whole_message()) {
        return finish(verdict::whole);
    }

    // §2 step 3 / §11 item 1: key = (src IP, src port unless disabled, Publisher ID, Message ID).
    const std::uint16_t key_port = _cfg.key_includes_src_port ? src.port : std::uint16_t{0};
    const std::uint64_t hash = detail::hash_key(src.addr, key_port, hdr.publisher_id, hdr.message_id);
    std::uint32_t i = _index.find(hash, [&](std::uint32_t c) noexcept {
        const entry& e = _pool[c];
        return e.hash == hash && e.message_id == hdr.message_id &&
               e.publisher_id == hdr.publisher_id && e.key_port == key_port &&
               e.src.addr == src.addr;
    });
    // §2 step 5: a set past its TTL is expired before this datagram is looked at; the datagram
    // then starts a new set.
    if (i != npos && is_stale(_pool[i], now_ns)) {
        drop(i, drop_reason::expired);
        i = npos;
    }

    // A copy of a segment of a set that already completed or was dropped: not a new message.
    if (i == npos && recently_finished(hash, src.addr, key_port, hdr.publisher_id,
                                       hdr.message_id, now_ns)) {
        return finish(verdict::late);
    }

    const std::uint32_t seg = hdr.segment_number;
    // §2: configurable cap on segments per message (abuse protection).
    if (seg >= _cfg.max_segments_per_message) {
        return i == npos ? finish(verdict::too_many_segments) : reject(i, verdict::too_many_segments, now_ns);
    }

    if (i == npos) {
        i = acquire(now_ns);
        entry& e = _pool[i];
        e.src = src;
        e.dst = dst;
        e.key_port = key_port;
        e.publisher_id = hdr.publisher_id;
        e.message_id = hdr.message_id;
        e.hash = hash;
        e.first_ns = now_ns;
        e.version = hdr.version;
        e.s_flag = hdr.s_flag;
        e.media_type = hdr.media_type;
        _index.insert(hash, i);
        _pending.push_back(_links.get(), i);
        ++_stats.pending_messages;
    }
    entry& e = _pool[i];

    // §2 step 3: all segments of a message share S and MT.
    if (e.s_flag != hdr.s_flag || e.media_type != hdr.media_type) {
        return reject(i, verdict::media_mismatch, now_ns);
    }
    // §2 step 3: one "last" number per message, and nothing above it.
    if (hdr.last_segment) {
        if (e.has_last && e.last != seg) {
            return reject(i, verdict::conflicting_last, now_ns);
        }
        if (e.n_dirty > seg + 1) {
            return reject(i, verdict::beyond_last, now_ns); // a higher number was already stored
        }
    } else if (e.has_last && seg > e.last) {
        return reject(i, verdict::beyond_last, now_ns);
    }
    // §2 step 3: SHOULD drop duplicates; the set is kept.
    if (seg < e.segs_cap && e.segs[seg].len != seg_absent) {
        return finish(verdict::duplicate);
    }
    const std::size_t len = hdr.payload.size();
    // §2 step 3: byte limit per message (`max_message_bytes`).
    if (e.total + len > _cfg.max_message_bytes) {
        return reject(i, verdict::too_large, now_ns);
    }
    if (!reserve_segments(i, seg + 1, now_ns) ||
        !reserve_arena(i, e.total + len + _cfg.padding, now_ns)) {
        return reject(i, verdict::no_memory, now_ns);
    }

    if (seg == 0) {
        // §2 "Rebuild": the rebuilt message carries segment 0's non-segmentation options.
        std::size_t n = 0;
        udpnotif::for_each_option(hdr.options, [&](std::uint8_t type, byte_span value) noexcept {
            if (type != udpnotif::option_segmentation) {
                const std::size_t tlv_len = value.size() + 2;
                std::memcpy(e.options + n, value.data() - 2, tlv_len);
                n += tlv_len;
            }
            return true;
        });
        e.n_option_bytes = static_cast<std::uint8_t>(n);
    }

    if (len != 0) {
        std::memcpy(e.arena + e.total, hdr.payload.data(), len);
    }
    e.segs[seg] = seg_slot{static_cast<std::uint32_t>(e.total), static_cast<std::uint32_t>(len)};
    e.total += len;
    e.in_order = e.in_order && seg == e.n_received;
    ++e.n_received;
    e.n_dirty = std::max(e.n_dirty, seg + 1);
    if (hdr.last_segment) {
        e.has_last = true;
        e.last = static_cast<std::uint16_t>(seg);
    }

    // §2 step 4: complete when the last is known and 0..last are all present. Every stored
    // number is <= last (checked above) and distinct, so counting suffices.
    if (e.has_last && e.n_received == std::uint32_t{e.last} + 1) {
        return complete(i, now_ns);
    }
    return finish(verdict::stored);
}

std::size_t table::impl::expire(std::uint64_t now_ns) noexcept
{
    // Oldest first: creation order, so the scan stops at the first set still within its TTL.
    std::size_t n = 0;
    for (std::uint32_t i = _pending.front(); i != npos && is_stale(_pool[i], now_ns);
         i = _pending.front()) {
        drop(i, drop_reason::expired);
        ++n;
    }
    return n;
}

std::size_t table::impl::expire_all() noexcept
{
    std::size_t n = 0;
    for (std::uint32_t i = _pending.front(); i != npos; i = _pending.front()) {
        drop(i, drop_reason::expired);
        ++n;
    }
    return n;
}

table::table(const reassembly_config& cfg) : _cfg(cfg)
{
    validate(_cfg);
    _impl = new impl(_cfg, _stats, _completed);
}

table::~table()
{
    delete _impl;
}

verdict table::accept(const net::endpoint& src, const net::endpoint& dst,
                      const udpnotif::header_view& hdr, std::uint64_t now_ns) noexcept
{
    return _impl->accept(src, dst, hdr, now_ns);
}

std::size_t table::expire(std::uint64_t now_ns) noexcept
{
    return _impl->expire(now_ns);
}

std::size_t table::expire_all() noexcept
{
    return _impl->expire_all();
}

} // namespace udpn::reassembly
