/// \file
/// What the envelope's `yang-push-subscription` container (module
/// ietf-yang-push-telemetry-message, PROTOCOL.md §5) says about one subscription. The type lives
/// one layer down, in yangpush (src/yangpush/subscription.hpp), so the subscription parser that
/// fills it from subscription-started / -modified (PROTOCOL.md §4) and the envelope writer that
/// only reads it share one definition. Writing an envelope from it allocates nothing.
#pragma once

#include "yangpush/subscription.hpp"

namespace udpn::envelope {

/// One subscription as the envelope reports it (see yangpush::subscription_info).
using subscription_metadata = yangpush::subscription_info;
/// `choice filter-spec` of the envelope (see yangpush::filter_kind).
using filter_kind = yangpush::filter_kind;
/// `choice target` of the envelope (see yangpush::target_kind).
using target_kind = yangpush::target_kind;
/// `choice update-trigger` of the envelope (see yangpush::trigger_kind).
using trigger_kind = yangpush::trigger_kind;
/// One entry of the envelope's module list (see yangpush::module_version).
using module_version = yangpush::module_version;

} // namespace udpn::envelope
