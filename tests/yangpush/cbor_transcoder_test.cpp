// CBOR (media type 3) → RFC 7951 JSON: name-based RFC 9254 documents encoded here with libcbor's
// encoder, every CBOR type, SID detection, truncation at every length, depth bombs, limits.
#include "alloc_counter.hpp"
#include "padded.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/decoder.hpp"

#include <cbor.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::yangpush;
using udpn::test::padded_payload;

namespace {

/// Builds CBOR with libcbor's encoding functions (an encoder independent of the transcoder).
class cbor_writer {
  public:
    cbor_writer& map(std::size_t n) { return put(cbor_encode_map_start(n, _tmp, sizeof _tmp)); }
    cbor_writer& array(std::size_t n) { return put(cbor_encode_array_start(n, _tmp, sizeof _tmp)); }
    cbor_writer& indef_map() { return put(cbor_encode_indef_map_start(_tmp, sizeof _tmp)); }
    cbor_writer& indef_array() { return put(cbor_encode_indef_array_start(_tmp, sizeof _tmp)); }
    cbor_writer& indef_text() { return put(cbor_encode_indef_string_start(_tmp, sizeof _tmp)); }
    cbor_writer& indef_bytes()
    {
        return put(cbor_encode_indef_bytestring_start(_tmp, sizeof _tmp));
    }
    cbor_writer& brk() { return put(cbor_encode_break(_tmp, sizeof _tmp)); }
    cbor_writer& text(std::string_view s)
    {
        put(cbor_encode_string_start(s.size(), _tmp, sizeof _tmp));
        _buf.insert(_buf.end(), s.begin(), s.end());
        return *this;
    }
    cbor_writer& bytes(std::string_view s)
    {
        put(cbor_encode_bytestring_start(s.size(), _tmp, sizeof _tmp));
        _buf.insert(_buf.end(), s.begin(), s.end());
        return *this;
    }
    cbor_writer& uint(std::uint64_t v) { return put(cbor_encode_uint(v, _tmp, sizeof _tmp)); }
    /// The CBOR negative integer -1 - \p n.
    cbor_writer& negint(std::uint64_t n) { return put(cbor_encode_negint(n, _tmp, sizeof _tmp)); }
    cbor_writer& tag(std::uint64_t t) { return put(cbor_encode_tag(t, _tmp, sizeof _tmp)); }
    cbor_writer& boolean(bool b) { return put(cbor_encode_bool(b, _tmp, sizeof _tmp)); }
    cbor_writer& null() { return put(cbor_encode_null(_tmp, sizeof _tmp)); }
    cbor_writer& undef() { return put(cbor_encode_undef(_tmp, sizeof _tmp)); }
    cbor_writer& half(float f) { return put(cbor_encode_half(f, _tmp, sizeof _tmp)); }
    cbor_writer& single(float f) { return put(cbor_encode_single(f, _tmp, sizeof _tmp)); }
    cbor_writer& dbl(double d) { return put(cbor_encode_double(d, _tmp, sizeof _tmp)); }
    cbor_writer& raw(std::initializer_list<std::uint8_t> b)
    {
        _buf.insert(_buf.end(), b.begin(), b.end());
        return *this;
    }
    /// A tag-4 decimal fraction [exponent, mantissa] (RFC 9254 §6.3).
    cbor_writer& decimal(std::int64_t exponent, std::int64_t mantissa)
    {
        tag(4).array(2);
        exponent < 0 ? negint(static_cast<std::uint64_t>(-1 - exponent))
                     : uint(static_cast<std::uint64_t>(exponent));
        return mantissa < 0 ? negint(static_cast<std::uint64_t>(-1 - mantissa))
                            : uint(static_cast<std::uint64_t>(mantissa));
    }

    [[nodiscard]] std::string_view view() const
    {
        return {reinterpret_cast<const char*>(_buf.data()), _buf.size()};
    }

