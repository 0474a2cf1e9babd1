// The registry thread against a fake Confluent registry: what is registered for a
// subscription's modules (imports first, under their own subjects, referenced by name,
// subject and version; the module texts the schema context loaded; features as metadata), the
// subject strategies, the id cache, and the failure paths: registry down, 5xx, 409/422, garbage,
// slow, a full request queue; each counted under its reason, retried with backoff, recovered
// when the registry comes back, and never blocking the caller.
#include "fake_registry.hpp"
#include "key/module_source.hpp"
#include "registry/registry.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace udpn::registry {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::fake_registry;

const key::schema_context& schema()
{
    static const key::schema_context ctx([] {
        key::schema_config c;
        c.search_dirs = {UDPN_YANG_DIR};
        c.modules = {"ietf-interfaces", "ietf-ip", "ietf-hardware"};
        return c;
    }());
    return ctx;
}

std::string file_text(const std::string& name)
{
    std::ifstream in(std::string(UDPN_YANG_DIR) + "/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

registry_config quick(const std::string& url)
{
    registry_config c;
    c.url = url;
    c.request_timeout_ms = 1000;
    c.retry_backoff_ms = 10;
    c.retry_max_backoff_ms = 80;
    return c;
}

schema_request ask(std::vector<std::string> modules, std::string topic = "telemetry.if")
{
    return schema_request{std::move(topic), std::move(modules)};
}

struct parsed {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    explicit parsed(const std::string& body)
    {
        if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
            throw std::runtime_error("not JSON: " + body);
        }
    }
};

TEST(ModuleClosure, ImportsComeFirstWithTheFileTextsAndEnabledFeatures)
{
    std::string problem;
    const auto mods = key::module_closure(schema(), {"ietf-ip"}, problem);
    ASSERT_FALSE(mods.empty()) << problem;
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < mods.size(); ++i) {
        at[mods[i].name] = i;
    }
    ASSERT_EQ(mods.back().name, "ietf-ip");
    for (const char* dep : {"ietf-interfaces", "ietf-inet-types", "ietf-yang-types"}) {
        ASSERT_TRUE(at.count(dep)) << dep;
        EXPECT_LT(at[dep], at["ietf-ip"]) << dep;
    }
    EXPECT_LT(at["ietf-yang-types"], at["ietf-interfaces"]);
    EXPECT_EQ(mods.back().revision, "2018-02-22");
    EXPECT_EQ(mods.back().text, file_text("ietf-ip@2018-02-22.yang"));
    EXPECT_EQ(mods[at["ietf-interfaces"]].text, file_text("ietf-interfaces@2018-02-20.yang"));
    EXPECT_EQ(mods[at["ietf-interfaces"]].imports, (std::vector<std::string>{"ietf-yang-types"}));
    EXPECT_EQ(mods[at["ietf-interfaces"]].features,
              (std::vector<std::string>{"arbitrary-names", "pre-provisioning", "if-mib"}));

    EXPECT_TRUE(key::module_closure(schema(), {"no-such-module"}, problem).empty());
    EXPECT_NE(problem.find("no-such-module"), std::string::npos) << problem;
}

TEST(SchemaIdHeader, BinaryIsFourOctetsBigEndianAndTextIsDecimal)
{
    std::array<char, max_schema_id_text> out{};
    ASSERT_EQ(format_schema_id(0x01020304, header_format::binary, out), 4u);
    EXPECT_EQ(std::string(out.data(), 4), std::string("\x01\x02\x03\x04", 4));
    ASSERT_EQ(format_schema_id(1, header_format::binary, out), 4u);
    EXPECT_EQ(std::string(out.data(), 4), std::string("\0\0\0\x01", 4));
    ASSERT_EQ(format_schema_id(2147483647, header_format::text, out), 10u);
    EXPECT_EQ(std::string(out.data(), 10), "2147483647");
    ASSERT_EQ(format_schema_id(0, header_format::text, out), 1u);
    EXPECT_EQ(out[0], '0');
}

TEST(SchemaRegistry, SubjectStrategies)
{
    const schema_request r = ask({"ietf-interfaces", "ietf-hardware"}, "yp.state.if");
    EXPECT_EQ(subject_of(r, subject_strategy::module), "ietf-interfaces");
    EXPECT_EQ(subject_of(r, subject_strategy::topic), "yp.state.if-value");
    EXPECT_EQ(subject_of(r, subject_strategy::topic_module), "yp.state.if-ietf-interfaces");
    EXPECT_STREQ(to_string(subject_strategy::topic_module), "topic-module");
}

