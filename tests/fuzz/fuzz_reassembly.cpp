// fuzz_reassembly: a sequence of segments derived from the input, fed to a small
// reassembly::table (PROTOCOL.md §2 steps 2-5).
//
// Input: 2 octets of configuration, then 4 octets per datagram:
//   c0  bits 0-1 max_total_bytes {512, 1024, 2048, 8192}; bit 2 padding 0 (else 64);
//       bit 3 key without source port; bits 4-5 max_pending {1, 2, 4, 8};
//       bits 6-7 finished_memory {0, 1, 4, 16}
//   c1  bits 0-4 max_segments_per_message - 1; bits 5-6 max_message_bytes {256, 1024, 4096,
//       65535}; bit 7 accept Ver 0 (unused: all datagrams are Ver 1)
//   d0  bits 0-1 exporter (4 addresses), bit 2 source port 40001 (else 40000), bits 3-5
//       Message ID 0..7, bit 6 L flag, bit 7 whole message (no segmentation option)
//   d1  segment number (0xff: 32767, the largest)
//   d2  payload length 4 + (bits 0-6) x (bit 7 ? 16 : 1)
//   d3  bits 0-6: clock advance x 16 ns (0x7f: expire() instead, 0x7e: clock steps back
//       500 ns); bit 7 media type 2 instead of 1 (S/MT mismatch within a set)
// Every payload starts with the datagram's index and segment number, then filler derived from
// the index, so a completed message can be checked against what was fed.
//
// Invariants:
// - stats().bytes_held <= max_total_bytes after every call, and the table's heap (measured
//   with the sanitizer allocator, when present) never exceeds its fixed part + max_total_bytes;
// - pending_messages <= max_pending_messages; verdict counters sum to the datagrams offered;
// - a whole message gets verdict::whole, a segment never does;
// - a completed message is the concatenation, by ascending segment number 0..n-1, of segments
//   of its key, each one a datagram that got verdict stored or complete, same media type, and
//   no datagram is part of two completed messages; it is followed by `padding` zero octets.
#include "fuzz_support.hpp"

#include "net/endpoint.hpp"
#include "reassembly/table.hpp"
#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#if __has_include(<sanitizer/allocator_interface.h>) && defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/allocator_interface.h>
#define UDPN_FUZZ_HEAP_BYTES() __sanitizer_get_current_allocated_bytes()
#endif
#endif

#include <array>
#include <cstring>
#include <vector>

using namespace udpn;
using namespace udpn::reassembly;

