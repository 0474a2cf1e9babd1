/// \file
/// One worker's processing stage (DESIGN.md §2): whole message → decode (by media type) →
/// subscription table (state changes applied, data looked up, envelope sequence numbers
/// accounted) → Kafka topic + Message Key (PROTOCOL.md §7-§9, fallback for unknown
/// subscriptions §11.7) → ietf-telemetry-message envelope (§5) → record to a sink.
///
/// One stage per worker thread: it owns the decoder, the subscription table, the filter
/// resolver with a cache of resolved subscriptions (one per table entry, re-resolved only when a
/// state change touches the fields keys and topics derive from, freed when the subscription
/// goes), the key builder, the envelope writer and the output buffers. process() is noexcept and
/// allocates nothing in steady state (data notifications of known subscriptions once the
/// buffers have grown to the largest message); state changes allocate (they are rare).
#pragma once

#include "envelope/telemetry_message.hpp"
#include "key/key_builder.hpp"
#include "key/resolver.hpp"
#include "key/schema_context.hpp"
#include "registry/registry.hpp"
#include "subscription/table.hpp"
#include "worker/config.hpp"
#include "worker/errors.hpp"
#include "worker/message.hpp"
#include "worker/record.hpp"
#include "yangpush/cbor_transcoder.hpp"
#include "yangpush/decoder.hpp"
#include "yangpush/xml_transcoder.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace udpn::worker {

class stage {
  public:
    /// Builds every component from \p config (copied) and its own schema context from
    /// config.schema. @throws std::invalid_argument when validate(config) reports a problem,
    /// key::schema_error when the YANG modules do not load. Thread: start-up.
    explicit stage(const worker_config& config);

    /// As above, resolving filters against \p schema (shared by every stage: libyang contexts
    /// are read-only once compiled); config.schema is then not used. \p schema must outlive the
    /// stage. Thread: start-up.
    stage(const worker_config& config, const key::schema_context& schema);

    ~stage();
    stage(const stage&) = delete;
    stage& operator=(const stage&) = delete;

    /// Processes one whole message and gives \p sink at most one record (none when the message
    /// is dropped). Every outcome is counted in stats().
    /// - JSON (MT 1, S 0) is decoded; other media types are undecodable (XML and CBOR wait for
    ///   the yangpush transcoders: see the hook in stage.cpp).
    /// - Subscription state changes are applied to the table (filters re-resolved when needed)
    ///   and produced too, with the subscription's topic and metadata (a -terminated /
    ///   -completed still gets the metadata of the subscription it ends).
    /// - Data notifications are looked up (on_data), their envelope sequence-number accounted
    ///   per (exporter, Publisher ID), keyed from the cached resolution; unknown subscriptions
    ///   get the fallback topic and a key without xpaths (§11.7), counted.
    /// - Undecodable payloads go raw to the dead-letter topic when one is configured.
    /// The record's views are valid until the next process() on this stage.
    /// Thread: the owning worker. noexcept; no allocation in steady state.
    process_status process(const message& m, record_sink& sink) noexcept;

    /// Loads the subscription state file (worker_config::state_file) into the table; \p accept
    /// selects the exporters this stage keeps. Resolutions are made lazily at the first data.
    /// Nothing is done (error none) when no state file is configured. Thread: the owning
    /// worker, at start-up.
    subscription::state_report
    load_state(const std::function<bool(const net::ip_address&)>& accept = {});

    /// Saves the table to worker_config::state_file (atomically). Nothing is done when no state
    /// file is configured. Thread: the owning worker, outside the per-message path.
    subscription::state_report save_state();

    /// As load_state() / save_state(), with the file named by the caller (the pipeline gives
    /// each worker its own file). Thread: as those.
    subscription::state_report
    load_state_from(const std::string& path,
                    const std::function<bool(const net::ip_address&)>& accept = {});
    subscription::state_report save_state_to(const std::string& path);

    /// Attaches the schema registry (PROTOCOL.md §6; nullptr: none, the default): each resolved
    /// subscription then asks it for its schema, and records carry the `schema-id` header
    /// once the id is known (counted schema_id_attached / schema_id_missing). \p r must
    /// outlive the stage. Thread: start-up, before the first process().
    void set_schema_registry(registry::schema_registry* r) noexcept { _registry = r; }

    /// The configured node name of \p exporter (§11.13), or empty. No allocation.
    /// Thread: the owning worker (or any, after start-up).
    [[nodiscard]] std::string_view configured_node_name(const net::ip_address& exporter) const noexcept;

