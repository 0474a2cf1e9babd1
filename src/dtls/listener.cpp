// The DTLS listener (see listener.hpp for the picture). Which library does what: OpenSSL 3.0
// (libssl) does the DTLS 1.2 record layer, handshake, certificate verification and the
// stateless cookie exchange (DTLSv1_listen with our HMAC cookie); this file demultiplexes the
// one UDP socket by exporter address:port, bounds the state and frames the application data.
//
// Each SSL object reads and writes through a small custom BIO (one per SSL): a read returns the
// datagram being processed, once; a write is one sendto() to the exporter on the listener's
// socket. So one datagram is one read and one flight record is one datagram, with no memory
// BIO buffering in between.
#include "dtls/listener.hpp"

#include "input/socket/sockaddr.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace udpn::dtls {

const char* to_string(handshake_failure f) noexcept
{
    switch (f) {
    case handshake_failure::untrusted: return "untrusted";
    case handshake_failure::expired: return "expired";
    case handshake_failure::no_certificate: return "no_certificate";
    case handshake_failure::not_pinned: return "not_pinned";
    case handshake_failure::protocol: return "protocol";
    case handshake_failure::timeout: return "timeout";
    }
    return "unknown";
}

namespace {

constexpr std::size_t cookie_len = 32; // HMAC-SHA256
constexpr std::size_t record_header_len = 13;
constexpr std::uint8_t content_handshake = 22;
constexpr std::uint8_t handshake_client_hello = 1;
/// PROTOCOL.md §1.3: MSG-LEN is the length of one UDP-notif message, whose Message Length
/// field is 16 bits: at most 5 digits, at most 65535.
constexpr std::size_t max_msg_len = 65535;
constexpr std::size_t max_len_digits = 5;

std::string openssl_reason()
{
    char buf[256];
    const unsigned long e = ERR_get_error();
    if (e == 0) {
        return "unknown error";
    }
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

/// Lowercase hex without separators; "" when \p text holds anything but hex digits and ':'.
std::string normalize_fingerprint(const std::string& text)
{
    std::string out;
    for (char c : text) {
        if (c == ':') {
            continue;
        }
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
            return {};
        }
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

/// A datagram's first record is a DTLS handshake record of epoch 0 carrying a ClientHello
/// (RFC 6347 §4.1 record header, §4.2.2 handshake header).
bool looks_like_client_hello(byte_span b) noexcept
{
    return b.size() >= record_header_len + 12 && b[0] == content_handshake && b[1] == 0xfe &&
           (b[2] == 0xfd || b[2] == 0xff) && b[3] == 0 && b[4] == 0 &&
           b[record_header_len] == handshake_client_hello;
}

struct endpoint_hash {
    std::size_t operator()(const net::endpoint& e) const noexcept
    {
        return static_cast<std::size_t>(net::hash(e.addr) ^
                                        (std::uint64_t{e.port} * 0x9e3779b97f4a7c15ULL));
    }
};

} // namespace

/// What one custom BIO reads and where it writes. One per SSL object (the listen SSL's, and
/// each session's).
struct bio_io {
    listener::impl* owner = nullptr;
    sockaddr_storage peer{};
    socklen_t peer_len = 0;
    const std::uint8_t* in = nullptr; ///< the datagram being processed (read once)
    std::size_t in_len = 0;
    bool has_in = false;
    bool cookie_cb = false;  ///< a cookie callback ran during this DTLSv1_listen call
    bool pin_failed = false; ///< the certificate chained but matched no pin
};

struct session {
    bio_io io;
    SSL* ssl = nullptr;
    bool established = false;
    std::uint64_t start_ns = 0;
    std::uint64_t last_ns = 0;
    /// Application data not yet framed: at most one partial frame (<= 6 + 65535 octets) plus
    /// one record's plaintext. Grows on demand, never past that bound.
    std::vector<std::uint8_t> pending;

    session() = default;
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session()
    {
        if (ssl != nullptr) {
            SSL_free(ssl);
        }
    }
};

struct listener::impl {
    dtls_config cfg;
    int fd = -1;
    bool v6_socket = false;
    listener_stats st;
    SSL_CTX* ctx = nullptr;
    BIO_METHOD* method = nullptr;
    /// Cookie secrets: the current one makes and verifies cookies, the one before it (once
    /// there was a change) only verifies them. Replaced at rotate_at_ns (on_tick).
    std::array<std::uint8_t, 32> secret{};
    std::array<std::uint8_t, 32> previous_secret{};
    bool has_previous_secret = false;
    std::uint64_t rotate_at_ns = 0; ///< 0 until the first tick schedules it
    std::vector<std::string> pins; ///< normalized pinned_sha256
    SSL* listen_ssl = nullptr;
    bio_io listen_io;
    BIO_ADDR* listen_addr = nullptr;
    std::unordered_map<net::endpoint, std::unique_ptr<session>, endpoint_hash> sessions;
    std::uint64_t n_handshaking = 0;
    std::array<std::uint8_t, 16384 + 256> scratch{}; ///< one record's plaintext
    message_handler handler = nullptr;
    void* context = nullptr;
    const input::datagram* current = nullptr; ///< the datagram being processed

    explicit impl(const dtls_config& c, int socket_fd);
    ~impl();
    /// The constructor's OpenSSL set-up after the objects exist (may throw).
    void set_up_context();
    /// Frees every OpenSSL object (destructor, or a constructor that failed). Idempotent.
    void free_openssl() noexcept;

    // -- custom BIO ---------------------------------------------------------------------------
    static int bio_write(BIO* b, const char* data, int len)
    {
        auto* io = static_cast<bio_io*>(BIO_get_data(b));
        BIO_clear_retry_flags(b);
        if (len <= 0) {
            return 0;
        }
        const ssize_t n = ::sendto(io->owner->fd, data, static_cast<std::size_t>(len), 0,
                                   reinterpret_cast<const sockaddr*>(&io->peer), io->peer_len);
        if (n < 0) {
            ++io->owner->st.send_errors; // UDP: DTLS retransmits a lost flight
        }
        return len;
    }
    static int bio_read(BIO* b, char* out, int len)
    {
        auto* io = static_cast<bio_io*>(BIO_get_data(b));
        BIO_clear_retry_flags(b);
        if (!io->has_in || len <= 0) {
            BIO_set_retry_read(b);
            return -1;
        }
        const std::size_t n = std::min(io->in_len, static_cast<std::size_t>(len));
        std::memcpy(out, io->in, n);
        io->has_in = false;
        return static_cast<int>(n);
    }
    static long bio_ctrl(BIO* b, int cmd, long /*num*/, void* /*ptr*/)
    {
        auto* io = static_cast<bio_io*>(BIO_get_data(b));
        switch (cmd) {
        case BIO_CTRL_FLUSH: return 1;
        case BIO_CTRL_PENDING: return io != nullptr && io->has_in ? static_cast<long>(io->in_len) : 0;
        default: return 0; // no MTU query (SSL_OP_NO_QUERY_MTU), no peer address, no timers
        }
    }
    static int bio_create(BIO* b)
    {
        BIO_set_init(b, 1);
        return 1;
    }

    // -- cookies: HMAC-SHA256(secret, exporter address, port) --------------------------------
    static bio_io* io_of(SSL* ssl) noexcept
    {
        return static_cast<bio_io*>(BIO_get_data(SSL_get_rbio(ssl)));
    }
    static bool cookie_of(const bio_io& io, const std::array<std::uint8_t, 32>& key,
                          std::uint8_t* out) noexcept
    {
        unsigned int len = 0;
        return HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                    reinterpret_cast<const unsigned char*>(&io.peer), io.peer_len, out,
                    &len) != nullptr &&
               len == cookie_len;
    }
    /// \p cookie is the one \p key makes for the peer of \p io.
    static bool cookie_matches(const bio_io& io, const std::array<std::uint8_t, 32>& key,
                               const unsigned char* cookie) noexcept
    {
        std::uint8_t expect[EVP_MAX_MD_SIZE];
        return cookie_of(io, key, expect) && CRYPTO_memcmp(expect, cookie, cookie_len) == 0;
    }
    /// Replaces the cookie secret when its lifetime is over (RFC 6347 §4.2.1); the old one
    /// keeps verifying until the next change.
    void rotate_secret_if_due(std::uint64_t now_ns) noexcept
    {
        const std::uint64_t lifetime_ns =
            std::uint64_t{cfg.cookie_secret_lifetime_s} * 1'000'000'000;
        if (rotate_at_ns == 0) {
            rotate_at_ns = now_ns + lifetime_ns;
            return;
        }
        if (now_ns < rotate_at_ns) {
            return;
        }
        std::array<std::uint8_t, 32> fresh{};
        if (RAND_bytes(fresh.data(), static_cast<int>(fresh.size())) != 1) {
            ERR_clear_error();
            ++st.cookie_secret_change_failed;
            rotate_at_ns = now_ns + 1'000'000'000;
            return;
        }
        previous_secret = secret;
        secret = fresh;
        has_previous_secret = true;
        ++st.cookie_secret_changes;
        rotate_at_ns = now_ns + lifetime_ns;
    }
    static int generate_cookie(SSL* ssl, unsigned char* cookie, unsigned int* len)
    {
        bio_io* io = io_of(ssl);
        io->cookie_cb = true;
        if (!cookie_of(*io, io->owner->secret, cookie)) {
            return 0;
        }
        *len = static_cast<unsigned int>(cookie_len);
        ++io->owner->st.hello_verify_sent;
        return 1;
    }
    static int verify_cookie(SSL* ssl, const unsigned char* cookie, unsigned int len)
    {
        bio_io* io = io_of(ssl);
        io->cookie_cb = true;
        const impl& owner = *io->owner;
        if (len == cookie_len &&
            (cookie_matches(*io, owner.secret, cookie) ||
             (owner.has_previous_secret && cookie_matches(*io, owner.previous_secret, cookie)))) {
            return 1;
        }
        ++io->owner->st.cookie_mismatches;
        return 0;
    }

    // -- certificate pins, on top of the chain check -------------------------------------------
    static int verify_peer(int preverify_ok, X509_STORE_CTX* store)
    {
        if (preverify_ok != 1 || X509_STORE_CTX_get_error_depth(store) != 0) {
            return preverify_ok;
        }
        auto* ssl = static_cast<SSL*>(
            X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
        bio_io* io = io_of(ssl);
        const auto& pins = io->owner->pins;
        if (pins.empty()) {
            return 1;
        }
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        if (X509_digest(X509_STORE_CTX_get_current_cert(store), EVP_sha256(), md, &md_len) != 1) {
            io->pin_failed = true;
            return 0;
        }
        char hex[2 * EVP_MAX_MD_SIZE + 1];
        for (unsigned int i = 0; i < md_len; ++i) {
            std::snprintf(hex + 2 * i, 3, "%02x", md[i]);
        }
        const std::string_view fp(hex, 2 * md_len);
        if (std::find(pins.begin(), pins.end(), fp) != pins.end()) {
            return 1;
        }
        io->pin_failed = true;
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }

    // -- SSL objects --------------------------------------------------------------------------
    SSL* new_ssl(bio_io& io)
    {
        SSL* ssl = SSL_new(ctx);
        if (ssl == nullptr) {
            return nullptr;
        }
        BIO* b = BIO_new(method);
        if (b == nullptr) {
            SSL_free(ssl);
            return nullptr;
        }
        BIO_set_data(b, &io);
        SSL_set_bio(ssl, b, b); // one reference, taken by the SSL
        SSL_set_mtu(ssl, static_cast<long>(cfg.mtu) - 48); // IPv6 + UDP headers
        SSL_set_accept_state(ssl);
        return ssl;
    }
    void reset_listen() noexcept
    {
        if (listen_ssl != nullptr) {
            SSL_free(listen_ssl);
        }
        listen_ssl = new_ssl(listen_io);
        ERR_clear_error();
    }

    void set_peer(bio_io& io, const net::endpoint& peer) const noexcept
    {
        net::endpoint ep = peer;
        if (v6_socket && ep.addr.is_v4()) {
            // A dual-stack socket reports IPv4 exporters as plain IPv4; send to ::ffff:a.b.c.d.
            std::uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
            std::memcpy(mapped + 12, ep.addr.bytes.data(), 4);
            ep.addr = net::ip_address::v6(mapped);
        }
        io.peer_len = input::sockaddr_from_endpoint(ep, io.peer);
        if (!v6_socket && ep.addr.is_v6()) {
            io.peer_len = 0;
        }
    }
    static void set_input(bio_io& io, byte_span bytes) noexcept
    {
        io.in = bytes.data();
        io.in_len = bytes.size();
        io.has_in = true;
    }

    // -- sessions -----------------------------------------------------------------------------
    using map_iter = decltype(sessions)::iterator;
    map_iter erase(map_iter it) noexcept
    {
        if (!it->second->established && n_handshaking > 0) {
            --n_handshaking;
        }
        auto next = sessions.erase(it);
        st.sessions = sessions.size();
        st.handshakes = n_handshaking;
        return next;
    }
    void erase(const net::endpoint& peer) noexcept
    {
        auto it = sessions.find(peer);
        if (it != sessions.end()) {
            (void)erase(it);
        }
    }
    handshake_failure classify(session& s) const noexcept
    {
        if (s.io.pin_failed) {
            return handshake_failure::not_pinned;
        }
        const long v = SSL_get_verify_result(s.ssl);
        if (v == X509_V_ERR_CERT_HAS_EXPIRED) {
            return handshake_failure::expired;
        }
        if (v != X509_V_OK) {
            return handshake_failure::untrusted;
        }
        unsigned long e = 0;
        while (const unsigned long next = ERR_get_error()) {
            e = next;
            if (ERR_GET_REASON(e) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
                return handshake_failure::no_certificate;
            }
        }
        return handshake_failure::protocol;
    }
    void fail_handshake(const net::endpoint& peer, session& s) noexcept
    {
        ++st.handshake_failed[static_cast<std::size_t>(classify(s))];
        ERR_clear_error();
        erase(peer);
    }

    /// Frames `MSG-LEN SP UDP-NOTIF-MSG` out of s.pending + \p plain (PROTOCOL.md §1.3:
    /// MSG-LEN ASCII decimal without leading zeros, SP 0x20; several frames per record, or one
    /// spanning records). @return false on a bad frame header (the stream cannot be resynced).
    bool deliver(session& s, byte_span plain) noexcept
    {
        try {
            s.pending.insert(s.pending.end(), plain.begin(), plain.end());
        } catch (...) {
            return false; // out of memory: treated as a broken stream
        }
        const std::uint8_t* p = s.pending.data();
        const std::size_t n = s.pending.size();
        std::size_t pos = 0;
        while (pos < n) {
            std::size_t len = 0;
            std::size_t i = pos;
            for (; i < n && p[i] != ' '; ++i) {
                const std::uint8_t c = p[i];
                if (c < '0' || c > '9' || (i == pos && c == '0') || i - pos >= max_len_digits) {
                    return false;
                }
                len = len * 10 + (c - '0');
            }
            if (i == n) {
                break; // header not complete yet
            }
            if (i == pos || len > max_msg_len) {
                return false;
            }
            const std::size_t body = i + 1;
            if (n - body < len) {
                break; // message continues in a later record
            }
            input::datagram msg = *current;
            msg.bytes = byte_span(p + body, len);
            msg.truncated = false;
            ++st.messages;
            st.message_bytes += len;
            handler(context, msg);
            pos = body + len;
        }
        s.pending.erase(s.pending.begin(), s.pending.begin() + static_cast<std::ptrdiff_t>(pos));
        return true;
    }

    /// Reads every record OpenSSL has for established session \p s. @return false when the
    /// session ended (already erased).
    bool read_records(const net::endpoint& peer, session& s, bool count_empty) noexcept
    {
        std::size_t got = 0;
        for (;;) {
            const int n = SSL_read(s.ssl, scratch.data(), static_cast<int>(scratch.size()));
            if (n > 0) {
                got += static_cast<std::size_t>(n);
                st.plaintext_bytes += static_cast<std::uint64_t>(n);
                if (!deliver(s, byte_span(scratch.data(), static_cast<std::size_t>(n)))) {
                    ++st.framing_errors;
                    (void)SSL_shutdown(s.ssl);
                    ERR_clear_error();
                    erase(peer);
                    return false;
                }
                continue;
            }
            const int err = SSL_get_error(s.ssl, n);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
                break;
            }
            if (err == SSL_ERROR_ZERO_RETURN) {
                // close_notify from the exporter: answer with ours (PROTOCOL.md §1.3).
                ++st.sessions_peer_closed;
                (void)SSL_shutdown(s.ssl);
            } else {
                ++st.sessions_failed;
            }
            ERR_clear_error();
            erase(peer);
            return false;
        }
        ERR_clear_error();
        if (got == 0 && count_empty) {
            ++st.records_discarded;
        }
        return true;
    }

    /// One handshake step of \p s (its input already set). Thread: the listener's.
    void step_handshake(const net::endpoint& peer, session& s) noexcept
    {
        const int r = SSL_do_handshake(s.ssl);
        if (r == 1) {
            s.established = true;
            --n_handshaking;
            st.handshakes = n_handshaking;
            ++st.handshakes_ok;
            (void)read_records(peer, s, false); // data in the same datagram, if any
            return;
        }
        const int err = SSL_get_error(s.ssl, r);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            ERR_clear_error();
            return;
        }
        fail_handshake(peer, s);
    }

