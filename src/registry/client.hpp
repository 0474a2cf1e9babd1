/// \file
/// A blocking client of the Confluent Schema Registry REST API (v1), on libcurl: register a
/// schema under a subject (`POST /subjects/{subject}/versions`) and look a registered schema up
/// (`POST /subjects/{subject}`, for the version a reference needs). Requests and answers are
/// `application/vnd.schemaregistry.v1+json`; errors are the API's `{"error_code", "message"}`.
/// One client per thread (it owns one CURL easy handle, reused so connections are kept alive);
/// only the registry thread uses it in the receiver.
#pragma once

#include "registry/config.hpp"
#include "registry/errors.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::registry {

/// One entry of `references`: the name the schema uses for it (the imported module's name),
/// and the subject and version it is registered under.
struct reference {
    std::string name;
    std::string subject;
    std::int64_t version = 0;
};

/// What is registered under a subject.
struct schema_body {
    std::string schema_type;             ///< `schemaType` (omitted when empty: Avro)
    std::string schema;                  ///< the schema text (a YANG module)
    std::vector<reference> references;   ///< imports, registered first
    /// `metadata.properties` (omitted when empty): e.g. yang-features.
    std::map<std::string, std::string> properties;
};

/// The JSON request body of \p b (RFC 8259; strings escaped). Thread: any.
[[nodiscard]] std::string request_json(const schema_body& b);

/// What the registry answered.
struct registered {
    std::int64_t id = -1;      ///< the schema id (global)
    std::int64_t version = -1; ///< the version under the subject; -1 when the answer had none
};

/// A failed request.
struct request_error {
    failure_reason reason = failure_reason::transport_error;
    long http_status = 0;        ///< 0 when no HTTP answer came
    std::int64_t error_code = 0; ///< the API's error_code (e.g. 42201), 0 when absent
    std::string message;         ///< the API's message, or libcurl's error text
};

/// The outcome of one request: the answer, or why there is none.
struct request_result {
    registered value;
    std::optional<request_error> error;
    [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

class client {
  public:
    /// \p config.url, credentials (password already resolved) and timeout are copied. Optional
    /// \p stop: a transfer in progress is aborted (transport_error) once it reads true.
    /// @throws std::runtime_error when libcurl cannot be initialised. Thread: any, once.
    explicit client(const registry_config& config, const std::atomic<bool>* stop = nullptr);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// `POST {url}/subjects/{subject}/versions` with \p body. Blocks for at most
    /// request_timeout_ms. Thread: the client's owner.
    [[nodiscard]] request_result register_schema(std::string_view subject,
                                                 const schema_body& body);
    /// `POST {url}/subjects/{subject}`: the registered version of \p body under \p subject.
    /// Thread: the client's owner.
    [[nodiscard]] request_result lookup_schema(std::string_view subject, const schema_body& body);

    /// HTTP requests sent so far. Thread: the client's owner.
    [[nodiscard]] std::uint64_t requests() const noexcept { return _requests; }

  private:
    request_result post(const std::string& path, const std::string& json, bool need_version);
    std::string escape(std::string_view segment);

    std::string _base; // url without trailing '/'
    std::string _user;
    std::string _password;
    long _timeout_ms;
    const std::atomic<bool>* _stop;
    void* _curl = nullptr;
    std::uint64_t _requests = 0;
};

} // namespace udpn::registry
