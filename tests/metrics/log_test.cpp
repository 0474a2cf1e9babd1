#include "log/log.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace udpn::log {
namespace {

constexpr std::int64_t t0 = 1'738'324'800'123'456'789; // 2025-01-31T12:00:00.123Z

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        out.push_back(line);
    }
    return out;
}

/// Restores the default (stderr, info, text) after each test that reconfigures logging.
class LogOutput : public ::testing::Test {
  protected:
    void TearDown() override { configure(log_config{}); }
    std::ostringstream out;
};

TEST(LogFormat, JsonLineParsesAndKeepsEveryField)
{
    const std::vector<field> fields{
        {"port", 9464},
        {"total", std::uint64_t{18446744073709551615u}},
        {"delta", -3},
        {"ratio", 0.5},
        {"ok", true},
        {"where", "127.0.0.1:0"},
        {"nan", std::numeric_limits<double>::quiet_NaN()},
    };
    const std::string line = format_line(format::json, t0, level::warn, "metrics",
                                         "listening \"now\"\nsecond line", fields);
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    std::string_view s;
    ASSERT_EQ(doc["ts"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "2025-01-31T12:00:00.123Z");
    ASSERT_EQ(doc["level"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "warn");
    ASSERT_EQ(doc["component"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "metrics");
    ASSERT_EQ(doc["msg"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "listening \"now\"\nsecond line");
    simdjson::dom::object f;
    ASSERT_EQ(doc["fields"].get(f), simdjson::SUCCESS);
    int64_t i = 0;
    uint64_t u = 0;
    double d = 0;
    bool b = false;
    ASSERT_EQ(f["port"].get(i), simdjson::SUCCESS);
    EXPECT_EQ(i, 9464);
    ASSERT_EQ(f["total"].get(u), simdjson::SUCCESS);
    EXPECT_EQ(u, 18446744073709551615u);
    ASSERT_EQ(f["delta"].get(i), simdjson::SUCCESS);
    EXPECT_EQ(i, -3);
    ASSERT_EQ(f["ratio"].get(d), simdjson::SUCCESS);
    EXPECT_EQ(d, 0.5);
    ASSERT_EQ(f["ok"].get(b), simdjson::SUCCESS);
    EXPECT_TRUE(b);
    ASSERT_EQ(f["where"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "127.0.0.1:0");
    EXPECT_TRUE(f["nan"].is_null());
}

TEST(LogFormat, JsonEscapesControlCharactersAndBadUtf8)
{
    std::string raw = "tab\there \x01 bell\x07 back\\slash é ";
    raw.push_back(static_cast<char>(0xC3)); // truncated 2-byte sequence
    raw.append(" ");
    raw.push_back(static_cast<char>(0xED)); // UTF-16 surrogate, not UTF-8
    raw.push_back(static_cast<char>(0xA0));
    raw.push_back(static_cast<char>(0x80));
    const std::vector<field> fields{{"v", raw}};
    const std::string line = format_line(format::json, t0, level::info, "c\"omp", raw, fields);
    EXPECT_NE(line.find("\\u0001"), std::string::npos) << line;
    EXPECT_NE(line.find("\\u0007"), std::string::npos) << line;
    EXPECT_NE(line.find("\\t"), std::string::npos) << line;
    simdjson::dom::parser parser; // simdjson validates UTF-8: the line must be valid
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    std::string_view msg;
    ASSERT_EQ(doc["msg"].get(msg), simdjson::SUCCESS);
    EXPECT_EQ(
        msg,
        "tab\there \x01 bell\x07 back\\slash é \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    std::string_view comp;
    ASSERT_EQ(doc["component"].get(comp), simdjson::SUCCESS);
    EXPECT_EQ(comp, "c\"omp");
}

TEST(LogFormat, TextLineQuotesOnlyWhatNeedsIt)
{
    const std::vector<field> fields{
        {"rx_threads", 2},
        {"listen", "127.0.0.1:9464"},
        {"empty", ""},
        {"spaced", "a b"},
        {"quoted", "say \"hi\""},
        {"eq", "k=v"},
        {"ratio", 2.5},
        {"flag", false},
    };
    const std::string line =
        format_line(format::text, t0, level::info, "pipeline", "started\nnow", fields);
    EXPECT_EQ(line, "2025-01-31T12:00:00.123Z info pipeline started\\nnow rx_threads=2 "
                    "listen=127.0.0.1:9464 empty=\"\" spaced=\"a b\" quoted=\"say \\\"hi\\\"\" "
                    "eq=\"k=v\" ratio=2.5 flag=false");
}

TEST(LogFormat, ParsesLevelsAndFormats)
{
    level l = level::info;
    EXPECT_TRUE(parse_level("trace", l));
    EXPECT_EQ(l, level::trace);
    EXPECT_TRUE(parse_level("warning", l));
    EXPECT_EQ(l, level::warn);
    EXPECT_TRUE(parse_level("error", l));
    EXPECT_EQ(l, level::error);
    EXPECT_FALSE(parse_level("loud", l));
    EXPECT_EQ(l, level::error);
    format f = format::text;
    EXPECT_TRUE(parse_format("json", f));
    EXPECT_EQ(f, format::json);
    EXPECT_FALSE(parse_format("yaml", f));
    EXPECT_EQ(f, format::json);
}

TEST_F(LogOutput, WritesOneLinePerEventAboveTheLevel)
{
    configure({level::info, format::json}, out);
    EXPECT_FALSE(enabled(level::debug));
    EXPECT_TRUE(enabled(level::warn));
    debug("test", "hidden");
    info("test", "first", {{"n", 1}});
    error("test", "second \"quoted\"", {{"why", "a\nb"}});
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 2u) << out.str();
    simdjson::dom::parser parser;
    for (const std::string& line : lines) {
        simdjson::dom::element doc;
        ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    }
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(lines[1]).get(doc), simdjson::SUCCESS);
    std::string_view s;
    ASSERT_EQ(doc["level"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "error");
    ASSERT_EQ(doc["fields"]["why"].get(s), simdjson::SUCCESS);
    EXPECT_EQ(s, "a\nb");
}

TEST_F(LogOutput, TextFormatAndTraceLevel)
{
    configure({level::trace, format::text}, out);
    EXPECT_EQ(current_config().line_format, format::text);
    trace("x", "t");
    warn("x", "w", {{"k", "v"}});
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find(" trace x t"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find(" warn x w k=v"), std::string::npos) << lines[1];
}

} // namespace
} // namespace udpn::log
