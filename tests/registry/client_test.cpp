// The Confluent REST client against a local fake registry (cpp-httplib on 127.0.0.1): request
// line, content type and body as the API expects, the id and version read back, basic auth,
// and every failure classified under its reason without blocking past the timeout.
#include "fake_registry.hpp"
#include "registry/client.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <string>

namespace udpn::registry {
namespace {

using namespace std::chrono_literals;
using test::fake_registry;

registry_config config_for(const fake_registry& f)
{
    registry_config c;
    c.url = f.url() + "/"; // a trailing slash is tolerated
    c.request_timeout_ms = 2000;
    return c;
}

schema_body sample_body()
{
    schema_body b;
    b.schema_type = "YANG";
    b.schema = "module ietf-interfaces {\n  prefix \"if\";\n  description \"a \\\"quoted\\\" text\";\n}\n";
    b.references.push_back({"ietf-yang-types", "ietf-yang-types", 3});
    b.properties["yang-features"] = "arbitrary-names,if-mib";
    return b;
}

TEST(RegistryClient, RegistersUnderTheSubjectWithTheApiContentTypeAndBody)
{
    fake_registry f;
    client c(config_for(f));
    const schema_body b = sample_body();
    const request_result r = c.register_schema("ietf-interfaces", b);
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(r.value.id, f.id_of(b.schema));
    EXPECT_EQ(r.value.id, 1);
    EXPECT_EQ(r.value.version, -1); // a register answer is {"id"} only

    const auto reqs = f.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].path, "/subjects/ietf-interfaces/versions");
    EXPECT_EQ(reqs[0].content_type, "application/vnd.schemaregistry.v1+json");
    EXPECT_TRUE(reqs[0].authorization.empty());

    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(reqs[0].body).get(doc), simdjson::SUCCESS) << reqs[0].body;
    EXPECT_EQ(std::string_view(doc["schemaType"]), "YANG");
    EXPECT_EQ(std::string_view(doc["schema"]), b.schema);
    simdjson::dom::array refs = doc["references"];
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(std::string_view(refs.at(0)["name"]), "ietf-yang-types");
    EXPECT_EQ(std::string_view(refs.at(0)["subject"]), "ietf-yang-types");
    EXPECT_EQ(std::int64_t(refs.at(0)["version"]), 3);
    EXPECT_EQ(std::string_view(doc["metadata"]["properties"]["yang-features"]),
              "arbitrary-names,if-mib");

    // The same schema again: the same id (the registry deduplicates), still one version.
    const request_result again = c.register_schema("ietf-interfaces", b);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value.id, r.value.id);
    EXPECT_EQ(c.requests(), 2u);
}

TEST(RegistryClient, LookupReadsTheVersionAndBodiesOmitEmptyParts)
{
    fake_registry f;
    client c(config_for(f));
    schema_body b;
    b.schema = "module a { prefix a; }";
    ASSERT_TRUE(c.register_schema("a", b).ok());
    b.schema = "module a { prefix a; revision 2026-01-01; }";
    ASSERT_TRUE(c.register_schema("a", b).ok());
    const request_result r = c.lookup_schema("a", b);
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(r.value.version, 2);
    EXPECT_EQ(r.value.id, 2);
    EXPECT_EQ(f.requests().back().path, "/subjects/a");
    // No schemaType (the API's default), no references, no metadata.
    EXPECT_EQ(f.requests().back().body, R"({"schema":"module a { prefix a; revision 2026-01-01; }"})");

    schema_body unknown;
    unknown.schema = "module b { prefix b; }";
    const request_result missing = c.lookup_schema("a", unknown);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error->reason, failure_reason::client_error);
    EXPECT_EQ(missing.error->http_status, 404);
    EXPECT_EQ(missing.error->error_code, 40403);
}

TEST(RegistryClient, SubjectIsEscapedInThePath)
{
    fake_registry f;
    client c(config_for(f));
    const request_result r = c.register_schema("telemetry topic", sample_body());
    ASSERT_TRUE(r.ok()) << r.error->message;
    const auto reqs = f.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].subject, "telemetry topic"); // sent as telemetry%20topic, decoded
}

