/// \file
/// udpnotif-consume: reads telemetry messages back from Kafka and prints one JSON line per
/// record (PROTOCOL.md §6 steps 9-12, the YANG Message Broker Consumer):
///   {"topic":..,"partition":..,"offset":..,"timestamp_ms":..,"key":"..."|null,
///    "headers":{"content-type":"application/yang-data+json",...},
///    "envelope":{...}            the value when it is JSON, else "value":"<text>" | null
///    [,"valid":true|false[,"error":"..."]]}   with --validate
/// Header values are JSON strings when every byte is printable ASCII, else "0x" + hex (the
/// 4-byte big-endian `schema-id` of PROTOCOL.md §11.22 prints as "0x00000001").
/// Two ways to read:
/// - `--topic T` (repeatable): a group subscription; `^regex` names a pattern
///   (`'^project\.env\.states\.yang\..*'`, PROTOCOL.md §8.1), matched by librdkafka against the
///   cluster's topics, new ones included;
/// - `--topic T --key K`: the draft's consumer (PROTOCOL.md §10): partition =
///   (murmur2(K) & 0x7fffffff) mod N with N from the topic's metadata; reads only that
///   partition (no group) and prints only records whose key is K.
/// `--validate` checks each value against the YANG modules of --profile with libyang
/// (src/validate; --yang-dir folders, for seed the one with the 2025-04-17 revisions first).
/// Ends after --count records, after --idle-ms without a record, or on SIGINT/SIGTERM; then
/// prints a summary line on stderr (records, printed, other_keys, not_json, invalid, errors).
/// Exit status: 0 done, 1 Kafka or YANG set-up failed, 2 bad command line, 3 --validate found
/// an invalid record (or a record that is not JSON).

#include "envelope/json_writer.hpp"
#include "kafka/consumer.hpp"
#include "kafka/errors.hpp"
#include "key/murmur2.hpp"
#include "validate/envelope_validator.hpp"

#include <CLI/CLI.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

std::atomic<bool> stop_requested{false};

void on_signal(int)
{
    stop_requested.store(true);
}

