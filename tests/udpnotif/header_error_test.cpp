// Every rejection rule of PROTOCOL.md §2 step 1 and §11.5/§11.6, one case each, with its counter.
#include "udpnotif/header.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::udpnotif;

namespace {
struct error_case {
    const char* name;
    std::vector<std::uint8_t> datagram;
    parse_error expected;
};

std::vector<error_case> cases()
{
    return {
        {"empty", {}, parse_error::too_short},
        {"eleven_octets", {0x21, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0}, parse_error::too_short},
        {"version2", {0x41, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::unsupported_version},
        {"version0", {0x01, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::unsupported_version},
        {"version7", {0xe1, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::unsupported_version},
        {"hlen11", {0x21, 11, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::header_len_too_small},
        {"hlen0", {0x21, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::header_len_too_small},
        {"hlen_over_mlen", {0x21, 16, 0, 14, 0, 0, 0, 1, 0, 0, 0, 1, 1, 4, 0, 0},
         parse_error::header_len_exceeds_message},
        {"mlen_over_dgram", {0x21, 12, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 'a'},
         parse_error::message_len_exceeds_datagram},
        {"mlen_below_12", {0x21, 12, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1},
         parse_error::header_len_exceeds_message},
        {"mt0", {0x20, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::reserved_media_type},
        {"mt4", {0x24, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::unassigned_media_type},
        {"private", {0x31, 12, 0, 12, 0, 0, 0, 1, 0, 0, 0, 1}, parse_error::private_media_type},
        {"option_one_octet", {0x21, 13, 0, 13, 0, 0, 0, 1, 0, 0, 0, 1, 0x01},
         parse_error::option_truncated},
        {"option_len0", {0x21, 14, 0, 14, 0, 0, 0, 1, 0, 0, 0, 1, 0x05, 0x00},
         parse_error::option_length_too_small},
        {"option_len1", {0x21, 14, 0, 14, 0, 0, 0, 1, 0, 0, 0, 1, 0x05, 0x01},
         parse_error::option_length_too_small},
        {"option_overrun", {0x21, 16, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0x01, 0x06, 0, 0, 0, 0, 0, 0},
         parse_error::option_overrun},
        {"seg_len6", {0x21, 18, 0, 18, 0, 0, 0, 1, 0, 0, 0, 1, 0x01, 0x06, 0, 0, 0, 0},
         parse_error::segmentation_option_bad_length},
        {"seg_len2", {0x21, 14, 0, 14, 0, 0, 0, 1, 0, 0, 0, 1, 0x01, 0x02},
         parse_error::segmentation_option_bad_length},
        {"two_seg_options", {0x21, 20, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 1, 4, 0, 0, 1, 4, 0, 2},
         parse_error::duplicate_segmentation_option},
    };
}
} // namespace

TEST(UdpnotifHeaderError, EachMalformedDatagramIsRejectedWithItsOwnReason)
{
    parse_stats stats;
    std::set<parse_error> seen;
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.name);
        const auto r = parse_counted(c.datagram, {}, stats);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error(), c.expected) << to_string(r.error());
        seen.insert(c.expected);
    }
    EXPECT_EQ(seen.size(), n_parse_errors) << "every reason code is exercised";
    EXPECT_EQ(stats.accepted, 0u);
    EXPECT_EQ(stats.rejected_total(), cases().size());
    EXPECT_EQ(stats.rejected[static_cast<std::size_t>(parse_error::too_short)], 2u);
    EXPECT_EQ(stats.rejected[static_cast<std::size_t>(parse_error::unsupported_version)], 3u);
}

TEST(UdpnotifHeaderError, ReasonNamesAreDistinctAndSnakeCase)
{
    std::set<std::string> names;
    for (std::size_t i = 0; i < n_parse_errors; ++i) {
        const std::string n = to_string(static_cast<parse_error>(i));
        EXPECT_NE(n, "unknown");
        EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos);
        names.insert(n);
    }
    EXPECT_EQ(names.size(), n_parse_errors);
}

TEST(UdpnotifHeaderError, EveryTruncationOfAValidSegmentIsRejectedNotRead)
{
    // A valid segmented datagram cut at every length: never a crash, never an accept of a prefix
    // shorter than Message Length.
    const std::vector<std::uint8_t> d = {0x21, 0x13, 0, 0x18, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01,
                                         0x04, 0x00, 0x02, 0x09, 0x03, 'q', 'a', 'b', 'c', 'd', 'e'};
    ASSERT_TRUE(parse(d).ok());
    for (std::size_t n = 0; n < d.size(); ++n) {
        EXPECT_FALSE(parse(byte_span(d.data(), n)).ok()) << "length " << n;
    }
}
