// Both profiles' envelopes for every input form and subscription state. Every envelope written
// here is validated against its YANG modules by yang_validator (libyang), and the parsed
// values are compared with the inputs.
#include "envelope/telemetry_message.hpp"

#include "fixtures.hpp"
#include "yang_validator.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using namespace udpn;
using namespace udpn::test;
using envelope::envelope_config;
using envelope::envelope_writer;
using envelope::profile;

class EnvelopeProfile : public ::testing::TestWithParam<profile> {
  protected:
    static void SetUpTestSuite()
    {
        seed_validator = std::make_unique<yang_validator>(profile::seed);
        latest_validator = std::make_unique<yang_validator>(profile::latest);
    }
    static void TearDownTestSuite()
    {
        seed_validator.reset();
        latest_validator.reset();
    }

    profile prof() const { return GetParam(); }
    yang_validator& yang() const
    {
        return prof() == profile::seed ? *seed_validator : *latest_validator;
    }
    paths p() const { return paths::of(prof()); }

    envelope_config config() const
    {
        envelope_config c;
        c.profile = prof();
        return c;
    }

    /// Writes, asserts success, validates with libyang (payload included) and returns the text.
    std::string write_valid(envelope_writer& w, const envelope::message_input& in,
                            bool check_payload = true)
    {
        std::string out;
        auto r = w.write(in, out);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : envelope::to_string(r.error()));
        if (r.ok()) {
            EXPECT_EQ(r.value(), out.size());
        }
        const std::string problem = yang().validate(out, check_payload);
        EXPECT_EQ(problem, "") << out;
        return out;
    }

    static std::unique_ptr<yang_validator> seed_validator;
    static std::unique_ptr<yang_validator> latest_validator;
};

std::unique_ptr<yang_validator> EnvelopeProfile::seed_validator;
std::unique_ptr<yang_validator> EnvelopeProfile::latest_validator;

TEST_P(EnvelopeProfile, EnvelopeInputKeepsTheWholeEnvelopeAsPayload)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    const std::string out = write_valid(w, input_for(n.view(), &sub));

    EXPECT_EQ(yang().value(p().export_address), "192.0.2.10");
    EXPECT_EQ(yang().value(p().export_port), "50123");
    EXPECT_EQ(yang().value(p().collection_address), "198.51.100.5");
    EXPECT_EQ(yang().value(p().collection_port), "10003");
    EXPECT_EQ(yang().value(p().event_time), "2026-03-01T10:00:00.12Z");
    EXPECT_EQ(yang().value(p().collection_time), "2026-03-01T10:00:00.150000000Z");
    EXPECT_EQ(payload_of(out), minified(envelope_input()));
    EXPECT_EQ(w.stats().written, 1u);
    EXPECT_EQ(w.stats().payload_stripped, 0u);
    if (prof() == profile::latest) {
        EXPECT_EQ(yang().value("telemetry-message-metadata/sequence-number"), "1");
        EXPECT_EQ(yang().value("telemetry-message-metadata/session-protocol"),
                  "ietf-telemetry-message:yang-push");
        EXPECT_EQ(yang().value("telemetry-message-metadata/notification-event"), "log");
    } else {
        EXPECT_EQ(yang().value("session-protocol"), "ietf-telemetry-message:yp-push");
    }
}

TEST_P(EnvelopeProfile, FullPeriodicXpathSubscriptionIsReported)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    write_valid(w, input_for(n.view(), &sub));

    const std::string s = p().subscription + "/";
    EXPECT_EQ(yang().value(s + "id"), "1042");
    EXPECT_EQ(yang().value(s + "xpath-filter"), "/ietf-interfaces:interfaces/interface");
    EXPECT_EQ(yang().value(s + "datastore"), "ietf-datastores:operational");
    EXPECT_EQ(yang().value(s + "transport"), "ietf-udp-notif-transport:udp-notif");
    // §11.27: the unqualified `encode-json` of subscription-started gets its module.
    EXPECT_EQ(yang().value(s + "encoding"), "ietf-subscribed-notifications:encode-json");
    EXPECT_EQ(yang().value(s + "purpose"), "interface statistics");
    EXPECT_EQ(yang().value(s + "periodic/period"), "3000");
    EXPECT_EQ(yang().value(s + "periodic/anchor-time"), "2026-01-01T00:00:00Z");
    EXPECT_EQ(yang().count(s + "on-change"), 0u);
    const std::string m = s + p().module_list;
    EXPECT_EQ(yang().count(m), 2u);
    EXPECT_EQ(yang().value(m + "[" + p().module_key + "='ietf-interfaces']/revision"),
              "2018-02-20");
    EXPECT_EQ(yang().value(m + "[" + p().module_key + "='ietf-interfaces']/" + p().module_version),
              "1.0.0");
    EXPECT_EQ(yang().value(m + "[" + p().module_key + "='ietf-ip']/revision"), "2018-02-22");
    EXPECT_EQ(yang().count(m + "[" + p().module_key + "='ietf-ip']/" + p().module_version), 0u);
    EXPECT_EQ(yang().value(s + "yang-library-content-id"), "41c3a2");
    EXPECT_EQ(w.stats().unknown_subscription, 0u);
}

