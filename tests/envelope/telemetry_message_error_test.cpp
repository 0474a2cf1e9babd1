// Error paths of the envelope writer, and proof that the libyang harness can both accept a
// known-good message (the draft's own example) and reject broken ones.
#include "envelope/telemetry_message.hpp"

#include "fixtures.hpp"
#include "yang_validator.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using namespace udpn;
using namespace udpn::test;
using envelope::envelope_config;
using envelope::envelope_error;
using envelope::envelope_writer;
using envelope::profile;

std::string read_file(const std::string& path)
{
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string replaced(std::string text, std::string_view from, std::string_view to)
{
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) {
        text.replace(at, from.size(), to);
    }
    return text;
}

TEST(EnvelopeWriterError, TooLargeIsRefusedWithoutGrowingTheBuffer)
{
    for (const profile p : {profile::seed, profile::latest}) {
        envelope_config c;
        c.profile = p;
        c.max_output_bytes = 1024;
        envelope_writer w(c);
        // A payload that fits alone, but not with the envelope around it.
        const std::string contents =
            R"({"ietf-yang-push:push-update":{"id":1,"datastore-contents":{"x:y":")" +
            std::string(900, 'a') + "\"}}}";
        const decoded n(contents);
        std::string out = "stale";
        auto r = w.write(input_for(n.view()), out);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), envelope_error::too_large);
        EXPECT_TRUE(out.empty());
        EXPECT_LE(out.capacity(), 1024u); // growth is capped at the limit
        // A payload larger than the limit on its own is refused before writing anything.
        const decoded big(R"({"ietf-yang-push:push-update":{"id":1,"datastore-contents":{"x:y":")" +
                          std::string(2000, 'a') + "\"}}}");
        std::string untouched;
        r = w.write(input_for(big.view()), untouched);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), envelope_error::too_large);
        EXPECT_EQ(untouched.capacity(), std::string().capacity());
        EXPECT_EQ(w.stats().failed[static_cast<std::size_t>(envelope_error::too_large)], 2u);
        EXPECT_EQ(w.stats().written, 0u);
        EXPECT_EQ(w.stats().unknown_subscription, 0u); // notes of failed writes are not counted
    }
}

TEST(EnvelopeWriterError, MissingExportAddressIsAnError)
{
    envelope_writer w(envelope_config{});
    const decoded n(envelope_input());
    auto in = input_for(n.view());
    in.exporter = {};
    std::string out;
    auto r = w.write(in, out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), envelope_error::no_export_address);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(w.stats().failed[static_cast<std::size_t>(envelope_error::no_export_address)], 1u);
}

TEST(EnvelopeWriterError, EmptyNotificationIsAnError)
{
    envelope_writer w(envelope_config{});
    envelope::message_input in;
    in.exporter = endpoint_of("192.0.2.1", 1);
    std::string out;
    auto r = w.write(in, out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), envelope_error::no_notification);
    EXPECT_STREQ(envelope::to_string(r.error()), "no_notification");
}

TEST(EnvelopeConfig, InvalidConfigurationIsRefusedAtStartup)
{
    envelope_config c;
    c.labels.push_back({"site", false, "a", 0});
    c.labels.push_back({"site", false, "b", 0});
    c.labels.push_back({"", false, "c", 0});
    c.data_collection_manifest.vendor = std::string(1024, 'v');
    c.node_manifests.push_back({net::ip_address{}, {}});
    c.max_output_bytes = 100;
    const auto problems = envelope::validate(c);
    EXPECT_EQ(problems.size(), 5u);
    EXPECT_THROW(envelope_writer{c}, std::invalid_argument);
    EXPECT_TRUE(envelope::validate(envelope_config{}).empty());
}

