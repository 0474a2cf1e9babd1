// The Phase 3 walk of list entries (PROTOCOL.md §7.3 Phase 3, issue 6): the one-pass walk of a
// non-target entry whose keys come first, the look-ahead it falls back to, and the json_cursor
// fast paths under them (SSE2 blocks, SWAR jumps, member names without split_name), checked
// against byte-at-a-time scans on random text. Each case asserts the keys, counters and masks
// the walk must give; the mutation sweep at the end checks, for every single-byte change and truncation of the documents, that the one-pass walk gives exactly what
// the look-ahead alone gives (the behaviour before the one-pass walk existed).
#include "key/json_cursor.hpp"
#include "key/key_builder.hpp"
#include "key/resolver.hpp"

#include "schema_fixture.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace udpn::key;
using udpn::key::detail::json_cursor;
using udpn::key::detail::json_token;
using udpn::test::latest_topics;
using udpn::test::notification;
using udpn::test::shared_schema;
using udpn::test::valid_instance;
using udpn::test::xpath_filter;
using udpn::yangpush::notification_kind;

namespace udpn::key {

/// Switches a builder's one-pass entry walk off, leaving the look-ahead for every entry.
struct key_builder_probe {
    static void look_ahead_only(key_builder& b) { b._in_order = false; }
};

} // namespace udpn::key

