// The RX loop's adaptive receive nap (input/socket/receive_nap.hpp): when it naps, how long,
// and how it backs off after long bursts, a full queue budget and kernel drops.
#include "input/socket/receive_nap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

using udpn::input::nap_input;
using udpn::input::receive_nap;

namespace {

constexpr std::uint64_t most = 1'024'000; // ns: the smallest nap is most / 32 = 32 us
constexpr std::size_t burst = 64;

nap_input short_burst(std::size_t datagrams = 1, std::size_t octets = 1000)
{
    return {datagrams, octets, false};
}

} // namespace

TEST(ReceiveNap, OffNeverNaps)
{
    receive_nap nap(0, burst, 0);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(nap.after_poll(short_burst()), 0u);
        EXPECT_EQ(nap.after_poll({}), 0u);
    }
    EXPECT_EQ(nap.after_poll({0, 0, true}), 0u);
    EXPECT_EQ(nap.backoffs(), 0u);
}

TEST(ReceiveNap, DoublesAfterShortBurstsUpToTheMost)
{
    receive_nap nap(most, burst, 0);
    std::vector<std::uint64_t> got;
    for (int i = 0; i < 8; ++i) {
        got.push_back(nap.after_poll(short_burst()));
    }
    const std::vector<std::uint64_t> want = {32'000,  64'000,    128'000,   256'000,
                                             512'000, 1'024'000, 1'024'000, 1'024'000};
    EXPECT_EQ(got, want);
    // An idle poll (nothing received) is short too.
    EXPECT_EQ(nap.after_poll({}), most);
}

TEST(ReceiveNap, ALongBurstMeansNoNapAndAShorterOneNext)
{
    receive_nap nap(most, burst, 0);
    for (int i = 0; i < 6; ++i) {
        (void)nap.after_poll(short_burst());
    }
    ASSERT_EQ(nap.after_poll(short_burst()), most);
    EXPECT_EQ(nap.after_poll(short_burst(burst / 2 - 1)), most); // still short
    EXPECT_EQ(nap.after_poll(short_burst(burst / 2)), 0u);       // half a burst: go on
    EXPECT_EQ(nap.after_poll(short_burst(burst)), 0u);
    // Two halvings, then the doubling again.
    EXPECT_EQ(nap.after_poll(short_burst()), most / 2);
    EXPECT_EQ(nap.after_poll(short_burst()), most);
}

TEST(ReceiveNap, ABurstOverTheQueueBudgetMeansNoNap)
{
    // Budget 20000 octets: 4 datagrams of 4000 octets count 4 * (4000 + 1024) = 20096.
    receive_nap nap(most, burst, 20'000);
    EXPECT_EQ(nap.after_poll(short_burst(3, 12'000)), most / 32);
    EXPECT_EQ(nap.after_poll(short_burst(4, 16'000)), 0u);
    EXPECT_EQ(nap.after_poll(short_burst(4, 14'000)), most / 32); // 14000 + 4096 fits
}

TEST(ReceiveNap, KernelDropsStopTheNapAndHalveItsCeiling)
{
    receive_nap nap(most, burst, 0);
    for (int i = 0; i < 6; ++i) {
        (void)nap.after_poll(short_burst());
    }
    EXPECT_EQ(nap.after_poll({1, 1000, true}), 0u);
    EXPECT_EQ(nap.ceiling_ns(), most / 2);
    EXPECT_EQ(nap.backoffs(), 1u);
    // It starts again from the smallest nap and stops at the new ceiling.
    std::uint64_t longest = 0;
    EXPECT_EQ(nap.after_poll(short_burst()), most / 32);
    for (int i = 0; i < 10; ++i) {
        longest = std::max(longest, nap.after_poll(short_burst()));
    }
    EXPECT_EQ(longest, most / 2);
    // Drops again and again: the ceiling never goes below the smallest nap.
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(nap.after_poll({0, 0, true}), 0u);
    }
    EXPECT_EQ(nap.ceiling_ns(), most / 32);
    EXPECT_EQ(nap.after_poll(short_burst()), most / 32);
    EXPECT_EQ(nap.backoffs(), 21u);
}
