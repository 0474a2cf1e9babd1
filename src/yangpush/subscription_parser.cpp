/// \file
/// subscription_parser implementation on simdjson on-demand (PROTOCOL.md §4, §4.1, §4.2).
///
/// Member names follow RFC 7951 §4: members of subscription-started / -modified that belong to
/// ietf-subscribed-notifications are unqualified, augments carry their module
/// (`ietf-yang-push:datastore`, `ietf-yang-push-revision:module-version`,
/// `ietf-distributed-notif:message-publisher-id`). We are liberal: a member is matched by its
/// local name when its prefix is its own module, the notification's module (redundant but
/// harmless), or absent (counted as unqualified_augments for augment members).
#include "yangpush/subscription_parser.hpp"

#include "yangpush/json_read.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace udpn::yangpush {

namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view sn_module = "ietf-subscribed-notifications";
constexpr std::string_view yp_module = "ietf-yang-push";
constexpr std::string_view vers_module = "ietf-yang-push-revision";
constexpr std::string_view dist_module = "ietf-distributed-notif";

/// Most Publisher IDs kept from one message-publisher-id leaf-list (DIST §4.2).
constexpr std::size_t max_publisher_ids = 4096;
/// Most module-version entries kept from one subscription (VERS §4.1).
constexpr std::size_t max_module_entries = 4096;

/// The §4 members of subscription-started / -modified.
enum class member : std::uint8_t {
    unknown,
    id,
    stream,
    stream_xpath_filter,
    stream_subtree_filter,
    stream_filter_name,
    replay_start_time,
    replay_previous_event_time,
    datastore,
    datastore_xpath_filter,
    datastore_subtree_filter,
    selection_filter_ref,
    stop_time,
    dscp,
    weighting,
    dependency,
    transport,
    encoding,
    purpose,
    periodic,
    on_change,
    module_version,
    yang_library_content_id,
    publisher_ids,
};

struct member_def {
    std::string_view local;
    std::string_view module; ///< the module the member belongs to
    member m;
};

// PROTOCOL.md §4 table (RFC 8639 §2.7.1 subscription-policy, RFC 8641 §4.4 augments), VERS
// §4.1 and DIST §4.2 augments.
constexpr std::array<member_def, 23> member_defs{{
    {"id", sn_module, member::id},
    {"stream", sn_module, member::stream},
    {"stream-xpath-filter", sn_module, member::stream_xpath_filter},
    {"stream-subtree-filter", sn_module, member::stream_subtree_filter},
    {"stream-filter-name", sn_module, member::stream_filter_name},
    {"replay-start-time", sn_module, member::replay_start_time},
    {"replay-previous-event-time", sn_module, member::replay_previous_event_time},
    {"datastore", yp_module, member::datastore},
    {"datastore-xpath-filter", yp_module, member::datastore_xpath_filter},
    {"datastore-subtree-filter", yp_module, member::datastore_subtree_filter},
    {"selection-filter-ref", yp_module, member::selection_filter_ref},
    {"stop-time", sn_module, member::stop_time},
    {"dscp", sn_module, member::dscp},
    {"weighting", sn_module, member::weighting},
    {"dependency", sn_module, member::dependency},
    {"transport", sn_module, member::transport},
    {"encoding", sn_module, member::encoding},
    {"purpose", sn_module, member::purpose},
    {"periodic", yp_module, member::periodic},
    {"on-change", yp_module, member::on_change},
    {"module-version", vers_module, member::module_version},
    {"yang-library-content-id", vers_module, member::yang_library_content_id},
    {"message-publisher-id", dist_module, member::publisher_ids},
}};

struct classified {
    member m = member::unknown;
    bool unqualified_augment = false;
};