namespace {

// ---- json_cursor ------------------------------------------------------------------------------

/// \p text in a heap block of exactly its size, so that a read past the end is a sanitizer error.
struct exact_text {
    explicit exact_text(std::string_view text)
        : bytes(std::make_unique<char[]>(text.size())), size(text.size())
    {
        std::copy(text.begin(), text.end(), bytes.get());
    }
    [[nodiscard]] std::string_view view() const { return {bytes.get(), size}; }
    std::unique_ptr<char[]> bytes;
    std::size_t size;
};

std::string_view local_part(std::string_view raw)
{
    const auto colon = raw.find(':');
    return colon == std::string_view::npos ? raw : raw.substr(colon + 1);
}

TEST(LocalNameIs, AgreesWithTheTextAfterTheFirstColon)
{
    const std::vector<std::string_view> pieces = {"", "a", ":", "name", "na", "x:", "me", "m:e"};
    const std::vector<std::string_view> keys = {"name", "a", "na", "e", "me"};
    std::size_t n_matches = 0;
    for (const auto p1 : pieces) {
        for (const auto p2 : pieces) {
            for (const auto p3 : pieces) {
                const std::string raw = std::string(p1) + std::string(p2) + std::string(p3);
                for (const auto key : keys) {
                    const bool want = local_part(raw) == key;
                    EXPECT_EQ(detail::local_name_is(raw, key), want) << raw << " / " << key;
                    n_matches += want ? 1 : 0;
                }
            }
        }
    }
    EXPECT_GT(n_matches, 20u); // both answers are exercised
    EXPECT_TRUE(detail::local_name_is("ietf-interfaces:name", "name"));
    EXPECT_TRUE(detail::local_name_is(":name", "name"));
    EXPECT_FALSE(detail::local_name_is("a:b:name", "name"));
    EXPECT_FALSE(detail::local_name_is("xname", "name"));
}

/// read_string() of \p doc (blanks, then a string, then one more octet) gives \p content and
/// \p escaped and stops before the last octet.
void expect_reads_string(const std::string& doc, std::string_view content, bool escaped)
{
    const exact_text text(doc);
    json_cursor c(text.view());
    std::string_view raw;
    bool was_escaped = false;
    ASSERT_TRUE(c.read_string(raw, was_escaped)) << doc;
    EXPECT_EQ(raw, content);
    EXPECT_EQ(was_escaped, escaped);
    EXPECT_EQ(c.position(), text.view().data() + doc.size() - 1);
}

TEST(JsonCursor, ReadsStringsWhereverTheQuoteFallsInAWord)
{
    for (std::size_t pad = 0; pad < 9; ++pad) {
        for (std::size_t len = 0; len < 20; ++len) {
            for (std::size_t esc = 0; esc <= len; ++esc) {
                // Content of `len` letters with a `\"` (or none when esc == len) at `esc`.
                std::string content(len, 'a');
                if (esc < len) {
                    content.insert(esc, "\\\"");
                }
                const std::string doc = std::string(pad, ' ') + '"' + content + "\",";
                expect_reads_string(doc, content, esc < len);
                std::string_view raw;
                bool escaped = false;
                // Every truncation before the closing quote fails and stays in bounds.
                for (std::size_t cut = 0; cut + 2 < doc.size(); ++cut) {
                    const exact_text part(std::string_view(doc).substr(0, cut));
                    json_cursor t(part.view());
                    EXPECT_FALSE(t.read_string(raw, escaped)) << doc.substr(0, cut);
                    EXPECT_TRUE(t.failed());
                }
            }
        }
    }
}

/// What skip_value() of a container must do, one byte at a time: the offset just past the
/// bracket that closes the one at \p text[0], or npos when the text ends first.
std::size_t reference_skip(std::string_view text)
{
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i; // the escaped byte, if any
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

TEST(JsonCursor, SkipsContainersAsAByteAtATimeScanWould)
{
    // Random text of brackets, quotes and backslashes, long enough for the 32-octet blocks:
    // strings and escapes straddle block edges, a backslash ends the text, brackets sit inside
    // strings. Each text is read in a heap block of its exact size (see exact_text).
    const std::string alphabet = "{}[]\"\\ a:,";
    std::mt19937 rng(20261208);
    std::size_t n_closed = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string doc(1, (rng() & 1) != 0 ? '{' : '[');
        const std::size_t len = rng() % 160;
        for (std::size_t i = 0; i < len; ++i) {
            // Mostly plain bytes, so that strings and depths of some length occur.
            doc += (rng() % 4 == 0) ? alphabet[rng() % alphabet.size()] : 'a';
        }
        const exact_text text(doc);
        json_cursor c(text.view());
        const std::size_t want = reference_skip(doc);
        const bool ok = c.skip_value();
        ASSERT_EQ(ok, want != std::string_view::npos) << doc;
        if (ok) {
            ++n_closed;
            EXPECT_EQ(c.position(), text.view().data() + want) << doc;
        }
        EXPECT_EQ(c.failed(), !ok);
    }
    EXPECT_GT(n_closed, 1000u); // both outcomes are exercised
}

TEST(JsonCursor, ReadsLongStringsAsAByteAtATimeScanWould)
{
    // Strings past the 16-octet blocks, with escapes anywhere (one right before the end too).
    std::mt19937 rng(8122026);
    for (int round = 0; round < 20000; ++round) {
        std::string content;
        const std::size_t len = rng() % 80;
        bool escaped = false;
        for (std::size_t i = 0; i < len; ++i) {
            if (rng() % 16 == 0) {
                content += (rng() & 1) != 0 ? "\\\"" : "\\\\";
                escaped = true;
            } else {
                content += static_cast<char>('a' + rng() % 26);
            }
        }
        const std::string doc = '"' + content + "\"]";
        expect_reads_string(doc, content, escaped);
        // Without the closing quote it fails, in bounds.
        const exact_text open(std::string_view(doc).substr(0, doc.size() - 2));
        json_cursor t(open.view());
        std::string_view raw;
        bool was_escaped = false;
        EXPECT_FALSE(t.read_string(raw, was_escaped)) << doc;
    }
}

TEST(JsonCursor, SkipsToTheMatchingBracketWhereverItFalls)
{
    const std::string value = R"({"a": [1, {"b": "}]\""}], "c": {"d": []}, "e": "x{"})";
    for (std::size_t pad = 0; pad < 9; ++pad) {
        const std::string doc = std::string(pad, ' ') + value + ", 7";
        const exact_text text(doc);
        json_cursor c(text.view());
        ASSERT_TRUE(c.skip_value()) << doc;
        EXPECT_EQ(c.position(), text.view().data() + pad + value.size());
        std::string_view raw;
        json_token kind;
        bool escaped = false;
        bool first = false;
        // What follows is read as usual: `, 7`.
        EXPECT_TRUE(c.next_element(first));
        EXPECT_TRUE(c.read_scalar(raw, kind, escaped));
        EXPECT_EQ(raw, "7");
        for (std::size_t cut = 0; cut < pad + value.size(); ++cut) {
            const exact_text part(std::string_view(doc).substr(0, cut));
            json_cursor t(part.view());
            EXPECT_FALSE(t.skip_value()) << doc.substr(0, cut);
        }
    }
}