  private:
    cbor_writer& put(std::size_t n)
    {
        EXPECT_GT(n, 0u);
        _buf.insert(_buf.end(), _tmp, _tmp + n);
        return *this;
    }
    unsigned char _tmp[16];
    std::vector<std::uint8_t> _buf;
};

/// PROTOCOL.md §3.2 envelope with a push-update, in name-based CBOR.
cbor_writer push_update_envelope()
{
    cbor_writer w;
    w.map(1).text("ietf-yp-notification:envelope").map(4);
    w.text("event-time").text("2026-03-01T10:00:00.12Z");
    w.text("hostname").text("pe1.example.net");
    w.text("sequence-number").uint(1284);
    w.text("contents").map(1).text("ietf-yang-push:push-update").map(3);
    w.text("id").uint(1042);
    w.text("ietf-distributed-notif:message-publisher-id").uint(2);
    w.text("datastore-contents").map(1).text("ietf-interfaces:interfaces").map(1);
    w.text("interface").array(2);
    w.map(3).text("name").text("eth0").text("type").text("iana-if-type:ethernetCsmacd");
    w.text("oper-status").text("up");
    w.map(2).text("name").text("eth1").text("enabled").boolean(false);
    return w;
}

constexpr std::string_view push_update_json =
    R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
    R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)"
    R"({"ietf-yang-push:push-update":{"id":1042,"ietf-distributed-notif:message-publisher-id":2,)"
    R"("datastore-contents":{"ietf-interfaces:interfaces":{"interface":[)"
    R"({"name":"eth0","type":"iana-if-type:ethernetCsmacd","oper-status":"up"},)"
    R"({"name":"eth1","enabled":false}]}}}}}})";

/// A map holding one member `"k"` with the given value bytes, as JSON `{"k":…}` expected.
cbor_writer member(const std::function<void(cbor_writer&)>& value)
{
    cbor_writer w;
    w.map(1).text("k");
    value(w);
    return w;
}

cbor_transcode_error transcode_error(cbor_transcoder& t, std::string_view in)
{
    std::string json;
    const auto r = t.transcode(in, json);
    EXPECT_FALSE(r.ok()) << json;
    EXPECT_TRUE(json.empty());
    return r.ok() ? cbor_transcode_error::out_of_memory : r.error();
}

} // namespace

// RFC 9254 name-based: a push-update in the envelope becomes the RFC 7951 JSON text.
TEST(CborTranscoder, TurnsANameBasedPushUpdateIntoTheEquivalentJson)
{
    cbor_transcoder t;
    std::string json;
    const cbor_writer w = push_update_envelope();
    const auto r = t.transcode(w.view(), json);
    ASSERT_TRUE(r.ok()) << to_string(r.error()) << " " << t.last_error_detail();
    EXPECT_EQ(*r, push_update_json);
    EXPECT_EQ(json, push_update_json);
    EXPECT_EQ(t.stats().transcoded, 1u);
    EXPECT_TRUE(t.last_error_detail().empty());
}

// The point of transcoding: json_decoder sees the same notification as for JSON input.
TEST(CborTranscoder, DecodesToTheSameViewAsTheJsonInput)
{
    cbor_transcoder t;
    std::string json;
    const cbor_writer w = push_update_envelope();
    ASSERT_TRUE(t.transcode(w.view(), json).ok());

    json_decoder from_cbor;
    json_decoder from_json;
    const padded_payload a(json);
    const padded_payload b(push_update_json);
    const auto va = from_cbor.decode(a.view());
    const auto vb = from_json.decode(b.view());
    ASSERT_TRUE(va.ok()) << to_string(va.error());
    ASSERT_TRUE(vb.ok());
    EXPECT_EQ(va->form, wrapper_form::envelope);
    EXPECT_EQ(va->kind, notification_kind::push_update);
    EXPECT_EQ(va->kind, vb->kind);
    EXPECT_EQ(va->subscription_id, 1042u);
    EXPECT_EQ(va->event_time, vb->event_time);
    EXPECT_EQ(va->hostname, "pe1.example.net");
    EXPECT_EQ(va->sequence_number, vb->sequence_number);
    EXPECT_EQ(va->publisher_id, 2u);
    EXPECT_EQ(va->contents, vb->contents);
}