/// Which §4 member \p name is (see the file comment for the prefix rules).
classified classify(std::string_view name) noexcept
{
    std::string_view module;
    std::string_view local = name;
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
        module = name.substr(0, colon);
        local = name.substr(colon + 1);
    }
    for (const member_def& d : member_defs) {
        if (d.local != local) {
            continue;
        }
        if (module == d.module || module == sn_module) {
            return {d.m, false};
        }
        if (module.empty()) {
            return {d.m, d.module != sn_module};
        }
        return {};
    }
    return {};
}

/// Merge groups of merge_modified(): members replaced together.
enum class group : std::uint8_t {
    target,  ///< `choice target`: stream / datastore, their filters, replay members
    trigger, ///< `choice update-trigger`
    vers,    ///< module-version + yang-library-content-id
    own,     ///< a member on its own (the member id tells which)
};

group group_of(member m) noexcept
{
    switch (m) {
    case member::stream:
    case member::stream_xpath_filter:
    case member::stream_subtree_filter:
    case member::stream_filter_name:
    case member::replay_start_time:
    case member::replay_previous_event_time:
    case member::datastore:
    case member::datastore_xpath_filter:
    case member::datastore_subtree_filter:
    case member::selection_filter_ref: return group::target;
    case member::periodic:
    case member::on_change: return group::trigger;
    case member::module_version:
    case member::yang_library_content_id: return group::vers;
    default: return group::own;
    }
}

/// Bit of \p m in a group set: one bit per group, then one per own member.
std::uint64_t group_bit(member m) noexcept
{
    const group g = group_of(m);
    if (g != group::own) {
        return std::uint64_t{1} << static_cast<unsigned>(g);
    }
    return std::uint64_t{1} << (8u + static_cast<unsigned>(m));
}

/// \p name without a `module:` prefix equal to one of \p modules (children of an augment are
/// unqualified in RFC 7951; some senders qualify them anyway).
std::string_view local_of(std::string_view name, std::string_view module) noexcept
{
    if (name.size() > module.size() && name.starts_with(module) && name[module.size()] == ':') {
        return name.substr(module.size() + 1);
    }
    return name;
}

/// Well-known XML prefixes of the identity modules (the YANG `prefix` statements of the
/// modules in shared/yang): §11.10 says publishers send them where JSON wants module names.
struct prefix_def {
    std::string_view prefix;
    std::string_view module;
};
constexpr std::array<prefix_def, 4> identity_prefixes{{
    {"ds", "ietf-datastores"},
    {"sn", sn_module},
    {"unt", "ietf-udp-notif-transport"},
    {"yp", yp_module},
}};

using detail::read_u32;

bool read_string(od::value v, std::string& out) noexcept
{
    std::string_view s;
    if (v.get_string().get(s)) {
        return false;
    }
    out.assign(s);
    return true;
}

/// The raw JSON text of \p v (objects and arrays whole), trimmed.
bool read_raw(od::value v, std::string_view& out) noexcept
{
    return !simdjson::to_json_string(v).get(out);
}

/// Appends \p s as a JSON string literal (RFC 8259 §7 escaping).
void append_quoted(std::string& out, std::string_view s)
{
    out.push_back('"');
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (u < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out.append("\\u00", 4);
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0xf]);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

using parse_error_opt = std::optional<subscription_parse_error>;

} // namespace

const char* to_string(subscription_parse_error e) noexcept
{
    switch (e) {
    case subscription_parse_error::invalid_json: return "invalid_json";
    case subscription_parse_error::not_an_object: return "not_an_object";
    case subscription_parse_error::missing_id: return "missing_id";
    case subscription_parse_error::bad_member_type: return "bad_member_type";
    case subscription_parse_error::missing_mandatory: return "missing_mandatory";
    case subscription_parse_error::conflicting_choice: return "conflicting_choice";
    case subscription_parse_error::too_large: return "too_large";
    }
    return "unknown";
}

struct subscription_parser::impl {
    od::parser parser;
    od::document doc;
    std::size_t max_bytes;
    std::string buf;       ///< padded copy of the input being parsed
    std::string other_buf; ///< second padded copy (merge_modified reads two documents)
    subscription_parse_stats* stats = nullptr;