    /// A ClientHello from \p d.src, which has no session (or \p replacing, an established one).
    void on_client_hello(const input::datagram& d, bool replacing) noexcept
    {
        if (listen_ssl == nullptr) {
            reset_listen();
            if (listen_ssl == nullptr) {
                ++st.hello_dropped;
                return;
            }
        }
        set_peer(listen_io, d.src);
        set_input(listen_io, d.bytes);
        listen_io.cookie_cb = false;
        listen_io.pin_failed = false;
        const int r = DTLSv1_listen(listen_ssl, listen_addr);
        if (r <= 0) {
            if (!listen_io.cookie_cb) {
                ++st.hello_dropped;
            }
            if (r < 0) {
                reset_listen();
            }
            ERR_clear_error();
            return;
        }
        // The cookie proves the exporter receives at d.src: now, and only now, state is spent.
        if (replacing) {
            erase(d.src);
            ++st.sessions_replaced;
        }
        if (n_handshaking >= cfg.max_handshakes) {
            ++st.handshake_cap_hits;
            reset_listen();
            return;
        }
        if (sessions.size() >= cfg.max_sessions) {
            ++st.session_cap_hits;
            reset_listen();
            return;
        }
        session* s = nullptr;
        try {
            auto owned = std::make_unique<session>();
            s = owned.get();
            sessions.emplace(d.src, std::move(owned));
        } catch (...) {
            ++st.session_cap_hits; // out of memory: refused like a full table
            reset_listen();
            return;
        }
        s->io = listen_io;
        s->io.has_in = false;
        s->ssl = listen_ssl;
        BIO_set_data(SSL_get_rbio(s->ssl), &s->io);
        listen_ssl = nullptr;
        reset_listen();
        s->start_ns = d.rx_ns;
        s->last_ns = d.rx_ns;
        ++n_handshaking;
        ++st.handshakes_started;
        st.sessions = sessions.size();
        st.handshakes = n_handshaking;
        step_handshake(d.src, *s); // the buffered ClientHello: sends the server flight
    }

