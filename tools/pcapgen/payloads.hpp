/// \file
/// Deterministic YANG-Push JSON notifications (RFC 7951 encoding, compact, no spaces):
/// subscription-started and push-update with ietf-interfaces statistics (PROTOCOL.md §3, §4),
/// wrapped in the ietf-yp-notification envelope (§3.2, default) or the legacy
/// ietf-notification:notification header (§3.1).
#pragma once

#include "pcapgen/rng.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::pcapgen {

/// Which top-level wrapper the notifications carry (PROTOCOL.md §3).
enum class notification_wrapper : std::uint8_t {
    envelope, ///< {"ietf-yp-notification:envelope": {event-time, hostname, sequence-number,
              ///< contents}}
    legacy,   ///< {"ietf-notification:notification": {eventTime, <notification>}}
};

/// Who publishes: fixed for the life of one publisher_payloads.
struct publisher_identity {
    std::string hostname;              ///< envelope `hostname` (the exporter's name)
    std::uint32_t publisher_id = 1;    ///< UDP-notif Message Publisher ID (ietf-distributed-notif)
    std::uint32_t subscription_id = 1; ///< subscription `id` of every notification
};

/// Builds the notifications of one publisher, in order. The envelope sequence-number starts at 1
/// and grows by 1 per notification built (PROTOCOL.md §3.2); interface counters only grow.
/// Thread: one owner. Allocates (tool code).
class publisher_payloads {
  public:
    /// @param seed  seeds this publisher's own random stream (interface counters and rates).
    publisher_payloads(publisher_identity identity, notification_wrapper wrapper,
                       std::uint64_t seed);

    /// subscription-started for a periodic ietf-interfaces datastore subscription (the first
    /// PROTOCOL.md §4 example shape), stamped \p event_ns (ns since the epoch).
    [[nodiscard]] std::string subscription_started(std::uint64_t event_ns);

    /// push-update with `datastore-contents` of ietf-interfaces:interfaces/interface entries.
    /// With \p target_size > 0, as many interfaces as fit are included (at least one) and the
    /// first one's `description` is padded so the text is exactly \p target_size octets when
    /// that is reachable (never shorter than one interface). With \p target_size 0,
    /// \p n_interfaces entries are included.
    [[nodiscard]] std::string push_update(std::uint64_t event_ns, std::size_t target_size,
                                          std::size_t n_interfaces);

    /// Sequence number the next notification will carry.
    [[nodiscard]] std::uint32_t next_sequence_number() const noexcept { return _sequence; }

    [[nodiscard]] const publisher_identity& identity() const noexcept { return _identity; }

  private:
    struct interface_state {
        std::uint32_t if_index = 0;
        std::string name;
        std::string phys_address;
        std::uint64_t speed = 0;
        bool up = true;
        std::uint64_t in_octets = 0;
        std::uint64_t in_unicast = 0;
        std::uint64_t in_broadcast = 0;
        std::uint64_t in_multicast = 0;
        std::uint32_t in_discards = 0;
        std::uint32_t in_errors = 0;
        std::uint32_t in_unknown_protos = 0;
        std::uint64_t out_octets = 0;
        std::uint64_t out_unicast = 0;
        std::uint64_t out_broadcast = 0;
        std::uint64_t out_multicast = 0;
        std::uint32_t out_discards = 0;
        std::uint32_t out_errors = 0;
        std::uint64_t octet_rate = 0; ///< octets added per update, on average
    };

    void grow_pool(std::size_t n);
    void advance_counters();
    void set_discontinuity(std::uint64_t event_ns) noexcept;
    [[nodiscard]] std::string interface_json(const interface_state& itf,
                                             std::size_t description_pad) const;
    [[nodiscard]] std::string wrap(std::uint64_t event_ns, const std::string& notification);

    publisher_identity _identity;
    notification_wrapper _wrapper;
    rng _rng;
    std::uint32_t _sequence = 1;
    std::uint64_t _discontinuity_ns = 0;
    std::vector<interface_state> _interfaces;
};

} // namespace udpn::pcapgen
