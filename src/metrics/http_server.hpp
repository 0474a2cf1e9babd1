/// \file
/// The metrics endpoint (DESIGN.md §4: "Prometheus metrics endpoint"), on cpp-httplib:
///
///   GET /metrics  200, the exposition text (Content-Type text/plain; version=0.0.4)
///   GET /healthz  200 "ok" while healthy, 503 "unhealthy: <why>" when the health callback says
///                 so or the server is stopping
///   anything else 404
///
/// One accept thread plus two connection threads from a bounded queue (a slow client cannot pile
/// up work; a full queue makes the accept thread wait, and the kernel backlog holds the rest).
/// Idle or slow connections are closed after a few seconds, so stop() is bounded. The text comes
/// from a callback, so the server is tested without a pipeline. No httplib type leaks out.
#pragma once

#include "metrics/health.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace udpn::metrics {

/// A listen address: "ADDR:PORT" with a numeric IPv4 address or a bracketed IPv6 one.
struct listen_address {
    std::string host;       ///< "127.0.0.1", "::1" (no brackets)
    std::uint16_t port = 0; ///< 0: any free port (read back with http_server::port())
    bool v6 = false;
};

/// Parses "127.0.0.1:9464", "0.0.0.0:0", "[::1]:9464", "[::]:9464". Host names are refused
/// (no resolver at start-up).
/// @throws std::invalid_argument "metrics.listen: ..." naming the problem. Thread: any.
[[nodiscard]] listen_address parse_listen_address(std::string_view text);

/// "ADDR:PORT" text of \p a ("[::1]:9464" for IPv6). Thread: any.
[[nodiscard]] std::string to_string(const listen_address& a);

class http_server {
  public:
    /// Produces the /metrics body. Called on a connection thread, one scrape at a time per
    /// connection thread (at most two at once); may throw (answered 500).
    using text_fn = std::function<std::string()>;
    /// Says whether the receiver is healthy. Called on a connection thread; may throw (503).
    using health_fn = std::function<health_status()>;

    /// Binds and listens on \p listen now (so a busy port fails at start-up, before the
    /// pipeline runs); serving starts with start().
    /// @throws std::invalid_argument for a malformed address, std::system_error when the socket
    ///         cannot be bound ("metrics.listen: cannot listen on ADDR:PORT: <reason>").
    /// Thread: start-up.
    http_server(std::string_view listen, text_fn metrics, health_fn health);
    /// stop(). Thread: the control thread.
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Starts the server thread and returns once it accepts connections. Idempotent.
    /// Thread: the control thread.
    void start();
    /// Answers /healthz with 503 "stopping" from now on (call it when shutdown begins, before
    /// the pipeline drains). Thread: any.
    void set_stopping() noexcept;
    /// Closes the listening socket, finishes the connections in progress (bounded by the
    /// connection timeouts) and joins every thread. Idempotent. Thread: the control thread.
    void stop() noexcept;

    /// The bound port (the ephemeral one when 0 was asked). Thread: any.
    [[nodiscard]] std::uint16_t port() const noexcept;
    /// The bound "ADDR:PORT". Thread: any.
    [[nodiscard]] std::string address() const;

  private:
    struct impl;
    std::unique_ptr<impl> _impl;
};

} // namespace udpn::metrics