TEST(SchemaRegistry, RegistersImportsFirstAndReferencesThemByVersion)
{
    fake_registry f;
    schema_registry reg(quick(f.url()), schema());
    reg.start();
    const auto h = reg.request(ask({"ietf-ip"}));
    ASSERT_NE(h, nullptr);
    ASSERT_TRUE(eventually([&] { return h->id() >= 0; }, 10s)) << f.n_requests();
    EXPECT_EQ(h->state(), handle_state::registered);
    EXPECT_EQ(h->subject(), "ietf-ip");
    const std::string ip_text = file_text("ietf-ip@2018-02-22.yang");
    EXPECT_EQ(h->id(), f.id_of(ip_text));

    // Every request: register (POST .../versions), then for a reference the lookup of its
    // version (POST /subjects/{s}); the subscription's schema last.
    const auto reqs = f.requests();
    ASSERT_FALSE(reqs.empty());
    std::vector<std::string> registered_subjects;
    for (const auto& q : reqs) {
        EXPECT_EQ(q.content_type, "application/vnd.schemaregistry.v1+json");
        if (q.path.size() > 9 && q.path.compare(q.path.size() - 9, 9, "/versions") == 0) {
            registered_subjects.push_back(q.subject);
        }
    }
    ASSERT_FALSE(registered_subjects.empty());
    EXPECT_EQ(registered_subjects.back(), "ietf-ip");
    const auto pos = [&](const std::string& s) {
        return std::find(registered_subjects.begin(), registered_subjects.end(), s) -
               registered_subjects.begin();
    };
    for (const char* dep : {"ietf-interfaces", "ietf-inet-types", "ietf-yang-types"}) {
        EXPECT_LT(pos(dep), pos("ietf-ip")) << dep;
    }
    EXPECT_LT(pos("ietf-yang-types"), pos("ietf-interfaces"));

    // The last body: the module text, type YANG, its imports as references with the versions
    // the registry gave them, features and revision as metadata.
    parsed main(reqs.back().body);
    EXPECT_EQ(reqs.back().path, "/subjects/ietf-ip/versions");
    EXPECT_EQ(std::string_view(main.doc["schemaType"]), "YANG");
    EXPECT_EQ(std::string_view(main.doc["schema"]), ip_text);
    std::map<std::string, std::int64_t> refs;
    for (simdjson::dom::element r : main.doc["references"].get_array()) {
        EXPECT_EQ(std::string_view(r["name"]), std::string_view(r["subject"]));
        refs[std::string(std::string_view(r["name"]))] = std::int64_t(r["version"]);
    }
    EXPECT_EQ(refs.size(), 3u);
    EXPECT_EQ(refs["ietf-interfaces"],
              f.version_of("ietf-interfaces", file_text("ietf-interfaces@2018-02-20.yang")));
    EXPECT_EQ(refs["ietf-yang-types"], 1);
    EXPECT_EQ(refs["ietf-inet-types"], 1);
    EXPECT_EQ(std::string_view(main.doc["metadata"]["properties"]["yang-module"]), "ietf-ip");
    EXPECT_EQ(std::string_view(main.doc["metadata"]["properties"]["yang-revision"]), "2018-02-22");
    EXPECT_EQ(std::string_view(main.doc["metadata"]["properties"]["yang-features"]),
              "ipv4-non-contiguous-netmasks,ipv6-privacy-autoconf");

    // The same schema again: the cached handle, no HTTP.
    const std::size_t n = f.n_requests();
    const auto again = reg.request(ask({"ietf-ip"}));
    EXPECT_EQ(again, h);
    // Another schema that shares the imports: they are not registered again.
    const auto ifs = reg.request(ask({"ietf-interfaces"}));
    ASSERT_TRUE(eventually([&] { return ifs->id() >= 0; }, 10s));
    EXPECT_EQ(f.n_requests(), n + 1);
    const registry_stats s = reg.stats();
    EXPECT_EQ(s.requests, 3u);
    EXPECT_EQ(s.cache_hits, 1u);
    EXPECT_EQ(s.registered, 2u);
    EXPECT_EQ(s.references_registered, 3u);
    EXPECT_EQ(s.schemas, 2u);
    EXPECT_EQ(s.pending, 0u);
    EXPECT_EQ(s.retries, 0u);
    for (std::uint64_t n_failed : s.failures) {
        EXPECT_EQ(n_failed, 0u);
    }
}

