// common/swar.hpp against a byte-by-byte reference: for words with matches at every position
// (and random words), "any flag" equals "some byte matches", and first_flagged() is the first
// matching byte in memory order (little-endian hosts; on big-endian it is 0 by contract).
#include "common/swar.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <vector>

using namespace udpn;

namespace {

using word = std::array<unsigned char, 8>;

std::uint64_t load(const word& w)
{
    return swar::load8(w.data());
}

template <typename Pred> int first_where(const word& w, Pred pred)
{
    for (int i = 0; i < 8; ++i) {
        if (pred(w[i])) {
            return i;
        }
    }
    return -1;
}

template <typename Pred> void expect_like_the_loop(const word& w, std::uint64_t flags, Pred pred)
{
    const int first = first_where(w, pred);
    ASSERT_EQ(flags != 0, first >= 0);
    if (first >= 0 && std::endian::native == std::endian::little) {
        EXPECT_EQ(swar::first_flagged(flags), static_cast<std::size_t>(first));
    }
}

/// Words with byte \p c at position i, and after it (i + 1) a byte just below and just above
/// (where a borrow would show), over a background of \p fill.
std::vector<word> words_around(unsigned char c, unsigned char fill)
{
    std::vector<word> out;
    for (int i = 0; i < 8; ++i) {
        for (const int next : {int(c) - 1, int(c), int(c) + 1, 0, 0xff}) {
            word w;
            w.fill(fill);
            w[i] = c;
            if (i + 1 < 8) {
                w[i + 1] = static_cast<unsigned char>(next);
            }
            out.push_back(w);
        }
    }
    return out;
}

} // namespace

TEST(Swar, BytesEqualFlagsTheFirstMatchWhereverItIs)
{
    using u8 = unsigned char;
    for (const u8 c : std::array<u8, 7>{'"', '\\', '{', '}', 0x00, 0x01, 0xff}) {
        for (const u8 fill : std::array<u8, 4>{'a', 0x00, 0xff, static_cast<u8>(c + 1)}) {
            if (fill == c) {
                continue;
            }
            for (const word& w : words_around(c, fill)) {
                expect_like_the_loop(w, swar::bytes_equal(load(w), c),
                                     [c](unsigned char b) { return b == c; });
            }
        }
    }
}

TEST(Swar, BytesBelowAndNonAsciiFlagTheFirstSuchByte)
{
    for (const unsigned char n : std::array<unsigned char, 3>{0x01, 0x20, 0x80}) {
        for (const word& w : words_around(static_cast<unsigned char>(n - 1), 'a')) {
            expect_like_the_loop(w, swar::bytes_below(load(w), n),
                                 [n](unsigned char b) { return b < n; });
        }
    }
    for (const word& w : words_around(0x80, 'a')) {
        expect_like_the_loop(w, swar::bytes_non_ascii(load(w)),
                             [](unsigned char b) { return b >= 0x80; });
    }
}

TEST(Swar, RandomWordsAgreeWithTheByteLoop)
{
    std::mt19937_64 rng(20261207);
    // bytes from a small alphabet, so matches (and neighbours of matches) are frequent
    const std::array<unsigned char, 9> alphabet{'"', '\\', 'a', '!', '#', 0x1f, 0x20, 0x80, 0xff};
    for (int k = 0; k < 200'000; ++k) {
        word w;
        for (auto& b : w) {
            b = alphabet[rng() % alphabet.size()];
        }
        const std::uint64_t x = load(w);
        expect_like_the_loop(w, swar::bytes_equal(x, '"') | swar::bytes_equal(x, '\\'),
                             [](unsigned char b) { return b == '"' || b == '\\'; });
        expect_like_the_loop(w, swar::bytes_below(x, 0x20),
                             [](unsigned char b) { return b < 0x20; }); // not the high bytes
        expect_like_the_loop(w,
                             swar::bytes_below(x, 0x20) | swar::bytes_equal(x, '"') |
                                 swar::bytes_non_ascii(x),
                             [](unsigned char b) { return b < 0x20 || b == '"' || b >= 0x80; });
        if (HasFatalFailure()) {
            return;
        }
    }
}
