// fuzz_decode_json: yangpush::json_decoder (PROTOCOL.md §3) on arbitrary payloads, then the
// subscription parser (§4) on the contents of state change notifications. Invariants:
// - a decoded document is well-formed JSON (checked with simdjson's DOM parser, which validates
//   every value): the envelope copies it, or its notification member, into Kafka records raw;
// - the views lie in the payload: `document` is the trimmed payload, `contents` a JSON object
//   inside it, `name` a `module:name` member name;
// - decode_counted() counts one outcome; decoding the same payload twice gives the same result;
// - subscription-started/-modified contents parse or fail with a counted reason; the merge of
//   a -modified into itself is valid JSON and parses the same way.
#include "fuzz_support.hpp"

#include "yangpush/decoder.hpp"
#include "yangpush/subscription_parser.hpp"

using namespace udpn;
using namespace udpn::yangpush;

namespace {

bool is_ws(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void check_subscription_contents(subscription_parser& sp, const notification_view& v)
{
    switch (v.kind) {
    case notification_kind::subscription_started:
    case notification_kind::subscription_modified: {
        const auto before = sp.stats();
        const auto info = sp.parse(v.contents);
        const auto& after = sp.stats();
        std::uint64_t failed_before = 0;
        std::uint64_t failed_after = 0;
        for (std::size_t i = 0; i < n_subscription_parse_errors; ++i) {
            failed_before += before.failed[i];
            failed_after += after.failed[i];
        }
        UDPN_FUZZ_CHECK((after.parsed - before.parsed) + (failed_after - failed_before) == 1,
                        "one parse outcome counted");
        if (info.ok()) {
            UDPN_FUZZ_CHECK(!v.has_subscription_id || info->id == v.subscription_id,
                            "decoder and subscription parser agree on the id");
            if (info->filter == filter_kind::subtree) {
                UDPN_FUZZ_CHECK(fuzz::is_valid_json(info->filter_text),
                                "subtree filter kept as valid JSON text");
            }
        }
        const auto merged = sp.merge_modified(v.contents, v.contents);
        if (merged.ok()) {
            UDPN_FUZZ_CHECK(fuzz::is_valid_json(merged.value()), "merge result is valid JSON");
            const auto again = sp.parse(merged.value());
            UDPN_FUZZ_CHECK(again.ok() == info.ok(), "merge of contents into itself parses alike");
            if (again.ok()) {
                UDPN_FUZZ_CHECK(again->id == info->id && again->filter == info->filter &&
                                    again->filter_text == info->filter_text &&
                                    again->target_value == info->target_value,
                                "merge of contents into itself keeps the subscription");
            }
        }
        (void)sp.read_members(v.contents);
        break;
    }
    case notification_kind::subscription_terminated:
    case notification_kind::subscription_suspended:
    case notification_kind::subscription_resumed:
    case notification_kind::subscription_completed:
    case notification_kind::replay_completed: {
        const auto r = sp.parse_reason(v.contents);
        if (r.ok() && r->has_id && v.has_subscription_id) {
            UDPN_FUZZ_CHECK(r->id == v.subscription_id, "reason parser agrees on the id");
        }
        break;
    }
    default: break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static json_decoder decoder(1u << 20);
    static subscription_parser sp(1u << 20);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const fuzz::padded_copy payload(text);

    const auto before = decoder.stats();
    const auto r = decoder.decode_counted(payload.view());
    std::uint64_t failed = 0;
    for (std::size_t i = 0; i < n_decode_errors; ++i) {
        failed += decoder.stats().failed[i] - before.failed[i];
    }
    UDPN_FUZZ_CHECK(decoder.stats().decoded - before.decoded + failed == 1, "one outcome counted");

    const auto again = decoder.decode(payload.view());
    UDPN_FUZZ_CHECK(again.ok() == r.ok(), "deterministic");
    if (!r.ok()) {
        UDPN_FUZZ_CHECK(again.error() == r.error(), "deterministic error");
        return 0;
    }
    const notification_view& v = again.value();
    const std::string_view in = payload.view();

    UDPN_FUZZ_CHECK(fuzz::is_valid_json(v.document), "decoded document is not valid JSON");
    UDPN_FUZZ_CHECK(fuzz::within(v.document, in), "document inside the payload");
    UDPN_FUZZ_CHECK(!v.document.empty() && !is_ws(v.document.front()) && !is_ws(v.document.back()),
                    "document trimmed");
    UDPN_FUZZ_CHECK(v.document.front() == '{' && v.document.back() == '}', "document an object");
    UDPN_FUZZ_CHECK(!v.contents.empty() && fuzz::within(v.contents, v.document),
                    "contents inside the document");
    UDPN_FUZZ_CHECK(v.contents.front() == '{' && v.contents.back() == '}', "contents an object");
    UDPN_FUZZ_CHECK(fuzz::is_valid_json(v.contents), "contents is not valid JSON");
    // A root or legacy-wrapper member is taken as the notification only when module-qualified;
    // inside an envelope's contents the (one) member is taken as sent.
    UDPN_FUZZ_CHECK(v.form == wrapper_form::envelope || v.form == wrapper_form::envelope_legacy ||
                        v.name.find(':') != std::string_view::npos,
                    "notification name qualified");

    check_subscription_contents(sp, v);
    return 0;
}