    explicit impl(std::size_t max) : max_bytes(max) {}

    /// Copies \p text into \p into with SIMDJSON_PADDING zero bytes and starts iterating it.
    parse_error_opt start(std::string_view text, std::string& into, od::object& root) noexcept
    {
        if (text.size() > max_bytes) {
            return subscription_parse_error::too_large;
        }
        into.assign(text);
        into.resize(text.size() + simdjson::SIMDJSON_PADDING, '\0');
        const simdjson::padded_string_view padded(into.data(), text.size(), into.size());
        if (parser.iterate(padded).get(doc)) {
            return subscription_parse_error::invalid_json;
        }
        if (const auto err = doc.get_object().get(root)) {
            return err == simdjson::INCORRECT_TYPE ? subscription_parse_error::not_an_object
                                                   : subscription_parse_error::invalid_json;
        }
        return std::nullopt;
    }

    /// After the root object: only whitespace may follow.
    parse_error_opt finish(const std::string& from, std::size_t len) noexcept
    {
        const char* next = nullptr;
        if (!doc.current_location().get(next) && next != nullptr && next < from.data() + len) {
            return subscription_parse_error::invalid_json;
        }
        return std::nullopt;
    }

    /// An identityref value (§3.4, §11.10, §11.27): kept as sent, a known XML prefix replaced.
    bool read_identity(od::value v, std::string& out, identity_form& form) noexcept
    {
        std::string_view s;
        if (v.get_string().get(s)) {
            return false;
        }
        const auto colon = s.find(':');
        if (colon == std::string_view::npos) {
            out.assign(s);
            form = identity_form::unqualified;
            return true;
        }
        const std::string_view prefix = s.substr(0, colon);
        for (const prefix_def& p : identity_prefixes) {
            if (p.prefix == prefix) {
                out.assign(p.module);
                out.append(s.substr(colon));
                form = identity_form::prefix_normalized;
                ++stats->identity_prefixes_normalized;
                return true;
            }
        }
        out.assign(s);
        form = identity_form::qualified;
        return true;
    }

