// fuzz_key: subscription filter parsing and Kafka topic / Message Key derivation
// (PROTOCOL.md §7.3 Phases 1-3, §8, §9, §11.10-§11.20) against the YANG modules of
// ../shared/yang (or $UDPN_YANG_DIR).
//
// Input: octet 0 = knobs, octet 1 = more knobs, then NUL-separated texts:
//   filter text (XPath, subtree JSON or subtree XML) \0 push-update contents (JSON) \0 a value
//   for the XPath literal writer.
//   octet 0: bits 0-1 filter kind {xpath, subtree_json, subtree_xml, by_reference};
//            bit 2 profile latest; bit 3 topic distribution (else subject); bit 4 on-change
//            trigger (else periodic); bit 5 key disabled; bit 6 max_topic_length 16 (else 249);
//            bit 7 an `xmlns:acme` binding to ietf-interfaces (§11.10)
//   octet 1: bit 0 push-change-update (else push-update); bit 1 netana module prefixes;
//            bit 2 topic prefix; bit 3 compacted state
// Invariants:
// - the XPath parser and literal writer agree: xpath_literal_size() is what
//   append_xpath_literal() writes, and a parsed branch has named steps;
// - a resolved subscription (or its fallback) only names legal Kafka topics (§8.3) within
//   max_topic_length, for every branch and both schemes;
// - derive() / derive_unknown() give a legal topic and a key within max_key_bytes whose lines
//   start as §7.3 / §11.12 say (node name, subscription id); deriving twice gives the same key;
// - instance XPaths in an ietf-02 key parse back with the XPath parser.
#include "fuzz_support.hpp"

#include "key/key_builder.hpp"
#include "key/resolver.hpp"
#include "key/schema_context.hpp"
#include "key/topic.hpp"
#include "key/xpath.hpp"

#include <algorithm>
#include <array>
#include <string>

using namespace udpn;
using namespace udpn::key;

