// subscription::table save() / load(): JSON-lines state file, atomic replace, bounded size,
// damaged files reported and ignored (DESIGN.md §3: subscription state survives a restart).
#include "fixtures.hpp"
#include "subscription/table.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::subscription;
using udpn::test::addr;
using udpn::test::notifications;
namespace fs = std::filesystem;

namespace {

const net::ip_address pe1 = addr("192.0.2.10");
const net::ip_address pe2 = addr("2001:db8::20");

/// A fresh directory under the temp dir, removed at the end of the test.
class temp_dir {
public:
    temp_dir()
    {
        std::string tmpl = (fs::temp_directory_path() / "udpn-subscription-XXXXXX").string();
        const char* made = ::mkdtemp(tmpl.data());
        EXPECT_NE(made, nullptr);
        _path = tmpl;
    }
    ~temp_dir()
    {
        std::error_code ec;
        fs::permissions(_path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(_path, ec);
    }
    [[nodiscard]] std::string file(const char* name) const { return (_path / name).string(); }
    [[nodiscard]] std::vector<std::string> entries() const
    {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(_path)) {
            out.push_back(e.path().filename().string());
        }
        return out;
    }
    [[nodiscard]] const fs::path& path() const { return _path; }

private:
    fs::path _path;
};

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

/// pe1: 1042 (modified), 2001 (suspended), 3 (stream); pe2: 1042. Least recently used first:
/// pe1/3, pe2/1042, pe1/1042, pe1/2001.
void populate(table& t)
{
    notifications n;
    t.apply(pe1, n.state("subscription-started", test::started_1042, "2026-03-01T09:00:00Z"), 10);
    t.apply(pe1, n.state("subscription-started", test::started_2001), 20);
    t.apply(pe1, n.state("subscription-started", test::started_3), 30);
    t.apply(pe2, n.state("subscription-started",
                         R"({"id": 1042, "stream": "NETCONF", "purpose": "line1\nline2 \"q\""})"),
            40);
    t.apply(pe1, n.state("subscription-modified", test::modified_1042), 50);
    t.apply(pe1, n.state("subscription-suspended", test::suspended_2001), 60);
    (void)t.find(pe2, 1042); // mark used
    (void)t.find(pe1, 1042);
    (void)t.find(pe1, 2001);
}

struct snapshot {
    net::ip_address exporter;
    std::uint32_t id;
    bool suspended;
    yangpush::subscription_reason reason;
    std::uint64_t updated_ms;
    std::string last_event_time;
    std::string contents;
    std::string filter_text;
    std::optional<std::uint32_t> period;
    std::string purpose;
    std::string transport;
    bool operator==(const snapshot&) const = default;
};

[[maybe_unused]] void PrintTo(const snapshot& s, std::ostream* os)
{
    *os << s.exporter.to_string() << "/" << s.id << " suspended=" << s.suspended << " reason="
        << static_cast<int>(s.reason) << " updated=" << s.updated_ms << " last=" << s.last_event_time
        << " filter=" << s.filter_text << " period=" << s.period.value_or(0) << " purpose=" << s.purpose
        << " transport=" << s.transport << " contents=" << s.contents;
}

std::vector<snapshot> snapshot_of(const table& t)
{
    std::vector<snapshot> out;
    t.for_each([&](const entry& s) {
        out.push_back({s.exporter, s.info.id, s.suspended, s.suspend_reason, s.updated_ms,
                       s.info.last_event_time, s.contents, s.info.filter_text, s.info.period,
                       s.info.purpose, s.info.transport});
    });
    return out;
}

} // namespace

TEST(SubscriptionStateFile, RoundTripsEverySubscription)
{
    temp_dir dir;
    const std::string path = dir.file("state.jsonl");
    table t;
    populate(t);
    const state_report saved = t.save(path);
    ASSERT_TRUE(saved.ok()) << saved.message;
    EXPECT_EQ(saved.records, 4u);
    EXPECT_EQ(t.stats().saves, 1u);

    const std::vector<std::string> lines = lines_of(read_file(path));
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0], R"({"format":"udpn-subscription-state","version":1,"records":4})");
    EXPECT_NE(lines[4].find(R"("exporter":"192.0.2.10","id":2001,"suspended":true,)"
                            R"("suspend-reason":"ietf-yang-push:update-too-big")"),
              std::string::npos)
        << lines[4];

    table u;
    const state_report loaded = u.load(path);
    ASSERT_TRUE(loaded.ok()) << loaded.message;
    EXPECT_EQ(loaded.records, 4u);
    EXPECT_EQ(loaded.skipped, 0u);
    EXPECT_EQ(u.stats().records_loaded, 4u);
    EXPECT_EQ(snapshot_of(u), snapshot_of(t)); // same content and same eviction order
    const entry* s = u.find(pe1, 1042);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->info.period, 6000u);
    EXPECT_EQ(s->info.last_event_time, "2026-03-01T09:00:00Z");
    EXPECT_EQ(s->info.modules.size(), 1u);
    EXPECT_EQ(s->info.publisher_ids, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(u.find(pe2, 1042)->info.purpose, "line1\nline2 \"q\"");
    EXPECT_TRUE(u.find(pe1, 2001)->suspended);
    // Loaded state behaves like applied state.
    notifications n;
    const auto r = u.apply(pe1, n.state("subscription-resumed", test::resumed_2001));
    EXPECT_EQ(r.kind, change_kind::resumed);
}

