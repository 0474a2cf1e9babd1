/// \file
/// The schema registry of the receiver (PROTOCOL.md §6, MBI-13 steps 6-8): one YANG schema per
/// subscription registered under a subject, its imports as references, the id cached and put
/// in the `schema-id` header (§11.22) of that subscription's records.
///
/// Threads and the hot path (DESIGN.md §2: workers take no lock per message, never wait):
/// - A worker asks for the schema of a subscription once, when it resolves the subscription
///   (subscription-started, a -modified that changed filter or modules, a subscription loaded
///   from the state file): request() returns a shared handle. Identical schemas (same subject,
///   same modules) share one handle, so an id is registered once and cached for all.
///   request() takes the registry's mutex for a map lookup and a bounded queue push; the
///   registry thread holds that mutex only to take queued requests, never during HTTP.
/// - Per record the worker reads the handle's id, one atomic load: an id means a header, no id
///   yet (pending, retrying, refused) means a record without it, counted by the worker.
/// - The registry thread owns libcurl. It registers queued handles in order and retries failed
///   ones with exponential backoff (registry down, 5xx, timeout, garbage: retried from
///   retry_backoff_ms, doubling, up to retry_max_backoff_ms; refusals, 4xx: at the max
///   backoff). Each failure is counted under its reason; nothing a worker does waits for it.
/// - A full request queue is counted and leaves the handle unqueued: the next record of that
///   subscription asks again (try-lock only, never waits). The cache is bounded by
///   max_schemas (counted cache_full beyond it).
///
/// What is registered for a schema (docs/schema-registry.md): the YANG text of its main module
/// (the module of the subscription's first filter branch) from the receiver's schema context,
/// under the subject the strategy names; every module it imports, transitively, first, each
/// under its own module-name subject and listed in `references` by name, subject and version;
/// the other top-level modules of a multi-module filter as references too; enabled features
/// as metadata properties.
#pragma once

#include "key/schema_context.hpp"
#include "registry/config.hpp"
#include "registry/errors.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace udpn::registry {

/// Name of the record header carrying the id (MBI-13 Fig. 10).
inline constexpr std::string_view schema_id_header = "schema-id";

/// Longest header value format_schema_id() writes.
inline constexpr std::size_t max_schema_id_text = 10;

/// Writes \p id (0..2^31-1) as \p f says into \p out: 4 octets big-endian, or decimal digits.
/// @return the octets written. Thread: any; no allocation.
std::size_t format_schema_id(std::int64_t id, header_format f,
                             std::array<char, max_schema_id_text>& out) noexcept;

/// The schema of one subscription, as a worker asks for it.
struct schema_request {
    /// The subscription's topic (subject strategies topic and topic-module).
    std::string topic;
    /// Top-level modules of the subscription's filter branches, the main module first.
    std::vector<std::string> modules;
};

/// The subject of \p r's main schema under \p s: `<module>`, `<topic>-value` or
/// `<topic>-<module>`. Thread: any.
[[nodiscard]] std::string subject_of(const schema_request& r, subject_strategy s);

/// Where a schema stands.
enum class handle_state : std::uint8_t {
    pending,    ///< queued or being retried after a transient failure (registry down, 5xx)
    registered, ///< the id is known
    failed,     ///< the registry refused it (4xx); retried at the longest backoff
};

/// One cached schema: its subject, and its id once registered. Shared by every subscription
/// with the same subject and modules; lives as long as the registry or a holder.
class schema_handle {
  public:
    /// The registered id, or -1 while none is known. Thread: any (acquire load).
    [[nodiscard]] std::int64_t id() const noexcept { return _id.load(std::memory_order_acquire); }
    [[nodiscard]] handle_state state() const noexcept
    {
        return _state.load(std::memory_order_relaxed);
    }
    /// False while the handle waits to be queued again (the queue was full). Thread: any.
    [[nodiscard]] bool queued() const noexcept { return _queued.load(std::memory_order_relaxed); }
    /// The subject its main schema is registered under. Thread: any (immutable).
    [[nodiscard]] const std::string& subject() const noexcept { return _subject; }
    [[nodiscard]] const schema_request& request() const noexcept { return _request; }

  private:
    friend class schema_registry;
    schema_request _request;
    std::string _subject;
    std::atomic<std::int64_t> _id{-1};
    std::atomic<handle_state> _state{handle_state::pending};
    std::atomic<bool> _queued{false};
    std::string _key; // subject + modules: the cache key
    // The registry thread's own: retry bookkeeping.
    std::uint32_t _failures = 0;
    std::int64_t _due_ns = 0;
    failure_reason _last_reason = failure_reason::transport_error;
};

class schema_registry {
  public:
    /// Copies \p config (password resolved by the caller) and keeps \p schema (which must
    /// outlive the registry) for the module texts. Starts nothing.
    /// @throws std::invalid_argument when validate(config) reports a problem or the url is
    /// empty. Thread: start-up.
    schema_registry(const registry_config& config, const key::schema_context& schema);
    /// stop(). Thread: the control thread.
    ~schema_registry();
    schema_registry(const schema_registry&) = delete;
    schema_registry& operator=(const schema_registry&) = delete;

    /// Starts the registry thread. Thread: the control thread, once.
    void start();
    /// Stops the registry thread. An HTTP request in progress is aborted (libcurl checks the
    /// flag at least once a second while a transfer idles). Idempotent.
    /// Thread: the control thread.
    void stop();

    /// The handle of \p r's schema: the cached one when the same subject and modules were
    /// asked for before, else a new one, queued for registration. nullptr when \p r names no
    /// module or the cache holds max_schemas (counted cache_full). Never waits for HTTP.
    /// Thread: any worker (when it resolves a subscription; not per message).
    [[nodiscard]] std::shared_ptr<const schema_handle> request(const schema_request& r) noexcept;

    /// Queues \p h again after a full queue refused it (handle::queued() false). Takes the
    /// lock only when free (try-lock); otherwise nothing happens and a later call retries.
    /// Thread: any worker, per record. Never waits.
    void requeue(const schema_handle& h) noexcept;

    [[nodiscard]] header_format format() const noexcept { return _config.header; }
    [[nodiscard]] const registry_config& config() const noexcept { return _config; }
    /// Counters now. Thread: any.
    [[nodiscard]] registry_stats stats() const noexcept;

  private:
    void run() noexcept;
    void attempt(class client& c, schema_handle& h);
    void guarded_attempt(class client& c, schema_handle& h) noexcept;
    void failed(schema_handle& h, failure_reason why, const std::string& detail);

    registry_config _config;
    const key::schema_context& _schema;

    mutable std::mutex _mutex; // guards _handles, _queue, _stop_requested
    std::condition_variable _wake;
    std::map<std::string, std::shared_ptr<schema_handle>> _handles; // by subject + modules
    std::deque<std::shared_ptr<schema_handle>> _queue;
    bool _stop_requested = false;
    std::atomic<bool> _abort{false}; // aborts a transfer in progress at stop
    std::thread _thread;
    /// Versions of the modules registered as references, by `name@revision` (registry thread).
    std::map<std::string, std::int64_t> _reference_versions;

    struct counters {
        std::atomic<std::uint64_t> requests{0}, cache_hits{0}, queue_full{0}, cache_full{0},
            registered{0}, references_registered{0}, attempts{0}, retries{0}, http_requests{0},
            schemas{0}, pending{0};
        std::array<std::atomic<std::uint64_t>, n_failure_reasons> failures{};
    };
    counters _counters;
};

} // namespace udpn::registry
