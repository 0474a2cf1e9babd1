// XML (media type 2) → RFC 7951 JSON with libyang against ../shared/yang: NETCONF, envelope and
// bare forms; the JSON re-parsed by libyang and by json_decoder; namespace-bound XPath prefixes;
// and the error reasons.
#include "key/schema_context.hpp"
#include "padded.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/xml_transcoder.hpp"

#include <libyang/libyang.h>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace udpn;
using namespace udpn::yangpush;
using udpn::test::padded_payload;

namespace {

const key::schema_context& schema()
{
    static const key::schema_context s(key::schema_config{{UDPN_YANG_DIR}, {}, true});
    return s;
}

constexpr std::string_view netconf_open =
    R"(<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">)"
    R"(<eventTime>2026-03-01T10:00:00.12Z</eventTime>)";

constexpr std::string_view push_update_xml =
    R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>)"
    R"(<message-publisher-id xmlns="urn:ietf:params:xml:ns:yang:ietf-distributed-notif">2)"
    R"(</message-publisher-id><datastore-contents>)"
    R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
    R"(<interface><name>eth0</name>)"
    R"(<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">)"
    R"(ianaift:ethernetCsmacd</type>)"
    R"(<oper-status>up</oper-status><statistics><in-octets>12345678901234</in-octets>)"
    R"(</statistics></interface>)"
    R"(<interface><name>eth1</name><enabled>false</enabled></interface>)"
    R"(</interfaces></datastore-contents></push-update>)";

/// What libyang prints for push_update_xml (schema order: the augment comes last).
constexpr std::string_view push_update_json =
    R"({"ietf-yang-push:push-update":{"id":1042,"datastore-contents":{)"
    R"("ietf-interfaces:interfaces":{"interface":[{"name":"eth0",)"
    R"("type":"iana-if-type:ethernetCsmacd","oper-status":"up",)"
    R"("statistics":{"in-octets":"12345678901234"}},{"name":"eth1","enabled":false}]}},)"
    R"("ietf-distributed-notif:message-publisher-id":2}})";

std::string netconf(std::string_view notification)
{
    return std::string(netconf_open) + std::string(notification) + "</notification>";
}

std::string envelope(std::string_view notification, std::string_view contents = "contents")
{
    return R"(<envelope xmlns="urn:ietf:params:xml:ns:yang:ietf-yp-notification">)"
           R"(<event-time>2026-03-01T10:00:00.12Z</event-time>)"
           R"(<hostname>pe1.example.net</hostname><sequence-number>1284</sequence-number><)" +
           std::string(contents) + ">" + std::string(notification) + "</" + std::string(contents) +
           "></envelope>";
}

/// Transcodes and expects success.
std::string to_json(xml_transcoder& t, std::string_view xml)
{
    std::string json;
    const auto r = t.transcode(xml, json);
    EXPECT_TRUE(r.ok()) << to_string(r.error()) << ": " << t.last_error_detail();
    return json;
}

xml_transcode_error error_of(xml_transcoder& t, std::string_view xml)
{
    std::string json;
    const auto r = t.transcode(xml, json);
    EXPECT_FALSE(r.ok()) << json;
    EXPECT_TRUE(json.empty());
    return r.ok() ? xml_transcode_error::internal : r.error();
}

/// Decoded view plus the padded text it points into.
struct decoded {
    padded_payload text;
    json_decoder dec;
    result<notification_view, decode_error> view = decode_error::invalid_json;
    explicit decoded(std::string_view json) : text(json) { view = dec.decode(text.view()); }
};

/// libyang parses `{"name": contents}` as a YANG notification (RFC 7951 input) and, with
/// \p strict_contents, datastore-contents as strictly typed data; empty string when both pass.
std::string libyang_rejects(const notification_view& v, bool strict_contents)
{
    const ly_ctx* ctx = schema().native();
    const std::string doc = "{\"" + std::string(v.name) + "\":" + std::string(v.contents) + "}";
    ly_in* in = nullptr;
    lyd_node* tree = nullptr;
    lyd_node* op = nullptr;
    ly_in_new_memory(doc.c_str(), &in);
    const LY_ERR err = lyd_parse_op(ctx, nullptr, in, LYD_JSON, LYD_TYPE_NOTIF_YANG, &tree, &op);
    ly_in_free(in, 0);
    std::string problem;
    if (err != LY_SUCCESS) {
        problem = std::string("notification: ") + ly_errmsg(ctx);
    } else if (strict_contents) {
        const lyd_node* any = nullptr;
        for (const lyd_node* c = lyd_child(op); c != nullptr; c = c->next) {
            if (c->schema != nullptr && std::string_view(c->schema->name) == "datastore-contents") {
                any = c;
            }
        }
        char* contents = nullptr;
        if (any == nullptr || lyd_any_value_str(any, &contents) != LY_SUCCESS) {
            problem = "no datastore-contents";
        } else {
            // lyd_any_value_str prints XML for a data tree; print JSON of the tree instead.
            std::free(contents);
            contents = nullptr;
            const auto* a = reinterpret_cast<const lyd_node_any*>(any);
            lyd_print_mem(&contents, a->value.tree, LYD_JSON,
                          LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK);
            lyd_node* data = nullptr;
            if (lyd_parse_data_mem(ctx, contents, LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_ONLY, 0,
                                   &data) != LY_SUCCESS) {
                problem = std::string("datastore-contents: ") + ly_errmsg(ctx);
            }
            lyd_free_all(data);
            std::free(contents);
        }
    }
    lyd_free_all(tree);
    return problem;
}

} // namespace

