#include "registry/client.hpp"

#include "envelope/json_writer.hpp"

#include <curl/curl.h>
#include <simdjson.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>

namespace udpn::registry {

namespace {

constexpr const char* content_type = "application/vnd.schemaregistry.v1+json";
/// Largest answer body kept (the API answers are small; a huge one is garbage).
constexpr std::size_t max_answer_bytes = std::size_t{1} << 20;

struct answer {
    std::string body;
    bool too_big = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) noexcept
{
    auto* a = static_cast<answer*>(user);
    const std::size_t len = size * n;
    if (a->body.size() + len > max_answer_bytes) {
        a->too_big = true;
        return 0; // aborts the transfer (CURLE_WRITE_ERROR)
    }
    try {
        a->body.append(data, len);
    } catch (...) {
        return 0;
    }
    return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) noexcept
{
    const auto* stop = static_cast<const std::atomic<bool>*>(user);
    return stop != nullptr && stop->load(std::memory_order_relaxed) ? 1 : 0;
}

void global_init()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

failure_reason reason_of_status(long status) noexcept
{
    if (status >= 500 && status <= 599) {
        return failure_reason::server_error;
    }
    if (status == 409) {
        return failure_reason::conflict;
    }
    if (status == 422) {
        return failure_reason::invalid_schema;
    }
    if (status == 401 || status == 403) {
        return failure_reason::unauthorized;
    }
    return failure_reason::client_error;
}

failure_reason reason_of_curl(CURLcode c) noexcept
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return failure_reason::connect_failed;
    case CURLE_OPERATION_TIMEDOUT: return failure_reason::timeout;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_WRITE_ERROR: // the answer was larger than max_answer_bytes
        return failure_reason::bad_response;
    default: return failure_reason::transport_error;
    }
}

/// The API error object `{"error_code": N, "message": "..."}` of an error answer, when the
/// body is one (anything else leaves \p e as it is).
void read_error_body(const std::string& body, request_error& e)
{
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
        return;
    }
    std::int64_t code = 0;
    if (doc["error_code"].get_int64().get(code) == simdjson::SUCCESS) {
        e.error_code = code;
    }
    std::string_view message;
    if (doc["message"].get_string().get(message) == simdjson::SUCCESS) {
        e.message = std::string(message.substr(0, 512));
    }
}

} // namespace

const char* to_string(failure_reason r) noexcept
{
    switch (r) {
    case failure_reason::connect_failed: return "connect_failed";
    case failure_reason::timeout: return "timeout";
    case failure_reason::server_error: return "server_error";
    case failure_reason::conflict: return "conflict";
    case failure_reason::invalid_schema: return "invalid_schema";
    case failure_reason::unauthorized: return "unauthorized";
    case failure_reason::client_error: return "client_error";
    case failure_reason::bad_response: return "bad_response";
    case failure_reason::transport_error: return "transport_error";
    case failure_reason::module_unavailable: return "module_unavailable";
    }
    return "unknown";
}

bool is_refusal(failure_reason r) noexcept
{
    switch (r) {
    case failure_reason::conflict:
    case failure_reason::invalid_schema:
    case failure_reason::unauthorized:
    case failure_reason::client_error:
    case failure_reason::module_unavailable:
        return true;
    default: return false;
    }
}

std::string request_json(const schema_body& b)
{
    std::string out;
    envelope::json_writer w(out);
    w.begin_object();
    if (!b.schema_type.empty()) {
        w.key("schemaType");
        w.string(b.schema_type);
    }
    w.key("schema");
    w.string(b.schema);
    if (!b.references.empty()) {
        w.key("references");
        w.begin_array();
        for (const reference& r : b.references) {
            w.begin_object();
            w.key("name");
            w.string(r.name);
            w.key("subject");
            w.string(r.subject);
            w.key("version");
            w.number(r.version);
            w.end_object();
        }
        w.end_array();
    }
    if (!b.properties.empty()) {
        w.key("metadata");
        w.begin_object();
        w.key("properties");
        w.begin_object();
        for (const auto& [k, v] : b.properties) {
            w.key(k);
            w.string(v);
        }
        w.end_object();
        w.end_object();
    }
    w.end_object();
    return out;
}

client::client(const registry_config& config, const std::atomic<bool>* stop)
    : _base(config.url),
      _user(config.username),
      _password(config.password),
      _timeout_ms(static_cast<long>(config.request_timeout_ms)),
      _stop(stop)
{
    while (!_base.empty() && _base.back() == '/') {
        _base.pop_back();
    }
    global_init();
    _curl = curl_easy_init();
    if (_curl == nullptr) {
        throw std::runtime_error("schema registry: curl_easy_init failed");
    }
}

client::~client()
{
    curl_easy_cleanup(static_cast<CURL*>(_curl));
}

std::string client::escape(std::string_view segment)
{
    char* e = curl_easy_escape(static_cast<CURL*>(_curl), segment.data(),
                               static_cast<int>(segment.size()));
    std::string out = e != nullptr ? e : "";
    curl_free(e);
    return out;
}

request_result client::register_schema(std::string_view subject, const schema_body& body)
{
    return post("/subjects/" + escape(subject) + "/versions", request_json(body), false);
}

request_result client::lookup_schema(std::string_view subject, const schema_body& body)
{
    return post("/subjects/" + escape(subject), request_json(body), true);
}

request_result client::post(const std::string& path, const std::string& json, bool need_version)
{
    CURL* c = static_cast<CURL*>(_curl);
    curl_easy_reset(c); // keeps the connection cache
    const std::string url = _base + path;
    answer a;
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, (std::string("Content-Type: ") + content_type).c_str());
    headers = curl_slist_append(headers, (std::string("Accept: ") + content_type +
                                          ", application/json").c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, _timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, _timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // no SIGALRM from a worker-less thread
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(_stop));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!_user.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, _user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, _password.c_str());
    }
    ++_requests;
    const CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);

    if (rc != CURLE_OK) {
        request_error e;
        e.reason = a.too_big ? failure_reason::bad_response : reason_of_curl(rc);
        e.message = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
        return request_result{{}, std::move(e)};
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
        request_error e;
        e.reason = reason_of_status(status);
        e.http_status = status;
        read_error_body(a.body, e);
        if (e.message.empty()) {
            e.message = "HTTP " + std::to_string(status);
        }
        return request_result{{}, std::move(e)};
    }
    // 2xx: {"id": N} (register) or {"subject", "id", "version", "schema"} (lookup).
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    registered out;
    std::int64_t id = -1;
    if (parser.parse(a.body).get(doc) != simdjson::SUCCESS ||
        doc["id"].get_int64().get(id) != simdjson::SUCCESS || id < 0 || id > INT32_MAX) {
        request_error e;
        e.reason = failure_reason::bad_response;
        e.http_status = status;
        e.message = "answer without an integer id 0..2147483647";
        return request_result{{}, std::move(e)};
    }
    out.id = id;
    std::int64_t version = -1;
    if (doc["version"].get_int64().get(version) == simdjson::SUCCESS && version > 0) {
        out.version = version;
    } else if (need_version) {
        request_error e;
        e.reason = failure_reason::bad_response;
        e.http_status = status;
        e.message = "lookup answer without a version";
        return request_result{{}, std::move(e)};
    }
    return request_result{out, std::nullopt};
}

} // namespace udpn::registry
