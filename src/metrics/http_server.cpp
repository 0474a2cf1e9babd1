#include "metrics/http_server.hpp"

#include "metrics/exposition.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace udpn::metrics {

namespace {

constexpr std::size_t n_connection_threads = 2;
constexpr std::size_t max_pending_connections = 8;
constexpr time_t io_timeout_s = 2;         ///< read / write / keep-alive idle limit per connection
constexpr std::size_t max_keep_alive = 16; ///< requests per connection
constexpr const char* text_plain = "text/plain; charset=utf-8";

[[noreturn]] void bad_listen(std::string_view text, std::string_view why)
{
    throw std::invalid_argument("metrics.listen: '" + std::string(text) + "' " + std::string(why) +
                                " (expected ADDR:PORT, e.g. 127.0.0.1:9464 or [::1]:9464)");
}

/// Signals go to the main thread, never to the server's threads (an accept() interrupted by
/// a signal would end the accept loop). Threads created later inherit the mask.
void block_signals() noexcept
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
}

/// httplib's task queue with a bound: n threads, at most max_pending connections waiting.
/// enqueue() waits while full, which stops the accept loop (the kernel backlog holds the rest).
/// Every queued connection is still served (or closed) at shutdown: each job owns a socket.
class bounded_task_queue final : public httplib::TaskQueue {
  public:
    bounded_task_queue(std::size_t n_threads, std::size_t max_pending) : _max(max_pending)
    {
        _threads.reserve(n_threads);
        for (std::size_t i = 0; i < n_threads; ++i) {
            _threads.emplace_back([this] { run(); });
        }
    }
    bounded_task_queue(const bounded_task_queue&) = delete;
    bounded_task_queue& operator=(const bounded_task_queue&) = delete;
    ~bounded_task_queue() override { shutdown(); }

    void enqueue(std::function<void()> fn) override
    {
        std::unique_lock lock(_mutex);
        _room.wait(lock, [this] { return _jobs.size() < _max || _shutdown; });
        _jobs.push_back(std::move(fn));
        _work.notify_one();
    }

    void shutdown() override
    {
        {
            const std::lock_guard lock(_mutex);
            _shutdown = true;
        }
        _work.notify_all();
        _room.notify_all();
        for (std::thread& t : _threads) {
            if (t.joinable()) {
                t.join();
            }
        }
    }

  private:
    void run()
    {
        pthread_setname_np(pthread_self(), "udpn-http");
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(_mutex);
                _work.wait(lock, [this] { return !_jobs.empty() || _shutdown; });
                if (_jobs.empty()) {
                    return; // shut down and nothing left
                }
                job = std::move(_jobs.front());
                _jobs.pop_front();
            }
            _room.notify_one();
            job();
        }
    }

    std::size_t _max;
    std::mutex _mutex;
    std::condition_variable _work;
    std::condition_variable _room;
    std::deque<std::function<void()>> _jobs;
    std::vector<std::thread> _threads;
    bool _shutdown = false;
};

} // namespace

listen_address parse_listen_address(std::string_view text)
{
    if (text.empty()) {
        bad_listen(text, "is empty");
    }
    listen_address a;
    std::string_view port_text;
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            bad_listen(text, "has no ']:PORT' after the IPv6 address");
        }
        a.host.assign(text.substr(1, close - 1));
        a.v6 = true;
        port_text = text.substr(close + 2);
        in6_addr probe{};
        if (inet_pton(AF_INET6, a.host.c_str(), &probe) != 1) {
            bad_listen(text, "does not hold a numeric IPv6 address");
        }
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            bad_listen(text, "has no ':PORT'");
        }
        a.host.assign(text.substr(0, colon));
        port_text = text.substr(colon + 1);
        in_addr probe{};
        if (inet_pton(AF_INET, a.host.c_str(), &probe) != 1) {
            bad_listen(text, "does not start with a numeric IPv4 address (IPv6 goes in brackets)");
        }
    }
    unsigned port = 0;
    const auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || r.ec != std::errc{} || r.ptr != port_text.data() + port_text.size() ||
        port > 65535) {
        bad_listen(text, "has no port in 0..65535");
    }
    a.port = static_cast<std::uint16_t>(port);
    return a;
}

std::string to_string(const listen_address& a)
{
    std::string s = a.v6 ? "[" + a.host + "]" : a.host;
    s.push_back(':');
    s.append(std::to_string(a.port));
    return s;
}

struct http_server::impl {
    text_fn metrics;
    health_fn health;
    listen_address where;
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<bool> exited{false};
    bool stopped = false;

