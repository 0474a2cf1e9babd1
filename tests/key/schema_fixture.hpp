/// \file
/// Schema contexts shared by the key tests: the project's YANG modules (../shared/yang, path
/// from meson) and two synthetic test modules (tests/key/yang).
#pragma once

#include "key/schema_context.hpp"
#include "yangpush/notification.hpp"

#include <string_view>

namespace udpn::test {

/// Every module of shared/yang, all features enabled (built once per process).
inline const key::schema_context& shared_schema()
{
    static const key::schema_context schema(key::schema_config{{UDPN_YANG_DIR}, {}, true});
    return schema;
}

/// Only the synthetic modules of tests/key/yang (example-collide and example-dup share
/// the prefix `x`).
inline const key::schema_context& synthetic_schema()
{
    static const key::schema_context schema(key::schema_config{
        {UDPN_KEY_TEST_YANG_DIR}, {"example-sys", "example-collide", "example-dup"}, true});
    return schema;
}

/// A notification_view as the decoder would produce it (contents = the notification object).
inline yangpush::notification_view notification(yangpush::notification_kind kind,
                                                std::string_view name, std::string_view contents)
{
    yangpush::notification_view n;
    n.kind = kind;
    n.name = name;
    n.contents = contents;
    n.has_subscription_id = true;
    return n;
}

} // namespace udpn::test