TEST(CborTranscoder, MapsEveryCborTypeToJson)
{
    struct case_t {
        const char* what;
        std::function<void(cbor_writer&)> value;
        std::string_view json; // of the value of "k"
    };
    const std::vector<case_t> cases = {
        {"uint 0", [](cbor_writer& w) { w.uint(0); }, "0"},
        {"uint8", [](cbor_writer& w) { w.uint(200); }, "200"},
        {"uint16", [](cbor_writer& w) { w.uint(65535); }, "65535"},
        {"uint32", [](cbor_writer& w) { w.uint(4294967295u); }, "4294967295"},
        {"uint64", [](cbor_writer& w) { w.uint(18446744073709551615u); }, "18446744073709551615"},
        {"negint -1", [](cbor_writer& w) { w.negint(0); }, "-1"},
        {"negint16", [](cbor_writer& w) { w.negint(999); }, "-1000"},
        {"negint64 min int64", [](cbor_writer& w) { w.negint(9223372036854775807u); },
         "-9223372036854775808"},
        {"negint64 -2^64", [](cbor_writer& w) { w.negint(18446744073709551615u); },
         "-18446744073709551616"},
        {"text escapes", [](cbor_writer& w) { w.text("a\"b\\c\n\t\x01/"); },
         R"("a\"b\\c\n\t\u0001/")"},
        {"text utf-8", [](cbor_writer& w) { w.text("caf\xC3\xA9 \xF0\x9F\x93\xA1"); },
         "\"caf\xC3\xA9 \xF0\x9F\x93\xA1\""},
        {"empty text", [](cbor_writer& w) { w.text(""); }, R"("")"},
        {"bytes 0", [](cbor_writer& w) { w.bytes(""); }, R"("")"},
        {"bytes 1", [](cbor_writer& w) { w.bytes("f"); }, R"("Zg==")"},
        {"bytes 2", [](cbor_writer& w) { w.bytes("fo"); }, R"("Zm8=")"},
        {"bytes 3", [](cbor_writer& w) { w.bytes("foo"); }, R"("Zm9v")"},
        {"bytes 6", [](cbor_writer& w) { w.bytes("foobar"); }, R"("Zm9vYmFy")"},
        {"bytes binary", [](cbor_writer& w) { w.bytes(std::string_view("\xFF\x00\xFE", 3)); },
         R"("/wD+")"},
        {"indefinite text",
         [](cbor_writer& w) { w.indef_text().text("ab").text("").text("\"c").brk(); },
         R"("ab\"c")"},
        {"indefinite bytes carry",
         [](cbor_writer& w) { w.indef_bytes().bytes("f").bytes("oob").bytes("ar").brk(); },
         R"("Zm9vYmFy")"},
        {"indefinite bytes partial",
         [](cbor_writer& w) { w.indef_bytes().bytes("fo").bytes("ob").brk(); }, R"("Zm9vYg==")"},
        {"array", [](cbor_writer& w) { w.array(3).uint(1).text("x").boolean(true); },
         R"([1,"x",true])"},
        {"empty array", [](cbor_writer& w) { w.array(0); }, "[]"},
        {"indefinite array", [](cbor_writer& w) { w.indef_array().uint(1).uint(2).brk(); },
         "[1,2]"},
        {"empty indefinite array", [](cbor_writer& w) { w.indef_array().brk(); }, "[]"},
        {"map", [](cbor_writer& w) { w.map(2).text("a").uint(1).text("m:b").text("c"); },
         R"({"a":1,"m:b":"c"})"},
        {"empty map", [](cbor_writer& w) { w.map(0); }, "{}"},
        {"indefinite map",
         [](cbor_writer& w) {
             w.indef_map().text("a").null().indef_text().text("b").brk().uint(2).brk();
         },
         R"({"a":[null],"b":2})"},
        {"true", [](cbor_writer& w) { w.boolean(true); }, "true"},
        {"false", [](cbor_writer& w) { w.boolean(false); }, "false"},
        // RFC 9254 §6.9: null is YANG empty, [null] in RFC 7951 §6.9; inside arrays plain null.
        {"null member is empty", [](cbor_writer& w) { w.null(); }, "[null]"},
        {"null in array", [](cbor_writer& w) { w.array(2).null().uint(1); }, "[null,1]"},
        {"half float", [](cbor_writer& w) { w.half(1.5f); }, "1.5"},
        {"single float", [](cbor_writer& w) { w.single(0.1f); }, "0.1"},
        {"double", [](cbor_writer& w) { w.dbl(-2.5e-7); }, "-2.5e-07"},
        {"double integral", [](cbor_writer& w) { w.dbl(3.0); }, "3"},
        {"tag 1 unwrapped", [](cbor_writer& w) { w.tag(1).uint(1700000000); }, "1700000000"},
        {"tag 0 unwrapped", [](cbor_writer& w) { w.tag(0).text("2026-03-01T10:00:00Z"); },
         R"("2026-03-01T10:00:00Z")"},
        {"nested tags unwrapped", [](cbor_writer& w) { w.tag(55799).tag(32).text("u"); }, R"("u")"},
        // RFC 9254 §6.3: decimal64 as tag 4 → RFC 7951 §6.1 string.
        {"decimal", [](cbor_writer& w) { w.decimal(-2, 1234); }, R"("12.34")"},
        {"decimal small", [](cbor_writer& w) { w.decimal(-3, 5); }, R"("0.005")"},
        {"decimal negative", [](cbor_writer& w) { w.decimal(-1, -27); }, R"("-2.7")"},
        {"decimal exact digits", [](cbor_writer& w) { w.decimal(-2, -12); }, R"("-0.12")"},
        {"decimal positive exponent", [](cbor_writer& w) { w.decimal(2, 7); }, R"("700")"},
        {"decimal zero", [](cbor_writer& w) { w.decimal(-2, 0); }, R"("0.00")"},
        {"decimal in array",
         [](cbor_writer& w) {
             w.array(2);
             w.decimal(-1, 1);
             w.decimal(0, 2);
         },
         R"(["0.1","2"])"},
    };
    cbor_transcoder t;
    std::string json;
    for (const auto& c : cases) {
        const cbor_writer w = member(c.value);
        const auto r = t.transcode(w.view(), json);
        ASSERT_TRUE(r.ok()) << c.what << ": " << to_string(r.error()) << " "
                            << t.last_error_detail();
        EXPECT_EQ(json, "{\"k\":" + std::string(c.json) + "}") << c.what;
        // Always well-formed JSON for the decoder.
        json_decoder dec;
        const padded_payload p(json);
        const auto v = dec.decode(p.view());
        EXPECT_TRUE(v.ok() || v.error() != decode_error::invalid_json) << c.what << ": " << json;
    }
    EXPECT_EQ(t.stats().tags_unwrapped, 4u);
}

