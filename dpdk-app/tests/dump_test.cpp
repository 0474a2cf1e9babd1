// End to end: writes small pcaps with libpcap (frames built by hand), runs the udpnotif-dump
// binary on them and checks its stdout against docs/udpnotif-dump.md, its stderr and exit code.
// The binary's path comes from the UDPNOTIF_DUMP environment variable (set by meson).
#include "frame_builder.hpp"
#include "udpnotif/encoder.hpp"

#include <openssl/evp.h>
#include <pcap/pcap.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace udpn;
using namespace udpn::dpdk::test;

namespace {

// ---- test scaffolding -------------------------------------------------------------------

/// A scratch directory, removed with its files.
class temp_dir {
  public:
    temp_dir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/udpn-dump-test-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        _path = tmpl;
    }
    ~temp_dir()
    {
        for (const std::string& f : _files) {
            ::unlink(f.c_str());
        }
        ::rmdir(_path.c_str());
    }
    std::string file(const std::string& name)
    {
        _files.push_back(_path + "/" + name);
        return _files.back();
    }

  private:
    std::string _path;
    std::vector<std::string> _files;
};

/// A pcap written with libpcap: Ethernet link type, microsecond timestamps.
class pcap_writer {
  public:
    explicit pcap_writer(const std::string& path, int link = DLT_EN10MB)
        : _dead(pcap_open_dead(link, 65535)), _dumper(pcap_dump_open(_dead, path.c_str()))
    {
        if (_dumper == nullptr) {
            throw std::runtime_error("pcap_dump_open failed for " + path);
        }
    }
    ~pcap_writer() { close(); }

    /// Appends \p frame at capture time \p ts_us (microseconds since the epoch); 0 = 1 ms
    /// after the previous frame.
    void add(const bytes& frame, std::uint64_t ts_us = 0)
    {
        _ts_us = ts_us != 0 ? ts_us : _ts_us + 1000;
        pcap_pkthdr hdr{};
        hdr.ts.tv_sec = static_cast<time_t>(_ts_us / 1'000'000);
        hdr.ts.tv_usec = static_cast<suseconds_t>(_ts_us % 1'000'000);
        hdr.caplen = static_cast<bpf_u_int32>(frame.size());
        hdr.len = hdr.caplen;
        pcap_dump(reinterpret_cast<u_char*>(_dumper), &hdr, frame.data());
        ++_n_frames;
    }

    void close()
    {
        if (_dumper != nullptr) {
            pcap_dump_close(_dumper);
            _dumper = nullptr;
        }
        if (_dead != nullptr) {
            pcap_close(_dead);
            _dead = nullptr;
        }
    }

    [[nodiscard]] std::uint64_t n_frames() const { return _n_frames; }
    [[nodiscard]] std::uint64_t last_ts_us() const { return _ts_us; }

  private:
    pcap_t* _dead;
    pcap_dumper_t* _dumper;
    std::uint64_t _ts_us = 1'700'000'000'000'000;
    std::uint64_t _n_frames = 0;
};

struct run_result {
    int status = -1; ///< exit status, or -1 when it did not exit normally
    std::string out;
    std::string err;
    std::vector<std::string> lines; ///< stdout split on '\n'
};

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs udpnotif-dump with \p args; stdout and stderr captured through files.
run_result run_dump(const std::vector<std::string>& args)
{
    const char* exe = std::getenv("UDPNOTIF_DUMP");
    if (exe == nullptr) {
        throw std::runtime_error("UDPNOTIF_DUMP is not set");
    }
    temp_dir dir;
    const std::string out_path = dir.file("stdout");
    const std::string err_path = dir.file("stderr");
    std::vector<std::string> argv_s = {exe};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0) {
            ::_exit(127);
        }
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        ::execv(exe, argv.data());
        ::_exit(127);
    }
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    run_result r;
    r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        r.lines.push_back(line);
    }
    return r;
}

std::string sha256_hex(const bytes& data)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    std::string hex;
    char buf[3];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(buf, sizeof(buf), "%02x", md[i]);
        hex += buf;
    }
    return hex;
}

/// The message line docs/udpnotif-dump.md specifies.
std::string message_line(const std::string& src, const std::string& dst, std::uint32_t publisher,
                         std::uint32_t id, unsigned media_type, bool s_flag, unsigned segments,
                         const bytes& payload)
{
    return "{\"src\":\"" + src + "\",\"dst\":\"" + dst +
           "\",\"publisher_id\":" + std::to_string(publisher) +
           ",\"message_id\":" + std::to_string(id) +
           ",\"media_type\":" + std::to_string(media_type) +
           ",\"s_flag\":" + (s_flag ? "true" : "false") +
           ",\"segments\":" + std::to_string(segments) +
           ",\"payload_len\":" + std::to_string(payload.size()) + ",\"payload_sha256\":\"" +
           sha256_hex(payload) + "\"}";
}

