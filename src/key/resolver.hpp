/// \file
/// Filter resolution, once per subscription (PROTOCOL.md §7.3 Phase 1-2, §8, §11.10-§11.20):
/// subscription_filter → resolved_subscription. Allocates; not for the per-message path.
#pragma once

#include "common/result.hpp"
#include "key/config.hpp"
#include "key/errors.hpp"
#include "key/filter.hpp"
#include "key/resolved.hpp"
#include "key/schema_context.hpp"
#include "key/topic.hpp"

#include <string>

namespace udpn::key {

/// Resolves filters against one schema context with one configuration, keeps the topic
/// registry (§11.18) and counts outcomes. Thread: one owner (e.g. the worker that tracks the
/// subscriptions, on subscription-started/-modified).
class resolver {
  public:
    /// \p schema and \p config must outlive the resolver; \p config is validated (throws
    /// std::invalid_argument, start-up).
    resolver(const schema_context& schema, const key_config& config);

    /// Resolves \p filter. By-reference and absent filters resolve (to the fallback topic,
    /// §11.20); XPath and subtree filters resolve to branches. On failure the error is counted
    /// and last_error() says what and where; use fallback() for the subscription then.
    /// Thread: the owner.
    [[nodiscard]] result<resolved_subscription, resolve_error>
    resolve(const subscription_filter& filter) noexcept;

    /// The fallback keying of a subscription whose filter could not be resolved (mode
    /// `unresolved`; fallback topic, key without xpaths). Thread: the owner.
    [[nodiscard]] resolved_subscription fallback(const subscription_filter& filter) const;

    /// A human-readable account of the last failure of resolve(). Thread: the owner.
    [[nodiscard]] const std::string& last_error() const noexcept { return _last_error; }

    /// Counters. Thread: the owner (or a reader tolerating torn values).
    [[nodiscard]] const resolve_stats& stats() const noexcept { return _stats; }

    /// Topic names claimed so far. Thread: the owner.
    [[nodiscard]] const topic_registry& registry() const noexcept { return _registry; }

    /// The subscription type of \p filter under \p config (§8.1, §8.2, §11.20).
    [[nodiscard]] static subscription_type type_of(const subscription_filter& filter,
                                                   const key_config& config) noexcept;

  private:
    bool resolve_into(const subscription_filter& filter, resolved_subscription& out,
                      resolve_error& error);
    bool resolve_branch(const subscription_filter& filter, const std::string& text,
                        resolved_branch& out, resolve_error& error);
    void name_topics(resolved_branch& branch, subscription_type type);
    void finish(resolved_subscription& sub) const;

    const schema_context& _schema;
    const key_config& _config;
    topic_registry _registry;
    resolve_stats _stats;
    std::string _last_error;
};

} // namespace udpn::key
