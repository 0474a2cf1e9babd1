#include "key/errors.hpp"

namespace udpn::key {

const char* to_string(resolve_error e) noexcept
{
    switch (e) {
    case resolve_error::unknown_module: return "unknown_module";
    case resolve_error::ambiguous_prefix: return "ambiguous_prefix";
    case resolve_error::bad_xpath: return "bad_xpath";
    case resolve_error::path_not_in_schema: return "path_not_in_schema";
    case resolve_error::bad_subtree: return "bad_subtree";
    case resolve_error::unsupported_node: return "unsupported_node";
    case resolve_error::empty_filter: return "empty_filter";
    case resolve_error::too_many_branches: return "too_many_branches";
    case resolve_error::too_deep: return "too_deep";
    case resolve_error::out_of_memory: return "out_of_memory";
    }
    return "unknown";
}

const char* to_string(key_event e) noexcept
{
    switch (e) {
    case key_event::derived: return "derived";
    case key_event::unknown_subscription: return "unknown_subscription";
    case key_event::fallback_filter: return "fallback_filter";
    case key_event::null_key: return "null_key";
    case key_event::no_instance: return "no_instance";
    case key_event::key_overflow: return "key_overflow";
    case key_event::union_topic_split: return "union_topic_split";
    case key_event::missing_key_value: return "missing_key_value";
    case key_event::malformed_contents: return "malformed_contents";
    case key_event::bad_patch_target: return "bad_patch_target";
    case key_event::patch_unfillable: return "patch_unfillable";
    }
    return "unknown";
}

} // namespace udpn::key
