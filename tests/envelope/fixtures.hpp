#pragma once
// Shared inputs of the envelope tests: notifications decoded by the real decoder, subscription
// metadata as the subscription table would fill it, and per-profile leaf paths.
#include "envelope/config.hpp"
#include "envelope/subscription_metadata.hpp"
#include "envelope/telemetry_message.hpp"
#include "net/endpoint.hpp"
#include "yangpush/decoder.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace udpn::test {

/// A notification decoded by yangpush::json_decoder; the view stays valid while this lives.
class decoded {
  public:
    explicit decoded(std::string_view json)
        : _buf(std::string(json) + std::string(yangpush::required_padding, ' ')), _decoder(1u << 20)
    {
        auto r = _decoder.decode(std::string_view(_buf.data(), json.size()));
        if (!r) {
            throw std::runtime_error(std::string("test input does not decode: ") +
                                     yangpush::to_string(r.error()));
        }
        _view = r.value();
    }
    decoded(const decoded&) = delete;
    decoded& operator=(const decoded&) = delete;

    [[nodiscard]] const yangpush::notification_view& view() const { return _view; }

  private:
    std::string _buf;
    yangpush::json_decoder _decoder;
    yangpush::notification_view _view;
};

inline constexpr std::string_view push_update_contents =
    R"({"id":1042,"ietf-yp-observation:timestamp":"2026-03-01T10:00:00.00Z",)"
    R"("ietf-yp-observation:point-in-time":"current-accounting",)"
    R"("ietf-distributed-notif:message-publisher-id":2,)"
    R"("datastore-contents":{"ietf-interfaces:interfaces":{"interface":[)"
    R"({"name":"eth0","type":"iana-if-type:ethernetCsmacd","oper-status":"up"}]}}})";

/// `ietf-yp-notification:envelope` around a push-update (PROTOCOL.md §3.2).
inline std::string envelope_input()
{
    return std::string(
               R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
               R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)"
               R"({"ietf-yang-push:push-update":)") +
           std::string(push_update_contents) + "}}}";
}

/// A legacy wrapper (PROTOCOL.md §3.1) named \p wrapper around the same push-update.
inline std::string legacy_input(std::string_view wrapper)
{
    return "{\"" + std::string(wrapper) +
           R"(":{"eventTime":"2026-03-01T10:00:00.12Z","ietf-yang-push:push-update":)" +
           std::string(push_update_contents) + "}}";
}

/// The push-update alone as the root.
inline std::string bare_input()
{
    return R"({"ietf-yang-push:push-update":)" + std::string(push_update_contents) + "}";
}

/// The notification member alone, as a stripped payload must be.
inline std::string stripped_payload()
{
    return bare_input();
}

/// Minified form of a JSON text (for comparisons independent of whitespace).
inline std::string minified(std::string_view json)
{
    simdjson::dom::parser parser;
    return simdjson::minify(parser.parse(std::string(json)).value());
}

/// The `payload` member of an emitted message, minified.
inline std::string payload_of(std::string_view message)
{
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(std::string(message)).value();
    return simdjson::minify(doc["ietf-telemetry-message:message"]["payload"].value());
}

/// A periodic, xpath-filtered, datastore subscription as subscription-started reports it
/// (PROTOCOL.md §4 first example).
inline envelope::subscription_metadata periodic_subscription()
{
    envelope::subscription_metadata s;
    s.id = 1042;
    s.filter = envelope::filter_kind::xpath;
    s.filter_text = "/ietf-interfaces:interfaces/interface";
    s.target = envelope::target_kind::datastore;
    s.target_value = "ietf-datastores:operational";
    s.transport = "ietf-udp-notif-transport:udp-notif";
    s.encoding = "encode-json"; // unqualified, as in subscription-started (§11.27)
    s.purpose = "interface statistics";
    s.trigger = envelope::trigger_kind::periodic;
    s.period = 3000;
    s.anchor_time = "2026-01-01T00:00:00Z";
    s.modules = {{"ietf-interfaces", "2018-02-20", "1.0.0"}, {"ietf-ip", "2018-02-22", ""}};
    s.yang_library_content_id = "41c3a2";
    return s;
}

/// An on-change, subtree-filtered subscription (PROTOCOL.md §4 second example).
inline envelope::subscription_metadata on_change_subscription()
{
    envelope::subscription_metadata s;
    s.id = 1042;
    s.filter = envelope::filter_kind::subtree;
    s.filter_text = R"( {"ietf-hardware:hardware":{"component":[{"state":{}}]}} )";
    s.target = envelope::target_kind::datastore;
    s.target_value = "operational"; // unqualified: the writer adds ietf-datastores
    s.transport = "ietf-udp-notif-transport:udp-notif";
    s.encoding = "ietf-subscribed-notifications:encode-json";
    s.trigger = envelope::trigger_kind::on_change;
    s.dampening_period = 100;
    s.sync_on_start = false;
    return s;
}

inline net::endpoint endpoint_of(const char* address, std::uint16_t port)
{
    return net::endpoint{net::ip_address::parse(address), port};
}

/// 2026-03-01T10:00:00.150000000Z
inline constexpr std::int64_t collection_ns = 1772359200LL * 1'000'000'000LL + 150'000'000LL;

inline envelope::message_input input_for(const yangpush::notification_view& v,
                                         const envelope::subscription_metadata* sub = nullptr)
{
    envelope::message_input in;
    in.notification = v;
    in.exporter = endpoint_of("192.0.2.10", 50123);
    in.collector = endpoint_of("198.51.100.5", 10003);
    in.collection_time_ns = collection_ns;
    in.subscription = sub;
    return in;
}

/// gtest parameter name of a profile (`seed`, `latest`).
inline std::string profile_name(const ::testing::TestParamInfo<envelope::profile>& param_info)
{
    return envelope::to_string(param_info.param);
}

/// Leaf paths (yang_validator::value syntax) that differ between the profiles.
struct paths {
    std::string export_address, export_port, collection_address, collection_port, event_time,
        collection_time, subscription, labels, module_list, module_key, module_version;

    static paths of(envelope::profile p)
    {
        const std::string yptm =
            "telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription";
        if (p == envelope::profile::seed) {
            return {"data-collection-metadata/remote-address",
                    "data-collection-metadata/remote-port",
                    "data-collection-metadata/local-address",
                    "data-collection-metadata/local-port",
                    "telemetry-message-metadata/event-time",
                    "timestamp",
                    yptm,
                    "data-collection-metadata/labels",
                    "module-version",
                    "module-name",
                    "revision-label"};
        }
        return {"telemetry-message-metadata/export-address",
                "telemetry-message-metadata/export-port",
                "telemetry-message-metadata/collection-address",
                "telemetry-message-metadata/collection-port",
                "telemetry-message-metadata/node-export-timestamp",
                "telemetry-message-metadata/collection-timestamp",
                yptm,
                "network-operator-metadata/labels",
                "module",
                "name",
                "version"};
    }
};

} // namespace udpn::test
