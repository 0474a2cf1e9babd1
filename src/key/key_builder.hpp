/// \file
/// Per-message Kafka topic and Message Key from a resolved subscription (PROTOCOL.md §7, §8,
/// §9): `seed` = `hostname LF datastore LF yang-index` (§11.12), `latest` = ietf-02
/// `node-name LF subscription-id LF xpaths` with Phase 3 instance extraction (§7.3, §11.14).
/// Steady state allocates nothing: every buffer is reserved at construction.
#pragma once

#include "key/config.hpp"
#include "key/errors.hpp"
#include "key/resolved.hpp"
#include "key/restconf_path.hpp"
#include "yangpush/notification.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::key {

namespace detail {
class json_cursor;
}

/// Topic and key of one record. Thread: plain data of the owner of the key_builder.
struct record_key {
    /// Topic name; points into the resolved_subscription or the builder (valid while both
    /// live and until the subscription is replaced).
    std::string_view topic;
    /// False: produce with a null key (§9 knob 3, or a key that cannot fit max_key_bytes).
    bool has_key = true;
    /// Key bytes; into the builder's buffer, valid until the next derive on this builder.
    std::string_view key;
    /// Bit i set when branch i of the subscription matched instances in the data (for a later
    /// split of `datastore-contents` per branch, §11.16).
    std::uint64_t branch_mask = 0;
    /// Distinct instance xpaths in the key (0 when the subscription-level xpaths were used).
    std::uint32_t n_instances = 0;
};

/// Derives topic and key per notification. Thread: one owner (a worker); not shareable.
class key_builder {
  public:
    /// Reserves every buffer (start-up). \p config is copied; it is validated (throws
    /// std::invalid_argument).
    explicit key_builder(const key_config& config);

    /// Topic and key of \p notification of subscription \p sub sent by node \p node_name
    /// (see choose_node_name()). Never fails: anything unusual falls back (§11.7, §11.16,
    /// §11.20) and is counted in stats(). Thread: the owner.
    [[nodiscard]] record_key derive(const resolved_subscription& sub, std::string_view node_name,
                                    const yangpush::notification_view& notification) noexcept;

    /// Topic and key of a notification whose subscription is unknown (data before
    /// subscription-started, §11.7): fallback topic, key without datastore/xpaths.
    /// Thread: the owner.
    [[nodiscard]] record_key derive_unknown(std::uint32_t subscription_id,
                                            std::string_view node_name) noexcept;

    /// Counters (single writer: the owner).
    [[nodiscard]] const key_stats& stats() const noexcept { return _stats; }

  private:
    /// Tests compare the one-pass entry walk with the look-ahead alone (it sets _in_order).
    friend struct key_builder_probe;

    enum class value_enc : std::uint8_t { missing, raw, json_escaped };
    struct value_ref {
        std::string_view text;
        value_enc enc = value_enc::missing;
    };
    struct frame {
        std::array<value_ref, max_list_keys> keys{};
        value_ref leaf{};
    };

    // Phase 3 walk (§7.3): JSON data against the branches of _sub.
    void walk_notification(const yangpush::notification_view& n) noexcept;
    void walk_object(detail::json_cursor& c, std::size_t depth, std::uint64_t mask,
                     std::string_view parent_module) noexcept;
    void walk_value(detail::json_cursor& c, std::size_t depth, std::uint64_t mask) noexcept;
    void walk_member(detail::json_cursor& c, std::size_t depth, std::uint64_t mask,
                     std::string_view parent_module, std::string_view raw_name,
                     bool escaped) noexcept;
    void walk_entry(detail::json_cursor& c, std::size_t depth, std::uint64_t mask,
                    bool target) noexcept;
    void walk_entry_look_ahead(detail::json_cursor& c, std::size_t depth,
                               std::uint64_t mask) noexcept;
    /// How walk_entry_in_order() ended.
    enum class in_order : std::uint8_t {
        done,       ///< the entry is walked and consumed
        keys_later, ///< not every key came first: nothing emitted or counted, cursor moved
        rewound,    ///< a key member again or an error after the keys: all undone, cursor moved
    };
    in_order walk_entry_in_order(detail::json_cursor& c, std::size_t depth,
                                 std::uint64_t mask) noexcept;
    /// What the walk has produced so far, to undo an entry (walk_entry_in_order()).
    struct walk_mark {
        std::size_t n_paths = 0;
        std::size_t n_instances = 0;
        std::uint64_t found = 0;
        bool overflow = false;
        key_stats stats;
    };
    [[nodiscard]] walk_mark mark() const noexcept;
    void rewind(const walk_mark& m) noexcept;
    void walk_edit(detail::json_cursor& c) noexcept;
    [[nodiscard]] std::uint64_t match(std::uint64_t mask, std::size_t depth,
                                      std::string_view module,
                                      std::string_view local) const noexcept;
    [[nodiscard]] std::uint64_t terminal(std::uint64_t mask, std::size_t depth) const noexcept;
    [[nodiscard]] std::uint64_t admissible(std::uint64_t mask, std::size_t depth) noexcept;
    void emit(std::size_t branch) noexcept;
    void emit_all(std::uint64_t mask) noexcept;
    enum class append_status : std::uint8_t { ok, no_space, bad_value };
    append_status append_value(const value_ref& v) noexcept;
    [[nodiscard]] bool value_equals(const value_ref& v, std::string_view text) const noexcept;

    // Key serialization.
    bool put(std::string_view s) noexcept;
    bool put_number(std::uint32_t v) noexcept;
    [[nodiscard]] record_key finish_key(record_key r) noexcept;
    [[nodiscard]] std::string_view topic_for(std::uint64_t mask) noexcept;

    key_config _config;
    key_format _format;
    std::string _fallback_topic;
    std::size_t _limit; ///< max_key_bytes: no buffer ever grows past its reservation

    std::string _key;       ///< the key being built
    std::string _paths;     ///< instance xpaths, back to back
    std::string _unescaped; ///< one unescaped JSON string value
    std::string _target;    ///< one unescaped YANG Patch target
    std::string _decoded;   ///< percent-decoded target key values
    std::vector<std::string_view> _instances;
    std::vector<frame> _frames;
    std::vector<restconf_segment> _segments;

    const resolved_subscription* _sub = nullptr;
    std::uint64_t _found = 0;
    bool _collect = false;
    bool _overflow = false;
    /// False while a rewound entry is walked again with the look-ahead: its sub-entries use the
    /// look-ahead too, so no entry is walked more than twice per level (no blow-up with depth).
    bool _in_order = true;
    key_stats _stats;
};

/// Where the node-name key field comes from (PROTOCOL.md §11.13), in order of preference.
/// Thread: plain data (views owned by the caller).
struct node_name_sources {
    std::string_view envelope_hostname; ///< `ietf-yp-notification:envelope` hostname
    std::string_view manifest_name;     ///< network-node-manifest name configured for the exporter
    std::string_view configured_name;   ///< operator map: exporter IP → name
    std::string_view exporter_address;  ///< the exporter IP as text (always available)
};

/// The first non-empty source of \p sources (§11.13). Thread: any.
[[nodiscard]] constexpr std::string_view choose_node_name(const node_name_sources& sources) noexcept
{
    if (!sources.envelope_hostname.empty()) {
        return sources.envelope_hostname;
    }
    if (!sources.manifest_name.empty()) {
        return sources.manifest_name;
    }
    if (!sources.configured_name.empty()) {
        return sources.configured_name;
    }
    return sources.exporter_address;
}

} // namespace udpn::key
