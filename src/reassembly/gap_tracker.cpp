/// \file
/// gap_tracker implementation (PROTOCOL.md §1 "Message ID", §2 step 6).
///
/// Per stream (exporter address [+ port], Publisher ID) we keep the next expected Message ID
/// and a window bitmap of the last `window_ids` ids before it, where a set bit means "skipped
/// and not seen since". Message IDs use serial-number arithmetic mod 2^32 (they wrap from
/// 2^32-1 to 0, §1), so d = int32(id - expected):
///  - d == 0: in order;
///  - 0 < d <= max_gap: d ids were skipped (missing += d, marked in the window);
///  - d > max_gap: too far to be loss (publisher restart): reset, resynchronise on this id;
///  - d < 0 and the id is marked in the window: it arrived late and fills its gap
///    (late++, missing--);
///  - d == -1 (the id just seen): duplicate;
///  - any other d < 0: late. When such an id lies beyond the window and the next id of the
///    stream follows it (id + 1), the publisher restarted with lower ids (RFC 3550 A.1 style
///    probation): reset and resynchronise, and the first of the two is no longer counted late.
///
/// Fixed capacity: streams live in a pool of max_streams entries with an open-addressing index
/// and a recency list; the least recently seen stream is evicted when the pool is full.
#include "reassembly/gap_tracker.hpp"

#include "reassembly/key_hash.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace udpn::reassembly {

namespace {

using detail::npos;

constexpr std::size_t window_words = 4;
/// Ids before `expected` whose loss is remembered, so a late arrival can fill its gap.
constexpr std::uint32_t window_ids = window_words * 64;
/// Largest pool we agree to size (keeps entry numbers and index slots in 32 bits).
constexpr std::size_t max_streams_limit = std::size_t{1} << 26;

struct stream {
    net::ip_address addr;
    std::uint16_t port = 0; ///< 0 when the identity leaves the port out
    std::uint32_t publisher_id = 0;
    std::uint64_t hash = 0;
    std::uint32_t expected = 0;       ///< next expected Message ID
    std::uint32_t probation_next = 0; ///< id that would confirm a backward restart
    bool probation = false;
    /// Bit k (word k / 64, bit k % 64) stands for id expected - 1 - k: set = still missing.
    std::array<std::uint64_t, window_words> window{};
};

/// Ages the window by \p s ids (expected advanced by \p s): bit k moves to k + s.
void shift_window(std::array<std::uint64_t, window_words>& w, std::uint64_t s) noexcept
{
    if (s >= window_ids) {
        w.fill(0);
        return;
    }
    const std::size_t words = static_cast<std::size_t>(s / 64);
    const unsigned bits = static_cast<unsigned>(s % 64);
    for (std::size_t i = window_words; i-- > 0;) {
        std::uint64_t v = 0;
        if (i >= words) {
            v = w[i - words] << bits;
            if (bits != 0 && i >= words + 1) {
                v |= w[i - words - 1] >> (64 - bits);
            }
        }
        w[i] = v;
    }
}

/// Sets bits 1..\p m of the window (m < window_ids): the ids skipped by a forward jump.
void mark_missing(std::array<std::uint64_t, window_words>& w, std::uint32_t m) noexcept
{
    for (std::size_t i = 0; i < window_words; ++i) {
        const std::uint32_t lo = static_cast<std::uint32_t>(i * 64);
        if (m < lo) {
            break;
        }
        const std::uint32_t top = m - lo; // highest bit to set in this word
        std::uint64_t mask = top >= 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (top + 1)) - 1;
        if (i == 0) {
            mask &= ~std::uint64_t{1}; // bit 0 is the id just received
        }
        w[i] |= mask;
    }
}

} // namespace

struct gap_tracker::impl {
    impl(std::size_t max_streams, std::uint32_t max_gap, bool include_port)
        : _max_gap(max_gap),
          _include_port(include_port),
          _n_streams(static_cast<std::uint32_t>(max_streams)),
          _index(max_streams * 2),
          _pool(std::make_unique<stream[]>(max_streams)),
          _links(std::make_unique<detail::link[]>(max_streams))
    {
    }

    void observe(gap_stats& stats, const net::endpoint& src, std::uint32_t publisher_id,
                 std::uint32_t message_id) noexcept;

private:
    void resync(stream& s, std::uint32_t message_id, gap_stats& stats) noexcept
    {
        ++stats.resets;
        s.expected = message_id + 1;
        s.window.fill(0);
        s.probation = false;
    }

