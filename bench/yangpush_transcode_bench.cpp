// XML (media type 2) and CBOR (media type 3) notifications to RFC 7951 JSON (STYLE.md §4.14):
//   BM_TranscodeXml/<form>/<bytes>   xml_transcoder (libyang against ../shared/yang); form 0 =
//                                    ietf-yp-notification envelope, 1 = NETCONF <notification>
//   BM_TranscodeCbor/<bytes>         cbor_transcoder (libcbor streaming decoder), envelope form
// Input: a push-update whose datastore-contents hold ietf-interfaces entries (name, type,
// oper-status, statistics with two 64-bit counters), grown to about 1 KB or 8 KB of payload.
// Each iteration transcodes one payload into one reused output string. bytes/s counts input
// octets; items/s notifications; allocs/item operator-new calls per transcode (present when built
// with the test alloc counter; libyang's own malloc calls, which dominate the XML case, are not
// seen by it). Checked before timing: the JSON text equals the expected text
// and json_decoder reads kind, id, hostname / eventTime from it.
// YANG modules: $UDPN_YANG_DIR, else the directory meson compiled in (../shared/yang).
#include "key/schema_context.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/xml_transcoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>
#include <cbor.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace udpn;
using namespace udpn::yangpush;

const key::schema_context& schema()
{
    static const key::schema_context ctx([] {
        const char* env = std::getenv("UDPN_YANG_DIR");
        return key::schema_config{{env ? env : UDPN_TRANSCODE_BENCH_YANG_DIR}, {}, true};
    }());
    return ctx;
}

constexpr std::uint64_t in_octets = 12345678901;
constexpr std::uint64_t out_octets = 98765432109;

std::string xml_document(int form, int n)
{
    std::string s =
        form == 0 ? R"(<envelope xmlns="urn:ietf:params:xml:ns:yang:ietf-yp-notification">)"
                    R"(<event-time>2026-03-01T10:00:00.12Z</event-time>)"
                    R"(<hostname>pe1.example.net</hostname>)"
                    R"(<sequence-number>1284</sequence-number><contents>)"
                  : R"(<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">)"
                    R"(<eventTime>2026-03-01T10:00:00.12Z</eventTime>)";
    s += R"(<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>)"
         R"(<datastore-contents><interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces")"
         R"( xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">)";
    for (int i = 0; i < n; ++i) {
        s += "<interface><name>eth" + std::to_string(i) +
             "</name><type>ianaift:ethernetCsmacd</type><oper-status>up</oper-status>"
             "<statistics><in-octets>" +
             std::to_string(in_octets) + "</in-octets><out-octets>" + std::to_string(out_octets) +
             "</out-octets></statistics></interface>";
    }
    s += "</interfaces></datastore-contents></push-update>";
    s += form == 0 ? "</contents></envelope>" : "</notification>";
    return s;
}

/// The JSON both transcoders must produce; \p quoted_counters: RFC 7951 strings for uint64
/// (libyang knows the type), numbers for CBOR (schema-free).
std::string expected_json(int form, int n, bool quoted_counters)
{
    const char* q = quoted_counters ? "\"" : "";
    std::string s =
        form == 0 ? R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
                    R"("hostname":"pe1.example.net","sequence-number":1284,"contents":{)"
                  : R"({"ietf-notification:notification":{"eventTime":"2026-03-01T10:00:00.12Z",)";
    s += R"("ietf-yang-push:push-update":{"id":1042,"datastore-contents":)"
         R"({"ietf-interfaces:interfaces":{"interface":[)";
    for (int i = 0; i < n; ++i) {
        s += i ? "," : "";
        s += R"({"name":"eth)" + std::to_string(i) +
             R"(","type":"iana-if-type:ethernetCsmacd","oper-status":"up",)"
             R"("statistics":{"in-octets":)" +
             q + std::to_string(in_octets) + q + R"(,"out-octets":)" + q +
             std::to_string(out_octets) + q + "}}";
    }
    s += "]}}}}";
    s += form == 0 ? "}}" : "}";
    return s;
}