TEST(SchemaRegistry, TopicStrategiesNameTheSubjectAndMultiModuleFiltersReferenceTheRest)
{
    fake_registry f;
    registry_config cfg = quick(f.url());
    cfg.strategy = subject_strategy::topic;
    cfg.features_metadata = false;
    schema_registry reg(cfg, schema());
    reg.start();
    const auto h = reg.request(ask({"ietf-interfaces", "ietf-hardware"}, "yp.if"));
    ASSERT_TRUE(eventually([&] { return h->id() >= 0; }, 10s));
    const auto reqs = f.requests();
    EXPECT_EQ(reqs.back().path, "/subjects/yp.if-value/versions");
    parsed main(reqs.back().body);
    EXPECT_EQ(std::string_view(main.doc["schema"]), file_text("ietf-interfaces@2018-02-20.yang"));
    std::vector<std::string> names;
    for (simdjson::dom::element r : main.doc["references"].get_array()) {
        names.emplace_back(std::string_view(r["name"]));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"ietf-yang-types", "ietf-hardware"}));
    EXPECT_TRUE(main.doc["metadata"].error() == simdjson::NO_SUCH_FIELD); // option off

    cfg.strategy = subject_strategy::topic_module;
    schema_registry reg2(cfg, schema());
    reg2.start();
    const auto h2 = reg2.request(ask({"ietf-interfaces"}, "yp.if"));
    ASSERT_TRUE(eventually([&] { return h2->id() >= 0; }, 10s));
    EXPECT_EQ(f.requests().back().path, "/subjects/yp.if-ietf-interfaces/versions");
    EXPECT_EQ(h2->subject(), "yp.if-ietf-interfaces");
}

TEST(SchemaRegistry, NoModuleOrFullCacheGivesNoHandle)
{
    fake_registry f;
    registry_config cfg = quick(f.url());
    cfg.max_schemas = 1;
    schema_registry reg(cfg, schema());
    EXPECT_EQ(reg.request(ask({})), nullptr);
    EXPECT_NE(reg.request(ask({"ietf-interfaces"})), nullptr);
    EXPECT_EQ(reg.request(ask({"ietf-ip"})), nullptr);
    EXPECT_EQ(reg.stats().cache_full, 1u);
    EXPECT_EQ(reg.stats().schemas, 1u);
}

TEST(SchemaRegistry, RegistryDownIsCountedAndRetriedUntilItComesBack)
{
    int port = 0;
    {
        fake_registry probe;
        port = probe.port();
    }
    schema_registry reg(quick("http://127.0.0.1:" + std::to_string(port)), schema());
    reg.start();
    const auto h = reg.request(ask({"ietf-interfaces"}));
    ASSERT_NE(h, nullptr);
    ASSERT_TRUE(eventually([&] { return reg.stats().of(failure_reason::connect_failed) >= 3; },
                           10s));
    EXPECT_EQ(h->id(), -1);
    EXPECT_EQ(h->state(), handle_state::pending); // down is transient
    EXPECT_GE(reg.stats().retries, 2u);

    fake_registry back(port); // the registry comes back on the same port
    ASSERT_TRUE(eventually([&] { return h->id() >= 0; }, 10s));
    EXPECT_EQ(h->state(), handle_state::registered);
    EXPECT_EQ(h->id(), back.id_of(file_text("ietf-interfaces@2018-02-20.yang")));
    EXPECT_EQ(reg.stats().registered, 1u);
    EXPECT_EQ(reg.stats().pending, 0u);
    reg.stop(); // closes its keep-alive connection before `back` stops
}

struct failure_case {
    int status;
    const char* body;
    failure_reason reason;
    handle_state state; ///< while the registry keeps failing
};

class FailureReasons : public ::testing::TestWithParam<failure_case> {};

