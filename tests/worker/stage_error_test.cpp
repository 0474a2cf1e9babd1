// worker::stage error paths: undecodable payloads (counted by reason, dead letters when
// configured), unsupported media types (PROTOCOL.md §11.6), rejected state changes, bad
// configurations (start-up exceptions).
#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace udpn;
using namespace udpn::test;
using worker::process_status;
using worker::record_kind;
using worker::undecodable_reason;

TEST(StageErrors, UndecodablePayloadIsCountedAndDropped)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    EXPECT_EQ(st.process(mk.make("this is not json"), sink), process_status::undecodable);
    EXPECT_EQ(st.process(mk.make("{}"), sink), process_status::undecodable);
    EXPECT_TRUE(sink.records.empty());
    EXPECT_EQ(st.stats().of(undecodable_reason::decode_failed), 2u);
    // Counted by the decoder's reason: whatever it says for the text, `{}` is empty_object.
    EXPECT_EQ(st.stats().decode_failed, st.decode_stats().failed);
    EXPECT_EQ(st.stats().decode_failed[static_cast<std::size_t>(yangpush::decode_error::empty_object)],
              1u);
    EXPECT_EQ(st.stats().of(process_status::undecodable), 2u);
    EXPECT_EQ(st.stats().dead_letters, 0u);
}

TEST(StageErrors, UndecodablePayloadGoesRawToTheDeadLetterTopic)
{
    auto cfg = config_for(key::profile::seed);
    cfg.dead_letter_topic = "udpn-dead-letters";
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    EXPECT_EQ(st.process(mk.make(R"({"ietf-yang-push:push-update": {"id": "x"}})"), sink),
              process_status::dead_lettered);
    ASSERT_EQ(sink.records.size(), 1u);
    const kept_record& r = sink.records[0];
    EXPECT_EQ(r.kind, record_kind::dead_letter);
    EXPECT_EQ(r.topic, "udpn-dead-letters");
    EXPECT_FALSE(r.has_key);
    EXPECT_EQ(r.value, R"({"ietf-yang-push:push-update": {"id": "x"}})");
    EXPECT_FALSE(r.value_owned); // the message's payload: a sink must copy it
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].second, "application/yang-data+json");
    EXPECT_EQ(r.headers[1].first, "udpn-error");
    EXPECT_EQ(r.headers[1].second, "bad_member_type");
    EXPECT_EQ(st.stats().dead_letters, 1u);
    EXPECT_EQ(st.stats().of(process_status::dead_lettered), 1u);
}

TEST(StageErrors, BadXmlAndCborAreTranscodeFailuresAndPrivateTypesUnsupported)
{
    auto cfg = config_for(key::profile::latest);
    cfg.dead_letter_topic = "dlq";
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    EXPECT_EQ(st.process(mk.make("<notification/>", 2), sink), process_status::dead_lettered);
    EXPECT_EQ(sink.records.back().headers[0].second, "application/yang-data+xml");
    EXPECT_EQ(sink.records.back().headers[1].second,
              yangpush::to_string(yangpush::xml_transcode_error::unknown_namespace));
    EXPECT_EQ(st.process(mk.make("\xa1", 3), sink), process_status::dead_lettered);
    EXPECT_EQ(sink.records.back().headers[0].second, "application/yang-data+cbor");
    EXPECT_EQ(sink.records.back().headers[1].second,
              yangpush::to_string(yangpush::cbor_transcode_error::truncated));
    worker::message m = mk.make("{}", 1);
    m.s_flag = true;
    EXPECT_EQ(st.process(m, sink), process_status::dead_lettered);
    EXPECT_EQ(sink.records.back().headers[0].second, "application/octet-stream");
    EXPECT_EQ(sink.records.back().headers[1].second, "unsupported_media_type");
    EXPECT_EQ(st.process(mk.make("{}", 9), sink), process_status::dead_lettered);
    EXPECT_EQ(st.stats().of(undecodable_reason::unsupported_media_type), 2u);
    EXPECT_EQ(st.stats().of(undecodable_reason::transcode_failed), 2u);
    EXPECT_EQ(st.xml_stats().transcoded, 0u);
}

// The [xml] and [cbor] options reach the stage's transcoders: a payload past a configured limit
// is a transcode failure with that limit's reason (dead-lettered with it), one within passes
// the limit check.
TEST(StageErrors, ConfiguredTranscoderLimitsAreTheOnesEnforced)
{
    auto cfg = config_for(key::profile::latest);
    cfg.dead_letter_topic = "dlq";
    cfg.xml.max_depth = 5;
    cfg.cbor.max_input_bytes = 4;
    cfg.cbor.max_depth = 2;
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    auto reason = [&sink] { return sink.records.back().headers.at(1).second; };
    // a push-update six elements deep against max_depth 5; the default, 128, transcodes it
    const std::string xml(xml_push_update_1042);
    EXPECT_EQ(st.process(mk.make(xml, 2), sink), process_status::dead_lettered);
    EXPECT_EQ(reason(), yangpush::to_string(yangpush::xml_transcode_error::too_deep));
    // {"a": [[1]]}: 7 octets against max_input_bytes 4
    EXPECT_EQ(st.process(mk.make("\xa1\x61\x61\x81\x81\x01", 3), sink),
              process_status::dead_lettered);
    EXPECT_EQ(reason(), yangpush::to_string(yangpush::cbor_transcode_error::too_large));
    // {"a": [[1]]} is 3 levels deep against max_depth 2 once the input limit lets it in
    cfg.cbor.max_input_bytes = 64;
    cfg.xml.max_depth = 6;
    worker::stage wide(cfg, shared_schema());
    EXPECT_NE(wide.process(mk.make(xml, 2), sink), process_status::dead_lettered);
    EXPECT_EQ(wide.xml_stats().transcoded, 1u);
    EXPECT_EQ(wide.process(mk.make("\xa1\x61\x61\x81\x81\x01", 3), sink),
              process_status::dead_lettered);
    EXPECT_EQ(reason(), yangpush::to_string(yangpush::cbor_transcode_error::too_deep));
    // {"a": 1}: within both limits, so it is transcoded (the decoder then finds no
    // notification in it)
    EXPECT_EQ(wide.process(mk.make("\xa1\x61\x61\x01", 3), sink), process_status::dead_lettered);
    EXPECT_EQ(wide.cbor_stats().transcoded, 1u);
    EXPECT_EQ(st.stats().of(undecodable_reason::transcode_failed), 2u);
    EXPECT_EQ(wide.stats().of(undecodable_reason::transcode_failed), 1u);
}

