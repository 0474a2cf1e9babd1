/// \file
/// Why a registration failed, and the registry's counters (STYLE.md §4 rules 5-6). Every
/// failure is counted under one reason and retried with backoff; none stalls the pipeline.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace udpn::registry {

/// Why one registration attempt failed.
enum class failure_reason : std::uint8_t {
    connect_failed,     ///< no connection (refused, unreachable, DNS): the registry is down
    timeout,            ///< no complete answer within request_timeout_ms
    server_error,       ///< HTTP 5xx
    conflict,           ///< HTTP 409: the schema is incompatible with the subject's versions
    invalid_schema,     ///< HTTP 422: the registry refused the schema or its schema type
    unauthorized,       ///< HTTP 401 / 403: credentials missing or refused
    client_error,       ///< any other HTTP status (400, 404, 429, 3xx, ...)
    bad_response,       ///< a 2xx answer that is not the JSON the API defines (no integer id)
    transport_error,    ///< any other transfer failure (TLS, aborted at stop, ...)
    module_unavailable, ///< the module or one of its imports has no text in the schema context
};

inline constexpr std::size_t n_failure_reasons = 10;

/// Stable snake_case name of \p r (the `reason` label on /metrics). Thread: any.
[[nodiscard]] const char* to_string(failure_reason r) noexcept;

/// True when the registry will give the same answer again until someone changes it (409, 422,
/// 401/403, other 4xx, missing module text): the handle is marked failed and retried at the
/// longest backoff. Thread: any.
[[nodiscard]] bool is_refusal(failure_reason r) noexcept;

/// Counters of the registry (snapshot; the registry keeps them as relaxed atomics).
struct registry_stats {
    std::uint64_t requests = 0;      ///< schemas asked for by workers (new subscription schemas)
    std::uint64_t cache_hits = 0;    ///< requests answered by a schema already known
    std::uint64_t queue_full = 0;    ///< requests the full queue refused (asked again later)
    std::uint64_t cache_full = 0;    ///< requests refused: max_schemas reached (no header)
    std::uint64_t registered = 0;    ///< schemas whose id is known (subscription subjects)
    std::uint64_t references_registered = 0; ///< imported modules registered as references
    std::uint64_t attempts = 0;      ///< registration attempts of subscription schemas
    std::uint64_t retries = 0;       ///< attempts after a failure
    std::uint64_t http_requests = 0; ///< HTTP requests sent (references and lookups included)
    /// Failed attempts, per failure_reason.
    std::array<std::uint64_t, n_failure_reasons> failures{};
    std::uint64_t schemas = 0; ///< gauge: schemas in the cache (any state)
    std::uint64_t pending = 0; ///< gauge: schemas without an id yet (queued or retrying)

    [[nodiscard]] std::uint64_t of(failure_reason r) const noexcept
    {
        return failures[static_cast<std::size_t>(r)];
    }
};

} // namespace udpn::registry