TEST_P(FailureReasons, AreCountedRetriedAndRecoverWhenTheRegistryAnswers)
{
    const failure_case c = GetParam();
    fake_registry f;
    f.answer_status(c.status, c.body);
    schema_registry reg(quick(f.url()), schema());
    reg.start();
    const auto h = reg.request(ask({"ietf-interfaces"}));
    ASSERT_TRUE(eventually([&] { return reg.stats().of(c.reason) >= 2; }, 10s))
        << to_string(c.reason);
    EXPECT_EQ(h->id(), -1);
    EXPECT_EQ(h->state(), c.state);
    const registry_stats s = reg.stats();
    for (std::size_t i = 0; i < n_failure_reasons; ++i) {
        if (i != static_cast<std::size_t>(c.reason)) {
            EXPECT_EQ(s.failures[i], 0u) << to_string(static_cast<failure_reason>(i));
        }
    }
    f.answer_normally();
    ASSERT_TRUE(eventually([&] { return h->id() >= 0; }, 10s));
    EXPECT_EQ(h->state(), handle_state::registered);
}

INSTANTIATE_TEST_SUITE_P(
    Registry, FailureReasons,
    ::testing::Values(
        failure_case{500, R"({"error_code":50001,"message":"store"})", failure_reason::server_error,
                     handle_state::pending},
        failure_case{409, R"({"error_code":409,"message":"incompatible"})",
                     failure_reason::conflict, handle_state::failed},
        failure_case{422, R"({"error_code":42201,"message":"Invalid schema"})",
                     failure_reason::invalid_schema, handle_state::failed},
        failure_case{200, "this is not json", failure_reason::bad_response, handle_state::pending}),
    [](const auto& p) { return std::string(to_string(p.param.reason)); });

TEST(SchemaRegistry, SlowRegistryTimesOutAndNeverBlocksTheCallers)
{
    fake_registry f;
    f.answer_slowly(1500ms);
    registry_config cfg = quick(f.url());
    cfg.request_timeout_ms = 500; // the registry thread is stuck this long per attempt
    cfg.queue_size = 4;
    cfg.strategy = subject_strategy::topic;
    schema_registry reg(cfg, schema());
    reg.start();
    // 40 subscriptions' schemas while the registry thread is stuck in HTTP: every request()
    // returns a handle at once; the queue takes 4 at a time, the rest are counted.
    std::vector<std::shared_ptr<const schema_handle>> handles;
    for (int i = 0; i < 40; ++i) {
        std::string topic = "t"; // (not "t" + ...: g++ 12 -Wrestrict false positive)
        topic += std::to_string(i);
        handles.push_back(reg.request(ask({"ietf-interfaces"}, topic)));
        ASSERT_NE(handles.back(), nullptr);
        EXPECT_EQ(handles.back()->id(), -1);
    }
    EXPECT_GE(reg.stats().queue_full, 40u - 2 * cfg.queue_size);
    ASSERT_TRUE(eventually([&] { return reg.stats().of(failure_reason::timeout) >= 1; }, 10s));

    // The registry answers again: requeue() (what a worker does for an unqueued handle at its
    // next record) gets every schema registered.
    f.answer_normally();
    ASSERT_TRUE(eventually(
        [&] {
            bool all = true;
            for (const auto& h : handles) {
                if (h->id() < 0) {
                    all = false;
                    if (!h->queued()) {
                        reg.requeue(*h);
                    }
                }
            }
            return all;
        },
        20s))
        << reg.stats().registered;
    EXPECT_EQ(reg.stats().registered, 40u);
    EXPECT_EQ(reg.stats().pending, 0u);
    // One subject per topic; the one module text has one id.
    EXPECT_EQ(handles[0]->id(), handles[39]->id());
    EXPECT_EQ(handles[7]->subject(), "t7-value");
}

TEST(SchemaRegistry, StopAbortsARequestInProgress)
{
    fake_registry f;
    f.answer_slowly(3000ms);
    registry_config cfg = quick(f.url());
    cfg.request_timeout_ms = 60'000;
    auto reg = std::make_unique<schema_registry>(cfg, schema());
    reg->start();
    (void)reg->request(ask({"ietf-interfaces"}));
    ASSERT_TRUE(eventually([&] { return f.n_requests() >= 1; }, 10s));
    const auto t0 = std::chrono::steady_clock::now();
    reg.reset(); // stop(): the transfer is aborted, not waited for (60 s timeout)
    // libcurl polls the abort flag at least once a second while a transfer idles.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

} // namespace
} // namespace udpn::registry