    /// `ietf-yang-push:periodic` {period, anchor-time} (RFC 8641).
    parse_error_opt periodic(od::value v, subscription_info& info) noexcept
    {
        od::object obj;
        if (v.get_object().get(obj)) {
            return subscription_parse_error::bad_member_type;
        }
        info.trigger = trigger_kind::periodic;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            key = local_of(key, yp_module);
            if (key == "period") {
                std::uint32_t p = 0;
                if (!read_u32(field.value(), p)) {
                    return subscription_parse_error::bad_member_type;
                }
                info.period = p;
            } else if (key == "anchor-time") {
                if (!read_string(field.value(), info.anchor_time)) {
                    return subscription_parse_error::bad_member_type;
                }
            } else {
                ++stats->unknown_members;
            }
        }
        if (!info.period) {
            return subscription_parse_error::missing_mandatory; // RFC 8641: period is mandatory
        }
        return std::nullopt;
    }

    /// `ietf-yang-push:on-change` {dampening-period, sync-on-start, excluded-change} (RFC 8641).
    parse_error_opt on_change(od::value v, subscription_info& info) noexcept
    {
        od::object obj;
        if (v.get_object().get(obj)) {
            return subscription_parse_error::bad_member_type;
        }
        info.trigger = trigger_kind::on_change;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            key = local_of(key, yp_module);
            if (key == "dampening-period") {
                std::uint32_t d = 0;
                if (!read_u32(field.value(), d)) {
                    return subscription_parse_error::bad_member_type;
                }
                info.dampening_period = d;
            } else if (key == "sync-on-start") {
                bool b = false;
                if (field.value().get_bool().get(b)) {
                    return subscription_parse_error::bad_member_type;
                }
                info.sync_on_start = b;
            } else if (key == "excluded-change") {
                if (auto e = excluded_changes(field.value(), info)) {
                    return e;
                }
            } else {
                ++stats->unknown_members;
            }
        }
        return std::nullopt;
    }

    /// `excluded-change` leaf-list of enumeration (an array; a lone string accepted).
    parse_error_opt excluded_changes(od::value v, subscription_info& info) noexcept
    {
        auto one = [&](std::string_view s) noexcept {
            if (s == "create") {
                info.excluded_changes |= excluded_create;
            } else if (s == "delete") {
                info.excluded_changes |= excluded_delete;
            } else if (s == "insert") {
                info.excluded_changes |= excluded_insert;
            } else if (s == "move") {
                info.excluded_changes |= excluded_move;
            } else if (s == "replace") {
                info.excluded_changes |= excluded_replace;
            } else {
                ++stats->unknown_members;
            }
        };
        od::json_type t;
        if (v.type().get(t)) {
            return subscription_parse_error::invalid_json;
        }
        std::string_view s;
        if (t == od::json_type::string) {
            if (v.get_string().get(s)) {
                return subscription_parse_error::bad_member_type;
            }
            one(s);
            return std::nullopt;
        }
        od::array arr;
        if (v.get_array().get(arr)) {
            return subscription_parse_error::bad_member_type;
        }
        for (auto elem : arr) {
            if (elem.get_string().get(s)) {
                return subscription_parse_error::bad_member_type;
            }
            one(s);
        }
        return std::nullopt;
    }

    /// One VERS module-version entry; both key spellings of §4.1.
    parse_error_opt module_entry(od::value v, subscription_info& info, bool& legacy) noexcept
    {
        od::object obj;
        if (v.get_object().get(obj)) {
            return subscription_parse_error::bad_member_type;
        }
        module_version m;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            key = local_of(key, vers_module);
            std::string* into = nullptr;
            if (key == "name") {
                into = &m.name;
            } else if (key == "module-name") {
                into = &m.name;
                legacy = true;
            } else if (key == "revision") {
                into = &m.revision;
            } else if (key == "version") {
                into = &m.version;
            } else if (key == "revision-label") {
                into = &m.version;
                legacy = true;
            }
            if (into == nullptr) {
                ++stats->unknown_members;
                continue;
            }
            if (!read_string(field.value(), *into)) {
                return subscription_parse_error::bad_member_type;
            }
        }
        if (m.name.empty()) {
            ++stats->module_entries_dropped; // the list key is mandatory
            return std::nullopt;
        }
        if (info.modules.size() >= max_module_entries) {
            return subscription_parse_error::too_large;
        }
        info.modules.push_back(std::move(m));
        return std::nullopt;
    }

    /// `ietf-yang-push-revision:module-version` list (an array; a lone object accepted).
    parse_error_opt modules(od::value v, subscription_info& info) noexcept
    {
        info.modules.clear();
        bool legacy = false;
        od::json_type t;
        if (v.type().get(t)) {
            return subscription_parse_error::invalid_json;
        }
        if (t == od::json_type::object) {
            if (auto e = module_entry(v, info, legacy)) {
                return e;
            }
        } else {
            od::array arr;
            if (v.get_array().get(arr)) {
                return subscription_parse_error::bad_member_type;
            }
            for (auto elem : arr) {
                od::value ev;
                if (elem.get(ev)) {
                    return subscription_parse_error::invalid_json;
                }
                if (auto e = module_entry(ev, info, legacy)) {
                    return e;
                }
            }
        }
        info.modules_form = legacy ? module_list_form::legacy : module_list_form::current;
        if (legacy) {
            ++stats->legacy_module_lists;
        }
        return std::nullopt;
    }

    /// DIST `message-publisher-id` leaf-list (an array; a lone number accepted).
    parse_error_opt publishers(od::value v, subscription_info& info) noexcept
    {
        info.publisher_ids.clear();
        od::json_type t;
        if (v.type().get(t)) {
            return subscription_parse_error::invalid_json;
        }
        std::uint32_t id = 0;
        if (t != od::json_type::array) {
            if (!read_u32(v, id)) {
                return subscription_parse_error::bad_member_type;
            }
            info.publisher_ids.push_back(id);
            return std::nullopt;
        }
        od::array arr;
        if (v.get_array().get(arr)) {
            return subscription_parse_error::bad_member_type;
        }
        for (auto elem : arr) {
            od::value ev;
            if (elem.get(ev)) {
                return subscription_parse_error::invalid_json;
            }
            if (!read_u32(ev, id)) {
                return subscription_parse_error::bad_member_type;
            }
            if (info.publisher_ids.size() >= max_publisher_ids) {
                return subscription_parse_error::too_large;
            }
            info.publisher_ids.push_back(id);
        }
        return std::nullopt;
    }

    /// A uint8-ranged leaf (dscp 0..63, weighting 0..255).
    static bool read_small(od::value v, std::uint32_t max, std::optional<std::uint8_t>& out) noexcept
    {
        std::uint32_t n = 0;
        if (!read_u32(v, n) || n > max) {
            return false;
        }
        out = static_cast<std::uint8_t>(n);
        return true;
    }

    /// One §4 member into \p info.
    parse_error_opt read_member(member m, od::value v, subscription_info& info, bool& has_id) noexcept
    {
        const auto bad = subscription_parse_error::bad_member_type;
        switch (m) {
        case member::id:
            if (!read_u32(v, info.id)) {
                return bad;
            }
            has_id = true;
            return std::nullopt;
        case member::stream:
            info.target = target_kind::stream;
            return read_string(v, info.target_value) ? parse_error_opt{} : bad;
        case member::datastore:
            info.target = target_kind::datastore;
            return read_identity(v, info.target_value, info.target_form) ? parse_error_opt{} : bad;
        case member::stream_xpath_filter:
        case member::datastore_xpath_filter:
            info.filter = filter_kind::xpath;
            return read_string(v, info.filter_text) ? parse_error_opt{} : bad;
        case member::stream_subtree_filter:
        case member::datastore_subtree_filter: {
            // anydata (RFC 7951 §5.5): an object; §11.11 also allows an XML string. Kept raw.
            od::json_type t;
            if (v.type().get(t)) {
                return subscription_parse_error::invalid_json;
            }
            std::string_view raw;
            if ((t != od::json_type::object && t != od::json_type::string) || !read_raw(v, raw)) {
                return bad;
            }
            info.filter = filter_kind::subtree;
            info.filter_text.assign(raw);
            return std::nullopt;
        }
        case member::stream_filter_name:
        case member::selection_filter_ref:
            // §4: by reference, the receiver only learns a name (§11.20).
            info.filter = filter_kind::none;
            return read_string(v, info.filter_ref) ? parse_error_opt{} : bad;
        case member::replay_start_time:
            return read_string(v, info.replay_start_time) ? parse_error_opt{} : bad;
        case member::replay_previous_event_time:
            return read_string(v, info.replay_previous_event_time) ? parse_error_opt{} : bad;
        case member::stop_time:
            return read_string(v, info.stop_time) ? parse_error_opt{} : bad;
        case member::dscp:
            return read_small(v, 63, info.dscp) ? parse_error_opt{} : bad; // inet:dscp
        case member::weighting:
            return read_small(v, 255, info.weighting) ? parse_error_opt{} : bad;
        case member::dependency: {
            std::uint32_t d = 0;
            if (!read_u32(v, d)) {
                return bad;
            }
            info.dependency = d;
            return std::nullopt;
        }
        case member::transport:
            return read_identity(v, info.transport, info.transport_form) ? parse_error_opt{} : bad;
        case member::encoding:
            return read_identity(v, info.encoding, info.encoding_form) ? parse_error_opt{} : bad;
        case member::purpose:
            return read_string(v, info.purpose) ? parse_error_opt{} : bad;
        case member::periodic: return periodic(v, info);
        case member::on_change: return on_change(v, info);
        case member::module_version: return modules(v, info);
        case member::yang_library_content_id:
            return read_string(v, info.yang_library_content_id) ? parse_error_opt{} : bad;
        case member::publisher_ids: return publishers(v, info);
        case member::unknown: break;
        }
        return std::nullopt;
    }

    result<subscription_info, subscription_parse_error> parse(std::string_view text) noexcept
    {
        od::object root;
        if (auto e = start(text, buf, root)) {
            return *e;
        }
        subscription_info info;
        bool has_id = false;
        // Choice bookkeeping: which cases were seen (PROTOCOL.md §4 table).
        bool stream_case = false;
        bool datastore_case = false;
        std::uint32_t filters = 0; // bit per filter member kind
        for (auto field : root) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            const classified c = classify(key);
            if (c.m == member::unknown) {
                ++stats->unknown_members; // skipped; the raw contents keep it
                continue;
            }
            if (c.unqualified_augment) {
                ++stats->unqualified_augments;
            }
            switch (c.m) {
            case member::stream:
            case member::replay_start_time:
            case member::replay_previous_event_time: stream_case = true; break;
            case member::stream_xpath_filter:
            case member::stream_subtree_filter:
            case member::stream_filter_name:
                stream_case = true;
                filters |= 1u << static_cast<unsigned>(c.m);
                break;
            case member::datastore: datastore_case = true; break;
            case member::datastore_xpath_filter:
            case member::datastore_subtree_filter:
            case member::selection_filter_ref:
                datastore_case = true;
                filters |= 1u << static_cast<unsigned>(c.m);
                break;
            case member::periodic:
                if (info.trigger == trigger_kind::on_change) {
                    return subscription_parse_error::conflicting_choice;
                }
                break;
            case member::on_change:
                if (info.trigger == trigger_kind::periodic) {
                    return subscription_parse_error::conflicting_choice;
                }
                break;
            default: break;
            }
            if (auto e = read_member(c.m, field.value(), info, has_id)) {
                return *e;
            }
        }
        if (auto e = finish(buf, text.size())) {
            return *e;
        }
        if (stream_case && datastore_case) {
            return subscription_parse_error::conflicting_choice;
        }
        if ((filters & (filters - 1)) != 0) { // more than one filter member kind
            return subscription_parse_error::conflicting_choice;
        }
        if (!has_id) {
            return subscription_parse_error::missing_id;
        }
        return info;
    }

    result<reason_info, subscription_parse_error> parse_reason(std::string_view text) noexcept
    {
        od::object root;
        if (auto e = start(text, buf, root)) {
            return *e;
        }
        reason_info r;
        for (auto field : root) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            key = local_of(key, sn_module);
            if (key == "id") {
                if (!read_u32(field.value(), r.id)) {
                    return subscription_parse_error::bad_member_type;
                }
                r.has_id = true;
            } else if (key == "reason") {
                std::string_view s;
                if (field.value().get_string().get(s)) {
                    return subscription_parse_error::bad_member_type;
                }
                r.reason = reason_from_identity(s);
            } else {
                ++stats->unknown_members;
            }
        }
        if (auto e = finish(buf, text.size())) {
            return *e;
        }
        if (!r.has_id) {
            return subscription_parse_error::missing_id;
        }
        return r;
    }

    /// Appends the members of the object being iterated in \p root to \p out, except those
    /// whose group is in \p skip (own-bit set) or whose unknown name is in \p skip_names;
    /// records the groups/names written into \p seen / \p seen_names when given.
    parse_error_opt copy_members(od::object& root, std::string& out, bool& first,
                                 std::uint64_t skip, const std::vector<std::string>& skip_names,
                                 std::uint64_t* seen, std::vector<std::string>* seen_names)
    {
        for (auto field : root) {
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            const member m = classify(key).m;
            if (m == member::unknown) {
                if (std::find(skip_names.begin(), skip_names.end(), key) != skip_names.end()) {
                    continue;
                }
                if (seen_names != nullptr) {
                    seen_names->emplace_back(key);
                }
            } else {
                const std::uint64_t bit = group_bit(m);
                if ((skip & bit) != 0) {
                    continue;
                }
                if (seen != nullptr) {
                    *seen |= bit;
                }
            }
            od::value v;
            if (field.value().get(v)) {
                return subscription_parse_error::invalid_json;
            }
            std::string_view raw;
            if (!read_raw(v, raw)) {
                return subscription_parse_error::invalid_json;
            }
            if (!first) {
                out.push_back(',');
            }
            first = false;
            append_quoted(out, key);
            out.push_back(':');
            out.append(raw);
        }
        return std::nullopt;
    }

    result<std::string, subscription_parse_error> merge(std::string_view current,
                                                        std::string_view modified) noexcept
    {
        std::string out;
        out.reserve(current.size() + modified.size() + 2);
        out.push_back('{');
        bool first = true;
        std::uint64_t groups = 0;
        std::vector<std::string> names;
        od::object root;
        if (auto e = start(modified, buf, root)) {
            return *e;
        }
        if (auto e = copy_members(root, out, first, 0, {}, &groups, &names)) {
            return *e;
        }
        if (auto e = finish(buf, modified.size())) {
            return *e;
        }
        if (auto e = start(current, other_buf, root)) {
            return *e;
        }
        if (auto e = copy_members(root, out, first, groups, names, nullptr, nullptr)) {
            return *e;
        }
        if (auto e = finish(other_buf, current.size())) {
            return *e;
        }
        out.push_back('}');
        return out;
    }

    result<std::vector<json_member>, subscription_parse_error> members(std::string_view text) noexcept
    {
        od::object root;
        if (auto e = start(text, buf, root)) {
            return *e;
        }
        std::vector<json_member> out;
        for (auto field : root) {
            json_member m;
            std::string_view key;
            if (field.unescaped_key().get(key)) {
                return subscription_parse_error::invalid_json;
            }
            m.name.assign(key);
            od::value v;
            od::json_type t;
            if (field.value().get(v) || v.type().get(t)) {
                return subscription_parse_error::invalid_json;
            }
            std::string_view s;
            switch (t) {
            case od::json_type::string:
                m.kind = json_kind::string;
                if (v.get_string().get(s)) {
                    return subscription_parse_error::invalid_json;
                }
                break;
            case od::json_type::number: {
                m.kind = json_kind::number;
                double d = 0; // validates the number text (the raw token first: get_double consumes)
                if (!read_raw(v, s) || v.get_double().get(d)) {
                    return subscription_parse_error::invalid_json;
                }
                break;
            }
            case od::json_type::boolean: {
                m.kind = json_kind::boolean;
                bool b = false;
                if (v.get_bool().get(b)) {
                    return subscription_parse_error::invalid_json;
                }
                s = b ? "true" : "false";
                break;
            }
            case od::json_type::null:
                m.kind = json_kind::null;
                if (bool is_null = false; v.is_null().get(is_null) || !is_null) {
                    return subscription_parse_error::invalid_json;
                }
                s = "null";
                break;
            case od::json_type::object:
            case od::json_type::array:
                m.kind = t == od::json_type::object ? json_kind::object : json_kind::array;
                if (!read_raw(v, s)) {
                    return subscription_parse_error::invalid_json;
                }
                break;
            }
            m.text.assign(s);
            out.push_back(std::move(m));
        }
        if (auto e = finish(buf, text.size())) {
            return *e;
        }
        return out;
    }
};