TEST_P(EnvelopeProfile, FullOnChangeSubtreeSubscriptionIsReported)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    const auto sub = on_change_subscription();
    const std::string out = write_valid(w, input_for(n.view(), &sub));

    const std::string s = p().subscription + "/";
    EXPECT_EQ(yang().value(s + "datastore"), "ietf-datastores:operational");
    EXPECT_EQ(yang().value(s + "on-change/dampening-period"), "100");
    EXPECT_EQ(yang().value(s + "on-change/sync-on-start"), "false");
    EXPECT_EQ(yang().count(s + "periodic"), 0u);
    EXPECT_EQ(yang().count(s + "subtree-filter"), 1u);
    EXPECT_EQ(yang().count(s + "xpath-filter"), 0u);
    // The subtree filter is spliced as anydata, unchanged (whitespace around it trimmed).
    EXPECT_NE(
        out.find(R"("subtree-filter":{"ietf-hardware:hardware":{"component":[{"state":{}}]}})"),
        std::string::npos)
        << out;
}

TEST_P(EnvelopeProfile, StreamSubscriptionUsesTheStreamLeaf)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    envelope::subscription_metadata sub;
    sub.id = 3;
    sub.filter = envelope::filter_kind::xpath;
    sub.filter_text = "/ietf-hardware:hardware-state-oper-disabled";
    sub.target = envelope::target_kind::stream;
    sub.target_value = "NETCONF";
    sub.encoding = "encode-json";
    write_valid(w, input_for(n.view(), &sub));

    const std::string s = p().subscription + "/";
    EXPECT_EQ(yang().value(s + "id"), "3");
    EXPECT_EQ(yang().value(s + "stream"), "NETCONF");
    EXPECT_EQ(yang().count(s + "datastore"), 0u);
    EXPECT_EQ(yang().value(s + "xpath-filter"), "/ietf-hardware:hardware-state-oper-disabled");
}

TEST_P(EnvelopeProfile, SubtreeFilterThatIsNotAnObjectIsLeftOutAndCounted)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    auto sub = on_change_subscription();
    sub.filter_text = "<hardware xmlns=\"urn:ietf:params:xml:ns:yang:ietf-hardware\"/>";
    write_valid(w, input_for(n.view(), &sub));
    EXPECT_EQ(yang().count(p().subscription + "/subtree-filter"), 0u);
    EXPECT_EQ(w.stats().subtree_filter_dropped, 1u);
}

TEST_P(EnvelopeProfile, EachLegacyWrapperIsStrippedToTheNotification)
{
    for (const char* wrapper :
         {"ietf-notification:notification", "ietf-restconf:notification", "notification"}) {
        SCOPED_TRACE(wrapper);
        envelope_writer w(config());
        const decoded n(legacy_input(wrapper));
        const auto sub = periodic_subscription();
        const std::string out = write_valid(w, input_for(n.view(), &sub));
        // §11.23: payload = the notification member; eventTime moved to the metadata.
        EXPECT_EQ(payload_of(out), minified(stripped_payload()));
        EXPECT_EQ(yang().value(p().event_time), "2026-03-01T10:00:00.12Z");
        EXPECT_EQ(w.stats().payload_stripped, 1u);
    }
}

