/// \file
/// Builders of option table rows, one per kind of value (boolean, integer with a range and a
/// unit scale, seconds, string, enumeration, lists, arrays of tables), so that each row of the
/// table in options.cpp is one call naming its key, field, range and doc. Private to the
/// config module (it exposes toml++ types).
#pragma once

#include "config/table.hpp"
#include "net/endpoint.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace udpn::config::detail {

/// The type a field accessor (a generic lambda `[](auto& c) -> auto& { ... }`) refers to.
template <class F> using field_t = std::remove_cvref_t<std::invoke_result_t<F, receiver_config&>>;

inline constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

/// A refusal with \p message, at node \p at, about `key` + \p suffix.
inline failure fail(std::string message, const toml::node* at = nullptr, std::string suffix = {})
{
    return failure{std::move(message), std::move(suffix), at};
}

/// "expected X, got Y" about \p node.
inline failure type_error(std::string_view expected, const toml::node& node,
                          std::string suffix = {})
{
    return fail("expected " + std::string(expected) + ", got " + type_phrase(node), &node,
                std::move(suffix));
}

/// `lo..hi`, or `>= lo` when there is no upper bound.
inline std::string range_text(std::int64_t lo, std::int64_t hi)
{
    if (hi == int64_max) {
        return ">= " + std::to_string(lo);
    }
    return std::to_string(lo) + ".." + std::to_string(hi);
}

/// \p s as a TOML string (double-quoted, escaped), for messages.
inline std::string quoted(std::string_view s)
{
    std::string out;
    write_value(out, toml::value<std::string>(std::string(s)));
    return out;
}

// ---- scalar rows ----------------------------------------------------------------------------

template <class F> row boolean_row(std::string key, F field, std::string doc)
{
    row r;
    r.key = std::move(key);
    r.type = kind::boolean;
    r.constraint = "true | false";
    r.doc = std::move(doc);
    r.load = [field](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_boolean();
        if (v == nullptr) {
            return type_error("a boolean (true or false)", node);
        }
        field(cfg) = v->get();
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", static_cast<bool>(field(cfg)));
    };
    return r;
}

/// An integer field. The key's value times \p scale is stored (`_ms` keys of nanosecond fields).
template <class F>
row integer_row(std::string key, F field, std::int64_t lo, std::int64_t hi, std::string doc,
                std::int64_t scale = 1)
{
    using T = field_t<F>;
    static_assert(std::is_integral_v<T>);
    // Clip the range to what the field and the scale can hold.
    const auto t_max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    const std::uint64_t cap =
        std::min<std::uint64_t>(t_max, static_cast<std::uint64_t>(int64_max)) /
        static_cast<std::uint64_t>(scale);
    hi = std::min(hi, static_cast<std::int64_t>(cap));
    if constexpr (std::is_signed_v<T>) {
        lo = std::max(lo, static_cast<std::int64_t>(std::numeric_limits<T>::min()));
    } else {
        lo = std::max<std::int64_t>(lo, 0);
    }
    row r;
    r.key = std::move(key);
    r.type = kind::integer;
    r.constraint = range_text(lo, hi);
    r.doc = std::move(doc);
    r.load = [field, lo, hi, scale](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_integer();
        if (v == nullptr) {
            return type_error("an integer", node);
        }
        const std::int64_t x = v->get();
        if (x < lo || x > hi) {
            return fail(std::to_string(x) + " is out of range " + range_text(lo, hi), &node);
        }
        field(cfg) = static_cast<T>(x * scale);
        return {};
    };
    r.save = [field, scale](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", static_cast<std::int64_t>(field(cfg)) / scale);
    };
    return r;
}

/// A non-negative number of seconds (an integer is accepted).
template <class F> row seconds_row(std::string key, F field, std::string doc)
{
    row r;
    r.key = std::move(key);
    r.type = kind::number;
    r.constraint = ">= 0";
    r.doc = std::move(doc);
    r.load = [field](const toml::node& node, receiver_config& cfg) -> failure {
        double x = 0;
        if (const auto* f = node.as_floating_point()) {
            x = f->get();
        } else if (const auto* i = node.as_integer()) {
            x = static_cast<double>(i->get());
        } else {
            return type_error("a number", node);
        }
        if (!std::isfinite(x) || x < 0) {
            std::string text;
            write_value(text, toml::value<double>(x));
            return fail(text + " is out of range >= 0", &node);
        }
        field(cfg) = x;
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", static_cast<double>(field(cfg)));
    };
    return r;
}

