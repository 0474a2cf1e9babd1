// One worker stage with the schema registry attached, against a fake Confluent registry: the
// schema-id header follows the subscription (PROTOCOL.md §6: a change of filter or modules
// means the schema is re-resolved; a period change does not), records without an id are
// counted by reason, the id cache serves a schema seen before at once.
#include "fake_registry.hpp"
#include "fixtures.hpp"
#include "registry/registry.hpp"
#include "worker/stage.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace udpn::test {
namespace {

using namespace std::chrono_literals;
using registry::test::eventually;
using registry::test::fake_registry;
using worker::process_status;
using worker::schema_id_missing_reason;

std::string yang_file(const std::string& name)
{
    std::ifstream in(std::string(UDPN_YANG_DIR) + "/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string be32(std::int64_t id)
{
    return {static_cast<char>((id >> 24) & 0xFF), static_cast<char>((id >> 16) & 0xFF),
            static_cast<char>((id >> 8) & 0xFF), static_cast<char>(id & 0xFF)};
}

/// The schema-id header of \p r, or nullptr.
const std::string* schema_id(const kept_record& r)
{
    for (const auto& [k, v] : r.headers) {
        if (k == "schema-id") {
            return &v;
        }
    }
    return nullptr;
}

std::string modified(std::string_view xpath, int period)
{
    return in_envelope("ietf-subscribed-notifications:subscription-modified",
                       R"({"id": 1042, "ietf-yang-push:datastore": "ietf-datastores:operational",)"
                       R"( "ietf-yang-push:datastore-xpath-filter": ")" +
                           std::string(xpath) + R"(", "ietf-yang-push:periodic": {"period": )" +
                           std::to_string(period) + "}}");
}

TEST(StageSchemaId, FollowsTheSubscriptionAndIsCountedWhileUnknown)
{
    fake_registry f;
    registry::registry_config rc;
    rc.url = f.url();
    rc.retry_backoff_ms = 10;
    registry::schema_registry reg(rc, shared_schema());
    reg.start();
    worker::stage st(config_for(key::profile::latest), shared_schema());
    st.set_schema_registry(&reg);
    collecting_sink sink;
    message_maker mk;
    const std::string update = in_envelope(push_update_name, push_update_contents(1042, {"eth0"}));

    // subscription-started: its own record goes out before the registry could answer.
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    EXPECT_EQ(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(sink.records.back().headers.size(), 1u); // content-type only
    EXPECT_EQ(st.stats().of(schema_id_missing_reason::pending), 1u);
    ASSERT_TRUE(eventually([&] { return reg.stats().registered == 1; }, 10s));

    const std::int64_t if_id = f.id_of(yang_file("ietf-interfaces@2018-02-20.yang"));
    ASSERT_GT(if_id, 0);
    ASSERT_EQ(st.process(mk.make(update), sink), process_status::produced);
    ASSERT_NE(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(*schema_id(sink.records.back()), be32(if_id));
    EXPECT_EQ(sink.records.back().headers[0].first, "content-type");

    // A period change keeps the schema: no new request, the header stays.
    ASSERT_EQ(st.process(mk.make(modified("/ietf-interfaces:interfaces/interface", 6000)), sink),
              process_status::produced);
    EXPECT_EQ(reg.stats().requests, 1u);
    ASSERT_NE(schema_id(sink.records.back()), nullptr);

    // A filter on another module: re-resolved, a new schema (subject ietf-hardware).
    ASSERT_EQ(st.process(mk.make(modified("/ietf-hardware:hardware/component", 6000)), sink),
              process_status::produced);
    EXPECT_EQ(reg.stats().requests, 2u);
    EXPECT_EQ(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(st.stats().of(schema_id_missing_reason::pending), 2u);
    ASSERT_TRUE(eventually([&] { return reg.stats().registered == 2; }, 10s));
    const std::int64_t hw_id = f.id_of(yang_file("ietf-hardware@2018-03-13.yang"));
    ASSERT_GT(hw_id, 0);
    EXPECT_NE(hw_id, if_id);
    ASSERT_EQ(st.process(mk.make(update), sink), process_status::produced);
    ASSERT_NE(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(*schema_id(sink.records.back()), be32(hw_id));

    // Back to the first filter: the cached id at once, no HTTP.
    const std::size_t http = f.n_requests();
    ASSERT_EQ(st.process(mk.make(modified("/ietf-interfaces:interfaces/interface", 6000)), sink),
              process_status::produced);
    ASSERT_NE(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(*schema_id(sink.records.back()), be32(if_id));
    EXPECT_EQ(reg.stats().cache_hits, 1u);
    EXPECT_EQ(f.n_requests(), http);

    // Data of a subscription never started: fallback topic, counted, no header.
    ASSERT_EQ(st.process(mk.make(in_envelope(push_update_name, push_update_contents(77, {"x"}))),
                         sink),
              process_status::produced_fallback);
    EXPECT_EQ(schema_id(sink.records.back()), nullptr);
    EXPECT_EQ(st.stats().of(schema_id_missing_reason::unknown_subscription), 1u);
    EXPECT_EQ(st.stats().schema_id_attached, 4u);
}

TEST(StageSchemaId, WithoutARegistryNothingChanges)
{
    worker::stage st(config_for(key::profile::latest), shared_schema());
    collecting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), process_status::produced);
    ASSERT_EQ(st.process(mk.make(in_envelope(push_update_name, push_update_contents(1042, {"e"}))),
                         sink),
              process_status::produced);
    for (const kept_record& r : sink.records) {
        ASSERT_EQ(r.headers.size(), 1u);
        EXPECT_EQ(r.headers[0].first, "content-type");
    }
    EXPECT_EQ(st.stats().schema_id_attached, 0u);
    for (const std::uint64_t n : st.stats().schema_id_missing) {
        EXPECT_EQ(n, 0u);
    }
}

} // namespace
} // namespace udpn::test
