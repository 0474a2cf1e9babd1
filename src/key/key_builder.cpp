#include "key/key_builder.hpp"

#include "key/json_cursor.hpp"
#include "key/xpath.hpp"

#include <algorithm>
#include <bit>
#include <charconv>

namespace udpn::key {

namespace {

using detail::json_cursor;
using detail::json_token;

struct qualified {
    std::string_view module; ///< empty when unqualified
    std::string_view local;
};

qualified split_name(std::string_view name) noexcept
{
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) {
        return {{}, name};
    }
    return {name.substr(0, colon), name.substr(colon + 1)};
}

std::uint64_t all_branches(std::size_t n) noexcept
{
    return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

std::size_t lowest(std::uint64_t mask) noexcept
{
    return static_cast<std::size_t>(std::countr_zero(mask));
}

bool is_scalar(json_token t) noexcept
{
    return t == json_token::string || t == json_token::number || t == json_token::boolean;
}

/// Index in \p st.keys of the key whose name is the local name of member \p raw (qualifier
/// ignored; an escaped name never matches, as in walk_object), or st.keys.size().
inline std::size_t key_index(const resolved_step& st, std::string_view raw, bool escaped) noexcept
{
    std::size_t k = 0;
    if (escaped) {
        return st.keys.size();
    }
    while (k < st.keys.size() && !detail::local_name_is(raw, st.keys[k])) {
        ++k;
    }
    return k;
}

/// Positions \p c at the value of the member of the open object whose local name (qualifier
/// ignored) is \p local (no ':'); false when absent (the object is consumed) or on error.
bool find_member(json_cursor& c, std::string_view local) noexcept
{
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    while (c.next_member(first, raw, escaped)) {
        if (!escaped && detail::local_name_is(raw, local)) {
            return true;
        }
        if (!c.skip_value()) {
            return false;
        }
    }
    return false;
}

} // namespace

key_builder::key_builder(const key_config& config)
    : _config(config), _format(config.effective_format()),
      _fallback_topic(config.distribution == topic_distribution::subject
                          ? config.single_topic
                          : config.effective_fallback_topic()),
      _limit(config.max_key_bytes)
{
    _config.validate();
    _key.reserve(_limit);
    _paths.reserve(_limit);
    _unescaped.resize(_limit);
    _target.resize(_limit);
    _decoded.resize(_limit);
    _instances.reserve(_config.max_instances);
    _frames.resize(_config.max_depth + 1);
    _segments.resize(_config.max_depth + 1);
}

// ---- Phase 3: walking the data (§7.3) ------------------------------------------------------

std::uint64_t key_builder::match(std::uint64_t mask, std::size_t depth, std::string_view module,
                                 std::string_view local) const noexcept
{
    std::uint64_t out = 0;
    for (std::uint64_t m = mask; m != 0; m &= m - 1) {
        const std::size_t b = lowest(m);
        const auto& steps = _sub->branches[b].steps;
        if (depth >= steps.size()) {
            continue;
        }
        const resolved_step& st = steps[depth];
        // RFC 7951 qualifies a member by module name; publishers that send XML-style prefixes
        // (§11.10) are matched too.
        if (st.name == local && (module.empty() || module == st.module || module == st.prefix)) {
            out |= std::uint64_t{1} << b;
        }
    }
    return out;
}

std::uint64_t key_builder::terminal(std::uint64_t mask, std::size_t depth) const noexcept
{
    std::uint64_t out = 0;
    for (std::uint64_t m = mask; m != 0; m &= m - 1) {
        const std::size_t b = lowest(m);
        if (_sub->branches[b].steps.size() == depth + 1) {
            out |= std::uint64_t{1} << b;
        }
    }
    return out;
}

bool key_builder::value_equals(const value_ref& v, std::string_view text) const noexcept
{
    switch (v.enc) {
    case value_enc::missing: return false;
    case value_enc::raw: return v.text == text;
    case value_enc::json_escaped: return detail::json_string_equals(v.text, true, text);
    }
    return false;
}

std::uint64_t key_builder::admissible(std::uint64_t mask, std::size_t depth) noexcept
{
    // Pinned predicates must equal the data; open ones need a value to fill the placeholder.
    const frame& f = _frames[depth];
    std::uint64_t out = 0;
    for (std::uint64_t m = mask; m != 0; m &= m - 1) {
        const std::size_t b = lowest(m);
        const resolved_step& st = _sub->branches[b].steps[depth];
        bool ok = true;
        if (st.kind == node_kind::list) {
            for (std::size_t k = 0; k < st.keys.size() && ok; ++k) {
                const value_ref& v = f.keys[k];
                if (st.pins[k]) {
                    ok = value_equals(v, *st.pins[k]);
                } else if (v.enc == value_enc::missing) {
                    ok = false;
                    _stats.count(key_event::missing_key_value);
                }
            }
        } else if (st.kind == node_kind::leaf_list && !st.pins.empty()) {
            if (st.pins[0]) {
                ok = value_equals(f.leaf, *st.pins[0]);
            } else if (f.leaf.enc == value_enc::missing) {
                ok = false;
            }
        }
        if (ok) {
            out |= std::uint64_t{1} << b;
        }
    }
    return out;
}

key_builder::append_status key_builder::append_value(const value_ref& v) noexcept
{
    std::string_view text = v.text;
    if (v.enc == value_enc::json_escaped) {
        std::size_t len = 0;
        if (!detail::json_unescape(v.text, _unescaped.data(), _unescaped.size(), len)) {
            return append_status::bad_value;
        }
        text = std::string_view(_unescaped.data(), len);
    }
    if (_paths.size() + xpath_literal_size(text) > _limit) {
        return append_status::no_space;
    }
    append_xpath_literal(_paths, text); // within the reservation: no reallocation (§11.15)
    return append_status::ok;
}

void key_builder::emit(std::size_t branch) noexcept
{
    _found |= std::uint64_t{1} << branch;
    if (!_collect || _overflow) {
        return;
    }
    if (_instances.size() >= _config.max_instances) {
        _overflow = true;
        return;
    }
    const std::size_t start = _paths.size();
    for (const template_piece& piece : _sub->branches[branch].pieces) {
        append_status status = _paths.size() + piece.literal.size() <= _limit
                                   ? append_status::ok
                                   : append_status::no_space;
        if (status == append_status::ok) {
            _paths.append(piece.literal);
        }
        if (status == append_status::ok && piece.placeholder) {
            const frame& f = _frames[piece.depth];
            status = append_value(piece.slot == leaf_list_slot ? f.leaf : f.keys[piece.slot]);
        }
        if (status != append_status::ok) {
            _paths.resize(start);
            if (status == append_status::no_space) {
                _overflow = true;
            } else {
                _stats.count(key_event::malformed_contents); // e.g. a bad \u escape
            }
            return;
        }
    }
    _instances.emplace_back(_paths.data() + start, _paths.size() - start);
}

void key_builder::emit_all(std::uint64_t mask) noexcept
{
    for (std::uint64_t m = mask; m != 0; m &= m - 1) {
        emit(lowest(m));
    }
}

void key_builder::walk_object(json_cursor& c, std::size_t depth, std::uint64_t mask,
                              std::string_view parent_module) noexcept
{
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    while (c.next_member(first, raw, escaped)) {
        walk_member(c, depth, mask, parent_module, raw, escaped);
        if (c.failed()) {
            return;
        }
    }
}

void key_builder::walk_member(json_cursor& c, std::size_t depth, std::uint64_t mask,
                              std::string_view parent_module, std::string_view raw_name,
                              bool escaped) noexcept
{
    const qualified name = split_name(raw_name);
    // Unqualified members inherit the parent's module (RFC 7951 §4).
    const std::uint64_t m =
        escaped ? 0
                : match(mask, depth, name.module.empty() ? parent_module : name.module, name.local);
    if (m == 0) {
        c.skip_value();
    } else {
        walk_value(c, depth, m);
    }
}

void key_builder::walk_value(json_cursor& c, std::size_t depth, std::uint64_t mask) noexcept
{
    const resolved_step& st = _sub->branches[lowest(mask)].steps[depth];
    const json_token t = c.peek();
    switch (st.kind) {
    case node_kind::list: {
        const bool target = terminal(mask, depth) == mask; // the same for every entry
        if (t == json_token::array) {
            c.begin_array();
            bool first = true;
            while (c.next_element(first)) {
                if (c.peek() == json_token::object) {
                    walk_entry(c, depth, mask, target);
                } else {
                    c.skip_value();
                }
                if (c.failed()) {
                    return;
                }
            }
        } else if (t == json_token::object) {
            walk_entry(c, depth, mask, target); // lenient: one entry not wrapped in an array
        } else {
            c.skip_value();
        }
        return;
    }
    case node_kind::leaf_list: {
        // Each value is an instance: [.='%s'] (§7.3 Phase 2).
        frame& f = _frames[depth];
        auto one = [&]() noexcept {
            std::string_view raw;
            json_token kind;
            bool escaped = false;
            if (!is_scalar(c.peek())) {
                c.skip_value();
                return;
            }
            if (!c.read_scalar(raw, kind, escaped)) {
                return;
            }
            f.leaf = {raw, escaped ? value_enc::json_escaped : value_enc::raw};
            emit_all(admissible(terminal(mask, depth), depth));
        };
        if (t == json_token::array) {
            c.begin_array();
            bool first = true;
            while (c.next_element(first)) {
                one();
                if (c.failed()) {
                    return;
                }
            }
        } else {
            one();
        }
        return;
    }
    default: break;
    }
    const std::uint64_t term = terminal(mask, depth);
    emit_all(term); // the node is present: the upward walk needs nothing more
    const std::uint64_t rest = mask & ~term;
    if (rest == 0 || (st.kind != node_kind::container && st.kind != node_kind::notification)) {
        c.skip_value();
        return;
    }
    if (t == json_token::object) {
        c.begin_object();
        walk_object(c, depth + 1, rest, st.module);
    } else if (t == json_token::array) {
        // Lenient: a container sent as an array of objects (§11.9, UDPN A.3's bug).
        c.begin_array();
        bool first = true;
        while (c.next_element(first)) {
            if (c.peek() == json_token::object) {
                c.begin_object();
                walk_object(c, depth + 1, rest, st.module);
            } else {
                c.skip_value();
            }
            if (c.failed()) {
                return;
            }
        }
    } else {
        c.skip_value();
    }
}

void key_builder::walk_entry(json_cursor& c, std::size_t depth, std::uint64_t mask,
                             bool target) noexcept
{
    // §7.3 Phase 3. An entry that is the target of every branch is read once by the look-ahead
    // anyway; one the walk goes below is read in one pass when its keys come first (the XML
    // encoding requires that, RFC 7950 §7.8.5, and JSON encoders do the same; RFC 7951 does
    // not require it), else looked ahead and then walked.
    if (target || !_in_order) {
        walk_entry_look_ahead(c, depth, mask);
        return;
    }
    const json_cursor start = c;
    const in_order how = walk_entry_in_order(c, depth, mask);
    if (how == in_order::done) {
        return;
    }
    c = start;
    if (how == in_order::keys_later) {
        walk_entry_look_ahead(c, depth, mask);
        return;
    }
    _in_order = false;
    walk_entry_look_ahead(c, depth, mask);
    _in_order = true;
}

key_builder::walk_mark key_builder::mark() const noexcept
{
    return {_paths.size(), _instances.size(), _found, _overflow, _stats};
}

void key_builder::rewind(const walk_mark& m) noexcept
{
    _paths.resize(m.n_paths); // shrinking: no allocation
    _instances.resize(m.n_instances);
    _found = m.found;
    _overflow = m.overflow;
    _stats = m.stats;
}

key_builder::in_order key_builder::walk_entry_in_order(json_cursor& c, std::size_t depth,
                                                       std::uint64_t mask) noexcept
{
    // Gives what walk_entry_look_ahead() gives, or says why it cannot: the look-ahead takes the
    // last scalar of each key member and emits nothing for an entry it cannot scan, so any
    // key member after the keys, and any error, sends the entry back to it.
    const resolved_step& st = _sub->branches[lowest(mask)].steps[depth];
    frame& f = _frames[depth];
    const std::size_t n_keys = st.keys.size();
    if (!c.begin_object()) {
        return in_order::keys_later;
    }
    const json_cursor members = c;
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    static_assert(max_list_keys <= 32, "one bit per key in `seen`");
    std::uint32_t seen = 0;
    for (std::size_t n_seen = 0; n_seen < n_keys; ++n_seen) {
        if (!c.next_member(first, raw, escaped)) {
            return in_order::keys_later; // a key is missing, or an error
        }
        const std::size_t k = key_index(st, raw, escaped);
        if (k >= n_keys || ((seen >> k) & 1u) != 0 || !is_scalar(c.peek())) {
            return in_order::keys_later;
        }
        std::string_view value;
        json_token kind;
        bool value_escaped = false;
        if (!c.read_scalar(value, kind, value_escaped)) {
            return in_order::keys_later;
        }
        f.keys[k] = {value, value_escaped ? value_enc::json_escaped : value_enc::raw};
        seen |= std::uint32_t{1} << k;
    }
    // The look-ahead skips the rest with skip_value(); reading it member by member agrees with
    // that unless a number token holds a quote or bracket (malformed text): then rewind too.
    const bool odd_so_far = c.odd_number(); // the keys included: the look-ahead reads them alike
    c.set_odd_number(false);
    const walk_mark before = mark();
    const std::uint64_t ok = admissible(mask, depth);
    const std::uint64_t term = terminal(ok, depth);
    emit_all(term);
    const std::uint64_t rest = ok & ~term;
    if (rest != 0) {
        // The key members are members of the entry too (a branch may end at a key leaf).
        json_cursor again = members;
        bool again_first = true;
        for (std::size_t i = 0; i < n_keys && !again.failed(); ++i) {
            if (again.next_member(again_first, raw, escaped)) {
                walk_member(again, depth + 1, rest, st.module, raw, escaped);
            }
        }
        if (again.failed()) {
            rewind(before);
            return in_order::rewound;
        }
    }
    while (c.next_member(first, raw, escaped)) {
        if (key_index(st, raw, escaped) < n_keys) {
            rewind(before); // a key again: the look-ahead would use this later value
            return in_order::rewound;
        }
        if (rest == 0) {
            c.skip_value();
        } else {
            walk_member(c, depth + 1, rest, st.module, raw, escaped);
        }
        if (c.failed()) {
            break;
        }
    }
    if (c.failed() || c.odd_number()) {
        rewind(before); // the look-ahead may fail on it (nothing emitted) or read it otherwise
        return in_order::rewound;
    }
    c.set_odd_number(odd_so_far);
    return in_order::done;
}

void key_builder::walk_entry_look_ahead(json_cursor& c, std::size_t depth,
                                       std::uint64_t mask) noexcept
{
    const resolved_step& st = _sub->branches[lowest(mask)].steps[depth];
    frame& f = _frames[depth];
    for (std::size_t k = 0; k < st.keys.size(); ++k) {
        f.keys[k] = {};
    }
    // Keys may come anywhere in the entry: look ahead with a copy of the cursor first.
    json_cursor scan = c;
    scan.begin_object();
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    while (scan.next_member(first, raw, escaped)) {
        const std::size_t k = key_index(st, raw, escaped);
        if (k < st.keys.size() && is_scalar(scan.peek())) {
            std::string_view value;
            json_token kind;
            bool value_escaped = false;
            if (scan.read_scalar(value, kind, value_escaped)) {
                f.keys[k] = {value, value_escaped ? value_enc::json_escaped : value_enc::raw};
            }
        } else {
            scan.skip_value();
        }
    }
    if (scan.failed()) {
        c.fail();
        return;
    }
    const std::uint64_t ok = admissible(mask, depth);
    const std::uint64_t term = terminal(ok, depth);
    emit_all(term);
    const std::uint64_t rest = ok & ~term;
    if (rest == 0) {
        c = scan; // the look-ahead already consumed the entry
        return;
    }
    c.begin_object();
    walk_object(c, depth + 1, rest, st.module);
}

void key_builder::walk_edit(json_cursor& c) noexcept
{
    // §11.14: RESTCONF target → predicates; graft `value`; delete/remove use the target alone.
    if (!c.begin_object()) {
        return;
    }
    std::string_view target_raw;
    bool target_escaped = false;
    bool has_target = false;
    std::string_view operation;
    json_cursor value;
    bool has_value = false;
    bool first = true;
    std::string_view raw;
    bool escaped = false;
    while (c.next_member(first, raw, escaped)) {
        const std::string_view local = escaped ? std::string_view() : split_name(raw).local;
        if (local == "target" && c.peek() == json_token::string) {
            has_target = c.read_string(target_raw, target_escaped);
        } else if (local == "operation" && c.peek() == json_token::string) {
            bool op_escaped = false;
            c.read_string(operation, op_escaped);
        } else if (local == "value" && c.peek() == json_token::object) {
            value = c;
            has_value = true;
            c.skip_value();
        } else {
            c.skip_value();
        }
    }
    if (c.failed()) {
        return;
    }
    std::string_view target = target_raw;
    if (has_target && target_escaped) {
        std::size_t len = 0;
        has_target = detail::json_unescape(target_raw, _target.data(), _target.size(), len);
        target = std::string_view(_target.data(), len);
    }
    std::size_t n = 0;
    if (!has_target || !parse_restconf_path(target, _segments, n,
                                            std::span<char>(_decoded.data(), _decoded.size()))) {
        _stats.count(key_event::bad_patch_target);
        return;
    }
    const bool target_alone = operation == "delete" || operation == "remove" || !has_value;
    const std::size_t context = target_alone ? n : (n > 0 ? n - 1 : 0);
    std::uint64_t mask = all_branches(_sub->branches.size());
    std::string_view module;
    for (std::size_t i = 0; i < context && mask != 0; ++i) {
        const restconf_segment& seg = _segments[i];
        if (!seg.module.empty()) {
            module = seg.module;
        }
        std::uint64_t m = match(mask, i, module, seg.name);
        if (m == 0) {
            return;
        }
        const resolved_step& st = _sub->branches[lowest(m)].steps[i];
        frame& f = _frames[i];
        if (st.kind == node_kind::list) {
            for (std::size_t k = 0; k < st.keys.size(); ++k) {
                f.keys[k] =
                    k < seg.n_values ? value_ref{seg.values[k], value_enc::raw} : value_ref{};
            }
        } else if (st.kind == node_kind::leaf_list) {
            f.leaf = seg.n_values > 0 ? value_ref{seg.values[0], value_enc::raw} : value_ref{};
        }
        m = admissible(m, i);
        // A target at or below a branch's target: the upward walk ends at that branch target.
        const std::uint64_t term = terminal(m, i);
        emit_all(term);
        mask = m & ~term;
        module = st.module;
    }
    if (mask == 0) {
        return;
    }
    if (target_alone) {
        // The target is above the branch target: only placeholders it fills can be used.
        for (std::uint64_t m = mask; m != 0; m &= m - 1) {
            const std::size_t b = lowest(m);
            if (_sub->branches[b].max_placeholder_depth < static_cast<int>(context)) {
                emit(b);
            } else {
                _stats.count(key_event::patch_unfillable);
            }
        }
        return;
    }
    if (value.begin_object()) {
        // The value's member is the target's last segment, one level below the context.
        walk_object(value, context, mask, module);
    }
}

void key_builder::walk_notification(const yangpush::notification_view& n) noexcept
{
    using yangpush::notification_kind;
    json_cursor c(n.contents);
    const std::uint64_t all = all_branches(_sub->branches.size());
    switch (n.kind) {
    case notification_kind::push_update:
        if (c.begin_object() && find_member(c, "datastore-contents")) {
            if (c.peek() == json_token::object) {
                c.begin_object();
                walk_object(c, 0, all, {});
            } else {
                c.fail();
            }
        }
        break;
    case notification_kind::push_change_update:
        if (c.begin_object() && find_member(c, "datastore-changes") && c.begin_object() &&
            find_member(c, "yang-patch") && c.begin_object() && find_member(c, "edit")) {
            if (c.peek() == json_token::array) {
                c.begin_array();
                bool first = true;
                while (c.next_element(first)) {
                    walk_edit(c);
                    if (c.failed()) {
                        break;
                    }
                }
            } else {
                c.fail();
            }
        }
        break;
    default: {
        // A stream notification is itself the data: its name is the first step.
        const qualified name = split_name(n.name);
        const std::uint64_t m = match(all, 0, name.module, name.local);
        if (m != 0) {
            walk_value(c, 0, m);
        }
        break;
    }
    }
    if (c.failed()) {
        _stats.count(key_event::malformed_contents);
    }
}

// ---- Serialization ---------------------------------------------------------------------------

bool key_builder::put(std::string_view s) noexcept
{
    if (_key.size() + s.size() > _limit) {
        return false;
    }
    _key.append(s);
    return true;
}

bool key_builder::put_number(std::uint32_t v) noexcept
{
    char digits[10];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
    return ec == std::errc() &&
           put(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

record_key key_builder::finish_key(record_key r) noexcept
{
    r.key = _key;
    return r;
}

std::string_view key_builder::topic_for(std::uint64_t mask) noexcept
{
    const auto& branches = _sub->branches;
    if (_sub->uniform_topic || branches.empty()) {
        return _sub->topic;
    }
    if (mask == 0) {
        return branches.front().topic;
    }
    // §11.16: one topic if all matched branches agree; else the first (sorted) branch, counted.
    const std::string& first = branches[lowest(mask)].topic;
    for (std::uint64_t m = mask & (mask - 1); m != 0; m &= m - 1) {
        if (branches[lowest(m)].topic != first) {
            _stats.count(key_event::union_topic_split);
            break;
        }
    }
    return first;
}

record_key key_builder::derive(const resolved_subscription& sub, std::string_view node_name,
                               const yangpush::notification_view& notification) noexcept
{
    record_key r;
    _sub = &sub;
    _key.clear();
    if (sub.mode != resolution::branches) {
        _stats.count(key_event::fallback_filter);
        r.topic = sub.topic;
        if (!_config.key_enabled) {
            _stats.count(key_event::null_key);
            r.has_key = false;
            return r;
        }
        // Key without xpaths (§11.20): `node LF id LF` or `node LF datastore LF`.
        const bool ok = put(node_name) && put("\n") &&
                        (_format == key_format::ietf_02 ? put_number(sub.id) && put("\n")
                                                        : put(sub.seed_key_tail));
        r.has_key = ok;
        if (!ok) {
            _stats.count(key_event::key_overflow);
        }
        return finish_key(r);
    }
    _stats.count(key_event::derived);
    const bool state_change = yangpush::is_state_change(notification.kind);
    const bool need_paths = _config.key_enabled && _format == key_format::ietf_02 &&
                            (sub.has_placeholders || sub.branches.size() > 1) && !state_change;
    const bool need_mask = !sub.uniform_topic && !state_change;
    _found = 0;
    if (need_paths || need_mask) {
        _paths.clear();
        _instances.clear();
        _overflow = false;
        _collect = need_paths;
        walk_notification(notification);
        if (_found == 0) {
            _stats.count(key_event::no_instance);
        }
    }
    r.branch_mask = _found;
    r.topic = topic_for(_found);
    if (!_config.key_enabled) {
        _stats.count(key_event::null_key);
        r.has_key = false;
        return r;
    }
    bool ok = put(node_name) && put("\n");
    if (_format == key_format::legacy_index) {
        ok = ok && put(sub.seed_key_tail); // §11.12: hostname LF datastore LF index
    } else {
        ok = ok && put_number(sub.id) && put("\n");
        const std::size_t header = _key.size();
        bool instances = need_paths && !_instances.empty() && !_overflow;
        if (need_paths && _overflow) {
            _stats.count(key_event::key_overflow);
        }
        if (ok && instances) {
            // §7.3: de-duplicated, sorted lexicographically, joined with " | ".
            std::sort(_instances.begin(), _instances.end());
            const auto end = std::unique(_instances.begin(), _instances.end());
            _instances.erase(end, _instances.end());
            for (std::size_t i = 0; i < _instances.size() && ok; ++i) {
                ok = (i == 0 || put(" | ")) && put(_instances[i]);
            }
            if (!ok) {
                _stats.count(key_event::key_overflow);
                _key.resize(header);
                ok = true;
                instances = false;
            } else {
                r.n_instances = static_cast<std::uint32_t>(_instances.size());
            }
        }
        if (ok && !instances) {
            ok = put(sub.subscription_xpaths); // no instance (or too many): subscription level
        }
    }
    if (!ok) {
        _stats.count(key_event::key_overflow);
        r.has_key = false;
        return r;
    }
    return finish_key(r);
}

record_key key_builder::derive_unknown(std::uint32_t subscription_id,
                                       std::string_view node_name) noexcept
{
    // §11.7: fallback topic; the key keeps what is known.
    _stats.count(key_event::unknown_subscription);
    record_key r;
    r.topic = _fallback_topic;
    _key.clear();
    if (!_config.key_enabled) {
        _stats.count(key_event::null_key);
        r.has_key = false;
        return r;
    }
    const bool ok =
        put(node_name) && put("\n") &&
        (_format == key_format::ietf_02 ? put_number(subscription_id) && put("\n") : put("\n"));
    if (!ok) {
        _stats.count(key_event::key_overflow);
        r.has_key = false;
        return r;
    }
    return finish_key(r);
}

} // namespace udpn::key