TEST_P(EnvelopeProfile, BareNotificationIsCarriedAsReceived)
{
    envelope_writer w(config());
    const decoded n(bare_input());
    const auto sub = periodic_subscription();
    const std::string out = write_valid(w, input_for(n.view(), &sub));
    EXPECT_EQ(payload_of(out), minified(bare_input()));
    // No event time was sent: none is invented.
    EXPECT_EQ(yang().count(p().event_time), 0u);
    EXPECT_EQ(w.stats().payload_stripped, 0u);
}

TEST_P(EnvelopeProfile, Env00NotificationContentsEnvelopeIsKeptAsReceived)
{
    const std::string in =
        R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00Z",)"
        R"("notification-contents":{"ietf-yang-push:push-update":{"id":7,)"
        R"("datastore-contents":{}}}}})";
    envelope_writer w(config());
    const decoded n(in);
    // The payload is anydata: ENV-00's member name is kept (not valid for today's
    // ietf-yp-notification, so the payload check is off here).
    const std::string out = write_valid(w, input_for(n.view()), false);
    EXPECT_EQ(payload_of(out), minified(in));
    EXPECT_EQ(yang().value(p().subscription + "/id"), "7");
}

TEST_P(EnvelopeProfile, StripKnobReducesAnEnvelopeToTheNotification)
{
    auto c = config();
    c.strip_envelope = true;
    envelope_writer w(c);
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    const std::string out = write_valid(w, input_for(n.view(), &sub));
    EXPECT_EQ(payload_of(out), minified(stripped_payload()));
    EXPECT_EQ(yang().value(p().event_time), "2026-03-01T10:00:00.12Z");
    EXPECT_EQ(w.stats().payload_stripped, 1u);
}

TEST_P(EnvelopeProfile, UnknownSubscriptionCarriesOnlyTheNotificationId)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    write_valid(w, input_for(n.view(), nullptr));
    const std::string s = p().subscription;
    EXPECT_EQ(yang().value(s + "/id"), "1042");
    EXPECT_EQ(yang().count(s + "/*"), 1u); // §11.7: only id
    EXPECT_EQ(w.stats().unknown_subscription, 1u);
}

TEST_P(EnvelopeProfile, UnknownSubscriptionWithoutIdOmitsTheContainer)
{
    const std::string in =
        R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00Z",)"
        R"("contents":{"ietf-subscribed-notifications:replay-completed":{}}}})";
    envelope_writer w(config());
    const decoded n(in);
    ASSERT_FALSE(n.view().has_subscription_id);
    // replay-completed without its mandatory id is not a valid notification: payload check off.
    write_valid(w, input_for(n.view(), nullptr), false);
    EXPECT_EQ(yang().count(p().subscription), 0u);
    EXPECT_EQ(w.stats().unknown_subscription, 1u);
}

TEST_P(EnvelopeProfile, LabelsAndManifestsAreWrittenFromConfig)
{
    auto c = config();
    c.data_collection_manifest = {"collector-a", "example", std::nullopt,      "0.1.0",
                                  "debug",       "12",      "Debian GNU/Linux"};
    c.node_manifests.push_back({net::ip_address::parse("192.0.2.10"),
                                {"pe1", "ExampleVendor", 32473, "7.3.1", "", "", ""}});
    c.node_manifests.push_back(
        {net::ip_address::parse("192.0.2.99"), {"pe9", "Other", std::nullopt, "1", "", "", ""}});
    c.labels.push_back({"site", false, "zrh", 0});
    c.labels.push_back({"tenant-id", true, "", 18446744073709551615ull});
    envelope_writer w(c);
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    write_valid(w, input_for(n.view(), &sub));

    EXPECT_EQ(yang().value("network-node-manifest/name"), "pe1");
    EXPECT_EQ(yang().value("network-node-manifest/vendor"), "ExampleVendor");
    EXPECT_EQ(yang().value("network-node-manifest/vendor-pen"), "32473");
    EXPECT_EQ(yang().value("network-node-manifest/software-version"), "7.3.1");
    EXPECT_EQ(yang().count("network-node-manifest/os-type"), 0u);
    EXPECT_EQ(yang().value("data-collection-manifest/name"), "collector-a");
    EXPECT_EQ(yang().value("data-collection-manifest/software-flavor"), "debug");
    EXPECT_EQ(yang().value("data-collection-manifest/os-version"), "12");
    EXPECT_EQ(yang().value("data-collection-manifest/os-type"), "Debian GNU/Linux");
    EXPECT_EQ(yang().count(p().labels), 2u);
    EXPECT_EQ(yang().value(p().labels + "[name='site']/string-value"), "zrh");
    // uint64: a JSON string (RFC 7951 §6.1); the seed module only has string-value.
    const std::string number_leaf = prof() == profile::latest ? "number-value" : "string-value";
    EXPECT_EQ(yang().value(p().labels + "[name='tenant-id']/" + number_leaf),
              "18446744073709551615");

    // An exporter without configured manifest gets none; a caller-supplied one wins.
    auto other = input_for(n.view(), &sub);
    other.exporter = endpoint_of("192.0.2.11", 1);
    write_valid(w, other);
    EXPECT_EQ(yang().count("network-node-manifest"), 0u);
    const envelope::platform_manifest given{"pe-given", "", std::nullopt, "", "", "", ""};
    other.node_manifest = &given;
    write_valid(w, other);
    EXPECT_EQ(yang().value("network-node-manifest/name"), "pe-given");
}

