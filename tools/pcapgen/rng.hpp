/// \file
/// Deterministic random numbers for the traffic tools. The engine is std::mt19937_64, whose
/// output sequence is fixed by the C++ standard; every draw on top of it is written here
/// (std::uniform_*_distribution are implementation-defined), so a seed gives the same bytes on
/// every compiler, library and machine.
#pragma once

#include <cstdint>
#include <random>

namespace udpn::pcapgen {

/// splitmix64 step: mixes \p x into a well-spread 64-bit value (seed derivation, hashing).
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// A seeded random source with explicit, portable bounded draws.
/// Thread: one owner.
class rng {
  public:
    /// Seeds the engine with mix64(\p seed ^ mix64(\p stream)), so independent streams
    /// (payloads, impairments, addresses) drawn from one user seed do not shift each other.
    explicit rng(std::uint64_t seed, std::uint64_t stream = 0) noexcept
        : _engine(mix64(seed ^ mix64(stream)))
    {
    }

    /// The next raw 64-bit value.
    [[nodiscard]] std::uint64_t next() noexcept { return _engine(); }

    /// Uniform in [0, \p n) without modulo bias (rejection of the low remainder range).
    /// Returns 0 when \p n is 0.
    [[nodiscard]] std::uint64_t below(std::uint64_t n) noexcept
    {
        if (n == 0) {
            return 0;
        }
        // Values below `threshold` would make some results more likely; 2^64 mod n of them.
        const std::uint64_t threshold = (0 - n) % n;
        for (;;) {
            const std::uint64_t r = _engine();
            if (r >= threshold) {
                return r % n;
            }
        }
    }

    /// Uniform in [\p lo, \p hi] (inclusive); \p lo when hi <= lo.
    [[nodiscard]] std::uint64_t between(std::uint64_t lo, std::uint64_t hi) noexcept
    {
        if (hi <= lo) {
            return lo;
        }
        const std::uint64_t span = hi - lo;
        return span == UINT64_MAX ? _engine() : lo + below(span + 1);
    }

    /// True with probability \p p (0..1). Always consumes exactly one draw, so the sequence
    /// of later draws does not depend on \p p. IEEE double arithmetic: portable.
    [[nodiscard]] bool chance(double p) noexcept
    {
        const double u = static_cast<double>(_engine() >> 11) * 0x1.0p-53;
        return u < p;
    }

  private:
    std::mt19937_64 _engine;
};

} // namespace udpn::pcapgen
