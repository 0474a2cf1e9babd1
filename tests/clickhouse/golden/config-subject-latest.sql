-- topic netops-yang-push, envelope profile latest (ietf-telemetry-message@2026-07-19)
CREATE TABLE IF NOT EXISTS `netops_yang_push_queue`
(
    `ietf-telemetry-message:message` String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'kafka1:9092,kafka2:9092',
    kafka_topic_list = 'netops-yang-push',
    kafka_group_name = 'udpnotif-clickhouse',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_handle_error_mode = 'stream',
    input_format_json_read_objects_as_strings = 1,
    input_format_skip_unknown_fields = 0;

CREATE TABLE IF NOT EXISTS `netops_yang_push`
(
    `message_key` String COMMENT 'Kafka message key (PROTOCOL.md §7); empty for a null key',
    `collection_timestamp` DateTime64(9, 'UTC') COMMENT 'telemetry-message-metadata/collection-timestamp: receive time',
    `node_export_timestamp` Nullable(DateTime64(9, 'UTC')) COMMENT 'telemetry-message-metadata/node-export-timestamp: export time at the node',
    `session_protocol` LowCardinality(String) COMMENT 'telemetry-message-metadata/session-protocol: yang-push',
    `node_name` String COMMENT 'network-node-manifest/name: node name',
    `export_address` String COMMENT 'telemetry-message-metadata/export-address: UDP source address',
    `export_port` UInt16 COMMENT 'telemetry-message-metadata/export-port: UDP source port',
    `collection_address` String COMMENT 'telemetry-message-metadata/collection-address: collector address',
    `collection_port` UInt16 COMMENT 'telemetry-message-metadata/collection-port: collector port',
    `sequence_number` Nullable(UInt32) COMMENT 'telemetry-message-metadata/sequence-number: producer sequence number',
    `subscription_id` Nullable(UInt32) COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription/id: subscription id',
    `subscription` String COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription: yang-push-subscription as JSON text (filter, target, trigger, modules)',
    `collector_name` String COMMENT 'data-collection-manifest/name: collector name',
    `labels` String COMMENT 'network-operator-metadata/labels: operator labels as JSON text',
    `payload` String COMMENT 'payload: the notification as JSON text',
    `kafka_topic` LowCardinality(String) COMMENT 'Kafka topic',
    `kafka_partition` UInt64 COMMENT 'Kafka partition',
    `kafka_offset` UInt64 COMMENT 'Kafka offset'
)
ENGINE = MergeTree
ORDER BY (message_key, collection_timestamp);

CREATE MATERIALIZED VIEW IF NOT EXISTS `netops_yang_push_mv` TO `netops_yang_push` AS
SELECT
    _key AS `message_key`,
    parseDateTime64BestEffortOrZero(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-timestamp'), 9, 'UTC') AS `collection_timestamp`,
    parseDateTime64BestEffortOrNull(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'node-export-timestamp'), 9, 'UTC') AS `node_export_timestamp`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'session-protocol') AS `session_protocol`,
    JSONExtractString(`ietf-telemetry-message:message`, 'network-node-manifest', 'name') AS `node_name`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'export-address') AS `export_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'export-port')) AS `export_port`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-address') AS `collection_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-port')) AS `collection_port`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'sequence-number', 'Nullable(UInt32)') AS `sequence_number`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription', 'id', 'Nullable(UInt32)') AS `subscription_id`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription') AS `subscription`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-manifest', 'name') AS `collector_name`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'network-operator-metadata', 'labels') AS `labels`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'payload') AS `payload`,
    _topic AS `kafka_topic`,
    _partition AS `kafka_partition`,
    _offset AS `kafka_offset`
FROM `netops_yang_push_queue`
WHERE length(_error) = 0;

