#pragma once
// Test helpers: decode notification documents into views for subscription::table, and the
// PROTOCOL.md §4 composed examples.
#include "net/endpoint.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/notification.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace udpn::test {

inline constexpr std::string_view sn = "ietf-subscribed-notifications:";

// PROTOCOL.md §4 composed examples: the notification member values.
inline constexpr std::string_view started_1042 = R"({
  "id": 1042,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
  "transport": "ietf-udp-notif-transport:udp-notif",
  "encoding": "encode-json",
  "ietf-yang-push:periodic": {"period": 3000, "anchor-time": "2026-01-01T00:00:00Z"},
  "ietf-yang-push-revision:module-version": [
    {"name": "ietf-interfaces", "revision": "2018-02-20", "version": "1.0.0"}],
  "ietf-yang-push-revision:yang-library-content-id": "41c3a2",
  "ietf-distributed-notif:message-publisher-id": [1, 2]})";

inline constexpr std::string_view started_2001 = R"({
  "id": 2001,
  "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-subtree-filter": {
    "ietf-hardware:hardware": {"component": [{"state": {}}]}},
  "transport": "ietf-udp-notif-transport:udp-notif",
  "encoding": "encode-json",
  "ietf-yang-push:on-change": {"dampening-period": 100, "sync-on-start": true}})";

inline constexpr std::string_view started_3 = R"({
  "id": 3,
  "stream": "NETCONF",
  "stream-xpath-filter": "/ietf-hardware:hardware-state-oper-disabled",
  "encoding": "encode-json"})";

inline constexpr std::string_view modified_1042 = R"({
  "id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",
  "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
  "ietf-yang-push:periodic": {"period": 6000}})";

inline constexpr std::string_view terminated_1042 =
    R"({"id": 1042, "reason": "ietf-subscribed-notifications:filter-unavailable"})";
inline constexpr std::string_view suspended_2001 =
    R"({"id": 2001, "reason": "ietf-yang-push:update-too-big"})";
inline constexpr std::string_view resumed_2001 = R"({"id": 2001})";
inline constexpr std::string_view replay_completed_3 = R"({"id": 3})";

inline constexpr std::string_view push_update_1042 = R"({
  "id": 1042,
  "ietf-yp-observation:timestamp": "2026-03-01T10:00:00.00Z",
  "ietf-yp-observation:point-in-time": "current-accounting",
  "ietf-distributed-notif:message-publisher-id": 2,
  "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [
    {"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up"}]}}})";

/// Decodes notification documents; each view is valid until the next decode().
class notifications {
public:
    /// `{"<module:name>": <contents>}`, in an envelope with \p event_time when given.
    const yangpush::notification_view& decode(std::string_view name, std::string_view contents,
                                              std::string_view event_time = {})
    {
        std::string doc;
        if (event_time.empty()) {
            doc = "{\"" + std::string(name) + "\": " + std::string(contents) + "}";
        } else {
            doc = R"({"ietf-yp-notification:envelope": {"event-time": ")" +
                  std::string(event_time) + R"(", "contents": {")" + std::string(name) +
                  "\": " + std::string(contents) + "}}}";
        }
        return decode_document(doc);
    }

    /// A subscription state change of ietf-subscribed-notifications (`subscription-started`…).
    const yangpush::notification_view& state(std::string_view local, std::string_view contents,
                                             std::string_view event_time = {})
    {
        return decode(std::string(sn) + std::string(local), contents, event_time);
    }

    const yangpush::notification_view& decode_document(std::string_view doc)
    {
        _buf.assign(doc);
        _buf.append(yangpush::required_padding, '\0');
        auto r = _dec.decode(std::string_view(_buf.data(), doc.size()));
        EXPECT_TRUE(r.ok()) << doc;
        _view = r.ok() ? r.value() : yangpush::notification_view{};
        return _view;
    }

private:
    yangpush::json_decoder _dec;
    std::string _buf;
    yangpush::notification_view _view;
};

inline net::ip_address addr(const char* text)
{
    return net::ip_address::parse(text);
}

} // namespace udpn::test
