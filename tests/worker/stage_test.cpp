// worker::stage: subscription-started then push-updates (envelope and legacy forms) through
// decode → table → key → envelope for both profiles (keys and topics are the key drafts'
// examples, PROTOCOL.md §7.1, §7.3, §8.1, §8.2), the fallback for unknown subscriptions (§11.7),
// subscription-terminated, re-resolution on -modified, the state file, undecodable payloads
// and dead letters. One emitted envelope per profile is validated with libyang.
#include "fixtures.hpp"
#include "worker/filter.hpp"
#include "yang_validator.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace udpn;
using namespace udpn::test;
using worker::process_status;
using worker::record_kind;
using worker::undecodable_reason;

namespace {

struct expected_keying {
    key::profile profile;
    std::string topic;
    std::string key;
};

/// The drafts' examples: latest = ietf-02 §7.3 key for one interface and §8.2 topic; seed =
/// §7.1 inputs in our serialization (§11.12) and the §8.1 topic with the type level.
const expected_keying seed_keying{
    key::profile::seed, "statistics.yang.ietf-interfaces.interfaces_interface",
    "router-nyc-01\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name"};
const expected_keying latest_keying{
    key::profile::latest, "if-interfaces-interface",
    "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']"};

class StageProfiles : public ::testing::TestWithParam<expected_keying> {};

envelope::profile envelope_profile(key::profile p)
{
    return p == key::profile::seed ? envelope::profile::seed : envelope::profile::latest;
}

yang_validator& validator(envelope::profile p)
{
    static yang_validator seed(envelope::profile::seed);
    static yang_validator latest(envelope::profile::latest);
    return p == envelope::profile::seed ? seed : latest;
}

/// subscription-modified of 1042 that changes only the period (no key field).
std::string period_6000_modified()
{
    return in_envelope(
        "ietf-subscribed-notifications:subscription-modified",
        R"({"id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",)"
        R"( "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",)"
        R"( "ietf-yang-push:periodic": {"period": 6000}})");
}

} // namespace

TEST_P(StageProfiles, StartedThenPushUpdatesAreKeyedAndEnveloped)
{
    const expected_keying& want = GetParam();
    worker::stage st(config_for(want.profile), shared_schema());
    collecting_sink sink;
    message_maker mk;

    // The state change is telemetry too: produced on the subscription's topic.
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(sink.records.size(), 1u);
    EXPECT_EQ(sink.records[0].topic, want.topic);
    EXPECT_NE(sink.records[0].value.find("subscription-started"), std::string::npos);
    EXPECT_EQ(st.stats().resolutions, 1u);

    // Envelope form: node name from the envelope hostname.
    const std::string update =
        in_envelope(push_update_name, push_update_contents(1042, {"eth0"}), 2);
    ASSERT_EQ(st.process(mk.make(update), sink), process_status::produced);
    ASSERT_EQ(sink.records.size(), 2u);
    const kept_record& r = sink.records[1];
    EXPECT_EQ(r.kind, record_kind::telemetry);
    EXPECT_EQ(r.topic, want.topic);
    ASSERT_TRUE(r.has_key);
    EXPECT_EQ(r.key, want.key);
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0].first, "content-type");
    EXPECT_EQ(r.headers[0].second, "application/yang-data+json");
    // Subscription metadata from the table (PROTOCOL.md §5 yang-push-subscription).
    EXPECT_NE(r.value.find("\"ietf-yang-push-telemetry-message:yang-push-subscription\":{\"id\":1042"),
              std::string::npos)
        << r.value;
    EXPECT_NE(r.value.find("\"xpath-filter\":\"/ietf-interfaces:interfaces/interface\""),
              std::string::npos)
        << r.value;
    EXPECT_NE(r.value.find("\"ietf-datastores:operational\""), std::string::npos) << r.value;
    EXPECT_NE(r.value.find("\"export-address\":\"192.0.2.10\"") == std::string::npos
                  ? r.value.find("\"remote-address\":\"192.0.2.10\"")
                  : std::size_t{0},
              std::string::npos)
        << r.value;
    EXPECT_EQ(validator(envelope_profile(want.profile)).validate(r.value), "") << r.value;

    // Legacy form (no hostname): node name from the configured exporter map (§11.13).
    ASSERT_EQ(st.process(mk.make(legacy(push_update_name, push_update_contents(1042, {"eth0"}))),
                         sink),
              process_status::produced);
    ASSERT_EQ(sink.records.size(), 3u);
    EXPECT_EQ(sink.records[2].topic, want.topic);
    EXPECT_EQ(sink.records[2].key, want.key);
    EXPECT_NE(sink.records[2].value.find("\"id\":1042"), std::string::npos);
    EXPECT_EQ(validator(envelope_profile(want.profile)).validate(sink.records[2].value), "")
        << sink.records[2].value;

    EXPECT_EQ(st.stats().messages, 3u);
    EXPECT_EQ(st.stats().of(process_status::produced), 3u);
    EXPECT_EQ(st.stats().data_notifications, 2u);
    EXPECT_EQ(st.stats().state_changes, 1u);
    EXPECT_EQ(st.stats().unknown_subscription, 0u);
    EXPECT_EQ(st.stats().records, 3u);
    EXPECT_EQ(st.stats().resolutions, 1u); // once per subscription
    EXPECT_EQ(st.table().size(), 1u);
    EXPECT_EQ(st.table().sequences().messages, 2u); // started + envelope push-update
}

