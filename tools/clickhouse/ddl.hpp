/// \file
/// ClickHouse DDL for the topics the receiver produces (message-key draft §5, PROTOCOL.md §6
/// "YANG Data Storage"): per topic a Kafka engine table that reads the telemetry-message
/// envelope as JSONEachRow, a MergeTree table ordered by (message key, collection timestamp)
/// with the envelope's metadata as columns and the payload as a JSON string, a materialized
/// view between them, and an error table (plus its view) for records ClickHouse cannot parse,
/// so that a bad record is kept and counted instead of stalling the consumer or being dropped.
/// The column extraction follows what src/envelope writes for each profile (PROTOCOL.md §5,
/// DESIGN.md §3). Pure text generation: no ClickHouse client, no Kafka.
#pragma once

#include "envelope/config.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::tools::clickhouse {

/// What make_ddl writes.
struct ddl_options {
    /// Envelope revision the topics carry (`seed` 2025-04-17 or `latest` 2026-07-19).
    envelope::profile envelope_profile = envelope::profile::seed;
    /// `kafka_broker_list` of the Kafka engine tables (host:port,...). Must not be empty.
    std::string brokers = "localhost:9092";
    /// Database of every table (`db`.`table`); empty: the session's current database.
    std::string database;
    /// `kafka_group_name` of every Kafka table: the consumer group ClickHouse commits its
    /// offsets under (one group for all topics; each table reads only its own topic).
    std::string group = "udpnotif-clickhouse";
    /// `kafka_num_consumers` of each Kafka table, 1..64.
    std::uint32_t consumers = 1;
    /// Prepended to every table name (after the database), e.g. `yp_`.
    std::string table_prefix;
};

/// The four table names of one topic.
struct table_names {
    std::string queue;       ///< Kafka engine table, `<base>_queue`
    std::string store;       ///< MergeTree table, `<base>`
    std::string view;        ///< materialized view queue -> store, `<base>_mv`
    std::string errors;      ///< MergeTree of records that did not parse, `<base>_errors`
    std::string errors_view; ///< materialized view queue -> errors, `<base>_errors_mv`
};

/// Table names for \p topic: every character outside [A-Za-z0-9_] becomes `_` (Kafka topic
/// names also allow `.` and `-`, PROTOCOL.md §8.3). Thread: any.
[[nodiscard]] table_names names_for(std::string_view topic, const ddl_options& opts);

/// One column of the MergeTree table and how the materialized view fills it.
struct column_info {
    std::string_view name; ///< column name
    std::string_view type; ///< ClickHouse type
    /// Member names from the message object (`telemetry-message-metadata`, `export-address`)
    /// to the envelope value; empty for Kafka's virtual columns and constants.
    std::vector<std::string_view> path;
    std::string expr;         ///< SELECT expression of the materialized view
    std::string_view comment; ///< column COMMENT
};

/// The columns for envelopes of profile \p p, in table order. Thread: any.
[[nodiscard]] std::vector<column_info> envelope_columns(envelope::profile p);

/// The DDL, or the problems that prevent it.
struct ddl_result {
    std::string sql;                   ///< statements, each ending in `;`, per topic in order
    std::vector<std::string> problems; ///< one line each; sql is empty when not empty
};

/// DDL for \p topics with \p opts. Problems: no topic, a topic that is not a legal Kafka name
/// (1..249 of [A-Za-z0-9._-], not `.` or `..`), two topics that map to the same table name
/// (`a.b` and `a_b`, the same collision Kafka refuses), a topic listed twice, empty brokers,
/// consumers out of 1..64, a database or prefix with characters outside [A-Za-z0-9_].
/// Thread: any.
[[nodiscard]] ddl_result make_ddl(const std::vector<std::string>& topics, const ddl_options& opts);

} // namespace udpn::tools::clickhouse
