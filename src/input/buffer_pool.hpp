/// \file
/// A fixed pool of message_buffers owned by one RX thread (DESIGN.md §2 "Buffers go back to
/// their owner"; STYLE.md §4 rule 7).
///
/// Design: a few size classes (buffer_pool_config), each one arena allocated at start-up and
/// cut into equal buffers (capacity + 64 padding octets, rounded to a cache line), with an
/// intrusive LIFO free list per class (the most recently returned, cache-warm buffer is reused
/// first; buffers never used are never touched, so their pages stay unbacked). acquire() and
/// release() are O(1), never allocate, never lock: the pool is single-threaded.
///
/// Return path: the RX thread that owns the pool acquires a buffer, fills it and hands the
/// pointer to a worker through a queue. The worker never calls release(): it sends the
/// pointer back to the owner (buffer->owner_id() names the RX thread) through a return queue
/// (worker -> RX i, added with the pipeline), and RX thread i drains that queue in its loop
/// and calls release(). Until then tests and single-threaded users release on the owner thread
/// directly. A buffer given to the wrong pool, or released twice, is counted and ignored.
#pragma once

#include "common/result.hpp"
#include "input/config.hpp"
#include "input/message.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace udpn::input {

/// Why acquire() gave no buffer.
enum class pool_error : std::uint8_t {
    exhausted, ///< every buffer large enough is out (in flight to workers)
    oversize,  ///< the message is larger than the largest size class
};

/// Stable snake_case name of \p e.
[[nodiscard]] const char* to_string(pool_error e) noexcept;

/// Most size classes a pool may have.
inline constexpr std::size_t max_buffer_classes = 8;

/// Counters of one pool. Single writer: the owning RX thread.
struct pool_stats {
    std::uint64_t acquired = 0;        ///< buffers handed out
    std::uint64_t released = 0;        ///< buffers returned
    std::uint64_t exhausted = 0;       ///< acquire() failed: no fitting buffer free
    std::uint64_t oversize = 0;        ///< acquire() failed: larger than the largest class
    std::uint64_t upsized = 0;         ///< served from a larger class (the fitting one was empty)
    std::uint64_t foreign_release = 0; ///< release() of a buffer of another pool (ignored)
    std::uint64_t double_release = 0;  ///< release() of a buffer already free (ignored)
    std::uint64_t in_use = 0;          ///< gauge: buffers handed out and not returned
};

/// Thread: the owning RX thread for every call after construction (accessors included; a
/// stats reader gets copies of the counters from that thread).
class buffer_pool {
public:
    /// Allocates every buffer of every class. Classes are sorted by capacity.
    /// @param owner_id  index of the owning RX thread, stamped on every buffer
    /// @throws std::invalid_argument when there is no class, more than max_buffer_classes, a
    ///         class with capacity 0 or > 1 GiB or count 0, or more than 2^24 buffers in all;
    ///         std::bad_alloc when the memory cannot be had.
    /// Thread: start-up.
    explicit buffer_pool(const buffer_pool_config& cfg, std::uint32_t owner_id = 0);
    ~buffer_pool();
    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;

    /// Takes a free buffer that can hold \p payload_len octets: the smallest class that fits,
    /// else a larger one (counted upsized). Its size is 0, options empty, meta default.
    /// @return the buffer (now owned by the caller), or why none was given (counted).
    /// Thread: the owning RX thread.
    [[nodiscard]] result<message_buffer*, pool_error> acquire(std::size_t payload_len) noexcept;

    /// acquire() from the smallest class that fits only, and without counting a failure (a
    /// receive slot asking for a buffer it can do without: recvmmsg_source::attach_pool()).
    /// Thread: the owning RX thread.
    [[nodiscard]] message_buffer* try_acquire_fitting(std::size_t payload_len) noexcept;

    /// Gives \p msg back. A buffer of another pool or one already free is counted
    /// (foreign_release / double_release) and ignored. nullptr is ignored.
    /// Thread: the owning RX thread (other threads return buffers through a queue to it).
    void release(message_buffer* msg) noexcept;

    /// Largest payload a buffer of this pool holds (the largest class).
    [[nodiscard]] std::size_t max_payload() const noexcept;
    /// Buffers in all classes.
    [[nodiscard]] std::size_t n_buffers() const noexcept { return _n_buffers; }
    /// Free buffers in all classes.
    [[nodiscard]] std::size_t n_free() const noexcept { return _n_buffers - _stats.in_use; }
    /// Size classes, sorted by capacity.
    [[nodiscard]] std::size_t n_classes() const noexcept { return _n_classes; }
    [[nodiscard]] buffer_class class_at(std::size_t i) const noexcept;
    /// Free buffers of class \p i.
    [[nodiscard]] std::size_t n_free_in_class(std::size_t i) const noexcept;
    [[nodiscard]] std::uint32_t owner_id() const noexcept { return _owner_id; }
    [[nodiscard]] const pool_stats& stats() const noexcept { return _stats; }

private:
    /// Index of the smallest class whose capacity holds \p payload_len, or _n_classes.
    [[nodiscard]] std::size_t fitting_class(std::size_t payload_len) const noexcept;
    /// Takes the head of class \p i's free list (not empty) and counts it.
    message_buffer* take(std::size_t i) noexcept;

    struct size_class {
        buffer_class cls;
        std::uint8_t* arena = nullptr;        // count * stride octets, 64-aligned
        message_buffer* buffers = nullptr;    // count objects
        message_buffer* free_head = nullptr;  // intrusive LIFO
        std::size_t n_free = 0;
    };

    void free_all() noexcept;

    std::array<size_class, max_buffer_classes> _classes{};
    std::size_t _n_classes = 0;
    std::size_t _n_buffers = 0;
    std::uint32_t _owner_id = 0;
    pool_stats _stats;
};

} // namespace udpn::input