/// The envelope form in name-based CBOR (RFC 9254), encoded with libcbor.
std::string cbor_document(int n)
{
    std::vector<unsigned char> b;
    unsigned char tmp[16];
    auto put = [&](std::size_t k) { b.insert(b.end(), tmp, tmp + k); };
    auto text = [&](std::string_view t) {
        put(cbor_encode_string_start(t.size(), tmp, sizeof tmp));
        b.insert(b.end(), t.begin(), t.end());
    };
    auto map = [&](std::size_t k) { put(cbor_encode_map_start(k, tmp, sizeof tmp)); };
    auto uint = [&](std::uint64_t v) { put(cbor_encode_uint(v, tmp, sizeof tmp)); };
    map(1);
    text("ietf-yp-notification:envelope");
    map(4);
    text("event-time");
    text("2026-03-01T10:00:00.12Z");
    text("hostname");
    text("pe1.example.net");
    text("sequence-number");
    uint(1284);
    text("contents");
    map(1);
    text("ietf-yang-push:push-update");
    map(2);
    text("id");
    uint(1042);
    text("datastore-contents");
    map(1);
    text("ietf-interfaces:interfaces");
    map(1);
    text("interface");
    put(cbor_encode_array_start(static_cast<std::size_t>(n), tmp, sizeof tmp));
    for (int i = 0; i < n; ++i) {
        map(4);
        text("name");
        text("eth" + std::to_string(i));
        text("type");
        text("iana-if-type:ethernetCsmacd");
        text("oper-status");
        text("up");
        text("statistics");
        map(2);
        text("in-octets");
        uint(in_octets);
        text("out-octets");
        uint(out_octets);
    }
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// json_decoder's reading of \p json (padded here) matches the input notification.
bool decodes_as_expected(const std::string& json, int form)
{
    std::string padded = json + std::string(required_padding, ' ');
    json_decoder dec;
    const auto v = dec.decode(std::string_view(padded.data(), json.size()));
    return v && v->kind == notification_kind::push_update && v->subscription_id == 1042 &&
           v->event_time == "2026-03-01T10:00:00.12Z" &&
           (form != 0 || (v->hostname == "pe1.example.net" && v->sequence_number == 1284));
}

template <typename Transcoder>
void run(benchmark::State& state, Transcoder& t, const std::string& payload,
         const std::string& expected, int form)
{
    std::string json;
    const auto r = t.transcode(payload, json);
    if (!r || json != expected || !decodes_as_expected(json, form)) {
        state.SkipWithError(r ? "JSON differs from the expected text"
                              : std::string(t.last_error_detail()).c_str());
        return;
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = udpn::test::allocations();
#endif
    for (auto _ : state) {
        auto v = t.transcode(payload, json);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * payload.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["payload_bytes"] = static_cast<double>(payload.size());
    state.counters["json_bytes"] = static_cast<double>(json.size());
#if UDPN_HAVE_ALLOC_COUNTER
    state.counters["allocs/item"] =
        benchmark::Counter(static_cast<double>(udpn::test::allocations() - allocs_before) /
                           static_cast<double>(state.iterations()));
#endif
}

/// Fewest interface entries for which \p document(n) is at least \p target octets.
template <typename Document> int interfaces_for(std::size_t target, Document document)
{
    int n = 1;
    while (document(n).size() < target) {
        ++n;
    }
    return n;
}

void BM_TranscodeXml(benchmark::State& state)
{
    const int form = static_cast<int>(state.range(0));
    const int n = interfaces_for(static_cast<std::size_t>(state.range(1)),
                                 [form](int k) { return xml_document(form, k); });
    xml_transcoder t(schema().native());
    run(state, t, xml_document(form, n), expected_json(form, n, true), form);
}

void BM_TranscodeCbor(benchmark::State& state)
{
    const int n = interfaces_for(static_cast<std::size_t>(state.range(0)), cbor_document);
    cbor_transcoder t;
    run(state, t, cbor_document(n), expected_json(0, n, false), 0);
}

BENCHMARK(BM_TranscodeXml)->ArgNames({"form", "bytes"})->ArgsProduct({{0, 1}, {1024, 8192}});
BENCHMARK(BM_TranscodeCbor)->ArgNames({"bytes"})->Arg(1024)->Arg(8192);

} // namespace

BENCHMARK_MAIN();