TEST(JsonCursor, ReadsMembersAsBeforeWithOrWithoutBlanks)
{
    for (const std::string_view doc :
         {R"({"a":1,"ietf-x:b":"v","c":{"d":[1,2]}})", " { \"a\" : 1 ,\n\"ietf-x:b\"\t:\r\"v\" , \"c\" : {\"d\":[1,2]} } "}) {
        const exact_text text(doc);
        json_cursor c(text.view());
        ASSERT_TRUE(c.begin_object());
        bool first = true;
        std::string_view name;
        bool escaped = false;
        std::vector<std::string> names;
        while (c.next_member(first, name, escaped)) {
            names.emplace_back(name);
            ASSERT_TRUE(c.skip_value());
        }
        EXPECT_FALSE(c.failed()) << doc;
        EXPECT_TRUE(c.at_end());
        EXPECT_EQ(names, (std::vector<std::string>{"a", "ietf-x:b", "c"}));
    }
    // A missing colon or comma, or a name that is not a string, fails the cursor.
    for (const std::string_view bad : {R"({"a" 1})", R"({"a":1 "b":2})", R"({a:1})", R"({"a":1,})"}) {
        const exact_text text(bad);
        json_cursor c(text.view());
        ASSERT_TRUE(c.begin_object());
        bool first = true;
        std::string_view name;
        bool escaped = false;
        while (c.next_member(first, name, escaped)) {
            c.skip_value();
        }
        EXPECT_TRUE(c.failed()) << bad;
    }
}

// ---- key_builder: list entries ---------------------------------------------------------------

/// What derive() gives for one document: the record and the counters it moved.
struct outcome {
    bool has_key = false;
    std::string key;
    std::string topic;
    std::uint64_t branch_mask = 0;
    std::uint32_t n_instances = 0;
    std::array<std::uint64_t, n_key_events> events{};
    bool operator==(const outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const outcome& o)
{
    os << "{has_key " << o.has_key << ", key '" << o.key << "', topic " << o.topic << ", mask "
       << o.branch_mask << ", n " << o.n_instances << ", events";
    for (std::size_t i = 0; i < o.events.size(); ++i) {
        if (o.events[i] != 0) {
            os << ' ' << to_string(static_cast<key_event>(i)) << '=' << o.events[i];
        }
    }
    return os << '}';
}

/// A resolved subscription and a builder (optionally with the look-ahead only).
struct walker {
    explicit walker(const std::string& xpath, bool look_ahead_only = false)
        : config(latest_topics()), res(shared_schema(), config), builder(config)
    {
        auto r = res.resolve(xpath_filter(xpath));
        EXPECT_TRUE(r.ok()) << xpath << ": " << res.last_error();
        sub = r.ok() ? std::move(r.value()) : res.fallback(xpath_filter(xpath));
        if (look_ahead_only) {
            key_builder_probe::look_ahead_only(builder);
        }
    }

    /// derive() on a push-update whose datastore-contents is \p contents.
    outcome derive_contents(std::string_view contents)
    {
        return derive_raw(R"({"id": 1042, "datastore-contents": )" + std::string(contents) + "}");
    }

