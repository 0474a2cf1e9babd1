/// \file
/// What a receiver knows of one YANG-Push subscription (PROTOCOL.md §4 "Per-subscription cache
/// the receiver needs"): a plain struct the subscription parser fills from the contents of
/// subscription-started / -modified (RFC 8639 §2.7.1-2, RFC 8641 §3.11, VERS §4.1, DIST §4.2).
/// The subscription table owns one per subscription; the envelope writer reads it
/// (`envelope::subscription_metadata` is an alias of this type) and the key module derives its
/// filter input from it. Filled at subscription time, so owning strings are fine here; reading
/// it allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::yangpush {

/// Which filter the subscription has (`choice filter-spec`; RFC 8639 `stream-filter`, RFC 8641
/// `selection-filter`).
enum class filter_kind : std::uint8_t {
    none,    ///< no filter, or a by-reference filter (see subscription_info::filter_ref, §4)
    xpath,   ///< `xpath-filter`: XPath 1.0 text as sent (prefixes normalized later, §11.10)
    subtree, ///< `subtree-filter` (anydata): raw JSON text of the value as sent (§11.11)
};

/// What the subscription targets (`choice target`).
enum class target_kind : std::uint8_t {
    none,      ///< not known
    datastore, ///< `datastore`: a datastore identity, e.g. `ietf-datastores:operational`
    stream,    ///< `stream`: an event stream name, e.g. `NETCONF`
};

/// The update trigger (`choice update-trigger`, RFC 8641).
enum class trigger_kind : std::uint8_t {
    none,      ///< not known / stream subscription
    periodic,  ///< `periodic` {period, anchor-time}
    on_change, ///< `on-change` {dampening-period, sync-on-start, excluded-change}
};

/// How an identityref value (datastore, transport, encoding) was written by the publisher
/// (RFC 7951 §6.8, PROTOCOL.md §3.4, §11.27). The value itself is kept as sent, except that a
/// well-known XML prefix is replaced by its module name (§11.10).
enum class identity_form : std::uint8_t {
    absent,            ///< the leaf was not sent
    unqualified,       ///< `encode-json`: the module is the leaf's own (the envelope adds it)
    qualified,         ///< `ietf-datastores:operational`: `module:` prefix as RFC 7951 asks
    prefix_normalized, ///< sent as `ds:operational` (XML prefix), stored as `ietf-datastores:operational`
};

/// Which key names the publisher used for the VERS module list (PROTOCOL.md §4.1).
enum class module_list_form : std::uint8_t {
    none,    ///< no module list sent
    current, ///< `module-version`[name] {name, revision, version} (VERS -13)
    legacy,  ///< older drafts / pmacct: `module-version`[module-name] {module-name, revision, revision-label}
};

/// RFC 8641 `excluded-change` values (on-change), as bits of subscription_info::excluded_changes.
enum excluded_change_bits : std::uint8_t {
    excluded_create = 1u << 0,
    excluded_delete = 1u << 1,
    excluded_insert = 1u << 2,
    excluded_move = 1u << 3,
    excluded_replace = 1u << 4,
};

/// Why a subscription was terminated or suspended (PROTOCOL.md §4: sn and yp reason identities).
enum class subscription_reason : std::uint8_t {
    none,                       ///< no `reason` sent
    no_such_subscription,       ///< sn (terminated)
    filter_unavailable,         ///< sn (terminated)
    stream_unavailable,         ///< sn (terminated)
    suspension_timeout,         ///< sn (terminated)
    datastore_not_subscribable, ///< yp (terminated)
    unchanging_selection,       ///< yp (terminated)
    insufficient_resources,     ///< sn (suspended)
    unsupportable_volume,       ///< sn (suspended)
    period_unsupported,         ///< yp (suspended)
    update_too_big,             ///< yp (suspended)
    sync_too_big,               ///< yp (suspended)
    other,                      ///< any other identity (vendor reasons)
};

inline constexpr std::size_t n_subscription_reasons = 13;

/// The module-qualified identity of \p r (`ietf-yang-push:update-too-big`); "" for none,
/// "other" for other.
[[nodiscard]] const char* to_string(subscription_reason r) noexcept;

/// The reason an identity value names: module-qualified (`ietf-subscribed-notifications:…`,
/// `ietf-yang-push:…`), XML-prefixed (`sn:`, `yp:`) or bare local name. Empty → none; an
/// unknown identity → other. Thread: any.
[[nodiscard]] subscription_reason reason_from_identity(std::string_view identity) noexcept;