    void on_datagram(const input::datagram& d) noexcept
    {
        ++st.datagrams;
        st.bytes += d.bytes.size();
        if (d.truncated) {
            ++st.truncated;
            return;
        }
        auto it = sessions.find(d.src);
        if (it == sessions.end()) {
            if (!looks_like_client_hello(d.bytes)) {
                ++st.not_dtls;
                return;
            }
            on_client_hello(d, false);
            return;
        }
        session& s = *it->second;
        if (s.established && looks_like_client_hello(d.bytes)) {
            // A new handshake from the address:port of a live session: the exporter restarted.
            // It replaces the session only once its cookie verifies (no eviction by spoofing).
            on_client_hello(d, true);
            return;
        }
        set_input(s.io, d.bytes);
        s.last_ns = std::max(s.last_ns, d.rx_ns);
        if (!s.established) {
            step_handshake(d.src, s);
            return;
        }
        (void)read_records(d.src, s, true);
    }

    void on_tick(std::uint64_t now_ns) noexcept
    {
        rotate_secret_if_due(now_ns);
        const std::uint64_t hs_ns = std::uint64_t{cfg.handshake_timeout_ms} * 1'000'000;
        const std::uint64_t idle_ns = std::uint64_t{cfg.idle_timeout_s} * 1'000'000'000;
        for (auto it = sessions.begin(); it != sessions.end();) {
            session& s = *it->second;
            if (!s.established) {
                if (now_ns > s.start_ns && now_ns - s.start_ns >= hs_ns) {
                    ++st.handshake_failed[static_cast<std::size_t>(handshake_failure::timeout)];
                    it = erase(it);
                    continue;
                }
                (void)DTLSv1_handle_timeout(s.ssl); // retransmit our flight when due
                ERR_clear_error();
            } else if (now_ns > s.last_ns && now_ns - s.last_ns >= idle_ns) {
                (void)SSL_shutdown(s.ssl); // close_notify (PROTOCOL.md §1.3)
                ERR_clear_error();
                ++st.sessions_idle_closed;
                it = erase(it);
                continue;
            }
            ++it;
        }
    }

