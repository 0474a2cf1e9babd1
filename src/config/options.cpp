// The option table: one row per setting of udpnotif-recv. Each row reads and writes one field
// (or a few fields that are one setting) of receiver_config; defaults are never restated here,
// they are whatever a default-constructed receiver_config holds. Docs are taken from the
// fields' doc comments in the modules' config.hpp files.
#include "config/options.hpp"

#include "config/row_builders.hpp"
#include "config/table.hpp"
#include "input/allowlist.hpp"
#include "kafka/config.hpp"
#include "key/config.hpp"
#include "net/endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>

namespace udpn::config {

const char* to_string(log_level l) noexcept
{
    switch (l) {
    case log_level::trace: return "trace";
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
    }
    return "info";
}

const char* to_string(log_format f) noexcept
{
    return f == log_format::json ? "json" : "text";
}

namespace detail {

namespace {

/// A field accessor: a generic lambda returning a reference into the config, so one accessor
/// serves loading (non-const) and saving (const).
#define FIELD(member)                                                                              \
    [](auto& c) -> auto&                                                                           \
    {                                                                                              \
        return c.member;                                                                           \
    }

// ---- special values -------------------------------------------------------------------------

/// Splits `ADDR:PORT`, `[V6ADDR]:PORT` or `:PORT`. @return the problem text, or empty.
std::string split_host_port(const std::string& text, std::string& host, unsigned& port)
{
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        return quoted(text) + " is not ADDR:PORT, [V6ADDR]:PORT or :PORT";
    }
    host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return quoted(text) + ": write an IPv6 address in brackets, [" + host + "]:PORT";
    }
    const std::string p = text.substr(colon + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || port > 65535) {
        return quoted(text) + ": the port must be a number 0..65535";
    }
    return {};
}

std::string format_host_port(const std::string& host, unsigned port)
{
    if (host.find(':') != std::string::npos) {
        return "[" + host + "]:" + std::to_string(port);
    }
    return host + ":" + std::to_string(port);
}

/// input.listen: the pipeline's address and port, one setting.
/// An `ADDR:PORT` row onto the address and port fields \p field gives (generic accessor:
/// `[](auto& c) -> auto& { return c.pipeline; }` for pipeline.address / pipeline.port).
template <class F> row listen_row(std::string key, std::string doc, F field)
{
    row r;
    r.key = std::move(key);
    r.type = kind::string;
    r.constraint = "ADDR:PORT | [V6ADDR]:PORT | :PORT";
    r.doc = std::move(doc);
    r.load = [field](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_string();
        if (v == nullptr) {
            return type_error("a string (ADDR:PORT)", node);
        }
        std::string host;
        unsigned port = 0;
        if (std::string why = split_host_port(v->get(), host, port); !why.empty()) {
            return fail(std::move(why), &node);
        }
        if (host.empty()) {
            host = "::";
        }
        if (net::ip_address::parse(host.c_str()).fam == net::ip_address::family::none) {
            return fail(quoted(host) + " is not an IPv4 or IPv6 address", &node);
        }
        field(cfg).address = host;
        field(cfg).port = static_cast<std::uint16_t>(port);
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", format_host_port(field(cfg).address, field(cfg).port));
    };
    return r;
}

std::string check_metrics_listen(const std::string& text)
{
    if (text.empty()) {
        return {};
    }
    std::string host;
    unsigned port = 0;
    if (std::string why = split_host_port(text, host, port); !why.empty()) {
        return why;
    }
    if (host.empty()) {
        return quoted(text) + ": name the address (0.0.0.0:PORT or [::]:PORT for every one)";
    }
    if (port == 0) {
        return quoted(text) + ": the port must be 1..65535";
    }
    return {};
}

std::string check_registry_url(const std::string& text)
{
    if (text.empty() || text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0) {
        return {};
    }
    return quoted(text) + " is not an http:// or https:// URL (empty = no registry)";
}

std::string check_cidr(const std::string& text)
{
    const auto parsed = input::cidr::parse(text);
    if (!parsed) {
        return quoted(text) + " is not an address or CIDR (" + input::to_string(parsed.error()) +
               ")";
    }
    return {};
}

/// kafka.properties: a table of librdkafka properties. Nested tables are joined with dots, so
/// `security.protocol = "SSL"` (a dotted TOML key) and `"security.protocol" = "SSL"` both name
/// the property `security.protocol`. Integers and booleans are taken as their text.
failure flatten_properties(const toml::table& table, const std::string& prefix,
                           std::map<std::string, std::string>& out)
{
    for (auto&& [k, v] : table) {
        const std::string name = prefix + std::string(k.str());
        if (const auto* t = v.as_table()) {
            if (failure f = flatten_properties(*t, name + ".", out); !f.ok()) {
                return f;
            }
        } else if (const auto* s = v.as_string()) {
            out[name] = s->get();
        } else if (const auto* i = v.as_integer()) {
            out[name] = std::to_string(i->get());
        } else if (const auto* b = v.as_boolean()) {
            out[name] = b->get() ? "true" : "false";
        } else {
            return type_error("a string", v, "." + name);
        }
    }
    return {};
}

row kafka_properties_row()
{
    row r;
    r.key = "kafka.properties";
    r.type = kind::string_table;
    r.secret_values = true;
    r.doc = "Any other librdkafka property (security.protocol, sasl.*, ssl.*, acks, debug, "
            "...), applied after the kafka keys above; \"@PATH\" reads the value from a file "
            "(secrets), \"@@\" is a literal \"@\".";
    r.example = "\"security.protocol\" = \"SASL_SSL\"\n\"sasl.mechanisms\" = \"PLAIN\"\n"
                "\"sasl.username\" = \"receiver\"\n"
                "\"sasl.password\" = \"@/etc/udpnotif-recv/kafka.password\"";
    r.load = [](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* t = node.as_table();
        if (t == nullptr) {
            return type_error("a table of strings", node);
        }
        std::map<std::string, std::string> flat;
        if (failure f = flatten_properties(*t, "", flat); !f.ok()) {
            return f;
        }
        std::vector<kafka::property> props;
        for (auto& [name, value] : flat) {
            props.push_back(kafka::property{name, std::move(value), nullptr});
        }
        cfg.pipeline.kafka.properties = std::move(props);
        return {};
    };
    r.save = [](const receiver_config& cfg, toml::table& out) {
        toml::table t;
        for (const kafka::property& p : cfg.pipeline.kafka.properties) {
            t.insert_or_assign(p.name, p.value);
        }
        out.insert_or_assign("v", std::move(t));
    };
    return r;
}

/// kafka.content_type: the header the worker stage sets (worker_config::content_type); the
/// pipeline ignores kafka_config::content_type, which is kept equal for consistency.
row content_type_row()
{
    row r = string_row("kafka.content_type", FIELD(pipeline.worker.content_type),
                       "Value of the content-type header of every envelope record.");
    r.load = [](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_string();
        if (v == nullptr) {
            return type_error("a string", node);
        }
        cfg.pipeline.worker.content_type = v->get();
        cfg.pipeline.kafka.content_type = v->get();
        return {};
    };
    return r;
}

/// envelope.data_collection_manifest.vendor_pen: an optional number, 0 = absent (PEN 0 is
/// reserved, so it never names a vendor).
row vendor_pen_row()
{
    row r;
    r.key = "envelope.data_collection_manifest.vendor_pen";
    r.type = kind::integer;
    r.constraint = "0.." + std::to_string(UINT32_MAX);
    r.doc = "The collector's own IANA Private Enterprise Number (vendor-pen leaf); 0 = absent.";
    r.load = [](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_integer();
        if (v == nullptr) {
            return type_error("an integer", node);
        }
        if (v->get() < 0 || v->get() > UINT32_MAX) {
            return fail(std::to_string(v->get()) + " is out of range 0.." +
                            std::to_string(UINT32_MAX),
                        &node);
        }
        auto& pen = cfg.pipeline.worker.envelope.data_collection_manifest.vendor_pen;
        if (v->get() == 0) {
            pen.reset();
        } else {
            pen = static_cast<std::uint32_t>(v->get());
        }
        return {};
    };
    r.save = [](const receiver_config& cfg, toml::table& out) {
        const auto& pen = cfg.pipeline.worker.envelope.data_collection_manifest.vendor_pen;
        out.insert_or_assign("v", static_cast<std::int64_t>(pen.value_or(0)));
    };
    return r;
}

// ---- enumeration names ----------------------------------------------------------------------

const names_of<key::profile> key_profiles = {{"seed", key::profile::seed},
                                             {"latest", key::profile::latest}};
const names_of<envelope::profile> envelope_profiles = {{"seed", envelope::profile::seed},
                                                       {"latest", envelope::profile::latest}};
const names_of<key::key_format> key_formats = {{"legacy_index", key::key_format::legacy_index},
                                               {"ietf_02", key::key_format::ietf_02}};
const names_of<key::topic_scheme> topic_schemes = {{"netana", key::topic_scheme::netana},
                                                   {"ietf_02", key::topic_scheme::ietf_02}};
const names_of<key::topic_distribution> distributions = {
    {"subject", key::topic_distribution::subject}, {"topic", key::topic_distribution::topic}};
const names_of<key::distribution_type> type_levels = {
    {"none", key::distribution_type::none},
    {"subscription_type", key::distribution_type::subscription_type}};
const names_of<key::subscription_type> subscription_types = {
    {"periodic", key::subscription_type::periodic},
    {"on_change", key::subscription_type::on_change},
    {"on_change_sync", key::subscription_type::on_change_sync},
    {"on_change_sync_compacted", key::subscription_type::on_change_sync_compacted}};
const names_of<registry::subject_strategy> subject_strategies = {
    {"module", registry::subject_strategy::module},
    {"topic", registry::subject_strategy::topic},
    {"topic-module", registry::subject_strategy::topic_module}};
const names_of<registry::header_format> header_formats = {
    {"binary", registry::header_format::binary}, {"text", registry::header_format::text}};
const names_of<log_level> log_levels = {{"trace", log_level::trace},
                                        {"debug", log_level::debug},
                                        {"info", log_level::info},
                                        {"warn", log_level::warn},
                                        {"error", log_level::error}};
const names_of<log_format> log_formats = {{"text", log_format::text}, {"json", log_format::json}};

// ---- the table ------------------------------------------------------------------------------

constexpr std::int64_t cpu_max = 4095; // CPU numbers; -1 = unpinned

std::vector<row> make_rows()
{
    std::vector<row> t;
    using kafka::kafka_config;

    // Top level: the program itself.
    t.push_back(seconds_row("stats_interval_s", FIELD(stats_interval_s),
                            "Seconds between rate lines on stderr; 0 = no rate line."));
    t.push_back(seconds_row("duration_s", FIELD(duration_s),
                            "Stop after this many seconds; 0 = run until SIGINT or SIGTERM."));
    t.push_back(string_row(
        "dead_letter_topic", FIELD(pipeline.worker.dead_letter_topic),
        "Topic of undecodable payloads, forwarded raw (counted); empty = they are dropped "
        "(counted). A legal Kafka topic name when set."));
    t.push_back(table_list_row(
        "node_names", FIELD(pipeline.worker.node_names),
        "Network node names by exporter address, used in keys when a notification has no "
        "envelope hostname and the exporter no node manifest name (PROTOCOL.md §11.13).",
        "[{ address = \"192.0.2.1\", name = \"router-1\" }]",
        "{ address = IP, name = STRING }, addresses unique",
        [](table_reader& in, worker::node_name_entry& e) {
            in.address("address", e.exporter);
            in.string("name", e.name, true);
        },
        [](const worker::node_name_entry& e, toml::table& out) {
            out.insert_or_assign("address", e.exporter.to_string());
            out.insert_or_assign("name", e.name);
        }));

    // [input]: kernel sockets and the RX threads.
    t.push_back(listen_row(
        "input.listen",
        "Local address and UDP port every RX socket binds (SO_REUSEPORT); \"[::]:PORT\" also "
        "receives IPv4, \":PORT\" means every address; port 0 takes an ephemeral port (printed "
        "at start).",
        [](auto& c) -> auto& { return c.pipeline; }));
    t.push_back(integer_row("input.rx_threads", FIELD(pipeline.n_rx), 1, 64,
                            "RX threads, each with its own socket (SO_REUSEPORT), reassembly "
                            "table and buffer pool."));
    t.push_back(integer_list_row("input.cpus", FIELD(pipeline.rx_cpus), -1, cpu_max,
                                 "CPU to pin RX thread i to (entry i); missing entries or -1 = "
                                 "unpinned."));
    t.push_back(string_list_row(
        "input.allowlist", FIELD(pipeline.rx.source_allowlist),
        "Exporter addresses accepted, as CIDRs (\"192.0.2.0/24\", \"2001:db8::/32\", "
        "\"10.0.0.1\"); empty = every source. Others are counted and dropped before parsing.",
        check_cidr));
    t.push_back(integer_row("input.tick_interval_ms", FIELD(pipeline.rx_loop.tick_interval_ns), 1,
                            60'000,
                            "Reassembly expiry runs when at least this much time passed since "
                            "its last run, in each RX thread, milliseconds.",
                            1'000'000));

    // [socket]: options of every RX socket.
    t.push_back(integer_row("socket.rcvbuf_bytes", FIELD(pipeline.socket.rcvbuf_bytes), 0,
                            INT_MAX / 2,
                            "SO_RCVBUF of each RX socket, octets; 0 = system default. Linux caps "
                            "it at net.core.rmem_max unless socket.rcvbuf_force succeeds."));
    t.push_back(boolean_row("socket.rcvbuf_force", FIELD(pipeline.socket.rcvbuf_force),
                            "Try SO_RCVBUFFORCE first (needs CAP_NET_ADMIN, ignores rmem_max); "
                            "falls back to SO_RCVBUF when not permitted."));
    t.push_back(boolean_row("socket.v6only", FIELD(pipeline.socket.v6only),
                            "IPv6 sockets only: IPV6_V6ONLY; false also receives IPv4."));
    t.push_back(integer_row("socket.receive_timeout_ms", FIELD(pipeline.socket.receive_timeout_ms),
                            1, 10'000,
                            "Longest wait of a receive call for the first datagram of a burst, "
                            "milliseconds (the RX thread sees its stop flag in between)."));
    t.push_back(integer_row(
        "socket.receive_nap_us", FIELD(pipeline.rx_loop.nap_max_ns), 0, 100'000,
        "Longest nap of a UDP RX thread (not the DTLS one) after a receive burst that came "
        "back short, so that it "
        "wakes once per nap instead of once per datagram, microseconds; 0 = no nap. The nap "
        "adapts (doubles after short bursts, halves after long ones, stops on kernel drops) and "
        "lets at most a quarter of the socket buffer queue as the last burst goes; it adds up "
        "to its length to latency, and a burst after a quiet spell (a periodic "
        "subscription's dump) must fit the socket buffer for one nap. 300-1000 cut the RX "
        "thread's CPU per message by about a quarter at 100k msg/s (bench/README.md).",
        1'000));
    t.push_back(boolean_row("socket.kernel_timestamps", FIELD(pipeline.socket.kernel_timestamps),
                            "SO_TIMESTAMPNS: take each datagram's time from the kernel instead "
                            "of one clock read per burst."));
    t.push_back(integer_row("socket.recv_burst", FIELD(pipeline.recvmmsg.burst), 1, 1024,
                            "Datagrams one recvmmsg call can return."));
    t.push_back(integer_row("socket.max_datagram_bytes", FIELD(pipeline.recvmmsg.max_datagram), 1,
                            65535,
                            "Largest datagram kept whole, octets; a longer one is cut and "
                            "counted truncated. Memory = recv_burst * max_datagram_bytes."));
    t.push_back(boolean_row(
        "socket.receive_into_pool", FIELD(pipeline.recvmmsg.receive_into_pool),
        "Receive straight into the RX thread's message buffers: a whole message whose datagram "
        "fits the smallest buffer class goes to the worker without a copy of its payload "
        "(longer ones are copied). The receive slots hold recv_burst buffers of the pool. UDP "
        "RX threads only (not the DTLS one)."));

    // [dtls]: the DTLS listener (PROTOCOL.md §1.3), beside the plain one.
    t.push_back(boolean_row("dtls.enabled", FIELD(pipeline.dtls.enabled),
                            "Run a DTLS 1.2 listener (one more RX thread) on dtls.listen, beside "
                            "the plain listener; needs dtls.ca_file, dtls.cert_file and "
                            "dtls.key_file."));
    t.push_back(listen_row(
        "dtls.listen",
        "Local address and UDP port of the DTLS listener's socket, as input.listen; the port "
        "must differ from the plain one (port 0 takes an ephemeral port, printed at start).",
        [](auto& c) -> auto& { return c.pipeline.dtls; }));
    t.push_back(string_choice_row(
        "dtls.version", FIELD(pipeline.dtls.version), {"1.2", "1.3"},
        "DTLS version. Only 1.2 works: the packaged OpenSSL 3.0 has no DTLS 1.3, and 1.3 is "
        "refused at start-up with a message saying so."));
    t.push_back(string_row("dtls.ca_file", FIELD(pipeline.dtls.ca_file),
                           "PEM file of the CA certificates exporter certificates must chain to "
                           "(every exporter must present a certificate)."));
    t.push_back(string_row("dtls.cert_file", FIELD(pipeline.dtls.cert_file),
                           "PEM file of the receiver's certificate (chain)."));
    t.push_back(string_row("dtls.key_file", FIELD(pipeline.dtls.key_file),
                           "PEM file of the receiver's private key."));
    t.push_back(string_list_row(
        "dtls.pinned_sha256", FIELD(pipeline.dtls.pinned_sha256),
        "SHA-256 fingerprints of the exporter certificates accepted (hex, colons optional, as "
        "`openssl x509 -fingerprint -sha256` prints them); empty = every certificate that "
        "chains to dtls.ca_file."));
    t.push_back(integer_row("dtls.max_sessions", FIELD(pipeline.dtls.max_sessions), 1,
                            1'000'000,
                            "Most DTLS sessions at once (handshaking and established); a new "
                            "exporter beyond it is refused (counted)."));
    t.push_back(integer_row("dtls.max_handshakes", FIELD(pipeline.dtls.max_handshakes), 1,
                            1'000'000,
                            "Most handshakes in progress at once (after a verified cookie); "
                            "beyond it a new one is refused (counted)."));
    t.push_back(integer_row("dtls.handshake_timeout_ms", FIELD(pipeline.dtls.handshake_timeout_ms),
                            1, 600'000,
                            "A handshake not finished this long after its verified ClientHello "
                            "is dropped (counted), milliseconds."));
    t.push_back(integer_row("dtls.idle_timeout_s", FIELD(pipeline.dtls.idle_timeout_s), 1,
                            86'400,
                            "An established session with no record for this long is closed "
                            "with close_notify (counted), seconds (PROTOCOL.md §1.3: 10 min)."));
    t.push_back(integer_row("dtls.mtu", FIELD(pipeline.dtls.mtu), 576, 65535,
                            "Path MTU of the records the receiver sends (handshake flights), "
                            "octets."));
    t.push_back(integer_row("dtls.cookie_secret_lifetime_s",
                            FIELD(pipeline.dtls.cookie_secret_lifetime_s), 1, 86'400,
                            "The stateless cookies' secret is replaced by a random one this "
                            "often, seconds (RFC 6347 §4.2.1); cookies of the previous one still "
                            "verify."));

    // [header]: UDP-notif header checks.
    t.push_back(boolean_row("header.accept_version0", FIELD(pipeline.rx.parse.accept_version0),
                            "Also accept Ver = 0 with the v1 layout (udp-notif -01..-06 "
                            "publishers, PROTOCOL.md §11.4)."));
    t.push_back(boolean_row("header.accept_private_media",
                            FIELD(pipeline.rx.parse.accept_private_media),
                            "Accept S = 1 (private media types; PROTOCOL.md §11.6)."));
    t.push_back(boolean_row("header.accept_unassigned_media",
                            FIELD(pipeline.rx.parse.accept_unassigned_media),
                            "Accept S = 0 with an unassigned media type (4..15)."));

    // [reassembly]: segment reassembly limits, per RX thread.
    t.push_back(integer_row("reassembly.timeout_ms", FIELD(pipeline.rx.reassembly.timeout_ns), 1,
                            3'600'000,
                            "Drop a message still incomplete this long after its first segment, "
                            "milliseconds (counted expired).",
                            1'000'000));
    t.push_back(integer_row("reassembly.max_segments",
                            FIELD(pipeline.rx.reassembly.max_segments_per_message), 1, 32768,
                            "Most segments one message may have."));
    t.push_back(integer_row("reassembly.max_message_bytes",
                            FIELD(pipeline.rx.reassembly.max_message_bytes), 1, int64_max,
                            "Most payload octets one reassembled message may have."));
    t.push_back(integer_row("reassembly.max_pending",
                            FIELD(pipeline.rx.reassembly.max_pending_messages), 1, 16'777'216,
                            "Most messages being reassembled at once; beyond it the oldest is "
                            "evicted (counted)."));
    t.push_back(integer_row("reassembly.max_total_bytes",
                            FIELD(pipeline.rx.reassembly.max_total_bytes), 1, int64_max,
                            "Most octets of segment payloads held, pending or cached; the oldest "
                            "pending messages are evicted to stay under it."));
    t.push_back(integer_row("reassembly.finished_memory",
                            FIELD(pipeline.rx.reassembly.finished_memory), 0, 16'777'216,
                            "Recently finished messages remembered for the timeout, so a late "
                            "segment counts as late, not as a new message; 0 = off."));
    t.push_back(boolean_row("reassembly.key_includes_src_port",
                            FIELD(pipeline.rx.reassembly.key_includes_src_port),
                            "The reassembly key includes the source port (PROTOCOL.md §11.1); "
                            "false for publishers that vary their source port."));

    // [gaps]: Message ID gap accounting.
    t.push_back(integer_row("gaps.max_streams", FIELD(pipeline.rx.gap_max_streams), 1, 16'777'216,
                            "Most (exporter, publisher id) streams tracked for Message ID gaps, "
                            "per RX thread."));
    t.push_back(integer_row("gaps.max_gap", FIELD(pipeline.rx.gap_max_gap), 1, UINT32_MAX,
                            "A forward Message ID jump larger than this counts as a publisher "
                            "restart, not as loss."));

    // [pool]: message buffers of each RX thread.
    t.push_back(table_list_row(
        "pool.classes", FIELD(pipeline.rx.pool.classes),
        "Message buffer size classes of each RX thread: count buffers of capacity payload "
        "octets, all allocated at start; the largest class bounds the message size (keep it >= "
        "reassembly.max_message_bytes if no message may be dropped for size).",
        "", "{ capacity = OCTETS, count = N }, at least one",
        [](table_reader& in, input::buffer_class& c) {
            in.integer("capacity", 1, std::int64_t{1} << 32, c.capacity, true);
            in.integer("count", 1, std::int64_t{1} << 24, c.count, true);
        },
        [](const input::buffer_class& c, toml::table& out) {
            out.insert_or_assign("capacity", static_cast<std::int64_t>(c.capacity));
            out.insert_or_assign("count", static_cast<std::int64_t>(c.count));
        },
        true));

    // [workers]
    t.push_back(integer_row("workers.count", FIELD(pipeline.n_workers), 1, 256,
                            "Worker threads (decode, subscription table, key, envelope); all "
                            "messages of one exporter go to one worker."));
    t.push_back(integer_list_row("workers.cpus", FIELD(pipeline.worker_cpus), -1, cpu_max,
                                 "CPU to pin worker thread w to (entry w); missing entries or -1 "
                                 "= unpinned."));
    t.push_back(integer_row("workers.queue_capacity", FIELD(pipeline.worker_queue_capacity), 1,
                            std::int64_t{1} << 24,
                            "Messages the queue from one RX thread to one worker holds."));
    t.push_back(integer_row("workers.handoff_batch", FIELD(pipeline.handoff_batch), 1, 1024,
                            "Most messages (records, returned buffers) one queue operation "
                            "hands over; a batch closes at the end of each receive burst, so "
                            "it adds no latency. 1 = a queue operation per message."));
    t.push_back(integer_row("workers.queue_full_wait_us", FIELD(pipeline.queue_full_wait_us), 0,
                            10'000'000,
                            "How long an RX thread waits for room in a full worker queue before "
                            "it drops the message (counted), microseconds; 0 = drop at once."));
    t.push_back(integer_row("workers.idle_wait_us", FIELD(pipeline.idle_wait_us), 10, 100'000,
                            "Longest sleep of an idle worker or producer thread, microseconds: "
                            "without wake_on_handoff, the latency a quiet pipeline adds per "
                            "stage (traded for fewer wake-ups per message)."));
    t.push_back(boolean_row("workers.wake_on_handoff", FIELD(pipeline.wake_on_handoff),
                            "Wake the sleeping worker / producer thread at each hand-off: about "
                            "0.1 ms arrival-to-produce latency instead of about 1 ms, for more "
                            "CPU per message (a wake-up per hand-off below saturation)."));
    t.push_back(integer_row("workers.drain_timeout_ms", FIELD(pipeline.drain_timeout_ms), 0,
                            3'600'000,
                            "At stop: longest time the workers spend emptying their queues, "
                            "milliseconds."));
    t.push_back(integer_row("workers.max_payload_bytes", FIELD(pipeline.worker.max_payload_bytes),
                            1, int64_max, "Largest payload the decoder accepts, octets."));

    // [xml], [cbor]: the transcoders of media types 2 and 3 (PROTOCOL.md §1), one per worker.
    t.push_back(integer_row("xml.max_input_bytes", FIELD(pipeline.worker.xml.max_input_bytes), 1,
                            int64_max,
                            "Largest XML payload the transcoder accepts, octets (checked before "
                            "parsing; counted transcode_failed/too_large)."));
    t.push_back(integer_row("xml.max_output_bytes", FIELD(pipeline.worker.xml.max_output_bytes),
                            1, int64_max,
                            "Largest JSON text the XML transcoder writes, octets "
                            "(output_too_large)."));
    t.push_back(integer_row("xml.max_depth", FIELD(pipeline.worker.xml.max_depth), 1, 1024,
                            "Deepest element nesting, wrappers included, checked before libyang "
                            "(which recurses per level) sees the document (too_deep)."));
    t.push_back(integer_row("xml.max_namespace_bindings",
                            FIELD(pipeline.worker.xml.max_namespace_bindings), 8, 65536,
                            "Most xmlns declarations in scope at once (too_deep)."));
    t.push_back(integer_row("cbor.max_input_bytes", FIELD(pipeline.worker.cbor.max_input_bytes), 1,
                            int64_max,
                            "Largest CBOR payload the transcoder accepts, octets (checked "
                            "before decoding; too_large)."));
    t.push_back(integer_row("cbor.max_output_bytes", FIELD(pipeline.worker.cbor.max_output_bytes),
                            1, int64_max,
                            "Largest JSON text the CBOR transcoder writes, octets (base64 grows "
                            "byte strings by 4/3, escaping up to 6x; output_too_large)."));
    t.push_back(integer_row("cbor.max_depth", FIELD(pipeline.worker.cbor.max_depth), 1, 1024,
                            "Deepest nesting of arrays, maps, tag 4 and indefinite-length "
                            "strings (too_deep)."));

    // [producers]
    t.push_back(integer_row("producers.count", FIELD(pipeline.n_producers), 1, 256,
                            "Producer threads, each with its own Kafka producer; worker w hands "
                            "its records to producer w % count, so at most workers.count."));
    t.push_back(integer_list_row("producers.cpus", FIELD(pipeline.producer_cpus), -1, cpu_max,
                                 "CPU to pin producer thread p to (entry p); missing entries or "
                                 "-1 = unpinned."));
    t.push_back(integer_row("producers.record_slots", FIELD(pipeline.record_slots), 1,
                            std::int64_t{1} << 20,
                            "Record slots of one worker (records waiting for or in a producer "
                            "thread). Returned slots are reused first, so memory = the most "
                            "slots out at once * largest record seen (at most this many)."));
    t.push_back(integer_row("producers.record_wait_us", FIELD(pipeline.record_wait_us), 0,
                            10'000'000,
                            "How long a worker waits for a free record slot before it drops the "
                            "record (counted), microseconds; 0 = drop at once."));
    t.push_back(integer_row("producers.flush_timeout_ms", FIELD(pipeline.flush_timeout_ms), 0,
                            3'600'000,
                            "At stop: longest time each producer waits for outstanding "
                            "deliveries, milliseconds; what is left is purged and reported."));

    // [yang]
    t.push_back(string_list_row("yang.dirs", FIELD(pipeline.worker.schema.search_dirs),
                                "Directories of YANG modules (searched recursively) the "
                                "subscription filters are resolved against; at least one, none "
                                "ship with the receiver."));
    t.push_back(string_list_row("yang.modules", FIELD(pipeline.worker.schema.modules),
                                "Modules to load, as \"name\" or \"name@revision\"; empty = every "
                                "*.yang file found (newest revision of each name)."));
    t.push_back(boolean_row("yang.enable_all_features",
                            FIELD(pipeline.worker.schema.enable_all_features),
                            "Enable every feature of the loaded modules, so feature-dependent "
                            "nodes resolve."));

    // [key]: topic and Message Key (PROTOCOL.md §7-§9).
    t.push_back(enum_row("key.profile", FIELD(pipeline.worker.key.standards_profile), key_profiles,
                         "Standards profile of keys and topics (DESIGN.md §3); key.format, "
                         "key.topic_scheme and key.type_level follow it unless set."));
    t.push_back(optional_enum_row("key.format", FIELD(pipeline.worker.key.format), key_formats,
                                  "Key byte format (PROTOCOL.md §11.12); auto = from key.profile "
                                  "(seed: legacy_index, latest: ietf_02)."));
    t.push_back(optional_enum_row("key.topic_scheme", FIELD(pipeline.worker.key.scheme),
                                  topic_schemes,
                                  "Topic naming scheme (PROTOCOL.md §8.1, §8.2); auto = from "
                                  "key.profile (seed: netana, latest: ietf_02)."));
    t.push_back(enum_row("key.distribution", FIELD(pipeline.worker.key.distribution), distributions,
                         "§9 knob 1: subject = every record to key.single_topic; topic = "
                         "per-branch topic names of the active scheme."));
    t.push_back(optional_enum_row("key.type_level", FIELD(pipeline.worker.key.type_level),
                                  type_levels,
                                  "§9 knob 2: whether the subscription type is a level of topic "
                                  "names; auto = yes for netana topics, no for ietf_02."));
    t.push_back(boolean_row("key.enabled", FIELD(pipeline.worker.key.key_enabled),
                            "§9 knob 3: false gives every record a null key (uniform "
                            "partitioning)."));
    t.push_back(string_row("key.single_topic", FIELD(pipeline.worker.key.single_topic),
                           "The one topic of subject distribution (a legal Kafka topic name)."));
    t.push_back(string_row("key.topic_prefix", FIELD(pipeline.worker.key.topic_prefix),
                           "Organisation prefix of topic names, joined with \".\" (netana) or "
                           "\"-\" (ietf_02); empty = none."));
    t.push_back(string_row("key.fallback_topic", FIELD(pipeline.worker.key.fallback_topic),
                           "Topic of unknown subscriptions and unresolvable filters (§11.7, "
                           "§11.20); empty = [prefix.]unknown or [prefix-]unknown."));
    t.push_back(integer_row("key.max_topic_length", FIELD(pipeline.worker.key.max_topic_length), 16,
                            249,
                            "Longest topic name; longer names are cut and get a hash suffix "
                            "(§8.2 step 5)."));
    t.push_back(boolean_row("key.compacted_state", FIELD(pipeline.worker.key.compacted_state),
                            "On-change subscriptions with sync-on-start feed compacted topics "
                            "(ietf_02 current-state)."));
    t.push_back(enum_row("key.no_trigger_type", FIELD(pipeline.worker.key.no_trigger_type),
                         subscription_types,
                         "Subscription type of stream subscriptions and of subscriptions "
                         "without an update trigger (§11.20)."));
    t.push_back(boolean_row("key.netana_module_prefix",
                            FIELD(pipeline.worker.key.netana_module_prefix),
                            "netana topics: label the module level with the YANG prefix "
                            "(ietf-01 variant) instead of the module name."));
    t.push_back(integer_row("key.max_key_bytes", FIELD(pipeline.worker.key.max_key_bytes), 256,
                            int64_max,
                            "Largest key, octets; beyond it the subscription-level key is used "
                            "(counted)."));
    t.push_back(integer_row("key.max_instances", FIELD(pipeline.worker.key.max_instances), 1,
                            int64_max,
                            "Most instance XPaths collected from one notification (§7.3)."));
    t.push_back(integer_row("key.max_branches", FIELD(pipeline.worker.key.max_branches), 1, 64,
                            "Most branches of one filter (| union, subtree forest)."));
    t.push_back(integer_row("key.max_depth", FIELD(pipeline.worker.key.max_depth), 1, 64,
                            "Most steps of one filter branch."));
    const char* type_docs[4][2] = {
        {"periodic", "periodic subscriptions"},
        {"on_change", "on-change subscriptions without sync-on-start"},
        {"on_change_sync", "on-change subscriptions with sync-on-start"},
        {"on_change_sync_compacted", "on-change with sync-on-start when key.compacted_state"},
    };
    for (int scheme = 0; scheme < 2; ++scheme) {
        for (const auto& td : type_docs) {
            const std::string name = td[0];
            const std::string section = scheme == 0 ? "key.netana_types." : "key.ietf02_types.";
            const std::string doc = std::string("Type level name of ") + td[1] + " in " +
                                    (scheme == 0 ? "netana (§8.1)" : "ietf_02 (§8.2)") +
                                    " topic names.";
            auto pick = [ scheme, name ](auto& c) -> auto&
            {
                auto& names = scheme == 0 ? c.pipeline.worker.key.netana_types
                                          : c.pipeline.worker.key.ietf02_types;
                if (name == "periodic") {
                    return names.periodic;
                }
                if (name == "on_change") {
                    return names.on_change;
                }
                if (name == "on_change_sync") {
                    return names.on_change_sync;
                }
                return names.on_change_sync_compacted;
            };
            t.push_back(string_row(section + name, pick, doc));
        }
    }

    // [subscriptions]: per-worker subscription table (PROTOCOL.md §4).
    t.push_back(string_row("subscriptions.state_file", FIELD(pipeline.worker.state_file),
                           "File the subscription state is saved to at stop and loaded from at "
                           "start (survives a restart); empty = not persisted."));
    t.push_back(integer_row("subscriptions.max_subscriptions",
                            FIELD(pipeline.worker.subscriptions.max_subscriptions), 1, int64_max,
                            "Most subscriptions one worker keeps; beyond it the least recently "
                            "used is evicted (counted)."));
    t.push_back(integer_row("subscriptions.max_sequence_streams",
                            FIELD(pipeline.worker.subscriptions.max_sequence_streams), 1, int64_max,
                            "Most (exporter, publisher id) streams whose envelope "
                            "sequence-number is tracked (§3.2), per worker."));
    t.push_back(integer_row("subscriptions.max_sequence_gap",
                            FIELD(pipeline.worker.subscriptions.max_sequence_gap), 1, UINT32_MAX,
                            "A forward sequence-number jump larger than this is a publisher "
                            "restart, not loss."));
    t.push_back(integer_row("subscriptions.max_contents_bytes",
                            FIELD(pipeline.worker.subscriptions.max_contents_bytes), 1, int64_max,
                            "Largest subscription-started / -modified contents accepted, "
                            "octets."));
    t.push_back(integer_row("subscriptions.max_state_file_bytes",
                            FIELD(pipeline.worker.subscriptions.max_state_file_bytes), 1, int64_max,
                            "Largest state file written or read, octets."));

    // [envelope]: ietf-telemetry-message (PROTOCOL.md §5).
    t.push_back(enum_row("envelope.profile", FIELD(pipeline.worker.envelope.profile),
                         envelope_profiles,
                         "Envelope module revision: seed = 2025-04-17, latest = 2026-07-19 "
                         "(DESIGN.md §3)."));
    t.push_back(boolean_row("envelope.strip_envelope",
                            FIELD(pipeline.worker.envelope.strip_envelope),
                            "§11.23: the payload is always the notification member alone, even "
                            "for ietf-yp-notification:envelope input."));
    t.push_back(integer_row("envelope.max_output_bytes",
                            FIELD(pipeline.worker.envelope.max_output_bytes), 1024, int64_max,
                            "Largest envelope written, octets; larger ones are refused "
                            "(counted)."));
    t.push_back(integer_row("envelope.first_sequence_number",
                            FIELD(pipeline.worker.envelope.first_sequence_number), 0, UINT32_MAX,
                            "Sequence number of the first envelope (latest profile, §11.25)."));
    t.push_back(table_list_row(
        "envelope.labels", FIELD(pipeline.worker.envelope.labels),
        "Operator labels of every envelope, in this order; a number value is a number-value "
        "(latest profile; its text in seed).",
        "[{ name = \"site\", value = \"par1\" }, { name = \"rack\", value = 12 }]",
        "{ name = STRING, value = STRING | INTEGER }, names unique",
        [](table_reader& in, envelope::label& l) {
            in.string("name", l.name, true);
            const toml::node* v = in.field("value", true);
            if (v == nullptr) {
                return;
            }
            if (const auto* s = v->as_string()) {
                l.string_value = s->get();
            } else if (const auto* i = v->as_integer(); i != nullptr && i->get() >= 0) {
                l.is_number = true;
                l.number_value = static_cast<std::uint64_t>(i->get());
            } else {
                in.set_failure(
                    type_error("a string or a non-negative integer", *v, in.suffix("value")));
            }
        },
        [](const envelope::label& l, toml::table& out) {
            out.insert_or_assign("name", l.name);
            if (l.is_number) {
                out.insert_or_assign("value", static_cast<std::int64_t>(l.number_value));
            } else {
                out.insert_or_assign("value", l.string_value);
            }
        }));
    static const std::pair<const char*, std::string envelope::platform_manifest::*>
        manifest_strings[] = {
            {"name", &envelope::platform_manifest::name},
            {"vendor", &envelope::platform_manifest::vendor},
            {"software_version", &envelope::platform_manifest::software_version},
            {"software_flavor", &envelope::platform_manifest::software_flavor},
            {"os_version", &envelope::platform_manifest::os_version},
            {"os_type", &envelope::platform_manifest::os_type},
        };
    t.push_back(table_list_row(
        "envelope.node_manifests", FIELD(pipeline.worker.envelope.node_manifests),
        "network-node-manifest of each listed exporter; vendor_pen 0 or absent = no vendor-pen "
        "leaf, other fields absent or empty = leaf absent.",
        "[{ exporter = \"192.0.2.1\", name = \"MX204\", vendor = \"Example\", vendor_pen = "
        "32473 }]",
        "{ exporter = IP, name, vendor, vendor_pen, software_version, software_flavor, "
        "os_version, os_type }",
        [](table_reader& in, envelope::node_manifest_entry& e) {
            in.address("exporter", e.exporter);
            for (const auto& [name, member] : manifest_strings) {
                in.string(name, e.manifest.*member, false);
            }
            std::uint32_t pen = 0;
            in.integer("vendor_pen", 0, UINT32_MAX, pen, false);
            if (pen != 0) {
                e.manifest.vendor_pen = pen;
            }
        },
        [](const envelope::node_manifest_entry& e, toml::table& out) {
            out.insert_or_assign("exporter", e.exporter.to_string());
            for (const auto& [name, member] : manifest_strings) {
                if (!(e.manifest.*member).empty()) {
                    out.insert_or_assign(name, e.manifest.*member);
                }
            }
            if (e.manifest.vendor_pen) {
                out.insert_or_assign("vendor_pen",
                                     static_cast<std::int64_t>(*e.manifest.vendor_pen));
            }
        }));
    for (const auto& [name, member] : manifest_strings) {
        const auto m = member;
        t.push_back(string_row(
            std::string("envelope.data_collection_manifest.") + name,
            [m](auto& c) -> auto& {
                return c.pipeline.worker.envelope.data_collection_manifest.*m;
            },
            std::string("The collector's own data-collection-manifest ") + name +
                " leaf (at most 1023 octets); empty = absent."));
    }
    t.push_back(vendor_pen_row());

    // [kafka]: every field of kafka_config.
    t.push_back(string_row("kafka.brokers", FIELD(pipeline.kafka.brokers),
                           "Bootstrap servers (host:port[,host:port...]) of a Kafka cluster; "
                           "\"embedded\" starts librdkafka's mock cluster in-process (demos, "
                           "tests); \"null\" counts and drops every record (benchmarks)."));
    t.push_back(string_row("kafka.client_id", FIELD(pipeline.kafka.client_id),
                           "librdkafka client.id, shown in broker logs and quotas."));
    t.push_back(integer_row("kafka.embedded_brokers", FIELD(pipeline.kafka.embedded_brokers), 1, 64,
                            "Embedded cluster only: number of mock brokers."));
    t.push_back(integer_row("kafka.embedded_partitions", FIELD(pipeline.kafka.embedded_partitions),
                            1, 10'000,
                            "Embedded cluster only: partitions of every topic it creates."));
    t.push_back(string_choice_row(
        "kafka.partitioner", FIELD(pipeline.kafka.partitioner),
        {"murmur2_random", "murmur2", "consistent_random", "consistent", "random", "fnv1a",
         "fnv1a_random"},
        "librdkafka partitioner; murmur2_random hashes the key like the Java client, so a "
        "consumer can compute a key's partition (PROTOCOL.md §10)."));
    t.push_back(boolean_row("kafka.idempotence", FIELD(pipeline.kafka.idempotence),
                            "librdkafka enable.idempotence: no duplicates or reordering from "
                            "retries (forces acks=all)."));
    t.push_back(string_choice_row(
        "kafka.compression_codec", FIELD(pipeline.kafka.compression_codec),
        {"none", "gzip", "snappy", "lz4", "zstd"}, "librdkafka compression.codec."));
    t.push_back(integer_row("kafka.linger_ms", FIELD(pipeline.kafka.linger_ms), 0, 900'000,
                            "librdkafka linger.ms: how long a batch may wait to fill up, "
                            "milliseconds."));
    t.push_back(integer_row("kafka.batch_size", FIELD(pipeline.kafka.batch_size), 1, INT_MAX,
                            "librdkafka batch.size: most octets of one message batch."));
    t.push_back(integer_row("kafka.batch_num_messages", FIELD(pipeline.kafka.batch_num_messages), 1,
                            1'000'000,
                            "librdkafka batch.num.messages: most records of one message "
                            "batch."));
    t.push_back(integer_row("kafka.queue_buffering_max_messages",
                            FIELD(pipeline.kafka.queue_buffering_max_messages), 1, INT_MAX,
                            "librdkafka queue.buffering.max.messages: records a producer may "
                            "hold (queued and in flight); the bound on buffered records."));
    t.push_back(integer_row("kafka.queue_buffering_max_kbytes",
                            FIELD(pipeline.kafka.queue_buffering_max_kbytes), 1, INT_MAX,
                            "librdkafka queue.buffering.max.kbytes: the same bound in KiB of "
                            "record payload."));
    t.push_back(integer_row("kafka.message_timeout_ms", FIELD(pipeline.kafka.message_timeout_ms), 0,
                            INT_MAX,
                            "librdkafka message.timeout.ms: a record not acknowledged in this "
                            "time fails (counted); 0 = retry for ever (not recommended)."));
    t.push_back(integer_row("kafka.queue_full_wait_ms", FIELD(pipeline.kafka.queue_full_wait_ms), 0,
                            60'000,
                            "How long a producer waits for room in a full local queue before it "
                            "drops the record (counted), milliseconds; 0 = drop at once."));
    t.push_back(content_type_row());
    t.push_back(integer_row("kafka.max_topics", FIELD(pipeline.kafka.max_topics), 1, int64_max,
                            "Most distinct topics one producer writes to; a record for one more "
                            "is dropped (counted)."));
    t.push_back(boolean_row("kafka.create_topics", FIELD(pipeline.kafka.create_topics),
                            "Create a topic before its first record (Admin API CreateTopics); "
                            "false = rely on auto.create.topics.enable or topics made by hand."));
    t.push_back(integer_row("kafka.topic_partitions", FIELD(pipeline.kafka.topic_partitions), -1,
                            1'000'000,
                            "Partitions of created topics (real cluster); -1 = the broker's "
                            "num.partitions."));
    t.push_back(integer_row("kafka.topic_replication_factor",
                            FIELD(pipeline.kafka.topic_replication_factor), -1, 32'767,
                            "Replication factor of created topics; -1 = the broker's default."));
    t.push_back(string_row("kafka.state_cleanup_policy", FIELD(pipeline.kafka.state_cleanup_policy),
                           "cleanup.policy of created state topics (real cluster): compact, "
                           "delete, \"compact,delete\", or empty = the broker's default."));
    t.push_back(integer_row("kafka.admin_timeout_ms", FIELD(pipeline.kafka.admin_timeout_ms), 1,
                            600'000,
                            "Longest wait for a CreateTopics answer, milliseconds (once per new "
                            "topic)."));
    t.push_back(kafka_properties_row());

    // [schema_registry]: Confluent-compatible schema registry (PROTOCOL.md §6, §11.22).
    t.push_back(string_row("schema_registry.url", FIELD(pipeline.registry.url),
                           "Base URL of a Confluent-compatible schema registry "
                           "(http://host:8081); empty = none: no schema is registered and "
                           "records carry no schema-id header.",
                           check_registry_url));
    t.push_back(enum_row("schema_registry.subject_strategy", FIELD(pipeline.registry.strategy),
                         subject_strategies,
                         "Subject of a subscription's schema: module = its top-level module "
                         "(MBI-13), topic = <topic>-value (TopicNameStrategy), topic-module = "
                         "<topic>-<module>; imports always under their module name."));
    t.push_back(string_row("schema_registry.schema_type", FIELD(pipeline.registry.schema_type),
                           "schemaType of every registration (a registry with a YANG schema "
                           "plugin)."));
    t.push_back(enum_row("schema_registry.header_format", FIELD(pipeline.registry.header),
                         header_formats,
                         "schema-id header encoding (PROTOCOL.md §11.22): binary = 4-byte "
                         "big-endian, text = decimal digits."));
    t.push_back(integer_row("schema_registry.request_timeout_ms",
                            FIELD(pipeline.registry.request_timeout_ms), 1, 600'000,
                            "Longest time one HTTP request to the registry may take, connection "
                            "included, milliseconds."));
    t.push_back(integer_row("schema_registry.retry_backoff_ms",
                            FIELD(pipeline.registry.retry_backoff_ms), 1, 3'600'000,
                            "Wait before the first retry of a failed registration, "
                            "milliseconds; doubled per further failure up to "
                            "retry_max_backoff_ms."));
    t.push_back(integer_row("schema_registry.retry_max_backoff_ms",
                            FIELD(pipeline.registry.retry_max_backoff_ms), 1, 3'600'000,
                            "Longest wait between retries, milliseconds; registry refusals "
                            "(4xx) wait this long at once."));
    t.push_back(integer_row("schema_registry.queue_size", FIELD(pipeline.registry.queue_size), 1,
                            1'000'000,
                            "Registration requests waiting for the registry thread; beyond it "
                            "a request is counted (queue_full) and asked again later."));
    t.push_back(integer_row("schema_registry.max_schemas", FIELD(pipeline.registry.max_schemas),
                            1, 10'000'000,
                            "Most schemas whose ids are cached; a subscription beyond it is "
                            "produced without the header (counted cache_full)."));
    t.push_back(string_row("schema_registry.username", FIELD(pipeline.registry.username),
                           "HTTP basic-auth user name; empty = no authentication."));
    {
        row pw = string_row("schema_registry.password", FIELD(pipeline.registry.password),
                            "HTTP basic-auth password; \"@PATH\" reads it from a file "
                            "(secrets), \"@@\" is a literal \"@\". Printed as (secret).");
        pw.secret_values = true;
        t.push_back(std::move(pw));
    }
    t.push_back(boolean_row("schema_registry.features_metadata",
                            FIELD(pipeline.registry.features_metadata),
                            "Send each module's enabled features (yang-features), name and "
                            "revision as metadata properties; false for registries that refuse "
                            "the metadata member."));

    // [metrics], [log]: carried for the metrics endpoint and the logger.
    t.push_back(string_row("metrics.listen", FIELD(metrics.listen),
                           "ADDR:PORT of the Prometheus metrics endpoint (HTTP /metrics); "
                           "empty = no endpoint.",
                           check_metrics_listen));
    t.push_back(enum_row("log.level", FIELD(log.level), log_levels,
                         "Lowest severity of the log lines written."));
    t.push_back(enum_row("log.format", FIELD(log.format), log_formats,
                         "Log line format: text, or one JSON object per line."));
    return t;
}

#undef FIELD

} // namespace

const std::vector<row>& rows()
{
    static const std::vector<row> table = make_rows();
    return table;
}

} // namespace detail

// ---- public view ----------------------------------------------------------------------------

const std::vector<option_info>& option_list()
{
    static const std::vector<option_info> list = [] {
        std::vector<option_info> out;
        const receiver_config defaults;
        for (const detail::row& r : detail::rows()) {
            toml::table holder;
            std::string def;
            detail::write_value(def, detail::value_of(r, defaults, holder));
            out.push_back(option_info{r.key, detail::kind_name(r.type), r.constraint, r.doc, def});
        }
        return out;
    }();
    return list;
}

bool is_option(std::string_view key)
{
    return detail::find_row(key) != nullptr;
}

} // namespace udpn::config
