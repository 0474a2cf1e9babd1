// fuzz_header: udpnotif::parse() on arbitrary datagrams, with the default and the permissive
// parse_config. Invariants:
// - an accepted header is consistent with the datagram (PROTOCOL.md §1, §2 step 1): 12 <=
//   Header Len <= Message Length <= datagram size; options = octets 12..Header Len; payload =
//   octets Header Len..Message Length; trailing = the rest; the media type rules of §1 / §11.6;
//   the segmentation fields decode octets 2-3 of the segmentation TLV (§1.1);
// - the options walk (for_each_option) visits exactly the TLVs parse() validated;
// - accept/reject agrees with an independent reading of §2 step 1 written here;
// - parse_counted() counts exactly one outcome;
// - the encoder's write_header() rebuilds the same header octets from the parsed fields.
#include "fuzz_support.hpp"

#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#include <cstring>
#include <vector>

using namespace udpn;
using namespace udpn::udpnotif;

namespace {

/// PROTOCOL.md §2 step 1, read again independently of header.cpp: true when the datagram is
/// acceptable under \p cfg.
bool reference_accepts(const std::uint8_t* d, std::size_t n, const parse_config& cfg)
{
    if (n < 12) {
        return false;
    }
    const unsigned ver = d[0] >> 5;
    const bool s = (d[0] & 0x10) != 0;
    const unsigned mt = d[0] & 0x0f;
    const std::size_t hlen = d[1];
    const std::size_t mlen = (std::size_t{d[2]} << 8) | d[3];
    if (ver != 1 && !(ver == 0 && cfg.accept_version0)) {
        return false;
    }
    if (hlen < 12 || hlen > mlen || mlen > n) {
        return false;
    }
    if (s ? !cfg.accept_private_media : (mt == 0 || (mt > 3 && !cfg.accept_unassigned_media))) {
        return false;
    }
    // §1.1 TLVs: Length counts Type and Length; segmentation (type 1) has Length 4, at most once.
    std::size_t off = 12;
    bool seen_seg = false;
    while (off < hlen) {
        if (hlen - off < 2) {
            return false;
        }
        const std::size_t len = d[off + 1];
        if (len < 2 || off + len > hlen) {
            return false;
        }
        if (d[off] == 1) {
            if (len != 4 || seen_seg) {
                return false;
            }
            seen_seg = true;
        }
        off += len;
    }
    return true;
}

void check_accepted(const std::uint8_t* data, std::size_t size, const header_view& h,
                    const parse_config& cfg)
{
    const byte_span dg(data, size);
    UDPN_FUZZ_CHECK(h.header_len >= fixed_header_len, "Header Len below 12 accepted");
    UDPN_FUZZ_CHECK(h.header_len <= h.message_len, "Header Len beyond Message Length");
    UDPN_FUZZ_CHECK(h.message_len <= size, "Message Length beyond the datagram");
    UDPN_FUZZ_CHECK(h.header_len == data[1], "Header Len not the wire value");
    UDPN_FUZZ_CHECK(h.message_len == load_be16(data + 2), "Message Length not the wire value");
    UDPN_FUZZ_CHECK(h.publisher_id == load_be32(data + 4), "Publisher ID not the wire value");
    UDPN_FUZZ_CHECK(h.message_id == load_be32(data + 8), "Message ID not the wire value");
    UDPN_FUZZ_CHECK(h.version == current_version || (h.version == 0 && cfg.accept_version0),
                    "version");
    if (h.s_flag) {
        UDPN_FUZZ_CHECK(cfg.accept_private_media, "private media type accepted");
    } else {
        UDPN_FUZZ_CHECK(h.media_type != 0, "reserved media type 0 accepted");
        UDPN_FUZZ_CHECK(h.media_type <= 3 || cfg.accept_unassigned_media, "unassigned MT accepted");
    }
    UDPN_FUZZ_CHECK(h.options.data() == data + fixed_header_len &&
                        h.options.size() == std::size_t{h.header_len} - fixed_header_len,
                    "options span");
    UDPN_FUZZ_CHECK(h.payload.data() == data + h.header_len &&
                        h.payload.size() == std::size_t{h.message_len} - h.header_len,
                    "payload span");
    UDPN_FUZZ_CHECK(h.trailing == size - h.message_len, "trailing count");
    UDPN_FUZZ_CHECK(h.payload.data() + h.payload.size() <= dg.data() + dg.size(), "payload inside");

    // The options walk sees the same TLVs: they tile the options exactly.
    std::size_t covered = 0;
    std::size_t others = 0;
    std::size_t seg_options = 0;
    std::size_t index = 0;
    bool seg_first = true;
    std::vector<std::uint8_t> other_tlvs;
    for_each_option(h.options, [&](std::uint8_t type, byte_span value) {
        UDPN_FUZZ_CHECK(value.data() == h.options.data() + covered + 2, "TLV value position");
        covered += value.size() + 2;
        if (type == option_segmentation) {
            ++seg_options;
            seg_first = index == 0;
            UDPN_FUZZ_CHECK(value.size() == 2, "segmentation TLV length");
            const std::uint16_t field = load_be16(value.data());
            UDPN_FUZZ_CHECK(h.segment_number == (field >> 1) &&
                                h.last_segment == ((field & 1) != 0),
                            "segmentation fields");
            UDPN_FUZZ_CHECK(h.segment_number <= max_segment_number, "segment number range");
        } else {
            ++others;
            other_tlvs.insert(other_tlvs.end(), value.data() - 2, value.data() + value.size());
        }
        ++index;
        return true;
    });
    UDPN_FUZZ_CHECK(covered == h.options.size(), "TLVs do not tile the options");
    UDPN_FUZZ_CHECK(others == h.n_other_options, "n_other_options");
    UDPN_FUZZ_CHECK(seg_options == (h.segmented ? 1u : 0u), "segmentation option count");
    UDPN_FUZZ_CHECK(!h.segmented || h.segmentation_not_first == !seg_first, "not-first flag");
    UDPN_FUZZ_CHECK(h.is_whole_message() ==
                        (!h.segmented || (h.segment_number == 0 && h.last_segment)),
                    "is_whole_message");

    // Round trip: the encoder writes the same header octets when the segmentation option (if
    // any) comes first, which is the only layout it produces.
    if (seg_first) {
        encode_params p;
        p.version = h.version;
        p.s_flag = h.s_flag;
        p.media_type = h.media_type;
        p.publisher_id = h.publisher_id;
        p.message_id = h.message_id;
        std::optional<segment_info> seg;
        if (h.segmented) {
            seg = segment_info{h.segment_number, h.last_segment};
        }
        std::uint8_t out[256];
        const std::size_t n = write_header(out, sizeof out, p, seg, other_tlvs, h.message_len);
        UDPN_FUZZ_CHECK(n == h.header_len, "write_header length");
        UDPN_FUZZ_CHECK(std::memcmp(out, data, n) == 0, "write_header octets");
    }
}

void run(const std::uint8_t* data, std::size_t size, const parse_config& cfg)
{
    const byte_span dg(data, size);
    const auto r = parse(dg, cfg);
    UDPN_FUZZ_CHECK(r.ok() == reference_accepts(data, size, cfg),
                    "parse() disagrees with the reference reading of §2 step 1");
    if (r.ok()) {
        check_accepted(data, size, r.value(), cfg);
    }
    parse_stats stats;
    const auto c = parse_counted(dg, cfg, stats);
    UDPN_FUZZ_CHECK(c.ok() == r.ok(), "parse_counted() differs from parse()");
    UDPN_FUZZ_CHECK(stats.accepted + stats.rejected_total() == 1, "exactly one outcome counted");
    if (!c.ok()) {
        UDPN_FUZZ_CHECK(c.error() == r.error(), "same rejection reason");
        UDPN_FUZZ_CHECK(stats.rejected[static_cast<std::size_t>(c.error())] == 1, "reason counted");
        UDPN_FUZZ_CHECK(std::string_view(to_string(c.error())) != "", "reason has a name");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // The exact-size copy makes any read past the datagram an ASan report.
    std::vector<std::uint8_t> copy(data, data + size);
    run(copy.data(), copy.size(), parse_config{});
    run(copy.data(), copy.size(), parse_config{true, true, true});
    return 0;
}