TEST(SubscriptionStateFile, SavesAnEmptyTable)
{
    temp_dir dir;
    const std::string path = dir.file("state.jsonl");
    table t;
    ASSERT_TRUE(t.save(path).ok());
    table u;
    const state_report r = u.load(path);
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.records, 0u);
}

TEST(SubscriptionStateFile, ReplacesTheFileAtomicallyAndLeavesNoTemporaryFile)
{
    temp_dir dir;
    const std::string path = dir.file("state.jsonl");
    table t;
    populate(t);
    ASSERT_TRUE(t.save(path).ok());
    ASSERT_TRUE(t.save(path).ok()); // over an existing file
    EXPECT_EQ(dir.entries(), (std::vector<std::string>{"state.jsonl"}));
    EXPECT_EQ(t.stats().saves, 2u);
}

TEST(SubscriptionStateFile, ReportsAnUnwritableDirectory)
{
    temp_dir dir;
    table t;
    populate(t);
    // A path below a regular file cannot be created, whoever runs the test.
    write_file(dir.file("plain"), "x");
    const std::string bad = dir.file("plain") + "/state.jsonl";
    const state_report r = t.save(bad);
    EXPECT_EQ(r.error, state_error::io_error);
    EXPECT_NE(r.message.find(bad), std::string::npos) << r.message;
    const state_report missing = t.save(dir.file("no-such-dir") + "/state.jsonl");
    EXPECT_EQ(missing.error, state_error::io_error);
    EXPECT_EQ(t.stats().save_failed, 2u);

    if (::geteuid() != 0) { // root ignores directory permissions
        const std::string path = dir.file("ro/state.jsonl");
        fs::create_directory(dir.file("ro"));
        ASSERT_TRUE(t.save(path).ok());
        const std::string before = read_file(path);
        fs::permissions(dir.file("ro"), fs::perms::owner_read | fs::perms::owner_exec);
        notifications n;
        t.apply(pe1, n.state("subscription-terminated", R"({"id": 3})"));
        EXPECT_EQ(t.save(path).error, state_error::io_error);
        EXPECT_EQ(read_file(path), before); // the previous state is untouched
        fs::permissions(dir.file("ro"), fs::perms::owner_all);
    }
    // Whatever failed, no temporary file is left behind.
    for (const auto& e : dir.entries()) {
        EXPECT_EQ(e.find(".tmp."), std::string::npos) << e;
    }
}

TEST(SubscriptionStateFile, RefusesToWriteOrReadOverTheSizeLimit)
{
    temp_dir dir;
    const std::string path = dir.file("state.jsonl");
    table_config c;
    c.max_state_file_bytes = 300;
    table t(c);
    populate(t);
    const state_report r = t.save(path);
    EXPECT_EQ(r.error, state_error::too_large);
    EXPECT_EQ(t.stats().save_too_large, 1u);
    EXPECT_TRUE(dir.entries().empty()); // nothing written, no temporary left

    table big;
    populate(big);
    ASSERT_TRUE(big.save(path).ok());
    const state_report l = t.load(path);
    EXPECT_EQ(l.error, state_error::too_large);
    EXPECT_EQ(t.stats().load_failed, 1u);
}

TEST(SubscriptionStateFile, ReportsMissingEmptyForeignAndWrongVersionFiles)
{
    temp_dir dir;
    table t;
    const state_report none = t.load(dir.file("absent.jsonl"));
    EXPECT_EQ(none.error, state_error::not_found);

    write_file(dir.file("empty"), "");
    EXPECT_EQ(t.load(dir.file("empty")).error, state_error::empty);

    write_file(dir.file("foreign"), "# not ours\n{\"a\":1}\n");
    const state_report foreign = t.load(dir.file("foreign"));
    EXPECT_EQ(foreign.error, state_error::bad_header);
    EXPECT_EQ(foreign.message.rfind(dir.file("foreign") + ":1: ", 0), 0u) << foreign.message;

    write_file(dir.file("other-json"), "{\"format\":\"something-else\",\"version\":1}\n");
    EXPECT_EQ(t.load(dir.file("other-json")).error, state_error::bad_header);

    table src;
    populate(src);
    ASSERT_TRUE(src.save(dir.file("v1")).ok());
    std::string text = read_file(dir.file("v1"));
    text.replace(text.find("\"version\":1"), 11, "\"version\":2");
    write_file(dir.file("v2"), text);
    const state_report v2 = t.load(dir.file("v2"));
    EXPECT_EQ(v2.error, state_error::wrong_version);
    EXPECT_NE(v2.message.find("version 2"), std::string::npos) << v2.message;

    EXPECT_EQ(t.load(dir.path().string()).error, state_error::io_error); // a directory
    EXPECT_EQ(t.size(), 0u); // nothing trusted from any of them
    EXPECT_EQ(t.stats().load_failed, 5u);
}