    void close_all() noexcept
    {
        for (auto it = sessions.begin(); it != sessions.end();) {
            if (it->second->established) {
                (void)SSL_shutdown(it->second->ssl);
                ++st.sessions_closed_at_stop;
            }
            it = erase(it);
        }
        ERR_clear_error();
    }
};

listener::impl::impl(const dtls_config& c, int socket_fd) : cfg(c), fd(socket_fd)
{
    cfg.enabled = true; // a listener being built is enabled: check everything
    const auto problems = validate(cfg);
    if (!problems.empty()) {
        std::string text = "invalid DTLS configuration:";
        for (const auto& p : problems) {
            text += "\n  " + p;
        }
        throw std::invalid_argument(text);
    }
    for (const auto& p : cfg.pinned_sha256) {
        pins.push_back(normalize_fingerprint(p));
    }
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
        throw std::invalid_argument("DTLS listener: the socket is not open");
    }
    v6_socket = local.ss_family == AF_INET6;
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
        throw std::runtime_error("DTLS listener: no random cookie secret: " + openssl_reason());
    }
    ctx = SSL_CTX_new(DTLS_server_method());
    method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "udpn-dtls");
    listen_addr = BIO_ADDR_new();
    try {
        set_up_context();
    } catch (...) {
        free_openssl(); // a constructor that throws runs no destructor
        throw;
    }
}

