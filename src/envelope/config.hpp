/// \file
/// Static configuration of the telemetry-message envelope (PROTOCOL.md §5, DESIGN.md §3):
/// which standards profile, the data-collection manifest, per-exporter network-node
/// manifests, operator labels, the payload knob of §11.23 and the size limit. Plain structs
/// filled once by config/ and checked once by validate() before any worker starts.
#pragma once

#include "net/endpoint.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace udpn::envelope {

/// Which revision of ietf-telemetry-message the envelope follows (DESIGN.md §3).
enum class profile : std::uint8_t {
    /// ietf-telemetry-message@2025-04-17 + ietf-yang-push-telemetry-message@2025-04-17
    /// (draft-netana-nmop-message-broker-telemetry-message-01): `container message` with
    /// `timestamp`, `session-protocol` `yp-push`, `data-collection-metadata`.
    seed,
    /// ietf-telemetry-message@2026-07-19 + ietf-yang-push-telemetry-message@2026-07-19
    /// (draft-ietf-nmop-message-broker-telemetry-message-05): `sx:structure message` with
    /// `telemetry-message-metadata/collection-timestamp`, `network-operator-metadata`.
    latest,
};

/// Stable name of \p p (`seed`, `latest`), as used in configuration. Thread: any.
[[nodiscard]] const char* to_string(profile p) noexcept;

/// The seven leaves of ietf-platform-manifest@2025-02-21 grouping `platform-details`
/// (PROTOCOL.md §5). An empty string or an empty optional means "leaf absent"; a present
/// string must be 1..1023 octets (the module's length restriction).
struct platform_manifest {
    std::string name;                        ///< `name`: platform (model) name
    std::string vendor;                      ///< `vendor`
    std::optional<std::uint32_t> vendor_pen; ///< `vendor-pen`: IANA Private Enterprise Number
    std::string software_version;            ///< `software-version`
    std::string software_flavor;             ///< `software-flavor`
    std::string os_version;                  ///< `os-version`
    std::string os_type;                     ///< `os-type`

    /// True when no leaf is set (the container is then not emitted).
    [[nodiscard]] bool empty() const noexcept
    {
        return name.empty() && vendor.empty() && !vendor_pen && software_version.empty() &&
               software_flavor.empty() && os_version.empty() && os_type.empty();
    }
};

/// The network-node-manifest of one exporter, found by the exporter's (UDP source) address.
struct node_manifest_entry {
    net::ip_address exporter; ///< UDP source address of the network node
    platform_manifest manifest;
};

/// One operator label (`labels` list entry; key `name`).
struct label {
    std::string name; ///< 1..max octets, unique within the list
    /// True: `number-value` (uint64, latest profile only). The seed module has no number-value,
    /// so there the number is emitted as `string-value` with its decimal text.
    bool is_number = false;
    std::string string_value;       ///< used when !is_number
    std::uint64_t number_value = 0; ///< used when is_number
};

/// Static envelope configuration. Read-only once the writers are built.
struct envelope_config {
    /// Module revision to emit (DESIGN.md §3; default `seed`).
    envelope::profile profile = profile::seed;
    /// PROTOCOL.md §11.23 knob: when true, the payload is always `{"<notification>": {...}}`,
    /// the notification member alone, even for `ietf-yp-notification:envelope` input.
    bool strip_envelope = false;
    /// Largest envelope, in octets, a writer produces; a larger one is refused
    /// (envelope_error::too_large) and the output buffer never grows past it.
    std::size_t max_output_bytes = 16u << 20;
    /// Producer sequence number of the first envelope (latest profile `sequence-number`,
    /// §11.25: starts at 1, wraps from 4294967295 to 0). A restart may continue a persisted value.
    std::uint32_t first_sequence_number = 1;
    /// The collector's own `data-collection-manifest`; omitted when empty.
    platform_manifest data_collection_manifest;
    /// Per-exporter `network-node-manifest`; exporters not listed get none (unless the caller
    /// passes one in message_input). Addresses must be unique.
    std::vector<node_manifest_entry> node_manifests;
    /// Operator labels (seed: `data-collection-metadata/labels`; latest:
    /// `network-operator-metadata/labels`), emitted in this order; names must be unique.
    std::vector<label> labels;
};

/// Checks \p config against the modules' constraints (string lengths 1..1023, non-empty
/// unique label names, unique exporter addresses, a known address family, max_output_bytes
/// large enough for a minimal envelope). @return one human-readable line per problem; empty
/// when valid. Thread: startup.
[[nodiscard]] std::vector<std::string> validate(const envelope_config& config);

} // namespace udpn::envelope
