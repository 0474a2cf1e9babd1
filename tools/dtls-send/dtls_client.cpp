#include "dtls-send/dtls_client.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace udpn::tools {

namespace {

std::string ssl_error_text()
{
    std::string out;
    while (const unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) {
            out += "; ";
        }
        out += buf;
    }
    return out.empty() ? "no OpenSSL error queued" : out;
}

std::uint64_t now_ms()
{
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

} // namespace

struct dtls_client::state {
    dtls_client_config cfg;
    int fd = -1;
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;

    ~state()
    {
        if (ssl != nullptr) {
            SSL_free(ssl);
        }
        if (ctx != nullptr) {
            SSL_CTX_free(ctx);
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }

    /// Waits for the socket to be readable, or the DTLS retransmission timer, up to
    /// \p deadline. @return false when the deadline passed.
    bool wait(std::uint64_t deadline)
    {
        const std::uint64_t now = now_ms();
        if (now >= deadline) {
            return false;
        }
        int timeout = static_cast<int>(deadline - now);
        timeval tv{};
        if (DTLSv1_get_timeout(ssl, &tv) == 1) {
            const long t = tv.tv_sec * 1000 + tv.tv_usec / 1000;
            timeout = static_cast<int>(std::min<long>(timeout, t + 1));
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout) == 0) {
            (void)DTLSv1_handle_timeout(ssl);
        }
        return true;
    }
};

dtls_client::dtls_client(const dtls_client_config& cfg) : _s(std::make_unique<state>())
{
    _s->cfg = cfg;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(cfg.port);
    if (::getaddrinfo(cfg.host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
        throw std::invalid_argument("dtls client: not an IP address: " + cfg.host);
    }
    sockaddr_storage peer{};
    const socklen_t peer_len = found->ai_addrlen;
    std::memcpy(&peer, found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    _s->fd = ::socket(peer.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (_s->fd < 0 || ::connect(_s->fd, reinterpret_cast<sockaddr*>(&peer), peer_len) != 0) {
        throw std::runtime_error("dtls client: socket/connect failed: " +
                                 std::string(std::strerror(errno)));
    }
    _s->ctx = SSL_CTX_new(DTLS_client_method());
    if (_s->ctx == nullptr) {
        throw std::runtime_error("dtls client: " + ssl_error_text());
    }
    SSL_CTX_set_min_proto_version(_s->ctx, DTLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(_s->ctx, DTLS1_2_VERSION);
    if (!cfg.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(_s->ctx, cfg.ca_file.c_str(), nullptr) != 1) {
            throw std::runtime_error("dtls client: CA file " + cfg.ca_file + ": " +
                                     ssl_error_text());
        }
        SSL_CTX_set_verify(_s->ctx, SSL_VERIFY_PEER, nullptr);
    }
    if (!cfg.cert_file.empty()) {
        if (SSL_CTX_use_certificate_chain_file(_s->ctx, cfg.cert_file.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(_s->ctx, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
            throw std::runtime_error("dtls client: certificate/key " + cfg.cert_file + ": " +
                                     ssl_error_text());
        }
    }
    _s->ssl = SSL_new(_s->ctx);
    BIO* bio = BIO_new_dgram(_s->fd, BIO_NOCLOSE);
    if (_s->ssl == nullptr || bio == nullptr) {
        throw std::runtime_error("dtls client: " + ssl_error_text());
    }
    (void)BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &peer);
    SSL_set_bio(_s->ssl, bio, bio);
    SSL_set_connect_state(_s->ssl);
}

dtls_client::~dtls_client() = default;

bool dtls_client::connect()
{
    const std::uint64_t deadline = now_ms() + _s->cfg.handshake_timeout_ms;
    for (;;) {
        const int r = SSL_connect(_s->ssl);
        if (r == 1) {
            return true;
        }
        const int err = SSL_get_error(_s->ssl, r);
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            _error = "handshake failed: " + ssl_error_text();
            return false;
        }
        if (!_s->wait(deadline)) {
            _error = "handshake timed out";
            return false;
        }
    }
}

std::vector<std::uint8_t> dtls_client::frame(const std::vector<std::uint8_t>& msg)
{
    const std::string len = std::to_string(msg.size()) + " ";
    std::vector<std::uint8_t> out(len.begin(), len.end());
    out.insert(out.end(), msg.begin(), msg.end());
    return out;
}

bool dtls_client::send(const std::vector<std::vector<std::uint8_t>>& messages,
                       std::size_t record_bytes)
{
    std::vector<std::uint8_t> stream;
    for (const auto& m : messages) {
        const auto f = frame(m);
        stream.insert(stream.end(), f.begin(), f.end());
    }
    return write_stream(stream, record_bytes);
}

bool dtls_client::write_stream(const std::vector<std::uint8_t>& stream, std::size_t record_bytes)
{
    record_bytes = std::max<std::size_t>(1, std::min<std::size_t>(record_bytes, 16384));
    for (std::size_t pos = 0; pos < stream.size();) {
        const std::size_t n = std::min(record_bytes, stream.size() - pos);
        const int w = SSL_write(_s->ssl, stream.data() + pos, static_cast<int>(n));
        if (w <= 0) {
            const int err = SSL_get_error(_s->ssl, w);
            if (err == SSL_ERROR_WANT_WRITE) {
                pollfd p{_s->fd, POLLOUT, 0};
                (void)::poll(&p, 1, 100);
                continue;
            }
            _error = "write failed: " + ssl_error_text();
            return false;
        }
        pos += static_cast<std::size_t>(w);
    }
    return true;
}

bool dtls_client::close()
{
    return SSL_shutdown(_s->ssl) >= 0;
}

int dtls_client::wait_for_close(std::uint32_t timeout_ms)
{
    const std::uint64_t deadline = now_ms() + timeout_ms;
    unsigned char buf[2048];
    for (;;) {
        const int r = SSL_read(_s->ssl, buf, sizeof buf);
        if (r > 0) {
            continue;
        }
        const int err = SSL_get_error(_s->ssl, r);
        if (err == SSL_ERROR_ZERO_RETURN) {
            return 1;
        }
        if (err != SSL_ERROR_WANT_READ) {
            _error = "read failed: " + ssl_error_text();
            return -1;
        }
        if (!_s->wait(deadline)) {
            return 0;
        }
    }
}

int dtls_client::fd() const noexcept
{
    return _s->fd;
}

std::uint16_t dtls_client::local_port() const
{
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(_s->fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        return 0;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    }
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

} // namespace udpn::tools