/// Checks a string value; returns the problem text or empty.
using string_check = std::function<std::string(const std::string&)>;

template <class F>
row string_row(std::string key, F field, std::string doc, string_check check = {})
{
    row r;
    r.key = std::move(key);
    r.type = kind::string;
    r.doc = std::move(doc);
    r.load = [field, check](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_string();
        if (v == nullptr) {
            return type_error("a string", node);
        }
        if (check) {
            if (std::string why = check(v->get()); !why.empty()) {
                return fail(std::move(why), &node);
            }
        }
        field(cfg) = v->get();
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", std::string(field(cfg)));
    };
    return r;
}

template <class E> using names_of = std::vector<std::pair<std::string_view, E>>;

template <class E> std::string names_text(const names_of<E>& names, std::string_view sep = " | ")
{
    std::string s;
    for (const auto& [name, value] : names) {
        if (!s.empty()) {
            s += sep;
        }
        s += name;
    }
    return s;
}

/// Reads a name of \p names from \p node into \p out.
template <class E> failure read_enum(const toml::node& node, const names_of<E>& names, E& out)
{
    const auto* v = node.as_string();
    if (v == nullptr) {
        return type_error("a string (one of " + names_text(names, ", ") + ")", node);
    }
    for (const auto& [name, value] : names) {
        if (name == v->get()) {
            out = value;
            return {};
        }
    }
    return fail(quoted(v->get()) + " is not one of " + names_text(names, ", "), &node);
}

template <class E> std::string_view name_of(const names_of<E>& names, E value)
{
    for (const auto& [name, v] : names) {
        if (v == value) {
            return name;
        }
    }
    return names.front().first;
}

template <class F, class E = field_t<F>>
row enum_row(std::string key, F field, names_of<E> names, std::string doc)
{
    row r;
    r.key = std::move(key);
    r.type = kind::enumeration;
    r.constraint = names_text(names);
    r.doc = std::move(doc);
    r.load = [field, names](const toml::node& node, receiver_config& cfg) -> failure {
        E value{};
        failure f = read_enum(node, names, value);
        if (f.ok()) {
            field(cfg) = value;
        }
        return f;
    };
    r.save = [field, names](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", std::string(name_of(names, field(cfg))));
    };
    return r;
}

/// A std::optional<E> field: `auto` is the empty optional (the default follows another key).
template <class F, class E = typename field_t<F>::value_type>
row optional_enum_row(std::string key, F field, names_of<E> names, std::string doc)
{
    row r;
    r.key = std::move(key);
    r.type = kind::enumeration;
    r.constraint = "auto | " + names_text(names);
    r.doc = std::move(doc);
    r.load = [field, names](const toml::node& node, receiver_config& cfg) -> failure {
        if (const auto* s = node.as_string(); s != nullptr && s->get() == "auto") {
            field(cfg).reset();
            return {};
        }
        E value{};
        failure f = read_enum(node, names, value);
        if (!f.ok()) {
            if (node.is_string()) {
                f.message += ", auto";
            }
            return f;
        }
        field(cfg) = value;
        return {};
    };
    r.save = [field, names](const receiver_config& cfg, toml::table& out) {
        const auto& v = field(cfg);
        out.insert_or_assign("v", v ? std::string(name_of(names, *v)) : std::string("auto"));
    };
    return r;
}

// ---- list rows ------------------------------------------------------------------------------

inline constexpr std::size_t max_list_entries = 4096;