TEST(StageErrors, RejectedStateChangeIsProducedOnTheFallbackTopic)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    // -suspended for a subscription not held: nothing to change, still telemetry.
    EXPECT_EQ(st.process(mk.make(in_envelope("ietf-subscribed-notifications:subscription-suspended",
                                             R"({"id": 9, "reason": "ietf-yang-push:update-too-big"})")),
                         sink),
              process_status::produced_fallback);
    EXPECT_EQ(sink.records.back().topic, "unknown");
    EXPECT_EQ(st.stats().state_changes_rejected, 1u);
    // A -started whose contents the parser refuses (periodic without period).
    EXPECT_EQ(st.process(mk.make(started(R"({"id": 5, "ietf-yang-push:periodic": {}})")), sink),
              process_status::produced_fallback);
    EXPECT_EQ(st.stats().state_changes_rejected, 2u);
    EXPECT_EQ(st.table().size(), 0u);
}

TEST(StageErrors, UnresolvableFilterFallsBackAndIsCounted)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(R"({"id": 77, "ietf-yang-push:datastore": "ietf-datastores:operational",)"
                                         R"( "ietf-yang-push:datastore-xpath-filter": "/no-such-module:thing",)"
                                         R"( "ietf-yang-push:periodic": {"period": 100}})")),
                         sink),
              process_status::produced);
    EXPECT_EQ(st.stats().resolve_failed, 1u);
    EXPECT_EQ(sink.records.back().topic, "unknown");
}

TEST(StageErrors, BadConfigurationsThrowAtStartUp)
{
    auto no_schema = config_for(key::profile::latest);
    no_schema.schema.search_dirs.clear();
    EXPECT_THROW(worker::stage st(no_schema), std::invalid_argument);
    EXPECT_FALSE(worker::validate(no_schema).empty());

    auto bad_topic = config_for(key::profile::latest);
    bad_topic.dead_letter_topic = "no spaces allowed";
    EXPECT_THROW(worker::stage st(bad_topic, shared_schema()), std::invalid_argument);

    // The transcoders' limits: named by option, with the transcoders' own checks.
    auto bad_transcoders = config_for(key::profile::latest);
    bad_transcoders.xml.max_depth = 0;
    bad_transcoders.xml.max_namespace_bindings = 7;
    bad_transcoders.cbor.max_depth = 1025;
    bad_transcoders.cbor.max_output_bytes = 0;
    EXPECT_EQ(worker::validate(bad_transcoders),
              (std::vector<std::string>{"xml.max_depth: 0 (must be 1..1024)",
                                        "xml.max_namespace_bindings: 7 (at least 8)",
                                        "cbor.max_depth: 1025 (must be 1..1024)",
                                        "cbor.max_output_bytes: 0"}));
    EXPECT_THROW(worker::stage st(bad_transcoders, shared_schema()), std::invalid_argument);

    auto twice = config_for(key::profile::latest);
    twice.node_names.push_back(twice.node_names[0]);
    EXPECT_THROW(worker::stage st(twice, shared_schema()), std::invalid_argument);

    auto bad_key = config_for(key::profile::latest);
    bad_key.key.max_topic_length = 1;
    EXPECT_THROW(worker::stage st(bad_key, shared_schema()), std::invalid_argument);
}

// The envelope copies the notification raw into the record value, so a payload whose skipped
// parts are not JSON (here a member without its colon inside datastore-contents) must never be
// produced as telemetry: it is undecodable (dead-lettered raw when configured). Found by
// tests/fuzz/fuzz_envelope (corpus crash-invalid-json-payload-in-envelope): records were
// produced whose value was not JSON.
TEST(StageErrors, MalformedJsonInsideTheNotificationIsNeverProduced)
{
    auto cfg = config_for(key::profile::latest);
    cfg.dead_letter_topic = "dlq";
    worker::stage st(cfg, shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    const std::string broken = in_envelope(
        std::string(push_update_name),
        R"({"id": 1042, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)"
        R"({"name": "eth0", "statist"x"ics": {"in-octets": "1"}}]}}})",
        2);
    EXPECT_EQ(st.process(mk.make(broken), sink), process_status::dead_lettered);
    ASSERT_EQ(sink.records.size(), 2u);
    EXPECT_EQ(sink.records.back().kind, record_kind::dead_letter);
    EXPECT_EQ(sink.records.back().value, broken);
    EXPECT_EQ(sink.records.back().headers[1].second, "invalid_json");
    EXPECT_EQ(
        st.stats().decode_failed[static_cast<std::size_t>(yangpush::decode_error::invalid_json)],
        1u);
    // The same update, well-formed, is produced.
    const std::string fixed =
        in_envelope(std::string(push_update_name), push_update_contents(1042, {"eth0"}), 3);
    EXPECT_EQ(st.process(mk.make(fixed), sink), process_status::produced);
}