TEST_P(EnvelopeProfile, Ipv6AddressesAreWrittenInTextForm)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    auto in = input_for(n.view());
    in.exporter = endpoint_of("2001:db8::10", 50123);
    in.collector = endpoint_of("2001:db8:0:1::5", 10003);
    write_valid(w, in);
    EXPECT_EQ(yang().value(p().export_address), "2001:db8::10");
    EXPECT_EQ(yang().value(p().collection_address), "2001:db8:0:1::5");
    EXPECT_EQ(yang().value(p().collection_port), "10003");
}

TEST_P(EnvelopeProfile, UnknownCollectorEndpointIsLeftOut)
{
    envelope_writer w(config());
    const decoded n(envelope_input());
    auto in = input_for(n.view());
    in.collector = {};
    write_valid(w, in);
    EXPECT_EQ(yang().count(p().collection_address), 0u);
    EXPECT_EQ(yang().count(p().collection_port), 0u);
    EXPECT_EQ(yang().value(p().export_address), "192.0.2.10");
}

TEST_P(EnvelopeProfile, StringsWithQuotesControlCharactersAndUnicodeRoundTrip)
{
    auto c = config();
    c.labels.push_back(
        {"note", false, "caf\xC3\xA9 \"quoted\" back\\slash\ttab \xF0\x9F\x98\x80", 0});
    envelope_writer w(c);
    const decoded n(envelope_input());
    auto sub = periodic_subscription();
    sub.purpose = "line1\nline2 \x01\x1f end \"q\" \\";
    write_valid(w, input_for(n.view(), &sub));
    // YANG strings cannot hold U+0001/U+001F (RFC 7950 §9.4): they became U+FFFD.
    EXPECT_EQ(yang().value(p().subscription + "/purpose"),
              "line1\nline2 \xEF\xBF\xBD\xEF\xBF\xBD end \"q\" \\");
    EXPECT_EQ(yang().value(p().labels + "[name='note']/string-value"),
              "caf\xC3\xA9 \"quoted\" back\\slash\ttab \xF0\x9F\x98\x80");
}

TEST_P(EnvelopeProfile, InvalidEventTimeIsLeftOutAndCounted)
{
    const std::string in = R"({"ietf-notification:notification":{"eventTime":"yesterday",)"
                           R"("ietf-yang-push:push-update":{"id":1,"datastore-contents":{}}}})";
    envelope_writer w(config());
    const decoded n(in);
    write_valid(w, input_for(n.view()));
    EXPECT_EQ(yang().count(p().event_time), 0u);
    EXPECT_EQ(w.stats().event_time_dropped, 1u);
}

TEST_P(EnvelopeProfile, EveryEnvelopeOfAWriterIsValid)
{
    // Mixed sequence through one writer and one reused buffer.
    envelope_writer w(config());
    const decoded env(envelope_input());
    const decoded legacy(legacy_input("ietf-restconf:notification"));
    const decoded bare(bare_input());
    const auto periodic = periodic_subscription();
    const auto on_change = on_change_subscription();
    std::string out;
    const envelope::message_input inputs[] = {
        input_for(env.view(), &periodic), input_for(legacy.view(), &on_change),
        input_for(bare.view(), nullptr), input_for(env.view(), &on_change)};
    for (const auto& in : inputs) {
        ASSERT_TRUE(w.write(in, out).ok());
        EXPECT_EQ(yang().validate(out), "") << out;
    }
    EXPECT_EQ(w.stats().written, 4u);
    if (prof() == profile::latest) {
        EXPECT_EQ(yang().value("telemetry-message-metadata/sequence-number"), "4");
    }
}