template <class F>
row integer_list_row(std::string key, F field, std::int64_t lo, std::int64_t hi, std::string doc)
{
    using T = typename field_t<F>::value_type;
    row r;
    r.key = std::move(key);
    r.type = kind::integer_list;
    r.constraint = "each " + range_text(lo, hi);
    r.doc = std::move(doc);
    r.load = [field, lo, hi](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* arr = node.as_array();
        if (arr == nullptr) {
            return type_error("an array of integers", node);
        }
        if (arr->size() > max_list_entries) {
            return fail("more than " + std::to_string(max_list_entries) + " entries", &node);
        }
        std::vector<T> values;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            const std::string at = "[" + std::to_string(i) + "]";
            const auto* v = e.as_integer();
            if (v == nullptr) {
                return type_error("an integer", e, at);
            }
            if (v->get() < lo || v->get() > hi) {
                return fail(std::to_string(v->get()) + " is out of range " + range_text(lo, hi), &e,
                            at);
            }
            values.push_back(static_cast<T>(v->get()));
        }
        field(cfg) = std::move(values);
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        toml::array arr;
        for (const auto v : field(cfg)) {
            arr.push_back(static_cast<std::int64_t>(v));
        }
        out.insert_or_assign("v", std::move(arr));
    };
    return r;
}

template <class F>
row string_list_row(std::string key, F field, std::string doc, string_check check = {})
{
    row r;
    r.key = std::move(key);
    r.type = kind::string_list;
    r.doc = std::move(doc);
    r.load = [field, check](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* arr = node.as_array();
        if (arr == nullptr) {
            return type_error("an array of strings", node);
        }
        if (arr->size() > max_list_entries) {
            return fail("more than " + std::to_string(max_list_entries) + " entries", &node);
        }
        std::vector<std::string> values;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            const std::string at = "[" + std::to_string(i) + "]";
            const auto* v = e.as_string();
            if (v == nullptr) {
                return type_error("a string", e, at);
            }
            if (check) {
                if (std::string why = check(v->get()); !why.empty()) {
                    return fail(std::move(why), &e, at);
                }
            }
            values.push_back(v->get());
        }
        field(cfg) = std::move(values);
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        toml::array arr;
        for (const auto& v : field(cfg)) {
            arr.push_back(v);
        }
        out.insert_or_assign("v", std::move(arr));
    };
    return r;
}

// ---- tables inside arrays of tables ---------------------------------------------------------

/// Reads the fields of one table of an array of tables; remembers the first failure and
/// refuses fields it was not asked about.
class table_reader {
  public:
    table_reader(const toml::node& node, std::size_t index)
        : _table(node.as_table()), _node(node), _at("[" + std::to_string(index) + "]")
    {
        if (_table == nullptr) {
            _failure = type_error("a table", node, _at);
        }
    }

    /// A string field; \p required: it must be present and non-empty.
    void string(std::string_view name, std::string& out, bool required)
    {
        const toml::node* n = field(name, required);
        if (n == nullptr) {
            return;
        }
        if (const auto* v = n->as_string()) {
            if (required && v->get().empty()) {
                set_failure(fail("must not be empty", n, suffix(name)));
            }
            out = v->get();
        } else {
            set_failure(type_error("a string", *n, suffix(name)));
        }
    }

    /// An integer field in lo..hi.
    template <class T>
    void integer(std::string_view name, std::int64_t lo, std::int64_t hi, T& out, bool required)
    {
        const toml::node* n = field(name, required);
        if (n == nullptr) {
            return;
        }
        const auto* v = n->as_integer();
        if (v == nullptr) {
            set_failure(type_error("an integer", *n, suffix(name)));
        } else if (v->get() < lo || v->get() > hi) {
            set_failure(fail(std::to_string(v->get()) + " is out of range " + range_text(lo, hi), n,
                             suffix(name)));
        } else {
            out = static_cast<T>(v->get());
        }
    }

    /// An IP address field (required).
    void address(std::string_view name, net::ip_address& out)
    {
        std::string text;
        string(name, text, true);
        if (!_failure.ok() || text.empty()) {
            return;
        }
        out = net::ip_address::parse(text.c_str());
        if (out.fam == net::ip_address::family::none) {
            set_failure(fail(quoted(text) + " is not an IPv4 or IPv6 address", _table->get(name),
                             suffix(name)));
        }
    }

