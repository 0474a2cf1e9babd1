// Envelope writer throughput (STYLE.md §4.14): BM_Envelope_<profile>/<push-update octets>.
// Input: an `ietf-yp-notification:envelope` push-update of about 1 KB or 8 KB (interfaces list),
// decoded once by yangpush::json_decoder; full subscription metadata (periodic, xpath filter,
// module list), data-collection and network-node manifests, two labels. Each iteration writes
// one envelope into a reused std::string. bytes/s counts envelope octets written; items/s
// envelopes; allocs/item heap allocations per envelope (expected 0; present when built with the
// test alloc counter, UDPN_HAVE_ALLOC_COUNTER).
// The first envelope is checked before timing: parsed back with simdjson DOM, its payload must
// equal the input document and its metadata the inputs.
#include "envelope/telemetry_message.hpp"
#include "yangpush/decoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace udpn;
using envelope::profile;

/// A push-update in an envelope, at least \p target octets long.
std::string push_update(std::size_t target)
{
    std::string interfaces;
    for (int i = 0; interfaces.size() + 400 < target; ++i) {
        if (!interfaces.empty()) {
            interfaces += ',';
        }
        interfaces += R"({"name":"eth)" + std::to_string(i) +
                      R"(","type":"iana-if-type:ethernetCsmacd","oper-status":"up",)"
                      R"("statistics":{"in-octets":"12345678901","out-octets":"98765432109"}})";
    }
    return R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
           R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)"
           R"({"ietf-yang-push:push-update":{"id":1042,)"
           R"("ietf-yp-observation:timestamp":"2026-03-01T10:00:00.00Z",)"
           R"("ietf-yp-observation:point-in-time":"current-accounting",)"
           R"("datastore-contents":{"ietf-interfaces:interfaces":{"interface":[)" +
           interfaces + "]}}}}}}";
}

envelope::envelope_config config_for(profile p)
{
    envelope::envelope_config c;
    c.profile = p;
    c.data_collection_manifest = {"collector-a", "example",         std::nullopt, "0.1.0", "",
                                  "12",          "Debian GNU/Linux"};
    c.node_manifests.push_back({net::ip_address::parse("192.0.2.10"),
                                {"pe1", "ExampleVendor", 32473, "7.3.1", "", "", ""}});
    c.labels.push_back({"site", false, "zrh", 0});
    c.labels.push_back({"tenant", true, "", 42});
    return c;
}

envelope::subscription_metadata subscription()
{
    envelope::subscription_metadata s;
    s.id = 1042;
    s.filter = envelope::filter_kind::xpath;
    s.filter_text = "/ietf-interfaces:interfaces/interface";
    s.target = envelope::target_kind::datastore;
    s.target_value = "ietf-datastores:operational";
    s.transport = "ietf-udp-notif-transport:udp-notif";
    s.encoding = "encode-json";
    s.trigger = envelope::trigger_kind::periodic;
    s.period = 3000;
    s.modules = {{"ietf-interfaces", "2018-02-20", "1.0.0"}};
    s.yang_library_content_id = "41c3a2";
    return s;
}

/// The check before timing; returns an empty string when \p out is right.
std::string check(profile p, std::string_view out, std::string_view document)
{
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(out.data(), out.size()).get(doc)) {
        return "envelope is not JSON";
    }
    simdjson::dom::element message;
    if (doc["ietf-telemetry-message:message"].get(message)) {
        return "no ietf-telemetry-message:message root";
    }
    simdjson::dom::element payload;
    if (message["payload"].get(payload)) {
        return "no payload";
    }
    simdjson::dom::parser reference;
    if (simdjson::minify(payload) !=
        simdjson::minify(reference.parse(std::string(document)).value())) {
        return "payload differs from the input document";
    }
    const char* address_path = p == profile::latest ? "/telemetry-message-metadata/export-address"
                                                    : "/data-collection-metadata/remote-address";
    std::string_view address;
    if (message.at_pointer(address_path).get(address) || address != "192.0.2.10") {
        return "export address wrong";
    }
    std::uint64_t id = 0;
    if (message
            .at_pointer("/telemetry-message-metadata/"
                        "ietf-yang-push-telemetry-message:yang-push-subscription/id")
            .get(id) ||
        id != 1042) {
        return "subscription id wrong";
    }
    std::string_view encoding;
    if (message
            .at_pointer("/telemetry-message-metadata/"
                        "ietf-yang-push-telemetry-message:yang-push-subscription/encoding")
            .get(encoding) ||
        encoding != "ietf-subscribed-notifications:encode-json") {
        return "encoding not qualified";
    }
    return {};
}

void bm_envelope(benchmark::State& state, profile p)
{
    const std::string document = push_update(static_cast<std::size_t>(state.range(0)));
    std::string padded = document + std::string(yangpush::required_padding, ' ');
    yangpush::json_decoder decoder(1u << 20);
    auto decoded = decoder.decode(std::string_view(padded.data(), document.size()));
    if (!decoded) {
        state.SkipWithError("input does not decode");
        return;
    }
    const envelope::subscription_metadata sub = subscription();
    envelope::message_input in;
    in.notification = decoded.value();
    in.exporter = {net::ip_address::parse("192.0.2.10"), 50123};
    in.collector = {net::ip_address::parse("198.51.100.5"), 10003};
    in.collection_time_ns = 1772359200LL * 1'000'000'000LL + 150'000'000LL;
    in.subscription = &sub;

    envelope::envelope_writer writer(config_for(p));
    std::string out;
    if (!writer.write(in, out).ok()) {
        state.SkipWithError("write failed");
        return;
    }
    if (const std::string problem = check(p, out, document); !problem.empty()) {
        state.SkipWithError(problem.c_str());
        return;
    }

    std::uint64_t bytes = 0;
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocations_before = test::allocations();
#endif
    for (auto _ : state) {
        in.collection_time_ns += 1000;
        auto r = writer.write(in, out);
        benchmark::DoNotOptimize(out.data());
        bytes += r.ok() ? r.value() : 0;
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t n_allocations = test::allocations() - allocations_before;
    state.counters["allocs/item"] =
        benchmark::Counter(static_cast<double>(n_allocations), benchmark::Counter::kAvgIterations);
#endif
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["input_bytes"] = static_cast<double>(document.size());
    state.counters["envelope_bytes"] = static_cast<double>(out.size());
}

void BM_Envelope_seed(benchmark::State& state)
{
    bm_envelope(state, profile::seed);
}
void BM_Envelope_latest(benchmark::State& state)
{
    bm_envelope(state, profile::latest);
}

BENCHMARK(BM_Envelope_seed)->Arg(1024)->Arg(8192);
BENCHMARK(BM_Envelope_latest)->Arg(1024)->Arg(8192);

} // namespace

BENCHMARK_MAIN();