// PROTOCOL.md §3.1: the NETCONF form becomes the ietf-notification wrapper json_decoder reads,
// with the same kind, id, event time and publisher id as the equivalent JSON document.
TEST(XmlTranscoder, TurnsTheNetconfFormIntoTheIetfNotificationWrapper)
{
    xml_transcoder t(schema().native());
    const std::string json = to_json(t, netconf(push_update_xml));
    const std::string expected =
        R"({"ietf-notification:notification":{"eventTime":"2026-03-01T10:00:00.12Z",)" +
        std::string(push_update_json.substr(1)) + "}";
    EXPECT_EQ(json, expected);

    const decoded x(json);
    const decoded j(
        R"({"ietf-notification:notification":{"eventTime":"2026-03-01T10:00:00.12Z",)"
        R"("ietf-yang-push:push-update":{"id":1042,)"
        R"("ietf-distributed-notif:message-publisher-id":2,"datastore-contents":{}}}})");
    ASSERT_TRUE(x.view.ok()) << to_string(x.view.error());
    ASSERT_TRUE(j.view.ok());
    EXPECT_EQ(x.view->form, wrapper_form::ietf_notification);
    EXPECT_EQ(x.view->form, j.view->form);
    EXPECT_EQ(x.view->kind, notification_kind::push_update);
    EXPECT_EQ(x.view->kind, j.view->kind);
    EXPECT_EQ(x.view->subscription_id, j.view->subscription_id);
    EXPECT_EQ(x.view->event_time, j.view->event_time);
    EXPECT_EQ(x.view->publisher_id, j.view->publisher_id);
    EXPECT_EQ(x.view->name, "ietf-yang-push:push-update");
    EXPECT_EQ(t.stats().transcoded, 1u);
    EXPECT_TRUE(t.last_error_detail().empty());
}

// PROTOCOL.md §3.2: envelope → envelope, with hostname and sequence number.
TEST(XmlTranscoder, TurnsTheEnvelopeFormIntoTheJsonEnvelope)
{
    xml_transcoder t(schema().native());
    const std::string json = to_json(t, envelope(push_update_xml));
    EXPECT_EQ(json, R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
                    R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)" +
                        std::string(push_update_json) + "}}");

    const decoded x(json);
    const decoded j(R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
                    R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)"
                    R"({"ietf-yang-push:push-update":{"id":1042,"datastore-contents":{}}}}})");
    ASSERT_TRUE(x.view.ok()) << to_string(x.view.error());
    ASSERT_TRUE(j.view.ok());
    EXPECT_EQ(x.view->form, wrapper_form::envelope);
    EXPECT_EQ(x.view->kind, j.view->kind);
    EXPECT_EQ(x.view->subscription_id, j.view->subscription_id);
    EXPECT_EQ(x.view->event_time, j.view->event_time);
    EXPECT_EQ(x.view->hostname, j.view->hostname);
    ASSERT_TRUE(x.view->has_sequence_number);
    EXPECT_EQ(x.view->sequence_number, j.view->sequence_number);
    EXPECT_EQ(x.view->contents, push_update_json.substr(30, push_update_json.size() - 31));
}