    /// derive() on a push-update whose notification object is \p doc (any bytes).
    outcome derive_raw(const std::string& doc)
    {
        const key_stats before = builder.stats();
        const exact_text text(doc);
        const record_key r = builder.derive(
            sub, "r1", notification(notification_kind::push_update, "ietf-yang-push:push-update",
                                    text.view()));
        outcome o;
        o.has_key = r.has_key;
        o.key = std::string(r.key);
        o.topic = std::string(r.topic);
        o.branch_mask = r.branch_mask;
        o.n_instances = r.n_instances;
        for (std::size_t i = 0; i < o.events.size(); ++i) {
            o.events[i] = builder.stats().events[i] - before.events[i];
        }
        return o;
    }

    key_config config;
    resolver res;
    key_builder builder;
    resolved_subscription sub;
};

std::uint64_t event(const outcome& o, key_event e)
{
    return o.events[static_cast<std::size_t>(e)];
}

/// Line 3 of a key (the xpaths).
std::string xpaths(const outcome& o)
{
    const auto lf = o.key.find('\n', o.key.find('\n') + 1);
    return lf == std::string::npos ? std::string() : o.key.substr(lf + 1);
}

constexpr std::string_view interface_target = "/ietf-interfaces:interfaces/interface";
constexpr std::string_view oper_status = "/ietf-interfaces:interfaces/interface/oper-status";

std::string interfaces(std::string_view entries)
{
    return R"({"ietf-interfaces:interfaces": {"interface": [)" + std::string(entries) + "]}}";
}

TEST(KeyWalk, KeysAfterOtherMembersGiveTheSameInstances)
{
    const std::string first =
        interfaces(R"({"name": "eth0", "oper-status": "up"}, {"name": "eth1", "oper-status": "down"})");
    const std::string last =
        interfaces(R"({"oper-status": "up", "name": "eth0"}, {"oper-status": "down", "name": "eth1"})");
    walker target{std::string(interface_target)};
    EXPECT_EQ(xpaths(target.derive_contents(last)),
              "/ietf-interfaces:interfaces/interface[name='eth0'] | "
              "/ietf-interfaces:interfaces/interface[name='eth1']");
    EXPECT_EQ(target.derive_contents(first), target.derive_contents(last));
    walker leaf{std::string(oper_status)};
    const outcome o = leaf.derive_contents(last);
    EXPECT_EQ(xpaths(o), "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status | "
                         "/ietf-interfaces:interfaces/interface[name='eth1']/oper-status");
    EXPECT_EQ(o.n_instances, 2u);
    EXPECT_EQ(leaf.derive_contents(first), o);
    EXPECT_TRUE(
        valid_instance("/ietf-interfaces:interfaces/interface[name='eth1']/oper-status", "down"));
}

TEST(KeyWalk, AnEntryWithoutItsKeyIsCountedAndGivesNoInstance)
{
    for (const auto xpath : {interface_target, oper_status}) {
        walker w{std::string(xpath)};
        const outcome o = w.derive_contents(
            interfaces(R"({"name": "eth0", "oper-status": "up"}, {"oper-status": "down"})"));
        EXPECT_EQ(o.n_instances, 1u) << xpath;
        EXPECT_EQ(event(o, key_event::missing_key_value), 1u) << xpath;
        EXPECT_EQ(event(o, key_event::malformed_contents), 0u) << xpath;
        EXPECT_NE(xpaths(o).find("[name='eth0']"), std::string::npos) << o;
    }
}

TEST(KeyWalk, ADuplicateKeyMemberKeepsItsLastScalarValue)
{
    walker target{std::string(interface_target)};
    walker leaf{std::string(oper_status)};
    for (walker* w : {&target, &leaf}) {
        // Again after another member (the one-pass walk must give the entry back).
        EXPECT_NE(xpaths(w->derive_contents(
                             interfaces(R"({"name": "a", "oper-status": "up", "name": "b"})")))
                      .find("[name='b']"),
                  std::string::npos);
        // Twice before any other member.
        EXPECT_NE(xpaths(w->derive_contents(
                             interfaces(R"({"name": "a", "name": "b", "oper-status": "up"})")))
                      .find("[name='b']"),
                  std::string::npos);
        // A later non-scalar value of the key member is not a key value.
        const outcome o = w->derive_contents(
            interfaces(R"({"name": "a", "oper-status": "up", "name": {"x": [1]}})"));
        EXPECT_NE(xpaths(o).find("[name='a']"), std::string::npos) << o;
        EXPECT_EQ(o.n_instances, 1u);
    }
}

constexpr std::string_view deviation_target = "/ietf-yang-library:modules-state/module/deviation";
constexpr std::string_view feature_target = "/ietf-yang-library:modules-state/module/feature";

TEST(KeyWalk, NestedListsWithKeysInTheMiddle)
{
    // Two-key lists at two levels (module and deviation: name, revision), keys among the
    // other members, in both orders.
    const std::string middle = R"({"ietf-yang-library:modules-state": {"module": [
      {"namespace": "urn:m", "name": "m1", "feature": ["f1", "f2"], "revision": "2020-01-01",
       "deviation": [{"revision": "2021-02-02", "x-unknown": {"name": "not-a-key"}, "name": "d1"},
                     {"name": "d2", "revision": "2022-03-03"}]},
      {"revision": "2023-04-04", "deviation": [{"name": "d3", "revision": "2024-05-05"}],
       "name": "m2", "feature": ["f3"]}]}})";
    walker dev{std::string(deviation_target)};
    const outcome o = dev.derive_contents(middle);
    const std::string want =
        "/ietf-yang-library:modules-state/module[name='m1'][revision='2020-01-01']/"
        "deviation[name='d1'][revision='2021-02-02'] | "
        "/ietf-yang-library:modules-state/module[name='m1'][revision='2020-01-01']/"
        "deviation[name='d2'][revision='2022-03-03'] | "
        "/ietf-yang-library:modules-state/module[name='m2'][revision='2023-04-04']/"
        "deviation[name='d3'][revision='2024-05-05']";
    EXPECT_EQ(xpaths(o), want) << o;
    EXPECT_EQ(o.n_instances, 3u);
    EXPECT_EQ(event(o, key_event::missing_key_value), 0u);
    walker look_ahead{std::string(deviation_target), true};
    EXPECT_EQ(look_ahead.derive_contents(middle), o);
    EXPECT_TRUE(valid_instance(
        "/ietf-yang-library:modules-state/module[name='m2'][revision='2023-04-04']/"
        "deviation[name='d3'][revision='2024-05-05']"));
    // The same data with every key first (the one-pass walk of the module entries).
    const std::string first = R"({"ietf-yang-library:modules-state": {"module": [
      {"name": "m1", "revision": "2020-01-01", "namespace": "urn:m", "feature": ["f1", "f2"],
       "deviation": [{"name": "d1", "revision": "2021-02-02", "x-unknown": {"name": "not-a-key"}},
                     {"name": "d2", "revision": "2022-03-03"}]},
      {"name": "m2", "revision": "2023-04-04", "deviation": [{"name": "d3", "revision": "2024-05-05"}],
       "feature": ["f3"]}]}})";
    EXPECT_EQ(dev.derive_contents(first), o);
    walker feature{std::string(feature_target)};
    EXPECT_EQ(
        xpaths(feature.derive_contents(middle)),
        "/ietf-yang-library:modules-state/module[name='m1'][revision='2020-01-01']/feature[.='f1'] | "
        "/ietf-yang-library:modules-state/module[name='m1'][revision='2020-01-01']/feature[.='f2'] | "
        "/ietf-yang-library:modules-state/module[name='m2'][revision='2023-04-04']/feature[.='f3']");
}

