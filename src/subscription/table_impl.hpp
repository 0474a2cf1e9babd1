/// \file
/// Private to src/subscription: the storage of a subscription::table (shared by table.cpp and
/// state_file.cpp). A fixed pool of nodes, an open-addressing index keyed by (exporter address,
/// subscription id), a recency list (least recently used first) and a free list. Nothing here
/// allocates after construction except the subscriptions' own strings at state-change time.
#pragma once

#include "subscription/key_hash.hpp"
#include "subscription/table.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace udpn::subscription {

struct table::impl {
    struct node {
        entry sub;
        std::uint64_t hash = 0;
        std::uint32_t next_free = detail::npos;
        bool used = false;
    };

    explicit impl(std::size_t capacity)
        : n_nodes(static_cast<std::uint32_t>(capacity)),
          index(capacity * 2),
          nodes(std::make_unique<node[]>(capacity)),
          links(std::make_unique<detail::link[]>(capacity))
    {
    }

    std::uint32_t n_nodes;
    std::uint32_t n_fresh = 0; ///< nodes never used yet: [n_fresh, n_nodes)
    std::uint32_t free_head = detail::npos;
    std::size_t n_held = 0;
    detail::fixed_index index;
    std::unique_ptr<node[]> nodes;
    std::unique_ptr<detail::link[]> links;
    detail::link_list recency; ///< least recently used first

    /// Node of (\p exporter, \p id) or npos. No allocation.
    [[nodiscard]] std::uint32_t find(const net::ip_address& exporter, std::uint32_t id) const noexcept
    {
        const std::uint64_t hash = detail::hash_key(exporter, id);
        return index.find(hash, [&](std::uint32_t c) noexcept {
            const node& n = nodes[c];
            return n.hash == hash && n.sub.info.id == id && n.sub.exporter == exporter;
        });
    }

    /// Inserts or replaces (\p exporter, info.id) whole: subscription-started, a -modified for
    /// an unknown subscription, a state-file record. Fills \p r (kind added or replaced).
    void put(table_stats& stats, const net::ip_address& exporter,
             yangpush::subscription_info&& info, std::string&& contents, std::uint64_t now_ms,
             std::string_view event_time, apply_result& r) noexcept;

    void touch(std::uint32_t i) noexcept { recency.move_to_back(links.get(), i); }

    /// Unlinks node \p i and returns it to the free list (its memory is released).
    void release(std::uint32_t i) noexcept
    {
        node& n = nodes[i];
        index.erase(n.hash, i);
        recency.remove(links.get(), i);
        n.sub = entry{};
        n.used = false;
        n.next_free = free_head;
        free_head = i;
        --n_held;
    }

    /// A node for a new (\p exporter, \p id), linked and indexed: a free one, or the least
    /// recently used one evicted (reported in \p r, counted in \p stats).
    std::uint32_t acquire(const net::ip_address& exporter, std::uint32_t id, apply_result& r,
                          table_stats& stats) noexcept
    {
        std::uint32_t i = detail::npos;
        if (free_head != detail::npos) {
            i = free_head;
            free_head = nodes[i].next_free;
        } else if (n_fresh < n_nodes) {
            i = n_fresh++;
        } else {
            // Full: evict the least recently used subscription (no state change and no data
            // for the longest time).
            const std::uint32_t victim = recency.front();
            r.evicted = true;
            r.evicted_exporter = nodes[victim].sub.exporter;
            r.evicted_id = nodes[victim].sub.info.id;
            ++stats.evicted;
            release(victim);
            i = free_head;
            free_head = nodes[i].next_free;
        }
        node& n = nodes[i];
        n.used = true;
        n.next_free = detail::npos;
        n.hash = detail::hash_key(exporter, id);
        n.sub = entry{};
        n.sub.exporter = exporter;
        n.sub.info.id = id;
        index.insert(n.hash, i);
        recency.push_back(links.get(), i);
        ++n_held;
        return i;
    }
};

} // namespace udpn::subscription