// Namespaces declared on the envelope are inherited by the notification inside contents;
// ENV-00's notification-contents name is kept (PROTOCOL.md §11.8); entities are decoded.
TEST(XmlTranscoder, CarriesInheritedNamespacesIntoTheEnvelopeContents)
{
    xml_transcoder t(schema().native());
    const std::string xml =
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<!-- exporter -->)"
        R"(<iypn:envelope xmlns:iypn="urn:ietf:params:xml:ns:yang:ietf-yp-notification")"
        R"( xmlns:yp='urn:ietf:params:xml:ns:yang:ietf-yang-push' xmlns="urn:example:default">)"
        R"(<iypn:event-time> 2026-03-01T10:00:00Z </iypn:event-time>)"
        R"(<iypn:hostname>pe&#x31;.example.net</iypn:hostname>)"
        R"(<other xmlns="urn:example:ext">x</other>)"
        R"(<iypn:notification-contents><yp:push-update><yp:id>7</yp:id>)"
        R"(<yp:incomplete-update/></yp:push-update></iypn:notification-contents></iypn:envelope>)";
    const std::string json = to_json(t, xml);
    EXPECT_EQ(json, R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00Z",)"
                    R"("hostname":"pe1.example.net","notification-contents":)"
                    R"({"ietf-yang-push:push-update":{"id":7,"incomplete-update":[null]}}}})");
    EXPECT_EQ(t.stats().envelope_members_skipped, 1u);
    const decoded x(json);
    ASSERT_TRUE(x.view.ok());
    EXPECT_EQ(x.view->form, wrapper_form::envelope_legacy);
    EXPECT_EQ(x.view->subscription_id, 7u);
}

// anydata datastore-contents: module-qualified members, lists as arrays, identityrefs with
// module names, 64-bit counters as strings; libyang accepts the JSON back, strictly typed.
TEST(XmlTranscoder, PrintsDatastoreContentsAsTypedRfc7951Json)
{
    xml_transcoder t(schema().native());
    const std::string json = to_json(t, netconf(push_update_xml));
    EXPECT_NE(json.find(R"("ietf-interfaces:interfaces":{"interface":[{"name":"eth0")"),
              std::string::npos);
    EXPECT_NE(json.find(R"("type":"iana-if-type:ethernetCsmacd")"), std::string::npos);
    EXPECT_NE(json.find(R"("in-octets":"12345678901234")"), std::string::npos);
    EXPECT_NE(json.find(R"("enabled":false)"), std::string::npos);
    const decoded x(json);
    ASSERT_TRUE(x.view.ok());
    EXPECT_EQ(libyang_rejects(*x.view, true), "");
    EXPECT_EQ(t.stats().opaque_content, 0u);
}

// PROTOCOL.md §3.4: XML xpath1.0 values use xmlns-bound prefixes; the JSON carries module names.
TEST(XmlTranscoder, GivesXpathFiltersModuleNamePrefixes)
{
    xml_transcoder t(schema().native());
    const std::string started =
        R"(<subscription-started xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications")"
        R"( xmlns:yp="urn:ietf:params:xml:ns:yang:ietf-yang-push")"
        R"( xmlns:a="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
        R"(<id>1042</id>)"
        R"(<yp:datastore xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">)"
        R"(ds:operational</yp:datastore>)"
        R"(<yp:datastore-xpath-filter xmlns:ip="urn:ietf:params:xml:ns:yang:ietf-ip">)"
        R"(/a:interfaces/a:interface[a:name='x:y']/ip:ipv4 | /a:interfaces/a:interface/child::a:*)"
        R"(</yp:datastore-xpath-filter>)"
        R"(<transport xmlns:unt="urn:ietf:params:xml:ns:yang:ietf-udp-notif-transport">)"
        R"(unt:udp-notif</transport>)"
        R"(<encoding>encode-xml</encoding>)"
        R"(<yp:periodic><yp:period>3000</yp:period></yp:periodic></subscription-started>)";
    const std::string json = to_json(t, netconf(started));
    EXPECT_EQ(json,
              R"({"ietf-notification:notification":{"eventTime":"2026-03-01T10:00:00.12Z",)"
              R"("ietf-subscribed-notifications:subscription-started":{"id":1042,)"
              R"("ietf-yang-push:datastore":"ietf-datastores:operational",)"
              R"("ietf-yang-push:datastore-xpath-filter":"/ietf-interfaces:interfaces/)"
              R"(ietf-interfaces:interface[ietf-interfaces:name='x:y']/ietf-ip:ipv4 | )"
              R"(/ietf-interfaces:interfaces/ietf-interfaces:interface/child::ietf-interfaces:*",)"
              R"("transport":"ietf-udp-notif-transport:udp-notif",)"
              R"("encoding":"ietf-subscribed-notifications:encode-xml",)"
              R"("ietf-yang-push:periodic":{"period":3000}}}})");
    EXPECT_EQ(t.stats().xpath_prefixes_rewritten, 1u);
    const decoded x(json);
    ASSERT_TRUE(x.view.ok());
    EXPECT_EQ(x.view->kind, notification_kind::subscription_started);
    EXPECT_EQ(x.view->subscription_id, 1042u);
    EXPECT_EQ(libyang_rejects(*x.view, false), "");

    // Stream case inside an envelope, prefix declared on the envelope; a prefix that already
    // is a module name stays, an unbound one is left for the key resolver (§11.10).
    const std::string stream =
        R"(<subscription-modified)"
        R"( xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications">)"
        R"(<id>3</id><stream>NETCONF</stream>)"
        R"(<stream-xpath-filter>/hw:hardware-state-oper-disabled | /ietf-hardware:hardware)"
        R"( | /zz:x</stream-xpath-filter></subscription-modified>)";
    std::string env = envelope(stream);
    env.insert(env.find('>'), R"( xmlns:hw="urn:ietf:params:xml:ns:yang:ietf-hardware")");
    const std::string json2 = to_json(t, env);
    EXPECT_NE(json2.find(R"("stream-xpath-filter":"/ietf-hardware:hardware-state-oper-disabled)"
                         R"( | /ietf-hardware:hardware | /zz:x")"),
              std::string::npos)
        << json2;
    const decoded y(json2);
    ASSERT_TRUE(y.view.ok());
    EXPECT_EQ(y.view->kind, notification_kind::subscription_modified);
}