/// A counter of the summary line: \p section "" for the top level, else e.g. "skipped".
std::uint64_t summary_field(const std::string& summary, const std::string& section,
                            const std::string& key)
{
    std::size_t begin = 0;
    std::size_t end = summary.size();
    if (!section.empty()) {
        begin = summary.find("\"" + section + "\":{");
        if (begin == std::string::npos) {
            ADD_FAILURE() << "no section " << section << " in " << summary;
            return ~0ull;
        }
        end = summary.find('}', begin);
    }
    const std::string needle = "\"" + key + "\":";
    const std::size_t at = summary.find(needle, begin);
    if (at == std::string::npos || at > end) {
        ADD_FAILURE() << "no key " << section << "." << key << " in " << summary;
        return ~0ull;
    }
    return std::stoull(summary.substr(at + needle.size()));
}

udpnotif::encode_params params(std::uint32_t publisher, std::uint32_t id, std::uint8_t mt = 1)
{
    udpnotif::encode_params p;
    p.publisher_id = publisher;
    p.message_id = id;
    p.media_type = mt;
    return p;
}

const char* const v4_exporter = "192.0.2.1";
const char* const v4_collector = "192.0.2.100";
const char* const v6_exporter = "2001:db8::1";
const char* const v6_collector = "2001:db8::100";
constexpr std::uint16_t collector_port = 10001;

/// The summary line with every number replaced by N: checks key names and order exactly.
const char* const summary_skeleton =
    "{\"summary\":{\"packets\":N,\"datagrams\":N,\"messages\":N,\"incomplete\":N,"
    "\"invalid\":{\"too_short\":N,\"unsupported_version\":N,\"header_len_too_small\":N,"
    "\"header_len_exceeds_message\":N,\"message_len_exceeds_datagram\":N,"
    "\"reserved_media_type\":N,\"unassigned_media_type\":N,\"private_media_type\":N,"
    "\"option_truncated\":N,\"option_length_too_small\":N,\"option_overrun\":N,"
    "\"segmentation_option_bad_length\":N,\"duplicate_segmentation_option\":N},"
    "\"reassembly\":{\"whole\":N,\"stored\":N,\"complete\":N,\"duplicate\":N,"
    "\"media_mismatch\":N,\"conflicting_last\":N,\"beyond_last\":N,\"too_many_segments\":N,"
    "\"too_large\":N,\"no_memory\":N,\"late\":N,\"expired_segments\":N,\"evicted_full\":N,"
    "\"evicted_memory\":N},\"ip\":{\"fragments\":N,\"reassembled\":N,\"fragment_errors\":N},"
    "\"skipped\":{\"not_ip\":N,\"not_udp\":N,\"other_port\":N,\"truncated\":N},"
    "\"message_ids\":{\"missing\":N,\"late\":N,\"duplicates\":N,\"resets\":N}}}";

std::string skeleton(const std::string& line)
{
    return std::regex_replace(line, std::regex("[0-9]+"), "N");
}

// ---- the main capture: every feature, malformed frames interleaved --------------------

struct main_capture {
    std::string path;
    std::vector<std::string> expected_lines;      ///< without --port
    std::vector<std::string> expected_lines_port; ///< with --port 10001
    std::uint64_t n_frames = 0;
};