// Policy: each record line stands alone; a bad one is skipped and reported with its line.
TEST(SubscriptionStateFile, SkipsCorruptRecordsAndKeepsTheGoodOnes)
{
    temp_dir dir;
    table src;
    populate(src);
    const std::string path = dir.file("state.jsonl");
    ASSERT_TRUE(src.save(path).ok());
    std::vector<std::string> lines = lines_of(read_file(path));
    ASSERT_EQ(lines.size(), 5u);
    lines[2] = "{\"exporter\":\"192.0.2.10\",\"id\":3,\"suspended\":fal"; // garbage
    std::string text;
    for (const auto& l : lines) {
        text += l + "\n";
    }
    write_file(path, text);
    table t;
    const state_report r = t.load(path);
    EXPECT_EQ(r.error, state_error::corrupt_record);
    EXPECT_EQ(r.records, 3u);
    EXPECT_EQ(r.skipped, 1u);
    EXPECT_EQ(r.message.rfind(path + ":3: ", 0), 0u) << r.message;
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.stats().records_skipped, 1u);

    // Records that parse as JSON but not as a subscription are skipped too.
    const std::string header = R"({"format":"udpn-subscription-state","version":1,"records":5})";
    const std::string good = R"({"exporter":"192.0.2.1","id":7,"contents":{"id":7,"stream":"NETCONF"}})";
    write_file(path, header + "\n" +
                         R"({"exporter":"not-an-ip","id":7,"contents":{"id":7}})" "\n" +
                         R"({"exporter":"192.0.2.1","id":8,"contents":{"id":7}})" "\n" +
                         R"({"exporter":"192.0.2.1","id":9,"contents":{"id":9,"dscp":99}})" "\n" +
                         R"({"exporter":"192.0.2.1","id":9})" "\n" + good + "\n");
    table u;
    const state_report v = u.load(path);
    EXPECT_EQ(v.error, state_error::corrupt_record);
    EXPECT_EQ(v.records, 1u);
    EXPECT_EQ(v.skipped, 4u);
    EXPECT_EQ(v.message.rfind(path + ":2: ", 0), 0u) << v.message;
    EXPECT_NE(u.find(addr("192.0.2.1"), 7), nullptr);
}

TEST(SubscriptionStateFile, ReportsTruncationAndKeepsWhatCameBefore)
{
    temp_dir dir;
    table src;
    populate(src);
    const std::string path = dir.file("state.jsonl");
    ASSERT_TRUE(src.save(path).ok());
    const std::string whole = read_file(path);

    // Cut inside the last record: the unterminated line is not trusted even if it parsed.
    write_file(path, whole.substr(0, whole.size() - 1));
    table t;
    state_report r = t.load(path);
    EXPECT_EQ(r.error, state_error::truncated);
    EXPECT_EQ(r.records, 3u);
    EXPECT_EQ(r.message.rfind(path + ":5: ", 0), 0u) << r.message;
    EXPECT_EQ(t.find(pe1, 2001), nullptr);
    EXPECT_NE(t.find(pe1, 1042), nullptr);

    write_file(path, whole.substr(0, whole.size() / 2));
    table u;
    r = u.load(path);
    EXPECT_EQ(r.error, state_error::truncated);
    EXPECT_LT(r.records, 4u);

    // Cut at a line boundary: the header's record count tells.
    const auto last_line = whole.rfind('\n', whole.size() - 2);
    write_file(path, whole.substr(0, last_line + 1));
    table w;
    r = w.load(path);
    EXPECT_EQ(r.error, state_error::truncated);
    EXPECT_EQ(r.records, 3u);
    EXPECT_NE(r.message.find("announces 4 records"), std::string::npos) << r.message;

    // Only a piece of the header: nothing to trust.
    write_file(path, whole.substr(0, 10));
    table x;
    EXPECT_EQ(x.load(path).error, state_error::bad_header);
}

TEST(SubscriptionStateFile, LoadsOnlyAcceptedExportersAndStaysBounded)
{
    temp_dir dir;
    table src;
    populate(src);
    const std::string path = dir.file("state.jsonl");
    ASSERT_TRUE(src.save(path).ok());

    table t;
    const state_report r = t.load(path, [](const net::ip_address& a) { return a == pe2; });
    EXPECT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.records, 1u);
    EXPECT_NE(t.find(pe2, 1042), nullptr);
    EXPECT_EQ(t.find(pe1, 1042), nullptr);

    // A smaller table keeps the most recently used ones (the file is least recently used first).
    table_config c;
    c.max_subscriptions = 2;
    table small(c);
    EXPECT_TRUE(small.load(path).ok());
    EXPECT_EQ(small.size(), 2u);
    EXPECT_NE(small.find(pe1, 2001), nullptr);
    EXPECT_NE(small.find(pe1, 1042), nullptr);
    EXPECT_EQ(small.stats().evicted, 2u);
}
