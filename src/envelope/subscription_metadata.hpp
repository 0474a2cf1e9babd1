/// \file
/// What the envelope's `yang-push-subscription` container (module
/// ietf-yang-push-telemetry-message, PROTOCOL.md §5) says about one subscription: a plain
/// struct the subscription table fills from subscription-started / -modified (PROTOCOL.md §4)
/// and the envelope writer only reads. Filled at subscription time, so owning strings are fine
/// here; writing an envelope from it allocates nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace udpn::envelope {

/// Which filter the subscription has (`choice filter-spec`).
enum class filter_kind : std::uint8_t {
    none,    ///< no filter, or a by-reference filter whose text the receiver never saw (§4)
    xpath,   ///< `xpath-filter`: XPath 1.0 text, module names as prefixes (§3.4, §11.10)
    subtree, ///< `subtree-filter` (anydata): raw JSON text of an object, spliced unchanged
};

/// What the subscription targets (`choice target`).
enum class target_kind : std::uint8_t {
    none,      ///< not known
    datastore, ///< `datastore`: a datastore identity, e.g. `ietf-datastores:operational`
    stream,    ///< `stream`: an event stream name, e.g. `NETCONF`
};

/// The update trigger (`choice update-trigger`).
enum class trigger_kind : std::uint8_t {
    none,      ///< not known / stream subscription
    periodic,  ///< `periodic` {period, anchor-time}
    on_change, ///< `on-change` {dampening-period, sync-on-start}
};

/// One entry of the module list (latest: `module`[name]{name, revision, version}; seed:
/// `module-version`[module-name]{module-name, revision, revision-label}), copied from
/// `ietf-yang-push-revision:module-version` of subscription-started (PROTOCOL.md §4.1).
struct module_version {
    std::string name;     ///< YANG module name (list key; must be non-empty)
    std::string revision; ///< `YYYY-MM-DD`; empty: absent
    std::string version;  ///< YANG semver (latest `version`, seed `revision-label`); empty: absent
};

/// One subscription as the envelope reports it. Empty strings and empty optionals are absent
/// leaves. Identity values (datastore, transport, encoding) are stored as received: qualified
/// (`ietf-datastores:operational`) or not (`encode-json`); the writer adds the module the
/// identity belongs to when it is missing (PROTOCOL.md §11.27). A prefix that is not a module
/// name (an XML prefix such as `ds:`) must be normalized by the table first (§11.10).
struct subscription_metadata {
    std::uint32_t id = 0; ///< subscription `id`

    filter_kind filter = filter_kind::none;
    /// xpath: the XPath text; subtree: a JSON object text (anything else is dropped, counted).
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
    /// periodic `period` in centiseconds.
    std::optional<std::uint32_t> period;
    /// periodic `anchor-time` (date-and-time); empty: absent.
    std::string anchor_time;
    /// on-change `dampening-period` in centiseconds (module default 0).
    std::optional<std::uint32_t> dampening_period;
    /// on-change `sync-on-start` (module default true).
    std::optional<bool> sync_on_start;

    /// Modules and revisions the notifications use.
    std::vector<module_version> modules;
    /// `yang-library-content-id`; empty: absent.
    std::string yang_library_content_id;
};

} // namespace udpn::envelope
