#include "registry/registry.hpp"

#include "key/module_source.hpp"
#include "log/log.hpp"
#include "registry/client.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace udpn::registry {

namespace {

std::int64_t now_ns() noexcept
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

registry_config checked(const registry_config& config)
{
    if (config.url.empty()) {
        throw std::invalid_argument("schema registry: no url configured");
    }
    const auto problems = validate(config);
    if (!problems.empty()) {
        std::string text = "schema registry configuration:";
        for (const auto& p : problems) {
            text += "\n  " + p;
        }
        throw std::invalid_argument(text);
    }
    return config;
}

/// `name@revision`: the key of a registered reference.
std::string module_key(const key::module_source& m)
{
    return m.name + "@" + m.revision;
}

} // namespace

std::size_t format_schema_id(std::int64_t id, header_format f,
                             std::array<char, max_schema_id_text>& out) noexcept
{
    const auto v = static_cast<std::uint32_t>(id);
    if (f == header_format::binary) {
        out[0] = static_cast<char>((v >> 24) & 0xFF);
        out[1] = static_cast<char>((v >> 16) & 0xFF);
        out[2] = static_cast<char>((v >> 8) & 0xFF);
        out[3] = static_cast<char>(v & 0xFF);
        return 4;
    }
    std::array<char, max_schema_id_text> rev{};
    std::size_t n = 0;
    std::uint32_t x = v;
    do {
        rev[n++] = static_cast<char>('0' + x % 10);
        x /= 10;
    } while (x != 0 && n < rev.size());
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = rev[n - 1 - i];
    }
    return n;
}

std::string subject_of(const schema_request& r, subject_strategy s)
{
    const std::string& module = r.modules.empty() ? std::string() : r.modules.front();
    switch (s) {
    case subject_strategy::module: return module;
    case subject_strategy::topic: return r.topic + "-value";
    case subject_strategy::topic_module: return r.topic + "-" + module;
    }
    return module;
}

schema_registry::schema_registry(const registry_config& config, const key::schema_context& schema)
    : _config(checked(config)), _schema(schema)
{
}

schema_registry::~schema_registry()
{
    stop();
}

void schema_registry::start()
{
    if (_thread.joinable()) {
        return;
    }
    _thread = std::thread([this] { run(); });
}

void schema_registry::stop()
{
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _stop_requested = true;
    }
    _abort.store(true, std::memory_order_relaxed);
    _wake.notify_all();
    if (_thread.joinable()) {
        _thread.join();
    }
}

