/// \file
/// What the key module needs to know of one subscription, as a later subscription table fills
/// it from subscription-started / -modified (PROTOCOL.md §4). Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace udpn::key {

/// How the subscription selects data (RFC 8639 `filter-spec`, RFC 8641 `selection-filter`).
enum class filter_kind : std::uint8_t {
    none,         ///< no filter: the whole datastore or stream
    xpath,        ///< `datastore-xpath-filter` / `stream-xpath-filter`
    subtree_json, ///< `datastore-subtree-filter` / `stream-subtree-filter` as RFC 7951 JSON
                  ///< (anydata)
    subtree_xml,  ///< the same in XML (XML-encoded subscription-started)
    by_reference, ///< `selection-filter-ref` / `stream-filter-name`: the filter text is not sent
};

/// The update trigger of a datastore subscription (RFC 8641).
enum class update_trigger : std::uint8_t {
    unknown,   ///< absent (stream subscriptions, or not sent)
    periodic,  ///< `ietf-yang-push:periodic`
    on_change, ///< `ietf-yang-push:on-change`
};

/// An XML namespace declaration in scope of the filter (`xmlns:if="urn:…"`), PROTOCOL.md §11.10.
struct namespace_binding {
    std::string prefix; ///< empty for the default namespace
    std::string uri;
};

/// One subscription's filter and target, as received. Thread: plain data, owned by the
/// subscription table's thread.
struct subscription_filter {
    std::uint32_t subscription_id = 0; ///< `id`
    filter_kind kind = filter_kind::none;
    /// XPath text; subtree JSON text (the anydata value, an object, or a JSON string holding
    /// XML); subtree XML text (the filter element's content); or the referenced filter name.
    std::string text;
    /// `ietf-yang-push:datastore` identity as sent (e.g. `ietf-datastores:operational`);
    /// empty for a stream subscription.
    std::string datastore;
    /// `stream` name; empty for a datastore subscription.
    std::string stream;
    update_trigger trigger = update_trigger::unknown;
    bool sync_on_start = true; ///< RFC 8641 default when the leaf is absent
    /// XML namespace declarations in scope (XML-encoded subscriptions), for XPath prefixes and
    /// prefixed subtree elements.
    std::vector<namespace_binding> namespaces;
};

} // namespace udpn::key