// PROTOCOL.md §4: the other state changes and push-change-update come through typed.
TEST(XmlTranscoder, TranscodesStateChangesAndChangeUpdates)
{
    xml_transcoder t(schema().native());
    const std::string sn = R"( xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications")";
    struct case_t {
        std::string xml;
        std::string_view json;
        notification_kind kind;
    };
    const case_t cases[] = {
        {"<subscription-terminated" + sn + "><id>1042</id><reason>filter-unavailable</reason>" +
             "</subscription-terminated>",
         R"({"ietf-subscribed-notifications:subscription-terminated":{"id":1042,)"
         R"("reason":"ietf-subscribed-notifications:filter-unavailable"}})",
         notification_kind::subscription_terminated},
        {"<subscription-suspended" + sn +
             R"( xmlns:yp="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>2001</id>)" +
             "<reason>yp:update-too-big</reason></subscription-suspended>",
         R"({"ietf-subscribed-notifications:subscription-suspended":{"id":2001,)"
         R"("reason":"ietf-yang-push:update-too-big"}})",
         notification_kind::subscription_suspended},
        {"<subscription-resumed" + sn + "><id>2001</id></subscription-resumed>",
         R"({"ietf-subscribed-notifications:subscription-resumed":{"id":2001}})",
         notification_kind::subscription_resumed},
        {"<replay-completed" + sn + "><id>3</id></replay-completed>",
         R"({"ietf-subscribed-notifications:replay-completed":{"id":3}})",
         notification_kind::replay_completed},
        {R"(<push-change-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>2001</id>)"
         R"(<datastore-changes><yang-patch><patch-id>p-17</patch-id><edit><edit-id>e1</edit-id>)"
         R"(<operation>replace</operation>)"
         R"(<target>/ietf-interfaces:interfaces/interface=eth0/oper-status</target><value>)"
         R"(<oper-status xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">down</oper-status>)"
         R"(</value></edit></yang-patch></datastore-changes></push-change-update>)",
         R"({"ietf-yang-push:push-change-update":{"id":2001,"datastore-changes":{"yang-patch":)"
         R"({"patch-id":"p-17","edit":[{"edit-id":"e1","operation":"replace",)"
         R"("target":"/ietf-interfaces:interfaces/interface=eth0/oper-status",)"
         R"("value":{"ietf-interfaces:oper-status":"down"}}]}}}})",
         notification_kind::push_change_update},
    };
    for (const auto& c : cases) {
        // Bare form: the notification element is the root.
        const std::string json = to_json(t, c.xml);
        EXPECT_EQ(json, c.json);
        const decoded x(json);
        ASSERT_TRUE(x.view.ok()) << json;
        EXPECT_EQ(x.view->form, wrapper_form::none);
        EXPECT_EQ(x.view->kind, c.kind);
        EXPECT_EQ(libyang_rejects(*x.view, false), "");
    }
}

