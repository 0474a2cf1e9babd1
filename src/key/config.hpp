/// \file
/// Knobs of the key module: standards profile, the three operational knobs of the key draft
/// (PROTOCOL.md §9, §11.21), topic naming (§8) and the limits of per-message key derivation.
/// Plain data with in-class defaults; validate() runs once at start-up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace udpn::key {

/// Standards profile (DESIGN.md §3): picks the key format and topic scheme unless overridden.
enum class profile : std::uint8_t {
    seed,   ///< netana-02 / ietf-00: `hostname LF datastore LF yang-index` key, §8.1 topics
    latest, ///< ietf-02: exact key of §7.3, §8.2 topics
};

/// Key byte format (PROTOCOL.md §11.12).
enum class key_format : std::uint8_t {
    legacy_index, ///< `hostname LF datastore LF yang-index` (§7.1 inputs, our serialization)
    ietf_02,      ///< `node-name LF subscription-id LF xpaths` (§7.3)
};

/// Topic naming scheme (PROTOCOL.md §8.1 vs §8.2, §11.19).
enum class topic_scheme : std::uint8_t {
    netana,  ///< `[prefix.][type.]yang.<module>.<path with / as _>`
    ietf_02, ///< `[prefix-][type-]<prefix-qualified path with / and : as ->`
};

/// Knob 1 of §9 (§11.21): one configured topic for everything, or derived topic names.
enum class topic_distribution : std::uint8_t {
    subject, ///< all records go to `single_topic` (the draft's default; MBI behaviour)
    topic,   ///< per-branch topic names of the active scheme
};

/// Knob 2 of §9: whether the subscription type is a level of the topic name.
enum class distribution_type : std::uint8_t {
    none,              ///< no type level
    subscription_type, ///< statistics/states/state-changes (netana) or stats/state/... (ietf-02)
};

/// YANG-Push subscription type, from the update trigger of subscription-started (§8.1, §8.2).
enum class subscription_type : std::uint8_t {
    periodic,                 ///< `periodic`
    on_change,                ///< `on-change` with sync-on-start false
    on_change_sync,           ///< `on-change` with sync-on-start true (RFC 8641 default)
    on_change_sync_compacted, ///< as on_change_sync, topics configured as compacted
};

/// Names of the type level, one per subscription_type (configurable, §11.19).
/// Thread: read-only after start-up.
struct type_level_names {
    std::string periodic;
    std::string on_change;
    std::string on_change_sync;
    std::string on_change_sync_compacted;

    /// The name for \p t. Thread: any.
    [[nodiscard]] const std::string& of(subscription_type t) const noexcept;
};

/// Key and topic derivation settings. Thread: read-only after start-up.
struct key_config {
    /// Standards profile; `format`, `scheme` and `type_level` default from it.
    profile standards_profile = profile::seed;
    /// Overrides the profile's key format (seed → legacy_index, latest → ietf_02).
    std::optional<key_format> format;
    /// Overrides the profile's topic scheme (seed → netana, latest → ietf_02).
    std::optional<topic_scheme> scheme;
    /// §9 knob 1. The draft's default is `subject` (one topic, schemas told apart by subject).
    topic_distribution distribution = topic_distribution::subject;
    /// The one topic of `subject` distribution (legal Kafka name, §8.3).
    std::string single_topic = "yang-push";
    /// §9 knob 2. Default: netana scheme → subscription_type (DESIGN.md §3 seed topics carry
    /// the type), ietf-02 scheme → none (§8.2: the type MAY be a level).
    std::optional<distribution_type> type_level;
    /// §9 knob 3. false → every record gets a null key (uniform partitioning).
    bool key_enabled = true;
    /// Organisation prefix: netana joins it with `.` (`project.environment`), ietf-02 with `-`
    /// (`netops`). Empty: none. Must be legal in a Kafka topic name.
    std::string topic_prefix;
    /// Longest topic name; longer names are cut and get an FNV-1a suffix (§8.2 step 5).
    /// 16..249: Kafka's own limit is 249 (§8.3, §11.17).
    std::size_t max_topic_length = 249;
    /// Type level names of the netana scheme (§8.1).
    type_level_names netana_types{"statistics", "state-changes", "states", "states"};
    /// Type level names of the ietf-02 scheme (§8.2).
    type_level_names ietf02_types{"stats", "state-change", "state", "current-state"};
    /// On-change subscriptions with sync-on-start feed compacted topics (ietf-02 `current-state`).
    bool compacted_state = false;
    /// Type of stream subscriptions and of subscriptions without an update trigger (§11.20).
    subscription_type no_trigger_type = subscription_type::on_change;
    /// netana scheme: label the module level with the YANG `prefix` (ietf-01 variant) instead of
    /// the module name (netana-02/ietf-00).
    bool netana_module_prefix = false;
    /// Topic of unknown subscriptions, by-reference / no filter and unresolvable filters
    /// (§11.7, §11.20). Empty: `[prefix.]unknown` (netana) or `[prefix-]unknown` (ietf-02).
    std::string fallback_topic;
    /// Largest key (bytes); beyond it the subscription-level key is used and counted.
    std::size_t max_key_bytes = 64u << 10;
    /// Most instance XPaths collected from one notification (§7.3 Phase 3).
    std::size_t max_instances = 4096;
    /// Most branches of one filter (`|` union, subtree forest); at most 64.
    std::size_t max_branches = 64;
    /// Most steps of one branch; at most 64.
    std::size_t max_depth = 32;

    /// The key format in effect. Thread: any.
    [[nodiscard]] key_format effective_format() const noexcept;
    /// The topic scheme in effect. Thread: any.
    [[nodiscard]] topic_scheme effective_scheme() const noexcept;
    /// True when the type level is part of topic names. Thread: any.
    [[nodiscard]] bool effective_type_level() const noexcept;
    /// The fallback topic in effect (see `fallback_topic`). Thread: any.
    [[nodiscard]] std::string effective_fallback_topic() const;
    /// Throws std::invalid_argument naming the first bad field. Thread: start-up.
    void validate() const;
};

} // namespace udpn::key
