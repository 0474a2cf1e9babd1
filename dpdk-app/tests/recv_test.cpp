// End to end: udpnotif-recv-dpdk replays captures written at test time by udpnotif-pcapgen
// (several exporters; UDP-notif segmented messages on IPv4 in one capture, IP-fragmented
// messages on IPv6 in the other, one net_pcap port each) through the whole pipeline:
// - with the null sink: every message became a record, no drop counter anywhere is non-zero;
// - with the embedded Kafka cluster (--dpdk.hold keeps it up after the replay): every record is
//   read back from the topics, each in partition murmur2(key) mod N.
// Paths of the binaries and the YANG directory come from meson (environment).
#include "kafka_test_support.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::string env(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr) {
        throw std::runtime_error(std::string(name) + " is not set");
    }
    return v;
}

/// key=value fields of \p line (values as unsigned integers; others skipped).
std::map<std::string, std::uint64_t> fields(const std::string& line)
{
    std::map<std::string, std::uint64_t> out;
    std::istringstream in(line);
    std::string tok;
    while (in >> tok) {
        const auto eq = tok.find('=');
        if (eq == std::string::npos || eq + 1 >= tok.size()) {
            continue;
        }
        char* end = nullptr;
        const unsigned long long v = std::strtoull(tok.c_str() + eq + 1, &end, 10);
        if (end != nullptr && *end == '\0') {
            out[tok.substr(0, eq)] = v;
        }
    }
    return out;
}

/// A scratch directory, removed with its files.
struct scratch {
    std::filesystem::path dir;
    scratch()
    {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/udpn-recv-dpdk-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) {
            throw std::runtime_error("mkdtemp");
        }
        dir = tmpl;
    }
    ~scratch() { std::filesystem::remove_all(dir); }
};

/// A child process with stdout on a pipe (read line by line) and stderr in a file.
class child {
  public:
    child(const std::vector<std::string>& args, const std::string& err_path)
    {
        int fds[2];
        if (::pipe(fds) != 0) {
            throw std::runtime_error("pipe");
        }
        _pid = ::fork();
        if (_pid == 0) {
            ::dup2(fds[1], STDOUT_FILENO);
            const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(err, STDERR_FILENO);
            ::close(fds[0]);
            std::vector<char*> argv;
            for (const std::string& a : args) {
                argv.push_back(const_cast<char*>(a.c_str()));
            }
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        _out = ::fdopen(fds[0], "r");
    }
    ~child()
    {
        if (_pid > 0) {
            ::kill(_pid, SIGKILL);
            (void)wait();
        }
        if (_out != nullptr) {
            std::fclose(_out);
        }
    }
    /// The next stdout line (without '\n'), or false at EOF.
    bool next_line(std::string& line)
    {
        char buf[4096];
        if (std::fgets(buf, sizeof buf, _out) == nullptr) {
            return false;
        }
        line = buf;
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
        }
        lines.push_back(line);
        return true;
    }
    void signal(int sig) { ::kill(_pid, sig); }
    /// Reads stdout to its end, then the exit status (-1: not a normal exit).
    int wait()
    {
        std::string line;
        while (_out != nullptr && next_line(line)) {
        }
        int status = 0;
        if (::waitpid(_pid, &status, 0) != _pid) {
            return -1;
        }
        _pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::vector<std::string> lines;

  private:
    pid_t _pid = -1;
    std::FILE* _out = nullptr;
};

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs udpnotif-pcapgen; @return the number of messages it wrote (its summary line).
std::uint64_t pcapgen(const std::filesystem::path& out, const std::vector<std::string>& extra)
{
    std::vector<std::string> args = {env("UDPNOTIF_PCAPGEN"), "-o", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    child c(args, (out.string() + ".err"));
    EXPECT_EQ(c.wait(), 0) << slurp(out.string() + ".err");
    const std::string err = slurp(out.string() + ".err");
    std::string all = err;
    for (const std::string& l : c.lines) {
        all += "\n" + l;
    }
    const auto at = all.find("messages=");
    if (at == std::string::npos) {
        throw std::runtime_error("no messages= in pcapgen output: " + all);
    }
    return std::strtoull(all.c_str() + at + 9, nullptr, 10);
}

/// "-l A,B": the first two CPUs this process may use (never more lcores than CPUs), or "".
std::string two_lcores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) {
        return "";
    }
    std::vector<int> cpus;
    for (int i = 0; i < CPU_SETSIZE && cpus.size() < 2; ++i) {
        if (CPU_ISSET(i, &set)) {
            cpus.push_back(i);
        }
    }
    return cpus.size() == 2 ? std::to_string(cpus[0]) + "," + std::to_string(cpus[1]) : "";
}

