#include "metrics/rate_line.hpp"

#include "kafka/errors.hpp"
#include "udpnotif/errors.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <sstream>

namespace udpn::metrics {
namespace {

using pipeline::thread_stats;

thread_stats two_rx_one_worker()
{
    thread_stats t;
    t.rx.resize(2);
    t.workers.resize(1);
    t.producers.resize(1);
    return t;
}

std::uint64_t find(const std::vector<std::pair<std::string, std::uint64_t>>& kv,
                   std::string_view key)
{
    for (const auto& [k, v] : kv) {
        if (k == key) {
            return v;
        }
    }
    return ~std::uint64_t{0};
}

TEST(RateLine, SnapshotNamesEveryDropCounterFromTheDescriptors)
{
    thread_stats t = two_rx_one_worker();
    t.rx[0].parse.count(udpnotif::parse_error::too_short);
    t.rx[1].parse.count(udpnotif::parse_error::too_short);
    t.rx[1].queue_full_drops = 4;
    t.producers[0].kafka.dropped[static_cast<std::size_t>(kafka::produce_status::queue_full)] = 3;
    const rate_snapshot s = take_rate_snapshot(t);
    EXPECT_EQ(find(s.drops, "header_rejected.too_short"), 2u);
    EXPECT_EQ(find(s.drops, "header_rejected.option_overrun"), 0u);
    EXPECT_EQ(find(s.drops, "rx_queue_full_drops"), 4u);
    EXPECT_EQ(find(s.drops, "kafka_produce_dropped.queue_full"), 3u);
    EXPECT_EQ(find(s.drops, "reassembly_segments.too_large"), 0u);
    // not drops: ignored copies, the queued verdict, the per-class view of failed deliveries
    EXPECT_EQ(find(s.drops, "reassembly_segments.duplicate"), ~std::uint64_t{0});
    EXPECT_EQ(find(s.drops, "kafka_produce_dropped.queued"), ~std::uint64_t{0});
    EXPECT_EQ(find(s.drops, "kafka_delivery_failed_by_class.fatal"), ~std::uint64_t{0});
    EXPECT_EQ(s.drops_total, 9u);
}

TEST(RateLine, RatesAreDeltasOverTheInterval)
{
    rate_snapshot before;
    before.datagrams = 1000;
    before.messages = 500;
    before.records = 400;
    before.delivered = 300;
    before.drops = {{"a", 1}, {"b", 0}, {"c", 0}};
    before.drops_total = 1;
    rate_snapshot now = before;
    now.datagrams = 3000;
    now.messages = 1500;
    now.records = 1400;
    now.delivered = 1299;
    now.drops = {{"a", 1}, {"b", 5}, {"c", 0}};
    now.drops_total = 6;
    const rates r = compute_rates(before, now, 2.0);
    EXPECT_EQ(r.interval_s, 2.0);
    EXPECT_EQ(r.datagrams_per_s, 1000.0);
    EXPECT_EQ(r.messages_per_s, 500.0);
    EXPECT_EQ(r.records_per_s, 500.0);
    EXPECT_EQ(r.delivered_per_s, 499.5);
    EXPECT_EQ(r.drops, 5u);
    EXPECT_EQ(r.drops_total, 6u);
    ASSERT_EQ(r.nonzero_drops.size(), 2u);
    EXPECT_EQ(r.nonzero_drops[0], (std::pair<std::string, std::uint64_t>{"a", 1}));
    EXPECT_EQ(r.nonzero_drops[1], (std::pair<std::string, std::uint64_t>{"b", 5}));
    // a counter that went back (component restarted) counts 0, never wraps
    const rates back = compute_rates(now, before, 1.0);
    EXPECT_EQ(back.datagrams_per_s, 0.0);
    EXPECT_EQ(back.drops, 0u);
}

class RateReporter : public ::testing::Test {
  protected:
    void TearDown() override { log::configure(log::log_config{}); }
    std::ostringstream out;
};

TEST_F(RateReporter, LogsOneJsonLinePerReportWithNonZeroDrops)
{
    log::configure({log::level::info, log::format::json}, out);
    thread_stats t = two_rx_one_worker();
    rate_reporter reporter(1'000'000'000);
    t.rx[0].path.datagrams = 500;
    t.rx[1].path.datagrams = 1500;
    t.rx[1].path.messages = 800;
    t.workers[0].stage.records = 700;
    t.producers[0].kafka.delivered = 600;
    t.rx[1].parse.count(udpnotif::parse_error::unsupported_version);
    const rates first = reporter.report(t, 3'000'000'000); // 2 s later
    EXPECT_EQ(first.datagrams_per_s, 1000.0);
    EXPECT_EQ(first.messages_per_s, 400.0);
    EXPECT_EQ(first.records_per_s, 350.0);
    EXPECT_EQ(first.delivered_per_s, 300.0);
    EXPECT_EQ(first.drops, 1u);
    const rates second = reporter.report(t, 4'000'000'000); // nothing new
    EXPECT_EQ(second.datagrams_per_s, 0.0);
    EXPECT_EQ(second.drops, 0u);
    EXPECT_EQ(second.drops_total, 1u);

    std::istringstream in(out.str());
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 2u) << out.str();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(lines[0]).get(doc), simdjson::SUCCESS) << lines[0];
    std::string_view s;
    ASSERT_EQ(doc["component"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "stats");
    double d = 0;
    ASSERT_EQ(doc["fields"]["datagrams_per_s"].get(d), simdjson::SUCCESS);
    EXPECT_EQ(d, 1000.0);
    std::uint64_t n = 0;
    ASSERT_EQ(doc["fields"]["header_rejected.unsupported_version"].get(n), simdjson::SUCCESS);
    EXPECT_EQ(n, 1u);
    ASSERT_EQ(doc["fields"]["drops_total"].get(n), simdjson::SUCCESS);
    EXPECT_EQ(n, 1u);
    // zero counters stay off the line
    EXPECT_EQ(lines[0].find("header_rejected.too_short"), std::string::npos);
    EXPECT_EQ(lines[0].find("rx_queue_full_drops"), std::string::npos);
}

TEST_F(RateReporter, TextLineHasTheSameFields)
{
    log::configure({log::level::info, log::format::text}, out);
    thread_stats t = two_rx_one_worker();
    t.rx[0].queue_full_drops = 2;
    rate_reporter reporter(0);
    (void)reporter.report(t, 1'000'000'000);
    const std::string text = out.str();
    EXPECT_NE(text.find(" info stats rates interval_s=1 datagrams_per_s=0 messages_per_s=0 "
                        "records_per_s=0 delivered_per_s=0 drops=2 drops_total=2 "
                        "rx_queue_full_drops=2\n"),
              std::string::npos)
        << text;
}

TEST_F(RateReporter, NothingIsWrittenBelowTheLevel)
{
    log::configure({log::level::warn, log::format::text}, out);
    rate_reporter reporter(0);
    (void)reporter.report(two_rx_one_worker(), 1'000'000'000);
    EXPECT_EQ(out.str(), "");
}

} // namespace
} // namespace udpn::metrics