TEST(RegistryClient, SendsBasicAuthWhenConfigured)
{
    fake_registry f;
    f.require_basic_auth("Basic cmVjZWl2ZXI6czNjcjN0"); // base64("receiver:s3cr3t")
    registry_config cfg = config_for(f);
    {
        client anonymous(cfg);
        const request_result r = anonymous.register_schema("s", sample_body());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error->reason, failure_reason::unauthorized);
        EXPECT_EQ(r.error->http_status, 401);
        EXPECT_EQ(r.error->message, "Unauthorized");
    }
    cfg.username = "receiver";
    cfg.password = "s3cr3t";
    client c(cfg);
    const request_result r = c.register_schema("s", sample_body());
    ASSERT_TRUE(r.ok()) << r.error->message;
    EXPECT_EQ(f.requests().back().authorization, "Basic cmVjZWl2ZXI6czNjcjN0");
}

TEST(RegistryClient, ErrorAnswersAreClassifiedWithTheApiErrorObject)
{
    fake_registry f;
    client c(config_for(f));
    struct expectation {
        int status;
        const char* body;
        failure_reason reason;
        std::int64_t error_code;
        const char* message;
    };
    const expectation cases[] = {
        {500, R"({"error_code":50001,"message":"Error in the backend data store"})",
         failure_reason::server_error, 50001, "Error in the backend data store"},
        {503, "", failure_reason::server_error, 0, "HTTP 503"},
        {409, R"({"error_code":409,"message":"Schema being registered is incompatible"})",
         failure_reason::conflict, 409, "Schema being registered is incompatible"},
        {422, R"({"error_code":42201,"message":"Invalid schema"})", failure_reason::invalid_schema,
         42201, "Invalid schema"},
        {403, R"({"error_code":40301,"message":"forbidden"})", failure_reason::unauthorized, 40301,
         "forbidden"},
        {429, "<html>slow down</html>", failure_reason::client_error, 0, "HTTP 429"},
    };
    for (const expectation& e : cases) {
        f.answer_status(e.status, e.body);
        const request_result r = c.register_schema("s", sample_body());
        ASSERT_FALSE(r.ok()) << e.status;
        EXPECT_EQ(r.error->reason, e.reason) << e.status;
        EXPECT_EQ(r.error->http_status, e.status);
        EXPECT_EQ(r.error->error_code, e.error_code) << e.status;
        EXPECT_EQ(r.error->message, e.message) << e.status;
    }
}

TEST(RegistryClient, GarbageAnswersAreBadResponses)
{
    fake_registry f;
    client c(config_for(f));
    for (const char* body : {"<html>ok</html>", "", R"({"id":"seven"})", R"({"id":-3})",
                             R"({"id":4294967296})", R"([1,2,3])", R"({"no_id":1})"}) {
        f.answer_status(200, body);
        const request_result r = c.register_schema("s", sample_body());
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error->reason, failure_reason::bad_response) << body;
    }
    f.answer_status(200, R"({"id":7})");
    const request_result lookup = c.lookup_schema("s", sample_body());
    ASSERT_FALSE(lookup.ok());
    EXPECT_EQ(lookup.error->reason, failure_reason::bad_response); // a lookup needs a version
}

TEST(RegistryClient, ServerDownIsConnectFailed)
{
    int port = 0;
    {
        fake_registry gone;
        port = gone.port();
    } // nothing listens there now
    registry_config cfg;
    cfg.url = "http://127.0.0.1:" + std::to_string(port);
    client c(cfg);
    const request_result r = c.register_schema("s", sample_body());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->reason, failure_reason::connect_failed) << r.error->message;
    EXPECT_EQ(r.error->http_status, 0);
}

TEST(RegistryClient, SlowServerTimesOutAtTheConfiguredTimeout)
{
    fake_registry f;
    f.answer_slowly(1500ms);
    registry_config cfg = config_for(f);
    cfg.request_timeout_ms = 150;
    client c(cfg);
    const auto t0 = std::chrono::steady_clock::now();
    const request_result r = c.register_schema("s", sample_body());
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->reason, failure_reason::timeout) << r.error->message;
    // Bounded by the timeout, not by the server (a generous bound: no speed is measured).
    EXPECT_LT(took, 1400ms);
}

TEST(RegistryClient, AStopFlagAbortsATransferInProgress)
{
    fake_registry f;
    f.answer_slowly(1500ms);
    registry_config cfg = config_for(f);
    cfg.request_timeout_ms = 60'000;
    std::atomic<bool> stop{true};
    client c(cfg, &stop);
    const request_result r = c.register_schema("s", sample_body());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->reason, failure_reason::transport_error) << r.error->message;
}

} // namespace
} // namespace udpn::registry
