#include "registry/config.hpp"

namespace udpn::registry {

const char* to_string(subject_strategy s) noexcept
{
    switch (s) {
    case subject_strategy::module: return "module";
    case subject_strategy::topic: return "topic";
    case subject_strategy::topic_module: return "topic-module";
    }
    return "module";
}

const char* to_string(header_format f) noexcept
{
    return f == header_format::text ? "text" : "binary";
}

std::vector<std::string> validate(const registry_config& c)
{
    std::vector<std::string> out;
    if (c.url.empty()) {
        return out;
    }
    if (c.url.rfind("http://", 0) != 0 && c.url.rfind("https://", 0) != 0) {
        out.push_back("schema_registry.url: \"" + c.url + "\" is not an http:// or https:// URL");
    }
    if (c.schema_type.empty()) {
        out.emplace_back("schema_registry.schema_type: must not be empty");
    }
    if (c.request_timeout_ms == 0) {
        out.emplace_back("schema_registry.request_timeout_ms: must be > 0");
    }
    if (c.retry_backoff_ms == 0 || c.retry_backoff_ms > c.retry_max_backoff_ms) {
        out.emplace_back("schema_registry.retry_backoff_ms: must be > 0 and at most "
                         "schema_registry.retry_max_backoff_ms");
    }
    if (c.queue_size == 0) {
        out.emplace_back("schema_registry.queue_size: must be > 0");
    }
    if (c.max_schemas == 0) {
        out.emplace_back("schema_registry.max_schemas: must be > 0");
    }
    if (!c.password.empty() && c.username.empty()) {
        out.emplace_back("schema_registry.password: set schema_registry.username too");
    }
    return out;
}

} // namespace udpn::registry
