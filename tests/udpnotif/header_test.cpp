#include "udpnotif/header.hpp"
#include "udpnotif/media_type.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace udpn;
using namespace udpn::udpnotif;

namespace {
std::vector<std::uint8_t> with_payload(std::vector<std::uint8_t> hdr, std::size_t n_payload,
                                       std::uint8_t fill = 'x')
{
    hdr.insert(hdr.end(), n_payload, fill);
    return hdr;
}
} // namespace

// PROTOCOL.md §1.3: draft example UDPN A.3, 218-octet JSON message, Publisher ID 2, Message ID 1563.
TEST(UdpnotifHeader, ParsesTheDraftExampleHeader)
{
    const auto dgram = with_payload({0x21, 0x0c, 0x00, 0xe6, 0, 0, 0, 2, 0, 0, 0x06, 0x1b}, 218);
    const auto r = parse(dgram);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->version, 1);
    EXPECT_FALSE(r->s_flag);
    EXPECT_EQ(r->media_type, static_cast<std::uint8_t>(media_type::json));
    EXPECT_EQ(r->header_len, 12);
    EXPECT_EQ(r->message_len, 230);
    EXPECT_EQ(r->publisher_id, 2u);
    EXPECT_EQ(r->message_id, 1563u);
    EXPECT_FALSE(r->segmented);
    EXPECT_TRUE(r->is_whole_message());
    EXPECT_EQ(r->payload.size(), 218u);
    EXPECT_EQ(r->payload.data(), dgram.data() + 12);
    EXPECT_EQ(r->trailing, 0u);
}

// PROTOCOL.md §2 worked example: Publisher ID 7, Message ID 42, 100 + 83 octets.
TEST(UdpnotifHeader, ParsesTheWorkedSegmentationExample)
{
    const auto seg0 = with_payload(
        {0x21, 0x10, 0x00, 0x74, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x00}, 100);
    const auto seg1 = with_payload(
        {0x21, 0x10, 0x00, 0x63, 0, 0, 0, 7, 0, 0, 0, 0x2a, 0x01, 0x04, 0x00, 0x03}, 83);
    const auto r0 = parse(seg0);
    const auto r1 = parse(seg1);
    ASSERT_TRUE(r0.ok());
    ASSERT_TRUE(r1.ok());
    EXPECT_TRUE(r0->segmented);
    EXPECT_EQ(r0->segment_number, 0);
    EXPECT_FALSE(r0->last_segment);
    EXPECT_FALSE(r0->is_whole_message());
    EXPECT_EQ(r0->payload.size(), 100u);
    EXPECT_TRUE(r1->segmented);
    EXPECT_EQ(r1->segment_number, 1);
    EXPECT_TRUE(r1->last_segment);
    EXPECT_EQ(r1->payload.size(), 83u);
    EXPECT_EQ(r1->publisher_id, 7u);
    EXPECT_EQ(r1->message_id, 42u);
}

TEST(UdpnotifHeader, SegmentZeroWithLastFlagIsAWholeMessage)
{
    const auto d = with_payload({0x21, 0x10, 0, 20, 0, 0, 0, 1, 0, 0, 0, 1, 0x01, 0x04, 0x00, 0x01}, 4);
    const auto r = parse(d);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->segmented);
    EXPECT_TRUE(r->is_whole_message());
}

TEST(UdpnotifHeader, DecodesFirstOctetFields)
{
    // §1: 0x23 = Ver 1 / S 0 / CBOR; 0x35 = Ver 1 / S 1 / private 5.
    const auto cbor = with_payload({0x23, 12, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0}, 1);
    ASSERT_TRUE(parse(cbor).ok());
    EXPECT_EQ(parse(cbor)->media_type, 3);

    const auto priv = with_payload({0x35, 12, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0}, 1);
    parse_config cfg;
    cfg.accept_private_media = true;
    const auto r = parse(priv, cfg);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->s_flag);
    EXPECT_EQ(r->media_type, 5);
}

TEST(UdpnotifHeader, UnknownOptionsAreSkippedAndKept)
{
    // Segmentation option, then an unknown type-9 option of 5 octets, then a private-encoding
    // option (type 2, removed in -19) of 2 octets.
    std::vector<std::uint8_t> d = {0x21, 23, 0, 0, 0, 0, 0, 1, 0, 0, 0, 5,
                                   0x01, 0x04, 0x00, 0x02, 0x09, 0x05, 'a', 'b', 'c', 0x02, 0x02};
    d.insert(d.end(), 10, 'p');
    d[3] = static_cast<std::uint8_t>(d.size());
    const auto r = parse(d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->n_other_options, 2);
    EXPECT_EQ(r->segment_number, 1);
    EXPECT_EQ(r->options.size(), 11u);
    EXPECT_EQ(r->payload.size(), 10u);
    std::vector<std::uint8_t> types;
    std::size_t value_octets = 0;
    for_each_option(r->options, [&](std::uint8_t type, byte_span value) {
        types.push_back(type);
        value_octets += value.size();
        return true;
    });
    EXPECT_EQ(types, (std::vector<std::uint8_t>{1, 9, 2}));
    EXPECT_EQ(value_octets, 2u + 3u + 0u);
}

TEST(UdpnotifHeader, SegmentationOptionNotFirstIsAcceptedAndFlagged)
{
    std::vector<std::uint8_t> d = {0x21, 18, 0, 22, 0, 0, 0, 1, 0, 0, 0, 5,
                                   0x07, 0x02, 0x01, 0x04, 0x00, 0x04};
    d.insert(d.end(), 4, 'p');
    parse_stats stats;
    const auto r = parse_counted(d, {}, stats);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->segmentation_not_first);
    EXPECT_EQ(r->segment_number, 2);
    EXPECT_EQ(stats.segmentation_option_not_first, 1u);
    EXPECT_EQ(stats.unknown_options, 1u);
}

TEST(UdpnotifHeader, TrailingOctetsAfterMessageLengthAreIgnoredAndCounted)
{
    // §11.2: Message Length shorter than the datagram: first message processed, rest counted.
    auto d = with_payload({0x21, 12, 0, 16, 0, 0, 0, 1, 0, 0, 0, 1}, 10);
    parse_stats stats;
    const auto r = parse_counted(d, {}, stats);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->payload.size(), 4u);
    EXPECT_EQ(r->trailing, 6u);
    EXPECT_EQ(stats.trailing_bytes, 1u);
    EXPECT_EQ(stats.accepted, 1u);
}

TEST(UdpnotifHeader, VersionZeroIsAcceptedOnlyWithTheLegacyKnob)
{
    const auto d = with_payload({0x01, 12, 0, 14, 0, 0, 0, 1, 0, 0, 0, 1}, 2);
    EXPECT_EQ(parse(d).error(), parse_error::unsupported_version);
    parse_config cfg;
    cfg.accept_version0 = true;
    ASSERT_TRUE(parse(d, cfg).ok());
    EXPECT_EQ(parse(d, cfg)->version, 0);
}

TEST(UdpnotifHeader, MaxFieldValuesRoundTrip)
{
    std::vector<std::uint8_t> d = {0x22, 16, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0x01, 0x04, 0xff, 0xff};
    d.insert(d.end(), 3, 'z');
    d[3] = static_cast<std::uint8_t>(d.size());
    const auto r = parse(d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->publisher_id, 0xffffffffu);
    EXPECT_EQ(r->message_id, 0xffffffffu);
    EXPECT_EQ(r->segment_number, max_segment_number);
    EXPECT_TRUE(r->last_segment);
}
