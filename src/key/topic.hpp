/// \file
/// Kafka topic names (PROTOCOL.md §8): netana (§8.1) and ietf-02 (§8.2) schemes, the Kafka
/// constraints (§8.3), the FNV-1a-64 overflow suffix (§8.2 step 5, §11.17) and collision
/// detection (§11.18). Start-up code except fnv1a64() and is_legal_topic().
#pragma once

#include "key/config.hpp"
#include "key/schema_context.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace udpn::key {

/// Kafka's longest topic name (§8.3).
inline constexpr std::size_t max_kafka_topic_length = 249;

/// FNV-1a 64-bit hash of \p s (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
/// Thread: any.
[[nodiscard]] std::uint64_t fnv1a64(std::string_view s) noexcept;

/// The first 8 hex digits (lower case) of fnv1a64(\p schema_path), the overflow suffix body.
/// Thread: any.
[[nodiscard]] std::string fnv_suffix(std::string_view schema_path);

/// True for a legal Kafka topic name: 1..249 of [a-zA-Z0-9._-], not `.` or `..` (§8.3).
/// Thread: any.
[[nodiscard]] bool is_legal_topic(std::string_view name) noexcept;

/// The form Kafka compares names in: `.` and `_` collide (§8.3), so both become `_`.
/// Thread: any.
[[nodiscard]] std::string collision_form(std::string_view name);

/// §8.2 step 5: \p name unchanged when it fits \p max_len; else cut at the last separator
/// (one of \p separators) within `max_len - 9` characters (hard cut if none) and
/// `-` + fnv_suffix(\p schema_path) appended. Thread: any.
[[nodiscard]] std::string fit_topic(std::string_view name, std::size_t max_len,
                                    std::string_view schema_path,
                                    std::string_view separators = "-");

/// §8.2 steps 1-3: from a Phase-2 template (or predicate-free path): strip every `[...]`,
/// replace each module name by its YANG prefix, drop the leading `/`, `:` and `/` → `-`.
/// `/ietf-interfaces:interfaces/interface[name='%s']` → `if-interfaces-interface`.
/// A module unknown to \p schema keeps its name. Thread: any.
[[nodiscard]] std::string ietf02_topic_body(std::string_view template_or_path,
                                            const schema_context& schema);

/// §8.1 `<module>.<schema-node-id with / → _>` from a predicate-free module-name path; a
/// later module change is written `module-name` (`:` → `-`). \p use_prefix labels modules
/// with their YANG prefix (ietf-01 variant).
/// `/ietf-interfaces:interfaces/interface` → `ietf-interfaces.interfaces_interface`.
/// Thread: any.
[[nodiscard]] std::string netana_topic_body(std::string_view schema_path,
                                            const schema_context& schema, bool use_prefix);

/// Assembles the full name: `[prefix<sep>][type<sep>]body` with `yang.` before the body for
/// netana (§8.1), `-` separators for ietf-02 (§8.2); \p type_level empty → no type level.
/// Not yet fitted to a length. Thread: any.
[[nodiscard]] std::string assemble_topic(topic_scheme scheme, std::string_view org_prefix,
                                         std::string_view type_level, std::string_view body);

/// Topic names claimed so far, so that two schema paths never share a topic (§11.18).
/// Thread: its owner only (resolution is once per subscription; share under a lock).
class topic_registry {
  public:
    /// Returns the name to use for \p topic carrying \p schema_path: \p topic itself when free
    /// or already claimed by the same path; else the name with the hash suffix (cut to
    /// \p max_len). \p collided is set when a suffix was added. Thread: the owner.
    std::string claim(const std::string& topic, std::string_view schema_path, std::size_t max_len,
                      bool& collided);

    /// Names claimed (in Kafka's collision form). Thread: the owner.
    [[nodiscard]] std::size_t size() const noexcept { return _owner.size(); }

  private:
    std::unordered_map<std::string, std::string> _owner; ///< collision form → schema path
};

} // namespace udpn::key