namespace {

const schema_context& schema()
{
    static const schema_context s(schema_config{{fuzz::yang_dir()}, {}, true});
    return s;
}

constexpr std::string_view node_name = "router-1";

void check_topic(std::string_view topic, const key_config& cfg, const char* what)
{
    UDPN_FUZZ_CHECK(is_legal_topic(topic), what);
    UDPN_FUZZ_CHECK(topic.size() <= std::max<std::size_t>(cfg.max_topic_length,
                                                          cfg.effective_fallback_topic().size()),
                    what);
}

void check_resolved(const resolved_subscription& sub, const key_config& cfg)
{
    if (sub.uniform_topic) {
        check_topic(sub.topic, cfg, "subscription topic");
    }
    UDPN_FUZZ_CHECK(sub.branches.size() <= cfg.max_branches, "branches within max_branches");
    for (const resolved_branch& b : sub.branches) {
        check_topic(b.topic, cfg, "branch topic");
        check_topic(b.netana_topic, cfg, "netana topic");
        check_topic(b.ietf02_topic, cfg, "ietf-02 topic");
        UDPN_FUZZ_CHECK(b.steps.size() <= cfg.max_depth, "steps within max_depth");
        UDPN_FUZZ_CHECK(!b.schema_path.empty() && b.schema_path.front() == '/', "schema path");
        UDPN_FUZZ_CHECK(b.schema_node != nullptr, "schema node");
    }
}

void check_xpath_line(std::string_view line)
{
    if (line.find("concat(") != std::string_view::npos) {
        return; // both quote kinds in a value: a function call the subset parser refuses
    }
    for (const std::string& branch : split_union(line)) {
        xpath_path p;
        std::string message;
        UDPN_FUZZ_CHECK(parse_xpath(branch, p, message), "instance xpath in a key does not parse");
    }
}

void check_key(const record_key& k, const key_config& cfg, std::uint32_t id, bool known)
{
    check_topic(k.topic, cfg, "record topic");
    if (!k.has_key) {
        return;
    }
    UDPN_FUZZ_CHECK(k.key.size() <= cfg.max_key_bytes, "key within max_key_bytes");
    std::string head(node_name);
    head += '\n';
    UDPN_FUZZ_CHECK(k.key.starts_with(head), "key starts with the node name line");
    if (cfg.effective_format() == key_format::ietf_02) {
        head += std::to_string(id);
        head += '\n';
        UDPN_FUZZ_CHECK(k.key.starts_with(head), "ietf-02 key line 2 is the subscription id");
        if (known && k.n_instances > 0) {
            check_xpath_line(k.key.substr(head.size()));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const std::uint8_t k0 = in.u8();
    const std::uint8_t k1 = in.u8();
    const auto texts = fuzz::split(in.rest(), std::string_view("\0", 1), 3);
    const std::string_view filter_text = texts[0];
    const std::string_view contents = texts.size() > 1 ? texts[1] : std::string_view{};
    const std::string_view literal = texts.size() > 2 ? texts[2] : filter_text;

    // XPath subset parser and literal writer, schema-free.
    for (const std::string& branch : split_union(filter_text)) {
        xpath_path p;
        std::string message;
        if (parse_xpath(branch, p, message)) {
            UDPN_FUZZ_CHECK(!p.steps.empty(), "a parsed branch has steps");
            for (const xpath_step& s : p.steps) {
                UDPN_FUZZ_CHECK(is_yang_identifier(s.name), "step names are identifiers");
            }
        } else {
            UDPN_FUZZ_CHECK(!message.empty(), "a refused branch says why");
        }
    }
    std::string lit;
    append_xpath_literal(lit, literal);
    UDPN_FUZZ_CHECK(lit.size() == xpath_literal_size(literal), "xpath_literal_size");

    key_config cfg;
    cfg.standards_profile = (k0 & 4) != 0 ? profile::latest : profile::seed;
    cfg.distribution = (k0 & 8) != 0 ? topic_distribution::topic : topic_distribution::subject;
    cfg.key_enabled = (k0 & 32) == 0;
    cfg.max_topic_length = (k0 & 64) != 0 ? 16 : 249;
    cfg.netana_module_prefix = (k1 & 2) != 0;
    if ((k1 & 4) != 0) {
        cfg.topic_prefix = "fz"; // short: legal with max_topic_length 16 too
    }
    cfg.compacted_state = (k1 & 8) != 0;
    cfg.max_key_bytes = 4096;
    cfg.max_instances = 64;

    subscription_filter f;
    f.subscription_id = 1042;
    f.kind =
        std::array<filter_kind, 4>{filter_kind::xpath, filter_kind::subtree_json,
                                   filter_kind::subtree_xml, filter_kind::by_reference}[k0 & 3];
    f.text.assign(filter_text);
    f.datastore = "ietf-datastores:operational";
    f.trigger = (k0 & 16) != 0 ? update_trigger::on_change : update_trigger::periodic;
    if ((k0 & 128) != 0) {
        f.namespaces = {{"acme", "urn:ietf:params:xml:ns:yang:ietf-interfaces"}};
    }

    resolver res(schema(), cfg);
    auto r = res.resolve(f);
    const resolved_subscription sub = r.ok() ? std::move(r.value()) : res.fallback(f);
    if (!r.ok()) {
        UDPN_FUZZ_CHECK(!res.last_error().empty(), "a failed resolution says why");
        UDPN_FUZZ_CHECK(sub.mode == resolution::unresolved, "fallback mode");
    }
    check_resolved(sub, cfg);

    key_builder builder(cfg);
    yangpush::notification_view n;
    n.kind = (k1 & 1) != 0 ? yangpush::notification_kind::push_change_update
                           : yangpush::notification_kind::push_update;
    n.name = (k1 & 1) != 0 ? "ietf-yang-push:push-change-update" : "ietf-yang-push:push-update";
    n.contents = contents;
    n.has_subscription_id = true;
    n.subscription_id = f.subscription_id;

    const record_key k = builder.derive(sub, node_name, n);
    check_key(k, cfg, f.subscription_id, true);
    const std::string first_topic(k.topic);
    const std::string first_key(k.key);
    const record_key again = builder.derive(sub, node_name, n);
    UDPN_FUZZ_CHECK(again.topic == first_topic && again.key == first_key &&
                        again.has_key == k.has_key,
                    "derive() is deterministic");

    const record_key u = builder.derive_unknown(f.subscription_id, node_name);
    check_key(u, cfg, f.subscription_id, false);
    return 0;
}