main_capture write_main_capture(temp_dir& dir)
{
    main_capture c;
    c.path = dir.file("main.pcap");
    pcap_writer w(c.path);
    auto both = [&](const std::string& line) {
        c.expected_lines.push_back(line);
        c.expected_lines_port.push_back(line);
    };

    // 1. IPv4, unsegmented (publisher 1, message 1).
    const bytes p1 = pattern(183, 1);
    w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port,
                     udpnotif::encode_message(params(1, 1), p1)));
    both(message_line("192.0.2.1:40000", "192.0.2.100:10001", 1, 1, 1, false, 1, p1));

    // Malformed: Ethernet cut inside the UDP header.
    bytes cut = udp4_frame(v4_exporter, 40000, v4_collector, collector_port, pattern(40));
    cut.resize(14 + 20 + 5);
    w.add(cut);

    // 2. IPv6, 4 segments out of order with a duplicate (publisher 2, message 10).
    const bytes p2 = pattern(1000, 2);
    const auto segs2 = udpnotif::encode_segments(params(2, 10), p2, 300);
    for (const std::size_t k : {3u, 1u, 1u, 0u}) {
        w.add(udp6_frame(v6_exporter, 5000, v6_collector, collector_port, segs2[k]));
    }
    // Malformed UDP-notif: version 2, then too short, then Header Len < 12.
    bytes v2 = udpnotif::encode_message(params(9, 9), pattern(20));
    v2[0] = 0x41;
    w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port, v2));
    w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port, {0x21, 0x0c, 0x00}));
    bytes hl = udpnotif::encode_message(params(9, 9), pattern(20));
    hl[1] = 8;
    w.add(udp6_frame(v6_exporter, 5000, v6_collector, collector_port, hl));
    w.add(udp6_frame(v6_exporter, 5000, v6_collector, collector_port, segs2[2])); // completes
    both(message_line("[2001:db8::1]:5000", "[2001:db8::100]:10001", 2, 10, 1, false, 4, p2));

    // Not IP (ARP), not UDP (TCP), UDP Length past the IP payload, IHL < 5.
    w.add(ether(0x0806, pattern(28)));
    w.add(ether(0x0800, ipv4(v4_exporter, v4_collector, 6, pattern(40))));
    bytes long_udp = udp4_frame(v4_exporter, 40000, v4_collector, collector_port, pattern(30));
    put16(long_udp, 14 + 20 + 4, 8 + 31);
    w.add(long_udp);
    bytes bad_ihl = udp4_frame(v4_exporter, 40000, v4_collector, collector_port, pattern(30));
    bad_ihl[14] = 0x43;
    w.add(bad_ihl);

    // 3. IPv4 fragmented UDP datagram, 3 fragments, last first (publisher 3, message 1).
    const bytes p3 = pattern(3000, 3);
    const auto f3 = udp4_fragments(
        "198.51.100.7", v4_collector,
        udp(41000, collector_port, udpnotif::encode_message(params(3, 1), p3)), 1480, 0x4242);
    EXPECT_EQ(f3.size(), 3u);
    w.add(f3[2]);
    w.add(f3[0]);
    w.add(f3[1]);
    both(message_line("198.51.100.7:41000", "192.0.2.100:10001", 3, 1, 1, false, 1, p3));

    // 4. IPv6 fragmented, 4 fragments, shuffled (publisher 4, message 1).
    const bytes p4 = pattern(4000, 4);
    const auto f4 = udp6_fragments(
        "2001:db8::4", v6_collector,
        udp(42000, collector_port, udpnotif::encode_message(params(4, 1), p4)), 1232, 0x01020304);
    EXPECT_EQ(f4.size(), 4u);
    for (const std::size_t k : {1u, 3u, 0u, 2u}) {
        w.add(f4[k]);
    }
    both(message_line("[2001:db8::4]:42000", "[2001:db8::100]:10001", 4, 1, 1, false, 1, p4));

    // 5. A 9000-octet IP packet in one jumbo frame (publisher 5, message 1).
    const bytes p5 = pattern(9000 - 20 - 8 - 12, 5);
    const bytes jumbo = udp4_frame(v4_exporter, 43000, v4_collector, collector_port,
                                   udpnotif::encode_message(params(5, 1), p5));
    EXPECT_EQ(jumbo.size(), 14u + 9000);
    w.add(jumbo);
    both(message_line("192.0.2.1:43000", "192.0.2.100:10001", 5, 1, 1, false, 1, p5));

    // 6. 802.1Q-tagged and QinQ-tagged frames (publisher 6, messages 1 and 2; XML, CBOR).
    const bytes p6 = pattern(77, 6);
    w.add(udp4_frame(v4_exporter, 44000, v4_collector, collector_port,
                     udpnotif::encode_message(params(6, 1, 2), p6), {{0x8100, 42}}));
    both(message_line("192.0.2.1:44000", "192.0.2.100:10001", 6, 1, 2, false, 1, p6));
    w.add(udp6_frame(v6_exporter, 44000, v6_collector, collector_port,
                     udpnotif::encode_message(params(6, 2, 3), p6), {{0x88A8, 1}, {0x8100, 2}}));
    both(message_line("[2001:db8::1]:44000", "[2001:db8::100]:10001", 6, 2, 3, false, 1, p6));

    // 7. Segments 0 and 2 of 3 only: never completed (publisher 7, message 1).
    const auto segs7 = udpnotif::encode_segments(params(7, 1), pattern(900, 7), 400);
    EXPECT_EQ(segs7.size(), 3u);
    w.add(udp4_frame(v4_exporter, 45000, v4_collector, collector_port, segs7[0]));
    w.add(udp4_frame(v4_exporter, 45000, v4_collector, collector_port, segs7[2]));

    // 8. To another port (publisher 8): printed only without --port.
    const bytes p8 = pattern(50, 8);
    w.add(udp4_frame(v4_exporter, 46000, v4_collector, 9999,
                     udpnotif::encode_message(params(8, 1), p8)));
    c.expected_lines.push_back(
        message_line("192.0.2.1:46000", "192.0.2.100:9999", 8, 1, 1, false, 1, p8));

    // 9. Publisher 1 again, message 3: message 2 is missing.
    const bytes p9 = pattern(20, 9);
    w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port,
                     udpnotif::encode_message(params(1, 3), p9)));
    both(message_line("192.0.2.1:40000", "192.0.2.100:10001", 1, 3, 1, false, 1, p9));

    c.n_frames = w.n_frames();
    w.close();
    return c;
}

} // namespace

