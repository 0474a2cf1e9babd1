// fuzz_decode_xml: yangpush::xml_transcoder (media type 2, PROTOCOL.md §1, §3) on arbitrary
// payloads, against the YANG modules of ../shared/yang (or $UDPN_YANG_DIR) loaded in a
// key::schema_context, then json_decoder on its output. Invariants:
// - a transcode either fails with a counted reason and an empty output, or produces
//   well-formed JSON (simdjson DOM) within max_output_bytes;
// - that JSON decodes with json_decoder (the worker feeds it there);
// - an `internal` failure is never caused by the input alone;
// - transcoding is deterministic (the transcoder keeps state between calls).
#include "fuzz_support.hpp"

#include "key/schema_context.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/xml_transcoder.hpp"

using namespace udpn;
using namespace udpn::yangpush;

namespace {

const key::schema_context& schema()
{
    static const key::schema_context s(key::schema_config{{fuzz::yang_dir()}, {}, true});
    return s;
}

xml_transcoder_config small_limits()
{
    xml_transcoder_config c;
    c.max_input_bytes = 1u << 20;
    c.max_output_bytes = 4u << 20;
    c.max_depth = 64;
    c.max_namespace_bindings = 64;
    return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static xml_transcoder transcoder(schema().native(), small_limits());
    static json_decoder decoder(8u << 20);
    static std::string json;
    const std::string_view xml(reinterpret_cast<const char*>(data), size);

    const auto before = transcoder.stats();
    const auto r = transcoder.transcode(xml, json);
    std::uint64_t failed = 0;
    for (std::size_t i = 0; i < n_xml_transcode_errors; ++i) {
        failed += transcoder.stats().failed[i] - before.failed[i];
    }
    UDPN_FUZZ_CHECK(transcoder.stats().transcoded - before.transcoded + failed == 1,
                    "one outcome counted");
    if (!r.ok()) {
        UDPN_FUZZ_CHECK(json.empty(), "output empty after a failure");
        UDPN_FUZZ_CHECK(r.error() != xml_transcode_error::internal,
                        "internal error on input alone");
        return 0;
    }
    const std::string first = json;
    UDPN_FUZZ_CHECK(r.value().data() == json.data() && r.value().size() == json.size(),
                    "result views the output string");
    UDPN_FUZZ_CHECK(json.size() <= small_limits().max_output_bytes, "output within its limit");
    UDPN_FUZZ_CHECK(fuzz::is_valid_json(json), "transcoded JSON is not valid JSON");

    const fuzz::padded_copy padded(json);
    const auto d = decoder.decode(padded.view());
    UDPN_FUZZ_CHECK(d.ok(), "transcoded JSON does not decode");

    const auto again = transcoder.transcode(xml, json);
    UDPN_FUZZ_CHECK(again.ok() && json == first, "deterministic");
    return 0;
}