TEST(YangHarness, AcceptsTheDraftSeedExample)
{
    yang_validator yang(profile::seed);
    const std::string example = read_file(shared_dir() + "/yang-seed/seed-example.json");
    ASSERT_FALSE(example.empty());
    // The example's payload has the implementation variants PROTOCOL.md §5/§11.9 list
    // (message-publisher-ids, module-name), so only the envelope itself is checked.
    EXPECT_EQ(yang.validate(example, false), "");
    EXPECT_EQ(yang.value("data-collection-metadata/remote-address"), "192.168.100.3");
    EXPECT_EQ(yang.value("telemetry-message-metadata/"
                         "ietf-yang-push-telemetry-message:yang-push-subscription/id"),
              "12345678");
    // ... and the example's payload indeed fails the payload check (proves it runs).
    EXPECT_NE(yang.validate(example, true), "");
}

TEST(YangHarness, RejectsBrokenSeedEnvelopes)
{
    yang_validator yang(profile::seed);
    envelope_writer w(envelope_config{});
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    std::string good;
    ASSERT_TRUE(w.write(input_for(n.view(), &sub), good).ok());
    ASSERT_EQ(yang.validate(good), "");

    // Mandatory timestamp missing.
    EXPECT_NE(yang.validate(replaced(good, R"("timestamp":"2026-03-01T10:00:00.150000000Z",)", "")),
              "");
    // The latest profile's identity is not in the seed module.
    EXPECT_NE(yang.validate(replaced(good, R"("yp-push")", R"("yang-push")")), "");
    // Not an address.
    EXPECT_NE(yang.validate(replaced(good, R"("192.0.2.10")", R"("192.0.2.10/24")")), "");
    // Unqualified encoding identity in yptm (§11.27 is what prevents this).
    EXPECT_NE(yang.validate(replaced(good, R"("ietf-subscribed-notifications:encode-json")",
                                     R"("encode-json")")),
              "");
    // A latest-profile member.
    EXPECT_NE(yang.validate(replaced(good, R"("module-version")", R"("module")")), "");
    // Broken notification inside the payload (id not a number).
    EXPECT_NE(yang.validate(replaced(good, R"({"id":1042,"ietf-yp-observation)",
                                     R"({"id":"x","ietf-yp-observation)")),
              "");
}

TEST(YangHarness, RejectsBrokenLatestEnvelopes)
{
    yang_validator yang(profile::latest);
    envelope_config c;
    c.profile = profile::latest;
    envelope_writer w(c);
    const decoded n(envelope_input());
    const auto sub = periodic_subscription();
    std::string good;
    ASSERT_TRUE(w.write(input_for(n.view(), &sub), good).ok());
    ASSERT_EQ(yang.validate(good), "");

    // Mandatory collection-timestamp missing.
    EXPECT_NE(yang.validate(replaced(
                  good, R"("collection-timestamp":"2026-03-01T10:00:00.150000000Z",)", "")),
              "");
    // Bad date-and-time.
    EXPECT_NE(yang.validate(replaced(good, "2026-03-01T10:00:00.150000000Z", "2026-03-01 10:00")),
              "");
    // The seed identity does not exist in this revision.
    EXPECT_NE(yang.validate(replaced(good, R"("yang-push")", R"("yp-push")")), "");
    // Enumeration value outside log/update/delete.
    EXPECT_NE(yang.validate(replaced(good, R"("log")", R"("logged")")), "");
    // Not an address.
    EXPECT_NE(yang.validate(replaced(good, R"("192.0.2.10")", R"("192.0.2.10/24")")), "");
    // Unknown member in the augment.
    EXPECT_NE(yang.validate(replaced(good, R"("module":)", R"("module-version":)")), "");
    // Unknown top-level member.
    EXPECT_NE(yang.validate(replaced(good, R"("payload":)", R"("bogus":1,"payload":)")), "");
    // The whole mandatory metadata container missing.
    EXPECT_NE(yang.validate(R"({"ietf-telemetry-message:message":{"payload":{}}})"), "");
    // A repeated member.
    EXPECT_NE(yang.validate(replaced(good, R"("payload":)", R"("payload":{},"payload":)")), "");
    // Wrong root.
    EXPECT_NE(yang.validate(R"({"ietf-telemetry-message:msg":{}})"), "");
    // Broken envelope in the payload (hostname must be a host-name).
    EXPECT_NE(yang.validate(replaced(good, R"("pe1.example.net")", R"("pe1 example")")), "");
}

} // namespace
