// buffer_pool: fixed size classes, LIFO reuse, counted failures, padding (STYLE.md §4 rule 4).
#include "input/buffer_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

using namespace udpn;
using namespace udpn::input;

namespace {

buffer_pool_config classes(std::vector<buffer_class> c)
{
    buffer_pool_config cfg;
    cfg.classes = std::move(c);
    return cfg;
}

} // namespace

TEST(BufferPool, SortsClassesAndReportsCapacity)
{
    buffer_pool pool(classes({{65536, 2}, {1024, 3}}), 5);
    ASSERT_EQ(pool.n_classes(), 2u);
    EXPECT_EQ(pool.class_at(0).capacity, 1024u);
    EXPECT_EQ(pool.class_at(1).capacity, 65536u);
    EXPECT_EQ(pool.n_buffers(), 5u);
    EXPECT_EQ(pool.n_free(), 5u);
    EXPECT_EQ(pool.max_payload(), 65536u);
    EXPECT_EQ(pool.owner_id(), 5u);
}

TEST(BufferPool, AcquireTakesSmallestFittingClassAndStampsOwner)
{
    buffer_pool pool(classes({{1024, 2}, {8192, 2}}), 3);
    auto small = pool.acquire(1024);
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small.value()->capacity(), 1024u);
    EXPECT_EQ(small.value()->owner(), &pool);
    EXPECT_EQ(small.value()->owner_id(), 3u);
    EXPECT_EQ(small.value()->size(), 0u);
    EXPECT_TRUE(small.value()->options().empty());
    auto large = pool.acquire(1025);
    ASSERT_TRUE(large.ok());
    EXPECT_EQ(large.value()->capacity(), 8192u);
    EXPECT_EQ(pool.stats().in_use, 2u);
    EXPECT_EQ(pool.n_free_in_class(0), 1u);
    EXPECT_EQ(pool.n_free_in_class(1), 1u);
    pool.release(small.value());
    pool.release(large.value());
    EXPECT_EQ(pool.n_free(), 4u);
    EXPECT_EQ(pool.stats().acquired, 2u);
    EXPECT_EQ(pool.stats().released, 2u);
}

TEST(BufferPool, ReusesTheMostRecentlyReleasedBuffer)
{
    buffer_pool pool(classes({{256, 4}}));
    auto a = pool.acquire(10);
    auto b = pool.acquire(10);
    ASSERT_TRUE(a.ok() && b.ok());
    message_buffer* pa = a.value();
    pool.release(b.value());
    pool.release(pa);
    auto c = pool.acquire(10);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c.value(), pa); // LIFO: warm buffer first
    pool.release(c.value());
}

TEST(BufferPool, FallsBackToALargerClassWhenTheFittingOneIsEmpty)
{
    buffer_pool pool(classes({{512, 1}, {4096, 1}}));
    auto a = pool.acquire(100);
    auto b = pool.acquire(100);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(b.value()->capacity(), 4096u);
    EXPECT_EQ(pool.stats().upsized, 1u);
    auto c = pool.acquire(100);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error(), pool_error::exhausted);
    EXPECT_EQ(pool.stats().exhausted, 1u);
    pool.release(a.value());
    pool.release(b.value());
}

