/// \file
/// Producer counters (DESIGN.md §2: every drop increments a named counter). One producer has
/// one writer, its producer thread (produce() and the delivery reports served by poll()); a
/// stats thread reads a producer_stats snapshot at any time. The live counters are relaxed
/// atomics written by that single thread with load + store (no read-modify-write, no
/// contention), so a reader never races.
#pragma once

#include "kafka/errors.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace udpn::kafka {

/// A copy of a producer's counters at one moment (producer::stats()).
struct producer_stats {
    std::uint64_t queued = 0;          ///< records accepted by produce()
    std::uint64_t queued_bytes = 0;    ///< key + value bytes of those records
    std::uint64_t delivered = 0;       ///< records acknowledged by the cluster
    std::uint64_t delivered_bytes = 0; ///< key + value bytes of those records
    /// Records whose delivery failed, by reason (indexed by delivery_error).
    std::array<std::uint64_t, n_delivery_errors> failed{};
    /// Records whose delivery failed, by class (indexed by error_class).
    std::array<std::uint64_t, n_error_classes> failed_by_class{};
    /// Records dropped by produce(), by verdict (indexed by produce_status; `queued` stays 0).
    std::array<std::uint64_t, n_produce_statuses> dropped{};
    std::uint64_t queue_full_waits = 0;    ///< bounded waits for room in the local queue
    std::uint64_t topics = 0;              ///< topic handles held
    std::uint64_t topics_created = 0;      ///< topics this producer created
    std::uint64_t topic_create_failed = 0; ///< creations that failed or timed out
    std::uint64_t client_errors = 0;       ///< error callbacks (transport, all brokers down, ...)
    bool fatal = false;                    ///< a fatal error was raised: recreate the producer
    int last_error = 0; ///< rd_kafka_resp_err_t of the latest failure of any kind (0: none)

    /// Failed deliveries of \p e. Thread: any.
    [[nodiscard]] std::uint64_t failed_of(delivery_error e) const noexcept
    {
        return failed[static_cast<std::size_t>(e)];
    }
    /// Failed deliveries of class \p c. Thread: any.
    [[nodiscard]] std::uint64_t failed_of(error_class c) const noexcept
    {
        return failed_by_class[static_cast<std::size_t>(c)];
    }
    /// All failed deliveries. Thread: any.
    [[nodiscard]] std::uint64_t failed_total() const noexcept
    {
        std::uint64_t n = 0;
        for (std::uint64_t v : failed_by_class) {
            n += v;
        }
        return n;
    }
    /// Records dropped by produce() with verdict \p s. Thread: any.
    [[nodiscard]] std::uint64_t dropped_of(produce_status s) const noexcept
    {
        return dropped[static_cast<std::size_t>(s)];
    }
    /// All records dropped by produce(). Thread: any.
    [[nodiscard]] std::uint64_t dropped_total() const noexcept
    {
        std::uint64_t n = 0;
        for (std::uint64_t v : dropped) {
            n += v;
        }
        return n;
    }
};

/// A counter with one writer and any number of readers.
class counter {
  public:
    /// Adds \p n. Thread: the single writer only.
    void add(std::uint64_t n = 1) noexcept
    {
        _v.store(_v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    /// The current value. Thread: any.
    [[nodiscard]] std::uint64_t get() const noexcept { return _v.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> _v{0};
};

/// The live counters behind producer_stats. Thread: written by the producer thread only.
struct producer_counters {
    counter queued;
    counter queued_bytes;
    counter delivered;
    counter delivered_bytes;
    std::array<counter, n_delivery_errors> failed;
    std::array<counter, n_error_classes> failed_by_class;
    std::array<counter, n_produce_statuses> dropped;
    counter queue_full_waits;
    counter topics;
    counter topics_created;
    counter topic_create_failed;
    counter client_errors;
    std::atomic<bool> fatal{false};
    std::atomic<int> last_error{0};

    /// A consistent-enough copy (each counter read once, relaxed). Thread: any.
    [[nodiscard]] producer_stats snapshot() const noexcept
    {
        producer_stats s;
        s.queued = queued.get();
        s.queued_bytes = queued_bytes.get();
        s.delivered = delivered.get();
        s.delivered_bytes = delivered_bytes.get();
        for (std::size_t i = 0; i < n_delivery_errors; ++i) {
            s.failed[i] = failed[i].get();
        }
        for (std::size_t i = 0; i < n_error_classes; ++i) {
            s.failed_by_class[i] = failed_by_class[i].get();
        }
        for (std::size_t i = 0; i < n_produce_statuses; ++i) {
            s.dropped[i] = dropped[i].get();
        }
        s.queue_full_waits = queue_full_waits.get();
        s.topics = topics.get();
        s.topics_created = topics_created.get();
        s.topic_create_failed = topic_create_failed.get();
        s.client_errors = client_errors.get();
        s.fatal = fatal.load(std::memory_order_relaxed);
        s.last_error = last_error.load(std::memory_order_relaxed);
        return s;
    }
};

} // namespace udpn::kafka