TEST(CborTranscoder, AcceptsTheSelfDescribedTagAtTheRoot)
{
    cbor_transcoder t;
    std::string json;
    cbor_writer w;
    w.tag(55799).map(1).text("ietf-subscribed-notifications:subscription-resumed").map(1);
    w.text("id").uint(7);
    ASSERT_TRUE(t.transcode(w.view(), json).ok());
    EXPECT_EQ(json, R"({"ietf-subscribed-notifications:subscription-resumed":{"id":7}})");
}

// RFC 9254 §3.2: SID-keyed CBOR (integer delta keys, tag 47) is detected, with its own reason.
TEST(CborTranscoder, RejectsSidKeysWithADistinctReason)
{
    cbor_transcoder t;
    {
        cbor_writer w; // {2957: {1: "2026-…"}} — envelope by (placeholder) SID
        w.map(1).uint(2957).map(1).uint(1).text("2026-03-01T10:00:00Z");
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::sid_keys);
    }
    {
        cbor_writer w; // a negative delta
        w.map(1).text("ietf-yang-push:push-update").map(1).negint(3).uint(1);
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::sid_keys);
    }
    {
        cbor_writer w; // tag 47 absolute SID key
        w.map(1).tag(47).uint(2957).map(0);
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::sid_keys);
    }
    EXPECT_EQ(t.stats().failed[static_cast<std::size_t>(cbor_transcode_error::sid_keys)], 3u);
    EXPECT_EQ(t.stats().transcoded, 0u);
    EXPECT_NE(t.last_error_detail().find("sid_keys"), std::string_view::npos);
}