    void serve_metrics(httplib::Response& res) const
    {
        try {
            res.set_content(metrics ? metrics() : std::string(), std::string(content_type));
            res.status = 200;
        } catch (const std::exception& e) {
            res.status = 500;
            res.set_content(std::string("metrics unavailable: ") + e.what() + "\n", text_plain);
        } catch (...) {
            res.status = 500;
            res.set_content("metrics unavailable\n", text_plain);
        }
    }

    void serve_health(httplib::Response& res) const
    {
        health_status h;
        if (stopping.load(std::memory_order_acquire)) {
            h = {false, "stopping"};
        } else {
            try {
                if (health) {
                    h = health();
                }
            } catch (const std::exception& e) {
                h = {false, std::string("health check failed: ") + e.what()};
            } catch (...) {
                h = {false, "health check failed"};
            }
        }
        res.status = h.ok ? 200 : 503;
        res.set_content(h.ok ? std::string("ok\n") : "unhealthy: " + h.detail + "\n", text_plain);
    }
};

http_server::http_server(std::string_view listen, text_fn metrics, health_fn health)
    : _impl(std::make_unique<impl>())
{
    _impl->where = parse_listen_address(listen);
    _impl->metrics = std::move(metrics);
    _impl->health = std::move(health);

    httplib::Server& server = _impl->server;
    // httplib's default sets SO_REUSEPORT, which would let a second receiver share (and split)
    // this port silently; SO_REUSEADDR only allows a quick restart over TIME_WAIT.
    server.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        fcntl(sock, F_SETFD, FD_CLOEXEC);
    });
    server.new_task_queue = [] {
        return new bounded_task_queue(n_connection_threads, max_pending_connections);
    };
    server.set_read_timeout(io_timeout_s, 0);
    server.set_write_timeout(io_timeout_s, 0);
    server.set_keep_alive_timeout(io_timeout_s);
    server.set_keep_alive_max_count(max_keep_alive);
    server.set_payload_max_length(64 * 1024); // we take no request bodies

    impl* self = _impl.get();
    server.Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
        self->serve_metrics(res);
    });
    server.Get("/healthz", [self](const httplib::Request&, httplib::Response& res) {
        self->serve_health(res);
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty()) {
            res.set_content(res.status == 404 ? "not found\n" : "error\n", text_plain);
        }
    });

    // Numeric host only (parse_listen_address checked it): no resolver call.
    const int flags = AI_NUMERICHOST | AI_PASSIVE;
    errno = 0;
    bool bound = false;
    if (_impl->where.port == 0) {
        const int port = server.bind_to_any_port(_impl->where.host, flags);
        if (port > 0 && port <= 65535) {
            _impl->where.port = static_cast<std::uint16_t>(port);
            bound = true;
        }
    } else {
        bound = server.bind_to_port(_impl->where.host, _impl->where.port, flags);
    }
    if (!bound) {
        const int err = errno != 0 ? errno : EADDRNOTAVAIL;
        throw std::system_error(err, std::generic_category(),
                                "metrics.listen: cannot listen on " + std::string(listen));
    }
}

http_server::~http_server()
{
    stop();
}

void http_server::start()
{
    if (_impl->thread.joinable() || _impl->stopped) {
        return;
    }
    impl* self = _impl.get();
    _impl->thread = std::thread([self] {
        block_signals();
        pthread_setname_np(pthread_self(), "udpn-metrics");
        self->server.listen_after_bind();
        self->exited.store(true, std::memory_order_release);
    });
    // stop() only reaches a server whose accept loop runs (httplib's is_running()): wait for it.
    while (!_impl->server.is_running() && !_impl->exited.load(std::memory_order_acquire)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void http_server::set_stopping() noexcept
{
    _impl->stopping.store(true, std::memory_order_release);
}

void http_server::stop() noexcept
{
    if (!_impl || _impl->stopped) {
        return;
    }
    set_stopping();
    try {
        if (!_impl->thread.joinable()) {
            start(); // never started: httplib closes the bound socket only from its loop
        }
        _impl->server.stop();
        if (_impl->thread.joinable()) {
            _impl->thread.join();
        }
    } catch (...) {
        // thread creation failed: nothing runs, nothing to join
    }
    _impl->stopped = true;
}

std::uint16_t http_server::port() const noexcept
{
    return _impl->where.port;
}

std::string http_server::address() const
{
    return to_string(_impl->where);
}

} // namespace udpn::metrics
