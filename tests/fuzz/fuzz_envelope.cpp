// fuzz_envelope: the worker stage (DESIGN.md §2: decode → subscription table → topic + key →
// ietf-telemetry-message envelope → record) on arbitrary payloads, with the YANG modules of
// ../shared/yang (or $UDPN_YANG_DIR).
//
// Input: octet 0 = knobs, then messages separated by "\n@@\n"; the first octet of each message
// picks its header fields, the rest is its payload:
//   knobs:   bit 0 profile latest (else seed); bit 1 dead-letter topic; bit 2 distribution
//            `topic` (else `subject`); bit 3 key disabled
//   message: bits 0-1 media type (0, 1 JSON; 2 XML; 3 CBOR: '1' '2' '3' in ASCII);
//            bit 2 S flag (private); bit 3 second exporter (an IPv6 one)
// A fresh stage per input, so an input replays alone.
// Invariants:
// - every telemetry record's value is well-formed JSON (simdjson DOM), one object; its topic
//   is a legal Kafka topic (PROTOCOL.md §8.3); its key fits key_config::max_key_bytes;
// - a dead letter carries the payload unchanged, with no key;
// - process() gives at most one record per message, counts one status per message, and
//   produces exactly when its status says so.
#include "fuzz_support.hpp"

#include "key/schema_context.hpp"
#include "key/topic.hpp"
#include "worker/stage.hpp"

#include <string>

using namespace udpn;

namespace {

const key::schema_context& schema()
{
    static const key::schema_context s(key::schema_config{{fuzz::yang_dir()}, {}, true});
    return s;
}

worker::worker_config config_for(std::uint8_t knobs)
{
    worker::worker_config c;
    const bool latest = (knobs & 1) != 0;
    c.key.standards_profile = latest ? key::profile::latest : key::profile::seed;
    c.envelope.profile = latest ? envelope::profile::latest : envelope::profile::seed;
    c.key.distribution =
        (knobs & 4) != 0 ? key::topic_distribution::topic : key::topic_distribution::subject;
    c.key.key_enabled = (knobs & 8) == 0;
    c.key.max_key_bytes = 8192;
    if ((knobs & 2) != 0) {
        c.dead_letter_topic = "udpn-dead-letters";
    }
    c.schema.search_dirs = {fuzz::yang_dir()};
    c.node_names.push_back({net::ip_address::parse("192.0.2.10"), "router-nyc-01"});
    // Small tables and buffers: a stage is built per input (so an input replays alone), and
    // the defaults (4096 subscriptions, 16 MiB payloads) would make that the whole cost.
    c.max_payload_bytes = 256u << 10;
    c.subscriptions.max_subscriptions = 16;
    c.subscriptions.max_sequence_streams = 16;
    c.subscriptions.max_contents_bytes = 64u << 10;
    c.envelope.max_output_bytes = 1u << 20;
    c.key.max_instances = 256;
    return c;
}

/// Checks every record as it arrives (views die at the next process()).
class checking_sink final : public worker::record_sink {
  public:
    checking_sink(const worker::worker_config& cfg) : _cfg(cfg) {}

    void on_record(const worker::record& r) noexcept override
    {
        ++records;
        UDPN_FUZZ_CHECK(key::is_legal_topic(r.topic), "record topic is a legal Kafka topic");
        if (r.kind == worker::record_kind::dead_letter) {
            UDPN_FUZZ_CHECK(r.value == payload, "a dead letter carries the payload unchanged");
            UDPN_FUZZ_CHECK(!r.has_key, "a dead letter has no key");
            return;
        }
        UDPN_FUZZ_CHECK(fuzz::is_valid_json(r.value), "envelope record value is not valid JSON");
        UDPN_FUZZ_CHECK(!r.value.empty() && r.value.front() == '{', "envelope is an object");
        UDPN_FUZZ_CHECK(!r.has_key || r.key.size() <= _cfg.key.max_key_bytes, "key size");
        UDPN_FUZZ_CHECK(!r.has_key || _cfg.key.key_enabled, "key while keys are disabled");
    }

    std::string_view payload;
    std::size_t records = 0;

  private:
    const worker::worker_config& _cfg;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const worker::worker_config cfg = config_for(in.u8());
    worker::stage st(cfg, schema());
    checking_sink sink(cfg);

    std::string buf;
    std::uint32_t message_id = 0;
    for (const std::string_view chunk : fuzz::split(in.rest(), "\n@@\n", 64)) {
        const std::uint8_t h = chunk.empty() ? 0 : static_cast<std::uint8_t>(chunk.front());
        const std::string_view body = chunk.empty() ? chunk : chunk.substr(1);
        // Padded as reassembled buffers are (worker::message), with garbage, not zeros.
        buf.assign(body);
        buf.append(yangpush::required_padding, '}');
        worker::message m;
        m.payload = std::string_view(buf.data(), body.size());
        const bool second = (h & 8) != 0;
        m.exporter = {net::ip_address::parse(second ? "2001:db8::10" : "192.0.2.10"), 50123};
        m.collector = {net::ip_address::parse("198.51.100.5"), 10003};
        m.publisher_id = second ? 2 : 1;
        m.message_id = ++message_id;
        m.media_type = (h & 3) == 0 ? 1 : static_cast<std::uint8_t>(h & 3);
        m.s_flag = (h & 4) != 0;
        m.collection_time_ns = 1'772'359'200'150'000'000; // 2026-03-01T10:00:00.15Z

        sink.payload = m.payload;
        const std::size_t records_before = sink.records;
        const auto before = st.stats();
        const worker::process_status s = st.process(m, sink);
        const auto& after = st.stats();
        UDPN_FUZZ_CHECK(after.messages == before.messages + 1, "one message counted");
        UDPN_FUZZ_CHECK(after.of(s) == before.of(s) + 1, "its status counted");
        const std::size_t produced = sink.records - records_before;
        const bool should = s == worker::process_status::produced ||
                            s == worker::process_status::produced_fallback ||
                            s == worker::process_status::dead_lettered;
        UDPN_FUZZ_CHECK(produced == (should ? 1u : 0u), "one record exactly when produced");
    }
    return 0;
}
