#include "dpdk-app/dump_options.hpp"

#include <cstring>
#include <optional>
#include <string_view>

namespace udpn::dpdk {

namespace {

/// A decimal number in [lo, hi]: digits only, no sign, no blanks.
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t lo,
                                          std::uint64_t hi) noexcept
{
    if (text.empty() || text.size() > 19) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v < lo || v > hi) {
        return std::nullopt;
    }
    return v;
}

std::vector<std::string> split_blanks(std::string_view text)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
            ++i;
        }
        if (i > start) {
            words.emplace_back(text.substr(start, i - start));
        }
    }
    return words;
}

struct numeric_option {
    const char* name;
    std::uint64_t lo;
    std::uint64_t hi;
};

// Ranges match reassembly::table's validation (PROTOCOL.md §2 knobs); the rest is sanity.
constexpr numeric_option opt_port{"--port", 1, 65535};
constexpr numeric_option opt_timeout{"--reassembly-timeout-ms", 1, 86'400'000};
constexpr numeric_option opt_segments{"--max-segments", 1, 32768};
constexpr numeric_option opt_bytes{"--max-message-bytes", 1, std::uint64_t{1} << 28};
constexpr numeric_option opt_pending{"--max-pending", 1, std::uint64_t{1} << 24};
constexpr const char* opt_eal = "--eal";
constexpr const char* opt_profile = "--profile";
constexpr const char* opt_yang_dir = "--yang-dir";
constexpr const char* opt_distribution = "--distribution";
constexpr const char* opt_topic_prefix = "--topic-prefix";

} // namespace

const char* dump_usage() noexcept
{
    return "usage: udpnotif-dump FILE.pcap [options]\n"
           "Reads an Ethernet capture through DPDK's pcap PMD, reassembles IP fragments and\n"
           "UDP-notif segments, and prints one JSON line per message, then a summary line.\n"
           "\n"
           "  --port N                    keep UDP datagrams to destination port N (default: all)\n"
           "  --reassembly-timeout-ms MS  drop messages (and IP datagrams) incomplete after MS\n"
           "                              of capture time (default 2000)\n"
           "  --max-segments N            most segments per message, 1..32768 (default 4096)\n"
           "  --max-message-bytes N       most payload octets per message (default 16777216)\n"
           "  --max-pending N             most messages being reassembled (default 4096)\n"
           "  --no-src-port-key           do not include the source port in the reassembly key\n"
           "  --eal \"ARGS\"                extra EAL arguments, blank-separated\n"
           "  --envelopes                 print one line per Kafka record instead:\n"
           "                              {\"topic\":..,\"key\":..|null,\"value\":<envelope>}, and\n"
           "                              worker counters in the summary (needs --yang-dir)\n"
           "  --profile seed|latest       standards profile of keys, topics, envelopes (seed)\n"
           "  --yang-dir DIR              YANG module directory (repeatable; required with\n"
           "                              --envelopes: none is shipped)\n"
           "  --distribution topic|subject  derived topic names or one topic (subject)\n"
           "  --topic-prefix P            organisation prefix of topic names\n"
           "  --no-key                    produce records with a null key\n"
           "  --help                      this text\n"
           "\n"
           "Exit status: 0 after a complete read, 1 when the file cannot be opened or EAL\n"
           "cannot start, 2 for a bad command line.\n";
}

