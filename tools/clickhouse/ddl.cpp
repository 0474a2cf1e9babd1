#include "clickhouse/ddl.hpp"

#include <map>
#include <set>

namespace udpn::tools::clickhouse {
namespace {

/// The one column of the Kafka table: JSONEachRow maps the envelope's root member
/// (PROTOCOL.md §5, `"ietf-telemetry-message:message"`) to it; with
/// input_format_json_read_objects_as_strings the object is kept as its JSON text. A record
/// with any other root member is a parse error (input_format_skip_unknown_fields = 0) and goes
/// to the error table.
constexpr std::string_view message_column = "`ietf-telemetry-message:message`";
constexpr std::string_view yptm_subscription =
    "ietf-yang-push-telemetry-message:yang-push-subscription";

std::string path_args(const std::vector<std::string_view>& steps)
{
    std::string out(message_column);
    for (std::string_view s : steps) {
        out += ", '";
        out += s;
        out += '\'';
    }
    return out;
}

/// \p pattern with `@` replaced by the JSONExtract arguments of \p steps.
std::string expression(std::string_view pattern, const std::vector<std::string_view>& steps)
{
    std::string out;
    for (char ch : pattern) {
        if (ch == '@') {
            out += path_args(steps);
        } else {
            out += ch;
        }
    }
    return out;
}

} // namespace

/// Columns, per profile: the same names and types for both (queries work on either), the
/// extraction paths of what src/envelope writes (telemetry_message.cpp write_seed /
/// write_latest; PROTOCOL.md §5). Timestamps are RFC 3339 UTC with nanoseconds (§11.24).
std::vector<column_info> envelope_columns(envelope::profile p)
{
    const bool seed = p == envelope::profile::seed;
    const std::string_view tmm = "telemetry-message-metadata";
    const std::string_view dcm = "data-collection-metadata";
    const std::string_view addr_parent = seed ? dcm : tmm;
    std::vector<column_info> c;
    auto add = [&](std::string_view name, std::string_view type, std::string_view pattern,
                   std::vector<std::string_view> path, std::string_view comment) {
        std::string expr = expression(pattern, path);
        c.push_back({name, type, std::move(path), std::move(expr), comment});
    };
    add("message_key", "String", "_key", {},
        "Kafka message key (PROTOCOL.md §7); empty for a null key");
    add("collection_timestamp", "DateTime64(9, 'UTC')",
        "parseDateTime64BestEffortOrZero(JSONExtractString(@), 9, 'UTC')",
        seed ? std::vector<std::string_view>{"timestamp"}
             : std::vector<std::string_view>{tmm, "collection-timestamp"},
        "receive time");
    add("node_export_timestamp", "Nullable(DateTime64(9, 'UTC'))",
        "parseDateTime64BestEffortOrNull(JSONExtractString(@), 9, 'UTC')",
        {tmm, seed ? "event-time" : "node-export-timestamp"}, "export time at the node");
    add("session_protocol", "LowCardinality(String)", "JSONExtractString(@)",
        seed ? std::vector<std::string_view>{"session-protocol"}
             : std::vector<std::string_view>{tmm, "session-protocol"},
        seed ? "yp-push" : "yang-push");
    add("node_name", "String", "JSONExtractString(@)", {"network-node-manifest", "name"},
        "node name");
    add("export_address", "String", "JSONExtractString(@)",
        {addr_parent, seed ? "remote-address" : "export-address"}, "UDP source address");
    add("export_port", "UInt16", "toUInt16(JSONExtractUInt(@))",
        {addr_parent, seed ? "remote-port" : "export-port"}, "UDP source port");
    add("collection_address", "String", "JSONExtractString(@)",
        {addr_parent, seed ? "local-address" : "collection-address"}, "collector address");
    add("collection_port", "UInt16", "toUInt16(JSONExtractUInt(@))",
        {addr_parent, seed ? "local-port" : "collection-port"}, "collector port");
    if (seed) {
        add("sequence_number", "Nullable(UInt32)", "CAST(NULL, 'Nullable(UInt32)')", {},
            "none in the seed module (always NULL)");
    } else {
        add("sequence_number", "Nullable(UInt32)", "JSONExtract(@, 'Nullable(UInt32)')",
            {tmm, "sequence-number"}, "producer sequence number");
    }
    add("subscription_id", "Nullable(UInt32)", "JSONExtract(@, 'Nullable(UInt32)')",
        {tmm, yptm_subscription, "id"}, "subscription id");
    add("subscription", "String", "JSONExtractRaw(@)", {tmm, yptm_subscription},
        "yang-push-subscription as JSON text (filter, target, trigger, modules)");
    add("collector_name", "String", "JSONExtractString(@)", {"data-collection-manifest", "name"},
        "collector name");
    add("labels", "String", "JSONExtractRaw(@)",
        {seed ? dcm : std::string_view("network-operator-metadata"), "labels"},
        "operator labels as JSON text");
    add("payload", "String", "JSONExtractRaw(@)", {"payload"}, "the notification as JSON text");
    add("kafka_topic", "LowCardinality(String)", "_topic", {}, "Kafka topic");
    add("kafka_partition", "UInt64", "_partition", {}, "Kafka partition");
    add("kafka_offset", "UInt64", "_offset", {}, "Kafka offset");
    return c;
}

namespace {

bool plain_identifier(std::string_view s)
{
    for (char ch : s) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= '0' && ch <= '9') || ch == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/// PROTOCOL.md §8.3: 1..249 characters of [a-zA-Z0-9._-], not `.` or `..`.
bool legal_topic(std::string_view t)
{
    if (t.empty() || t.size() > 249 || t == "." || t == "..") {
        return false;
    }
    for (char ch : t) {
        if (!plain_identifier(std::string_view(&ch, 1)) && ch != '.' && ch != '-') {
            return false;
        }
    }
    return true;
}

/// A single-quoted SQL string literal.
std::string literal(std::string_view s)
{
    std::string out = "'";
    for (char ch : s) {
        if (ch == '\'' || ch == '\\') {
            out += '\\';
        }
        out += ch;
    }
    out += '\'';
    return out;
}

std::string qualified(const ddl_options& opts, const std::string& table)
{
    std::string out;
    if (!opts.database.empty()) {
        out += '`' + opts.database + "`.";
    }
    out += '`' + table + '`';
    return out;
}

void topic_ddl(std::string& out, const std::string& topic, const ddl_options& opts)
{
    const table_names n = names_for(topic, opts);
    const bool seed = opts.envelope_profile == envelope::profile::seed;
    out += "-- topic " + topic + ", envelope profile " +
           envelope::to_string(opts.envelope_profile) + " (ietf-telemetry-message@" +
           (seed ? "2025-04-17" : "2026-07-19") + ")\n";

    out += "CREATE TABLE IF NOT EXISTS " + qualified(opts, n.queue) + "\n(\n    ";
    out += message_column;
    out += " String\n)\nENGINE = Kafka\nSETTINGS\n";
    out += "    kafka_broker_list = " + literal(opts.brokers) + ",\n";
    out += "    kafka_topic_list = " + literal(topic) + ",\n";
    out += "    kafka_group_name = " + literal(opts.group) + ",\n";
    out += "    kafka_format = 'JSONEachRow',\n";
    out += "    kafka_num_consumers = " + std::to_string(opts.consumers) + ",\n";
    out += "    kafka_handle_error_mode = 'stream',\n";
    out += "    input_format_json_read_objects_as_strings = 1,\n";
    out += "    input_format_skip_unknown_fields = 0;\n\n";

    const std::vector<column_info> cols = envelope_columns(opts.envelope_profile);
    out += "CREATE TABLE IF NOT EXISTS " + qualified(opts, n.store) + "\n(\n";
    for (std::size_t i = 0; i < cols.size(); ++i) {
        std::string comment;
        for (std::string_view step : cols[i].path) {
            comment += comment.empty() ? "" : "/";
            comment += step;
        }
        comment += comment.empty() ? "" : ": ";
        comment += cols[i].comment;
        out += "    `" + std::string(cols[i].name) + "` " + std::string(cols[i].type) +
               " COMMENT " + literal(comment) + (i + 1 < cols.size() ? ",\n" : "\n");
    }
    out += ")\nENGINE = MergeTree\nORDER BY (message_key, collection_timestamp);\n\n";

    out += "CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(opts, n.view) + " TO " +
           qualified(opts, n.store) + " AS\nSELECT\n";
    for (std::size_t i = 0; i < cols.size(); ++i) {
        out += "    " + cols[i].expr + " AS `" + std::string(cols[i].name) + '`' +
               (i + 1 < cols.size() ? ",\n" : "\n");
    }
    out += "FROM " + qualified(opts, n.queue) + "\nWHERE length(_error) = 0;\n\n";

    out += "CREATE TABLE IF NOT EXISTS " + qualified(opts, n.errors) + "\n(\n";
    out += "    `kafka_topic` LowCardinality(String),\n";
    out += "    `kafka_partition` UInt64,\n";
    out += "    `kafka_offset` UInt64,\n";
    out += "    `message_key` String,\n";
    out += "    `raw_message` String,\n";
    out += "    `error` String,\n";
    out += "    `inserted_at` DateTime('UTC') DEFAULT now()\n";
    out += ")\nENGINE = MergeTree\nORDER BY (kafka_topic, kafka_partition, kafka_offset);\n\n";

    out += "CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(opts, n.errors_view) + " TO " +
           qualified(opts, n.errors) + " AS\nSELECT\n";
    out += "    _topic AS kafka_topic,\n    _partition AS kafka_partition,\n";
    out += "    _offset AS kafka_offset,\n    _key AS message_key,\n";
    out += "    _raw_message AS raw_message,\n    _error AS error\n";
    out += "FROM " + qualified(opts, n.queue) + "\nWHERE length(_error) > 0;\n";
}

} // namespace

table_names names_for(std::string_view topic, const ddl_options& opts)
{
    std::string base = opts.table_prefix;
    for (char ch : topic) {
        base += plain_identifier(std::string_view(&ch, 1)) ? ch : '_';
    }
    return {base + "_queue", base, base + "_mv", base + "_errors", base + "_errors_mv"};
}

ddl_result make_ddl(const std::vector<std::string>& topics, const ddl_options& opts)
{
    ddl_result r;
    if (topics.empty()) {
        r.problems.push_back("no topic given");
    }
    if (opts.brokers.empty()) {
        r.problems.push_back("brokers: empty (kafka_broker_list needs host:port)");
    }
    if (opts.group.empty()) {
        r.problems.push_back("group: empty");
    }
    if (opts.consumers < 1 || opts.consumers > 64) {
        r.problems.push_back("consumers: " + std::to_string(opts.consumers) + " is outside 1..64");
    }
    if (!plain_identifier(opts.database)) {
        r.problems.push_back("database \"" + opts.database +
                             "\": only letters, digits and _ are allowed");
    }
    if (!plain_identifier(opts.table_prefix)) {
        r.problems.push_back("table prefix \"" + opts.table_prefix +
                             "\": only letters, digits and _ are allowed");
    }
    std::set<std::string> seen;
    std::map<std::string, std::string> by_table;
    for (const std::string& t : topics) {
        if (!legal_topic(t)) {
            r.problems.push_back("topic \"" + t +
                                 "\": not a Kafka topic name (1..249 of [A-Za-z0-9._-], not . "
                                 "or ..; PROTOCOL.md §8.3)");
            continue;
        }
        if (!seen.insert(t).second) {
            r.problems.push_back("topic \"" + t + "\": listed twice");
            continue;
        }
        const std::string table = names_for(t, opts).store;
        auto [it, fresh] = by_table.emplace(table, t);
        if (!fresh) {
            r.problems.push_back("topics \"" + it->second + "\" and \"" + t +
                                 "\" both map to table " + table +
                                 " (they differ only by . _ -; Kafka refuses . vs _ too)");
        }
    }
    if (!r.problems.empty()) {
        return r;
    }
    for (std::size_t i = 0; i < topics.size(); ++i) {
        if (i > 0) {
            r.sql += '\n';
        }
        topic_ddl(r.sql, topics[i], opts);
    }
    return r;
}

} // namespace udpn::tools::clickhouse