CREATE TABLE IF NOT EXISTS `netops_yang_push_errors`
(
    `kafka_topic` LowCardinality(String),
    `kafka_partition` UInt64,
    `kafka_offset` UInt64,
    `message_key` String,
    `raw_message` String,
    `error` String,
    `inserted_at` DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
ORDER BY (kafka_topic, kafka_partition, kafka_offset);

CREATE MATERIALIZED VIEW IF NOT EXISTS `netops_yang_push_errors_mv` TO `netops_yang_push_errors` AS
SELECT
    _topic AS kafka_topic,
    _partition AS kafka_partition,
    _offset AS kafka_offset,
    _key AS message_key,
    _raw_message AS raw_message,
    _error AS error
FROM `netops_yang_push_queue`
WHERE length(_error) > 0;

-- topic unknown, envelope profile latest (ietf-telemetry-message@2026-07-19)
CREATE TABLE IF NOT EXISTS `unknown_queue`
(
    `ietf-telemetry-message:message` String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'kafka1:9092,kafka2:9092',
    kafka_topic_list = 'unknown',
    kafka_group_name = 'udpnotif-clickhouse',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_handle_error_mode = 'stream',
    input_format_json_read_objects_as_strings = 1,
    input_format_skip_unknown_fields = 0;

CREATE TABLE IF NOT EXISTS `unknown`
(
    `message_key` String COMMENT 'Kafka message key (PROTOCOL.md §7); empty for a null key',
    `collection_timestamp` DateTime64(9, 'UTC') COMMENT 'telemetry-message-metadata/collection-timestamp: receive time',
    `node_export_timestamp` Nullable(DateTime64(9, 'UTC')) COMMENT 'telemetry-message-metadata/node-export-timestamp: export time at the node',
    `session_protocol` LowCardinality(String) COMMENT 'telemetry-message-metadata/session-protocol: yang-push',
    `node_name` String COMMENT 'network-node-manifest/name: node name',
    `export_address` String COMMENT 'telemetry-message-metadata/export-address: UDP source address',
    `export_port` UInt16 COMMENT 'telemetry-message-metadata/export-port: UDP source port',
    `collection_address` String COMMENT 'telemetry-message-metadata/collection-address: collector address',
    `collection_port` UInt16 COMMENT 'telemetry-message-metadata/collection-port: collector port',
    `sequence_number` Nullable(UInt32) COMMENT 'telemetry-message-metadata/sequence-number: producer sequence number',
    `subscription_id` Nullable(UInt32) COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription/id: subscription id',
    `subscription` String COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription: yang-push-subscription as JSON text (filter, target, trigger, modules)',
    `collector_name` String COMMENT 'data-collection-manifest/name: collector name',
    `labels` String COMMENT 'network-operator-metadata/labels: operator labels as JSON text',
    `payload` String COMMENT 'payload: the notification as JSON text',
    `kafka_topic` LowCardinality(String) COMMENT 'Kafka topic',
    `kafka_partition` UInt64 COMMENT 'Kafka partition',
    `kafka_offset` UInt64 COMMENT 'Kafka offset'
)
ENGINE = MergeTree
ORDER BY (message_key, collection_timestamp);

CREATE MATERIALIZED VIEW IF NOT EXISTS `unknown_mv` TO `unknown` AS
SELECT
    _key AS `message_key`,
    parseDateTime64BestEffortOrZero(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-timestamp'), 9, 'UTC') AS `collection_timestamp`,
    parseDateTime64BestEffortOrNull(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'node-export-timestamp'), 9, 'UTC') AS `node_export_timestamp`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'session-protocol') AS `session_protocol`,
    JSONExtractString(`ietf-telemetry-message:message`, 'network-node-manifest', 'name') AS `node_name`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'export-address') AS `export_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'export-port')) AS `export_port`,
    JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-address') AS `collection_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'collection-port')) AS `collection_port`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'sequence-number', 'Nullable(UInt32)') AS `sequence_number`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription', 'id', 'Nullable(UInt32)') AS `subscription_id`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription') AS `subscription`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-manifest', 'name') AS `collector_name`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'network-operator-metadata', 'labels') AS `labels`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'payload') AS `payload`,
    _topic AS `kafka_topic`,
    _partition AS `kafka_partition`,
    _offset AS `kafka_offset`
FROM `unknown_queue`
WHERE length(_error) = 0;

CREATE TABLE IF NOT EXISTS `unknown_errors`
(
    `kafka_topic` LowCardinality(String),
    `kafka_partition` UInt64,
    `kafka_offset` UInt64,
    `message_key` String,
    `raw_message` String,
    `error` String,
    `inserted_at` DateTime('UTC') DEFAULT now()
)
ENGINE = MergeTree
ORDER BY (kafka_topic, kafka_partition, kafka_offset);

CREATE MATERIALIZED VIEW IF NOT EXISTS `unknown_errors_mv` TO `unknown_errors` AS
SELECT
    _topic AS kafka_topic,
    _partition AS kafka_partition,
    _offset AS kafka_offset,
    _key AS message_key,
    _raw_message AS raw_message,
    _error AS error
FROM `unknown_queue`
WHERE length(_error) > 0;