std::string parse_dump_options(int argc, const char* const* argv, dump_options& out)
{
    std::vector<std::string> positional;
    bool options_done = false;
    std::string worker_option; // a worker option seen (they need --envelopes)
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            positional.emplace_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            continue;
        }
        if (arg == "--envelopes") {
            out.envelopes = true;
            continue;
        }
        if (arg == "--no-key") {
            out.no_key = true;
            worker_option = std::string(arg);
            continue;
        }
        if (arg == "--no-src-port-key") {
            out.reassembly.key_includes_src_port = false;
            continue;
        }
        // Options with a value: "--name value" or "--name=value".
        std::string_view name = arg;
        std::optional<std::string_view> value;
        if (const auto eq = arg.find('='); eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        const bool known = name == opt_port.name || name == opt_timeout.name ||
                           name == opt_segments.name || name == opt_bytes.name ||
                           name == opt_pending.name || name == opt_eal ||
                           name == opt_profile || name == opt_yang_dir ||
                           name == opt_distribution || name == opt_topic_prefix;
        if (!known) {
            return "unknown option '" + std::string(arg) + "'";
        }
        if (!value) {
            if (i + 1 >= argc) {
                return "option '" + std::string(name) + "' needs a value";
            }
            value = argv[++i];
        }
        if (name == opt_profile || name == opt_yang_dir || name == opt_distribution ||
            name == opt_topic_prefix) {
            worker_option = std::string(name);
        }
        if (name == opt_profile) {
            if (*value == "seed") {
                out.profile = key::profile::seed;
            } else if (*value == "latest") {
                out.profile = key::profile::latest;
            } else {
                return "option '--profile' needs 'seed' or 'latest', not '" + std::string(*value) +
                       "'";
            }
            continue;
        }
        if (name == opt_distribution) {
            if (*value == "topic") {
                out.distribution = key::topic_distribution::topic;
            } else if (*value == "subject") {
                out.distribution = key::topic_distribution::subject;
            } else {
                return "option '--distribution' needs 'topic' or 'subject', not '" +
                       std::string(*value) + "'";
            }
            continue;
        }
        if (name == opt_yang_dir) {
            if (value->empty()) {
                return "option '--yang-dir' needs a directory";
            }
            out.yang_dirs.emplace_back(*value);
            continue;
        }
        if (name == opt_topic_prefix) {
            out.topic_prefix = std::string(*value);
            continue;
        }
        if (name == opt_eal) {
            const auto words = split_blanks(*value);
            out.extra_eal.insert(out.extra_eal.end(), words.begin(), words.end());
            continue;
        }
        for (const numeric_option& opt :
             {opt_port, opt_timeout, opt_segments, opt_bytes, opt_pending}) {
            if (name != opt.name) {
                continue;
            }
            const auto v = parse_number(*value, opt.lo, opt.hi);
            if (!v) {
                return "option '" + std::string(name) + "' needs a whole number in " +
                       std::to_string(opt.lo) + ".." + std::to_string(opt.hi) + ", not '" +
                       std::string(*value) + "'";
            }
            if (name == opt_port.name) {
                out.port = static_cast<std::uint16_t>(*v);
            } else if (name == opt_timeout.name) {
                out.reassembly.timeout_ns = *v * 1'000'000;
            } else if (name == opt_segments.name) {
                out.reassembly.max_segments_per_message = static_cast<std::uint32_t>(*v);
            } else if (name == opt_bytes.name) {
                out.reassembly.max_message_bytes = static_cast<std::size_t>(*v);
            } else {
                out.reassembly.max_pending_messages = static_cast<std::uint32_t>(*v);
            }
        }
    }
    if (out.help) {
        return {};
    }
    if (!worker_option.empty() && !out.envelopes) {
        return "option '" + worker_option + "' needs --envelopes";
    }
    if (out.envelopes && out.yang_dirs.empty()) {
        return "--envelopes needs --yang-dir DIR: the YANG modules subscription filters are "
               "resolved against (no default directory is shipped)";
    }
    if (positional.empty()) {
        return "missing capture file (FILE.pcap)";
    }
    if (positional.size() > 1) {
        return "more than one capture file given ('" + positional[0] + "', '" + positional[1] +
               "')";
    }
    if (positional[0] == "-") {
        return "reading a capture from standard input is not supported";
    }
    out.pcap_path = positional[0];
    return {};
}

} // namespace udpn::dpdk
