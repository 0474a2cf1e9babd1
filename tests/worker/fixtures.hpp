#pragma once
// Test helpers for worker::stage: configurations over ../shared/yang (path from meson),
// padded messages, a sink that keeps copies of the records, and notification documents.
#include "worker/stage.hpp"
#include "yangpush/decoder.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace udpn::test {

inline const key::schema_context& shared_schema()
{
    static const key::schema_context schema(key::schema_config{{UDPN_YANG_DIR}, {}, true});
    return schema;
}

/// Topic distribution, both standards profiles switched together, the draft's node name for
/// the test exporter.
inline worker::worker_config config_for(key::profile p)
{
    worker::worker_config c;
    c.key.standards_profile = p;
    c.key.distribution = key::topic_distribution::topic;
    c.envelope.profile = p == key::profile::seed ? envelope::profile::seed : envelope::profile::latest;
    c.schema.search_dirs = {UDPN_YANG_DIR};
    c.node_names.push_back({net::ip_address::parse("192.0.2.10"), "router-nyc-01"});
    return c;
}

/// A copy of one record.
struct kept_record {
    worker::record_kind kind = worker::record_kind::telemetry;
    std::string topic;
    bool has_key = false;
    std::string key;
    std::string value;
    bool value_owned = false; ///< record::value_storage was set (the stage's own buffer)
    std::vector<std::pair<std::string, std::string>> headers;
};

class collecting_sink final : public worker::record_sink {
  public:
    void on_record(const worker::record& r) noexcept override
    {
        kept_record k;
        k.kind = r.kind;
        k.topic = r.topic;
        k.has_key = r.has_key;
        k.key = r.key;
        k.value = r.value;
        k.value_owned = r.value_storage != nullptr;
        for (const auto& h : r.headers) {
            k.headers.emplace_back(h.name, h.value);
        }
        records.push_back(std::move(k));
    }
    std::vector<kept_record> records;
};

/// Counts records without keeping them (allocation-free).
class counting_sink final : public worker::record_sink {
  public:
    void on_record(const worker::record& r) noexcept override
    {
        ++n_records;
        bytes += r.value.size();
        last_key_size = r.key.size();
    }
    std::size_t n_records = 0;
    std::size_t bytes = 0;
    std::size_t last_key_size = 0;
};

/// A message from 192.0.2.10:50123 to 198.51.100.5:10003 whose payload is padded.
class message_maker {
  public:
    const worker::message& make(std::string_view payload, std::uint8_t media_type = 1)
    {
        _buf.assign(payload);
        _buf.append(yangpush::required_padding, '\0');
        _msg.payload = std::string_view(_buf.data(), payload.size());
        _msg.exporter = {net::ip_address::parse("192.0.2.10"), 50123};
        _msg.collector = {net::ip_address::parse("198.51.100.5"), 10003};
        _msg.publisher_id = 1;
        _msg.message_id = ++_message_id;
        _msg.media_type = media_type;
        _msg.collection_time_ns = 1'772'359'200'150'000'000; // 2026-03-01T10:00:00.15Z
        return _msg;
    }

  private:
    std::string _buf;
    worker::message _msg;
    std::uint32_t _message_id = 0;
};

inline constexpr std::string_view started_1042 = R"({
  "id": 1042,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
  "transport": "ietf-udp-notif-transport:udp-notif",
  "encoding": "encode-json",
  "ietf-yang-push:periodic": {"period": 3000},
  "ietf-yang-push-revision:module-version": [
    {"name": "ietf-interfaces", "revision": "2018-02-20"}],
  "ietf-yang-push-revision:yang-library-content-id": "41c3a2"})";

inline constexpr std::string_view started_2001_subtree = R"({
  "id": 2001,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-subtree-filter": {
    "ietf-hardware:hardware": {"component": [{"serial-num": {}}]}},
  "ietf-yang-push:on-change": {"sync-on-start": true}})";

/// `ietf-yp-notification:envelope` around `{"<name>": <contents>}`.
inline std::string in_envelope(std::string_view name, std::string_view contents,
                               std::uint32_t sequence_number = 1,
                               std::string_view hostname = "router-nyc-01")
{
    std::string s = R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00.12Z", )";
    if (!hostname.empty()) {
        s += R"("hostname": ")" + std::string(hostname) + "\", ";
    }
    s += R"("sequence-number": )" + std::to_string(sequence_number) + R"(, "contents": {")" +
         std::string(name) + "\": " + std::string(contents) + "}}}";
    return s;
}

/// Legacy `ietf-notification:notification` with `eventTime` (no hostname).
inline std::string legacy(std::string_view name, std::string_view contents)
{
    return R"({"ietf-notification:notification": {"eventTime": "2026-03-01T10:00:00.12Z", ")" +
           std::string(name) + "\": " + std::string(contents) + "}}";
}

inline std::string started(std::string_view contents)
{
    return in_envelope("ietf-subscribed-notifications:subscription-started", contents);
}

/// A push-update of subscription \p id with the named interfaces, padded to about
/// \p min_bytes with extra statistics when given.
inline std::string push_update_contents(std::uint32_t id, std::initializer_list<std::string_view> names)
{
    std::string s = R"({"id": )" + std::to_string(id) +
                    R"(, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)";
    bool first = true;
    for (const auto n : names) {
        s += first ? "" : ", ";
        first = false;
        s += R"({"name": ")" + std::string(n) +
             R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up"})";
    }
    return s + "]}}}";
}

inline constexpr std::string_view push_update_name = "ietf-yang-push:push-update";

/// A push-update of subscription 1042 in XML (media type 2): interface eth0, six elements deep
/// (notification, push-update, datastore-contents, interfaces, interface, name).
inline constexpr std::string_view xml_push_update_1042 =
    R"(<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">)"
    R"(<eventTime>2026-03-01T10:00:00.12Z</eventTime>)"
    R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>)"
    R"(<datastore-contents><interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
    R"(<interface><name>eth0</name></interface></interfaces></datastore-contents>)"
    R"(</push-update></notification>)";

} // namespace udpn::test