TEST(KeyWalk, ATruncatedEntryKeepsTheEntriesBeforeIt)
{
    const std::string full =
        interfaces(R"({"name": "eth0", "oper-status": "up"}, {"name": "eth1", "oper-status": "down"})");
    const std::string doc = R"({"id": 1042, "datastore-contents": )" + full + "}";
    const std::size_t second = doc.find("{\"name\": \"eth1\"");
    for (const auto xpath : {interface_target, oper_status}) {
        walker w{std::string(xpath)};
        // Cut anywhere inside the second entry.
        for (std::size_t cut = second + 1; cut < doc.find('}', second); ++cut) {
            const outcome o = w.derive_raw(doc.substr(0, cut));
            EXPECT_EQ(event(o, key_event::malformed_contents), 1u) << doc.substr(0, cut);
            EXPECT_EQ(o.n_instances, 1u) << doc.substr(0, cut) << ' ' << o;
            EXPECT_NE(xpaths(o).find("[name='eth0']"), std::string::npos);
            EXPECT_EQ(xpaths(o).find("eth1"), std::string::npos);
        }
    }
}

TEST(KeyWalk, AnErrorAfterTheKeysUndoesWhatTheEntryHadGiven)
{
    // The look-ahead rejects the second interface (`tru`) before walking into it, so neither
    // its address nor the missing key of its second address may show up.
    const std::string doc = interfaces(
        R"({"name": "eth9", "ietf-ip:ipv4": {"address": [{"ip": "10.9.9.9"}]}},)"
        R"({"name": "eth0", "ietf-ip:ipv4": {"address": [{"ip": "10.0.0.1"}, {"prefix-length": 3}]},)"
        R"( "enabled": tru})");
    const std::string xpath = "/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address";
    walker w(xpath);
    const outcome o = w.derive_contents(doc);
    EXPECT_EQ(xpaths(o), "/ietf-interfaces:interfaces/interface[name='eth9']/ietf-ip:ipv4/"
                         "address[ip='10.9.9.9']")
        << o;
    EXPECT_EQ(event(o, key_event::missing_key_value), 0u);
    EXPECT_EQ(event(o, key_event::malformed_contents), 1u);
    walker look_ahead(xpath, true);
    EXPECT_EQ(look_ahead.derive_contents(doc), o);
}