TEST(UdpnotifDump, PrintsEveryMessageAndCountsEverythingElse)
{
    temp_dir dir;
    const main_capture c = write_main_capture(dir);
    const run_result r = run_dump({c.path});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), c.expected_lines.size() + 1) << r.out;
    for (std::size_t i = 0; i < c.expected_lines.size(); ++i) {
        EXPECT_EQ(r.lines[i], c.expected_lines[i]) << "line " << i;
    }
    const std::string& s = r.lines.back();
    EXPECT_EQ(skeleton(s), summary_skeleton);
    EXPECT_EQ(summary_field(s, "", "packets"), c.n_frames);
    EXPECT_EQ(summary_field(s, "", "messages"), c.expected_lines.size());
    EXPECT_EQ(summary_field(s, "", "incomplete"), 1u);
    // UDP datagrams: 1 + 4 (seg, dup) + 3 bad + 1 + 1 + 1 + 1 + 2 + 2 + 1 + 1
    EXPECT_EQ(summary_field(s, "", "datagrams"), 18u);
    EXPECT_EQ(summary_field(s, "invalid", "unsupported_version"), 1u);
    EXPECT_EQ(summary_field(s, "invalid", "too_short"), 1u);
    EXPECT_EQ(summary_field(s, "invalid", "header_len_too_small"), 1u);
    EXPECT_EQ(summary_field(s, "reassembly", "whole"), 8u);
    EXPECT_EQ(summary_field(s, "reassembly", "stored"), 5u);
    EXPECT_EQ(summary_field(s, "reassembly", "complete"), 1u);
    EXPECT_EQ(summary_field(s, "reassembly", "duplicate"), 1u);
    EXPECT_EQ(summary_field(s, "reassembly", "expired_segments"), 2u);
    EXPECT_EQ(summary_field(s, "ip", "fragments"), 7u);
    EXPECT_EQ(summary_field(s, "ip", "reassembled"), 2u);
    EXPECT_EQ(summary_field(s, "ip", "fragment_errors"), 0u);
    EXPECT_EQ(summary_field(s, "skipped", "not_ip"), 1u);
    EXPECT_EQ(summary_field(s, "skipped", "not_udp"), 1u);
    EXPECT_EQ(summary_field(s, "skipped", "other_port"), 0u);
    EXPECT_EQ(summary_field(s, "skipped", "truncated"), 3u);
    EXPECT_EQ(summary_field(s, "message_ids", "missing"), 1u);
    EXPECT_EQ(r.out.find(' '), std::string::npos) << "no spaces in the JSON";
}

TEST(UdpnotifDump, PortOptionKeepsOnlyThatDestinationPort)
{
    temp_dir dir;
    const main_capture c = write_main_capture(dir);
    const run_result r = run_dump({"--port", "10001", c.path});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), c.expected_lines_port.size() + 1) << r.out;
    for (std::size_t i = 0; i < c.expected_lines_port.size(); ++i) {
        EXPECT_EQ(r.lines[i], c.expected_lines_port[i]) << "line " << i;
    }
    EXPECT_EQ(summary_field(r.lines.back(), "skipped", "other_port"), 1u);
    EXPECT_EQ(summary_field(r.lines.back(), "", "datagrams"), 17u);
    // --port=N spelling too.
    const run_result r2 = run_dump({c.path, "--port=10001"});
    EXPECT_EQ(r2.out, r.out);
}

TEST(UdpnotifDump, OutputIsTheSameOnEveryRun)
{
    temp_dir dir;
    const main_capture c = write_main_capture(dir);
    const run_result a = run_dump({c.path});
    const run_result b = run_dump({c.path});
    ASSERT_EQ(a.status, 0);
    EXPECT_EQ(a.out, b.out);
}