void listener::impl::set_up_context()
{
    if (ctx == nullptr || method == nullptr || listen_addr == nullptr) {
        throw std::runtime_error("DTLS listener: " + openssl_reason());
    }
    BIO_meth_set_write(method, &impl::bio_write);
    BIO_meth_set_read(method, &impl::bio_read);
    BIO_meth_set_ctrl(method, &impl::bio_ctrl);
    BIO_meth_set_create(method, &impl::bio_create);
    // DTLS 1.2 only: OpenSSL 3.0 has no DTLS 1.3 (validate() refuses "1.3"). No 0-RTT exists
    // in DTLS 1.2; no renegotiation; no session resumption (every session authenticates the
    // exporter's certificate in full).
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_COOKIE_EXCHANGE | SSL_OP_NO_QUERY_MTU |
                                 SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_cookie_generate_cb(ctx, &impl::generate_cookie);
    SSL_CTX_set_cookie_verify_cb(ctx, &impl::verify_cookie);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &impl::verify_peer);
    if (SSL_CTX_load_verify_locations(ctx, cfg.ca_file.c_str(), nullptr) != 1) {
        throw std::runtime_error("DTLS listener: cannot load CA file " + cfg.ca_file + ": " +
                                 openssl_reason());
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg.cert_file.c_str()) != 1) {
        throw std::runtime_error("DTLS listener: cannot load certificate file " + cfg.cert_file +
                                 ": " + openssl_reason());
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
        throw std::runtime_error("DTLS listener: cannot load key file " + cfg.key_file + ": " +
                                 openssl_reason());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        throw std::runtime_error("DTLS listener: key file " + cfg.key_file +
                                 " does not match certificate " + cfg.cert_file);
    }
    listen_io.owner = this;
    sessions.reserve(cfg.max_sessions);
    reset_listen();
    if (listen_ssl == nullptr) {
        throw std::runtime_error("DTLS listener: " + openssl_reason());
    }
}

