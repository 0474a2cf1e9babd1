#include "envelope/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

using udpn::envelope::append_json_string;
using udpn::envelope::json_string_length;
using udpn::envelope::json_writer;

namespace {

std::string as_json(std::string_view s)
{
    std::string out;
    append_json_string(out, s);
    EXPECT_EQ(out.size(), json_string_length(s)) << "length and text disagree for " << out;
    return out;
}

} // namespace

TEST(JsonString, EscapesEveryControlCharacter)
{
    // RFC 8259 §7: U+0000..U+001F must be escaped; the five with a short form use it.
    static const char* const expected[32] = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
        "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
        "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    };
    for (int c = 0; c < 32; ++c) {
        const char in[] = {'a', static_cast<char>(c), 'z'};
        EXPECT_EQ(as_json(std::string_view(in, 3)), std::string("\"a") + expected[c] + "z\"")
            << "control character " << c;
    }
}

TEST(JsonString, EscapesQuoteAndBackslashOnly)
{
    EXPECT_EQ(as_json(R"(say "hi")"), R"("say \"hi\"")");
    EXPECT_EQ(as_json(R"(C:\path\)"), R"("C:\\path\\")");
    // Solidus and DEL need no escaping.
    EXPECT_EQ(as_json("/a/b\x7f"), "\"/a/b\x7f\"");
    EXPECT_EQ(as_json(""), "\"\"");
}

TEST(JsonString, PassesValidUtf8Through)
{
    const std::string text =
        "caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
    EXPECT_EQ(as_json(text), "\"" + text + "\"");
}

TEST(JsonString, ReplacesInvalidUtf8ByMaximalSubparts)
{
    // Expected values are what Python's bytes.decode('utf-8', 'replace') gives.
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_EQ(as_json("a\x80"
                      "b"),
              "\"a" + r + "b\"");                                        // stray continuation
    EXPECT_EQ(as_json("\xC0\xAF"), "\"" + r + r + "\"");                 // overlong, C0 never valid
    EXPECT_EQ(as_json("\xE0\x80\x80"), "\"" + r + r + r + "\"");         // overlong 3-byte
    EXPECT_EQ(as_json("\xED\xA0\x80"), "\"" + r + r + r + "\"");         // surrogate U+D800
    EXPECT_EQ(as_json("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\""); // above U+10FFFF
    EXPECT_EQ(as_json("\xF0\x9F\x98"), "\"" + r + "\"");                 // truncated 4-byte
    EXPECT_EQ(as_json("\xE2\x82x"), "\"" + r + "x\"");                   // interrupted 3-byte
    EXPECT_EQ(as_json("\xC3"), "\"" + r + "\"");                         // truncated at end
    EXPECT_EQ(as_json("\xFF"), "\"" + r + "\"");
    EXPECT_EQ(as_json("\xF5\x80"), "\"" + r + r + "\"");
    EXPECT_EQ(as_json("\xE2\x82\"\n"), "\"" + r + "\\\"\\n\""); // then escapes resume
}

TEST(JsonString, YangModeReplacesCharactersAYangStringCannotHold)
{
    const std::string r = "\xEF\xBF\xBD";
    // C0 (kept: TAB LF CR), U+FFFF, U+FFFE, U+FFFD itself, a truncated sequence.
    const std::string_view in("a\x01\t\n\r\x1f\"\xEF\xBF\xBF\xEF\xBF\xBE\xEF\xBF\xBD\xC3", 17);
    std::string out;
    append_json_string(out, in, true);
    EXPECT_EQ(out, "\"a" + r + "\\t\\n\\r" + r + "\\\"" + r + r + r + r + "\"");
    EXPECT_EQ(out.size(), json_string_length(in, true));
    std::string w_out;
    json_writer w(w_out);
    w.begin_array();
    w.yang_string("x\x02");
    w.plain_string("2026-03-01T10:00:00Z");
    w.end_array();
    EXPECT_EQ(w_out, "[\"x" + r + "\",\"2026-03-01T10:00:00Z\"]");
}

TEST(JsonWriter, PlacesCommasBetweenSiblingsOnly)
{
    std::string out;
    json_writer w(out);
    w.begin_object();
    w.key("a");
    w.number(std::uint64_t{1});
    w.key("b");
    w.begin_array();
    w.number(std::int64_t{-2});
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.string("s");
    w.boolean(true);
    w.boolean(false);
    w.null();
    w.end_array();
    w.key("c");
    w.raw(R"({"x":[1,2]})");
    w.key("d\"");
    w.qualified_string("ietf-datastores", "operational");
    w.plain_key("f");
    w.plain_string("plain");
    w.key("e");
    w.number_string(18446744073709551615ull);
    w.end_object();
    EXPECT_EQ(out,
              R"({"a":1,"b":[-2,{},[],"s",true,false,null],"c":{"x":[1,2]},)"
              R"("d\"":"ietf-datastores:operational","f":"plain","e":"18446744073709551615"})");
    EXPECT_EQ(w.depth(), 0);
    EXPECT_FALSE(w.overflowed());
}

