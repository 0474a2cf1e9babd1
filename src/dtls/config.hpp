/// \file
/// Plain configuration of one DTLS listener (PROTOCOL.md §1.3: DTLS is a MUST where the network
/// is not secured; the receiver is the DTLS server). In-class defaults; config/ aggregates it,
/// dtls::validate() checks it once at start-up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace udpn::dtls {

/// One DTLS listener: its UDP socket, certificates, and the bounds of its session table.
struct dtls_config {
    /// Run the listener. Off by default: a DTLS listener needs certificates.
    bool enabled = false;
    /// Local address ("::" receives IPv4 too, "0.0.0.0", one address) and UDP port; the port
    /// must differ from the plain listener's. 0 takes an ephemeral port (tests).
    std::string address = "::";
    std::uint16_t port = 0;
    /// Protocol version: "1.2". The packaged OpenSSL (3.0, Debian 12) has no DTLS 1.3, so
    /// "1.3" is refused at start-up with a message saying so (PROTOCOL.md §1.3: 1.2 MUST,
    /// 1.3 SHOULD). DTLS 1.2 has no 0-RTT.
    std::string version = "1.2";
    /// PEM file of the CA certificates exporter certificates must chain to (mutual
    /// authentication: an exporter without a valid certificate is refused).
    std::string ca_file;
    /// PEM files of the receiver's own certificate (chain) and private key.
    std::string cert_file;
    std::string key_file;
    /// SHA-256 fingerprints (hex, colons optional, any case) of the exporter certificates
    /// accepted; empty: every certificate that chains to ca_file. Checked on top of the chain.
    std::vector<std::string> pinned_sha256;
    /// Most sessions (handshaking and established) at once. A new exporter beyond it is
    /// refused after the cookie exchange (counted session_cap_hits).
    std::uint32_t max_sessions = 1024;
    /// Most handshakes in progress at once (after a verified cookie); beyond it a new one is
    /// refused (counted handshake_cap_hits).
    std::uint32_t max_handshakes = 64;
    /// A handshake not finished this long after its verified ClientHello is dropped
    /// (handshake_failed{reason="timeout"}), milliseconds.
    std::uint32_t handshake_timeout_ms = 10'000;
    /// An established session with no record for this long is closed with close_notify
    /// (sessions_idle_closed), seconds. PROTOCOL.md §1.3: SHOULD be 10 minutes.
    std::uint32_t idle_timeout_s = 600;
    /// Path MTU for the records the receiver sends (handshake flights), octets.
    std::uint32_t mtu = 1400;
    /// The secret of the stateless cookies (HMAC-SHA256 of the exporter's address and port)
    /// is replaced by a fresh random one this often, seconds (RFC 6347 §4.2.1: change it
    /// frequently), so a cookie seen on the wire stops verifying. A cookie made with the
    /// previous secret still verifies: an exporter whose HelloVerifyRequest came just before
    /// a change is not refused. 1..86400.
    std::uint32_t cookie_secret_lifetime_s = 300;
};

/// Checks \p cfg (only when enabled): the version, the files named, the limits.
/// @return one line per problem; empty when valid. Thread: start-up.
[[nodiscard]] std::vector<std::string> validate(const dtls_config& cfg);

} // namespace udpn::dtls