TEST(CborTranscoder, RejectsWhatHasNoSchemaFreeJsonForm)
{
    cbor_transcoder t;
    struct case_t {
        const char* what;
        std::function<void(cbor_writer&)> value;
        cbor_transcode_error error;
    };
    const std::vector<case_t> cases = {
        {"tag 43 bits", [](cbor_writer& w) { w.tag(43).bytes("\x01"); },
         cbor_transcode_error::schema_needed},
        {"tag 44 enum", [](cbor_writer& w) { w.tag(44).uint(3); },
         cbor_transcode_error::schema_needed},
        {"tag 45 identityref SID", [](cbor_writer& w) { w.tag(45).uint(1700); },
         cbor_transcode_error::schema_needed},
        {"tag 46 instance-identifier SID", [](cbor_writer& w) { w.tag(46).uint(1700); },
         cbor_transcode_error::schema_needed},
        {"undefined", [](cbor_writer& w) { w.undef(); }, cbor_transcode_error::no_json_form},
        {"NaN", [](cbor_writer& w) { w.dbl(std::nan("")); }, cbor_transcode_error::no_json_form},
        {"infinity", [](cbor_writer& w) { w.single(std::numeric_limits<float>::infinity()); },
         cbor_transcode_error::no_json_form},
        {"bad utf-8", [](cbor_writer& w) { w.text("a\xC3"); }, cbor_transcode_error::invalid_utf8},
        {"surrogate", [](cbor_writer& w) { w.text("\xED\xA0\x80"); },
         cbor_transcode_error::invalid_utf8},
        {"overlong", [](cbor_writer& w) { w.text("\xC0\xAF"); },
         cbor_transcode_error::invalid_utf8},
        {"split code point", [](cbor_writer& w) { w.indef_text().text("\xC3").text("\xA9").brk(); },
         cbor_transcode_error::invalid_utf8},
        {"bytes key", [](cbor_writer& w) { w.map(1).bytes("k").uint(1); },
         cbor_transcode_error::bad_key},
        {"array key", [](cbor_writer& w) { w.map(1).array(0).uint(1); },
         cbor_transcode_error::bad_key},
        {"null key", [](cbor_writer& w) { w.map(1).null().uint(1); },
         cbor_transcode_error::bad_key},
        {"decimal not an array", [](cbor_writer& w) { w.tag(4).uint(1); },
         cbor_transcode_error::bad_decimal},
        {"decimal of 3", [](cbor_writer& w) { w.tag(4).array(3).uint(1).uint(1).uint(1); },
         cbor_transcode_error::bad_decimal},
        {"decimal text mantissa", [](cbor_writer& w) { w.tag(4).array(2).negint(1).text("1"); },
         cbor_transcode_error::bad_decimal},
        {"decimal huge exponent", [](cbor_writer& w) { w.tag(4).array(2).uint(1000).uint(1); },
         cbor_transcode_error::bad_decimal},
        {"decimal as key", [](cbor_writer& w) { w.map(1).decimal(-1, 1).uint(1); },
         cbor_transcode_error::bad_key},
        {"wrong chunk type", [](cbor_writer& w) { w.indef_text().bytes("a").brk(); },
         cbor_transcode_error::invalid_cbor},
        {"nested indefinite chunk",
         [](cbor_writer& w) { w.indef_bytes().indef_bytes().brk().brk(); },
         cbor_transcode_error::invalid_cbor},
        {"tag inside chunks", [](cbor_writer& w) { w.indef_text().tag(1).text("a").brk(); },
         cbor_transcode_error::invalid_cbor},
        {"break in definite array", [](cbor_writer& w) { w.array(1).brk(); },
         cbor_transcode_error::invalid_cbor},
        {"break after a key", [](cbor_writer& w) { w.indef_map().text("a").brk(); },
         cbor_transcode_error::invalid_cbor},
        {"unassigned simple value", [](cbor_writer& w) { w.raw({0xE0}); },
         cbor_transcode_error::invalid_cbor},
        {"one-octet simple value",
         [](cbor_writer& w) {
             w.raw({0xF8, 0x20});
         },
         cbor_transcode_error::invalid_cbor},
        {"reserved additional information", [](cbor_writer& w) { w.raw({0x1C}); },
         cbor_transcode_error::invalid_cbor},
    };
    for (const auto& c : cases) {
        const cbor_writer w = member(c.value);
        EXPECT_EQ(transcode_error(t, w.view()), c.error) << c.what << ": " << t.last_error_detail();
        EXPECT_FALSE(t.last_error_detail().empty());
    }
}