/// The captures of every test, written once.
struct captures {
    scratch tmp;
    std::filesystem::path segmented = tmp.dir / "segmented.pcap";
    std::filesystem::path fragmented = tmp.dir / "fragmented.pcap";
    std::uint64_t n_messages = 0;
    captures()
    {
        // 3 IPv4 exporters x 2 publishers, 4000-octet push-updates: UDP-notif segments at MTU
        // 1500. 2 IPv6 exporters, 3000-octet messages left whole and IP-fragmented.
        n_messages += pcapgen(segmented, {"--exporters", "3", "--publishers-per-exporter", "2",
                                          "--messages", "15", "--size", "4000", "--seed", "11"});
        n_messages += pcapgen(fragmented, {"--exporters", "2", "--messages", "12", "--size",
                                           "3000", "--ipv6", "--ip-fragment", "--seed", "12"});
    }
};

captures& shared_captures()
{
    static captures c;
    return c;
}

std::vector<std::string> recv_args(const captures& caps, const std::string& lcores, int run,
                                   const std::vector<std::string>& options)
{
    std::vector<std::string> a = {env("UDPNOTIF_RECV_DPDK"),
                                  "--no-huge",
                                  "-m",
                                  "512",
                                  "--no-pci",
                                  "--no-shconf",
                                  "--no-telemetry",
                                  "-l",
                                  lcores,
                                  "--log-level=error",
                                  "--file-prefix=udpn-recv-test-" + std::to_string(::getpid()) +
                                      "-" + std::to_string(run),
                                  "--vdev=net_pcap0,rx_pcap=" + caps.segmented.string(),
                                  "--vdev=net_pcap1,rx_pcap=" + caps.fragmented.string(),
                                  "--",
                                  "--yang-dir",
                                  env("UDPN_YANG_DIR"),
                                  "--stats-interval",
                                  "0",
                                  "--set",
                                  "metrics.listen="};
    a.insert(a.end(), options.begin(), options.end());
    return a;
}

/// The report line starting with "udpnotif-recv-dpdk: \p what:" of \p lines.
std::map<std::string, std::uint64_t> report(const std::vector<std::string>& lines,
                                            const std::string& what)
{
    const std::string prefix = "udpnotif-recv-dpdk: " + what + ":";
    for (const std::string& l : lines) {
        if (l.compare(0, prefix.size(), prefix) == 0) {
            return fields(l.substr(prefix.size()));
        }
    }
    ADD_FAILURE() << "no \"" << prefix << "\" line";
    return {};
}

/// Every counter of the dropped / packet error / port lines is zero.
void expect_no_drops(const std::vector<std::string>& lines)
{
    for (const auto& [name, v] : report(lines, "dropped")) {
        EXPECT_EQ(v, 0u) << name;
    }
    const auto packet = report(lines, "packet");
    for (const char* name : {"ip_fragment_errors", "not_ip", "not_udp", "other_port", "truncated"}) {
        EXPECT_EQ(packet.at(name), 0u) << name;
    }
    EXPECT_GT(packet.at("ip_reassembled"), 0u); // the IPv6 capture went through rte_ip_frag
    for (const char* port : {"port 0", "port 1"}) {
        const auto p = report(lines, port);
        EXPECT_GT(p.at("ipackets"), 0u) << port;
        for (const char* name : {"imissed", "ierrors", "rx_nombuf"}) {
            EXPECT_EQ(p.at(name), 0u) << port << " " << name;
        }
    }
}

/// Replays a capture of \p passes x 2 exporters x \p per_exporter whole 1 KB messages (one
/// frame each) from memory (infinite_rx=1, --dpdk.frames) into the null sink, with the extra
/// DPDK options \p dpdk, and checks what every such run must show: exit 0, every frame taken
/// and turned into a record, no drop. @return the report lines.
std::vector<std::string> memory_replay(const std::string& lcores, int per_exporter, int passes,
                                       const std::vector<std::string>& dpdk)
{
    scratch tmp;
    const auto cap = tmp.dir / "whole.pcap";
    const std::uint64_t n = pcapgen(cap, {"--exporters", "2", "--messages",
                                          std::to_string(per_exporter), "--size", "1000"});
    EXPECT_EQ(n, 2u * static_cast<std::uint64_t>(per_exporter));
    const std::uint64_t frames = n * static_cast<std::uint64_t>(passes);
    std::vector<std::string> a = {env("UDPNOTIF_RECV_DPDK"), "--no-huge", "-m", "512",
                                  "--no-pci", "--no-shconf", "--no-telemetry", "-l", lcores,
                                  "--log-level=error",
                                  "--file-prefix=udpn-recv-test-mem-" + std::to_string(::getpid()),
                                  "--vdev=net_pcap0,rx_pcap=" + cap.string() + ",infinite_rx=1",
                                  "--", "--dpdk.frames", std::to_string(frames)};
    a.insert(a.end(), dpdk.begin(), dpdk.end());
    a.insert(a.end(), {"--yang-dir", env("UDPN_YANG_DIR"), "--stats-interval", "0", "--set",
                       "metrics.listen=", "--kafka.brokers", "null"});
    const std::string err = (tmp.dir / "stderr").string();
    child c(a, err);
    EXPECT_EQ(c.wait(), 0) << slurp(err);
    const auto final = report(c.lines, "final");
    EXPECT_EQ(final.at("frames"), frames) << slurp(err);
    EXPECT_EQ(final.at("messages"), frames);
    EXPECT_EQ(final.at("records"), frames);
    EXPECT_EQ(final.at("null_records"), frames);
    for (const auto& [name, v] : report(c.lines, "dropped")) {
        EXPECT_EQ(v, 0u) << name;
    }
    EXPECT_EQ(report(c.lines, "port 0").at("ipackets"), frames);
    return c.lines;
}

} // namespace

