#include "worker/filter.hpp"

namespace udpn::worker {

key::subscription_filter subscription_filter_of(const yangpush::subscription_info& info)
{
    key::subscription_filter f;
    f.subscription_id = info.id;
    switch (info.filter) {
    case yangpush::filter_kind::xpath:
        f.kind = key::filter_kind::xpath;
        f.text = info.filter_text;
        break;
    case yangpush::filter_kind::subtree:
        f.kind = key::filter_kind::subtree_json;
        f.text = info.filter_text;
        break;
    case yangpush::filter_kind::none:
        if (!info.filter_ref.empty()) {
            f.kind = key::filter_kind::by_reference;
            f.text = info.filter_ref;
        }
        break;
    }
    if (info.target == yangpush::target_kind::datastore) {
        // RFC 7951 §6.8: an identity without its module is the leaf's own module's
        // (ietf-datastores for `datastore`); the key carries it qualified.
        f.datastore = info.target_value.find(':') == std::string::npos
                          ? "ietf-datastores:" + info.target_value
                          : info.target_value;
    } else if (info.target == yangpush::target_kind::stream) {
        f.stream = info.target_value;
    }
    switch (info.trigger) {
    case yangpush::trigger_kind::periodic: f.trigger = key::update_trigger::periodic; break;
    case yangpush::trigger_kind::on_change: f.trigger = key::update_trigger::on_change; break;
    case yangpush::trigger_kind::none: f.trigger = key::update_trigger::unknown; break;
    }
    f.sync_on_start = info.sync_on_start.value_or(true);
    return f;
}

} // namespace udpn::worker
