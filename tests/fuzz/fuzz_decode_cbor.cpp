// fuzz_decode_cbor: yangpush::cbor_transcoder (media type 3, name-based RFC 9254 → RFC 7951,
// PROTOCOL.md §1, §3) on arbitrary payloads, then json_decoder on its output. Invariants:
// - a transcode either fails with a counted reason and an empty output, or produces
//   well-formed JSON (simdjson DOM) within max_output_bytes;
// - what it accepts is one well-formed CBOR map with nothing after it, as libcbor's own
//   item decoder (cbor_load, independent of the streaming callbacks the transcoder uses) reads it;
// - the JSON is an object json_decoder parses (it may still be no notification);
// - transcoding is deterministic (the transcoder keeps state between calls).
#include "fuzz_support.hpp"

#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/decoder.hpp"

#include <cbor.h>

using namespace udpn;
using namespace udpn::yangpush;

namespace {

cbor_transcoder_config small_limits()
{
    cbor_transcoder_config c;
    c.max_input_bytes = 1u << 20;
    c.max_output_bytes = 4u << 20;
    c.max_depth = 64;
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static cbor_transcoder transcoder(small_limits());
    static json_decoder decoder(16u << 20);
    static std::string json;
    const std::string_view cbor(reinterpret_cast<const char*>(data), size);

    const auto before = transcoder.stats();
    const auto r = transcoder.transcode(cbor, json);
    std::uint64_t failed = 0;
    for (std::size_t i = 0; i < n_cbor_transcode_errors; ++i) {
        failed += transcoder.stats().failed[i] - before.failed[i];
    }
    UDPN_FUZZ_CHECK(transcoder.stats().transcoded - before.transcoded + failed == 1,
                    "one outcome counted");
    if (!r.ok()) {
        UDPN_FUZZ_CHECK(json.empty(), "output empty after a failure");
        return 0;
    }
    const std::string first = json;
    UDPN_FUZZ_CHECK(r.value().data() == json.data() && r.value().size() == json.size(),
                    "result views the output string");
    UDPN_FUZZ_CHECK(json.size() <= small_limits().max_output_bytes, "output within its limit");
    UDPN_FUZZ_CHECK(fuzz::is_valid_json(json), "transcoded JSON is not valid JSON");
    UDPN_FUZZ_CHECK(json.front() == '{', "transcoded JSON is an object");

    // libcbor's item decoder agrees that the input is one map and nothing more.
    cbor_load_result load{};
    cbor_item_t* item = cbor_load(data, size, &load);
    UDPN_FUZZ_CHECK(item != nullptr && load.error.code == CBOR_ERR_NONE,
                    "accepted input is not well-formed CBOR for cbor_load");
    UDPN_FUZZ_CHECK(load.read == size, "accepted input has trailing octets");
    while (cbor_isa_tag(item)) { // tags around the root are unwrapped (and counted)
        cbor_item_t* inner = cbor_tag_item(item); // a new reference
        cbor_decref(&item);
        item = inner;
    }
    UDPN_FUZZ_CHECK(cbor_isa_map(item), "accepted input is not a map");
    cbor_decref(&item);

    const fuzz::padded_copy padded(json);
    const auto d = decoder.decode(padded.view());
    UDPN_FUZZ_CHECK(d.ok() || (d.error() != decode_error::invalid_json &&
                               d.error() != decode_error::not_an_object &&
                               d.error() != decode_error::trailing_content),
                    "transcoded JSON is not one object for the decoder");

    const auto again = transcoder.transcode(cbor, json);
    UDPN_FUZZ_CHECK(again.ok() && json == first, "deterministic");
    return 0;
}