TEST_P(StageProfiles, ASinkThatTakesTheValueStorageGetsTheSameRecords)
{
    // The pipeline's record slots take the envelope by swapping strings with the stage
    // (record::value_storage) instead of copying it: the stage must write every next record
    // into the string it got back, whatever that held, and give the same octets as a stage
    // whose sink copies.
    struct swapping_sink final : worker::record_sink {
        void on_record(const worker::record& r) noexcept override
        {
            ASSERT_NE(r.value_storage, nullptr);
            ASSERT_EQ(std::string_view(*r.value_storage), r.value);
            std::string& mine = own[n % own.size()];
            mine.swap(*r.value_storage);
            taken.push_back(mine); // what the sink now owns
            ++n;
        }
        // strings with stale contents and capacities, larger and smaller than an envelope
        std::array<std::string, 3> own{std::string(5000, 'x'), std::string(), std::string(7, 'y')};
        std::vector<std::string> taken;
        std::size_t n = 0;
    };
    const expected_keying& want = GetParam();
    worker::stage copying(config_for(want.profile), shared_schema());
    worker::stage swapping(config_for(want.profile), shared_schema());
    collecting_sink copies;
    swapping_sink swaps;
    message_maker mk1;
    message_maker mk2;
    std::vector<std::string> docs = {started(started_1042)};
    for (std::uint32_t i = 0; i < 7; ++i) {
        docs.push_back(in_envelope(push_update_name,
                                   push_update_contents(1042, {"eth" + std::to_string(i)}), i + 2));
    }
    for (const std::string& d : docs) {
        ASSERT_EQ(copying.process(mk1.make(d), copies), process_status::produced);
        ASSERT_EQ(swapping.process(mk2.make(d), swaps), process_status::produced);
    }
    ASSERT_EQ(swaps.taken.size(), copies.records.size());
    for (std::size_t i = 0; i < copies.records.size(); ++i) {
        EXPECT_EQ(swaps.taken[i], copies.records[i].value) << "record " << i;
    }
}

TEST_P(StageProfiles, DataBeforeSubscriptionStartedGoesToTheFallbackTopic)
{
    const expected_keying& want = GetParam();
    worker::stage st(config_for(want.profile), shared_schema());
    collecting_sink sink;
    message_maker mk;
    const std::string update = in_envelope(push_update_name, push_update_contents(1042, {"eth0"}));

    EXPECT_EQ(st.process(mk.make(update), sink), process_status::produced_fallback);
    ASSERT_EQ(sink.records.size(), 1u);
    EXPECT_EQ(sink.records[0].topic, "unknown");
    ASSERT_TRUE(sink.records[0].has_key);
    // §11.7: the key keeps what is known (node name, and the id for ietf-02).
    EXPECT_EQ(sink.records[0].key, want.profile == key::profile::latest ? "router-nyc-01\n1042\n"
                                                                          : "router-nyc-01\n\n");
    // yang-push-subscription holds only the id.
    EXPECT_NE(sink.records[0].value.find("yang-push-subscription\":{\"id\":1042}"),
              std::string::npos)
        << sink.records[0].value;
    EXPECT_EQ(st.stats().unknown_subscription, 1u);
    EXPECT_EQ(st.stats().of(process_status::produced_fallback), 1u);
    EXPECT_EQ(st.table().stats().unknown_subscription, 1u);

    // Once started, the same data is keyed.
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    EXPECT_EQ(st.process(mk.make(update), sink), process_status::produced);
    EXPECT_EQ(sink.records.back().topic, want.topic);
    EXPECT_EQ(sink.records.back().key, want.key);
}