TEST(BufferPool, TryAcquireFittingNeverTakesALargerClassAndCountsNoFailure)
{
    buffer_pool pool(classes({{100, 1}, {1000, 2}}));
    message_buffer* a = pool.try_acquire_fitting(50);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->capacity(), 100u);
    EXPECT_EQ(pool.try_acquire_fitting(50), nullptr); // the 100 class is empty: no 1000
    EXPECT_EQ(pool.try_acquire_fitting(5000), nullptr); // larger than every class
    EXPECT_EQ(pool.stats().upsized, 0u);
    EXPECT_EQ(pool.stats().exhausted, 0u);
    EXPECT_EQ(pool.stats().oversize, 0u);
    EXPECT_EQ(pool.stats().acquired, 1u);
    EXPECT_EQ(pool.stats().in_use, 1u);
    pool.release(a);
    EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(BufferPool, RefusesOversizeWithoutTakingABuffer)
{
    buffer_pool pool(classes({{512, 1}}));
    auto r = pool.acquire(513);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), pool_error::oversize);
    EXPECT_EQ(pool.stats().oversize, 1u);
    EXPECT_EQ(pool.n_free(), 1u);
    EXPECT_STREQ(to_string(pool_error::oversize), "oversize");
    EXPECT_STREQ(to_string(pool_error::exhausted), "pool_exhausted");
}

TEST(BufferPool, IgnoresForeignAndDoubleReleaseButCountsThem)
{
    buffer_pool pool(classes({{512, 2}}));
    buffer_pool other(classes({{512, 1}}));
    auto a = pool.acquire(1);
    auto x = other.acquire(1);
    ASSERT_TRUE(a.ok() && x.ok());
    pool.release(x.value());
    EXPECT_EQ(pool.stats().foreign_release, 1u);
    EXPECT_EQ(pool.n_free(), 1u);
    pool.release(a.value());
    pool.release(a.value());
    EXPECT_EQ(pool.stats().double_release, 1u);
    EXPECT_EQ(pool.n_free(), 2u);
    pool.release(nullptr);
    other.release(x.value());
    EXPECT_EQ(other.n_free(), 1u);
}

TEST(BufferPool, ZeroesThePaddingAfterThePayload)
{
    buffer_pool pool(classes({{128, 1}}));
    auto r = pool.acquire(128);
    ASSERT_TRUE(r.ok());
    message_buffer* msg = r.value();
    // Dirty the whole area, padding included, then shrink: the padding must read zero.
    std::fill(msg->data(), msg->data() + msg->capacity() + payload_padding, std::uint8_t{0xAB});
    msg->set_size(100);
    const byte_span padded = msg->padded();
    ASSERT_EQ(padded.size(), 100 + payload_padding);
    EXPECT_TRUE(std::all_of(padded.begin() + 100, padded.end(), [](auto b) { return b == 0; }));
    const std::uint8_t bytes[3] = {1, 2, 3};
    msg->assign(byte_span(bytes, 3));
    EXPECT_EQ(msg->size(), 3u);
    EXPECT_TRUE(std::all_of(msg->padded().begin() + 3, msg->padded().end(),
                            [](auto b) { return b == 0; }));
    pool.release(msg);
}

TEST(BufferPool, OptionsHoldAtMostAHeaderWorth)
{
    buffer_pool pool(classes({{16, 1}}));
    auto r = pool.acquire(1);
    ASSERT_TRUE(r.ok());
    std::vector<std::uint8_t> tlv(max_options_len, 7);
    EXPECT_TRUE(r.value()->append_option(byte_span(tlv.data(), tlv.size())));
    EXPECT_FALSE(r.value()->append_option(byte_span(tlv.data(), 1)));
    EXPECT_EQ(r.value()->options().size(), max_options_len);
    pool.release(r.value());
    auto again = pool.acquire(1);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again.value()->options().empty()); // cleared on acquire
    pool.release(again.value());
}

TEST(BufferPoolError, RejectsBadConfigs)
{
    EXPECT_THROW(buffer_pool(classes({})), std::invalid_argument);
    EXPECT_THROW(buffer_pool(classes({{0, 1}})), std::invalid_argument);
    EXPECT_THROW(buffer_pool(classes({{512, 0}})), std::invalid_argument);
    EXPECT_THROW(buffer_pool(classes({{(std::size_t{1} << 30) + 1, 1}})), std::invalid_argument);
    EXPECT_THROW(buffer_pool(classes(std::vector<buffer_class>(9, {64, 1}))),
                 std::invalid_argument);
}
