// STYLE.md §4.4 / DESIGN.md §2: after warm-up, writing envelopes allocates nothing.
#include "envelope/json_writer.hpp"
#include "envelope/telemetry_message.hpp"
#include "envelope/timestamp.hpp"

#include "alloc_counter.hpp"
#include "fixtures.hpp"
#include "yang_validator.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace udpn;
using namespace udpn::test;
using envelope::profile;

envelope::envelope_config full_config(profile p)
{
    envelope::envelope_config c;
    c.profile = p;
    c.data_collection_manifest = {"collector-a", "example",         32473, "0.1.0", "debug",
                                  "12",          "Debian GNU/Linux"};
    c.node_manifests.push_back({net::ip_address::parse("192.0.2.10"),
                                {"pe1", "ExampleVendor", std::nullopt, "7.3.1", "", "", ""}});
    c.node_manifests.push_back({net::ip_address::parse("2001:db8::10"),
                                {"pe6", "ExampleVendor", std::nullopt, "7.3.1", "", "", ""}});
    c.labels.push_back({"site", false, "zrh \"A\"\n", 0});
    c.labels.push_back({"tenant", true, "", 42});
    return c;
}

class EnvelopeNoAlloc : public ::testing::TestWithParam<profile> {};

TEST_P(EnvelopeNoAlloc, WritingAThousandEnvelopesAllocatesNothingAfterWarmUp)
{
    envelope::envelope_writer w(full_config(GetParam()));
    const decoded env(envelope_input());
    const decoded legacy(legacy_input("ietf-notification:notification"));
    const decoded bare(bare_input());
    const auto periodic = periodic_subscription();
    const auto on_change = on_change_subscription();
    auto v6 = input_for(bare.view(), nullptr);
    v6.exporter = endpoint_of("2001:db8::10", 4000);
    v6.collector = endpoint_of("2001:db8::1", 10003);
    const envelope::message_input inputs[] = {input_for(env.view(), &periodic),
                                              input_for(legacy.view(), &on_change), v6,
                                              input_for(env.view(), nullptr)};

    std::string out;
    for (const auto& in : inputs) { // warm-up: the buffer reaches its largest size
        ASSERT_TRUE(w.write(in, out).ok());
    }
    std::size_t bytes = 0;
    const std::uint64_t n_allocations = allocations_during([&] {
        for (int i = 0; i < 1000; ++i) {
            auto r = w.write(inputs[i % 4], out);
            bytes += r.ok() ? r.value() : 0;
        }
    });
    EXPECT_EQ(n_allocations, 0u);
    EXPECT_GT(bytes, 1000u * 500u);
    EXPECT_EQ(w.stats().written, 1004u);
    // What the allocation-free loop wrote last is still a valid envelope.
    yang_validator yang(GetParam());
    EXPECT_EQ(yang.validate(out), "") << out;
}

INSTANTIATE_TEST_SUITE_P(Profiles, EnvelopeNoAlloc,
                         ::testing::Values(profile::seed, profile::latest), profile_name);

TEST(EnvelopeNoAlloc, TimestampsAndJsonWriterAllocateNothing)
{
    std::string out;
    out.reserve(4096);
    const std::uint64_t n_allocations = allocations_during([&] {
        for (int i = 0; i < 1000; ++i) {
            out.clear();
            envelope::json_writer w(out, 4096);
            const auto t = envelope::to_timestamp(std::int64_t{i} * 1'000'000'007LL);
            w.begin_object();
            w.key("t");
            w.string(t.view());
            w.key("s");
            w.string("esc \"\x01\xC3\xA9\xFF");
            w.end_object();
        }
    });
    EXPECT_EQ(n_allocations, 0u);
}

} // namespace
