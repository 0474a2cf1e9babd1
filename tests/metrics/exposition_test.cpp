#include "metrics/exposition.hpp"

#include "exposition_parser.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

namespace udpn::metrics {
namespace {

using testing::parse;

TEST(Exposition, WritesHelpTypeThenSamples)
{
    family f{"udpnotif_header_rejected_total",
             "Datagrams dropped, by reason.",
             metric_type::counter,
             {}};
    f.samples.push_back({{{"reason", "too_short"}}, std::uint64_t{3}});
    f.samples.push_back({{{"reason", "unsupported_version"}}, std::uint64_t{0}});
    family g{"udpnotif_worker_queue_depth", "Messages waiting.", metric_type::gauge, {}};
    g.samples.push_back({{{"thread", "0"}}, std::uint64_t{7}});
    const std::vector<family> families{f, g};
    const std::string text = render(families);
    EXPECT_EQ(text, "# HELP udpnotif_header_rejected_total Datagrams dropped, by reason.\n"
                    "# TYPE udpnotif_header_rejected_total counter\n"
                    "udpnotif_header_rejected_total{reason=\"too_short\"} 3\n"
                    "udpnotif_header_rejected_total{reason=\"unsupported_version\"} 0\n"
                    "# HELP udpnotif_worker_queue_depth Messages waiting.\n"
                    "# TYPE udpnotif_worker_queue_depth gauge\n"
                    "udpnotif_worker_queue_depth{thread=\"0\"} 7\n");
    const auto parsed = parse(text);
    ASSERT_EQ(parsed.error, "");
    ASSERT_EQ(parsed.families.size(), 2u);
    EXPECT_EQ(parsed.families[0].samples.size(), 2u);
}

TEST(Exposition, EscapesLabelValuesAndHelp)
{
    const std::string nasty = "a\\b\"c\nd}e,f=g";
    family f{"x_info", "help with \\ backslash\nand newline", metric_type::gauge, {}};
    f.samples.push_back({{{"v", nasty}, {"w", ""}}, std::uint64_t{1}});
    const std::vector<family> families{f};
    const std::string text = render(families);
    EXPECT_NE(text.find("# HELP x_info help with \\\\ backslash\\nand newline\n"),
              std::string::npos);
    EXPECT_NE(text.find("x_info{v=\"a\\\\b\\\"c\\nd}e,f=g\",w=\"\"} 1\n"), std::string::npos);
    const auto parsed = parse(text);
    ASSERT_EQ(parsed.error, "");
    ASSERT_EQ(parsed.families.size(), 1u);
    EXPECT_EQ(parsed.families[0].help, "help with \\ backslash\nand newline");
    ASSERT_EQ(parsed.families[0].samples.size(), 1u);
    EXPECT_EQ(parsed.families[0].samples[0].labels.at("v"), nasty);
    EXPECT_EQ(parsed.families[0].samples[0].labels.at("w"), "");
}

TEST(Exposition, NumbersAreExactIntegersOrShortestReals)
{
    const auto text_of = [](const number& n) {
        std::string s;
        append_number(s, n);
        return s;
    };
    EXPECT_EQ(text_of(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
    EXPECT_EQ(text_of(std::int64_t{-42}), "-42");
    EXPECT_EQ(text_of(0.25), "0.25");
    EXPECT_EQ(text_of(1700000000.5), "1700000000.5");
    EXPECT_EQ(text_of(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(text_of(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(text_of(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(Exposition, ValidNames)
{
    EXPECT_TRUE(valid_metric_name("udpnotif_rx_datagrams_total"));
    EXPECT_TRUE(valid_metric_name("a:b_c9"));
    EXPECT_TRUE(valid_metric_name("_x"));
    EXPECT_FALSE(valid_metric_name(""));
    EXPECT_FALSE(valid_metric_name("9lives"));
    EXPECT_FALSE(valid_metric_name("with-dash"));
    EXPECT_FALSE(valid_metric_name("with space"));
    EXPECT_TRUE(valid_label_name("reason"));
    EXPECT_TRUE(valid_label_name("_r2"));
    EXPECT_FALSE(valid_label_name("__reserved"));
    EXPECT_FALSE(valid_label_name("a:b"));
    EXPECT_FALSE(valid_label_name("1a"));
    EXPECT_FALSE(valid_label_name(""));
}

TEST(ExpositionError, RefusesAFamilyWrittenTwice)
{
    exposition_writer w;
    w.begin("x_total", "x", metric_type::counter);
    EXPECT_THROW(w.begin("x_total", "x", metric_type::counter), std::logic_error);
}

TEST(ExpositionError, RefusesBadNamesAndCountersWithoutTotal)
{
    exposition_writer w;
    EXPECT_THROW(w.begin("bad-name", "x", metric_type::gauge), std::logic_error);
    EXPECT_THROW(w.begin("requests", "x", metric_type::counter), std::logic_error);
    EXPECT_THROW(w.add({}, std::uint64_t{1}), std::logic_error); // no family yet
}

TEST(ExpositionError, RefusesBadOrRepeatedLabels)
{
    exposition_writer w;
    w.begin("x", "x", metric_type::gauge);
    const std::vector<label> bad{{"__name__", "v"}};
    EXPECT_THROW(w.add(bad, std::uint64_t{1}), std::logic_error);
    const std::vector<label> twice{{"a", "1"}, {"a", "2"}};
    EXPECT_THROW(w.add(twice, std::uint64_t{1}), std::logic_error);
    const std::vector<label> ok{{"a", "1"}};
    w.add(ok, std::uint64_t{1});
    EXPECT_THROW(w.add(ok, std::uint64_t{2}), std::logic_error); // same label set again
}

TEST(ExpositionParser, CatchesWhatTheWriterMustNotProduce)
{
    // The checker must be able to fail: each text breaks one rule.
    EXPECT_NE(parse("x 1\n").error, "");                                        // no HELP/TYPE
    EXPECT_NE(parse("# HELP x h\nx 1\n").error, "");                            // no TYPE
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\nx{a=\"1\"} one\n").error, ""); // value
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\nx{a=1} 1\n").error, "");       // unquoted
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\nx 1\n# HELP x h\n# TYPE x gauge\n").error, "");
    EXPECT_NE(parse("# HELP x h\n# TYPE x counter\nx 1\n").error, "");          // no _total
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n").error, ""); // bad escape
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\nx 1\nx 2\n").error, "");       // same labels
    EXPECT_NE(parse("# HELP x h\n# TYPE x gauge\ny 1\n").error, "");            // other name
    EXPECT_EQ(parse("# HELP x h\n# TYPE x gauge\nx{a=\"1\",b=\"2\"} +Inf\n").error, "");
}

} // namespace
} // namespace udpn::metrics
