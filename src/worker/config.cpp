#include "worker/config.hpp"

#include <stdexcept>

namespace udpn::worker {

namespace {

/// PROTOCOL.md §8.3: 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
bool legal_topic(const std::string& t) noexcept
{
    if (t.empty() || t.size() > 249 || t == "." || t == "..") {
        return false;
    }
    for (const char c : t) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

std::vector<std::string> validate(const worker_config& config)
{
    std::vector<std::string> problems;
    try {
        config.key.validate();
    } catch (const std::invalid_argument& e) {
        problems.emplace_back(std::string("key: ") + e.what());
    }
    for (const auto& p : envelope::validate(config.envelope)) {
        problems.push_back("envelope: " + p);
    }
    if (config.schema.search_dirs.empty()) {
        problems.emplace_back("schema: no YANG search directory configured");
    }
    for (std::size_t i = 0; i < config.node_names.size(); ++i) {
        const node_name_entry& e = config.node_names[i];
        if (e.exporter.fam == net::ip_address::family::none) {
            problems.push_back("node_names[" + std::to_string(i) + "]: no exporter address");
        }
        if (e.name.empty()) {
            problems.push_back("node_names[" + std::to_string(i) + "]: empty name");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (config.node_names[j].exporter == e.exporter) {
                problems.push_back("node_names[" + std::to_string(i) +
                                   "]: exporter listed twice");
                break;
            }
        }
    }
    if (!config.dead_letter_topic.empty() && !legal_topic(config.dead_letter_topic)) {
        problems.push_back("dead_letter_topic: '" + config.dead_letter_topic +
                           "' is not a legal Kafka topic name");
    }
    if (config.content_type.empty()) {
        problems.emplace_back("content_type: empty");
    }
    if (config.max_payload_bytes == 0) {
        problems.emplace_back("max_payload_bytes: 0");
    }
    // The transcoders' own checks, then byte limits of 0 (which would refuse every payload).
    for (const auto& p : yangpush::validate(config.xml)) {
        problems.push_back("xml." + p);
    }
    for (const auto& p : yangpush::validate(config.cbor)) {
        problems.push_back("cbor." + p);
    }
    const auto check_bytes = [&problems](const char* name, std::size_t v) {
        if (v == 0) {
            problems.push_back(std::string(name) + ": 0");
        }
    };
    check_bytes("xml.max_input_bytes", config.xml.max_input_bytes);
    check_bytes("xml.max_output_bytes", config.xml.max_output_bytes);
    check_bytes("cbor.max_input_bytes", config.cbor.max_input_bytes);
    check_bytes("cbor.max_output_bytes", config.cbor.max_output_bytes);
    return problems;
}

} // namespace udpn::worker