subscription_parser::subscription_parser(std::size_t max_contents_bytes)
    : _impl(std::make_unique<impl>(max_contents_bytes))
{
    _impl->stats = &_stats;
}

subscription_parser::~subscription_parser() = default;

result<subscription_info, subscription_parse_error>
subscription_parser::parse(std::string_view contents) noexcept
{
    auto r = _impl->parse(contents);
    if (r) {
        ++_stats.parsed;
    } else {
        _stats.count(r.error());
    }
    return r;
}

result<reason_info, subscription_parse_error>
subscription_parser::parse_reason(std::string_view contents) noexcept
{
    auto r = _impl->parse_reason(contents);
    if (r) {
        ++_stats.reasons;
    } else {
        _stats.count(r.error());
    }
    return r;
}

result<std::string, subscription_parse_error>
subscription_parser::merge_modified(std::string_view current, std::string_view modified) noexcept
{
    auto r = _impl->merge(current, modified);
    if (r) {
        ++_stats.merged;
    } else {
        _stats.count(r.error());
    }
    return r;
}

result<std::vector<json_member>, subscription_parse_error>
subscription_parser::read_members(std::string_view json) noexcept
{
    return _impl->members(json);
}

// ---- reasons (PROTOCOL.md §4 "Terminated reasons", "Suspended reasons") ----------------------

