/// \file
/// XML (media type 2, `application/yang-data+xml`, PROTOCOL.md §1) to RFC 7951 JSON text, so
/// that json_decoder reads an XML notification like a JSON one and the envelope payload carries
/// JSON. The notification itself is parsed and printed by libyang against the schema context
/// (typed values, module-qualified members, anydata contents included); the outer wrappers are
/// read here:
/// - NETCONF `<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">` with
///   `<eventTime>` (RFC 5277, PROTOCOL.md §3.1) → `{"ietf-notification:notification":
///   {"eventTime":"…","module:name":{…}}}`. `ietf-notification` is the module whose namespace
///   is that RFC 5277 namespace, so this is the faithful JSON name of the same element
///   (`ietf-restconf:notification` would claim a RESTCONF origin).
/// - `<envelope xmlns="urn:ietf:params:xml:ns:yang:ietf-yp-notification">` (PROTOCOL.md §3.2)
///   → `{"ietf-yp-notification:envelope":{"event-time":"…","hostname":"…",
///   "sequence-number":N,"contents":{"module:name":{…}}}}` (`notification-contents` kept as
///   sent, §11.8).
/// - a bare notification element, e.g. `<push-update xmlns="…:ietf-yang-push">` →
///   `{"ietf-yang-push:push-update":{…}}`.
/// xpath1.0 filter leaves of subscription-started/-modified get module names for the prefixes
/// their element had bound with `xmlns:` (PROTOCOL.md §3.4), which libyang does not do for the
/// string-typed `yang:xpath1.0` of ietf-yang-types@2025.
///
/// How: one pass over the document here checks nesting depth (before libyang's recursive parser
/// sees it), refuses DOCTYPE, tracks namespace scope and reads the wrapper leaves; then only the
/// notification element, with the namespaces it inherits re-declared, goes to libyang
/// (lyd_parse_op, LYD_TYPE_NOTIF_YANG) and is printed with lyd_print_tree (LYD_JSON). Envelope
/// children other than event-time, hostname, sequence-number and contents are left out and
/// counted. libyang allocates a data tree per document, so this path allocates per message
/// (the JSON and CBOR paths do not). The schema context is shared read-only between workers.
#pragma once

#include "common/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct ly_ctx;

namespace udpn::yangpush {

/// Why an XML payload could not be transcoded. One counter per reason.
enum class xml_transcode_error : std::uint8_t {
    too_large,          ///< the payload is longer than xml_transcoder_config::max_input_bytes
    malformed_xml,      ///< not well-formed XML (syntax, mismatched or missing end tags, unbound
                        ///< prefix, text outside the root), not UTF-8, or a DOCTYPE (refused)
    too_deep,           ///< element nesting deeper than xml_transcoder_config::max_depth, or more
                        ///< namespace declarations in scope than max_namespace_bindings
    unknown_namespace,  ///< the notification's (or any anydata element's) namespace is not an
                        ///< implemented module of the schema context
    not_a_notification, ///< the element is no top-level YANG notification, or a wrapper holds none
    invalid_content,    ///< well-formed but not valid against the schema (unknown child, bad
                        ///< value, missing eventTime, bad envelope leaf, several notifications)
    output_too_large,   ///< the JSON text would exceed xml_transcoder_config::max_output_bytes
    internal,           ///< libyang or memory failure not caused by the input
};

inline constexpr std::size_t n_xml_transcode_errors = 8;

/// Stable snake_case name of \p e (for logs and metrics labels). Thread: any.
[[nodiscard]] const char* to_string(xml_transcode_error e) noexcept;

/// Limits of one xml_transcoder. Thread: start-up.
struct xml_transcoder_config {
    /// Largest payload accepted, octets (checked before parsing).
    std::size_t max_input_bytes = 16u << 20;
    /// Largest JSON text produced, octets.
    std::size_t max_output_bytes = 64u << 20;
    /// Deepest element nesting, wrappers included; checked before libyang (which recurses per
    /// level) sees the document. 1..1024.
    std::uint32_t max_depth = 128;
    /// Most `xmlns` declarations in scope at once. At least 8.
    std::uint32_t max_namespace_bindings = 256;
};

/// XML transcoder counters. Single writer (the worker owning the transcoder).
struct xml_transcode_stats {
    std::uint64_t transcoded = 0; ///< payloads turned into JSON
    std::array<std::uint64_t, n_xml_transcode_errors>
        failed{};                     ///< failures, by xml_transcode_error
    std::uint64_t opaque_content = 0; ///< transcoded with anydata nodes libyang could not type
                                      ///< (unknown child or bad value in a known module)
    std::uint64_t xpath_prefixes_rewritten = 0; ///< xpath filter leaves given module names
    std::uint64_t envelope_members_skipped = 0; ///< unknown envelope children left out
    void count(xml_transcode_error e) noexcept { ++failed[static_cast<std::size_t>(e)]; }
};

/// The problems of \p config that xml_transcoder refuses (max_depth outside 1..1024,
/// max_namespace_bindings below 8), one line each, named by field; empty when it is usable.
/// Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const xml_transcoder_config& config);

/// Turns a YANG notification in XML into RFC 7951 JSON text. One per worker.
class xml_transcoder {
  public:
    /// \p schema: a compiled libyang context (e.g. key::schema_context::native()) that outlives
    /// the transcoder; it is only read. Throws std::invalid_argument for a null context or
    /// limits out of range (start-up only).
    explicit xml_transcoder(const ly_ctx* schema, const xml_transcoder_config& config = {});
    ~xml_transcoder();
    xml_transcoder(const xml_transcoder&) = delete;
    xml_transcoder& operator=(const xml_transcoder&) = delete;

    /// Writes the JSON text of the XML document \p xml into \p json (cleared first; its capacity
    /// is reused). \p xml needs no terminator or padding. On success returns a view of \p json;
    /// the caller pads it for json_decoder. On failure \p json is left empty, the reason is
    /// counted in stats() and described by last_error_detail(). Never throws; libyang prints
    /// nothing (its messages are kept for last_error_detail()).
    /// Thread: the owning worker.
    [[nodiscard]] result<std::string_view, xml_transcode_error>
    transcode(std::string_view xml, std::string& json) noexcept;

    /// Counters since construction. Thread: the owning worker (or a reader tolerating tearing).
    [[nodiscard]] const xml_transcode_stats& stats() const noexcept { return _stats; }

    /// One line about the last failure (reason, then libyang's message or the offending name);
    /// empty after a success. Valid until the next transcode(). Thread: the owning worker.
    [[nodiscard]] std::string_view last_error_detail() const noexcept;

  private:
    struct impl;
    std::unique_ptr<impl> _impl;
    xml_transcode_stats _stats;
};

} // namespace udpn::yangpush
