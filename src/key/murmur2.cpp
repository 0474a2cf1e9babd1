#include "key/murmur2.hpp"

namespace udpn::key {

std::uint32_t murmur2(byte_span key) noexcept
{
    // PROTOCOL.md §10: all arithmetic mod 2^32, logical shifts.
    constexpr std::uint32_t seed = 0x9747b28c;
    constexpr std::uint32_t m = 0x5bd1e995;
    constexpr int r = 24;
    const std::size_t length = key.size();
    std::uint32_t h = seed ^ static_cast<std::uint32_t>(length);
    const std::size_t n_blocks = length / 4;
    for (std::size_t i = 0; i < n_blocks; ++i) {
        const std::uint8_t* p = key.data() + 4 * i;
        std::uint32_t k = std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) |
                          (std::uint32_t{p[2]} << 16) | (std::uint32_t{p[3]} << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const std::uint8_t* tail = key.data() + 4 * n_blocks;
    switch (length % 4) {
    case 3: h ^= std::uint32_t{tail[2]} << 16; [[fallthrough]];
    case 2: h ^= std::uint32_t{tail[1]} << 8; [[fallthrough]];
    case 1:
        h ^= std::uint32_t{tail[0]};
        h *= m;
        break;
    default: break;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return h;
}

std::uint32_t murmur2(std::string_view key) noexcept
{
    return murmur2(byte_span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()));
}

std::uint32_t partition_for(byte_span key, std::uint32_t n_partitions) noexcept
{
    if (n_partitions == 0) {
        return 0;
    }
    return (murmur2(key) & 0x7fffffffu) % n_partitions;
}

std::uint32_t partition_for(std::string_view key, std::uint32_t n_partitions) noexcept
{
    return partition_for(byte_span(reinterpret_cast<const std::uint8_t*>(key.data()), key.size()),
                         n_partitions);
}

} // namespace udpn::key