namespace {
struct reason_def {
    std::string_view module;
    std::string_view local;
    subscription_reason r;
};
constexpr std::array<reason_def, 11> reason_defs{{
    {sn_module, "no-such-subscription", subscription_reason::no_such_subscription},
    {sn_module, "filter-unavailable", subscription_reason::filter_unavailable},
    {sn_module, "stream-unavailable", subscription_reason::stream_unavailable},
    {sn_module, "suspension-timeout", subscription_reason::suspension_timeout},
    {yp_module, "datastore-not-subscribable", subscription_reason::datastore_not_subscribable},
    {yp_module, "unchanging-selection", subscription_reason::unchanging_selection},
    {sn_module, "insufficient-resources", subscription_reason::insufficient_resources},
    {sn_module, "unsupportable-volume", subscription_reason::unsupportable_volume},
    {yp_module, "period-unsupported", subscription_reason::period_unsupported},
    {yp_module, "update-too-big", subscription_reason::update_too_big},
    {yp_module, "sync-too-big", subscription_reason::sync_too_big},
}};
} // namespace

const char* to_string(subscription_reason r) noexcept
{
    switch (r) {
    case subscription_reason::none: return "";
    case subscription_reason::no_such_subscription: return "ietf-subscribed-notifications:no-such-subscription";
    case subscription_reason::filter_unavailable: return "ietf-subscribed-notifications:filter-unavailable";
    case subscription_reason::stream_unavailable: return "ietf-subscribed-notifications:stream-unavailable";
    case subscription_reason::suspension_timeout: return "ietf-subscribed-notifications:suspension-timeout";
    case subscription_reason::datastore_not_subscribable: return "ietf-yang-push:datastore-not-subscribable";
    case subscription_reason::unchanging_selection: return "ietf-yang-push:unchanging-selection";
    case subscription_reason::insufficient_resources: return "ietf-subscribed-notifications:insufficient-resources";
    case subscription_reason::unsupportable_volume: return "ietf-subscribed-notifications:unsupportable-volume";
    case subscription_reason::period_unsupported: return "ietf-yang-push:period-unsupported";
    case subscription_reason::update_too_big: return "ietf-yang-push:update-too-big";
    case subscription_reason::sync_too_big: return "ietf-yang-push:sync-too-big";
    case subscription_reason::other: return "other";
    }
    return "other";
}

subscription_reason reason_from_identity(std::string_view identity) noexcept
{
    if (identity.empty()) {
        return subscription_reason::none;
    }
    std::string_view module;
    std::string_view local = identity;
    if (const auto colon = identity.find(':'); colon != std::string_view::npos) {
        module = identity.substr(0, colon);
        local = identity.substr(colon + 1);
    }
    for (const reason_def& d : reason_defs) {
        if (d.local != local) {
            continue;
        }
        // Module name (RFC 7951), its XML prefix (§11.10), or no prefix at all.
        const bool prefix_ok = module.empty() || module == d.module ||
                               (d.module == sn_module && module == "sn") ||
                               (d.module == yp_module && module == "yp");
        return prefix_ok ? d.r : subscription_reason::other;
    }
    return subscription_reason::other;
}

} // namespace udpn::yangpush