TEST(KeyWalk, EscapedMemberNamesNeverMatch)
{
    walker leaf{std::string(oper_status)};
    // An escaped key name is no key: the entry lacks its key.
    outcome o = leaf.derive_contents(interfaces(R"({"na\u006de": "eth0", "oper-status": "up"})"));
    EXPECT_EQ(o.n_instances, 0u);
    EXPECT_EQ(event(o, key_event::missing_key_value), 1u);
    EXPECT_EQ(event(o, key_event::no_instance), 1u);
    EXPECT_EQ(xpaths(o), "/ietf-interfaces:interfaces/interface/oper-status"); // subscription level
    // An escaped non-key name does not match its node either.
    o = leaf.derive_contents(interfaces(R"({"name": "eth0", "oper\u002dstatus": "up"})"));
    EXPECT_EQ(o.n_instances, 0u);
    EXPECT_EQ(event(o, key_event::missing_key_value), 0u);
    EXPECT_EQ(event(o, key_event::no_instance), 1u);
    // Escaped values are fine.
    o = leaf.derive_contents(interfaces(R"({"name": "eth\u0030", "oper-status": "up"})"));
    EXPECT_EQ(xpaths(o), "/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
}

// ---- every single-byte change and truncation: one pass == look-ahead ---------------------------

struct sweep_case {
    std::string xpath;
    std::string contents;
};

std::vector<sweep_case> sweep_cases()
{
    const std::string ifs = interfaces(
        R"({"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up",)"
        R"( "ietf-ip:ipv4": {"address": [{"ip": "10.0.0.1", "prefix-length": 24}, {"prefix-length": 8, "ip": "10.1.0.1"}]}},)"
        R"({"oper-status": "down", "name": "it's", "higher-layer-if": ["ppp0"]},)"
        R"({"name": "a", "statistics": {"in-octets": "1"}, "name": "b\"c"}, {"name": "x"}, 7)");
    const std::string lib = R"({"ietf-yang-library:modules-state": {"module": [)"
                            R"({"name": "m1", "revision": "r1", "feature": ["f1"], "deviation": [)"
                            R"({"revision": "dr", "name": "d1"}, {"name": "d2", "revision": "dr2"}]},)"
                            R"({"feature": ["f2"], "name": "m2", "revision": "r2"}]}})";
    return {
        {"/ietf-interfaces:interfaces/interface/ietf-ip:ipv4/address | "
         "/ietf-interfaces:interfaces/interface/oper-status | "
         "/ietf-interfaces:interfaces/interface/higher-layer-if",
         ifs},
        {"/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address | "
         "/ietf-interfaces:interfaces/interface/name",
         ifs},
        {"/ietf-interfaces:interfaces/interface", ifs},
        {std::string(deviation_target) + " | " + std::string(feature_target), lib},
    };
}