TEST(JsonWriter, WritesIntegerExtremes)
{
    std::string out;
    json_writer w(out);
    w.begin_array();
    w.number(std::uint64_t{0});
    w.number(std::numeric_limits<std::uint64_t>::max());
    w.number(std::numeric_limits<std::int64_t>::min());
    w.number(std::numeric_limits<std::int64_t>::max());
    w.number_string(0);
    w.end_array();
    EXPECT_EQ(out, "[0,18446744073709551615,-9223372036854775808,9223372036854775807,\"0\"]");
}

TEST(JsonWriter, AppendsToExistingContent)
{
    std::string out = "prefix:";
    json_writer w(out);
    w.string("x");
    EXPECT_EQ(out, "prefix:\"x\"");
}

TEST(JsonWriter, NeverGrowsPastTheLimitAndReportsOverflow)
{
    std::string out;
    json_writer w(out, 10);
    w.begin_object();
    w.key("abc");    // {"abc":   = 7 octets
    w.string("xyz"); // would make 12
    EXPECT_TRUE(w.overflowed());
    EXPECT_LE(out.size(), 10u);
    w.end_object();                // ignored once overflowed, even though it would fit
    EXPECT_EQ(out, R"({"abc":")"); // the text is incomplete and must be discarded
}

TEST(JsonWriter, EscapedStringAtTheExactLimitFits)
{
    // 5 input octets escape to 8 (\" \\ \n x y), 10 with the quotes: the exact-length path,
    // taken when the worst case (6 per octet) does not fit.
    std::string out;
    json_writer w(out, 10);
    w.string("\"\\\nxy");
    EXPECT_FALSE(w.overflowed());
    EXPECT_EQ(out, R"("\"\\\nxy")");
    EXPECT_EQ(out.size(), 10u);
}

TEST(JsonWriter, ReusedBufferKeepsItsCapacity)
{
    std::string out;
    out.reserve(256);
    const auto* data = out.data();
    for (int i = 0; i < 3; ++i) {
        out.clear();
        json_writer w(out, 256);
        w.begin_object();
        w.key("k");
        w.string("value");
        w.end_object();
        EXPECT_EQ(out, R"({"k":"value"})");
    }
    EXPECT_EQ(out.data(), data);
}

TEST(JsonWriter, PlainKeysStringsAndNumbersMatchTheEscapingFormsAtEveryLengthAndLimit)
{
    // plain_key / plain_string put a short piece (up to 64 octets) together with its comma and
    // quotes and append it at once, a longer one in parts; number() and number_string() put
    // the comma with the digits. Each must write what key() / string() write for text that
    // needs no escaping, with and without a comma before it, and never pass the limit: for
    // every limit below the full length the output is a prefix that overflowed(). The
    // reference writes the numbers with raw() and string().
    for (std::size_t len = 0; len <= 130; ++len) {
        std::string text;
        for (std::size_t i = 0; i < len; ++i) {
            text.push_back(static_cast<char>('a' + i % 26));
        }
        auto write = [&](json_writer& w, bool plain) {
            w.begin_object();
            for (int member = 0; member < 2; ++member) { // the second one follows a comma
                plain ? w.plain_key(text) : w.key(text);
                w.begin_array();
                plain ? w.plain_string(text) : w.string(text);
                plain ? w.plain_string(text) : w.string(text);
                if (plain) {
                    w.number(std::uint64_t{len});
                    w.number(-static_cast<std::int64_t>(len));
                    w.number_string(len);
                } else {
                    w.raw(std::to_string(len));
                    w.raw(std::to_string(-static_cast<std::int64_t>(len)));
                    w.string(std::to_string(len));
                }
                w.end_array();
            }
            w.end_object();
        };
        std::string expected;
        json_writer reference(expected);
        write(reference, false);
        ASSERT_FALSE(reference.overflowed());

        std::string out;
        json_writer w(out);
        write(w, true);
        ASSERT_EQ(out, expected) << "length " << len;

        for (std::size_t limit : {std::size_t{0}, len / 2, len + 2, len + 3, len + 4,
                                  expected.size() / 2, expected.size() - 1}) {
            std::string cut;
            json_writer limited(cut, limit);
            write(limited, true);
            EXPECT_TRUE(limited.overflowed()) << "length " << len << " limit " << limit;
            EXPECT_LE(cut.size(), limit);
            EXPECT_EQ(expected.compare(0, cut.size(), cut), 0)
                << "length " << len << " limit " << limit << ": not a prefix: " << cut;
        }
        std::string exact;
        json_writer at_limit(exact, expected.size());
        write(at_limit, true);
        EXPECT_FALSE(at_limit.overflowed()) << "length " << len;
        EXPECT_EQ(exact, expected);
    }
}