TEST(UdpnotifDump, ReassemblyTimeoutRunsOnCaptureTime)
{
    temp_dir dir;
    const std::string path = dir.file("slow.pcap");
    const bytes payload = pattern(700, 11);
    const auto segs = udpnotif::encode_segments(params(1, 1), payload, 400);
    ASSERT_EQ(segs.size(), 2u);
    {
        pcap_writer w(path);
        w.add(udp4_frame(v4_exporter, 1, v4_collector, collector_port, segs[0]));
        // 3 s of capture time later (the replay itself takes milliseconds).
        w.add(udp4_frame(v4_exporter, 1, v4_collector, collector_port, segs[1]),
              w.last_ts_us() + 3'000'000);
    }
    const run_result fast = run_dump({path, "--reassembly-timeout-ms", "2000"});
    ASSERT_EQ(fast.status, 0) << fast.err;
    ASSERT_EQ(fast.lines.size(), 1u) << fast.out;
    EXPECT_EQ(summary_field(fast.lines.back(), "", "incomplete"), 2u); // both halves, apart
    EXPECT_EQ(summary_field(fast.lines.back(), "", "messages"), 0u);

    const run_result slow = run_dump({path, "--reassembly-timeout-ms=5000"});
    ASSERT_EQ(slow.status, 0) << slow.err;
    ASSERT_EQ(slow.lines.size(), 2u) << slow.out;
    EXPECT_EQ(slow.lines[0],
              message_line("192.0.2.1:1", "192.0.2.100:10001", 1, 1, 1, false, 2, payload));
}

TEST(UdpnotifDump, SegmentLimitIsConfigurable)
{
    temp_dir dir;
    const std::string path = dir.file("segs.pcap");
    const auto segs = udpnotif::encode_segments(params(1, 1), pattern(2000), 120);
    ASSERT_GT(segs.size(), 4u);
    {
        pcap_writer w(path);
        for (const auto& s : segs) {
            w.add(udp4_frame(v4_exporter, 1, v4_collector, collector_port, s));
        }
    }
    const run_result r = run_dump({path, "--max-segments", "4"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(summary_field(r.lines.back(), "", "messages"), 0u);
    EXPECT_GE(summary_field(r.lines.back(), "reassembly", "too_many_segments"), 1u);
}

TEST(UdpnotifDump, SourcePortKeyAndMessageSizeAreConfigurable)
{
    // One message whose two segments come from two source ports of the same exporter.
    temp_dir dir;
    const std::string path = dir.file("ports.pcap");
    const bytes payload = pattern(700, 12);
    const auto segs = udpnotif::encode_segments(params(1, 1), payload, 400);
    ASSERT_EQ(segs.size(), 2u);
    {
        pcap_writer w(path);
        w.add(udp4_frame(v4_exporter, 50001, v4_collector, collector_port, segs[0]));
        w.add(udp4_frame(v4_exporter, 50002, v4_collector, collector_port, segs[1]));
    }
    const run_result keyed = run_dump({path});
    ASSERT_EQ(keyed.status, 0) << keyed.err;
    EXPECT_EQ(summary_field(keyed.lines.back(), "", "messages"), 0u);
    EXPECT_EQ(summary_field(keyed.lines.back(), "", "incomplete"), 2u);

    const run_result unkeyed = run_dump({path, "--no-src-port-key"});
    ASSERT_EQ(unkeyed.status, 0) << unkeyed.err;
    ASSERT_EQ(unkeyed.lines.size(), 2u) << unkeyed.out;
    EXPECT_EQ(unkeyed.lines[0],
              message_line("192.0.2.1:50001", "192.0.2.100:10001", 1, 1, 1, false, 2, payload));

    const run_result small = run_dump({path, "--no-src-port-key", "--max-message-bytes", "500"});
    ASSERT_EQ(small.status, 0) << small.err;
    EXPECT_EQ(summary_field(small.lines.back(), "", "messages"), 0u);
    EXPECT_EQ(summary_field(small.lines.back(), "reassembly", "too_large"), 1u);
}

TEST(UdpnotifDump, IpFragmentOverflowIsCounted)
{
    // 9 fragments: more than rte_ip_frag keeps per datagram in DPDK 22.11 (8).
    temp_dir dir;
    const std::string path = dir.file("frag9.pcap");
    const auto frags = udp4_fragments(
        v4_exporter, v4_collector,
        udp(1, collector_port, udpnotif::encode_message(params(1, 1), pattern(2100))), 256, 1);
    ASSERT_EQ(frags.size(), 9u);
    {
        pcap_writer w(path);
        for (const bytes& f : frags) {
            w.add(f);
        }
    }
    const run_result r = run_dump({path});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(summary_field(r.lines[0], "ip", "fragments"), 9u);
    EXPECT_EQ(summary_field(r.lines[0], "ip", "reassembled"), 0u);
    EXPECT_EQ(summary_field(r.lines[0], "ip", "fragment_errors"), 9u);
}

TEST(UdpnotifDump, EmptyCaptureGivesAZeroSummary)
{
    temp_dir dir;
    const std::string path = dir.file("empty.pcap");
    pcap_writer(path).close();
    const run_result r = run_dump({path});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(skeleton(r.lines[0]), summary_skeleton);
    EXPECT_EQ(std::regex_replace(r.lines[0], std::regex("[1-9]"), "X").find('X'), std::string::npos)
        << r.lines[0];
}

TEST(UdpnotifDump, TruncatedCaptureIsReadUpToTheCutWithAWarning)
{
    temp_dir dir;
    const std::string path = dir.file("cut.pcap");
    {
        pcap_writer w(path);
        for (std::uint32_t i = 1; i <= 3; ++i) {
            w.add(udp4_frame(v4_exporter, 1, v4_collector, collector_port,
                             udpnotif::encode_message(params(1, i), pattern(300))));
        }
    }
    ::truncate(path.c_str(), static_cast<off_t>(slurp(path).size() - 100));
    const run_result r = run_dump({path});
    EXPECT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 3u) << r.out;
    EXPECT_EQ(summary_field(r.lines.back(), "", "packets"), 2u);
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(UdpnotifDump, StdoutCarriesOnlyJson)
{
    temp_dir dir;
    const main_capture c = write_main_capture(dir);
    const run_result r = run_dump({c.path, "--eal", "--log-level=info"});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const std::string& line : r.lines) {
        ASSERT_FALSE(line.empty());
        EXPECT_EQ(line.front(), '{') << line;
        EXPECT_EQ(line.back(), '}') << line;
    }
    EXPECT_FALSE(r.err.empty()) << "EAL info logs belong on stderr";
}

TEST(UdpnotifDumpErrors, MissingFileExitsOneWithTheReason)
{
    const run_result r = run_dump({"/nonexistent/capture.pcap"});
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("/nonexistent/capture.pcap"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

TEST(UdpnotifDumpErrors, UnreadableFilesExitOne)
{
    temp_dir dir;
    const std::string garbage = dir.file("garbage.pcap");
    std::ofstream(garbage) << "this is not a capture\n";
    EXPECT_EQ(run_dump({garbage}).status, 1);

    const std::string comma = dir.file("a,b.pcap");
    pcap_writer(comma).close();
    const run_result rc = run_dump({comma});
    EXPECT_EQ(rc.status, 1);
    EXPECT_NE(rc.err.find("','"), std::string::npos) << rc.err;

    const std::string raw_ip = dir.file("raw.pcap");
    pcap_writer(raw_ip, DLT_RAW).close();
    const run_result rr = run_dump({raw_ip});
    EXPECT_EQ(rr.status, 1);
    EXPECT_NE(rr.err.find("Ethernet"), std::string::npos) << rr.err;
}

TEST(UdpnotifDumpErrors, BadCommandLinesExitTwo)
{
    temp_dir dir;
    const std::string path = dir.file("ok.pcap");
    pcap_writer(path).close();
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {},
             {"--bogus", path},
             {path, "--port"},
             {path, "--port", "0"},
             {path, "--port", "65536"},
             {path, "--port", "12x"},
             {path, "--max-segments", "40000"},
             {path, "--reassembly-timeout-ms", "0"},
             {path, "--max-pending", "-1"},
             {path, path},
         }) {
        const run_result r = run_dump(args);
        EXPECT_EQ(r.status, 2) << testing::PrintToString(args);
        EXPECT_TRUE(r.out.empty());
        EXPECT_FALSE(r.err.empty());
    }
}

TEST(UdpnotifDumpErrors, HelpGoesToStdoutAndExitsZero)
{
    const run_result r = run_dump({"--help"});
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("usage: udpnotif-dump FILE.pcap"), std::string::npos);
    EXPECT_NE(r.out.find("--reassembly-timeout-ms"), std::string::npos);
}

