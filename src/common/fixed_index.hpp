/// ile
/// Fixed-capacity building blocks for the per-thread tables (reassembly, gap tracking,
/// subscriptions, sequence numbers):
///  - mix64(): a full-avalanche 64-bit mix for building key hashes;
///  - fixed_index: open-addressing hash index (linear probing, backward-shift deletion) from a
///    key hash to an entry number, sized once at construction;
///  - link / link_list: an intrusive doubly-linked list of entry numbers (age or recency order).
/// Nothing here allocates after construction, nothing throws after construction, no locks:
/// each structure has a single owner thread. Not a concurrent structure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace udpn::detail {

/// "No entry" in indices and links.
inline constexpr std::uint32_t npos = 0xffffffffu;

/// splitmix64 finaliser: a full-avalanche 64-bit mix.
[[nodiscard]] inline std::uint64_t mix64(std::uint64_t x) noexcept
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/// Smallest power of two >= \p n (n >= 1, n <= 2^63).
[[nodiscard]] inline std::size_t next_pow2(std::size_t n) noexcept
{
    std::size_t p = 1;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

/// Open-addressing hash index: key hash -> entry number. The owner keeps at most
/// capacity()/2 entries in it, so probes stay short and an empty slot always exists.
/// The slot stores the low 32 bits of the hash: enough to find the home slot (capacity
/// <= 2^31) for backward-shift deletion and to skip most non-matching entries cheaply.
class fixed_index {
public:
    /// Allocates next_pow2(\p min_slots) slots (at least 2). @throws std::bad_alloc.
    explicit fixed_index(std::size_t min_slots)
        : _mask(static_cast<std::uint32_t>(next_pow2(min_slots < 2 ? 2 : min_slots) - 1)),
          _slots(std::make_unique<slot[]>(std::size_t{_mask} + 1))
    {
    }

    /// Entry whose hash is \p hash and for which \p eq(entry) holds, or npos.
    template <typename Eq>
    [[nodiscard]] std::uint32_t find(std::uint64_t hash, Eq&& eq) const noexcept
    {
        const auto tag = static_cast<std::uint32_t>(hash);
        for (std::uint32_t pos = tag & _mask;; pos = (pos + 1) & _mask) {
            const slot& s = _slots[pos];
            if (s.entry == npos) {
                return npos;
            }
            if (s.tag == tag && eq(s.entry)) {
                return s.entry;
            }
        }
    }

    /// Adds \p entry under \p hash. The caller guarantees it is absent and a free slot exists.
    void insert(std::uint64_t hash, std::uint32_t entry) noexcept
    {
        const auto tag = static_cast<std::uint32_t>(hash);
        std::uint32_t pos = tag & _mask;
        while (_slots[pos].entry != npos) {
            pos = (pos + 1) & _mask;
        }
        _slots[pos] = slot{entry, tag};
    }

    /// Removes \p entry (inserted under \p hash). Backward-shift deletion: no tombstones, so
    /// lookups never degrade however many inserts and erases happen.
    void erase(std::uint64_t hash, std::uint32_t entry) noexcept
    {
        std::uint32_t pos = static_cast<std::uint32_t>(hash) & _mask;
        while (_slots[pos].entry != entry) {
            if (_slots[pos].entry == npos) {
                return; // not present: nothing to do
            }
            pos = (pos + 1) & _mask;
        }
        std::uint32_t hole = pos;
        for (std::uint32_t next = (hole + 1) & _mask; _slots[next].entry != npos;
             next = (next + 1) & _mask) {
            // Move `next` into the hole unless its home lies cyclically in (hole, next].
            const std::uint32_t home = _slots[next].tag & _mask;
            const bool home_after_hole = ((next - home) & _mask) < ((next - hole) & _mask);
            if (!home_after_hole) {
                _slots[hole] = _slots[next];
                hole = next;
            }
        }
        _slots[hole] = slot{};
    }

    /// Slots allocated (a power of two).
    [[nodiscard]] std::size_t capacity() const noexcept { return std::size_t{_mask} + 1; }

private:
    struct slot {
        std::uint32_t entry = npos;
        std::uint32_t tag = 0;
    };
    std::uint32_t _mask;
    std::unique_ptr<slot[]> _slots;
};

/// Links of one entry in a link_list.
struct link {
    std::uint32_t prev = npos;
    std::uint32_t next = npos;
};

/// Intrusive doubly-linked list of entry numbers; the links live in the entries, reached
/// through \p links (an array indexed by entry number) passed to every call.
class link_list {
public:
    [[nodiscard]] std::uint32_t front() const noexcept { return _head; }
    [[nodiscard]] bool empty() const noexcept { return _head == npos; }

    void push_back(link* links, std::uint32_t i) noexcept
    {
        links[i].prev = _tail;
        links[i].next = npos;
        if (_tail != npos) {
            links[_tail].next = i;
        } else {
            _head = i;
        }
        _tail = i;
    }

    void remove(link* links, std::uint32_t i) noexcept
    {
        const link l = links[i];
        if (l.prev != npos) {
            links[l.prev].next = l.next;
        } else {
            _head = l.next;
        }
        if (l.next != npos) {
            links[l.next].prev = l.prev;
        } else {
            _tail = l.prev;
        }
        links[i] = link{};
    }

    /// Moves \p i (in the list) to the back: "most recently used".
    void move_to_back(link* links, std::uint32_t i) noexcept
    {
        if (_tail != i) {
            remove(links, i);
            push_back(links, i);
        }
    }

private:
    std::uint32_t _head = npos;
    std::uint32_t _tail = npos;
};

} // namespace udpn::detail
