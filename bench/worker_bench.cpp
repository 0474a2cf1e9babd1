// BM_Worker_<profile>/<bytes>: one worker stage end to end (DESIGN.md §2) per message:
// decode (simdjson) → subscription table lookup + envelope sequence accounting → topic + key
// (PROTOCOL.md §7, §8) → ietf-telemetry-message envelope (§5) → record to a sink that only
// counts. The message is a push-update in the `ietf-yp-notification:envelope` form of about
// <bytes> octets (ietf-interfaces entries) for a subscription that is known (subscription-started
// was processed first: periodic, xpath /ietf-interfaces:interfaces/interface), topic
// distribution.
//   seed    `hostname LF datastore LF yang-index` key, netana topic, tm@2025-04-17 envelope
//   latest  ietf-02 key with one instance xpath per interface, ietf-02 topic, tm@2026-07-19
// BM_Worker_<profile>_varied/<bytes>: the same with 256 documents in turn (counters, status,
// lengths and sequence numbers differ), not one document again and again.
// BM_Worker_pcapgen/<bytes>: udpnotif-pcapgen's push-updates (the socket and DPDK benchmarks'
// traffic), seed profile.
// Items = messages; bytes = payload octets (the mean, varied). The output (topic, key,
// envelope) of each document is checked once before timing; allocs_per_msg counts global
// operator new calls in the timed loop (when tests/support's counter is linked). YANG modules:
// $UDPN_YANG_DIR, else the directory meson compiled in (../shared/yang).
#include "pcapgen/traffic.hpp"
#include "udpnotif/header.hpp"
#include "worker/stage.hpp"
#include "yangpush/decoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

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
/// number of interface entries. Variant 0 is the reference document; any other has sequence
/// number 2 + variant and draws each entry's oper-status and counters from a generator seeded
/// by the variant, so that values, lengths and entry counts differ from one variant to the
/// next as in a router's stream.
std::string push_update(std::size_t min_bytes, int variant, int& n_interfaces)
{
    std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(variant);
    auto draw = [&x](std::uint64_t below) { // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x % below;
    };
    const std::string head =
        R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:01.12Z",)"
        R"( "hostname": "router-nyc-01", "sequence-number": )" + std::to_string(2 + variant) +
        R"(, "contents": {)"
        R"("ietf-yang-push:push-update": {"id": 1042,)"
        R"( "ietf-yp-observation:timestamp": "2026-03-01T10:00:01.00Z",)"
        R"( "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [)";
    const std::string tail = "]}}}}}}";
    std::string body;
    n_interfaces = 0;
    while (head.size() + body.size() + tail.size() < min_bytes) {
        const bool ref = variant == 0;
        body += n_interfaces ? ", " : "";
        body += R"({"name": "eth)" + std::to_string(n_interfaces) +
                R"(", "type": "iana-if-type:ethernetCsmacd", "oper-status": ")" +
                (ref || draw(4) != 0 ? "up" : "down") + R"(", "statistics": {"in-octets": ")" +
                (ref ? "123456789" : std::to_string(draw(100'000'000'000ull))) +
                R"(", "out-octets": ")" +
                (ref ? "987654321" : std::to_string(draw(10'000'000'000ull))) +
                R"(", "in-errors": )" + (ref ? "0" : std::to_string(draw(1000))) + "}}";
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

/// Times stage::process() on \p messages in turn (checked by the caller) and reports items,
/// bytes (\p payload_bytes is their payload octets in all: bytes/s by the mean), the mean
/// payload and allocations per message.
void time_messages(benchmark::State& state, worker::stage& st, worker::record_sink& sink,
                   const std::vector<worker::message>& messages, std::size_t payload_bytes)
{
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = test::allocations();
#endif
    std::size_t next = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(st.process(messages[next], sink));
        next = next + 1 == messages.size() ? 0 : next + 1;
    }
#if UDPN_HAVE_ALLOC_COUNTER
    // Read before touching state.counters (its map allocates).
    const std::uint64_t allocs = test::allocations() - allocs_before;
    state.counters["allocs_per_msg"] =
        static_cast<double>(allocs) / static_cast<double>(state.iterations());
#endif
    const double mean_payload = double(payload_bytes) / double(messages.size());
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<std::int64_t>(mean_payload * double(state.iterations())));
    state.counters["payload_bytes"] = mean_payload;
}

/// Why the record of a push-update with \p n_interfaces entries is not what it should be, or
/// empty: topic, key (latest: one instance xpath per interface, sorted, so the last one is
/// looked up anywhere), envelope with the subscription metadata and the last entry.
std::string check_record(const worker::record& r, key::profile p, std::string_view want_topic,
                         std::string_view want_key_prefix, int n_interfaces)
{
    const std::string last_instance =
        "/ietf-interfaces:interfaces/interface[name='eth" + std::to_string(n_interfaces - 1) + "']";
    std::size_t n_bars = 0;
    for (std::size_t at = r.key.find(" | "); at != std::string_view::npos;
         at = r.key.find(" | ", at + 3)) {
        ++n_bars;
    }
    const bool key_ok = r.key.starts_with(want_key_prefix) &&
                        (p == key::profile::seed ||
                         (r.key.find(last_instance) != std::string_view::npos &&
                          n_bars + 1 == static_cast<std::size_t>(n_interfaces)));
    if (r.topic != want_topic || !r.has_key || !key_ok ||
        r.value.find("yang-push-subscription\":{\"id\":1042") == std::string_view::npos ||
        r.value.find("\"ietf-telemetry-message:message\":{") == std::string_view::npos ||
        r.value.find("\"eth" + std::to_string(n_interfaces - 1) + "\"") ==
            std::string_view::npos) {
        return "unexpected output: topic " + std::string(r.topic) + ", key " + std::string(r.key);
    }
    return {};
}

/// Times stage::process() on \p n_variants push-updates of state.range(0) octets (variant 0
/// alone, or 0..n-1 in turn), each checked once before timing.
void run(benchmark::State& state, key::profile p, std::string_view want_topic,
         std::string_view want_key_prefix, int n_variants = 1)
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
    std::vector<std::string> padded(static_cast<std::size_t>(n_variants));
    std::vector<worker::message> messages;
    std::size_t payload_bytes = 0;
    for (int v = 0; v < n_variants; ++v) {
        int n_interfaces = 0;
        const std::string doc =
            push_update(static_cast<std::size_t>(state.range(0)), v, n_interfaces);
        messages.push_back(message_of(padded[static_cast<std::size_t>(v)], doc));
        payload_bytes += doc.size();
        if (st.process(messages.back(), sink) != worker::process_status::produced) {
            state.SkipWithError("the push-update was not produced");
            return;
        }
        if (const std::string why =
                check_record(sink.last, p, want_topic, want_key_prefix, n_interfaces);
            !why.empty()) {
            state.SkipWithError(why.c_str());
            return;
        }
    }
    const std::size_t key_size = sink.last.key.size();
    const std::size_t value_size = sink.last.value.size();
    // Warm up to the steady state.
    for (int i = 0; i < 16; ++i) {
        for (const worker::message& m : messages) {
            (void)st.process(m, sink);
        }
    }
    time_messages(state, st, sink, messages, payload_bytes);
    state.counters["envelope_bytes"] = static_cast<double>(value_size);
    state.counters["key_bytes"] = static_cast<double>(key_size);
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

/// 256 documents in turn: what the branch predictors and caches see of real traffic.
constexpr int n_varied = 256;

void BM_Worker_seed_varied(benchmark::State& state)
{
    run(state, key::profile::seed, "statistics.yang.ietf-interfaces.interfaces_interface",
        "router-nyc-01\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name",
        n_varied);
}

void BM_Worker_latest_varied(benchmark::State& state)
{
    run(state, key::profile::latest, "if-interfaces-interface",
        "router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']", n_varied);
}

/// BM_Worker_pcapgen/<bytes>: the push-updates udpnotif-pcapgen's traffic model makes (what
/// socket_load_bench and the DPDK replay send): 8 exporters, 250 push-updates each of about
/// <bytes> octets, each sent whole (IP fragmentation, not UDP-notif segments), the seed
/// profile, every message in turn after each exporter's subscription-started. Its interface
/// entries hold 25 members each (14 counters) where the documents above hold 7.
void BM_Worker_pcapgen(benchmark::State& state)
{
    pcapgen::traffic_config tc;
    tc.seed = 42;
    tc.n_exporters = 8;
    tc.messages_per_publisher = 1 + 250;
    tc.size_min = tc.size_max = static_cast<std::size_t>(state.range(0));
    tc.ip_fragment = true;
    const pcapgen::traffic t = pcapgen::generate_traffic(tc);

    worker::worker_config cfg;
    cfg.key.distribution = key::topic_distribution::topic; // as BM_Worker_seed
    cfg.schema.search_dirs = {UDPN_WORKER_BENCH_YANG_DIR};
    worker::stage st(cfg, schema());
    counting_sink sink;
    std::vector<std::string> padded(t.datagrams.size());
    std::vector<worker::message> subscriptions;
    std::vector<worker::message> updates;
    std::size_t payload_bytes = 0;
    for (std::size_t i = 0; i < t.datagrams.size(); ++i) {
        const pcapgen::datagram& d = t.datagrams[i];
        const auto hdr = udpnotif::parse(byte_span(d.payload.data(), d.payload.size()));
        if (!hdr || hdr->segmented) {
            state.SkipWithError("pcapgen gave a datagram that is not a whole message");
            return;
        }
        const std::string_view text(reinterpret_cast<const char*>(hdr->payload.data()),
                                    hdr->payload.size());
        worker::message m = message_of(padded[i], text);
        m.exporter = t.exporters[d.exporter].src;
        m.publisher_id = hdr->publisher_id;
        m.message_id = hdr->message_id;
        m.media_type = hdr->media_type;
        if (text.find("subscription-started") != std::string_view::npos) {
            subscriptions.push_back(m);
        } else {
            updates.push_back(m);
            payload_bytes += text.size();
        }
    }
    for (const worker::message& m : subscriptions) {
        if (st.process(m, sink) != worker::process_status::produced) {
            state.SkipWithError("a subscription-started was not produced");
            return;
        }
    }
    // Check every push-update once: produced, on the subscription's topic, keyed by hostname.
    for (const worker::message& m : updates) {
        if (st.process(m, sink) != worker::process_status::produced ||
            sink.last.topic != "statistics.yang.ietf-interfaces.interfaces_interface" ||
            !sink.last.has_key ||
            !sink.last.key.ends_with(
                "\nietf-datastores:operational\nietf-interfaces:interfaces/interface/name") ||
            sink.last.value.find("\"ietf-telemetry-message:message\":{") ==
                std::string_view::npos) {
            state.SkipWithError(("unexpected output: topic " + std::string(sink.last.topic) +
                                 ", key " + std::string(sink.last.key))
                                    .c_str());
            return;
        }
    }
    time_messages(state, st, sink, updates, payload_bytes);
}

} // namespace

BENCHMARK(BM_Worker_seed)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Worker_latest)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Worker_seed_varied)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Worker_latest_varied)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Worker_pcapgen)->Arg(1024)->Arg(8192);

BENCHMARK_MAIN();