TEST(XmlTranscoder, ReportsMalformedXml)
{
    xml_transcoder t(schema().native());
    const std::string good = netconf(push_update_xml);
    EXPECT_EQ(error_of(t, good.substr(0, good.size() - 3)), xml_transcode_error::malformed_xml);
    std::string mismatched = good;
    mismatched.replace(mismatched.find("</push-update>"), 14, "</push-updat>");
    EXPECT_EQ(error_of(t, mismatched), xml_transcode_error::malformed_xml);
    EXPECT_NE(t.last_error_detail().find("malformed_xml"), std::string_view::npos);
    EXPECT_EQ(error_of(t, good + "<x/>"), xml_transcode_error::malformed_xml);
    EXPECT_EQ(error_of(t, "junk" + good), xml_transcode_error::malformed_xml);
    EXPECT_EQ(error_of(t, ""), xml_transcode_error::malformed_xml);
    EXPECT_EQ(error_of(t, R"(<a:push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"/>)"),
              xml_transcode_error::malformed_xml); // unbound prefix
    // A DOCTYPE could declare entities: refused before libyang sees it.
    EXPECT_EQ(error_of(t, R"(<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaa">]>)" + good),
              xml_transcode_error::malformed_xml);
    // Syntax libyang finds inside the notification (a bad entity).
    std::string entity = good;
    entity.replace(entity.find(">eth0<"), 6, ">&bogus;<");
    EXPECT_EQ(error_of(t, entity), xml_transcode_error::malformed_xml);
    EXPECT_NE(t.last_error_detail().find("libyang"), std::string_view::npos);
    EXPECT_EQ(t.stats().failed[static_cast<std::size_t>(xml_transcode_error::malformed_xml)], 8u);
}

TEST(XmlTranscoder, FailsCleanlyOnTruncationAtEveryLength)
{
    xml_transcoder t(schema().native());
    for (const std::string& doc : {netconf(push_update_xml), envelope(push_update_xml)}) {
        for (std::size_t n = 0; n < doc.size(); ++n) {
            const std::string prefix = doc.substr(0, n);
            std::string json;
            const auto r = t.transcode(prefix, json);
            ASSERT_FALSE(r.ok()) << n;
            EXPECT_EQ(r.error(), xml_transcode_error::malformed_xml)
                << n << " " << t.last_error_detail();
        }
    }
}

// Random corruption never crashes, and whatever is accepted is well-formed JSON.
TEST(XmlTranscoder, SurvivesCorruptedInput)
{
    xml_transcoder t(schema().native());
    const std::string docs[] = {netconf(push_update_xml), envelope(push_update_xml)};
    std::mt19937 rng(20260301);
    const char alphabet[] = "<>/=\"':&;x \x00\xC3";
    std::string json;
    std::size_t n_ok = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string bad = docs[i % 2];
        const int n_flips = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < n_flips; ++k) {
            bad[rng() % bad.size()] = alphabet[rng() % (sizeof alphabet - 1)];
        }
        if (const auto r = t.transcode(bad, json); r.ok()) {
            ++n_ok;
            const decoded x(json);
            EXPECT_TRUE(x.view.ok()) << json;
        } else {
            EXPECT_FALSE(t.last_error_detail().empty());
        }
    }
    EXPECT_EQ(t.stats().transcoded, n_ok);
}

TEST(XmlTranscoder, ReportsUnknownNamespaces)
{
    xml_transcoder t(schema().native());
    EXPECT_EQ(
        error_of(t,
                 netconf(R"(<push-update xmlns="urn:example:unknown"><id>1</id></push-update>)")),
        xml_transcode_error::unknown_namespace);
    EXPECT_NE(t.last_error_detail().find("urn:example:unknown"), std::string_view::npos);
    EXPECT_EQ(
        error_of(t, envelope(R"(<push-update><id>1</id></push-update>)")),
        xml_transcode_error::not_a_notification); // inherits the envelope namespace: no such notif
    EXPECT_EQ(error_of(t, R"(<push-update><id>1</id></push-update>)"),
              xml_transcode_error::unknown_namespace); // no namespace at all
    // Content in a namespace the context lacks would print unqualified: refused.
    const std::string foreign =
        R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
        R"(<datastore-contents><foo xmlns="urn:example:vendor"><bar>1</bar></foo>)"
        R"(</datastore-contents></push-update>)";
    EXPECT_EQ(error_of(t, netconf(foreign)), xml_transcode_error::unknown_namespace);
    EXPECT_NE(t.last_error_detail().find("urn:example:vendor"), std::string_view::npos);
    // A vendor augment of push-update whose module the context lacks (found by libyang).
    const std::string augment =
        R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
        R"(<seq xmlns="urn:example:vendor-aug">5</seq></push-update>)";
    EXPECT_EQ(error_of(t, envelope(augment)), xml_transcode_error::unknown_namespace);
    EXPECT_NE(t.last_error_detail().find("urn:example:vendor-aug"), std::string_view::npos);
    EXPECT_EQ(t.stats().failed[static_cast<std::size_t>(xml_transcode_error::unknown_namespace)],
              4u);
}

