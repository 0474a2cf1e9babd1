// BM_Key_<profile>/<interfaces>: per-message Kafka topic + Message Key derivation once the
// subscription is resolved (PROTOCOL.md §7, §8): key_builder::derive() on a push-update whose
// datastore-contents hold <interfaces> entries of ietf-interfaces (name, type, oper-status,
// statistics), for a periodic subscription on /ietf-interfaces:interfaces/interface with topic
// distribution.
//   seed    `hostname LF datastore LF yang-index` (§11.12), netana topic (§8.1)
//   latest  ietf-02 key with Phase 3 instance extraction (§7.3), ietf-02 topic (§8.2)
// BM_Key_latest_leaf/<interfaces>: the same data for /ietf-interfaces:interfaces/interface/
// oper-status (the list entry is not the target: the walk reads each entry's members).
// BM_Key_latest_patch: a push-change-update with two YANG Patch edits (§11.14).
// BM_Key_murmur2: partition_for() of the 69-byte draft key (§10).
// Items = notifications (keys for murmur2); bytes = notification contents octets. Each case's
// output is checked once against the expected topic and key before timing; allocs_per_msg
// counts global operator new calls in the timed loop (when tests/support's counter is linked).
// YANG modules: $UDPN_YANG_DIR, else the directory meson compiled in (../shared/yang).
#include "key/key_builder.hpp"
#include "key/murmur2.hpp"
#include "key/resolver.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

using namespace udpn;
using namespace udpn::key;

namespace {

const schema_context& schema()
{
    static const schema_context ctx([] {
        const char* env = std::getenv("UDPN_YANG_DIR");
        return schema_config{{env ? env : UDPN_KEY_BENCH_YANG_DIR}, {}, true};
    }());
    return ctx;
}

std::string push_update(int n_interfaces)
{
    std::string s = R"({"id": 1042, "ietf-yp-observation:timestamp": "2026-03-01T10:00:00.00Z",)"
                    R"( "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)";
    for (int i = 0; i < n_interfaces; ++i) {
        s += i ? ", " : "";
        s += R"({"name": "eth)" + std::to_string(i) +
             R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up", "statistics":)"
             R"( {"in-octets": "123456789", "out-octets": "987654321", "in-errors": 0}})";
    }
    return s + "]}}}";
}

constexpr std::string_view patch_doc =
    R"({"id": 1042, "datastore-changes": {"yang-patch": {"patch-id": "p-17", "edit": [)"
    R"({"edit-id": "e1", "operation": "replace", "target": "/ietf-interfaces:interfaces/interface=eth0/oper-status",)"
    R"( "value": {"ietf-interfaces:oper-status": "down"}},)"
    R"({"edit-id": "e2", "operation": "delete", "target": "/ietf-interfaces:interfaces/interface=ge-0%2F0%2F1"}]}}})";

struct bench_case {
    key_config config;
    std::unique_ptr<resolver> res;
    resolved_subscription sub;
    std::unique_ptr<key_builder> builder;

    explicit bench_case(profile p,
                        std::string_view xpath = "/ietf-interfaces:interfaces/interface")
    {
        config.standards_profile = p;
        config.distribution = topic_distribution::topic;
        res = std::make_unique<resolver>(schema(), config);
        subscription_filter f;
        f.subscription_id = 1042;
        f.kind = filter_kind::xpath;
        f.text = std::string(xpath);
        f.datastore = "ietf-datastores:operational";
        f.trigger = update_trigger::periodic;
        auto r = res->resolve(f);
        if (r.ok()) {
            sub = std::move(r.value());
        }
        builder = std::make_unique<key_builder>(config);
    }
};

yangpush::notification_view view(yangpush::notification_kind kind, std::string_view name,
                                 std::string_view contents)
{
    yangpush::notification_view n;
    n.kind = kind;
    n.name = name;
    n.contents = contents;
    n.has_subscription_id = true;
    n.subscription_id = 1042;
    return n;
}

/// Times derive() on \p n after checking its output once.
void run(benchmark::State& state, bench_case& c, const yangpush::notification_view& n,
         std::string_view want_topic, std::string_view want_key_prefix,
         std::uint32_t want_instances)
{
    if (c.sub.mode != resolution::branches) {
        state.SkipWithError("the subscription did not resolve");
        return;
    }
    const record_key check = c.builder->derive(c.sub, "router-nyc-01", n);
    if (check.topic != want_topic || !check.key.starts_with(want_key_prefix) ||
        check.n_instances != want_instances) {
        state.SkipWithError(("unexpected output: topic " + std::string(check.topic) + ", key " +
                             std::string(check.key))
                                .c_str());
        return;
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = test::allocations();
#endif
    std::size_t key_bytes = 0;
    for (auto _ : state) {
        const record_key r = c.builder->derive(c.sub, "router-nyc-01", n);
        benchmark::DoNotOptimize(r.key.data());
        key_bytes += r.key.size();
    }
#if UDPN_HAVE_ALLOC_COUNTER
    // Read before touching state.counters (its map allocates).
    const std::uint64_t allocs = test::allocations() - allocs_before;
    state.counters["allocs_per_msg"] =
        static_cast<double>(allocs) / static_cast<double>(state.iterations());
#endif
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n.contents.size()));
    state.counters["key_bytes"] = static_cast<double>(check.key.size());
    benchmark::DoNotOptimize(key_bytes);
}

void BM_Key_seed(benchmark::State& state)
{
    bench_case c(profile::seed);
    const std::string doc = push_update(static_cast<int>(state.range(0)));
    run(state, c, view(yangpush::notification_kind::push_update, "ietf-yang-push:push-update", doc),
        "statistics.yang.ietf-interfaces.interfaces_interface",
        "router-nyc-01\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name", 0);
}

/// BM_Key_latest*: \p xpath over state.range(0) interfaces, one instance per interface.
void run_latest(benchmark::State& state, std::string_view xpath, std::string_view topic,
                std::string_view first_key)
{
    bench_case c(profile::latest, xpath);
    const int n = static_cast<int>(state.range(0));
    const std::string doc = push_update(n);
    run(state, c, view(yangpush::notification_kind::push_update, "ietf-yang-push:push-update", doc),
        topic, first_key, static_cast<std::uint32_t>(n));
}

void BM_Key_latest(benchmark::State& state)
{
    run_latest(state, "/ietf-interfaces:interfaces/interface", "if-interfaces-interface",
               "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']");
}

void BM_Key_latest_leaf(benchmark::State& state)
{
    // The list entry is not the branch target: the walk goes on into each entry's members.
    run_latest(state, "/ietf-interfaces:interfaces/interface/oper-status",
               "if-interfaces-interface-oper-status",
               "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']/oper-status");
}

void BM_Key_latest_patch(benchmark::State& state)
{
    bench_case c(profile::latest);
    run(state, c,
        view(yangpush::notification_kind::push_change_update, "ietf-yang-push:push-change-update",
             patch_doc),
        "if-interfaces-interface",
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0'] | "
        "/ietf-interfaces:interfaces/interface[name='ge-0/0/1']",
        2);
}

void BM_Key_murmur2(benchmark::State& state)
{
    const std::string key =
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']";
    if (partition_for(key, 12) != 2) { // §10 vector
        state.SkipWithError("partition_for() of the draft key is not 2");
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(partition_for(key, 12));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(key.size()));
}

} // namespace

BENCHMARK(BM_Key_seed)->Arg(1)->Arg(16);
BENCHMARK(BM_Key_latest)->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(BM_Key_latest_leaf)->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(BM_Key_latest_patch);
BENCHMARK(BM_Key_murmur2);

BENCHMARK_MAIN();