void append_header_value(std::string& out, const std::string& v)
{
    bool printable = true;
    for (unsigned char ch : v) {
        printable = printable && ch >= 0x20 && ch < 0x7f;
    }
    if (printable) {
        udpn::envelope::append_json_string(out, v);
        return;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += "\"0x";
    for (unsigned char ch : v) {
        out += hex[ch >> 4];
        out += hex[ch & 15];
    }
    out += '"';
}

struct counts {
    std::uint64_t records = 0, printed = 0, other_keys = 0, not_json = 0, invalid = 0, errors = 0;
};

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"udpnotif-consume: read telemetry messages from Kafka (topics, ^regex patterns, "
                 "or the partition of one key) and print one JSON line per record; --validate "
                 "checks each against its YANG modules with libyang."};
    udpn::kafka::consumer_config cfg;
    std::vector<std::string> topics;
    std::optional<std::string> key;
    bool validate = false;
    std::string profile_name = "seed";
    std::vector<std::string> yang_dirs;
    std::uint64_t max_count = 0;
    long idle_ms = 0;
    std::string from = "beginning";
    std::vector<std::string> props;
    app.add_option("--brokers,-b", cfg.brokers, "Kafka bootstrap servers host:port,...")
        ->required();
    app.add_option("--topic,-t", topics, "Topic, or ^regex pattern (repeatable)")->required();
    app.add_option("--key,-k", key,
                   "Read only the partition murmur2(KEY) mod N of the one --topic and print "
                   "only records with this key (\\n in KEY stands for a line feed)");
    app.add_option("--group,-g", cfg.group, "Consumer group of subscriptions")
        ->capture_default_str();
    app.add_option("--from", from, "Where to start without committed offsets")
        ->check(CLI::IsMember({"beginning", "end"}))
        ->capture_default_str();
    app.add_flag("--commit", cfg.commit, "Commit offsets to the group (default: leave them)");
    app.add_option("--count,-c", max_count, "Stop after this many printed records (0: no limit)");
    app.add_option("--idle-ms", idle_ms, "Stop after this long without a record (0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--validate", validate, "Check each record against its YANG modules (libyang)");
    app.add_option("--profile", profile_name, "Envelope profile for --validate: seed or latest")
        ->check(CLI::IsMember({"seed", "latest"}))
        ->capture_default_str();
    app.add_option("--yang-dir", yang_dirs, "YANG search folder for --validate (repeatable)");
    app.add_option("-X", props, "librdkafka property NAME=VALUE (repeatable)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (key && (topics.size() != 1 || topics.front().starts_with("^"))) {
        std::fprintf(stderr, "udpnotif-consume: --key needs exactly one --topic, not a pattern\n");
        return 2;
    }
    if (validate && yang_dirs.empty()) {
        std::fprintf(stderr, "udpnotif-consume: --validate needs --yang-dir\n");
        return 2;
    }
    for (const std::string& p : props) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "udpnotif-consume: -X %s: expected NAME=VALUE\n", p.c_str());
            return 2;
        }
        cfg.properties.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    }
    if (key) {
        std::string k; // a key of the latest profile has line feeds (PROTOCOL.md §7.3)
        for (std::size_t i = 0; i < key->size(); ++i) {
            if ((*key)[i] == '\\' && i + 1 < key->size() && (*key)[i + 1] == 'n') {
                k += '\n';
                ++i;
            } else {
                k += (*key)[i];
            }
        }
        key = k;
    }
    cfg.start = from == "end" ? udpn::kafka::start_at::end : udpn::kafka::start_at::beginning;

    std::unique_ptr<udpn::validate::envelope_validator> validator;
    if (validate) {
        try {
            validator = std::make_unique<udpn::validate::envelope_validator>(
                profile_name == "latest" ? udpn::envelope::profile::latest
                                         : udpn::envelope::profile::seed,
                yang_dirs);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "udpnotif-consume: YANG modules: %s\n", e.what());
            return 1;
        }
    }

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    counts n;
    try {
        udpn::kafka::consumer c(cfg);
        if (key) {
            const auto parts = c.partition_count(topics.front(), std::chrono::seconds(10));
            if (!parts) {
                std::fprintf(stderr,
                             "udpnotif-consume: topic %s: no partition count (no such topic, or "
                             "the cluster did not answer in 10 s)\n",
                             topics.front().c_str());
                return 1;
            }
            const std::uint32_t p =
                udpn::key::partition_for(*key, static_cast<std::uint32_t>(*parts));
            std::fprintf(stderr, "udpnotif-consume: key -> partition %u of %d (murmur2)\n", p,
                         *parts);
            c.assign(topics.front(), static_cast<std::int32_t>(p));
        } else {
            c.subscribe(topics);
        }
        using clock = std::chrono::steady_clock;
        auto last = clock::now();
        std::string line;
        while (!stop_requested.load() && (max_count == 0 || n.printed < max_count)) {
            if (idle_ms > 0 && clock::now() - last > std::chrono::milliseconds(idle_ms)) {
                break;
            }
            udpn::kafka::poll_result r = c.poll(std::chrono::milliseconds(100));
            if (!r.error.empty()) {
                ++n.errors;
                std::fprintf(stderr, "udpnotif-consume: %s\n", r.error.c_str());
                if (r.fatal) {
                    return 1;
                }
                continue;
            }
            if (!r.record) {
                continue;
            }
            last = clock::now();
            const udpn::kafka::consumed& m = *r.record;
            ++n.records;
            if (key && m.key != *key) {
                ++n.other_keys;
                continue;
            }
            line.clear();
            line += "{\"topic\":";
            udpn::envelope::append_json_string(line, m.topic);
            line += ",\"partition\":" + std::to_string(m.partition);
            line += ",\"offset\":" + std::to_string(m.offset);
            line += ",\"timestamp_ms\":" + std::to_string(m.timestamp_ms);
            line += ",\"key\":";
            if (m.key) {
                udpn::envelope::append_json_string(line, *m.key);
            } else {
                line += "null";
            }
            line += ",\"headers\":{";
            for (std::size_t i = 0; i < m.headers.size(); ++i) {
                line += i ? "," : "";
                udpn::envelope::append_json_string(line, m.headers[i].first);
                line += ':';
                append_header_value(line, m.headers[i].second);
            }
            line += '}';
            const std::string problem =
                m.value ? udpn::validate::json_problem(*m.value) : "null value";
            if (problem.empty()) {
                line += ",\"envelope\":";
                line += *m.value;
            } else {
                ++n.not_json;
                line += ",\"value\":";
                if (m.value) {
                    udpn::envelope::append_json_string(line, *m.value);
                } else {
                    line += "null";
                }
            }
            if (validator) {
                const std::string error =
                    problem.empty() ? validator->validate(*m.value) : "not JSON: " + problem;
                if (error.empty()) {
                    line += ",\"valid\":true";
                } else {
                    ++n.invalid;
                    line += ",\"valid\":false,\"error\":";
                    udpn::envelope::append_json_string(line, error);
                }
            }
            line += "}\n";
            std::fputs(line.c_str(), stdout);
            std::fflush(stdout);
            ++n.printed;
        }
    } catch (const udpn::kafka::startup_error& e) {
        std::fprintf(stderr, "udpnotif-consume: %s\n", e.what());
        return 1;
    }
    std::fprintf(
        stderr,
        "udpnotif-consume: records %llu printed %llu other_keys %llu not_json %llu "
        "invalid %llu errors %llu\n",
        static_cast<unsigned long long>(n.records), static_cast<unsigned long long>(n.printed),
        static_cast<unsigned long long>(n.other_keys), static_cast<unsigned long long>(n.not_json),
        static_cast<unsigned long long>(n.invalid), static_cast<unsigned long long>(n.errors));
    return validator && n.invalid > 0 ? 3 : 0;
}