TEST_P(StageProfiles, TerminatedSubscriptionKeepsItsTopicThenLaterDataFallsBack)
{
    const expected_keying& want = GetParam();
    worker::stage st(config_for(want.profile), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    EXPECT_EQ(st.stats().resolutions_cached, 1u);

    const std::string terminated = in_envelope(
        "ietf-subscribed-notifications:subscription-terminated",
        R"({"id": 1042, "reason": "ietf-subscribed-notifications:filter-unavailable"})");
    EXPECT_EQ(st.process(mk.make(terminated), sink), process_status::produced);
    EXPECT_EQ(sink.records.back().topic, want.topic);
    EXPECT_NE(sink.records.back().value.find("/ietf-interfaces:interfaces/interface"),
              std::string::npos);
    EXPECT_EQ(st.table().size(), 0u);
    EXPECT_EQ(st.stats().resolutions_cached, 0u); // freed
    EXPECT_EQ(st.stats().resolutions_dropped, 1u);

    const std::string update = in_envelope(push_update_name, push_update_contents(1042, {"eth0"}));
    EXPECT_EQ(st.process(mk.make(update), sink), process_status::produced_fallback);
    EXPECT_EQ(sink.records.back().topic, "unknown");
    EXPECT_EQ(st.stats().unknown_subscription, 1u);
}

INSTANTIATE_TEST_SUITE_P(Worker, StageProfiles, ::testing::Values(seed_keying, latest_keying),
                         [](const auto& param_info) {
                             return param_info.param.profile == key::profile::seed ? "seed" : "latest";
                         });

TEST(Stage, SubtreeSubscriptionUsesTheDraftInstanceKey)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_2001_subtree)), sink), process_status::produced);
    const std::string update = in_envelope(
        push_update_name,
        R"({"id": 2001, "datastore-contents": {"ietf-hardware:hardware": {"component": [)"
        R"({"name": "fan-1", "class": "iana-hardware:fan", "serial-num": "F1"},)"
        R"({"name": "chassis", "class": "iana-hardware:chassis", "serial-num": "C0"}]}}})");
    ASSERT_EQ(st.process(mk.make(update), sink), process_status::produced);
    EXPECT_EQ(sink.records.back().key,
              "router-nyc-01\n2001\n/ietf-hardware:hardware/component[name='chassis']/serial-num | "
              "/ietf-hardware:hardware/component[name='fan-1']/serial-num");
}

TEST(Stage, ModifiedReResolvesOnlyWhenKeyFieldsChange)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    EXPECT_EQ(st.stats().resolutions, 1u);

    // Period only: the topic and key do not depend on it.
    const std::string period = period_6000_modified();
    ASSERT_EQ(st.process(mk.make(period), sink), process_status::produced);
    EXPECT_EQ(st.stats().resolutions, 1u);

    // A new filter: re-resolved, later data keyed by it.
    const std::string filter = in_envelope(
        "ietf-subscribed-notifications:subscription-modified",
        R"({"id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",)"
        R"( "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface/oper-status",)"
        R"( "ietf-yang-push:periodic": {"period": 6000}})");
    ASSERT_EQ(st.process(mk.make(filter), sink), process_status::produced);
    EXPECT_EQ(st.stats().resolutions, 2u);
    EXPECT_EQ(sink.records.back().topic, "if-interfaces-interface-oper-status");
    ASSERT_EQ(st.process(mk.make(in_envelope(push_update_name,
                                             push_update_contents(1042, {"eth0"}))),
                         sink),
              process_status::produced);
    EXPECT_EQ(sink.records.back().topic, "if-interfaces-interface-oper-status");
    EXPECT_EQ(sink.records.back().key,
              "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
    EXPECT_EQ(st.stats().resolutions_cached, 1u);
}

TEST(Stage, NodeNameFallsBackToTheExporterAddress)
{
    auto cfg = config_for(key::profile::latest);
    cfg.node_names.clear();
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(st.process(mk.make(legacy(push_update_name, push_update_contents(1042, {"eth0"}))),
                         sink),
              process_status::produced);
    EXPECT_EQ(sink.records.back().key,
              "192.0.2.10\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']");
}