std::shared_ptr<const schema_handle> schema_registry::request(const schema_request& r) noexcept
{
    if (r.modules.empty() || r.modules.front().empty()) {
        return nullptr;
    }
    _counters.requests.fetch_add(1, std::memory_order_relaxed);
    try {
        std::string subject = subject_of(r, _config.strategy);
        std::string key = subject + "\n";
        for (const std::string& m : r.modules) {
            key += m + ",";
        }
        bool notify = false;
        std::shared_ptr<schema_handle> h;
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            if (const auto it = _handles.find(key); it != _handles.end()) {
                _counters.cache_hits.fetch_add(1, std::memory_order_relaxed);
                return it->second;
            }
            if (_handles.size() >= _config.max_schemas) {
                _counters.cache_full.fetch_add(1, std::memory_order_relaxed);
                return nullptr;
            }
            h = std::make_shared<schema_handle>();
            h->_request = r;
            h->_subject = std::move(subject);
            h->_key = key;
            _handles.emplace(std::move(key), h);
            _counters.schemas.store(_handles.size(), std::memory_order_relaxed);
            _counters.pending.fetch_add(1, std::memory_order_relaxed);
            if (_queue.size() < _config.queue_size) {
                h->_queued.store(true, std::memory_order_relaxed);
                _queue.push_back(h);
                notify = true;
            } else {
                _counters.queue_full.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (notify) {
            _wake.notify_one();
        }
        return h;
    } catch (...) {
        return nullptr; // out of memory: produced without the header
    }
}

void schema_registry::requeue(const schema_handle& h) noexcept
{
    std::unique_lock<std::mutex> lock(_mutex, std::try_to_lock);
    if (!lock.owns_lock() || h.queued()) {
        return;
    }
    const auto it = _handles.find(h._key);
    if (it == _handles.end()) {
        return;
    }
    if (_queue.size() >= _config.queue_size) {
        _counters.queue_full.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    try {
        _queue.push_back(it->second);
    } catch (...) {
        return;
    }
    it->second->_queued.store(true, std::memory_order_relaxed);
    lock.unlock();
    _wake.notify_one();
}

registry_stats schema_registry::stats() const noexcept
{
    registry_stats s;
    const auto& c = _counters;
    s.requests = c.requests.load(std::memory_order_relaxed);
    s.cache_hits = c.cache_hits.load(std::memory_order_relaxed);
    s.queue_full = c.queue_full.load(std::memory_order_relaxed);
    s.cache_full = c.cache_full.load(std::memory_order_relaxed);
    s.registered = c.registered.load(std::memory_order_relaxed);
    s.references_registered = c.references_registered.load(std::memory_order_relaxed);
    s.attempts = c.attempts.load(std::memory_order_relaxed);
    s.retries = c.retries.load(std::memory_order_relaxed);
    s.http_requests = c.http_requests.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < n_failure_reasons; ++i) {
        s.failures[i] = c.failures[i].load(std::memory_order_relaxed);
    }
    s.schemas = c.schemas.load(std::memory_order_relaxed);
    s.pending = c.pending.load(std::memory_order_relaxed);
    return s;
}

void schema_registry::run() noexcept
{
    try {
        client cl(_config, &_abort);
        std::vector<std::shared_ptr<schema_handle>> waiting; // failed, due again at _due_ns
        std::deque<std::shared_ptr<schema_handle>> fresh;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(_mutex);
                const auto ready = [this] { return _stop_requested || !_queue.empty(); };
                if (waiting.empty()) {
                    _wake.wait(lock, ready);
                } else {
                    std::int64_t due = waiting.front()->_due_ns;
                    for (const auto& h : waiting) {
                        due = std::min(due, h->_due_ns);
                    }
                    const auto at = std::chrono::steady_clock::time_point(
                        std::chrono::nanoseconds(due));
                    _wake.wait_until(lock, at, ready);
                }
                if (_stop_requested) {
                    return;
                }
                fresh.swap(_queue);
            }
            for (auto& h : fresh) {
                guarded_attempt(cl, *h);
                if (h->state() != handle_state::registered) {
                    waiting.push_back(std::move(h));
                }
            }
            fresh.clear();
            const std::int64_t now = now_ns();
            for (std::size_t i = 0; i < waiting.size();) {
                if (waiting[i]->_due_ns <= now) {
                    guarded_attempt(cl, *waiting[i]);
                    if (waiting[i]->state() == handle_state::registered) {
                        waiting[i] = std::move(waiting.back());
                        waiting.pop_back();
                        continue;
                    }
                }
                ++i;
            }
            _counters.http_requests.store(cl.requests(), std::memory_order_relaxed);
        }
    } catch (const std::exception& e) {
        log::error("registry", "registry thread stopped", {{"error", e.what()}});
    } catch (...) {
        log::error("registry", "registry thread stopped");
    }
}

void schema_registry::guarded_attempt(client& cl, schema_handle& h) noexcept
{
    try {
        attempt(cl, h);
    } catch (const std::exception& e) {
        try {
            failed(h, failure_reason::transport_error, e.what());
        } catch (...) {
        }
    } catch (...) {
    }
}

