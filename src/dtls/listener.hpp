/// \file
/// The DTLS server of one listener (PROTOCOL.md §1.3): one UDP socket, a table of per-exporter
/// sessions keyed by the exporter's address and port, and the `MSG-LEN SP UDP-NOTIF-MSG`
/// framing inside application data. It consumes the datagrams of the socket (read by the
/// caller, e.g. input::recvmmsg_source) and hands every UDP-notif message it decrypts to a
/// callback as an input::datagram, so the messages go through the same rx_path (header check,
/// reassembly, gap accounting) as plain datagrams.
///
/// Per datagram from exporter E:
///   truncated -> dropped (counted)
///   E has a session            -> OpenSSL (handshake step or records -> framing -> callback)
///   no session, not a DTLS ClientHello record -> dropped (not_dtls: plain UDP-notif, garbage)
///   no session, ClientHello    -> stateless cookie check (DTLSv1_listen; HMAC-SHA256 cookie of
///                                 E, so a spoofed source never gets state): no or bad cookie
///                                 -> HelloVerifyRequest; good cookie -> caps checked -> session
///                                 created, handshake continues (certificate required, checked
///                                 against ca_file and the pins)
/// Bounded state: at most max_sessions sessions, max_handshakes of them handshaking; a session
/// buffers at most one partial frame (<= 65541 octets). Handshake floods cost one HMAC and one
/// HelloVerifyRequest per ClientHello (no allocation); bad records are counted, never fatal to
/// the listener.
///
/// The header names no OpenSSL type: only dtls/listener.cpp includes OpenSSL.
#pragma once

#include "dtls/config.hpp"
#include "input/source.hpp"
#include "net/endpoint.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace udpn::dtls {

/// Why a handshake that passed the cookie check did not complete.
enum class handshake_failure : std::uint8_t {
    untrusted,      ///< the exporter's certificate does not chain to ca_file (wrong CA, bad sig)
    expired,        ///< the exporter's certificate (or one in its chain) has expired
    no_certificate, ///< the exporter sent no certificate (mutual authentication is required)
    not_pinned,     ///< the certificate chains to ca_file but is not one of pinned_sha256
    protocol,       ///< any other handshake error (alert, bad message, version refused)
    timeout,        ///< not finished within handshake_timeout_ms
};
inline constexpr std::size_t n_handshake_failures = 6;

/// Stable snake_case name of \p f. Thread: any.
[[nodiscard]] const char* to_string(handshake_failure f) noexcept;

/// Counters of one listener. Single writer: the listener's thread; a stats reader copies them.
struct listener_stats {
    std::uint64_t datagrams = 0;          ///< datagrams given to on_datagram()
    std::uint64_t bytes = 0;              ///< their octets
    std::uint64_t truncated = 0;          ///< dropped: cut by the socket's buffer
    std::uint64_t not_dtls = 0;           ///< dropped: no session and not a DTLS ClientHello
                                          ///< (plain UDP-notif on the DTLS port, garbage)
    std::uint64_t hello_verify_sent = 0;  ///< HelloVerifyRequests sent (ClientHello w/o cookie)
    std::uint64_t cookie_mismatches = 0;  ///< ClientHellos with a cookie that did not verify
    /// Cookie secrets replaced (dtls_config::cookie_secret_lifetime_s).
    std::uint64_t cookie_secret_changes = 0;
    /// Changes that found no random bytes (the old secret stays; tried again a second later).
    std::uint64_t cookie_secret_change_failed = 0;
    std::uint64_t hello_dropped = 0;      ///< ClientHello-like datagrams OpenSSL refused to parse
    std::uint64_t handshake_cap_hits = 0; ///< verified ClientHellos refused: max_handshakes
    std::uint64_t session_cap_hits = 0;   ///< verified ClientHellos refused: max_sessions
    std::uint64_t handshakes_started = 0; ///< sessions created (cookie verified)
    std::uint64_t handshakes_ok = 0;      ///< handshakes completed (exporter authenticated)
    /// Handshakes failed, by handshake_failure.
    std::array<std::uint64_t, n_handshake_failures> handshake_failed{};
    std::uint64_t sessions_replaced = 0;  ///< sessions evicted by a new handshake of the same
                                          ///< exporter address:port (exporter restarted)
    std::uint64_t sessions_idle_closed = 0; ///< closed after idle_timeout_s (close_notify sent)
    std::uint64_t sessions_peer_closed = 0; ///< closed by the exporter's close_notify
    std::uint64_t sessions_failed = 0;    ///< established sessions ended by a fatal error
    std::uint64_t sessions_closed_at_stop = 0; ///< closed by close_all() (close_notify sent)
    std::uint64_t records_discarded = 0;  ///< datagrams on an established session that gave no
                                          ///< application data (records failing
                                          ///< authentication, replays, handshake retransmits)
    std::uint64_t framing_errors = 0;     ///< sessions closed: bad `MSG-LEN SP` frame header
    std::uint64_t messages = 0;           ///< UDP-notif messages handed to the callback
    std::uint64_t message_bytes = 0;      ///< their octets (UDP-notif header included)
    std::uint64_t plaintext_bytes = 0;    ///< application data octets decrypted
    std::uint64_t send_errors = 0;        ///< sendto() failures (DTLS retransmits)
    std::uint64_t sessions = 0;           ///< gauge: sessions now (handshaking + established)
    std::uint64_t handshakes = 0;         ///< gauge: handshakes in progress now
};

/// Where the listener hands a decrypted UDP-notif message: \p msg.bytes is one UDP-NOTIF-MSG
/// (valid during the call only), src the exporter, dst the listener's address, the receive
/// times those of the datagram that completed it. Called on the listener's thread.
using message_handler = void (*)(void* context, const input::datagram& msg) noexcept;

/// Thread: start-up for construction; afterwards the one thread that reads the socket.
class listener {
public:
    /// Loads the certificates and key, builds the OpenSSL context and the cookie secret.
    /// \p fd is the bound UDP socket the datagrams come from (replies are sent on it; not
    /// owned).
    /// @throws std::invalid_argument for a bad config (validate()), std::runtime_error naming
    ///         the file and OpenSSL's reason when a certificate or key cannot be loaded.
    /// Thread: start-up.
    listener(const dtls_config& cfg, int fd);
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    /// Runs one datagram from the socket through the session table; every UDP-notif message
    /// it completes goes to \p handler (several per datagram possible). Never throws; every
    /// outcome is counted. Thread: the listener's thread.
    void on_datagram(const input::datagram& d, message_handler handler, void* context) noexcept;

    /// Periodic work at monotonic time \p now_ns: handshake retransmissions and timeouts, idle
    /// sessions closed. Call it every 100 ms or so. Thread: the listener's thread.
    void on_tick(std::uint64_t now_ns) noexcept;

    /// Sends close_notify on every established session and drops every session (at stop).
    /// Thread: the listener's thread (or the owner after it stopped).
    void close_all() noexcept;

    [[nodiscard]] const listener_stats& stats() const noexcept;
    [[nodiscard]] const dtls_config& config() const noexcept;

    struct impl;

private:
    std::unique_ptr<impl> _impl;
};

} // namespace udpn::dtls