TEST(recv_dpdk, replay_into_the_null_sink_every_message_becomes_a_record)
{
    const std::string lcores = two_lcores();
    if (lcores.empty()) {
        GTEST_SKIP() << "needs two CPUs (one main lcore, one RX lcore)";
    }
    captures& caps = shared_captures();
    ASSERT_GT(caps.n_messages, 0u);
    scratch tmp;
    const std::string err = (tmp.dir / "stderr").string();
    child c(recv_args(caps, lcores, 1, {"--kafka.brokers", "null", "--workers", "2"}), err);
    ASSERT_EQ(c.wait(), 0) << slurp(err);
    const auto final = report(c.lines, "final");
    EXPECT_EQ(final.at("messages"), caps.n_messages) << slurp(err);
    EXPECT_EQ(final.at("worker_messages"), caps.n_messages);
    EXPECT_EQ(final.at("records"), caps.n_messages); // one record per notification
    EXPECT_EQ(final.at("null_records"), caps.n_messages);
    EXPECT_GT(final.at("datagrams"), caps.n_messages); // some messages came in segments
    expect_no_drops(c.lines);
}

TEST(recv_dpdk, replay_into_embedded_kafka_records_land_in_their_key_partition)
{
    const std::string lcores = two_lcores();
    if (lcores.empty()) {
        GTEST_SKIP() << "needs two CPUs (one main lcore, one RX lcore)";
    }
    captures& caps = shared_captures();
    scratch tmp;
    const std::string err = (tmp.dir / "stderr").string();
    constexpr int n_partitions = 6;
    child c(recv_args(caps, lcores, 2,
                      {"--kafka.brokers", "embedded", "--kafka.embedded_partitions",
                       std::to_string(n_partitions), "--kafka.linger_ms", "1", "--dpdk.hold"}),
            err);
    std::string line;
    std::string bootstrap;
    bool holding = false;
    while (!holding && c.next_line(line)) {
        const std::string tag = "embedded kafka bootstrap: ";
        if (line.compare(0, tag.size(), tag) == 0) {
            bootstrap = line.substr(tag.size());
        }
        holding = line.find("holding") != std::string::npos;
    }
    ASSERT_TRUE(holding) << slurp(err);
    ASSERT_FALSE(bootstrap.empty());
    const auto final = report(c.lines, "final");
    EXPECT_EQ(final.at("messages"), caps.n_messages);
    EXPECT_EQ(final.at("records"), caps.n_messages);
    EXPECT_EQ(final.at("delivered"), caps.n_messages);
    EXPECT_EQ(final.at("undelivered"), 0u);
    expect_no_drops(c.lines);
    const auto kafka = report(c.lines, "kafka");
    EXPECT_EQ(kafka.at("dropped"), 0u);
    EXPECT_EQ(kafka.at("failed"), 0u);

    // Read every topic back while the process holds the cluster.
    rd_kafka_t* rk = udpn::kafka::test::new_client(RD_KAFKA_PRODUCER, bootstrap);
    const rd_kafka_metadata_t* md = nullptr;
    ASSERT_EQ(rd_kafka_metadata(rk, 1, nullptr, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
    struct topic_info {
        std::string name;
        int n_partitions = 0;
        std::size_t n_records = 0; ///< sum of the partitions' high watermarks
    };
    std::vector<topic_info> topics;
    for (int i = 0; i < md->topic_cnt; ++i) {
        if (md->topics[i].topic[0] == '_') {
            continue;
        }
        topic_info t{md->topics[i].topic, md->topics[i].partition_cnt, 0};
        for (int part = 0; part < t.n_partitions; ++part) {
            std::int64_t lo = 0;
            std::int64_t hi = 0;
            ASSERT_EQ(rd_kafka_query_watermark_offsets(rk, t.name.c_str(), part, &lo, &hi, 5000),
                      RD_KAFKA_RESP_ERR_NO_ERROR);
            t.n_records += static_cast<std::size_t>(hi - lo);
        }
        topics.push_back(t);
    }
    rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk);
    ASSERT_FALSE(topics.empty());
    std::size_t n_records = 0;
    std::size_t n_keyed = 0;
    for (const topic_info& t : topics) {
        const std::string& topic = t.name;
        const int n = t.n_partitions;
        EXPECT_EQ(n, n_partitions) << topic;
        const auto records = udpn::kafka::test::consume_all(bootstrap, topic, n, t.n_records);
        EXPECT_EQ(records.size(), t.n_records) << topic;
        n_records += records.size();
        for (const auto& r : records) {
            if (r.key) {
                ++n_keyed;
                EXPECT_EQ(r.partition, udpn::kafka::test::expected_partition(*r.key, n))
                    << topic << " key " << *r.key;
            }
        }
    }
    EXPECT_EQ(n_records, caps.n_messages);
    EXPECT_GT(n_keyed, 0u);
    c.signal(SIGTERM);
    EXPECT_EQ(c.wait(), 0) << slurp(err);
}

TEST(recv_dpdk, memory_replay_ends_after_the_frames_asked_for)
{
    // infinite_rx=1 loops the capture from memory; --dpdk.frames makes the run a replay of
    // exactly that many frames (bench/dpdk_replay.sh source memory): 3 passes of 80 messages.
    const std::string lcores = two_lcores();
    if (lcores.empty()) {
        GTEST_SKIP() << "needs two CPUs (one main lcore, one RX lcore)";
    }
    const auto lines = memory_replay(lcores, 40, 3, {});
    // The cpu: line: CPU seconds the RX lcore and the worker used (each measured on its own
    // thread), and the messages per worker CPU second derived from them.
    const auto value = [&lines](const char* key) {
        for (const std::string& l : lines) {
            const auto at = l.find(std::string(" ") + key + "=");
            if (l.rfind("udpnotif-recv-dpdk: cpu:", 0) == 0 && at != std::string::npos) {
                return std::strtod(l.c_str() + at + std::strlen(key) + 2, nullptr);
            }
        }
        return -1.0;
    };
    EXPECT_GT(value("rx_s"), 0.0);
    EXPECT_GT(value("workers_s"), 0.0);
    EXPECT_GE(value("producers_s"), 0.0);
    EXPECT_GT(value("worker_messages_per_cpu_s"), 0.0);
}

TEST(recv_dpdk, paced_replay_takes_frames_no_faster_than_asked)
{
    // --dpdk.pace-fps: the RX lcore takes frames at that rate (a NIC's offered load). 400
    // frames at 2000/s cannot take less than ~0.2 s from the first to the last frame (a lower
    // bound only: a loaded machine makes it longer, never shorter); at this low rate the
    // pipeline keeps up, so nothing is dropped (checked by memory_replay()).
    const std::string lcores = two_lcores();
    if (lcores.empty()) {
        GTEST_SKIP() << "needs two CPUs (one main lcore, one RX lcore)";
    }
    const std::uint64_t frames = 400;
    const auto lines = memory_replay(lcores, 100, 2, {"--dpdk.pace-fps", "2000"});
    double rx_active_s = 0; // printed with a fraction: read from the line itself
    for (const std::string& l : lines) {
        const auto at = l.find("rx_active_s=");
        if (l.rfind("udpnotif-recv-dpdk: rate:", 0) == 0 && at != std::string::npos) {
            rx_active_s = std::strtod(l.c_str() + at + 12, nullptr);
        }
    }
    EXPECT_GE(rx_active_s, 0.9 * double(frames - 1) / 2000.0);
}

TEST(recv_dpdk, bad_options_start_nothing)
{
    scratch tmp;
    const std::string err = (tmp.dir / "stderr").string();
    child c({env("UDPNOTIF_RECV_DPDK"), "--no-huge", "--", "--dpdk.burst", "0", "--dpdk.nope",
             "1", "--yang-dir", env("UDPN_YANG_DIR")},
            err);
    EXPECT_EQ(c.wait(), 2);
    const std::string text = slurp(err);
    EXPECT_NE(text.find("--dpdk.burst: bad value"), std::string::npos) << text;
    EXPECT_NE(text.find("--dpdk.nope: unknown DPDK option"), std::string::npos) << text;
}