namespace {

constexpr std::size_t max_datagrams = 4096;
constexpr std::uint32_t publisher_id = 77;

struct fed {
    std::uint8_t exporter = 0;
    std::uint16_t port = 0;
    std::uint32_t message_id = 0;
    std::uint16_t seg = 0;
    std::uint16_t len = 0;
    std::uint8_t media_type = 0;
    verdict v = verdict::whole;
    bool used = false; ///< part of a completed message already
};

std::uint8_t filler(std::size_t index, std::size_t j) noexcept
{
    return static_cast<std::uint8_t>(index * 131u + j * 7u + 1u);
}

net::ip_address exporter_address(std::uint8_t e) noexcept
{
    return e == 3 ? net::ip_address::parse("2001:db8::7")
                  : net::ip_address::v4(0xc0000201u + e); // 192.0.2.1..3
}

/// Checks the message the table just completed against the datagrams fed so far.
void check_completed(const table& t, std::vector<fed>& log, bool key_port)
{
    const completed_message& m = t.completed();
    const reassembly_config& cfg = t.config();
    UDPN_FUZZ_CHECK(m.n_segments >= 1 && m.n_segments <= cfg.max_segments_per_message,
                    "segment count within the limit");
    UDPN_FUZZ_CHECK(m.payload.size() <= cfg.max_message_bytes, "message within max_message_bytes");
    UDPN_FUZZ_CHECK(m.publisher_id == publisher_id, "publisher id");
    std::size_t off = 0;
    for (std::uint32_t k = 0; k < m.n_segments; ++k) {
        UDPN_FUZZ_CHECK(m.payload.size() - off >= 4, "segment header inside the payload");
        const std::size_t index = load_be16(m.payload.data() + off);
        const std::uint16_t seg = load_be16(m.payload.data() + off + 2);
        UDPN_FUZZ_CHECK(index < log.size(), "segment from a datagram that was fed");
        fed& f = log[index];
        UDPN_FUZZ_CHECK(seg == k && f.seg == k, "segments in ascending order 0..n-1");
        UDPN_FUZZ_CHECK(f.v == verdict::stored || f.v == verdict::complete,
                        "only stored segments are part of a message");
        UDPN_FUZZ_CHECK(!f.used, "a datagram is part of two completed messages");
        f.used = true;
        UDPN_FUZZ_CHECK(f.message_id == m.message_id, "segment of another Message ID");
        UDPN_FUZZ_CHECK(exporter_address(f.exporter) == m.src.addr, "segment of another exporter");
        UDPN_FUZZ_CHECK(!key_port || f.port == m.src.port, "segment of another source port");
        UDPN_FUZZ_CHECK(f.media_type == m.media_type, "segment of another media type");
        UDPN_FUZZ_CHECK(m.payload.size() - off >= f.len, "segment inside the payload");
        for (std::size_t j = 4; j < f.len; ++j) {
            UDPN_FUZZ_CHECK(m.payload[off + j] == filler(index, j), "segment octets as fed");
        }
        off += f.len;
    }
    UDPN_FUZZ_CHECK(off == m.payload.size(), "nothing but the segments in the payload");
    for (std::size_t j = 0; j < cfg.padding; ++j) {
        UDPN_FUZZ_CHECK(m.payload.data()[m.payload.size() + j] == 0, "zero padding");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const std::uint8_t c0 = in.u8();
    const std::uint8_t c1 = in.u8();
    reassembly_config cfg;
    cfg.timeout_ns = 1000;
    cfg.max_total_bytes = std::array<std::size_t, 4>{512, 1024, 2048, 8192}[c0 & 3];
    cfg.padding = (c0 & 4) != 0 ? 0 : 64;
    cfg.key_includes_src_port = (c0 & 8) == 0;
    cfg.max_pending_messages = std::array<std::uint32_t, 4>{1, 2, 4, 8}[(c0 >> 4) & 3];
    cfg.finished_memory = std::array<std::uint32_t, 4>{0, 1, 4, 16}[(c0 >> 6) & 3];
    cfg.max_segments_per_message = 1u + (c1 & 31u);
    cfg.max_message_bytes = std::array<std::size_t, 4>{256, 1024, 4096, 65535}[(c1 >> 5) & 3];

    // Everything the checks need is allocated before the table's heap is measured.
    std::vector<fed> log;
    log.reserve(max_datagrams);
    std::array<std::uint8_t, 16 + 4 + 127 * 16> dg{};

#ifdef UDPN_FUZZ_HEAP_BYTES
    const std::size_t heap_before = UDPN_FUZZ_HEAP_BYTES();
#endif
    table t(cfg);
#ifdef UDPN_FUZZ_HEAP_BYTES
    const std::size_t heap_fixed = UDPN_FUZZ_HEAP_BYTES() - heap_before;
#endif
    const net::endpoint collector{net::ip_address::v4(0xc6336401u), 12345};
    std::uint64_t now = 5000;
    std::uint64_t offered = 0;

    auto check_bounds = [&] {
        const reassembly_stats& s = t.stats();
        UDPN_FUZZ_CHECK(s.bytes_held <= cfg.max_total_bytes, "bytes_held over max_total_bytes");
        UDPN_FUZZ_CHECK(s.pending_messages <= cfg.max_pending_messages, "too many pending");
        std::uint64_t sum = 0;
        for (const auto v : s.verdicts) {
            sum += v;
        }
        UDPN_FUZZ_CHECK(sum == offered, "one verdict per datagram");
#ifdef UDPN_FUZZ_HEAP_BYTES
        const std::size_t heap = UDPN_FUZZ_HEAP_BYTES() - heap_before;
        UDPN_FUZZ_CHECK(heap <= heap_fixed + cfg.max_total_bytes,
                        "table heap over its fixed part + max_total_bytes");
#endif
    };

    while (in.left() >= 4 && log.size() < max_datagrams) {
        const std::uint8_t d0 = in.u8();
        const std::uint8_t d1 = in.u8();
        const std::uint8_t d2 = in.u8();
        const std::uint8_t d3 = in.u8();

        const std::uint8_t tick = d3 & 0x7f;
        if (tick == 0x7f) {
            now += 600;
            t.expire(now);
            check_bounds();
            continue;
        }
        now = tick == 0x7e ? now - 500 : now + std::uint64_t{tick} * 16;

        fed f;
        f.exporter = d0 & 3;
        f.port = (d0 & 4) != 0 ? 40001 : 40000;
        f.message_id = (d0 >> 3) & 7u;
        f.seg = d1 == 0xff ? udpnotif::max_segment_number : d1;
        f.len = static_cast<std::uint16_t>(4 + (d2 & 0x7f) * ((d2 & 0x80) != 0 ? 16 : 1));
        f.media_type = (d3 & 0x80) != 0 ? 2 : 1;
        const bool whole = (d0 & 0x80) != 0;
        const bool last = (d0 & 0x40) != 0;
        const std::size_t index = log.size();

        udpnotif::encode_params p;
        p.media_type = f.media_type;
        p.publisher_id = publisher_id;
        p.message_id = f.message_id;
        std::optional<udpnotif::segment_info> seg;
        if (!whole) {
            seg = udpnotif::segment_info{f.seg, last};
        }
        const std::size_t hlen = udpnotif::fixed_header_len + (whole ? 0 : 4);
        const std::size_t total = hlen + f.len;
        UDPN_FUZZ_CHECK(udpnotif::write_header(dg.data(), dg.size(), p, seg, {},
                                               static_cast<std::uint16_t>(total)) == hlen,
                        "test datagram header");
        store_be16(dg.data() + hlen, static_cast<std::uint16_t>(index));
        store_be16(dg.data() + hlen + 2, f.seg);
        for (std::size_t j = 4; j < f.len; ++j) {
            dg[hlen + j] = filler(index, j);
        }
        const auto h = udpnotif::parse(byte_span(dg.data(), total));
        UDPN_FUZZ_CHECK(h.ok(), "test datagram parses");

        const net::endpoint src{exporter_address(f.exporter), f.port};
        f.v = t.accept(src, collector, h.value(), now);
        ++offered;
        log.push_back(f);
        UDPN_FUZZ_CHECK((f.v == verdict::whole) == h.value().is_whole_message(),
                        "verdict whole exactly for whole messages");
        if (f.v == verdict::complete) {
            check_completed(t, log, cfg.key_includes_src_port);
        }
        check_bounds();
    }
    t.expire_all();
    UDPN_FUZZ_CHECK(t.stats().pending_messages == 0, "expire_all() leaves nothing pending");
    check_bounds();
    return 0;
}
