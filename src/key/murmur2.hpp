/// \file
/// Kafka's partition function for keyed records (PROTOCOL.md §10): 32-bit MurmurHash2 as the
/// Java client and librdkafka's `murmur2` / `murmur2_random` partitioners compute it, so a
/// consumer can tell which partition a key lands in.
#pragma once

#include "common/bytes.hpp"

#include <cstdint>
#include <string_view>

namespace udpn::key {

/// Kafka murmur2 of \p key (seed 0x9747b28c, m 0x5bd1e995, r 24, little-endian blocks).
/// Thread: any.
[[nodiscard]] std::uint32_t murmur2(byte_span key) noexcept;

/// murmur2 of the bytes of \p key. Thread: any.
[[nodiscard]] std::uint32_t murmur2(std::string_view key) noexcept;

/// `toPositive(murmur2(key)) % n_partitions` with toPositive(x) = x & 0x7fffffff (not abs),
/// the Java default partitioner for keyed records; 0 when \p n_partitions is 0. Thread: any.
[[nodiscard]] std::uint32_t partition_for(byte_span key, std::uint32_t n_partitions) noexcept;

/// partition_for() of the bytes of \p key. Thread: any.
[[nodiscard]] std::uint32_t partition_for(std::string_view key,
                                          std::uint32_t n_partitions) noexcept;

} // namespace udpn::key
