// JSON notification decoding (STYLE.md §4.14): BM_DecodeJson/<form>/<payload octets>.
// Input: a push-update of about 1 KB, 8 KB or 64 KB (an interfaces list with statistics) in the
// notification envelope (form 0) or the legacy ietf-notification wrapper (form 1), padded as
// reassembled messages are. Each iteration decodes one payload with one reused json_decoder.
// bytes/s counts payload octets; items/s notifications; allocs/item heap allocations per
// decode (expected 0 after warm-up; present when built with the test alloc counter).
// Checked before timing: kind, form, subscription id, hostname and the exact contents slice.
#include "yangpush/decoder.hpp"

#if UDPN_HAVE_ALLOC_COUNTER
#include "alloc_counter.hpp"
#endif

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace udpn::yangpush;

std::string contents(std::size_t target)
{
    std::string interfaces;
    for (int i = 0; interfaces.size() + 200 < target; ++i) {
        if (!interfaces.empty()) {
            interfaces += ',';
        }
        interfaces += R"({"name":"eth)" + std::to_string(i) +
                      R"(","type":"iana-if-type:ethernetCsmacd","oper-status":"up",)"
                      R"("statistics":{"in-octets":"12345678901","out-octets":"98765432109"}})";
    }
    return R"({"id":1042,"datastore-contents":{"ietf-interfaces:interfaces":{"interface":[)" +
           interfaces + "]}}}";
}

std::string document(int form, const std::string& value)
{
    if (form == 0) {
        return R"({"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:00.12Z",)"
               R"("hostname":"pe1.example.net","sequence-number":1284,"contents":)"
               R"({"ietf-yang-push:push-update":)" + value + "}}}";
    }
    return R"({"ietf-notification:notification":{"eventTime":"2026-03-01T10:00:00.12Z",)"
           R"("ietf-yang-push:push-update":)" + value + "}}";
}

void BM_DecodeJson(benchmark::State& state)
{
    const int form = static_cast<int>(state.range(0));
    const std::string value = contents(static_cast<std::size_t>(state.range(1)));
    const std::string doc = document(form, value);
    std::string padded = doc + std::string(required_padding, '\0');
    const std::string_view payload(padded.data(), doc.size());

    json_decoder dec;
    const auto r = dec.decode(payload);
    if (!r || r->kind != notification_kind::push_update || r->subscription_id != 1042 ||
        r->contents != value ||
        r->form != (form == 0 ? wrapper_form::envelope : wrapper_form::ietf_notification) ||
        (form == 0 && r->hostname != "pe1.example.net")) {
        state.SkipWithError("decoded view differs from the input");
        return;
    }
#if UDPN_HAVE_ALLOC_COUNTER
    const std::uint64_t allocs_before = udpn::test::allocations();
#endif
    for (auto _ : state) {
        auto v = dec.decode(payload);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * doc.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
#if UDPN_HAVE_ALLOC_COUNTER
    state.counters["allocs/item"] = benchmark::Counter(
        static_cast<double>(udpn::test::allocations() - allocs_before) /
        static_cast<double>(state.iterations()));
#endif
}

BENCHMARK(BM_DecodeJson)
    ->ArgNames({"form", "bytes"})
    ->ArgsProduct({{0, 1}, {1024, 8192, 65536}});

} // namespace

BENCHMARK_MAIN();
