#include "udpnotif/encoder.hpp"
#include "udpnotif/header.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

using namespace udpn;
using namespace udpn::udpnotif;

namespace {
std::vector<std::uint8_t> make_payload(std::size_t n)
{
    std::vector<std::uint8_t> p(n);
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = static_cast<std::uint8_t>(i * 31 + 7);
    }
    return p;
}
} // namespace

TEST(UdpnotifEncoder, ReproducesTheDraftExampleHeader)
{
    encode_params p;
    p.publisher_id = 2;
    p.message_id = 1563;
    const auto d = encode_message(p, make_payload(218));
    const std::vector<std::uint8_t> expected = {0x21, 0x0c, 0x00, 0xe6, 0, 0, 0, 2, 0, 0, 0x06, 0x1b};
    EXPECT_EQ(std::vector<std::uint8_t>(d.begin(), d.begin() + 12), expected);
}

TEST(UdpnotifEncoder, ReproducesTheWorkedSegmentationExample)
{
    encode_params p;
    p.publisher_id = 7;
    p.message_id = 42;
    // 100 octets of payload per segment: 116-octet segments.
    const auto segs = encode_segments(p, make_payload(183), 116);
    ASSERT_EQ(segs.size(), 2u);
    const std::vector<std::uint8_t> h0 = {0x21, 0x10, 0x00, 0x74, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x00};
    const std::vector<std::uint8_t> h1 = {0x21, 0x10, 0x00, 0x63, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x03};
    EXPECT_EQ(std::vector<std::uint8_t>(segs[0].begin(), segs[0].begin() + 16), h0);
    EXPECT_EQ(std::vector<std::uint8_t>(segs[1].begin(), segs[1].begin() + 16), h1);
}

TEST(UdpnotifEncoder, SegmentsParseBackToThePayload)
{
    encode_params p;
    p.media_type = 3;
    p.publisher_id = 99;
    p.message_id = 0xfffffffe;
    p.extra_options = {0x09, 0x04, 0xaa, 0xbb};
    for (const std::size_t size : {1u, 100u, 1471u, 1472u, 9000u, 65000u}) {
        for (const std::size_t mss : {64u, 1500u, 9000u}) {
            SCOPED_TRACE(testing::Message() << "size " << size << " mss " << mss);
            const auto payload = make_payload(size);
            const auto segs = encode_segments(p, payload, mss);
            std::vector<std::uint8_t> rebuilt;
            for (std::size_t i = 0; i < segs.size(); ++i) {
                EXPECT_LE(segs[i].size(), mss);
                const auto h = parse(segs[i]);
                ASSERT_TRUE(h.ok()) << to_string(h.error());
                EXPECT_EQ(h->media_type, 3);
                EXPECT_EQ(h->publisher_id, 99u);
                EXPECT_EQ(h->message_id, 0xfffffffeu);
                if (segs.size() == 1) {
                    EXPECT_FALSE(h->segmented);
                } else {
                    EXPECT_EQ(h->segment_number, i);
                    EXPECT_EQ(h->last_segment, i + 1 == segs.size());
                    EXPECT_EQ(h->n_other_options, i == 0 ? 1 : 0);
                }
                rebuilt.insert(rebuilt.end(), h->payload.begin(), h->payload.end());
            }
            EXPECT_EQ(rebuilt, payload);
        }
    }
}

TEST(UdpnotifEncoder, AlwaysSegmentGivesOneSegmentWithLastFlag)
{
    encode_params p;
    const auto segs = encode_segments(p, make_payload(10), 1500, true);
    ASSERT_EQ(segs.size(), 1u);
    const auto h = parse(segs[0]);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(h->segmented);
    EXPECT_TRUE(h->last_segment);
    EXPECT_TRUE(h->is_whole_message());
}

TEST(UdpnotifEncoder, RejectsImpossibleSegmentations)
{
    encode_params p;
    EXPECT_THROW((void)encode_segments(p, make_payload(100), 16), std::invalid_argument);
    // 17-octet segments carry 1 payload octet each: 40000 octets need 40000 > 32768 segments.
    EXPECT_THROW((void)encode_segments(p, make_payload(40000), 17), std::invalid_argument);
    EXPECT_THROW((void)encode_message(p, make_payload(70000)), std::invalid_argument);
}
