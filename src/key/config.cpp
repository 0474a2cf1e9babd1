#include "key/config.hpp"

#include "key/topic.hpp"

#include <stdexcept>

namespace udpn::key {

const std::string& type_level_names::of(subscription_type t) const noexcept
{
    switch (t) {
    case subscription_type::periodic: return periodic;
    case subscription_type::on_change: return on_change;
    case subscription_type::on_change_sync: return on_change_sync;
    case subscription_type::on_change_sync_compacted: return on_change_sync_compacted;
    }
    return periodic;
}

key_format key_config::effective_format() const noexcept
{
    if (format) {
        return *format;
    }
    return standards_profile == profile::seed ? key_format::legacy_index : key_format::ietf_02;
}

topic_scheme key_config::effective_scheme() const noexcept
{
    if (scheme) {
        return *scheme;
    }
    return standards_profile == profile::seed ? topic_scheme::netana : topic_scheme::ietf_02;
}

bool key_config::effective_type_level() const noexcept
{
    if (type_level) {
        return *type_level == distribution_type::subscription_type;
    }
    return effective_scheme() == topic_scheme::netana;
}

std::string key_config::effective_fallback_topic() const
{
    if (!fallback_topic.empty()) {
        return fallback_topic;
    }
    if (topic_prefix.empty()) {
        return "unknown";
    }
    const char sep = effective_scheme() == topic_scheme::netana ? '.' : '-';
    return topic_prefix + sep + "unknown";
}

namespace {

void require_topic(const std::string& name, const char* field, std::size_t max_len)
{
    if (!is_legal_topic(name) || name.size() > max_len) {
        throw std::invalid_argument(std::string("key: ") + field + " '" + name +
                                    "' is not a legal Kafka topic name (PROTOCOL.md §8.3: 1.." +
                                    std::to_string(max_len) + " of [a-zA-Z0-9._-], not . or ..)");
    }
}

void require_level(const type_level_names& names, const char* field)
{
    for (const auto* s : {&names.periodic, &names.on_change, &names.on_change_sync,
                          &names.on_change_sync_compacted}) {
        if (!is_legal_topic(*s)) {
            throw std::invalid_argument(std::string("key: ") + field + " contains '" + *s +
                                        "', not legal in a Kafka topic name (PROTOCOL.md §8.3)");
        }
    }
}

} // namespace

void key_config::validate() const
{
    if (max_topic_length < 16 || max_topic_length > max_kafka_topic_length) {
        throw std::invalid_argument("key: max_topic_length must be 16..249 (PROTOCOL.md §8.3, "
                                    "§11.17), got " +
                                    std::to_string(max_topic_length));
    }
    require_topic(single_topic, "single_topic", max_topic_length);
    require_topic(effective_fallback_topic(), "fallback_topic", max_topic_length);
    if (!topic_prefix.empty()) {
        require_topic(topic_prefix, "topic_prefix", max_topic_length - 10);
    }
    require_level(netana_types, "netana_types");
    require_level(ietf02_types, "ietf02_types");
    if (max_branches < 1 || max_branches > 64) {
        throw std::invalid_argument("key: max_branches must be 1..64");
    }
    if (max_depth < 1 || max_depth > 64) {
        throw std::invalid_argument("key: max_depth must be 1..64");
    }
    if (max_key_bytes < 256) {
        throw std::invalid_argument("key: max_key_bytes must be at least 256");
    }
    if (max_instances < 1) {
        throw std::invalid_argument("key: max_instances must be at least 1");
    }
}

} // namespace udpn::key