listener::impl::~impl()
{
    free_openssl();
}

void listener::impl::free_openssl() noexcept
{
    sessions.clear(); // SSL objects (and their BIOs) before the BIO method and the context
    if (listen_ssl != nullptr) {
        SSL_free(listen_ssl);
        listen_ssl = nullptr;
    }
    BIO_ADDR_free(listen_addr);
    listen_addr = nullptr;
    BIO_meth_free(method);
    method = nullptr;
    SSL_CTX_free(ctx);
    ctx = nullptr;
}

std::vector<std::string> validate(const dtls_config& cfg)
{
    std::vector<std::string> problems;
    if (!cfg.enabled) {
        return problems;
    }
    if (cfg.version == "1.3") {
        problems.emplace_back("version 1.3: DTLS 1.3 is not supported by the packaged OpenSSL "
                              "(3.0 on Debian 12 implements DTLS 1.2 only); use \"1.2\"");
    } else if (cfg.version != "1.2") {
        problems.emplace_back("version must be \"1.2\" (got \"" + cfg.version + "\")");
    }
    if (cfg.address.empty()) {
        problems.emplace_back("listen address must not be empty");
    }
    const std::pair<const char*, const std::string*> files[] = {
        {"ca_file", &cfg.ca_file}, {"cert_file", &cfg.cert_file}, {"key_file", &cfg.key_file}};
    for (const auto& [name, value] : files) {
        if (value->empty()) {
            problems.push_back(std::string(name) +
                               " must be set (mutual authentication needs the CA, the "
                               "receiver's certificate and its key)");
        }
    }
    for (const auto& p : cfg.pinned_sha256) {
        if (normalize_fingerprint(p).size() != 64) {
            problems.push_back("pinned_sha256 entry \"" + p +
                               "\" is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
        }
    }
    if (cfg.max_sessions < 1) {
        problems.emplace_back("max_sessions must be >= 1");
    }
    if (cfg.max_handshakes < 1) {
        problems.emplace_back("max_handshakes must be >= 1");
    }
    if (cfg.handshake_timeout_ms < 1) {
        problems.emplace_back("handshake_timeout_ms must be >= 1");
    }
    if (cfg.idle_timeout_s < 1) {
        problems.emplace_back("idle_timeout_s must be >= 1");
    }
    if (cfg.mtu < 576 || cfg.mtu > 65535) {
        problems.emplace_back("mtu must be 576..65535");
    }
    if (cfg.cookie_secret_lifetime_s < 1 || cfg.cookie_secret_lifetime_s > 86'400) {
        problems.emplace_back("cookie_secret_lifetime_s must be 1..86400");
    }
    return problems;
}

listener::listener(const dtls_config& cfg, int fd) : _impl(std::make_unique<impl>(cfg, fd)) {}

listener::~listener() = default;

void listener::on_datagram(const input::datagram& d, message_handler handler,
                           void* context) noexcept
{
    _impl->handler = handler;
    _impl->context = context;
    _impl->current = &d;
    _impl->on_datagram(d);
    _impl->current = nullptr;
}

void listener::on_tick(std::uint64_t now_ns) noexcept
{
    _impl->on_tick(now_ns);
}

void listener::close_all() noexcept
{
    _impl->close_all();
}

const listener_stats& listener::stats() const noexcept
{
    return _impl->st;
}

const dtls_config& listener::config() const noexcept
{
    return _impl->cfg;
}

} // namespace udpn::dtls
