// Subscription state across a restart of the receiver (pipeline + worker.state_file): each
// worker saves its table when the pipeline stops, and a new pipeline (even with another worker
// count) loads every state file, so data arriving after the restart, without a new
// subscription-started, still finds its subscription (no fallback topic). A corrupt file is
// reported and ignored, never fatal.
#include "pipeline_fixtures.hpp"

#include "kafka/config.hpp"
#include "net/endpoint.hpp"
#include "pipeline/pipeline.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::test;
using namespace std::chrono_literals;

std::string address_of_worker(std::uint32_t w, std::uint32_t n_workers)
{
    for (int x = 1; x < 255; ++x) {
        const std::string a = "127.0.0." + std::to_string(x);
        if (net::hash(net::ip_address::parse(a.c_str())) % n_workers == w) {
            return a;
        }
    }
    throw std::runtime_error("no loopback address for that worker");
}

/// A fresh directory under the system temp dir, removed at the end.
struct temp_dir {
    temp_dir()
    {
        std::string t = (std::filesystem::temp_directory_path() / "udpn-state-XXXXXX").string();
        if (::mkdtemp(t.data()) == nullptr) {
            throw std::runtime_error("mkdtemp");
        }
        path = t;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    std::filesystem::path path;
};

pipeline::pipeline_config null_sink_config(std::uint32_t n_workers, const std::string& state)
{
    pipeline::pipeline_config cfg = pipeline_config_for_test(1, n_workers, 1);
    cfg.kafka.brokers = std::string(kafka::null_brokers_value);
    cfg.worker.state_file = state;
    return cfg;
}

/// The data messages of \p t (without its subscription-started).
std::vector<outgoing> data_only(const std::vector<outgoing>& t)
{
    return {t.begin() + 1, t.end()};
}

TEST(pipeline_state, subscriptions_survive_a_restart_with_another_worker_count)
{
    temp_dir dir;
    const std::string state = (dir.path / "subscriptions.state").string();
    const std::string a0 = address_of_worker(0, 2);
    const std::string a1 = address_of_worker(1, 2);
    const auto t1 = traffic_of("router-a", 7, 20);
    const auto t2 = traffic_of("router-b", 9, 20);
    {
        pipeline::pipeline p(null_sink_config(2, state));
        EXPECT_TRUE(p.state_load_notes().empty()) << "first start: no file yet";
        p.start();
        exporter_socket e1(a0.c_str());
        exporter_socket e2(a1.c_str());
        (void)send_interleaved(e1, t1, e2, t2, p);
        const std::size_t n = t1.size() + t2.size();
        ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= n; }, 20s));
        const pipeline::stop_report r = p.stop();
        EXPECT_EQ(r.final_stats.fallback, 0u);
        EXPECT_EQ(r.state_records_saved, 2u); // one subscription per exporter
        EXPECT_TRUE(r.state_problems.empty());
    }
    EXPECT_TRUE(std::filesystem::exists(state + ".0"));
    EXPECT_TRUE(std::filesystem::exists(state + ".1"));

    // Restart with one worker: both files are read, the data needs no new -started.
    {
        pipeline::pipeline p(null_sink_config(1, state));
        ASSERT_EQ(p.state_load_notes().size(), 2u);
        for (const std::string& note : p.state_load_notes()) {
            EXPECT_NE(note.find(": 1 subscription(s)"), std::string::npos) << note;
        }
        p.start();
        exporter_socket e1(a0.c_str());
        exporter_socket e2(a1.c_str());
        const auto d1 = data_only(t1);
        const auto d2 = data_only(t2);
        (void)send_interleaved(e1, d1, e2, d2, p);
        const std::size_t n = d1.size() + d2.size();
        ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= n; }, 20s));
        const pipeline::stop_report r = p.stop();
        EXPECT_EQ(r.final_stats.records, n);
        EXPECT_EQ(r.final_stats.fallback, 0u) << "data after the restart lost its subscription";
        EXPECT_EQ(r.state_records_saved, 2u);
    }
    // one worker writes the plain file; the files of the earlier worker count are gone
    EXPECT_TRUE(std::filesystem::exists(state));
    EXPECT_FALSE(std::filesystem::exists(state + ".0"));
    EXPECT_FALSE(std::filesystem::exists(state + ".1"));
}

TEST(pipeline_state, corrupt_state_file_is_reported_and_ignored)
{
    temp_dir dir;
    const std::string state = (dir.path / "subscriptions.state").string();
    std::ofstream(state) << "this is not a state file\n";

    pipeline::pipeline p(null_sink_config(1, state)); // starts anyway
    ASSERT_EQ(p.state_load_notes().size(), 1u);
    EXPECT_NE(p.state_load_notes()[0].find(state), std::string::npos) << p.state_load_notes()[0];
    EXPECT_NE(p.state_load_notes()[0].find("0 subscription(s) loaded"), std::string::npos)
        << p.state_load_notes()[0];
    p.start();
    exporter_socket e(address_of_worker(0, 1).c_str());
    const auto d = data_only(traffic_of("router-a", 7, 10));
    for (const auto& m : d) {
        for (const auto& dg : m.datagrams) {
            e.send(dg, p.local_port());
        }
    }
    ASSERT_TRUE(wait_until([&] { return p.stats().null_records >= d.size(); }, 20s));
    const pipeline::stop_report r = p.stop();
    EXPECT_EQ(r.final_stats.fallback, d.size()); // no subscription known: fallback topic
}

} // namespace