// ---- --envelopes: the worker stage's records ---------------------------------------------

namespace {

/// The YANG modules of ../shared/yang: $UDPN_YANG_DIR, else found from this source file's path
/// (meson compiles it as a path relative to the build directory, two levels above the binary).
std::string shared_yang_dir()
{
    if (const char* env = std::getenv("UDPN_YANG_DIR")) {
        return env;
    }
    std::filesystem::path source(__FILE__);
    if (source.is_relative()) {
        const char* exe = std::getenv("UDPNOTIF_DUMP");
        source = std::filesystem::path(exe != nullptr ? exe : ".").parent_path().parent_path() /
                 source;
    }
    // <root>/dpdk-app/tests/dump_test.cpp → <root>/../shared/yang
    return std::filesystem::weakly_canonical(
               source.parent_path().parent_path().parent_path() / ".." / "shared" / "yang")
        .string();
}

/// A strict RFC 8259 syntax check (enough to tell that a line is one JSON value).
class json_checker {
  public:
    explicit json_checker(std::string_view text) : _s(text) {}
    bool valid()
    {
        ws();
        if (!value()) {
            return false;
        }
        ws();
        return _i == _s.size();
    }

  private:
    void ws()
    {
        while (_i < _s.size() && (_s[_i] == ' ' || _s[_i] == '\n' || _s[_i] == '\t' || _s[_i] == '\r')) {
            ++_i;
        }
    }
    bool lit(std::string_view w)
    {
        if (_s.substr(_i, w.size()) != w) {
            return false;
        }
        _i += w.size();
        return true;
    }
    bool string()
    {
        if (_i >= _s.size() || _s[_i] != '"') {
            return false;
        }
        for (++_i; _i < _s.size(); ++_i) {
            const auto c = static_cast<unsigned char>(_s[_i]);
            if (c == '"') {
                ++_i;
                return true;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                ++_i;
                if (_i >= _s.size() || std::string_view("\"\\/bfnrtu").find(_s[_i]) == std::string_view::npos) {
                    return false;
                }
            }
        }
        return false;
    }
    bool number()
    {
        const std::size_t start = _i;
        if (_i < _s.size() && _s[_i] == '-') {
            ++_i;
        }
        while (_i < _s.size() && (std::isdigit(static_cast<unsigned char>(_s[_i])) != 0 ||
                                  _s[_i] == '.' || _s[_i] == 'e' || _s[_i] == 'E' ||
                                  _s[_i] == '+' || _s[_i] == '-')) {
            ++_i;
        }
        return _i > start;
    }
    bool value()
    {
        ws();
        if (_i >= _s.size()) {
            return false;
        }
        switch (_s[_i]) {
        case '{': {
            ++_i;
            ws();
            if (_i < _s.size() && _s[_i] == '}') {
                ++_i;
                return true;
            }
            for (;;) {
                ws();
                if (!string()) {
                    return false;
                }
                ws();
                if (!lit(":") || !value()) {
                    return false;
                }
                ws();
                if (lit("}")) {
                    return true;
                }
                if (!lit(",")) {
                    return false;
                }
            }
        }
        case '[': {
            ++_i;
            ws();
            if (lit("]")) {
                return true;
            }
            for (;;) {
                if (!value()) {
                    return false;
                }
                ws();
                if (lit("]")) {
                    return true;
                }
                if (!lit(",")) {
                    return false;
                }
            }
        }
        case '"': return string();
        case 't': return lit("true");
        case 'f': return lit("false");
        case 'n': return lit("null");
        default: return number();
        }
    }

