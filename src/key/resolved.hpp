/// \file
/// A subscription filter resolved against the schema, once per subscription (PROTOCOL.md §7.3
/// Phase 2): per branch the schema node, the seed YANG index (§7.1), the ietf-02 template with
/// its placeholders and extraction paths (§7.3), and topic names for both schemes (§8).
/// Immutable after resolution; the key_builder reads it per message.
#pragma once

#include "key/config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct lysc_node;

namespace udpn::key {

/// Most keys of one list we key on (lists with more are refused at resolution).
inline constexpr std::size_t max_list_keys = 16;

/// The schema node kind of a step.
enum class node_kind : std::uint8_t { container, list, leaf, leaf_list, anydata, notification };

/// One step of a branch, root → target; choice and case nodes are skipped (§7.3).
struct resolved_step {
    std::string module; ///< module name of the node
    std::string prefix; ///< that module's YANG prefix (data members qualified by it match too)
    std::string name;
    node_kind kind = node_kind::container;
    std::vector<std::string> keys; ///< list keys in schema order
    /// Per key (list) or one entry (leaf-list target, its value): the literal the filter pins,
    /// or nullopt for an open predicate (a placeholder).
    std::vector<std::optional<std::string>> pins;
};

/// Placeholder slot of a leaf-list value (instead of a key index).
inline constexpr std::uint16_t leaf_list_slot = 0xFFFF;

/// A piece of the compiled template: `literal`, then (when `placeholder`) the quoted value of
/// key `slot` of the list at step `depth` (or of the leaf-list value there).
struct template_piece {
    std::string literal;
    bool placeholder = false;
    std::uint16_t depth = 0;
    std::uint16_t slot = 0;
};

/// One branch of a resolved filter.
struct resolved_branch {
    std::string filter;       ///< the branch as given (XPath) or from Phase 1 (subtree)
    std::string schema_path;  ///< predicate-free, module names where they change:
                              ///< `/ietf-interfaces:interfaces/interface`
    std::string module;       ///< module of the first step
    std::string seed_index;   ///< §7.1 YANG index: `ietf-interfaces:interfaces/interface/name`
    std::string key_template; ///< §7.3 template: `/ietf-interfaces:interfaces/interface[name='%s']`
    std::vector<std::string> extraction_paths; ///< per placeholder, the key leaf's absolute path
    std::string subscription_xpath;            ///< the template without its open predicates
    std::string netana_topic; ///< §8.1 name (length-fitted; collision-checked when active)
    std::string ietf02_topic; ///< §8.2 name (length-fitted; collision-checked when active)
    std::string topic;        ///< the topic records of this branch go to (knobs applied)
    const lysc_node* schema_node = nullptr; ///< the target node (owned by the schema_context)
    std::vector<resolved_step> steps;
    std::vector<template_piece> pieces;
    int max_placeholder_depth = -1; ///< deepest step with a placeholder; -1 when none
};

/// How a subscription is keyed.
enum class resolution : std::uint8_t {
    branches,     ///< resolved filter branches
    by_reference, ///< filter by reference: fallback topic, key without xpaths (§11.20)
    no_filter,    ///< no filter: fallback topic, key without xpaths
    unresolved,   ///< resolution failed (counted): fallback topic, key without xpaths
};

/// Everything per-message derivation needs, computed once. Thread: built by the resolver's
/// owner, then read-only (may be read from any thread).
struct resolved_subscription {
    std::uint32_t id = 0;
    resolution mode = resolution::unresolved;
    subscription_type type = subscription_type::periodic;
    std::string target;                    ///< datastore identity or stream name (seed key line 2)
    std::vector<resolved_branch> branches; ///< sorted by key_template, duplicates removed
    /// The topic when every branch maps to one (or for fallback modes).
    std::string topic;
    bool uniform_topic = true;
    bool has_placeholders = false;
    /// Seed key after `hostname LF`: `datastore LF index[ | index…]` (§11.12).
    std::string seed_key_tail;
    /// ietf-02 key line 3 without instances: subscription_xpath of each branch, sorted,
    /// de-duplicated, joined by " | ".
    std::string subscription_xpaths;
};

} // namespace udpn::key