    std::uint32_t _max_gap;
    bool _include_port;
    std::uint32_t _n_streams;
    std::uint32_t _n_used = 0; ///< pool entries handed out so far (never given back)
    detail::fixed_index _index;
    std::unique_ptr<stream[]> _pool;
    std::unique_ptr<detail::link[]> _links;
    detail::link_list _recency; ///< least recently seen first
};

void gap_tracker::impl::observe(gap_stats& stats, const net::endpoint& src,
                                std::uint32_t publisher_id, std::uint32_t message_id) noexcept
{
    ++stats.messages;
    // §1: Publisher IDs are unique per node only, so the exporter address is part of the
    // identity; §11 item 1: the port too unless disabled.
    const std::uint16_t port = _include_port ? src.port : std::uint16_t{0};
    const std::uint64_t hash = detail::hash_key(src.addr, port, publisher_id, 0);
    std::uint32_t i = _index.find(hash, [&](std::uint32_t c) noexcept {
        const stream& s = _pool[c];
        return s.hash == hash && s.publisher_id == publisher_id && s.port == port &&
               s.addr == src.addr;
    });

    if (i == npos) {
        if (_n_used < _n_streams) {
            i = _n_used++;
            ++stats.streams;
        } else {
            // Full: forget the least recently seen stream and reuse its entry.
            i = _recency.front();
            _index.erase(_pool[i].hash, i);
            _recency.remove(_links.get(), i);
            ++stats.streams_evicted;
        }
        stream& s = _pool[i];
        s.addr = src.addr;
        s.port = port;
        s.publisher_id = publisher_id;
        s.hash = hash;
        // First message of a stream: nothing to compare with (a receiver may start late, §1.3).
        s.expected = message_id + 1;
        s.probation = false;
        s.window.fill(0);
        _index.insert(hash, i);
        _recency.push_back(_links.get(), i);
        return;
    }

    _recency.move_to_back(_links.get(), i);
    stream& s = _pool[i];
    // §1: Message ID wraps after 2^32-1 to 0; serial-number difference mod 2^32.
    const auto d = static_cast<std::int32_t>(message_id - s.expected);
    if (d >= 0) {
        if (static_cast<std::uint32_t>(d) > _max_gap) {
            resync(s, message_id, stats);
            return;
        }
        // §1: ids SHOULD increase by exactly 1, so every skipped id is a loss until it shows up.
        stats.missing += static_cast<std::uint32_t>(d);
        shift_window(s.window, std::uint64_t{static_cast<std::uint32_t>(d)} + 1);
        if (d > 0) {
            mark_missing(s.window, std::min(static_cast<std::uint32_t>(d), window_ids - 1));
        }
        s.expected = message_id + 1;
        s.probation = false;
        return;
    }

    // d < 0: behind the expected id. k = expected - 1 - id, 0 = the id just seen.
    const std::uint32_t k = s.expected - 1 - message_id;
    if (k < window_ids) {
        std::uint64_t& word = s.window[k / 64];
        const std::uint64_t bit = std::uint64_t{1} << (k % 64);
        if ((word & bit) != 0) {
            // §2 step 6: reordering creates temporary gaps; this one is filled.
            word &= ~bit;
            ++stats.late;
            --stats.missing;
        } else if (k == 0) {
            ++stats.duplicates;
        } else {
            ++stats.late;
        }
        return;
    }
    // Far behind: a very late id, or the publisher restarted with lower ids. Two consecutive
    // such ids mean a restart.
    if (s.probation && message_id == s.probation_next) {
        --stats.late; // the previous id was the restart, not a late arrival
        resync(s, message_id, stats);
        return;
    }
    ++stats.late;
    s.probation = true;
    s.probation_next = message_id + 1;
}

gap_tracker::gap_tracker(std::size_t max_streams, std::uint32_t max_gap, bool include_port)
{
    if (max_streams < 1 || max_streams > max_streams_limit) {
        throw std::invalid_argument("gap_tracker: max_streams must be in 1..67108864");
    }
    _impl = new impl(max_streams, max_gap, include_port);
}

gap_tracker::~gap_tracker()
{
    delete _impl;
}

void gap_tracker::observe(const net::endpoint& src, std::uint32_t publisher_id,
                          std::uint32_t message_id) noexcept
{
    _impl->observe(_stats, src, publisher_id, message_id);
}

} // namespace udpn::reassembly
