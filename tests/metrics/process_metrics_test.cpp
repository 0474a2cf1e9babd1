#include "metrics/process_metrics.hpp"

#include "exposition_parser.hpp"

#include <gtest/gtest.h>

namespace udpn::metrics {
namespace {

TEST(ProcessMetrics, ParsesStatWithAnAwkwardCommandName)
{
    // Field 2 may hold spaces and parentheses; utime (14) = 250, stime (15) = 150 ticks.
    const std::string stat = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 "
                             "250 150 0 0 20 0 5 0 12345 1000000 300\n";
    process_usage u;
    ASSERT_TRUE(parse_proc_stat(stat, 100, u));
    EXPECT_DOUBLE_EQ(u.cpu_seconds, 4.0);
}

TEST(ProcessMetrics, RefusesTruncatedOrGarbledStat)
{
    process_usage u;
    EXPECT_FALSE(parse_proc_stat("4242 (prog) S 1 2 3", 100, u));
    EXPECT_FALSE(parse_proc_stat("no parenthesis here", 100, u));
    EXPECT_FALSE(parse_proc_stat("1 (p) S 1 1 1 0 -1 0 0 0 0 0 x 5 0", 100, u));
    EXPECT_FALSE(parse_proc_stat("1 (p) S 1 1 1 0 -1 0 0 0 0 0 1 5 0", 0, u));
}

TEST(ProcessMetrics, ParsesStatm)
{
    process_usage u;
    ASSERT_TRUE(parse_proc_statm("1000 250 40 10 0 300 0\n", 4096, u));
    EXPECT_EQ(u.virtual_bytes, 1000u * 4096u);
    EXPECT_EQ(u.resident_bytes, 250u * 4096u);
    EXPECT_FALSE(parse_proc_statm("1000\n", 4096, u));
    EXPECT_FALSE(parse_proc_statm("", 4096, u));
}

TEST(ProcessMetrics, ReadsThisProcess)
{
    const auto u = read_process_usage();
    ASSERT_TRUE(u.has_value());
    EXPECT_GT(u->resident_bytes, 0u);
    EXPECT_GE(u->virtual_bytes, u->resident_bytes);
    EXPECT_GE(u->cpu_seconds, 0.0);
    const auto fds = count_open_fds();
    ASSERT_TRUE(fds.has_value());
    EXPECT_GE(*fds, 3u); // stdin, stdout, stderr at least
}

TEST(ProcessMetrics, FamiliesCarryVersionAndStartTime)
{
    const std::vector<family> families = process_families({"9.8.7", 1700000000.5});
    const auto parsed = testing::parse(render(families));
    ASSERT_EQ(parsed.error, "");
    const auto* info = parsed.family("udpnotif_build_info");
    ASSERT_NE(info, nullptr);
    ASSERT_EQ(info->samples.size(), 1u);
    EXPECT_EQ(info->samples[0].labels.at("version"), "9.8.7");
    EXPECT_EQ(info->samples[0].value, 1);
    const auto* start = parsed.family("udpnotif_start_time_seconds");
    ASSERT_NE(start, nullptr);
    EXPECT_EQ(start->samples[0].value_text, "1700000000.5");
    ASSERT_NE(parsed.family("process_cpu_seconds_total"), nullptr);
    EXPECT_EQ(parsed.family("process_cpu_seconds_total")->type, "counter");
    ASSERT_NE(parsed.family("process_resident_memory_bytes"), nullptr);
    EXPECT_GT(parsed.family("process_resident_memory_bytes")->samples[0].value, 0);
}

TEST(ProcessMetrics, DefaultVersionIsTheBuildVersion)
{
    const auto parsed = testing::parse(render(process_families({"", 0})));
    ASSERT_EQ(parsed.error, "");
    EXPECT_EQ(parsed.family("udpnotif_build_info")->samples[0].labels.at("version"),
              build_version());
    EXPECT_STRNE(build_version(), "unknown");
}

} // namespace
} // namespace udpn::metrics
