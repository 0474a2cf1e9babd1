/// \file
/// The key module's view of a subscription (key::subscription_filter) from what the
/// subscription table holds (yangpush::subscription_info, PROTOCOL.md §4). Runs once per
/// subscription change; allocates.
#pragma once

#include "key/filter.hpp"
#include "yangpush/subscription.hpp"

namespace udpn::worker {

/// Maps \p info to the key module's filter input: xpath → xpath, subtree (JSON anydata, or a
/// JSON string holding XML) → subtree_json, a by-reference filter → by_reference with its name,
/// else none; datastore identities written without their module get `ietf-datastores:`
/// (RFC 7951 §6.8), streams keep their name; the update trigger with RFC 8641's sync-on-start
/// default. Thread: any.
[[nodiscard]] key::subscription_filter subscription_filter_of(const yangpush::subscription_info& info);

} // namespace udpn::worker
