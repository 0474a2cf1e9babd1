/// \file
/// A small Confluent-compatible schema registry for the registry tests: cpp-httplib on
/// 127.0.0.1 (ephemeral port, or a given one to come back on), started by the test. It keeps
/// every request (method, path, headers, body) and answers as the API does
/// (`POST /subjects/{s}/versions` -> {"id"}, `POST /subjects/{s}` -> {"subject", "id",
/// "version", "schema"}, ids global per schema text, versions per subject), or as the test
/// tells it to fail: a fixed status and body, garbage, a slow answer, basic auth required.
#pragma once

#include <httplib.h>
#include <simdjson.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace udpn::registry::test {

class fake_registry {
  public:
    struct request {
        std::string method;
        std::string path;
        std::string subject;
        std::string content_type;
        std::string authorization;
        std::string body;
    };

    /// Listens on 127.0.0.1:\p port (0: an ephemeral one). @throws std::runtime_error.
    explicit fake_registry(int port = 0)
    {
        _server.Post(R"(/subjects/([^/]+)/versions)",
                     [this](const httplib::Request& q, httplib::Response& r) {
                         handle(q, r, true);
                     });
        _server.Post(R"(/subjects/([^/]+))", [this](const httplib::Request& q,
                                                     httplib::Response& r) { handle(q, r, false); });
        if (port == 0) {
            _port = _server.bind_to_any_port("127.0.0.1");
        } else {
            _port = _server.bind_to_port("127.0.0.1", port) ? port : -1;
        }
        if (_port <= 0) {
            throw std::runtime_error("fake registry: cannot bind");
        }
        _thread = std::thread([this] { _server.listen_after_bind(); });
        // Bound already (connections wait in the backlog); wait for the accept loop anyway.
        for (int i = 0; i < 2000 && !_server.is_running(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    ~fake_registry() { stop(); }
    fake_registry(const fake_registry&) = delete;
    fake_registry& operator=(const fake_registry&) = delete;

    void stop()
    {
        _server.stop();
        if (_thread.joinable()) {
            _thread.join();
        }
    }

    [[nodiscard]] int port() const { return _port; }
    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(_port); }

    /// Every request answered with \p status and \p body (application/json).
    void answer_status(int status, std::string body)
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _status = status;
        _fixed_body = std::move(body);
    }
    /// Every answer waits \p delay first (then answers as configured).
    void answer_slowly(std::chrono::milliseconds delay)
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _delay = delay;
    }
    /// Back to the API's answers, at once.
    void answer_normally()
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _status = 0;
        _fixed_body.clear();
        _delay = std::chrono::milliseconds(0);
    }
    /// Requests without `Authorization: Basic base64(user:password)` get 401.
    void require_basic_auth(std::string expected_header_value)
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        _auth = std::move(expected_header_value);
    }

    [[nodiscard]] std::vector<request> requests() const
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        return _requests;
    }
    [[nodiscard]] std::size_t n_requests() const
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        return _requests.size();
    }
    /// The id the fake gave \p schema_text, or -1.
    [[nodiscard]] std::int64_t id_of(const std::string& schema_text) const
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        const auto it = _ids.find(schema_text);
        return it == _ids.end() ? -1 : it->second;
    }
    /// The version of \p schema_text under \p subject, or -1.
    [[nodiscard]] std::int64_t version_of(const std::string& subject,
                                          const std::string& schema_text) const
    {
        const std::lock_guard<std::mutex> lock(_mutex);
        const auto it = _subjects.find(subject);
        if (it == _subjects.end()) {
            return -1;
        }
        for (std::size_t i = 0; i < it->second.size(); ++i) {
            if (it->second[i] == schema_text) {
                return static_cast<std::int64_t>(i + 1);
            }
        }
        return -1;
    }

  private:
    void handle(const httplib::Request& q, httplib::Response& r, bool register_it)
    {
        request rec{q.method, q.path, q.matches[1], q.get_header_value("Content-Type"),
                    q.get_header_value("Authorization"), q.body};
        std::chrono::milliseconds delay{0};
        {
            const std::lock_guard<std::mutex> lock(_mutex);
            _requests.push_back(rec);
            delay = _delay;
        }
        if (delay.count() > 0) {
            std::this_thread::sleep_for(delay);
        }
        const std::lock_guard<std::mutex> lock(_mutex);
        if (!_auth.empty() && rec.authorization != _auth) {
            r.status = 401;
            r.set_content(R"({"error_code":401,"message":"Unauthorized"})", "application/json");
            return;
        }
        if (_status != 0) {
            r.status = _status;
            r.set_content(_fixed_body, "application/json");
            return;
        }
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        std::string_view schema;
        if (parser.parse(q.body).get(doc) != simdjson::SUCCESS ||
            doc["schema"].get_string().get(schema) != simdjson::SUCCESS) {
            r.status = 422;
            r.set_content(R"({"error_code":42201,"message":"Invalid schema"})",
                          "application/vnd.schemaregistry.v1+json");
            return;
        }
        const std::string text(schema);
        auto& versions = _subjects[rec.subject];
        std::size_t version = 0;
        for (std::size_t i = 0; i < versions.size(); ++i) {
            version = versions[i] == text ? i + 1 : version;
        }
        if (!register_it && version == 0) {
            r.status = 404;
            r.set_content(R"({"error_code":40403,"message":"Schema not found"})",
                          "application/vnd.schemaregistry.v1+json");
            return;
        }
        if (version == 0) {
            versions.push_back(text);
            version = versions.size();
        }
        auto [it, added] = _ids.emplace(text, _next_id);
        if (added) {
            ++_next_id;
        }
        std::string body = "{\"id\":" + std::to_string(it->second);
        if (!register_it) {
            body += ",\"subject\":\"" + rec.subject + "\",\"version\":" + std::to_string(version);
        }
        body += "}";
        r.status = 200;
        r.set_content(body, "application/vnd.schemaregistry.v1+json");
    }

    httplib::Server _server;
    std::thread _thread;
    int _port = -1;
    mutable std::mutex _mutex;
    std::vector<request> _requests;
    std::map<std::string, std::int64_t> _ids;                  // schema text -> id
    std::map<std::string, std::vector<std::string>> _subjects; // subject -> texts by version
    std::int64_t _next_id = 1;
    int _status = 0;
    std::string _fixed_body;
    std::chrono::milliseconds _delay{0};
    std::string _auth;
};

/// Polls \p pred every 5 ms until it holds or \p timeout passed. @return pred().
template <typename Pred> bool eventually(Pred pred, std::chrono::milliseconds timeout)
{
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) {
            return pred();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace udpn::registry::test
