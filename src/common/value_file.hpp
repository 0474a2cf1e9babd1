/// \file
/// The `@PATH` convention for secret option values (Kafka properties, the schema registry
/// password; docs/security.md): a value starting with `@` names a file whose content, trimmed
/// of leading and trailing whitespace, is the real value; `@@` stands for a literal leading `@`;
/// anything else is the value itself. Files are small (a password, a token, a PEM key): more
/// than max_value_file_bytes is refused, never truncated.
#pragma once

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace udpn {

inline constexpr std::size_t max_value_file_bytes = 64 * 1024;

/// Resolves \p value as described above into \p out. @return false with \p problem set (`cannot
/// read its value from file "PATH": REASON`, naming the file, never its content) when the
/// file cannot be read. Thread: any; start-up (reads a file).
inline bool resolve_value_file(const std::string& value, std::string& out, std::string& problem)
{
    if (value.empty() || value[0] != '@') {
        out = value;
        return true;
    }
    if (value.size() >= 2 && value[1] == '@') {
        out = value.substr(1);
        return true;
    }
    const std::string path = value.substr(1);
    auto fail = [&](const std::string& why) {
        problem = "cannot read its value from file \"" + path + "\": " + why;
        return false;
    };
    if (path.empty()) {
        return fail("no file name after '@' (write @@ for a literal '@')");
    }
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return fail(std::strerror(errno));
    }
    std::string content;
    std::array<char, 4096> buf{};
    bool too_big = false;
    bool read_error = false;
    for (;;) {
        const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
        content.append(buf.data(), n);
        if (content.size() > max_value_file_bytes) {
            too_big = true;
            break;
        }
        if (n < buf.size()) {
            read_error = std::ferror(f) != 0;
            break;
        }
    }
    std::fclose(f);
    if (too_big) {
        return fail("larger than " + std::to_string(max_value_file_bytes) + " bytes");
    }
    if (read_error) {
        return fail("read error");
    }
    constexpr std::string_view space = " \t\r\n\v\f";
    const auto first = content.find_first_not_of(space);
    out = first == std::string::npos
              ? std::string()
              : content.substr(first, content.find_last_not_of(space) - first + 1);
    return true;
}

} // namespace udpn