TEST(KeyWalk, EveryByteChangeAndTruncationWalksAsTheLookAheadAlone)
{
    const std::string replacements = "}]{[,:\"\\ x1n";
    std::size_t n_docs = 0;
    std::size_t n_failed_docs = 0;
    for (const sweep_case& sc : sweep_cases()) {
        walker one_pass(sc.xpath);
        walker look_ahead(sc.xpath, true);
        const std::string doc = R"({"id": 1042, "datastore-contents": )" + sc.contents + "}";
        const outcome intact = one_pass.derive_raw(doc);
        EXPECT_EQ(event(intact, key_event::malformed_contents), 0u) << sc.xpath;
        EXPECT_GT(intact.n_instances, 0u) << sc.xpath;
        auto check = [&](const std::string& variant) {
            const outcome want = look_ahead.derive_raw(variant);
            const outcome got = one_pass.derive_raw(variant);
            EXPECT_EQ(got, want) << sc.xpath << "\n  on: " << variant;
            ++n_docs;
            n_failed_docs += event(want, key_event::malformed_contents) != 0 ? 1 : 0;
        };
        check(doc);
        for (std::size_t i = 0; i < doc.size(); ++i) {
            check(doc.substr(0, i));
            for (const char r : replacements) {
                if (doc[i] != r) {
                    std::string variant = doc;
                    variant[i] = r;
                    check(variant);
                }
            }
        }
    }
    EXPECT_GT(n_docs, 10000u);
    EXPECT_GT(n_failed_docs, n_docs / 10) << n_failed_docs << " of " << n_docs;
}

TEST(KeyWalk, RandomCorruptionWalksAsTheLookAheadAlone)
{
    // Several changes at once (fixed seed): stray quotes and brackets in numbers, keys split
    // across entries, duplicated members.
    const std::string alphabet = "{}[]\",:\\ 0123456789aeflnrstu-";
    std::mt19937 rng(20261207);
    for (const sweep_case& sc : sweep_cases()) {
        walker one_pass(sc.xpath);
        walker look_ahead(sc.xpath, true);
        const std::string doc = R"({"id": 1042, "datastore-contents": )" + sc.contents + "}";
        for (int round = 0; round < 5000; ++round) {
            std::string variant = doc;
            const int n_changes = 1 + static_cast<int>(rng() % 4);
            for (int i = 0; i < n_changes; ++i) {
                const std::size_t at = rng() % variant.size();
                switch (rng() % 3) {
                case 0: variant[at] = alphabet[rng() % alphabet.size()]; break;
                case 1: variant.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                default: variant.erase(at, 1); break;
                }
            }
            ASSERT_EQ(one_pass.derive_raw(variant), look_ahead.derive_raw(variant))
                << sc.xpath << "\n  on: " << variant;
        }
    }
}

} // namespace
