#pragma once
// Test helper: a payload followed by the decoder's required padding (filled with garbage so a
// decoder that reads it as content is caught).
#include "yangpush/decoder.hpp"

#include <string>
#include <string_view>

namespace udpn::test {
class padded_payload {
public:
    explicit padded_payload(std::string_view json)
        : _buf(std::string(json) + std::string(yangpush::required_padding, '}')), _len(json.size())
    {
    }
    [[nodiscard]] std::string_view view() const { return {_buf.data(), _len}; }

private:
    std::string _buf;
    std::size_t _len;
};
} // namespace udpn::test