TEST_P(EnvelopeProfile, RenderedSubscriptionWritesTheSameOctets)
{
    // message_input::rendered_subscription (rendered once per subscription) against the
    // metadata written out per message: the same envelope, the same counters.
    const decoded env(envelope_input());
    auto not_an_object = on_change_subscription();
    not_an_object.filter_text = "<hardware/>";
    auto quoted = periodic_subscription();
    quoted.purpose = "say \"hi\"\n\x01";
    const envelope::subscription_metadata subs[] = {periodic_subscription(),
                                                    on_change_subscription(), not_an_object,
                                                    quoted};
    for (const auto& sub : subs) {
        envelope_writer plain(config());
        envelope_writer cached(config());
        envelope::subscription_text text;
        ASSERT_TRUE(cached.render_subscription(sub, text));
        ASSERT_FALSE(text.json.empty());
        EXPECT_EQ(text.json.front(), '{');
        EXPECT_EQ(text.json.back(), '}');
        auto in = input_for(env.view(), &sub);
        const std::string want = write_valid(plain, in);
        in.rendered_subscription = &text;
        const std::string got = write_valid(cached, in);
        EXPECT_EQ(got, want);
        EXPECT_EQ(cached.stats().subtree_filter_dropped, plain.stats().subtree_filter_dropped);
        EXPECT_EQ(text.subtree_filter_dropped, &sub == &subs[2]);
    }
    // Too large for max_output_bytes: refused, nothing kept.
    envelope_config small = config();
    small.max_output_bytes = 1024; // the smallest limit allowed
    envelope_writer tiny(small);
    auto wordy = periodic_subscription();
    wordy.purpose.assign(2000, 'x');
    envelope::subscription_text text;
    EXPECT_FALSE(tiny.render_subscription(wordy, text));
    EXPECT_TRUE(text.json.empty());
}

INSTANTIATE_TEST_SUITE_P(Profiles, EnvelopeProfile,
                         ::testing::Values(profile::seed, profile::latest), profile_name);

TEST(LatestEnvelope, SequenceNumberStartsAtOneAndWrapsToZero)
{
    yang_validator yang(profile::latest);
    envelope_config c;
    c.profile = profile::latest;
    envelope_writer w(c);
    EXPECT_EQ(w.next_sequence_number(), 1u);
    const decoded n(envelope_input());
    std::string out;
    ASSERT_TRUE(w.write(input_for(n.view()), out).ok());
    ASSERT_EQ(yang.validate(out), "");
    EXPECT_EQ(yang.value("telemetry-message-metadata/sequence-number"), "1");

    // §11.25: counter32, after 4294967295 comes 0.
    w.set_next_sequence_number(4294967295u);
    for (const char* expected : {"4294967295", "0", "1"}) {
        ASSERT_TRUE(w.write(input_for(n.view()), out).ok());
        ASSERT_EQ(yang.validate(out), "");
        EXPECT_EQ(yang.value("telemetry-message-metadata/sequence-number"), expected);
    }
    EXPECT_EQ(w.next_sequence_number(), 2u);
}

TEST(LatestEnvelope, FailedWriteDoesNotConsumeASequenceNumber)
{
    envelope_config c;
    c.profile = profile::latest;
    c.max_output_bytes = 1024;
    envelope_writer w(c);
    const decoded n(envelope_input());
    auto in = input_for(n.view());
    in.exporter = {};
    std::string out;
    EXPECT_FALSE(w.write(in, out).ok());
    EXPECT_EQ(w.next_sequence_number(), 1u);
}

TEST(LatestEnvelope, FirstSequenceNumberComesFromConfig)
{
    envelope_config c;
    c.profile = profile::latest;
    c.first_sequence_number = 77;
    envelope_writer w(c);
    EXPECT_EQ(w.next_sequence_number(), 77u);
}

