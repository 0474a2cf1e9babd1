#include "kafka/config.hpp"

#include "common/value_file.hpp"
#include "kafka/errors.hpp"

#include <array>
#include <string>

namespace udpn::kafka {

namespace {

std::string_view trim(std::string_view s) noexcept
{
    constexpr std::string_view space = " \t\r\n\v\f";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(space);
    return s.substr(first, last - first + 1);
}

[[noreturn]] void fail(const char* field, const std::string& why)
{
    throw startup_error(field, std::string("kafka: ") + field + ": " + why);
}

void check_range(const char* field, long long v, long long lo, long long hi)
{
    if (v < lo || v > hi) {
        fail(field, std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
    }
}

} // namespace

bool is_embedded(const kafka_config& config) noexcept
{
    return config.brokers == embedded_brokers_value;
}

bool is_null(const kafka_config& config) noexcept
{
    return config.brokers == null_brokers_value;
}

void validate(const kafka_config& config)
{
    if (trim(config.brokers).empty()) {
        fail("brokers", "empty; give host:port[,host:port...], \"embedded\" or \"null\"");
    }
    if (config.client_id.empty()) {
        fail("client_id", "empty");
    }
    check_range("embedded_brokers", config.embedded_brokers, 1, 64);
    check_range("embedded_partitions", config.embedded_partitions, 1, 10'000);
    check_range("queue_full_wait_ms", config.queue_full_wait_ms, 0, 60'000);
    check_range("admin_timeout_ms", config.admin_timeout_ms, 1, 600'000);
    if (config.max_topics < 1) {
        fail("max_topics", "must be at least 1");
    }
    if (config.topic_partitions != -1) {
        check_range("topic_partitions", config.topic_partitions, 1, 1'000'000);
    }
    if (config.topic_replication_factor != -1) {
        check_range("topic_replication_factor", config.topic_replication_factor, 1, 32'767);
    }
    const std::string& policy = config.state_cleanup_policy;
    if (!policy.empty() && policy != "compact" && policy != "delete" &&
        policy != "compact,delete" && policy != "delete,compact") {
        fail("state_cleanup_policy",
             "\"" + policy + "\" is not one of compact, delete, \"compact,delete\" or empty");
    }
    for (const property& prop : config.properties) {
        if (trim(prop.name).empty()) {
            fail("properties", "a property has an empty name");
        }
    }
}

property parse_property(std::string_view text)
{
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) {
        throw startup_error(std::string(text), "kafka: property \"" + std::string(text) +
                                                   "\" is not of the form name=value");
    }
    const std::string_view name = trim(text.substr(0, eq));
    if (name.empty()) {
        throw startup_error("", "kafka: property \"" + std::string(text) + "\" has no name");
    }
    return property{std::string(name), std::string(text.substr(eq + 1)), nullptr};
}

std::string resolve_value(const property& prop)
{
    std::string out;
    std::string problem;
    if (!resolve_value_file(prop.value, out, problem)) {
        throw startup_error(prop.name, "kafka: property " + prop.name + ": " + problem);
    }
    return out;
}

bool is_secret_property(std::string_view name) noexcept
{
    constexpr std::array<std::string_view, 5> markers = {"password", "secret", "key.pem",
                                                         "oauthbearer.config", "jaas"};
    for (std::string_view m : markers) {
        if (name.find(m) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

std::string printable_value(const property& prop)
{
    if (!prop.value.empty() && prop.value[0] == '@' &&
        (prop.value.size() < 2 || prop.value[1] != '@')) {
        return "(from file " + prop.value.substr(1) + ")";
    }
    if (is_secret_property(prop.name)) {
        return "(secret)";
    }
    return prop.value;
}

std::vector<property> librdkafka_properties(const kafka_config& config,
                                            std::string_view bootstrap_servers)
{
    std::vector<property> props;
    props.reserve(16 + config.properties.size());
    auto add = [&](const char* name, std::string value, const char* field) {
        props.push_back(property{name, std::move(value), field});
    };
    add("bootstrap.servers", std::string(bootstrap_servers), "brokers");
    add("client.id", config.client_id, "client_id");
    add("partitioner", config.partitioner, "partitioner");
    add("enable.idempotence", config.idempotence ? "true" : "false", "idempotence");
    add("compression.codec", config.compression_codec, "compression_codec");
    add("linger.ms", std::to_string(config.linger_ms), "linger_ms");
    add("batch.size", std::to_string(config.batch_size), "batch_size");
    add("batch.num.messages", std::to_string(config.batch_num_messages), "batch_num_messages");
    add("queue.buffering.max.messages", std::to_string(config.queue_buffering_max_messages),
        "queue_buffering_max_messages");
    add("queue.buffering.max.kbytes", std::to_string(config.queue_buffering_max_kbytes),
        "queue_buffering_max_kbytes");
    add("message.timeout.ms", std::to_string(config.message_timeout_ms), "message_timeout_ms");
    for (const property& prop : config.properties) {
        props.push_back(property{std::string(trim(prop.name)), prop.value, nullptr});
    }
    return props;
}

bool is_valid_topic_name(std::string_view name) noexcept
{
    // Kafka's Topic.validate(): legal characters [a-zA-Z0-9._-], at most 249, not "." / "..".
    if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        return false;
    }
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace udpn::kafka
