// Every decode_error reason, and malformed input of every shape: counted, never a crash.
#include "padded.hpp"
#include "yangpush/decoder.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::yangpush;
using udpn::test::padded_payload;

TEST(JsonDecoderError, EachMalformedPayloadIsRejectedWithItsReason)
{
    const std::vector<std::pair<std::string, decode_error>> cases = {
        {"", decode_error::invalid_json},
        {"{\"ietf-yang-push:push-update\": {\"id\": 1", decode_error::invalid_json},
        {R"({"a:b" nope})", decode_error::invalid_json},
        {"not json", decode_error::not_an_object},
        {"[1, 2]", decode_error::not_an_object},
        {"\"text\"", decode_error::not_an_object},
        {"{}", decode_error::empty_object},
        {R"({"push-update": {"id": 1}})", decode_error::unknown_root},
        {R"({"ietf-yp-notification:envelope": {"event-time": "2026-01-01T00:00:00Z"}})",
         decode_error::missing_notification},
        {R"({"ietf-yp-notification:envelope": {"contents": {}}})", decode_error::missing_notification},
        {R"({"ietf-notification:notification": {"eventTime": "2026-01-01T00:00:00Z"}})",
         decode_error::missing_notification},
        {R"({"ietf-yang-push:push-update": {"id": -1}})", decode_error::bad_member_type},
        {R"({"ietf-yang-push:push-update": {"id": 4294967296}})", decode_error::bad_member_type},
        {R"({"ietf-yang-push:push-update": {"id": true}})", decode_error::bad_member_type},
        {R"({"ietf-yang-push:push-update": {"id": "12x"}})", decode_error::bad_member_type},
        {R"({"ietf-yang-push:push-update": [1]})", decode_error::bad_member_type},
        {R"({"ietf-yp-notification:envelope": {"event-time": 5, "contents": {"a:b": {}}}})",
         decode_error::bad_member_type},
        {R"({"ietf-yp-notification:envelope": {"sequence-number": "x", "contents": {"a:b": {}}}})",
         decode_error::bad_member_type},
        {R"({"ietf-yang-push:push-update": {"id": 1}} {"x": 1})", decode_error::trailing_content},
    };
    json_decoder dec;
    std::set<decode_error> seen;
    for (const auto& [doc, expected] : cases) {
        SCOPED_TRACE(doc);
        const padded_payload in(doc);
        const auto r = dec.decode_counted(in.view());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), expected) << to_string(r.error());
        seen.insert(expected);
    }
    EXPECT_EQ(seen.size(), n_decode_errors) << "every reason is exercised";
    std::uint64_t total = 0;
    for (const auto n : dec.stats().failed) {
        total += n;
    }
    EXPECT_EQ(total, cases.size());
    EXPECT_EQ(dec.stats().decoded, 0u);
}

TEST(JsonDecoderError, EveryPrefixOfAValidDocumentIsRejectedCleanly)
{
    const std::string doc =
        R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00Z", "hostname": "r1", "sequence-number": 3, "contents": {"ietf-yang-push:push-update": {"id": 9, "datastore-contents": {"x:y": [1, "}", {"z": null}]}}}}})";
    json_decoder dec;
    ASSERT_TRUE(dec.decode(padded_payload(doc).view()).ok());
    for (std::size_t n = 0; n < doc.size(); ++n) {
        const padded_payload in(doc.substr(0, n));
        EXPECT_FALSE(dec.decode(in.view()).ok()) << "prefix of " << n << " octets";
    }
}

TEST(JsonDecoderError, DecoderIsUsableAfterAnError)
{
    json_decoder dec;
    EXPECT_FALSE(dec.decode(padded_payload("{\"a:b\": {\"id\": ").view()).ok());
    const auto r = dec.decode(padded_payload(R"({"a:b": {"id": 3}})").view());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->subscription_id, 3u);
}

// The on-demand parser only checks what it is asked to read, and the envelope copies the
// document raw into the Kafka record: a malformed part anywhere, even in members the decoder
// skips (datastore-contents, extra envelope or root members), must fail the decode as
// invalid_json (found by tests/fuzz/fuzz_decode_json; corpus
// crash-missing-colon-in-skipped-member).
TEST(JsonDecoderError, MalformedJsonInSkippedMembersIsInvalid)
{
    const auto update = [](std::string_view datastore_contents) {
        return R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00Z", )"
               R"("contents": {"ietf-yang-push:push-update": {"id": 1, "datastore-contents": )" +
               std::string(datastore_contents) + "}}}}";
    };
    const std::vector<std::string> bad = {
        update(R"({"a:b": {"statist"x"ics": 1}})"), // the fuzz finding: string after a key
        update(R"({"a:b": {"c" 1}})"),              // missing colon
        update(R"({"a:b": {"c": 1 "d": 2}})"),      // missing comma between members
        update(R"({"a:b": [1 2]})"),                // missing comma between elements
        update(R"({"a:b": tru})"),                  // bad literal
        update(R"({"a:b": nul})"),
        update(R"({"a:b": 01})"), // leading zero
        update(R"({"a:b": 1.})"), // bad number
        update(R"({"a:b": -})"),
        update(R"({"a:b": "\x"})"),            // bad escape
        update(R"({"a:b": "\ud800"})"),        // lone surrogate
        update(R"({"a:b": {"c": 1,}})"),       // trailing comma
        update("{\"a:b\": \"tab\there\"}"),    // raw control character in a string
        update(R"({"a:b": {"k\q": 1}})"),      // bad escape in a member name
        update(R"({"a:b": {"c": "x": [1]}})"), // a colon after a string value
        update(R"({"a:b": {"c": 1: 2}})"),     // a colon after a number
        update(R"({"a:b": [true: 1]})"),       // a colon after a literal in an array
        update(R"({"a:b": 1e400})"),           // beyond the double range (see below)
        R"({"ietf-yp-notification:envelope": {"contents": {"a:b": {"id": 1}}, "x": [tru]}})",
        R"({"ietf-yang-push:push-update": {"id": 1}, "extra": {"k" 1}})",
        R"({"ietf-notification:notification": {"eventTime": "2026-03-01T10:00:00Z", )"
        R"("a:b": {}, "z": 1e}})",
    };
    json_decoder dec;
    for (const auto& doc : bad) {
        SCOPED_TRACE(doc);
        const auto r = dec.decode(padded_payload(doc).view());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), decode_error::invalid_json) << to_string(r.error());
    }
    // The same shapes well-formed still decode; integers beyond 64 bits are valid JSON (read
    // as doubles), only magnitudes beyond the double range are refused.
    for (const auto& doc :
         {update(R"({"a:b": {"statistics": 1, "c": [1, 2, true, null]}})"),
          update(R"({"a:b": "\u00e9\ud83d\ude00", "n": -0.5e+3})"),
          update(R"({"a\"b\u0041": {"k\\": "v\/"}, "big": -18446744073709551616})")}) {
        SCOPED_TRACE(doc);
        EXPECT_TRUE(dec.decode(padded_payload(doc).view()).ok());
    }
}
