/// \file
/// result<T, E>: a value or an error code, for data-path calls that must not throw
/// (g++ 12 has no std::expected). Read it like simdjson_result: check, then take.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace udpn {

/// Holds either a T (success) or an E (an error enum). [[nodiscard]] so no failure is ignored.
template <typename T, typename E>
class [[nodiscard]] result {
    static_assert(std::is_enum_v<E>, "errors are enums");

public:
    result(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : _v(std::move(value)) {}
    result(E error) noexcept : _v(error) {}

    /// True when a value is held.
    [[nodiscard]] bool ok() const noexcept { return _v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /// The value; only valid when ok().
    [[nodiscard]] const T& value() const& noexcept { return *std::get_if<0>(&_v); }
    [[nodiscard]] T& value() & noexcept { return *std::get_if<0>(&_v); }
    const T& operator*() const& noexcept { return value(); }
    const T* operator->() const noexcept { return &value(); }

    /// The error; only valid when !ok().
    [[nodiscard]] E error() const noexcept { return *std::get_if<1>(&_v); }

private:
    std::variant<T, E> _v;
};

} // namespace udpn