    [[nodiscard]] const stage_stats& stats() const noexcept { return _stats; }
    [[nodiscard]] const subscription::table& table() const noexcept { return _table; }
    [[nodiscard]] const yangpush::decode_stats& decode_stats() const noexcept { return _decoder.stats(); }
    [[nodiscard]] const yangpush::xml_transcode_stats& xml_stats() const noexcept { return _xml.stats(); }
    [[nodiscard]] const yangpush::cbor_transcode_stats& cbor_stats() const noexcept { return _cbor.stats(); }
    [[nodiscard]] const key::key_stats& key_stats() const noexcept { return _keys.stats(); }
    [[nodiscard]] const key::resolve_stats& resolve_stats() const noexcept { return _resolver.stats(); }
    [[nodiscard]] const envelope::envelope_stats& envelope_stats() const noexcept
    {
        return _envelopes.stats();
    }
    [[nodiscard]] const worker_config& config() const noexcept { return _config; }

  private:
    /// A resolved subscription and the table entry it was made for.
    struct cached_resolution {
        net::ip_address exporter;
        std::uint32_t id = 0;
        key::resolved_subscription resolved;
        /// The envelope's `yang-push-subscription` value, rendered from the entry's info at
        /// subscription::entry::revision `rendered_revision` (0: not yet).
        envelope::subscription_text rendered;
        std::uint64_t rendered_revision = 0;
        bool rendered_ok = false;
        /// Its schema in the registry (null: no registry, or no module to register).
        std::shared_ptr<const registry::schema_handle> schema;
    };
    /// What the record of one notification is made from.
    struct subject {
        const yangpush::subscription_info* info = nullptr;
        const key::resolved_subscription* resolved = nullptr;
        const envelope::subscription_text* rendered = nullptr; ///< of info; null: write it out
        const registry::schema_handle* schema = nullptr; ///< null: no schema-id header
        bool suspended = false;
    };

    stage(const worker_config& config, std::unique_ptr<key::schema_context> own,
          const key::schema_context* shared);

    subject apply_state_change(const message& m, const yangpush::notification_view& v) noexcept;
    subject lookup_data(const message& m, const yangpush::notification_view& v) noexcept;
    cached_resolution& cache_of(const subscription::entry& e) noexcept;
    const key::resolved_subscription* resolution_of(const subscription::entry& e) noexcept
    {
        return &cache_of(e).resolved;
    }
    /// \p e's subject: its info, resolution and rendered metadata (rendered again when the
    /// entry's revision moved on), suspended flag.
    subject subject_of(const subscription::entry& e) noexcept;
    void resolve_into(cached_resolution& c, const subscription::entry& e);
    key::resolved_subscription resolve(const yangpush::subscription_info& info);
    std::shared_ptr<const registry::schema_handle>
    schema_of(const key::resolved_subscription& r) noexcept;
    std::size_t add_schema_header(const subject& s) noexcept;
    void drop_resolution(const net::ip_address& exporter, std::uint32_t id) noexcept;
    process_status undecodable(const message& m, record_sink& sink, undecodable_reason reason,
                               std::string_view detail) noexcept;
    void emit(record_sink& sink, const record& r) noexcept;

    worker_config _config; // first: the resolver and key builder refer to it
    std::unique_ptr<key::schema_context> _own_schema;
    const key::schema_context& _schema;
    yangpush::json_decoder _decoder;
    yangpush::xml_transcoder _xml;   ///< media type 2 → RFC 7951 JSON (needs the schema)
    yangpush::cbor_transcoder _cbor; ///< media type 3 → RFC 7951 JSON
    std::string _json;               ///< transcoded payload + decoder padding, capacity kept
    subscription::table _table;
    key::resolver _resolver;
    key::key_builder _keys;
    envelope::envelope_writer _envelopes;
    /// Resolutions by table entry (entries live at fixed addresses while held; an entry that is
    /// reused for another subscription is told apart by exporter and id).
    std::unordered_map<const subscription::entry*, cached_resolution> _resolved;
    std::vector<node_name_entry> _node_names; // sorted by address
    /// The last metadata and keying of a subscription that a -terminated / -completed removed.
    yangpush::subscription_info _retired_info;
    cached_resolution _retired;
    registry::schema_registry* _registry = nullptr;
    std::string _value; // envelope output, capacity kept
    std::array<header, 2> _headers{}; // content-type, schema-id (when known)
    std::array<char, registry::max_schema_id_text> _schema_id{};
    std::array<header, 2> _dead_letter_headers{};
    std::array<char, net::endpoint_text_max> _exporter_text{};
    stage_stats _stats;
};

} // namespace udpn::worker
