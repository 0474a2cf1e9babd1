/// \file
/// The DPDK receive path of one lcore: mbuf bursts in, whole UDP-notif messages out.
///
///   mbuf -> parse_frame (L2-L4) -> rte_ip_frag (IPv4/IPv6 fragments) -> port filter
///        -> udpnotif::parse_counted (PROTOCOL.md §2 step 1)
///        -> reassembly::table::accept (§2 steps 2-5) -> message -> gap_tracker (§2 step 6)
///
/// One packet_path per RX lcore (DESIGN.md §2: reassembly state is owned by one RX thread).
/// Everything is allocated by the constructor; process() allocates nothing, takes no lock,
/// throws nothing and logs nothing. Every frame ends in exactly one counter.
#pragma once

#include "common/bytes.hpp"
#include "dpdk-app/frame.hpp"
#include "net/endpoint.hpp"
#include "reassembly/config.hpp"
#include "reassembly/gap_tracker.hpp"
#include "reassembly/table.hpp"
#include "udpnotif/errors.hpp"
#include "udpnotif/header.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

struct rte_mbuf;

namespace udpn::dpdk {

/// Where process() takes the time of a packet from. The clock drives both the UDP-notif
/// reassembly timeout and the rte_ip_frag TTL, in nanoseconds; it never goes backwards (a
/// packet older than the previous one is taken at the previous one's time).
enum class clock_source : std::uint8_t {
    /// The mbuf Rx timestamp dynamic field (RTE_MBUF_DYNFIELD_TIMESTAMP_NAME), read as
    /// microseconds when the RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME flag is set on the mbuf: the
    /// net_pcap PMD of DPDK 22.11 stores the capture time there (tv_sec * 10^6 + tv_usec)
    /// whether or not the timestamp offload is requested. Mbufs without the flag use the
    /// caller's now_ns.
    rx_timestamp_us,
    /// Always the caller's now_ns (NIC ports: their timestamps count device clock ticks).
    caller,
};

/// Limits and choices of one packet_path. Plain data; validated by the constructor.
struct packet_path_config {
    /// UDP-notif segment reassembly (PROTOCOL.md §2 knobs).
    reassembly::reassembly_config reassembly;
    /// Header parser knobs (legacy version, private/unassigned media types).
    udpnotif::parse_config parse;
    /// Keep only UDP datagrams to this destination (collector) port; 0 keeps every UDP datagram.
    std::uint16_t udp_port = 0;
    /// Most IP datagrams being reassembled from fragments at once (rte_ip_frag max_entries).
    /// Each holds at most RTE_LIBRTE_IP_FRAG_MAX_FRAG (8 in DPDK 22.11) fragment mbufs.
    std::uint32_t ip_frag_max_flows = 1024;
    /// Associativity of the rte_ip_frag hash (power of two); buckets = ip_frag_max_flows.
    std::uint32_t ip_frag_bucket_entries = 16;
    /// An IP datagram whose first fragment is older than this is dropped (clock nanoseconds).
    std::uint64_t ip_frag_timeout_ns = 2'000'000'000;
    /// Where packet times come from.
    clock_source clock = clock_source::rx_timestamp_us;
    /// Most (exporter, publisher id) streams of message-id gap accounting.
    std::size_t gap_max_streams = 65536;
    /// NUMA socket for the rte_ip_frag table and the scratch buffer (SOCKET_ID_ANY = -1).
    int socket_id = -1;
};

/// Counters of the frame layers. Single writer: the owning lcore.
struct packet_stats {
    std::uint64_t packets = 0;        ///< frames given to process()
    std::uint64_t datagrams = 0;      ///< UDP datagrams (after IP reassembly) on the selected
                                      ///< port, given to the UDP-notif parser
    std::uint64_t messages = 0;       ///< messages handed to the sink (whole or reassembled)
    std::uint64_t not_ip = 0;         ///< frames neither IPv4 nor IPv6
    std::uint64_t not_udp = 0;        ///< IP packets (or fragments) of another protocol
    std::uint64_t other_port = 0;     ///< UDP datagrams to another destination port
    std::uint64_t truncated = 0;      ///< frames too short for, or inconsistent with, their headers
    std::uint64_t ip_fragments = 0;   ///< IPv4/IPv6 UDP fragments seen
    std::uint64_t ip_reassembled = 0; ///< datagrams rte_ip_frag rebuilt from fragments
    std::uint64_t ip_fragment_errors = 0; ///< fragments dropped: rte_ip_frag errors (overlap,
                                          ///< duplicate, more than 8 fragments), table full,
                                          ///< timeout, still pending at finish(), or unusable
                                          ///< (frame_kind::bad_fragment)
};

/// One whole UDP-notif message. Spans are valid until the next process(), end_burst(),
/// expire() or finish() call on the packet_path that produced it.
struct message_view {
    net::endpoint src; ///< exporter address:port
    net::endpoint dst; ///< collector address:port (first segment's datagram)
    std::uint32_t publisher_id = 0;
    std::uint32_t message_id = 0;
    std::uint8_t version = 0;
    bool s_flag = false;
    std::uint8_t media_type = 0;
    std::uint32_t n_segments = 1; ///< 1 for a datagram without segmentation option
    /// The message payload (segments concatenated by segment number); no padding guaranteed.
    byte_span payload;
    /// Option TLVs: as received for a whole message; segment 0's non-segmentation options for
    /// a reassembled one (PROTOCOL.md §2 "Rebuild").
    byte_span options;
    std::uint64_t rx_ns = 0; ///< clock of the datagram that made the message whole
};

/// The receive path of one lcore. Not copyable, not thread-safe: one owner.
class packet_path {
  public:
    /// Creates the rte_ip_frag table, the segment table, the gap tracker and the scratch
    /// buffer. Needs a running EAL (rte_malloc). Looks the mbuf Rx timestamp field up once:
    /// construct it after the ports are probed.
    /// @throws std::invalid_argument for a bad config, std::runtime_error when DPDK memory
    ///         cannot be had.
    explicit packet_path(const packet_path_config& cfg);
    ~packet_path();
    packet_path(const packet_path&) = delete;
    packet_path& operator=(const packet_path&) = delete;