TEST(XmlTranscoder, ReportsDocumentsThatAreNoNotification)
{
    xml_transcoder t(schema().native());
    EXPECT_EQ(error_of(t, R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>)"),
              xml_transcode_error::not_a_notification);
    EXPECT_EQ(
        error_of(t,
                 netconf(R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>)")),
        xml_transcode_error::not_a_notification);
    EXPECT_EQ(error_of(t, netconf("")), xml_transcode_error::not_a_notification);
    EXPECT_EQ(error_of(t, R"(<envelope xmlns="urn:ietf:params:xml:ns:yang:ietf-yp-notification">)"
                          R"(<event-time>2026-03-01T10:00:00Z</event-time></envelope>)"),
              xml_transcode_error::not_a_notification);
}

TEST(XmlTranscoder, ReportsContentThatDoesNotMatchTheSchema)
{
    xml_transcoder t(schema().native());
    const std::string sn = R"(xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications")";
    EXPECT_EQ(error_of(t, netconf("<subscription-resumed " + sn +
                                  "><id>abc</id></subscription-resumed>")),
              xml_transcode_error::invalid_content);
    EXPECT_NE(t.last_error_detail().find("abc"), std::string_view::npos);
    EXPECT_EQ(error_of(t, netconf("<subscription-resumed " + sn +
                                  "><idx>1</idx></subscription-resumed>")),
              xml_transcode_error::invalid_content);
    // RFC 5277: eventTime first.
    EXPECT_EQ(
        error_of(t, R"(<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">)"
                    "<subscription-resumed " +
                        sn + "><id>1</id></subscription-resumed></notification>"),
        xml_transcode_error::invalid_content);
    // A second eventTime, an element inside eventTime, two notifications, bad envelope leaves.
    const std::string event_time = "<eventTime>2026-03-01T10:00:00Z</eventTime>";
    EXPECT_EQ(error_of(t, netconf(event_time + "<subscription-resumed " + sn +
                                  "><id>1</id></subscription-resumed>")),
              xml_transcode_error::invalid_content);
    std::string nested =
        netconf("<subscription-resumed " + sn + "><id>1</id></subscription-resumed>");
    nested.insert(nested.find("</eventTime>"), "<b/>");
    EXPECT_EQ(error_of(t, nested), xml_transcode_error::invalid_content);
    const std::string resumed =
        "<subscription-resumed " + sn + "><id>1</id></subscription-resumed>";
    EXPECT_EQ(error_of(t, netconf(resumed + resumed)), xml_transcode_error::invalid_content);
    std::string seq = envelope(resumed);
    seq.replace(seq.find(">1284<"), 6, ">-1<");
    EXPECT_EQ(error_of(t, seq), xml_transcode_error::invalid_content);
    std::string host = envelope(resumed);
    host.replace(host.find("pe1."), 4, "p\x01.");
    EXPECT_EQ(error_of(t, host), xml_transcode_error::invalid_content);
}

// Invalid values inside anydata stay (opaque, counted): the datastore content is forwarded.
TEST(XmlTranscoder, ForwardsUntypableAnydataContentAndCountsIt)
{
    xml_transcoder t(schema().native());
    const std::string json = to_json(
        t, netconf(R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
                   R"(<datastore-contents>)"
                   R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
                   R"(<interface><name>x</name><mtu>abc</mtu></interface></interfaces>)"
                   R"(</datastore-contents></push-update>)"));
    EXPECT_NE(json.find(R"("ietf-interfaces:interfaces")"), std::string::npos) << json;
    EXPECT_EQ(t.stats().opaque_content, 1u);
}