    std::string_view _s;
    std::size_t _i = 0;
};

bytes text_bytes(std::string_view s)
{
    return bytes(s.begin(), s.end());
}

constexpr std::string_view envelope_started =
    R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:00.12Z",)"
    R"( "hostname": "router-nyc-01", "sequence-number": 1, "contents": {)"
    R"("ietf-subscribed-notifications:subscription-started": {"id": 1042,)"
    R"( "ietf-yang-push:datastore": "ietf-datastores:operational",)"
    R"( "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",)"
    R"( "transport": "ietf-udp-notif-transport:udp-notif", "encoding": "encode-json",)"
    R"( "ietf-yang-push:periodic": {"period": 3000}}}}})";

std::string envelope_push_update(std::uint32_t id, std::uint32_t seq, std::string_view ifname)
{
    return R"({"ietf-yp-notification:envelope": {"event-time": "2026-03-01T10:00:01.12Z",)"
           R"( "hostname": "router-nyc-01", "sequence-number": )" +
           std::to_string(seq) + R"(, "contents": {"ietf-yang-push:push-update": {"id": )" +
           std::to_string(id) +
           R"(, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [{"name": ")" +
           std::string(ifname) + R"(", "oper-status": "up"}]}}}}}})";
}

/// Data before the subscription, the subscription, two push-updates (one in 3 segments), and
/// a payload that is not JSON.
std::string write_envelope_capture(temp_dir& dir)
{
    const std::string path = dir.file("envelopes.pcap");
    pcap_writer w(path);
    auto send = [&](std::uint32_t id, std::string_view payload) {
        w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port,
                         udpnotif::encode_message(params(1, id), text_bytes(payload))));
    };
    send(1, envelope_push_update(1042, 1, "eth9"));
    send(2, envelope_started);
    send(3, envelope_push_update(1042, 3, "eth0"));
    for (const auto& seg :
         udpnotif::encode_segments(params(1, 4), text_bytes(envelope_push_update(1042, 4, "eth1")), 120)) {
        w.add(udp4_frame(v4_exporter, 40000, v4_collector, collector_port, seg));
    }
    send(5, "not json at all");
    w.close();
    return path;
}

std::string string_member(const std::string& line, const std::string& name)
{
    const std::string needle = "\"" + name + "\":\"";
    const std::size_t at = line.find(needle);
    if (at == std::string::npos) {
        return "<absent>";
    }
    return line.substr(at + needle.size(), line.find('"', at + needle.size()) - at - needle.size());
}

} // namespace

