#include "metrics/pipeline_metrics.hpp"
#include "metrics/receiver_metrics.hpp"

#include "exposition_parser.hpp"

#include "kafka/errors.hpp"
#include "reassembly/table.hpp"
#include "udpnotif/errors.hpp"
#include "worker/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <type_traits>

namespace udpn::metrics {
namespace {

using pipeline::thread_stats;
using testing::parse;
using testing::parsed_family;

/// Sets every std::uint64_t of \p s to \p v (the struct holds nothing else; the layout test
/// below proves which members each struct has).
template <class T> void fill_words(T& s, std::uint64_t v)
{
    static_assert(std::is_trivially_copyable_v<T>);
    static_assert(sizeof(T) % sizeof(std::uint64_t) == 0);
    std::vector<std::uint64_t> words(sizeof(T) / sizeof(std::uint64_t), v);
    std::memcpy(static_cast<void*>(&s), words.data(), sizeof(T));
}

/// 2 RX threads with every counter t+1, 3 workers likewise, 3 producers likewise with fatal on
/// producer 1 and last_error -(t+1), the registry thread with every counter 7.
thread_stats numbered_stats()
{
    thread_stats t;
    t.rx.resize(2);
    for (std::size_t i = 0; i < t.rx.size(); ++i) {
        fill_words(t.rx[i], i + 1);
    }
    t.workers.resize(3);
    for (std::size_t i = 0; i < t.workers.size(); ++i) {
        fill_words(t.workers[i], i + 1);
    }
    t.producers.resize(3);
    for (std::size_t i = 0; i < t.producers.size(); ++i) {
        kafka::producer_stats& p = t.producers[i].kafka;
        const std::uint64_t v = i + 1;
        p.queued = p.queued_bytes = p.delivered = p.delivered_bytes = v;
        p.failed.fill(v);
        p.failed_by_class.fill(v);
        p.dropped.fill(v);
        p.queue_full_waits = p.topics = p.topics_created = p.topic_create_failed = v;
        p.client_errors = v;
        p.fatal = i == 1;
        p.last_error = -static_cast<int>(v);
        t.producers[i].records = t.producers[i].queued = v;
        t.producers[i].null_records = t.producers[i].null_bytes = v;
        t.producers[i].cpu_ns = v;
    }
    t.registry.resize(1); // the schema registry thread: every counter 7
    fill_words(t.registry[0], 7);
    return t;
}

enum class group { rx, worker, producer, registry, other };

group group_of(std::string_view name)
{
    static const std::pair<std::string_view, group> prefixes[] = {
        {"udpnotif_socket_", group::rx},
        {"udpnotif_rx_", group::rx},
        {"udpnotif_header_", group::rx},
        {"udpnotif_reassembly_", group::rx},
        {"udpnotif_message_id_", group::rx},
        {"udpnotif_buffer_pool_", group::rx},
        {"udpnotif_dtls_", group::rx},
        {"udpnotif_worker_", group::worker},
        {"udpnotif_decode_", group::worker},
        {"udpnotif_xml_transcode_", group::worker},
        {"udpnotif_cbor_transcode_", group::worker},
        {"udpnotif_key_resolve_", group::worker},
        {"udpnotif_key_", group::worker},
        {"udpnotif_envelope_", group::worker},
        {"udpnotif_subscription_", group::worker},
        {"udpnotif_sequence_", group::worker},
        {"udpnotif_schema_registry_", group::registry},
        {"udpnotif_kafka_", group::producer},
        {"udpnotif_producer_", group::producer},
    };
    for (const auto& [p, g] : prefixes) {
        if (name.starts_with(p)) {
            return g;
        }
    }
    return group::other;
}

std::size_t round_up(std::size_t n, std::size_t align)
{
    return (n + align - 1) / align * align;
}

TEST(PipelineMetricsLayout, EveryMemberOfEveryStatsStructIsDescribedOnce)
{
    const auto layouts = described_layouts();
    // 3 per-thread structs + the module structs nested in them (7 rx, 9 worker, 1 producer),
    // and the schema registry's.
    EXPECT_EQ(layouts.size(), 21u);
    std::set<std::string_view> names;
    for (const struct_layout& l : layouts) {
        EXPECT_TRUE(names.insert(l.type_name).second) << l.type_name << " described twice";
        auto members = l.members;
        std::sort(members.begin(), members.end(),
                  [](const member_span& a, const member_span& b) { return a.offset < b.offset; });
        std::size_t end = 0;
        for (const member_span& m : members) {
            // The next member starts right after the previous one (padding for its alignment
            // only): a member nobody described leaves a hole, one described twice an overlap.
            EXPECT_EQ(m.offset, round_up(end, m.align))
                << l.type_name << ": hole or overlap before '" << m.name << "'";
            end = m.offset + m.size;
        }
        EXPECT_EQ(round_up(end, l.align), l.size) << l.type_name << ": members missing at the end";
    }
    for (const char* expected :
         {"pipeline::rx_thread_stats", "pipeline::worker_thread_stats",
          "pipeline::producer_thread_stats", "input::rx_stats", "udpnotif::parse_stats",
          "reassembly::reassembly_stats", "reassembly::gap_stats", "input::pool_stats",
          "input::source_stats", "dtls::listener_stats", "worker::stage_stats", "yangpush::decode_stats",
          "yangpush::xml_transcode_stats", "yangpush::cbor_transcode_stats", "key::resolve_stats",
          "key::key_stats", "envelope::envelope_stats", "subscription::table_stats",
          "subscription::sequence_stats", "kafka::producer_stats", "registry::registry_stats"}) {
        EXPECT_EQ(names.count(expected), 1u) << expected;
    }
}

TEST(PipelineMetrics, FullTextPassesTheStrictParser)
{
    const std::string text = render_receiver_metrics(numbered_stats(), {"1.2.3", 1700000000.25});
    const auto parsed = parse(text);
    ASSERT_EQ(parsed.error, "") << text;
    EXPECT_GE(parsed.families.size(), 150u);
    for (const parsed_family& f : parsed.families) {
        EXPECT_FALSE(f.help.empty()) << f.name;
        for (const auto& s : f.samples) {
            for (const auto& [k, v] : s.labels) {
                EXPECT_NE(v, "unknown") << f.name << " " << k << ": array larger than its enum";
                EXPECT_FALSE(v.empty()) << f.name << " " << k;
            }
        }
    }
}

TEST(PipelineMetrics, EverySampleIsTheSumOverThreadsOrItsThreadsValue)
{
    const auto parsed = parse(render(pipeline_families(numbered_stats())));
    ASSERT_EQ(parsed.error, "");
    std::size_t checked = 0;
    for (const parsed_family& f : parsed.families) {
        const group g = group_of(f.name);
        if (g == group::other) {
            continue;
        }
        const double sum = g == group::rx ? 1 + 2 : g == group::registry ? 7 : 1 + 2 + 3;
        ASSERT_FALSE(f.samples.empty()) << f.name;
        for (const auto& s : f.samples) {
            const auto thread = s.labels.find("thread");
            if (thread == s.labels.end()) {
                EXPECT_EQ(s.value, sum) << f.name;
            } else {
                const double t = std::stod(thread->second);
                if (f.name == "udpnotif_kafka_fatal") {
                    EXPECT_EQ(s.value, t == 1 ? 1 : 0);
                } else if (f.name == "udpnotif_kafka_last_error") {
                    EXPECT_EQ(s.value, -(t + 1));
                } else if (f.name.ends_with("_cpu_seconds_total")) {
                    EXPECT_DOUBLE_EQ(s.value, (t + 1) * 1e-9) << f.name; // nanoseconds shown in s
                } else {
                    EXPECT_EQ(s.value, t + 1) << f.name;
                }
            }
            ++checked;
        }
    }
    EXPECT_GT(checked, 300u);
}

TEST(PipelineMetrics, ThreadCountsAndPerThreadFamilies)
{
    const auto parsed = parse(render(pipeline_families(numbered_stats())));
    ASSERT_EQ(parsed.error, "");
    const parsed_family* threads = parsed.family("udpnotif_threads");
    ASSERT_NE(threads, nullptr);
    EXPECT_EQ(threads->find({{"stage", "rx"}})->value, 2);
    EXPECT_EQ(threads->find({{"stage", "worker"}})->value, 3);
    EXPECT_EQ(threads->find({{"stage", "producer"}})->value, 3);
    const parsed_family* depth = parsed.family("udpnotif_worker_queue_depth");
    ASSERT_NE(depth, nullptr);
    EXPECT_EQ(depth->type, "gauge");
    ASSERT_EQ(depth->samples.size(), 3u);
    EXPECT_EQ(depth->find({{"thread", "2"}})->value, 3);
    const parsed_family* datagrams = parsed.family("udpnotif_rx_datagrams_total");
    ASSERT_NE(datagrams, nullptr);
    EXPECT_EQ(datagrams->type, "counter");
    EXPECT_EQ(datagrams->find({{"thread", "0"}})->value, 1);
    EXPECT_EQ(datagrams->find({{"thread", "1"}})->value, 2);
}

TEST(PipelineMetrics, HandFilledCountersLandInTheirNamedSamples)
{
    thread_stats t;
    t.rx.resize(2);
    t.workers.resize(1);
    t.producers.resize(2);
    using udpnotif::parse_error;
    t.rx[0].parse.count(parse_error::unsupported_version);
    t.rx[1].parse.count(parse_error::unsupported_version);
    t.rx[1].parse.count(parse_error::too_short);
    t.rx[0].reassembly.verdicts[static_cast<std::size_t>(reassembly::verdict::duplicate)] = 4;
    t.rx[1].reassembly.verdicts[static_cast<std::size_t>(reassembly::verdict::duplicate)] = 5;
    t.rx[0].path.bytes = 1000;
    t.rx[1].path.bytes = 24;
    t.rx[1].queue_full_drops = 6;
    t.rx[0].reassembly.pending_messages = 2;
    t.rx[1].reassembly.pending_messages = 3;
    t.workers[0].stage.statuses[static_cast<std::size_t>(worker::process_status::undecodable)] = 8;
    t.producers[0].kafka.failed[static_cast<std::size_t>(kafka::delivery_error::timed_out)] = 10;
    t.producers[1].kafka.failed[static_cast<std::size_t>(kafka::delivery_error::timed_out)] = 1;
    t.producers[1].kafka.delivered = 77;

    const auto parsed = parse(render(pipeline_families(t)));
    ASSERT_EQ(parsed.error, "");
    const auto value = [&](std::string_view family,
                           const std::map<std::string, std::string>& labels) {
        const parsed_family* f = parsed.family(family);
        EXPECT_NE(f, nullptr) << family;
        if (f == nullptr) {
            return -1.0;
        }
        const auto* s = f->find(labels);
        EXPECT_NE(s, nullptr) << family;
        return s != nullptr ? s->value : -1.0;
    };
    EXPECT_EQ(value("udpnotif_header_rejected_total", {{"reason", "unsupported_version"}}), 2);
    EXPECT_EQ(value("udpnotif_header_rejected_total", {{"reason", "too_short"}}), 1);
    EXPECT_EQ(value("udpnotif_header_rejected_total", {{"reason", "option_overrun"}}), 0);
    EXPECT_EQ(value("udpnotif_reassembly_segments_total", {{"verdict", "duplicate"}}), 9);
    EXPECT_EQ(value("udpnotif_reassembly_pending_messages", {}), 5);
    EXPECT_EQ(value("udpnotif_rx_bytes_total", {}), 1024);
    EXPECT_EQ(value("udpnotif_rx_queue_full_drops_total", {}), 6);
    EXPECT_EQ(value("udpnotif_worker_processed_total", {{"status", "undecodable"}}), 8);
    EXPECT_EQ(value("udpnotif_kafka_delivery_failed_total", {{"error", "timed_out"}}), 11);
    EXPECT_EQ(value("udpnotif_kafka_delivered_total", {}), 77);
    EXPECT_EQ(value("udpnotif_kafka_fatal", {{"thread", "1"}}), 0);
}

TEST(PipelineMetrics, EveryArrayElementHasItsEnumLabel)
{
    const auto parsed = parse(render(pipeline_families(numbered_stats())));
    ASSERT_EQ(parsed.error, "");
    const auto labels_of = [&](std::string_view family, const std::string& label) {
        std::set<std::string> out;
        const parsed_family* f = parsed.family(family);
        EXPECT_NE(f, nullptr) << family;
        if (f != nullptr) {
            for (const auto& s : f->samples) {
                out.insert(s.labels.at(label));
            }
        }
        return out;
    };
    std::set<std::string> reasons;
    for (std::size_t i = 0; i < udpnotif::n_parse_errors; ++i) {
        reasons.insert(udpnotif::to_string(static_cast<udpnotif::parse_error>(i)));
    }
    EXPECT_EQ(labels_of("udpnotif_header_rejected_total", "reason"), reasons);
    std::set<std::string> verdicts;
    for (std::size_t i = 0; i < reassembly::n_verdicts; ++i) {
        verdicts.insert(reassembly::to_string(static_cast<reassembly::verdict>(i)));
    }
    EXPECT_EQ(labels_of("udpnotif_reassembly_segments_total", "verdict"), verdicts);
    std::set<std::string> errors;
    for (std::size_t i = 0; i < kafka::n_delivery_errors; ++i) {
        errors.insert(kafka::to_string(static_cast<kafka::delivery_error>(i)));
    }
    EXPECT_EQ(labels_of("udpnotif_kafka_delivery_failed_total", "error"), errors);
    EXPECT_EQ(labels_of("udpnotif_kafka_produce_dropped_total", "status").size(),
              kafka::n_produce_statuses);
    EXPECT_EQ(labels_of("udpnotif_worker_processed_total", "status").size(),
              worker::n_process_statuses);
    const auto terminated = labels_of("udpnotif_subscription_terminated_total", "reason");
    EXPECT_EQ(terminated.count("none"), 1u);
    EXPECT_EQ(terminated.count("ietf-yang-push:update-too-big"), 1u);
    const auto notifications =
        labels_of("udpnotif_subscription_state_changes_total", "notification");
    EXPECT_EQ(notifications,
              (std::set<std::string>{"subscription-started", "subscription-modified",
                                     "subscription-terminated", "subscription-suspended",
                                     "subscription-resumed", "subscription-completed",
                                     "replay-completed"}));
}

TEST(PipelineMetrics, DropsAreMarkedOnLossOnly)
{
    const auto families = pipeline_families(numbered_stats());
    std::set<std::string> drops;
    for (const family& f : families) {
        for (const sample& s : f.samples) {
            if (s.drop) {
                std::string key = f.name;
                for (const label& l : s.labels) {
                    key += "{" + l.value + "}";
                }
                drops.insert(key);
            }
        }
    }
    EXPECT_EQ(drops.count("udpnotif_header_rejected_total{too_short}"), 1u);
    EXPECT_EQ(drops.count("udpnotif_reassembly_segments_total{too_large}"), 1u);
    EXPECT_EQ(drops.count("udpnotif_reassembly_segments_total{duplicate}"), 0u);
    EXPECT_EQ(drops.count("udpnotif_reassembly_segments_total{complete}"), 0u);
    EXPECT_EQ(drops.count("udpnotif_rx_queue_full_drops_total"), 1u);
    EXPECT_EQ(drops.count("udpnotif_rx_sink_refused_total"), 0u); // same messages, counted once
    EXPECT_EQ(drops.count("udpnotif_worker_processed_total{undecodable}"), 1u);
    EXPECT_EQ(drops.count("udpnotif_worker_processed_total{produced}"), 0u);
    EXPECT_EQ(drops.count("udpnotif_kafka_produce_dropped_total{queue_full}"), 1u);
    EXPECT_EQ(drops.count("udpnotif_kafka_produce_dropped_total{queued}"), 0u);
    EXPECT_EQ(drops.count("udpnotif_kafka_delivery_failed_total{timed_out}"), 1u);
    EXPECT_EQ(drops.count("udpnotif_kafka_delivery_failed_by_class_total{fatal}"), 0u);
    EXPECT_EQ(drops.count("udpnotif_socket_kernel_drops_total"), 1u);
}

TEST(PipelineMetrics, NoThreadsStillRendersEveryFamily)
{
    const auto parsed = parse(render(pipeline_families(thread_stats{})));
    ASSERT_EQ(parsed.error, "");
    const parsed_family* bytes = parsed.family("udpnotif_rx_bytes_total");
    ASSERT_NE(bytes, nullptr);
    ASSERT_EQ(bytes->samples.size(), 1u);
    EXPECT_EQ(bytes->samples[0].value, 0);
    const parsed_family* depth = parsed.family("udpnotif_worker_queue_depth");
    ASSERT_NE(depth, nullptr);
    EXPECT_TRUE(depth->samples.empty());
    EXPECT_EQ(parsed.families.size(),
              parse(render(pipeline_families(numbered_stats()))).families.size());
}

TEST(PipelineHealth, AFatalProducerMakesItUnhealthy)
{
    thread_stats t;
    t.producers.resize(2);
    EXPECT_TRUE(pipeline_health(t).ok);
    t.producers[1].kafka.fatal = true;
    t.producers[1].kafka.last_error = -150;
    const health_status h = pipeline_health(t);
    EXPECT_FALSE(h.ok);
    EXPECT_NE(h.detail.find("producer 1"), std::string::npos) << h.detail;
    EXPECT_NE(h.detail.find("-150"), std::string::npos) << h.detail;
}

TEST(PipelineMetrics, LatencyIsOneCumulativeHistogramOverTheProducers)
{
    thread_stats t;
    t.producers.resize(2);
    t.producers[0].latency.record(50);        // first bucket (< 64 ns)
    t.producers[0].latency.record(3'000);     // 3 us
    t.producers[1].latency.record(3'100);
    t.producers[1].latency.record(2'000'000); // 2 ms
    const auto parsed = parse(render(pipeline_families(t)));
    ASSERT_EQ(parsed.error, "");
    const parsed_family* f = parsed.family("udpnotif_pipeline_latency_seconds");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->type, "histogram");
    double previous = 0;
    double previous_le = 0;
    std::size_t buckets = 0;
    double at_4us = -1, at_1ms = -1, at_inf = -1, count = -1, sum = -1;
    for (const auto& s : f->samples) {
        if (s.suffix == "_bucket") {
            ++buckets;
            const std::string& le = s.labels.at("le");
            EXPECT_GE(s.value, previous) << le << ": buckets must be cumulative";
            previous = s.value;
            if (le == "+Inf") {
                at_inf = s.value;
                continue;
            }
            const double bound = std::stod(le);
            EXPECT_GT(bound, previous_le);
            previous_le = bound;
            if (bound > 3.2e-6 && at_4us < 0) {
                at_4us = s.value; // first bound above both 3 us values
            }
            if (bound > 1e-3 && bound < 2e-3) {
                at_1ms = s.value;
            }
        } else if (s.suffix == "_count") {
            count = s.value;
        } else if (s.suffix == "_sum") {
            sum = s.value;
        }
    }
    EXPECT_GT(buckets, 20u);
    EXPECT_EQ(f->samples.front().labels.at("le"), "6.4e-08");
    EXPECT_EQ(f->samples.front().value, 1); // 50 ns
    EXPECT_EQ(at_4us, 3);
    EXPECT_EQ(at_1ms, 3); // 2 ms is above 1.05 ms
    EXPECT_EQ(at_inf, 4);
    EXPECT_EQ(count, 4);
    EXPECT_NEAR(sum, (50 + 3'000 + 3'100 + 2'000'000) * 1e-9, 1e-12);
}

} // namespace
} // namespace udpn::metrics