TEST(CborTranscoder, RejectsDocumentsThatAreNotOneMap)
{
    cbor_transcoder t;
    {
        cbor_writer w;
        w.array(1).uint(1);
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::not_a_map);
    }
    {
        cbor_writer w;
        w.text("ietf-yang-push:push-update");
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::not_a_map);
    }
    {
        cbor_writer w;
        w.map(0).uint(1);
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::trailing_data);
    }
    {
        cbor_writer w;
        w.raw({0xFF}); // a break with nothing open
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::invalid_cbor);
    }
    EXPECT_EQ(transcode_error(t, ""), cbor_transcode_error::truncated);
}

// Truncated input: every prefix of a document covering all item kinds fails cleanly.
TEST(CborTranscoder, FailsCleanlyOnTruncationAtEveryLength)
{
    cbor_writer w = push_update_envelope();
    cbor_writer all;
    all.map(9).text("a").indef_text().text("xy").text("z").brk();
    all.text("b").indef_bytes().bytes("f").bytes("oo").brk();
    all.text("c").decimal(-2, 123456).text("d").dbl(1.25).text("e").half(2.0f);
    all.text("f").tag(1).uint(4294967296u).text("g").negint(70000);
    all.text("h").indef_map().text("x").indef_array().null().boolean(true).brk().brk();
    all.text("i").bytes("0123456789");
    cbor_transcoder t;
    std::string json;
    for (const std::string_view doc : {w.view(), all.view()}) {
        ASSERT_TRUE(t.transcode(doc, json).ok()) << t.last_error_detail();
        for (std::size_t n = 0; n < doc.size(); ++n) {
            // A copy of exactly n octets, so reading past it would be caught by sanitizers.
            const std::string prefix(doc.substr(0, n));
            const auto r = t.transcode(prefix, json);
            ASSERT_FALSE(r.ok()) << "prefix " << n;
            EXPECT_EQ(r.error(), cbor_transcode_error::truncated) << "prefix " << n;
            EXPECT_TRUE(json.empty());
        }
    }
}

// Random corruption never crashes, and whatever is accepted is well-formed JSON.
TEST(CborTranscoder, SurvivesCorruptedInput)
{
    const cbor_writer w = push_update_envelope();
    const std::string doc(w.view());
    std::mt19937 rng(20260301);
    cbor_transcoder t;
    std::string json;
    json_decoder dec;
    std::size_t n_ok = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string bad = doc;
        const int n_flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < n_flips; ++k) {
            bad[rng() % bad.size()] = static_cast<char>(rng() & 0xFF);
        }
        if (const auto r = t.transcode(bad, json); r.ok()) {
            ++n_ok;
            const padded_payload p(json);
            const auto v = dec.decode(p.view());
            EXPECT_TRUE(v.ok() || v.error() != decode_error::invalid_json) << json;
        }
    }
    EXPECT_GT(n_ok, 0u);
    EXPECT_EQ(t.stats().transcoded, n_ok);
}