TEST(Stage, KeyDisabledGivesNullKeys)
{
    auto cfg = config_for(key::profile::latest);
    cfg.key.key_enabled = false;
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(st.process(mk.make(in_envelope(push_update_name,
                                             push_update_contents(1042, {"eth0"}))),
                         sink),
              process_status::produced);
    EXPECT_FALSE(sink.records.back().has_key);
    EXPECT_EQ(sink.records.back().topic, "if-interfaces-interface");
}

TEST(Stage, SubjectDistributionUsesTheSingleTopic)
{
    auto cfg = config_for(key::profile::latest);
    cfg.key.distribution = key::topic_distribution::subject;
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    EXPECT_EQ(sink.records.back().topic, "yang-push");
}

TEST(Stage, SubscriptionsSurviveARestartThroughTheStateFile)
{
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("udpn-worker-state-" + std::to_string(::getpid()) + ".jsonl"))
                                 .string();
    auto cfg = config_for(key::profile::latest);
    cfg.state_file = path;
    message_maker mk;
    {
        worker::stage st(cfg, shared_schema());
        collecting_sink sink;
        ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
        ASSERT_TRUE(st.save_state().ok());
    }
    worker::stage st(cfg, shared_schema());
    const auto report = st.load_state();
    ASSERT_TRUE(report.ok()) << report.message;
    EXPECT_EQ(report.records, 1u);
    collecting_sink sink;
    ASSERT_EQ(st.process(mk.make(in_envelope(push_update_name,
                                             push_update_contents(1042, {"eth0"}))),
                         sink),
              process_status::produced);
    EXPECT_EQ(sink.records.back().key, latest_keying.key);
    EXPECT_EQ(st.stats().lazy_resolutions, 1u);
    std::remove(path.c_str());
}

TEST(Stage, SubscriptionFilterMapsTheTableEntry)
{
    yangpush::subscription_info info;
    info.id = 7;
    info.filter = yangpush::filter_kind::subtree;
    info.filter_text = R"({"ietf-hardware:hardware": {}})";
    info.target = yangpush::target_kind::datastore;
    info.target_value = "operational";
    info.trigger = yangpush::trigger_kind::on_change;
    info.sync_on_start = false;
    const key::subscription_filter f = worker::subscription_filter_of(info);
    EXPECT_EQ(f.subscription_id, 7u);
    EXPECT_EQ(f.kind, key::filter_kind::subtree_json);
    EXPECT_EQ(f.datastore, "ietf-datastores:operational");
    EXPECT_EQ(f.trigger, key::update_trigger::on_change);
    EXPECT_FALSE(f.sync_on_start);

    info.filter = yangpush::filter_kind::none;
    info.filter_ref = "my-filter";
    info.target = yangpush::target_kind::stream;
    info.target_value = "NETCONF";
    const key::subscription_filter g = worker::subscription_filter_of(info);
    EXPECT_EQ(g.kind, key::filter_kind::by_reference);
    EXPECT_EQ(g.text, "my-filter");
    EXPECT_EQ(g.stream, "NETCONF");
    EXPECT_TRUE(g.datastore.empty());
}

namespace {
// Minimal name-based CBOR writer (RFC 8949 major types 0, 3, 4, 5) for the test payloads.
void cbor_head(std::string& out, unsigned major, std::uint64_t n)
{
    const auto m = static_cast<char>(major << 5);
    if (n < 24) {
        out += static_cast<char>(m | static_cast<char>(n));
    } else if (n < 256) {
        out += static_cast<char>(m | 24);
        out += static_cast<char>(n);
    } else {
        out += static_cast<char>(m | 25);
        out += static_cast<char>(n >> 8);
        out += static_cast<char>(n & 0xff);
    }
}
void cbor_text(std::string& out, std::string_view s)
{
    cbor_head(out, 3, s.size());
    out += s;
}
} // namespace

