// worker::stage allocates nothing per data notification of a known subscription once warm
// (STYLE.md §4 rule 4), for both profiles, in the envelope and legacy forms, and for data of
// unknown subscriptions.
#include "alloc_counter.hpp"
#include "fixtures.hpp"

#include <gtest/gtest.h>

using namespace udpn;
using namespace udpn::test;

namespace {

void expect_no_allocation(key::profile p)
{
    worker::stage st(config_for(p), shared_schema());
    counting_sink sink;
    message_maker mk;
    ASSERT_EQ(st.process(mk.make(started(started_1042)), sink), worker::process_status::produced);
    const std::string envelope_form =
        in_envelope(push_update_name, push_update_contents(1042, {"eth0", "eth1", "eth2"}), 5);
    const std::string legacy_form = legacy(push_update_name, push_update_contents(1042, {"eth3"}));
    const std::string unknown = in_envelope(push_update_name, push_update_contents(99, {"eth0"}), 9);
    // Warm up: buffers grow to the largest message once.
    for (int i = 0; i < 3; ++i) {
        (void)st.process(mk.make(envelope_form), sink);
        (void)st.process(mk.make(legacy_form), sink);
        (void)st.process(mk.make(unknown), sink);
    }
    // The message_maker reuses its buffer: build the messages before counting.
    std::string a = envelope_form, b = legacy_form, c = unknown;
    a.append(yangpush::required_padding, '\0');
    b.append(yangpush::required_padding, '\0');
    c.append(yangpush::required_padding, '\0');
    worker::message ma = mk.make(envelope_form), mb = ma, mc = ma;
    ma.payload = std::string_view(a.data(), envelope_form.size());
    mb.payload = std::string_view(b.data(), legacy_form.size());
    mc.payload = std::string_view(c.data(), unknown.size());
    const std::size_t before = sink.n_records;
    const std::uint64_t n = allocations_during([&] {
        for (int i = 0; i < 100; ++i) {
            (void)st.process(ma, sink);
            (void)st.process(mb, sink);
            (void)st.process(mc, sink);
        }
    });
    EXPECT_EQ(n, 0u);
    EXPECT_EQ(sink.n_records - before, 300u);
    EXPECT_GT(sink.last_key_size, 0u);
}

} // namespace

TEST(StageNoAlloc, SeedProfileSteadyStateAllocatesNothing)
{
    expect_no_allocation(key::profile::seed);
}

TEST(StageNoAlloc, LatestProfileSteadyStateAllocatesNothing)
{
    expect_no_allocation(key::profile::latest);
}
