/// \file
/// Why a filter could not be resolved (once per subscription) and what happened while keying
/// notifications (per message). One counter per value; single writer each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::key {

/// Filter resolution failures (PROTOCOL.md §7.3 Phase 1-2, §11.10, §11.11, §11.16).
enum class resolve_error : std::uint8_t {
    unknown_module,   ///< a prefix / module name / namespace names no implemented module (§11.10)
    ambiguous_prefix, ///< a prefix (or an unqualified top node) matches several modules
    bad_xpath,        ///< XPath syntax we do not accept (wildcards, `//`, axes, functions, …)
    path_not_in_schema, ///< a step names no data node under its parent
    bad_subtree,        ///< malformed subtree filter (JSON or XML)
    unsupported_node,   ///< the path reaches an RPC/action, or a list with too many keys
    empty_filter,       ///< a filter with no branch at all
    too_many_branches,  ///< more branches than key_config::max_branches
    too_deep,           ///< a branch with more steps than key_config::max_depth
    out_of_memory,      ///< allocation failed while resolving
};

inline constexpr std::size_t n_resolve_errors = 10;

/// Stable snake_case name of \p e. Thread: any.
[[nodiscard]] const char* to_string(resolve_error e) noexcept;

/// Resolver counters. Thread: single writer (the owner of the resolver).
struct resolve_stats {
    std::uint64_t resolved = 0;         ///< filters resolved to branches
    std::uint64_t by_reference = 0;     ///< by-reference filters (fallback topic, §11.20)
    std::uint64_t no_filter = 0;        ///< subscriptions without a filter (fallback topic)
    std::uint64_t topic_collisions = 0; ///< topic names given a hash suffix (§11.18)
    std::uint64_t topic_overflows = 0;  ///< topic names cut to the length limit (§8.2 step 5)
    std::array<std::uint64_t, n_resolve_errors> failed{};
    void count(resolve_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

/// Per-message events of key/topic derivation. Each one increments its counter; none stops a
/// record from being produced.
enum class key_event : std::uint8_t {
    derived,              ///< a record keyed from a resolved subscription
    unknown_subscription, ///< no subscription state: fallback topic, key without xpaths (§11.7)
    fallback_filter,      ///< by-reference / no filter / unresolved: fallback topic (§11.20)
    null_key,             ///< key disabled (§9 knob 3): null key
    no_instance,          ///< data matched no branch: subscription-level xpaths used
    key_overflow,         ///< too many instances or bytes: subscription-level xpaths used
    union_topic_split,    ///< matched branches map to several topics: first one used (§11.16)
    missing_key_value,    ///< a list entry without a key leaf that an open predicate needs
    malformed_contents,   ///< the notification JSON could not be walked (truncated, wrong types)
    bad_patch_target,     ///< a YANG Patch edit without a usable `target` (§11.14)
    patch_unfillable,     ///< a delete/remove above a branch with open predicates (§11.14)
};

inline constexpr std::size_t n_key_events = 11;

/// Stable snake_case name of \p e. Thread: any.
[[nodiscard]] const char* to_string(key_event e) noexcept;

/// Key builder counters. Thread: single writer (the worker owning the key_builder).
struct key_stats {
    std::array<std::uint64_t, n_key_events> events{};
    void count(key_event e) noexcept { ++events[static_cast<std::size_t>(e)]; }
    [[nodiscard]] std::uint64_t of(key_event e) const noexcept
    {
        return events[static_cast<std::size_t>(e)];
    }
};

} // namespace udpn::key