    /// The raw node of \p name (nullptr when absent); marks it as known.
    const toml::node* field(std::string_view name, bool required)
    {
        if (_table == nullptr) {
            return nullptr;
        }
        _known.emplace_back(name);
        const toml::node* n = _table->get(name);
        if (n == nullptr && required) {
            set_failure(fail("missing", &_node, suffix(name)));
        }
        return n;
    }

    /// The first failure, after checking that every field present was asked for.
    failure finish()
    {
        if (_table != nullptr && _failure.ok()) {
            for (auto&& [k, v] : *_table) {
                if (std::find(_known.begin(), _known.end(), k.str()) == _known.end()) {
                    std::string names;
                    for (const auto& n : _known) {
                        names += names.empty() ? n : ", " + n;
                    }
                    set_failure(fail("unknown field (fields: " + names + ")", &v, suffix(k.str())));
                    break;
                }
            }
        }
        return _failure;
    }

    void set_failure(failure f)
    {
        if (_failure.ok()) {
            _failure = std::move(f);
        }
    }

    [[nodiscard]] std::string suffix(std::string_view name) const
    {
        return _at + "." + std::string(name);
    }

  private:
    const toml::table* _table;
    const toml::node& _node;
    std::string _at;
    std::vector<std::string> _known;
    failure _failure;
};

/// An array of tables: \p read_one fills one element from a table_reader, \p save_one writes
/// one element as a table.
template <class F, class Read, class Save>
row table_list_row(std::string key, F field, std::string doc, std::string example,
                   std::string constraint, Read read_one, Save save_one, bool non_empty = false)
{
    using T = typename field_t<F>::value_type;
    row r;
    r.key = std::move(key);
    r.type = kind::table_list;
    r.constraint = std::move(constraint);
    r.doc = std::move(doc);
    r.example = std::move(example);
    r.load = [field, read_one, non_empty](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* arr = node.as_array();
        if (arr == nullptr) {
            return type_error("an array of tables", node);
        }
        if (non_empty && arr->empty()) {
            return fail("must have at least one entry", &node);
        }
        if (arr->size() > max_list_entries) {
            return fail("more than " + std::to_string(max_list_entries) + " entries", &node);
        }
        std::vector<T> values;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            table_reader reader(*arr->get(i), i);
            T value{};
            read_one(reader, value);
            if (failure f = reader.finish(); !f.ok()) {
                return f;
            }
            values.push_back(std::move(value));
        }
        field(cfg) = std::move(values);
        return {};
    };
    r.save = [field, save_one](const receiver_config& cfg, toml::table& out) {
        toml::array arr;
        for (const auto& v : field(cfg)) {
            toml::table t;
            save_one(v, t);
            arr.push_back(std::move(t));
        }
        out.insert_or_assign("v", std::move(arr));
    };
    return r;
}

/// librdkafka's `partitioner` and `compression.codec` values are strings in kafka_config; the
/// table restricts them to librdkafka's names so that a typo is found before start.
template <class F>
row string_choice_row(std::string key, F field, std::vector<std::string_view> choices,
                      std::string doc)
{
    std::string list;
    for (auto c : choices) {
        list += (list.empty() ? "" : ", ") + std::string(c);
    }
    row r;
    r.key = std::move(key);
    r.type = kind::enumeration;
    for (auto c : choices) {
        r.constraint += (r.constraint.empty() ? "" : " | ") + std::string(c);
    }
    r.doc = std::move(doc);
    r.load = [field, choices, list](const toml::node& node, receiver_config& cfg) -> failure {
        const auto* v = node.as_string();
        if (v == nullptr) {
            return type_error("a string (one of " + list + ")", node);
        }
        if (std::find(choices.begin(), choices.end(), v->get()) == choices.end()) {
            return fail(quoted(v->get()) + " is not one of " + list, &node);
        }
        field(cfg) = v->get();
        return {};
    };
    r.save = [field](const receiver_config& cfg, toml::table& out) {
        out.insert_or_assign("v", std::string(field(cfg)));
    };
    return r;
}

} // namespace udpn::config::detail