/// One entry of the module list (latest envelope: `module`[name]{name, revision, version}; seed
/// envelope: `module-version`[module-name]{module-name, revision, revision-label}), copied from
/// `ietf-yang-push-revision:module-version` of subscription-started (PROTOCOL.md §4.1), where
/// the older drafts' `module-name` / `revision-label` are read into the same fields.
struct module_version {
    std::string name;     ///< YANG module name (list key; never empty)
    std::string revision; ///< `YYYY-MM-DD`; empty: absent
    std::string version;  ///< YANG semver (latest `version`, seed `revision-label`); empty: absent

    friend bool operator==(const module_version&, const module_version&) = default;
};

/// One subscription as subscription-started / -modified described it. Empty strings and empty
/// optionals are absent leaves. Identity values (datastore, transport, encoding) are stored as
/// received, qualified (`ietf-datastores:operational`) or not (`encode-json`); the envelope
/// writer adds the module the identity belongs to when it is missing (PROTOCOL.md §11.27). A
/// well-known XML prefix (`ds:`, `sn:`, `unt:`, `yp:`) is replaced by its module name by the
/// parser (§11.10); the *_form members record what was sent.
///
/// The members up to yang_library_content_id are what the envelope's `yang-push-subscription`
/// container reports (PROTOCOL.md §5); the rest are §4 members it has no leaf for.
struct subscription_info {
    std::uint32_t id = 0; ///< subscription `id`

    filter_kind filter = filter_kind::none;
    /// xpath: the XPath text; subtree: the raw JSON text of the anydata value (an object, or a
    /// JSON string holding XML, §11.11; the envelope carries objects only).
    std::string filter_text;

    target_kind target = target_kind::none;
    /// datastore: identity (unqualified means `ietf-datastores`); stream: stream name.
    std::string target_value;

    /// `transport` identity, e.g. `ietf-udp-notif-transport:udp-notif` (unqualified means
    /// `ietf-subscribed-notifications`).
    std::string transport;
    /// `encoding` identity, e.g. `encode-json` (unqualified means
    /// `ietf-subscribed-notifications`) or `ietf-udp-notif-transport:encode-cbor`.
    std::string encoding;
    /// `purpose` free text.
    std::string purpose;

    trigger_kind trigger = trigger_kind::none;
    /// periodic `period` in centiseconds (mandatory in RFC 8641; the parser requires it).
    std::optional<std::uint32_t> period;
    /// periodic `anchor-time` (date-and-time); empty: absent.
    std::string anchor_time;
    /// on-change `dampening-period` in centiseconds, as sent (module default 0 when absent).
    std::optional<std::uint32_t> dampening_period;
    /// on-change `sync-on-start` as sent (module default true when absent: see
    /// effective_sync_on_start()).
    std::optional<bool> sync_on_start;

    /// Modules and revisions the notifications use (VERS `module-version`, §4.1).
    std::vector<module_version> modules;
    /// `yang-library-content-id` (VERS); empty: absent.
    std::string yang_library_content_id;

    // ---- §4 members the envelope has no leaf for -------------------------------------------

    /// By-reference filter name: `ietf-yang-push:selection-filter-ref` (datastore) or
    /// `stream-filter-name` (stream). The receiver never sees its text (§4, §11.20); filter is
    /// then none. Empty: not a by-reference filter.
    std::string filter_ref;
    /// DIST `message-publisher-id` leaf-list: the Publisher IDs that will publish (§4.2), as sent.
    std::vector<std::uint32_t> publisher_ids;
    /// `stop-time` (date-and-time); empty: absent.
    std::string stop_time;
    /// `dscp` (0..63); absent when not sent.
    std::optional<std::uint8_t> dscp;
    /// `weighting` (0..255); absent when not sent.
    std::optional<std::uint8_t> weighting;
    /// `dependency`: the id of the subscription this one depends on; absent when not sent.
    std::optional<std::uint32_t> dependency;
    /// `replay-start-time` (stream, date-and-time); empty: absent.
    std::string replay_start_time;
    /// `replay-previous-event-time` (stream, subscription-started only); empty: absent.
    std::string replay_previous_event_time;
    /// on-change `excluded-change` values as excluded_change_bits.
    std::uint8_t excluded_changes = 0;

    identity_form target_form = identity_form::absent;    ///< how `datastore` was written
    identity_form transport_form = identity_form::absent; ///< how `transport` was written
    identity_form encoding_form = identity_form::absent;  ///< how `encoding` was written
    module_list_form modules_form = module_list_form::none; ///< VERS key names used

    /// Event time (`event-time` / `eventTime`) of the last notification seen for this
    /// subscription, state changes and data alike; empty: none seen. The subscription table
    /// updates it per message without allocating (it keeps the capacity).
    std::string last_event_time;

    /// on-change `sync-on-start` with the RFC 8641 default (true) applied; false for other triggers.
    [[nodiscard]] bool effective_sync_on_start() const noexcept
    {
        return trigger == trigger_kind::on_change && sync_on_start.value_or(true);
    }
};

} // namespace udpn::yangpush
