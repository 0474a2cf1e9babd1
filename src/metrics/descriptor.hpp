/// \file
/// Descriptors of stats structs: each counter struct of the pipeline is described once, by a
/// table of field<S> (name, help, type, member pointer, or array + label name + label function;
/// librdkafka's rdkafka_conf.c property table is the model, STYLE.md §2.4). The same table
/// drives the exposition (one family per field), the sums over threads, the drop list of the
/// rate line, and the test that every member of the struct is described.
#pragma once

#include "metrics/exposition.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace udpn::metrics {

/// How a field of several threads is shown.
enum class spread : std::uint8_t {
    summed,     ///< one sample: the sum over the threads (per array element)
    per_thread, ///< one sample per thread, label thread="<index>" (sum it in PromQL)
};

/// Label value of array element \p index (an enum's to_string()).
using label_fn = const char* (*)(std::size_t index) noexcept;
/// Whether array element \p index counts data the receiver dropped.
using element_fn = bool (*)(std::size_t index) noexcept;

/// One member of stats struct S: a std::uint64_t, a bool (gauge 0/1), an int (gauge, per
/// thread only: not summable) or a std::array of std::uint64_t indexed by an enum.
template <class S> struct field {
    std::string_view name; ///< family name part after `udpnotif_<stage>_`, without `_total`
    std::string_view help; ///< the member's doc comment
    metric_type type = metric_type::counter;
    spread where = spread::summed;
    bool drop = false;               ///< scalar: counts dropped data (rate line, DESIGN.md §2)
    std::uint64_t S::*u64 = nullptr; ///< exactly one of u64, flag, integer, array is set
    bool S::*flag = nullptr;
    int S::*integer = nullptr;
    std::span<const std::uint64_t> (*array)(const S&) noexcept = nullptr;
    std::string_view label;       ///< array: the label naming the element
    label_fn label_of = nullptr;  ///< array: element index -> label value
    element_fn drop_of = nullptr; ///< array: elements that count dropped data (null: none)
    bool ns_as_seconds = false;   ///< u64 scalar in nanoseconds, shown in seconds (a double)

    /// This field with one sample per thread.
    [[nodiscard]] constexpr field per_thread() const noexcept
    {
        field f = *this;
        f.where = spread::per_thread;
        return f;
    }
    /// This u64 field holds nanoseconds and is shown in seconds (Prometheus base unit).
    [[nodiscard]] constexpr field in_seconds() const noexcept
    {
        field f = *this;
        f.ns_as_seconds = true;
        return f;
    }
    /// This scalar field counts dropped data.
    [[nodiscard]] constexpr field drops() const noexcept
    {
        field f = *this;
        f.drop = true;
        return f;
    }
    /// The elements \p fn selects of this array field count dropped data.
    [[nodiscard]] constexpr field drops(element_fn fn) const noexcept
    {
        field f = *this;
        f.drop_of = fn;
        return f;
    }
};

namespace detail {

template <class M> struct member_traits;
template <class C, class T> struct member_traits<T C::*> {
    using owner = C;
    using type = T;
};

template <auto Member> using owner_of = typename member_traits<decltype(Member)>::owner;

template <auto Member> std::span<const std::uint64_t> array_view(const owner_of<Member>& s) noexcept
{
    return {s.*Member};
}

} // namespace detail

/// A counter member (`udpnotif_<stage>_<name>_total`).
template <class S>
[[nodiscard]] constexpr field<S> counter(std::string_view name, std::uint64_t S::*member,
                                         std::string_view help) noexcept
{
    field<S> f;
    f.name = name;
    f.help = help;
    f.type = metric_type::counter;
    f.u64 = member;
    return f;
}

/// A gauge member (`udpnotif_<stage>_<name>`).
template <class S>
[[nodiscard]] constexpr field<S> gauge(std::string_view name, std::uint64_t S::*member,
                                       std::string_view help) noexcept
{
    field<S> f = counter(name, member, help);
    f.type = metric_type::gauge;
    return f;
}

/// A flag, shown as a gauge 0 / 1 per thread.
template <class S>
[[nodiscard]] constexpr field<S> flag_gauge(std::string_view name, bool S::*member,
                                            std::string_view help) noexcept
{
    field<S> f;
    f.name = name;
    f.help = help;
    f.type = metric_type::gauge;
    f.where = spread::per_thread;
    f.flag = member;
    return f;
}

/// An int (a code, not summable), shown as a gauge per thread.
template <class S>
[[nodiscard]] constexpr field<S> int_gauge(std::string_view name, int S::*member,
                                           std::string_view help) noexcept
{
    field<S> f;
    f.name = name;
    f.help = help;
    f.type = metric_type::gauge;
    f.where = spread::per_thread;
    f.integer = member;
    return f;
}

/// An array of counters indexed by an enum: one sample per element, labelled
/// `<label>="<label_of(i)>"`.
template <auto Member>
[[nodiscard]] constexpr field<detail::owner_of<Member>>
counter_array(std::string_view name, std::string_view label, label_fn label_of,
              std::string_view help) noexcept
{
    field<detail::owner_of<Member>> f;
    f.name = name;
    f.help = help;
    f.type = metric_type::counter;
    f.array = &detail::array_view<Member>;
    f.label = label;
    f.label_of = label_of;
    return f;
}

/// label_fn of an enum E whose names come from \p Fn (the module's to_string()).
template <class E, const char* (*Fn)(E) noexcept> const char* enum_label(std::size_t index) noexcept
{
    return Fn(static_cast<E>(index));
}

/// Offset of a scalar member of \p f in S (completeness test). Thread: any.
template <class S> [[nodiscard]] std::size_t field_offset(const field<S>& f) noexcept
{
    static const S probe{};
    const char* base = reinterpret_cast<const char*>(&probe);
    if (f.u64 != nullptr) {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*f.u64)) - base);
    }
    if (f.flag != nullptr) {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*f.flag)) - base);
    }
    if (f.integer != nullptr) {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*f.integer)) - base);
    }
    return static_cast<std::size_t>(reinterpret_cast<const char*>(f.array(probe).data()) - base);
}

/// Size in bytes of the member \p f describes. Thread: any.
template <class S> [[nodiscard]] std::size_t field_size(const field<S>& f) noexcept
{
    if (f.u64 != nullptr) {
        return sizeof(std::uint64_t);
    }
    if (f.flag != nullptr) {
        return sizeof(bool);
    }
    if (f.integer != nullptr) {
        return sizeof(int);
    }
    static const S probe{};
    return f.array(probe).size_bytes();
}

} // namespace udpn::metrics