// PROTOCOL.md §1 media types 2 and 3: XML and CBOR notifications reach the same topic, key and
// subscription metadata as JSON, and their envelope payload is RFC 7951 JSON.
TEST(Stage, XmlAndCborPushUpdatesAreKeyedLikeJson)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);

    const std::string xml(xml_push_update_1042);
    ASSERT_EQ(st.process(mk.make(xml, 2), sink), process_status::produced)
        << (sink.records.empty() ? "" : sink.records.back().value);

    // {"ietf-yp-notification:envelope": {"event-time": …, "hostname": "router-nyc-01",
    //  "sequence-number": 2, "contents": {"ietf-yang-push:push-update": {"id": 1042,
    //  "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0"}]}}}}}}
    std::string cbor;
    cbor_head(cbor, 5, 1);
    cbor_text(cbor, "ietf-yp-notification:envelope");
    cbor_head(cbor, 5, 4);
    cbor_text(cbor, "event-time");
    cbor_text(cbor, "2026-03-01T10:00:00.12Z");
    cbor_text(cbor, "hostname");
    cbor_text(cbor, "router-nyc-01");
    cbor_text(cbor, "sequence-number");
    cbor_head(cbor, 0, 2);
    cbor_text(cbor, "contents");
    cbor_head(cbor, 5, 1);
    cbor_text(cbor, "ietf-yang-push:push-update");
    cbor_head(cbor, 5, 2);
    cbor_text(cbor, "id");
    cbor_head(cbor, 0, 1042);
    cbor_text(cbor, "datastore-contents");
    cbor_head(cbor, 5, 1);
    cbor_text(cbor, "ietf-interfaces:interfaces");
    cbor_head(cbor, 5, 1);
    cbor_text(cbor, "interface");
    cbor_head(cbor, 4, 1);
    cbor_head(cbor, 5, 1);
    cbor_text(cbor, "name");
    cbor_text(cbor, "eth0");
    ASSERT_EQ(st.process(mk.make(cbor, 3), sink), process_status::produced)
        << (sink.records.empty() ? "" : sink.records.back().value);

    ASSERT_EQ(sink.records.size(), 3u);
    for (std::size_t i = 1; i < 3; ++i) {
        const kept_record& r = sink.records[i];
        EXPECT_EQ(r.topic, latest_keying.topic);
        // XML has no hostname: node name from the configured exporter map, as for legacy JSON.
        EXPECT_EQ(r.key.substr(r.key.find('\n')), latest_keying.key.substr(latest_keying.key.find('\n')));
        EXPECT_NE(r.value.find("\"ietf-yang-push:push-update\""), std::string::npos) << r.value;
        EXPECT_NE(r.value.find("\"xpath-filter\":\"/ietf-interfaces:interfaces/interface\""),
                  std::string::npos)
            << r.value;
        EXPECT_EQ(validator(envelope::profile::latest).validate(r.value), "") << r.value;
    }
    EXPECT_EQ(sink.records[2].key, latest_keying.key);
    EXPECT_EQ(st.xml_stats().transcoded, 1u);
    EXPECT_EQ(st.cbor_stats().transcoded, 1u);
    EXPECT_EQ(st.stats().data_notifications, 2u);
}

// The envelope's yang-push-subscription value is rendered once per subscription change
// (worker::stage caches it per entry revision): a -modified that changes no key field (the
// period) must still show in the next envelope, and a later -started replaces it again.
TEST_P(StageProfiles, EnvelopeMetadataFollowsAModifiedThatKeepsTheKey)
{
    worker::stage st(config_for(GetParam().profile), shared_schema());
    collecting_sink sink;
    message_maker mk;
    const std::string data = in_envelope(push_update_name, push_update_contents(1042, {"eth0"}));
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(st.process(mk.make(data), sink), process_status::produced);
    EXPECT_NE(sink.records.back().value.find(R"("periodic":{"period":3000})"), std::string::npos)
        << sink.records.back().value;

    const std::string period = period_6000_modified();
    ASSERT_EQ(st.process(mk.make(period), sink), process_status::produced);
    EXPECT_EQ(st.stats().resolutions, 1u); // the key did not change
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(st.process(mk.make(data), sink), process_status::produced);
        const std::string& value = sink.records.back().value;
        EXPECT_NE(value.find(R"("periodic":{"period":6000})"), std::string::npos) << value;
        EXPECT_EQ(value.find(R"("period":3000)"), std::string::npos) << value;
        EXPECT_EQ(validator(envelope_profile(GetParam().profile)).validate(value), "") << value;
    }

    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(st.process(mk.make(data), sink), process_status::produced);
    EXPECT_NE(sink.records.back().value.find(R"("periodic":{"period":3000})"), std::string::npos)
        << sink.records.back().value;
}