TEST(UdpnotifDumpEnvelopes, PrintsOneRecordLinePerMessageWithTopicKeyAndEnvelope)
{
    temp_dir dir;
    const std::string path = write_envelope_capture(dir);
    const run_result r = run_dump({path, "--envelopes", "--yang-dir", shared_yang_dir(),
                                   "--distribution", "topic", "--profile", "latest"});
    ASSERT_EQ(r.status, 0) << r.err;
    // 4 decodable messages → 4 records; the non-JSON one is counted only.
    ASSERT_EQ(r.lines.size(), 5u) << r.out;
    for (const std::string& line : r.lines) {
        EXPECT_TRUE(json_checker(line).valid()) << line;
    }
    // Data before subscription-started: fallback topic, key with node name and id (§11.7).
    EXPECT_EQ(string_member(r.lines[0], "topic"), "unknown");
    EXPECT_NE(r.lines[0].find(R"("key":"router-nyc-01\n1042\n")"), std::string::npos) << r.lines[0];
    // The state change and the data: the ietf-02 topic and key (PROTOCOL.md §7.3, §8.2).
    EXPECT_EQ(string_member(r.lines[1], "topic"), "if-interfaces-interface");
    EXPECT_EQ(string_member(r.lines[2], "topic"), "if-interfaces-interface");
    EXPECT_NE(r.lines[2].find(
                  R"("key":"router-nyc-01\n1042\n/ietf-interfaces:interfaces/interface[name='eth0']")"),
              std::string::npos)
        << r.lines[2];
    EXPECT_NE(r.lines[3].find(R"(interface[name='eth1']")"), std::string::npos) << r.lines[3];
    // The value is the envelope object itself, not a string.
    EXPECT_NE(r.lines[2].find(R"("value":{"ietf-telemetry-message:message":{)"), std::string::npos)
        << r.lines[2];
    EXPECT_NE(r.lines[2].find(R"("export-address":"192.0.2.1")"), std::string::npos);
    EXPECT_NE(r.lines[2].find(R"(yang-push-subscription":{"id":1042)"), std::string::npos);
    // collection-timestamp: the capture time of the completing datagram (pcap_writer's clock).
    EXPECT_NE(r.lines[2].find(R"("collection-timestamp":"2023-11-14T22:13)"), std::string::npos)
        << r.lines[2];

    const std::string& summary = r.lines[4];
    EXPECT_EQ(summary_field(summary, "", "messages"), 5u);
    EXPECT_EQ(summary_field(summary, "worker", "messages"), 5u);
    EXPECT_EQ(summary_field(summary, "worker", "produced"), 3u);
    EXPECT_EQ(summary_field(summary, "worker", "produced_fallback"), 1u);
    EXPECT_EQ(summary_field(summary, "worker", "undecodable"), 1u);
    EXPECT_EQ(summary_field(summary, "worker", "unknown_subscription"), 1u);
    EXPECT_EQ(summary_field(summary, "worker", "records"), 4u);
    EXPECT_NE(summary.find("\"subscriptions\":1}}}"), std::string::npos) << summary;
    EXPECT_GT(summary.find("\"worker\":{"), summary.find("\"message_ids\":{"));
}

TEST(UdpnotifDumpEnvelopes, SeedProfileAndKnobs)
{
    temp_dir dir;
    const std::string path = write_envelope_capture(dir);
    const run_result r = run_dump({path, "--envelopes", "--yang-dir=" + shared_yang_dir(),
                                   "--distribution=topic", "--topic-prefix", "project.environment",
                                   "--no-key"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(r.lines.size(), 5u) << r.out;
    EXPECT_EQ(string_member(r.lines[2], "topic"),
              "project.environment.statistics.yang.ietf-interfaces.interfaces_interface");
    EXPECT_NE(r.lines[2].find(R"("key":null)"), std::string::npos) << r.lines[2];
    EXPECT_NE(r.lines[2].find(R"("session-protocol":"yp-push")"), std::string::npos) << r.lines[2];
    for (const std::string& line : r.lines) {
        EXPECT_TRUE(json_checker(line).valid()) << line;
    }
}

TEST(UdpnotifDumpEnvelopes, EnvelopesWithoutYangDirExitTwo)
{
    temp_dir dir;
    const std::string path = dir.file("ok.pcap");
    pcap_writer(path).close();
    const run_result r = run_dump({path, "--envelopes"});
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("--yang-dir"), std::string::npos) << r.err;
    // Worker options need --envelopes; unknown values are refused.
    EXPECT_EQ(run_dump({path, "--profile", "latest"}).status, 2);
    EXPECT_EQ(run_dump({path, "--envelopes", "--yang-dir", "/tmp", "--profile", "newest"}).status, 2);
    EXPECT_EQ(run_dump({path, "--envelopes", "--yang-dir", "/tmp", "--distribution", "x"}).status, 2);
}
