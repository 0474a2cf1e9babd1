/// \file
/// A DTLS 1.2 client for one UDP-notif receiver (OpenSSL): connects with a client certificate,
/// sends UDP-notif messages framed `MSG-LEN SP UDP-NOTIF-MSG` (PROTOCOL.md §1.3) inside
/// application data records, and closes with close_notify. Used by udpnotif-dtls-send and the
/// DTLS tests. Not a hot path: it allocates and blocks (with deadlines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace udpn::tools {

struct dtls_client_config {
    std::string host = "127.0.0.1"; ///< receiver address (IPv4 or IPv6 text)
    std::uint16_t port = 0;
    std::string ca_file;   ///< CA of the receiver's certificate; empty: do not verify it
    std::string cert_file; ///< client certificate (PEM); empty: none sent
    std::string key_file;  ///< its private key (PEM)
    std::uint32_t handshake_timeout_ms = 5000; ///< connect() gives up after this long
};

/// Thread: one thread.
class dtls_client {
public:
    explicit dtls_client(const dtls_client_config& cfg);
    ~dtls_client();
    dtls_client(const dtls_client&) = delete;
    dtls_client& operator=(const dtls_client&) = delete;

    /// Runs the handshake (HelloVerifyRequest / cookie included). @return true when it
    /// completed; false with error() saying why (alert from the receiver, timeout, ...).
    bool connect();
    /// Frames \p messages and writes the byte stream in application data records of at most
    /// \p record_bytes plaintext octets each (so several messages share a record, or one spans
    /// records). @return false when a write failed (error() says why).
    bool send(const std::vector<std::vector<std::uint8_t>>& messages,
              std::size_t record_bytes = 16384);
    /// Writes \p stream as it is (no framing added) in records of at most \p record_bytes.
    bool write_stream(const std::vector<std::uint8_t>& stream, std::size_t record_bytes = 16384);
    /// Sends close_notify. @return whether it was written.
    bool close();
    /// Waits up to \p timeout_ms for a record from the receiver. @return 1 when the receiver
    /// closed (close_notify), 0 on timeout, -1 on error.
    int wait_for_close(std::uint32_t timeout_ms);
    /// The connected UDP socket (tests send raw datagrams on it).
    [[nodiscard]] int fd() const noexcept;
    /// The local UDP port.
    [[nodiscard]] std::uint16_t local_port() const;
    [[nodiscard]] const std::string& error() const noexcept { return _error; }

    /// `MSG-LEN SP` + \p msg, the frame of one message.
    [[nodiscard]] static std::vector<std::uint8_t> frame(const std::vector<std::uint8_t>& msg);

    struct state;

private:
    std::unique_ptr<state> _s;
    std::string _error;
};

} // namespace udpn::tools