// Text needing JSON escapes: typed values are escaped by libyang; an untyped (opaque) value
// would be printed raw by libyang 2.1, so such a document is refused instead of sent broken.
TEST(XmlTranscoder, EscapesTextOrRefusesWhatLibyangWouldPrintRaw)
{
    xml_transcoder t(schema().native());
    const auto doc = [](std::string_view leaf) {
        return netconf(
            R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
            R"(<datastore-contents>)"
            R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
            R"(<interface><name>x</name>)" +
            std::string(leaf) + "</interface></interfaces></datastore-contents></push-update>");
    };
    const std::string json = to_json(t, doc("<description>a&quot;b\\c\n\td&lt;</description>"));
    EXPECT_NE(json.find(R"("description":"a\"b\\c\u000A\u0009d<")"), std::string::npos) << json;
    const decoded x(json);
    EXPECT_TRUE(x.view.ok());
    EXPECT_EQ(error_of(t, doc("<mtu>1&quot;2</mtu>")), xml_transcode_error::invalid_content);
    EXPECT_NE(t.last_error_detail().find("'mtu'"), std::string_view::npos);
}

TEST(XmlTranscoder, EnforcesDepthAndSizeLimits)
{
    xml_transcoder t(schema().native(), xml_transcoder_config{.max_depth = 32});
    std::string bomb =
        std::string(netconf_open) +
        R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
        R"(<datastore-contents>)";
    for (int i = 0; i < 100000; ++i) {
        bomb += "<a>";
    }
    EXPECT_EQ(error_of(t, bomb), xml_transcode_error::too_deep);
    xml_transcoder small(schema().native(), xml_transcoder_config{.max_input_bytes = 100});
    EXPECT_EQ(error_of(small, netconf(push_update_xml)), xml_transcode_error::too_large);
    xml_transcoder tiny_out(schema().native(), xml_transcoder_config{.max_output_bytes = 100});
    EXPECT_EQ(error_of(tiny_out, netconf(push_update_xml)), xml_transcode_error::output_too_large);
    EXPECT_THROW(xml_transcoder(nullptr), std::invalid_argument);
    EXPECT_THROW(xml_transcoder(schema().native(), xml_transcoder_config{.max_depth = 0}),
                 std::invalid_argument);
}

// The transcoder keeps working (and reports fresh details) after failures.
TEST(XmlTranscoder, RecoversAfterFailures)
{
    xml_transcoder t(schema().native());
    EXPECT_EQ(error_of(t, netconf(R"(<x xmlns="urn:example:none"/>)")),
              xml_transcode_error::unknown_namespace);
    const std::string json = to_json(t, envelope(push_update_xml));
    EXPECT_FALSE(json.empty());
    EXPECT_TRUE(t.last_error_detail().empty());
    std::string bad = netconf(push_update_xml);
    bad.replace(bad.find(">1042<"), 6, ">x<");
    EXPECT_EQ(error_of(t, bad), xml_transcode_error::invalid_content);
    EXPECT_NE(t.last_error_detail().find("\"x\""), std::string_view::npos) << t.last_error_detail();
    EXPECT_EQ(t.stats().transcoded, 1u);
}

// One transcoder per worker, one read-only schema context shared by all of them.
TEST(XmlTranscoder, WorkersShareTheSchemaContext)
{
    const std::string netconf_doc = netconf(push_update_xml);
    const std::string envelope_doc = envelope(push_update_xml);
    std::string expected_netconf;
    std::string expected_envelope;
    {
        xml_transcoder t(schema().native());
        expected_netconf = to_json(t, netconf_doc);
        expected_envelope = to_json(t, envelope_doc);
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < mismatches.size(); ++w) {
        workers.emplace_back([&, w] {
            xml_transcoder t(schema().native());
            std::string json;
            for (int i = 0; i < 200; ++i) {
                const bool env = (i + static_cast<int>(w)) % 2 == 0;
                const auto r = t.transcode(env ? envelope_doc : netconf_doc, json);
                if (!r.ok() || json != (env ? expected_envelope : expected_netconf)) {
                    ++mismatches[w];
                }
                std::string bad;
                if (t.transcode(netconf("<x/>"), bad).ok()) {
                    ++mismatches[w];
                }
            }
        });
    }
    for (auto& w : workers) {
        w.join();
    }
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// libyang 2.1 prints an untyped (opaque) value without quotes when its XML parser hinted it as
// a decimal number, reading digits as strtoll does: `00123`, `+5` or ` 7` came out as invalid
// JSON numbers (found by tests/fuzz/fuzz_decode_xml; corpus crash-untyped-leading-zero-number).
// They are printed as strings now; real JSON numbers and booleans stay bare.
TEST(XmlTranscoder, PrintsUntypedNumberLookalikesAsValidJson)
{
    xml_transcoder t(schema().native());
    const auto doc = [](std::string_view value) {
        // in-octets is a counter64: these values do not type, so the leaf is opaque.
        return netconf(
            R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
            R"(<datastore-contents>)"
            R"(<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
            R"(<interface><name>x</name><statistics><in-octets>)" +
            std::string(value) +
            "</in-octets></statistics></interface></interfaces></datastore-contents>"
            "</push-update>");
    };
    for (const std::string_view v : {"00768283270", "-007", "0009"}) {
        SCOPED_TRACE(v);
        const std::string json = to_json(t, doc(v));
        EXPECT_NE(json.find(R"("in-octets":")" + std::string(v) + "\""), std::string::npos) << json;
        const decoded x(json);
        EXPECT_TRUE(x.view.ok()) << json;
    }
    // Values libyang types (sign, surrounding blanks) get their canonical string form.
    for (const std::string_view v : {"+5", " 7", "0", "-0"}) {
        SCOPED_TRACE(v);
        const std::string json = to_json(t, doc(v));
        EXPECT_TRUE(decoded(json).view.ok()) << json;
    }
    // A JSON number that does not type (negative counter) keeps its bare form.
    const std::string negative = to_json(t, doc("-5"));
    EXPECT_NE(negative.find(R"("in-octets":-5)"), std::string::npos) << negative;
    EXPECT_TRUE(decoded(negative).view.ok());
}

// An untyped element holding text beside child elements (XML mixed content) has no JSON form,
// and libyang 2.1 printed it as broken JSON (`[{…},,{…}]`): refused as invalid_content (found
// by tests/fuzz/fuzz_decode_xml; corpus crash-mixed-content-untyped-element). Indentation
// between elements is not mixed content.
TEST(XmlTranscoder, RefusesMixedContentInUntypedElements)
{
    xml_transcoder t(schema().native());
    const auto doc = [](std::string_view inner) {
        // `vendor-stats` is in a known namespace but no node of ietf-interfaces: untyped.
        return netconf(
            R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1</id>)"
            R"(<datastore-contents>)"
            R"(<vendor-stats xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">)" +
            std::string(inner) + "</vendor-stats></datastore-contents></push-update>");
    };
    EXPECT_EQ(error_of(t, doc("<row>text<name>eth0</name></row><row><name>eth1</name></row>")),
              xml_transcode_error::invalid_content);
    EXPECT_NE(t.last_error_detail().find("mixed content"), std::string_view::npos)
        << t.last_error_detail();
    const std::string json = to_json(
        t, doc("\n  <row>\n    <name>eth0</name>\n  </row>\n  <row><name>eth1</name></row>\n"));
    EXPECT_TRUE(decoded(json).view.ok()) << json;
}

