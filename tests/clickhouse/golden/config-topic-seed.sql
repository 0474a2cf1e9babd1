-- topic project.env.unknown, envelope profile seed (ietf-telemetry-message@2025-04-17)
CREATE TABLE IF NOT EXISTS `project_env_unknown_queue`
(
    `ietf-telemetry-message:message` String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'kafka1:9092',
    kafka_topic_list = 'project.env.unknown',
    kafka_group_name = 'udpnotif-clickhouse',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_handle_error_mode = 'stream',
    input_format_json_read_objects_as_strings = 1,
    input_format_skip_unknown_fields = 0;

CREATE TABLE IF NOT EXISTS `project_env_unknown`
(
    `message_key` String COMMENT 'Kafka message key (PROTOCOL.md §7); empty for a null key',
    `collection_timestamp` DateTime64(9, 'UTC') COMMENT 'timestamp: receive time',
    `node_export_timestamp` Nullable(DateTime64(9, 'UTC')) COMMENT 'telemetry-message-metadata/event-time: export time at the node',
    `session_protocol` LowCardinality(String) COMMENT 'session-protocol: yp-push',
    `node_name` String COMMENT 'network-node-manifest/name: node name',
    `export_address` String COMMENT 'data-collection-metadata/remote-address: UDP source address',
    `export_port` UInt16 COMMENT 'data-collection-metadata/remote-port: UDP source port',
    `collection_address` String COMMENT 'data-collection-metadata/local-address: collector address',
    `collection_port` UInt16 COMMENT 'data-collection-metadata/local-port: collector port',
    `sequence_number` Nullable(UInt32) COMMENT 'none in the seed module (always NULL)',
    `subscription_id` Nullable(UInt32) COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription/id: subscription id',
    `subscription` String COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription: yang-push-subscription as JSON text (filter, target, trigger, modules)',
    `collector_name` String COMMENT 'data-collection-manifest/name: collector name',
    `labels` String COMMENT 'data-collection-metadata/labels: operator labels as JSON text',
    `payload` String COMMENT 'payload: the notification as JSON text',
    `kafka_topic` LowCardinality(String) COMMENT 'Kafka topic',
    `kafka_partition` UInt64 COMMENT 'Kafka partition',
    `kafka_offset` UInt64 COMMENT 'Kafka offset'
)
ENGINE = MergeTree
ORDER BY (message_key, collection_timestamp);

CREATE MATERIALIZED VIEW IF NOT EXISTS `project_env_unknown_mv` TO `project_env_unknown` AS
SELECT
    _key AS `message_key`,
    parseDateTime64BestEffortOrZero(JSONExtractString(`ietf-telemetry-message:message`, 'timestamp'), 9, 'UTC') AS `collection_timestamp`,
    parseDateTime64BestEffortOrNull(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'event-time'), 9, 'UTC') AS `node_export_timestamp`,
    JSONExtractString(`ietf-telemetry-message:message`, 'session-protocol') AS `session_protocol`,
    JSONExtractString(`ietf-telemetry-message:message`, 'network-node-manifest', 'name') AS `node_name`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-metadata', 'remote-address') AS `export_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'data-collection-metadata', 'remote-port')) AS `export_port`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-metadata', 'local-address') AS `collection_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'data-collection-metadata', 'local-port')) AS `collection_port`,
    CAST(NULL, 'Nullable(UInt32)') AS `sequence_number`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription', 'id', 'Nullable(UInt32)') AS `subscription_id`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription') AS `subscription`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-manifest', 'name') AS `collector_name`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'data-collection-metadata', 'labels') AS `labels`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'payload') AS `payload`,
    _topic AS `kafka_topic`,
    _partition AS `kafka_partition`,
    _offset AS `kafka_offset`
FROM `project_env_unknown_queue`
WHERE length(_error) = 0;

CREATE TABLE IF NOT EXISTS `project_env_unknown_errors`
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

CREATE MATERIALIZED VIEW IF NOT EXISTS `project_env_unknown_errors_mv` TO `project_env_unknown_errors` AS
SELECT
    _topic AS kafka_topic,
    _partition AS kafka_partition,
    _offset AS kafka_offset,
    _key AS message_key,
    _raw_message AS raw_message,
    _error AS error
FROM `project_env_unknown_queue`
WHERE length(_error) > 0;

-- topic project.env.states.yang.ietf-hardware.hardware_component_state, envelope profile seed (ietf-telemetry-message@2025-04-17)
CREATE TABLE IF NOT EXISTS `project_env_states_yang_ietf_hardware_hardware_component_state_queue`
(
    `ietf-telemetry-message:message` String
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = 'kafka1:9092',
    kafka_topic_list = 'project.env.states.yang.ietf-hardware.hardware_component_state',
    kafka_group_name = 'udpnotif-clickhouse',
    kafka_format = 'JSONEachRow',
    kafka_num_consumers = 1,
    kafka_handle_error_mode = 'stream',
    input_format_json_read_objects_as_strings = 1,
    input_format_skip_unknown_fields = 0;

CREATE TABLE IF NOT EXISTS `project_env_states_yang_ietf_hardware_hardware_component_state`
(
    `message_key` String COMMENT 'Kafka message key (PROTOCOL.md §7); empty for a null key',
    `collection_timestamp` DateTime64(9, 'UTC') COMMENT 'timestamp: receive time',
    `node_export_timestamp` Nullable(DateTime64(9, 'UTC')) COMMENT 'telemetry-message-metadata/event-time: export time at the node',
    `session_protocol` LowCardinality(String) COMMENT 'session-protocol: yp-push',
    `node_name` String COMMENT 'network-node-manifest/name: node name',
    `export_address` String COMMENT 'data-collection-metadata/remote-address: UDP source address',
    `export_port` UInt16 COMMENT 'data-collection-metadata/remote-port: UDP source port',
    `collection_address` String COMMENT 'data-collection-metadata/local-address: collector address',
    `collection_port` UInt16 COMMENT 'data-collection-metadata/local-port: collector port',
    `sequence_number` Nullable(UInt32) COMMENT 'none in the seed module (always NULL)',
    `subscription_id` Nullable(UInt32) COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription/id: subscription id',
    `subscription` String COMMENT 'telemetry-message-metadata/ietf-yang-push-telemetry-message:yang-push-subscription: yang-push-subscription as JSON text (filter, target, trigger, modules)',
    `collector_name` String COMMENT 'data-collection-manifest/name: collector name',
    `labels` String COMMENT 'data-collection-metadata/labels: operator labels as JSON text',
    `payload` String COMMENT 'payload: the notification as JSON text',
    `kafka_topic` LowCardinality(String) COMMENT 'Kafka topic',
    `kafka_partition` UInt64 COMMENT 'Kafka partition',
    `kafka_offset` UInt64 COMMENT 'Kafka offset'
)
ENGINE = MergeTree
ORDER BY (message_key, collection_timestamp);

CREATE MATERIALIZED VIEW IF NOT EXISTS `project_env_states_yang_ietf_hardware_hardware_component_state_mv` TO `project_env_states_yang_ietf_hardware_hardware_component_state` AS
SELECT
    _key AS `message_key`,
    parseDateTime64BestEffortOrZero(JSONExtractString(`ietf-telemetry-message:message`, 'timestamp'), 9, 'UTC') AS `collection_timestamp`,
    parseDateTime64BestEffortOrNull(JSONExtractString(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'event-time'), 9, 'UTC') AS `node_export_timestamp`,
    JSONExtractString(`ietf-telemetry-message:message`, 'session-protocol') AS `session_protocol`,
    JSONExtractString(`ietf-telemetry-message:message`, 'network-node-manifest', 'name') AS `node_name`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-metadata', 'remote-address') AS `export_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'data-collection-metadata', 'remote-port')) AS `export_port`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-metadata', 'local-address') AS `collection_address`,
    toUInt16(JSONExtractUInt(`ietf-telemetry-message:message`, 'data-collection-metadata', 'local-port')) AS `collection_port`,
    CAST(NULL, 'Nullable(UInt32)') AS `sequence_number`,
    JSONExtract(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription', 'id', 'Nullable(UInt32)') AS `subscription_id`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'telemetry-message-metadata', 'ietf-yang-push-telemetry-message:yang-push-subscription') AS `subscription`,
    JSONExtractString(`ietf-telemetry-message:message`, 'data-collection-manifest', 'name') AS `collector_name`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'data-collection-metadata', 'labels') AS `labels`,
    JSONExtractRaw(`ietf-telemetry-message:message`, 'payload') AS `payload`,
    _topic AS `kafka_topic`,
    _partition AS `kafka_partition`,
    _offset AS `kafka_offset`
FROM `project_env_states_yang_ietf_hardware_hardware_component_state_queue`
WHERE length(_error) = 0;

CREATE TABLE IF NOT EXISTS `project_env_states_yang_ietf_hardware_hardware_component_state_errors`
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

CREATE MATERIALIZED VIEW IF NOT EXISTS `project_env_states_yang_ietf_hardware_hardware_component_state_errors_mv` TO `project_env_states_yang_ietf_hardware_hardware_component_state_errors` AS
SELECT
    _topic AS kafka_topic,
    _partition AS kafka_partition,
    _offset AS kafka_offset,
    _key AS message_key,
    _raw_message AS raw_message,
    _error AS error
FROM `project_env_states_yang_ietf_hardware_hardware_component_state_queue`
WHERE length(_error) > 0;
