// BM_Worker_<profile>/<bytes>: one worker stage end to end (DESIGN.md §2) per message:
// decode (simdjson) → subscription table lookup + envelope sequence accounting → topic + key
// (PROTOCOL.md §7, §8) → ietf-telemetry-message envelope (§5) → record to a sink that only
// counts. The message is a push-update in the `ietf-yp-notification:envelope` form of about
// <bytes> octets (ietf-interfaces entries) for a subscription that is known (subscription-started
// was processed first: periodic, xpath /ietf-interfaces:interfaces/interface), topic
// distribution.
//   seed    `hostname LF datastore LF yang-index` key, netana topic, tm@2025-04-17 envelope
//   latest  ietf-02 key with one instance xpath per interface, ietf-02 topic, tm@2026-07-19
// Items = messages; bytes = payload octets. The output (topic, key, envelope) is checked once
// before timing; allocs_per_msg counts global operator new calls in the timed loop (when
// tests/support's counter is linked). YANG modules: $UDPN_YANG_DIR, else the directory meson
// compiled in (../shared/yang).
#include "worker/stage.hpp"
#include "yangpush/decoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

using namespace udpn;

namespace {

const key::schema_context& schema()
{
    static const key::schema_context ctx([] {
        const char* env = std::getenv("UDPN_YANG_DIR");
        return key::schema_config{{env ? env : UDPN_WORKER_BENCH_YANG_DIR}, {}, true};
    }());
    return ctx;
}

constexpr std::string_view started =
    R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00.12Z",)"
    R"( "hostname": "router-nyc-01", "sequence-number": 1, "contents": {)"
    R"("ietf-subscribed-notifications:subscription-started": {"id": 1042,)"
    R"( "ietf-yang-push:datastore": "ietf-datastores:operational",)"
    R"( "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",)"
    R"( "transport": "ietf-udp-notif-transport:udp-notif", "encoding": "encode-json",)"
    R"( "ietf-yang-push:periodic": {"period": 3000},)"
    R"( "ietf-yang-push-revision:module-version": [{"name": "ietf-interfaces", "revision": "2018-02-20"}]}}}})";

/// An envelope-form push-update of at least \p min_bytes octets; \p n_interfaces gets the
/// number of interface entries.
std::string push_update(std::size_t min_bytes, int& n_interfaces)
{
    const std::string head =
        R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:01.12Z",)"
        R"( "hostname": "router-nyc-01", "sequence-number": 2, "contents": {)"
        R"("ietf-yang-push:push-update": {"id": 1042,)"
        R"( "ietf-yp-observation:timestamp": "2026-03-01T10:00:01.00Z",)"
        R"( "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)";
    const std::string tail = "]}}}}}}";
    std::string body;
    n_interfaces = 0;
    while (head.size() + body.size() + tail.size() < min_bytes) {
        body += n_interfaces ? ", " : "";
        body += R"({"name": "eth)" + std::to_string(n_interfaces) +
                R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up", "statistics":)"
                R"( {"in-octets": "123456789", "out-octets": "987654321", "in-errors": 0}})";
        ++n_interfaces;
    }
    return head + body + tail;
}

class counting_sink final : public worker::record_sink {
  public:
    void on_record(const worker::record& r) noexcept override
    {
        ++n_records;
        value_bytes += r.value.size();
        last = r;
    }
    std::uint64_t n_records = 0;
    std::uint64_t value_bytes = 0;
    worker::record last;
};

worker::message message_of(std::string& padded, std::string_view payload)
{
    padded.assign(payload);
    padded.append(yangpush::required_padding, '\0');
    worker::message m;
    m.payload = std::string_view(padded.data(), payload.size());
    m.exporter = {net::ip_address::parse("192.0.2.10"), 50123};
    m.collector = {net::ip_address::parse("198.51.100.5"), 10003};
    m.publisher_id = 1;
    m.media_type = 1;
    m.collection_time_ns = 1'772'359'201'150'000'000;
    return m;
}

void run(benchmark::State& state, key::profile p, std::string_view want_topic,
         std::string_view want_key_prefix)
{
    worker::worker_config cfg;
    cfg.key.standards_profile = p;
    cfg.key.distribution = key::topic_distribution::topic;
    cfg.envelope.profile =
        p == key::profile::seed ? envelope::profile::seed : envelope::profile::latest;
    cfg.schema.search_dirs = {UDPN_WORKER_BENCH_YANG_DIR};
    worker::stage st(cfg, schema());
    counting_sink sink;

    std::string started_buf;
    if (st.process(message_of(started_buf, started), sink) != worker::process_status::produced) {
        state.SkipWithError("subscription-started was not produced");
        return;
    }
    int n_interfaces = 0;
    const std::string doc = push_update(static_cast<std::size_t>(state.range(0)), n_interfaces);
    std::string padded;
    const worker::message m = message_of(padded, doc);

    // Check the output once: topic, key, envelope with the subscription metadata.
    if (st.process(m, sink) != worker::process_status::produced) {
        state.SkipWithError("the push-update was not produced");
        return;
    }
    const std::string topic(sink.last.topic);
    const std::string key(sink.last.key);
    const std::string value(sink.last.value);
    const std::string last_instance =
        "/ietf-interfaces:interfaces/interface[name='eth" + std::to_string(n_interfaces - 1) + "']";
    // latest: one instance xpath per interface (sorted, so look the last one up anywhere).
    std::size_t n_bars = 0;
    for (std::size_t at = key.find(" | "); at != std::string::npos; at = key.find(" | ", at + 3)) {
        ++n_bars;
    }
    const bool key_ok = key.starts_with(want_key_prefix) &&
                        (p == key::profile::seed ||
                         (key.find(last_instance) != std::string::npos &&
                          n_bars + 1 == static_cast<std::size_t>(n_interfaces)));
    if (topic != want_topic || !sink.last.has_key || !key_ok ||
        value.find("yang-push-subscription\":{\"id\":1042") == std::string::npos ||
        value.find("\"ietf-telemetry-message:message\":{") == std::string::npos ||
        value.find("eth" + std::to_string(n_interfaces - 1)) == std::string::npos) {
        state.SkipWithError(("unexpected output: topic " + topic + ", key " + key).c_str());
        return;
    }
    // Warm up to the steady state.
    for (int i = 0; i < 16; ++i) {
        (void)st.process(m, sink);
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = test::allocations();
#endif
    for (auto _ : state) {
        benchmark::DoNotOptimize(st.process(m, sink));
    }
#if UDPN_HAVE_ALLOC_COUNTER
    // Read before touching state.counters (its map allocates).
    const std::uint64_t allocs = test::allocations() - allocs_before;
    state.counters["allocs_per_msg"] =
        static_cast<double>(allocs) / static_cast<double>(state.iterations());
#endif
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(doc.size()));
    state.counters["payload_bytes"] = static_cast<double>(doc.size());
    state.counters["envelope_bytes"] = static_cast<double>(value.size());
    state.counters["key_bytes"] = static_cast<double>(key.size());
}

void BM_Worker_seed(benchmark::State& state)
{
    run(state, key::profile::seed, "statistics.yang.ietf-interfaces.interfaces_interface",
        "router-nyc-01\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name");
}

void BM_Worker_latest(benchmark::State& state)
{
    run(state, key::profile::latest, "if-interfaces-interface",
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']");
}

} // namespace

BENCHMARK(BM_Worker_seed)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Worker_latest)->Arg(1024)->Arg(8192);

BENCHMARK_MAIN();