TEST(SeedEnvelope, MatchesTheShapeOfTheDraftExample)
{
    // Member order follows the module; the draft example (seed-example.json) has the same
    // members, sorted by name.
    envelope_config c;
    c.profile = profile::seed;
    c.data_collection_manifest.name = "collector-a";
    c.labels.push_back({"nkey", false, "unknown", 0});
    envelope_writer w(c);
    const decoded n(envelope_input());
    const auto sub = on_change_subscription();
    std::string out;
    ASSERT_TRUE(w.write(input_for(n.view(), &sub), out).ok());
    const std::string head =
        R"({"ietf-telemetry-message:message":{"timestamp":"2026-03-01T10:00:00.150000000Z",)"
        R"("session-protocol":"yp-push","data-collection-manifest":{"name":"collector-a"},)"
        R"("telemetry-message-metadata":{"event-time":"2026-03-01T10:00:00.12Z",)"
        R"("ietf-yang-push-telemetry-message:yang-push-subscription":{"id":1042,)"
        R"("subtree-filter":{"ietf-hardware:hardware":{"component":[{"state":{}}]}},)"
        R"("datastore":"ietf-datastores:operational",)"
        R"("transport":"ietf-udp-notif-transport:udp-notif",)"
        R"("encoding":"ietf-subscribed-notifications:encode-json",)"
        R"("on-change":{"dampening-period":100,"sync-on-start":false}}},)"
        R"("data-collection-metadata":{"remote-address":"192.0.2.10","remote-port":50123,)"
        R"("local-address":"198.51.100.5","local-port":10003,)"
        R"("labels":[{"name":"nkey","string-value":"unknown"}]},"payload":)";
    ASSERT_EQ(out.substr(0, head.size()), head);
    EXPECT_EQ(out.substr(head.size()), envelope_input() + "}}");
    yang_validator yang(profile::seed);
    EXPECT_EQ(yang.validate(out), "");
}

TEST(LatestEnvelope, MatchesTheComposedExampleOfProtocolSection5)
{
    envelope_config c;
    c.profile = profile::latest;
    c.first_sequence_number = 5001;
    c.data_collection_manifest = {"collector-a", "example", std::nullopt, "0.1.0", "", "", ""};
    c.node_manifests.push_back({net::ip_address::parse("192.0.2.10"),
                                {"pe1", "ExampleVendor", std::nullopt, "7.3.1", "", "", ""}});
    c.labels.push_back({"site", false, "zrh", 0});
    envelope_writer w(c);
    const decoded n(envelope_input());
    auto sub = periodic_subscription();
    sub.anchor_time.clear();
    sub.purpose.clear();
    sub.modules = {{"ietf-interfaces", "2018-02-20", ""}};
    std::string out;
    ASSERT_TRUE(w.write(input_for(n.view(), &sub), out).ok());
    const std::string expected =
        R"({"ietf-telemetry-message:message":{)"
        R"("network-node-manifest":{"name":"pe1","vendor":"ExampleVendor","software-version":"7.3.1"},)"
        R"("telemetry-message-metadata":{"node-export-timestamp":"2026-03-01T10:00:00.12Z",)"
        R"("collection-timestamp":"2026-03-01T10:00:00.150000000Z","notification-event":"log",)"
        R"("sequence-number":5001,"session-protocol":"yang-push","export-address":"192.0.2.10",)"
        R"("export-port":50123,"collection-address":"198.51.100.5","collection-port":10003,)"
        R"("ietf-yang-push-telemetry-message:yang-push-subscription":{"id":1042,)"
        R"("xpath-filter":"/ietf-interfaces:interfaces/interface",)"
        R"("datastore":"ietf-datastores:operational","transport":"ietf-udp-notif-transport:udp-notif",)"
        R"("encoding":"ietf-subscribed-notifications:encode-json","periodic":{"period":3000},)"
        R"("module":[{"name":"ietf-interfaces","revision":"2018-02-20"}],)"
        R"("yang-library-content-id":"41c3a2"}},)"
        R"("data-collection-manifest":{"name":"collector-a","vendor":"example","software-version":"0.1.0"},)"
        R"("network-operator-metadata":{"labels":[{"name":"site","string-value":"zrh"}]},)"
        R"("payload":)" +
        envelope_input() + "}}";
    EXPECT_EQ(out, expected);
    yang_validator yang(profile::latest);
    EXPECT_EQ(yang.validate(out), "");
}

} // namespace
