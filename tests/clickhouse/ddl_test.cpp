// udpnotif-clickhouse's generator: every column of the MergeTree table reads a member the
// envelope writer really emits, with the JSON type its extraction function expects (both
// profiles; the envelope is also validated against its YANG module with libyang, so the paths are
// the module's); and each problem with the topic list or the options is reported, with no DDL.
#include "clickhouse/ddl.hpp"

#include "../envelope/fixtures.hpp"
#include "../envelope/yang_validator.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

using namespace udpn;
using namespace udpn::tools::clickhouse;

namespace {

class columns_match_envelope : public ::testing::TestWithParam<envelope::profile> {};

/// An envelope with every optional part the writer can fill: subscription, node and collector
/// manifests, labels, collector address.
std::string full_envelope(envelope::profile p)
{
    envelope::envelope_config cfg;
    cfg.profile = p;
    cfg.data_collection_manifest.name = "collector-a";
    cfg.labels = {{"site", false, "zrh", 0}};
    envelope::platform_manifest node;
    node.name = "pe1";
    cfg.node_manifests = {{net::ip_address::parse("192.0.2.10"), node}};
    envelope::envelope_writer w(cfg);
    test::decoded d(test::envelope_input());
    const envelope::subscription_metadata sub = test::periodic_subscription();
    std::string out;
    auto r = w.write(test::input_for(d.view(), &sub), out);
    EXPECT_TRUE(static_cast<bool>(r));
    return out;
}

TEST_P(columns_match_envelope, every_path_exists_with_the_extracted_type)
{
    const envelope::profile p = GetParam();
    const std::string json = full_envelope(p);
    test::yang_validator validator(p);
    ASSERT_EQ(validator.validate(json), "") << json;

    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(json).value();
    simdjson::dom::element message = doc["ietf-telemetry-message:message"].value();
    std::size_t with_path = 0;
    for (const column_info& c : envelope_columns(p)) {
        if (c.path.empty()) {
            continue;
        }
        ++with_path;
        simdjson::dom::element e = message;
        std::string where;
        for (std::string_view step : c.path) {
            where += "/" + std::string(step);
            ASSERT_EQ(e[step].get(e), simdjson::SUCCESS)
                << c.name << ": " << where << " not in the " << envelope::to_string(p)
                << " envelope " << json;
        }
        // The extraction function must match the JSON type, or ClickHouse reads a default.
        if (c.expr.find("JSONExtractString(") != std::string::npos) {
            EXPECT_TRUE(e.is_string()) << c.name;
        } else if (c.expr.find("JSONExtractUInt(") != std::string::npos ||
                   c.expr.find("'Nullable(UInt32)'") != std::string::npos) {
            EXPECT_TRUE(e.is_uint64() || e.is_int64()) << c.name;
            EXPECT_LE(e.get_uint64().value(), c.type == "UInt16" ? 65535u : 4294967295u) << c.name;
        } else if (c.expr.find("JSONExtractRaw(") != std::string::npos) {
            EXPECT_TRUE(e.is_object() || e.is_array()) << c.name;
        } else {
            ADD_FAILURE() << c.name << ": unexpected expression " << c.expr;
        }
        // The expression names exactly these members, in order.
        std::string args;
        for (std::string_view step : c.path) {
            args += ", '" + std::string(step) + "'";
        }
        EXPECT_NE(c.expr.find("`ietf-telemetry-message:message`" + args), std::string::npos)
            << c.expr;
    }
    EXPECT_GE(with_path, 13u);
}

TEST_P(columns_match_envelope, timestamps_are_read_with_nanoseconds)
{
    for (const column_info& c : envelope_columns(GetParam())) {
        if (c.name == "collection_timestamp" || c.name == "node_export_timestamp") {
            EXPECT_NE(c.type.find("DateTime64(9"), std::string_view::npos) << c.name;
            EXPECT_NE(c.expr.find(", 9, 'UTC')"), std::string::npos) << c.name;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(profiles, columns_match_envelope,
                         ::testing::Values(envelope::profile::seed, envelope::profile::latest),
                         test::profile_name);

bool mentions(const ddl_result& r, std::string_view text)
{
    for (const std::string& p : r.problems) {
        if (p.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST(make_ddl, one_topic_gives_five_statements_ordered_by_key_and_time)
{
    const ddl_result r = make_ddl({"project.env.states.yang.ietf-hardware.hardware_component"}, {});
    ASSERT_TRUE(r.problems.empty());
    std::size_t statements = 0; // statements end a line with ';'
    for (std::size_t at = r.sql.find(";\n"); at != std::string::npos;
         at = r.sql.find(";\n", at + 1)) {
        ++statements;
    }
    EXPECT_EQ(statements, 5u);
    EXPECT_NE(r.sql.find("ENGINE = Kafka"), std::string::npos);
    EXPECT_NE(r.sql.find("kafka_format = 'JSONEachRow'"), std::string::npos);
    EXPECT_NE(r.sql.find("ORDER BY (message_key, collection_timestamp)"), std::string::npos);
    EXPECT_NE(r.sql.find("`project_env_states_yang_ietf_hardware_hardware_component_mv` TO "
                         "`project_env_states_yang_ietf_hardware_hardware_component`"),
              std::string::npos);
}

TEST(make_ddl, colliding_illegal_and_repeated_topics_are_problems)
{
    const ddl_result r = make_ddl({"a.b", "a_b", "x y", "..", "a.b", std::string(250, 'a')}, {});
    EXPECT_TRUE(r.sql.empty());
    EXPECT_TRUE(mentions(r, "\"a.b\" and \"a_b\" both map to table a_b"));
    EXPECT_TRUE(mentions(r, "topic \"x y\": not a Kafka topic name"));
    EXPECT_TRUE(mentions(r, "topic \"..\": not a Kafka topic name"));
    EXPECT_TRUE(mentions(r, "topic \"a.b\": listed twice"));
    EXPECT_EQ(r.problems.size(), 5u);
}

TEST(make_ddl, bad_options_are_problems)
{
    ddl_options o;
    o.brokers.clear();
    o.consumers = 0;
    o.database = "db;drop";
    o.table_prefix = "p-";
    o.group.clear();
    const ddl_result r = make_ddl({}, o);
    EXPECT_TRUE(r.sql.empty());
    EXPECT_TRUE(mentions(r, "no topic given"));
    EXPECT_TRUE(mentions(r, "brokers: empty"));
    EXPECT_TRUE(mentions(r, "consumers: 0 is outside 1..64"));
    EXPECT_TRUE(mentions(r, "database \"db;drop\""));
    EXPECT_TRUE(mentions(r, "table prefix \"p-\""));
    EXPECT_TRUE(mentions(r, "group: empty"));
}

TEST(make_ddl, quotes_in_literals_are_escaped)
{
    ddl_options o;
    o.brokers = "k1:9092,k'2:9092";
    const ddl_result r = make_ddl({"t"}, o);
    ASSERT_TRUE(r.problems.empty());
    EXPECT_NE(r.sql.find("kafka_broker_list = 'k1:9092,k\\'2:9092'"), std::string::npos);
}

TEST(make_ddl, database_and_prefix_qualify_every_table)
{
    ddl_options o;
    o.database = "telemetry";
    o.table_prefix = "yp_";
    const ddl_result r = make_ddl({"yang-push"}, o);
    ASSERT_TRUE(r.problems.empty());
    EXPECT_NE(r.sql.find("`telemetry`.`yp_yang_push_queue`"), std::string::npos);
    EXPECT_NE(r.sql.find("FROM `telemetry`.`yp_yang_push_queue`"), std::string::npos);
    EXPECT_EQ(r.sql.find(" `yang_push"), std::string::npos);
}

} // namespace
