/// \file
/// Schema contexts shared by the key tests: the project's YANG modules (../shared/yang, path
/// from meson) and two synthetic test modules (tests/key/yang).
#pragma once

#include "key/config.hpp"
#include "key/filter.hpp"
#include "key/schema_context.hpp"
#include "yangpush/notification.hpp"

#include <libyang/libyang.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace udpn::test {

/// Every module of shared/yang, all features enabled (built once per process).
inline const key::schema_context& shared_schema()
{
    static const key::schema_context schema(key::schema_config{{UDPN_YANG_DIR}, {}, true});
    return schema;
}

/// True when libyang can create the data node \p path in shared_schema() (a leaf gets
/// \p value): an instance XPath we emit names a real node.
inline bool valid_instance(const std::string& path, const char* value = nullptr)
{
    lyd_node* node = nullptr;
    const LY_ERR err =
        lyd_new_path(nullptr, shared_schema().native(), path.c_str(), value, 0, &node);
    lyd_free_all(node);
    return err == LY_SUCCESS;
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

/// An XPath subscription on the operational datastore, periodic (the drafts' usual example).
inline key::subscription_filter xpath_filter(std::string text, std::uint32_t id = 1042)
{
    key::subscription_filter f;
    f.subscription_id = id;
    f.kind = key::filter_kind::xpath;
    f.text = std::move(text);
    f.datastore = "ietf-datastores:operational";
    f.trigger = key::update_trigger::periodic;
    return f;
}

/// The latest profile with derived topic names (distribution `topic`).
inline key::key_config latest_topics()
{
    key::key_config c;
    c.standards_profile = key::profile::latest;
    c.distribution = key::topic_distribution::topic;
    return c;
}

} // namespace udpn::test