    /// Runs a burst through the path and calls \p sink(const message_view&) for every message
    /// it completes, in completion order. Takes ownership of all \p n_pkts mbufs.
    /// @param now_ns  the caller's clock for this burst (see clock_source), nanoseconds
    /// Thread: the owning lcore.
    template <typename Sink>
    void process_burst(rte_mbuf* const* pkts, std::uint16_t n_pkts, std::uint64_t now_ns,
                       Sink&& sink) noexcept
    {
        static_assert(std::is_nothrow_invocable_v<Sink&, const message_view&>,
                      "the sink runs on the hot path: it must be noexcept");
        for (std::uint16_t i = 0; i < n_pkts; ++i) {
            if (const message_view* msg = process(pkts[i], now_ns)) {
                sink(*msg);
            }
        }
        end_burst();
    }

    /// Runs one frame through the path; takes ownership of \p m.
    /// @return the message \p m completed, or nullptr. The view (and the mbuf it may point
    ///         into) lives until the next call on this packet_path.
    /// Thread: the owning lcore.
    [[nodiscard]] const message_view* process(rte_mbuf* m, std::uint64_t now_ns) noexcept;

    /// Ends a burst: frees the mbuf the last message pointed into and the rte_ip_frag death
    /// row, and runs the periodic expiry when the clock moved far enough (clock-gated, §2
    /// step 5). Thread: the owning lcore.
    void end_burst() noexcept;

    /// Expires incomplete UDP-notif messages and IP datagrams older than their timeouts at
    /// \p now_ns (the later of it and the path's clock). Thread: the owning lcore.
    void expire(std::uint64_t now_ns) noexcept;

    /// Drops every pending IP fragment (counted in ip_fragment_errors) and frees their mbufs.
    /// For mempool pressure and shutdown. Thread: the owning lcore.
    void release_ip_fragments() noexcept;

    /// End of input: drops every incomplete message (reassembly expired_messages) and every
    /// pending IP fragment. Thread: the owning lcore.
    void finish() noexcept;

    /// Clock of the latest packet, nanoseconds.
    [[nodiscard]] std::uint64_t clock_ns() const noexcept { return _clock_ns; }
    /// True when the Rx timestamp dynamic field was registered when this path was built.
    [[nodiscard]] bool has_rx_timestamps() const noexcept { return _ts_offset >= 0; }

    [[nodiscard]] const packet_stats& stats() const noexcept { return _stats; }
    [[nodiscard]] const udpnotif::parse_stats& parse_stats() const noexcept { return _parse_stats; }
    [[nodiscard]] const reassembly::reassembly_stats& reassembly_stats() const noexcept
    {
        return _table.stats();
    }
    [[nodiscard]] const reassembly::gap_stats& gap_stats() const noexcept { return _gaps.stats(); }
    [[nodiscard]] const packet_path_config& config() const noexcept { return _cfg; }

  private:
    struct frag_state;

    [[nodiscard]] std::uint64_t packet_clock(const rte_mbuf* m, std::uint64_t now_ns) noexcept;
    [[nodiscard]] rte_mbuf* reassemble_fragment(rte_mbuf* m, const frame_info& info, bool v6,
                                                std::uint64_t now) noexcept;
    [[nodiscard]] const message_view* deliver_datagram(rte_mbuf* m, const frame_info& info,
                                                       std::uint64_t now) noexcept;
    void free_death_row() noexcept;
    void make_death_row_room() noexcept;
    void release_held() noexcept;

    packet_path_config _cfg;
    packet_stats _stats;
    udpnotif::parse_stats _parse_stats;
    reassembly::table _table;
    reassembly::gap_tracker _gaps;
    message_view _msg;
    rte_mbuf* _held = nullptr;         // the mbuf _msg.payload points into, if any
    std::unique_ptr<frag_state> _frag; // rte_ip_frag table + death row
    std::uint8_t* _scratch = nullptr;  // rte_malloc'ed: linearised datagrams + header window
    int _ts_offset = -1;               // mbuf Rx timestamp dynfield offset
    std::uint64_t _ts_flag = 0;        // its ol_flags bit
    std::uint64_t _clock_ns = 0;
    std::uint64_t _last_expire_ns = 0;
    std::uint64_t _expire_interval_ns = 0;
};

} // namespace udpn::dpdk