void schema_registry::failed(schema_handle& h, failure_reason why, const std::string& detail)
{
    _counters.failures[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
    ++h._failures;
    const bool refusal = is_refusal(why);
    std::uint64_t backoff_ms = _config.retry_max_backoff_ms;
    if (!refusal && h._failures <= 32) {
        backoff_ms = std::min<std::uint64_t>(
            _config.retry_max_backoff_ms,
            std::uint64_t{_config.retry_backoff_ms} << (h._failures - 1));
    }
    h._due_ns = now_ns() + static_cast<std::int64_t>(backoff_ms) * 1'000'000;
    h._state.store(refusal ? handle_state::failed : handle_state::pending,
                   std::memory_order_relaxed);
    // One line per change of reason, not per retry (the counters count every one).
    if (h._failures == 1 || why != h._last_reason) {
        log::warn("registry", "schema registration failed, will retry",
                  {{"subject", h._subject},
                   {"reason", to_string(why)},
                   {"detail", detail},
                   {"retry_ms", backoff_ms}});
    }
    h._last_reason = why;
}

void schema_registry::attempt(client& cl, schema_handle& h)
{
    _counters.attempts.fetch_add(1, std::memory_order_relaxed);
    if (h._failures > 0) {
        _counters.retries.fetch_add(1, std::memory_order_relaxed);
    }
    const schema_request& r = h._request;
    std::string problem;
    const std::vector<key::module_source> closure = key::module_closure(_schema, r.modules, problem);
    if (closure.empty()) {
        failed(h, failure_reason::module_unavailable, problem);
        return;
    }
    std::map<std::string, const key::module_source*> by_name;
    for (const key::module_source& m : closure) {
        by_name[m.name] = &m;
    }
    const std::string& main_name = r.modules.front();
    const key::module_source& main = *by_name.at(main_name);

    const auto body_of = [this, &by_name](const key::module_source& m,
                                          const std::vector<std::string>& ref_names) {
        schema_body b;
        b.schema_type = _config.schema_type;
        b.schema = m.text;
        for (const std::string& name : ref_names) {
            const auto dep = by_name.find(name);
            if (dep == by_name.end()) {
                continue;
            }
            // Registered above (dependency order); absent only for the main module itself,
            // met through an import cycle of the filter's modules: not a reference then.
            const auto v = _reference_versions.find(module_key(*dep->second));
            if (v != _reference_versions.end()) {
                b.references.push_back(reference{name, name, v->second});
            }
        }
        if (_config.features_metadata) {
            b.properties["yang-module"] = m.name;
            if (!m.revision.empty()) {
                b.properties["yang-revision"] = m.revision;
            }
            std::string features;
            for (const std::string& f : m.features) {
                features += (features.empty() ? "" : ",") + f;
            }
            if (!features.empty()) {
                b.properties["yang-features"] = features;
            }
        }
        return b;
    };

    // Imports first (dependency order), each under its own module-name subject, once per
    // name@revision for the registry's lifetime.
    for (const key::module_source& m : closure) {
        if (m.name == main_name || _reference_versions.count(module_key(m)) != 0) {
            continue;
        }
        const schema_body b = body_of(m, m.imports);
        request_result res = cl.register_schema(m.name, b);
        if (res.ok() && res.value.version < 0) {
            res = cl.lookup_schema(m.name, b); // the version references need
        }
        if (!res.ok()) {
            failed(h, res.error->reason, "reference " + m.name + ": " + res.error->message);
            return;
        }
        _reference_versions[module_key(m)] = res.value.version;
        _counters.references_registered.fetch_add(1, std::memory_order_relaxed);
    }

    // The subscription's schema: its imports and the filter's other top-level modules as
    // references.
    std::vector<std::string> refs = main.imports;
    for (std::size_t i = 1; i < r.modules.size(); ++i) {
        if (r.modules[i] != main_name &&
            std::find(refs.begin(), refs.end(), r.modules[i]) == refs.end()) {
            refs.push_back(r.modules[i]);
        }
    }
    const request_result res = cl.register_schema(h._subject, body_of(main, refs));
    if (!res.ok()) {
        failed(h, res.error->reason, res.error->message);
        return;
    }
    const bool was_failing = h._failures > 0;
    h._id.store(res.value.id, std::memory_order_release);
    h._state.store(handle_state::registered, std::memory_order_relaxed);
    _counters.registered.fetch_add(1, std::memory_order_relaxed);
    _counters.pending.fetch_sub(1, std::memory_order_relaxed);
    log::write(was_failing ? log::level::info : log::level::debug, "registry",
               "schema registered",
               {{"subject", h._subject}, {"id", res.value.id}, {"attempts", h._failures + 1}});
}

} // namespace udpn::registry