TEST(CborTranscoder, RejectsDepthBombs)
{
    cbor_transcoder t; // max_depth 128
    for (const std::uint8_t open : {std::uint8_t{0x81}, std::uint8_t{0x9F}}) {
        std::string bomb = "\xA1\x61k"; // {"k": …
        bomb.append(100000, static_cast<char>(open));
        bomb.push_back('\x00');
        EXPECT_EQ(transcode_error(t, bomb), cbor_transcode_error::too_deep);
    }
    // A map nested as deep as allowed passes, one more level fails.
    auto nested = [](int levels) {
        cbor_writer w;
        for (int i = 0; i < levels; ++i) {
            w.map(1).text("m");
        }
        w.uint(1);
        return std::string(w.view());
    };
    std::string json;
    EXPECT_TRUE(t.transcode(nested(128), json).ok()) << t.last_error_detail();
    EXPECT_EQ(transcode_error(t, nested(129)), cbor_transcode_error::too_deep);
}

TEST(CborTranscoder, EnforcesItsSizeLimits)
{
    const cbor_writer w = push_update_envelope();
    cbor_transcoder small_input(cbor_transcoder_config{.max_input_bytes = 16});
    EXPECT_EQ(transcode_error(small_input, w.view()), cbor_transcode_error::too_large);
    cbor_transcoder small_output(cbor_transcoder_config{.max_output_bytes = 64});
    EXPECT_EQ(transcode_error(small_output, w.view()), cbor_transcode_error::output_too_large);
    // A count larger than the input can hold is truncation, decided before any item is read.
    cbor_writer huge;
    huge.map(1).text("k").raw({0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
    cbor_transcoder t;
    EXPECT_EQ(transcode_error(t, huge.view()), cbor_transcode_error::truncated);
    EXPECT_THROW(cbor_transcoder(cbor_transcoder_config{.max_depth = 0}), std::invalid_argument);
}

// Steady state: no heap allocation once the output string has its size (STYLE.md §4 rule 4).
TEST(CborTranscoder, AllocatesNothingInSteadyState)
{
    const cbor_writer w = push_update_envelope();
    cbor_transcoder t;
    std::string json;
    ASSERT_TRUE(t.transcode(w.view(), json).ok());
    const auto n = test::allocations_during([&] {
        for (int i = 0; i < 100; ++i) {
            auto r = t.transcode(w.view(), json);
            ASSERT_TRUE(r.ok());
        }
    });
    EXPECT_EQ(n, 0u);
}

// RFC 8949 §3.4: a tag is followed by exactly one data item. A tag directly before the break of
// an indefinite-length container is malformed (found by tests/fuzz/fuzz_decode_cbor; corpus
// crash-tag-before-break); a tag at the end of the input is truncated.
TEST(CborTranscoder, RejectsATagWithoutItsItem)
{
    cbor_transcoder t;
    {
        cbor_writer w;
        w.indef_map().text("ietf-yang-push:push-update").map(1).text("id").uint(1);
        w.tag(21).brk();
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::invalid_cbor);
    }
    {
        cbor_writer w;
        w.map(1).text("k").indef_array().uint(1).tag(1).tag(55799).brk();
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::invalid_cbor);
    }
    {
        cbor_writer w;
        w.map(1).text("k").tag(1);
        EXPECT_EQ(transcode_error(t, w.view()), cbor_transcode_error::truncated);
    }
    // A tag with its item is still unwrapped, before a break too.
    cbor_writer ok;
    ok.indef_map().text("k").tag(1).uint(1700000000).brk();
    std::string json;
    ASSERT_TRUE(t.transcode(ok.view(), json).ok()) << t.last_error_detail();
    EXPECT_EQ(json, R"({"k":1700000000})");
}
