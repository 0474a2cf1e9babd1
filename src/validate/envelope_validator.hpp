/// \file
/// Validates a telemetry message (PROTOCOL.md §5) against its YANG modules with libyang 2.1:
/// the envelope tests check every envelope the writer emits with it, and `udpnotif-consume
/// --validate` checks what it reads from Kafka (PROTOCOL.md §6 step 9, the consumer validates).
/// src/envelope never links libyang; this module does, beside key/ and yangpush/.
///
/// The search directories must hold the modules named below (the receiver ships none; tests
/// use ../shared/yang and ../shared/yang-seed):
/// seed   : ietf-telemetry-message@2025-04-17 and
///          ietf-yang-push-telemetry-message@2025-04-17 are implemented; the whole document is
///          parsed as data (`container message`) with lyd_parse_data(LYD_JSON, LYD_PARSE_STRICT,
///          LYD_VALIDATE_PRESENT).
/// latest : context on shared/yang; ietf-telemetry-message@2026-07-19 (features
///          network-node-manifest, data-collection-manifest) and yptm@2026-07-19. The message is
///          an `sx:structure`: it is parsed with lyd_parse_ext_data() against the structure's
///          extension instance (libyang 2.1.30's structure plugin, which also applies yptm's
///          sx:augment-structure), STRICT + VALIDATE_PRESENT. libyang 2.1.30 loops forever when
///          such ext data has two or more top-level siblings, so each member of the message is
///          parsed on its own; the validator itself checks what that split loses: the root is
///          exactly `ietf-telemetry-message:message`, no member repeats, and the mandatory
///          container telemetry-message-metadata exists (libyang does not enforce mandatory
///          descendants of absent top-level structure containers).
/// payload (both): anydata is not validated by libyang, so the validator validates it too: an
///          `ietf-yp-notification:envelope` member by member against that module's sx:structure
///          (same workaround), and the notification inside it (or the stripped notification
///          member) with lyd_parse_op(LYD_TYPE_NOTIF_YANG) against ietf-yang-push /
///          ietf-subscribed-notifications (+ yp-observation, distributed-notif, push-revision).
#pragma once

#include "envelope/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct ly_ctx;
struct lyd_node;

namespace udpn::validate {

/// Empty when \p text is one well-formed JSON value (simdjson), else the reason. Thread: any.
[[nodiscard]] std::string json_problem(std::string_view text);

/// One libyang context for one profile, and the trees of the last validated message. Not
/// thread-safe: one per thread.
class envelope_validator {
  public:
    /// Builds the libyang context of \p p on \p search_dirs (searched in order; for `seed`
    /// list the folder with the 2025-04-17 telemetry-message revisions first). Throws
    /// std::runtime_error naming the module that failed to load and libyang's reason.
    envelope_validator(envelope::profile p, const std::vector<std::string>& search_dirs);
    ~envelope_validator();
    envelope_validator(const envelope_validator&) = delete;
    envelope_validator& operator=(const envelope_validator&) = delete;

    /// Validates \p json as a whole telemetry message. Returns an empty string on success, else
    /// the first problem (libyang's message and path). On success the parsed trees are kept
    /// for value() until the next call.
    std::string validate(std::string_view json, bool check_payload = true);

    /// Canonical value (lyd_get_value) of the leaf at \p path below the message, e.g.
    /// `telemetry-message-metadata/export-address` or
    /// `data-collection-metadata/labels[name='site']/string-value`. The first step names a
    /// child of the message; the rest is a libyang path relative to it.
    std::optional<std::string> value(std::string_view path) const;
    /// Number of data nodes at \p path (same syntax as value()), e.g. list entries.
    std::size_t count(std::string_view path) const;

  private:
    std::string validate_payload(std::string_view payload_json);
    std::string validate_notification(std::string_view notification_json);
    void free_trees();
    const lyd_node* top(std::string_view name) const;

    envelope::profile _profile;
    ly_ctx* _ctx = nullptr;
    std::vector<lyd_node*> _trees; // seed: the one `message` tree; latest: one per member
};

} // namespace udpn::validate