TEST(XmlTranscoder, RefusesPayloadsThatAreNotUtf8)
{
    // fuzz_decode_xml: a stray 0x9a inside a CDATA section went through libyang 2.1 unchecked
    // and was printed into the JSON text. Corpus: fuzz_decode_xml/crash-invalid-utf8-in-cdata.
    xml_transcoder t(schema().native());
    const auto started = [](std::string_view filter) {
        return netconf(
            R"(<subscription-started xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications")"
            R"( xmlns:yp="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>7</id>)"
            R"(<yp:datastore-xpath-filter><![CDATA[)" +
            std::string(filter) + "]]></yp:datastore-xpath-filter></subscription-started>");
    };
    EXPECT_EQ(error_of(t, started("/if:interfaces\x9a")), xml_transcode_error::malformed_xml);
    EXPECT_NE(t.last_error_detail().find("UTF-8"), std::string_view::npos)
        << t.last_error_detail();
    EXPECT_EQ(error_of(t, started("/if:\xc3")), xml_transcode_error::malformed_xml); // cut
    // The same document with well-formed text is not refused for its encoding.
    std::string json;
    const auto ok = t.transcode(started("/if:interfaces"), json);
    EXPECT_TRUE(ok.ok() || ok.error() != xml_transcode_error::malformed_xml);
}

TEST(XmlTranscoder, RefusesContentLibyangPrintsAsInvalidJson)
{
    // fuzz_decode_xml: an anydata child without a namespace whose list entries mix text and
    // elements is kept by libyang 2.1 as opaque nodes and printed as `["text",,{...}]`.
    // Corpus: fuzz_decode_xml/crash-opaque-text-printed-as-invalid-json.
    xml_transcoder t(schema().native());
    const auto push = [](std::string_view first_entry) {
        return netconf(
            R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>)"
            R"(<datastore-contents><interfaces xmlnzs="urn:ietf:params:xml:ns:yang:ietf-interfaces">)"
            R"(<interface>)" + std::string(first_entry) +
            R"(</interface><interface><name>eth1</name><enabled>false</enabled></interface>)"
            R"(</interfaces></datastore-contents></push-update>)");
    };
    EXPECT_EQ(error_of(t, push("atistics>")), xml_transcode_error::invalid_content);
    EXPECT_NE(t.last_error_detail().find("invalid JSON"), std::string_view::npos)
        << t.last_error_detail();
    // The same content with an element in the first entry prints as JSON and is kept.
    std::string json;
    const auto ok = t.transcode(push("<name>eth0</name>"), json);
    ASSERT_TRUE(ok.ok()) << t.last_error_detail();
    EXPECT_NE(json.find("eth0"), std::string::npos) << json;
}
