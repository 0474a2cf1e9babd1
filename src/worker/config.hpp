/// \file
/// Configuration of one worker stage (DESIGN.md §2: decode → subscription table → topic + key →
/// envelope): the key, envelope and subscription table settings, where the YANG modules are,
/// the exporter → node-name map (PROTOCOL.md §11.13), the state file, the dead-letter topic and
/// the content-type header. Plain data with in-class defaults (STYLE.md §4 rule 10); read-only
/// once the stages are built.
#pragma once

#include "envelope/config.hpp"
#include "key/config.hpp"
#include "key/schema_context.hpp"
#include "net/endpoint.hpp"
#include "subscription/config.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/xml_transcoder.hpp"

#include <string>
#include <vector>

namespace udpn::worker {

/// One entry of the operator's node-name map: exporter IP → network node name (§11.13).
struct node_name_entry {
    net::ip_address exporter; ///< UDP source address of the node (port ignored)
    std::string name;         ///< the node name used in keys (non-empty)
};

/// Everything a stage needs. Thread: read-only after start-up.
struct worker_config {
    /// Topic and key derivation (PROTOCOL.md §7-§9), standards profile included.
    key::key_config key;
    /// Envelope writer (PROTOCOL.md §5), standards profile included.
    envelope::envelope_config envelope;
    /// Subscription table limits (PROTOCOL.md §4).
    subscription::table_config subscriptions;
    /// YANG modules the key module resolves filters against. The product ships no default: at
    /// least one search directory must be configured.
    key::schema_config schema;
    /// Configured node names by exporter address (§11.13: used when the notification has no
    /// envelope hostname and the exporter has no network-node-manifest name). Addresses unique.
    std::vector<node_name_entry> node_names;
    /// Subscription state file (subscription::table::save/load); empty: not persisted.
    std::string state_file;
    /// Topic of undecodable payloads, forwarded raw (counted); empty: they are dropped
    /// (counted). Must be a legal Kafka topic name when set (PROTOCOL.md §8.3).
    std::string dead_letter_topic;
    /// Value of the `content-type` header of every envelope record.
    std::string content_type = "application/yang-data+json";
    /// Largest payload the JSON decoder accepts (octets).
    std::size_t max_payload_bytes = std::size_t{16} << 20;
    /// Limits of the XML transcoder (media type 2 → RFC 7951 JSON, then decoded).
    yangpush::xml_transcoder_config xml;
    /// Limits of the CBOR transcoder (media type 3 → RFC 7951 JSON, then decoded).
    yangpush::cbor_transcoder_config cbor;
};

/// Checks \p config: the key and envelope configs' own validation, at least one schema search
/// directory, unique non-empty node names, a legal dead-letter topic, a non-empty content type.
/// @return one human-readable line per problem; empty when valid. Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const worker_config& config);

} // namespace udpn::worker
