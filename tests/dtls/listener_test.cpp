// The DTLS listener over loopback with certificates generated at test time: a good exporter
// delivers (several messages per record, one message spanning records), close_notify, and every
// refusal is counted: wrong CA, expired certificate, no certificate, pin mismatch, plain
// datagrams and garbage records on the DTLS port, framing errors, ClientHello floods (no state),
// the handshake cap, handshake and idle timeouts.
#include "dtls/listener.hpp"
#include "dtls-send/dtls_client.hpp"
#include "input/clock.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "input/socket/udp_socket.hpp"
#include "test_certs.hpp"
#include "test_messages.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace udpn {
namespace {

using dtls::handshake_failure;
using dtls::listener_stats;

const test::test_certs& certs()
{
    static const test::test_certs c;
    return c;
}

struct received {
    std::vector<std::uint8_t> bytes;
    net::endpoint src;
};

/// A listener on 127.0.0.1 with its own thread: poll, on_datagram, on_tick (with a clock
/// offset the test can advance, so timeouts need no sleeping).
class server {
public:
    explicit server(dtls::dtls_config cfg = base_config())
    {
        input::udp_socket_config sc;
        sc.address = "127.0.0.1";
        sc.receive_timeout_ms = 5;
        _socket = std::make_unique<input::udp_socket>(sc);
        _source = std::make_unique<input::recvmmsg_source>(*_socket, input::recvmmsg_config{});
        _listener = std::make_unique<dtls::listener>(cfg, _socket->fd());
        _thread = std::thread([this] { run(); });
    }
    ~server()
    {
        _stop = true;
        _thread.join();
    }

    static dtls::dtls_config base_config()
    {
        dtls::dtls_config c;
        c.enabled = true;
        c.ca_file = certs().ca;
        c.cert_file = certs().server_cert;
        c.key_file = certs().server_key;
        return c;
    }

    [[nodiscard]] std::uint16_t port() const { return _socket->local_endpoint().port; }
    listener_stats stats()
    {
        const std::lock_guard lock(_mutex);
        return _listener->stats();
    }
    std::vector<received> messages()
    {
        const std::lock_guard lock(_mutex);
        return _messages;
    }
    /// Waits up to 5 s for \p pred(stats()).
    bool wait_for(const std::function<bool(const listener_stats&)>& pred)
    {
        for (int i = 0; i < 500; ++i) {
            if (pred(stats())) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return pred(stats());
    }
    void advance_clock(std::uint64_t ns) { _offset_ns += ns; }

private:
    static void on_message(void* ctx, const input::datagram& msg) noexcept
    {
        auto* self = static_cast<server*>(ctx);
        self->_messages.push_back({{msg.bytes.begin(), msg.bytes.end()}, msg.src});
    }
    void run()
    {
        while (!_stop) {
            input::datagram_batch batch;
            const auto status = _source->poll(batch);
            const std::lock_guard lock(_mutex);
            if (status == input::poll_status::ok) {
                for (const auto& d : batch.items) {
                    _listener->on_datagram(d, &server::on_message, this);
                }
            }
            _listener->on_tick(input::monotonic_ns() + _offset_ns.load());
        }
    }

    std::unique_ptr<input::udp_socket> _socket;
    std::unique_ptr<input::recvmmsg_source> _source;
    std::unique_ptr<dtls::listener> _listener;
    std::mutex _mutex;
    std::vector<received> _messages; // guarded by _mutex
    std::atomic<bool> _stop{false};
    std::atomic<std::uint64_t> _offset_ns{0};
    std::thread _thread;
};

tools::dtls_client_config client_config(std::uint16_t port, const std::string& cert,
                                        const std::string& key)
{
    tools::dtls_client_config c;
    c.port = port;
    c.ca_file = certs().ca;
    c.cert_file = cert;
    c.key_file = key;
    c.handshake_timeout_ms = 3000;
    return c;
}

/// An exporter with a valid certificate from the receiver's CA.
tools::dtls_client_config good_config(std::uint16_t port)
{
    return client_config(port, certs().client_cert, certs().client_key);
}

std::vector<std::uint8_t> message(std::uint32_t id, std::size_t payload_size)
{
    return test::numbered_message(id, payload_size);
}

std::uint64_t failed(const listener_stats& s, handshake_failure f)
{
    return s.handshake_failed[static_cast<std::size_t>(f)];
}

/// A UDP socket connected to the listener, for datagrams written by hand.
struct raw_socket {
    int fd = -1;
    explicit raw_socket(std::uint16_t port)
    {
        fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    }
    ~raw_socket() { ::close(fd); }
    void send(const std::vector<std::uint8_t>& b) const
    {
        EXPECT_EQ(::send(fd, b.data(), b.size(), 0), static_cast<ssize_t>(b.size()));
    }
    /// One datagram, or empty after 2 s.
    std::vector<std::uint8_t> receive() const
    {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) != 1) {
            return {};
        }
        std::vector<std::uint8_t> b(65536);
        const ssize_t n = ::recv(fd, b.data(), b.size(), 0);
        b.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return b;
    }
};

/// A DTLS client on memory BIOs, driven by hand: its ClientHellos can be replayed, and it can
/// stop in the middle of a handshake.
struct manual_client {
    SSL_CTX* ctx = SSL_CTX_new(DTLS_client_method());
    SSL* ssl = nullptr;
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    manual_client()
    {
        SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU);
        SSL_CTX_use_certificate_chain_file(ctx, certs().client_cert.c_str());
        SSL_CTX_use_PrivateKey_file(ctx, certs().client_key.c_str(), SSL_FILETYPE_PEM);
        ssl = SSL_new(ctx);
        SSL_set_mtu(ssl, 1400);
        SSL_set_bio(ssl, in, out);
        SSL_set_connect_state(ssl);
    }
    ~manual_client()
    {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    /// Runs the handshake as far as it goes without input; @return what it wrote.
    std::vector<std::uint8_t> step()
    {
        (void)SSL_do_handshake(ssl);
        std::vector<std::uint8_t> b(static_cast<std::size_t>(BIO_ctrl_pending(out)));
        if (!b.empty()) {
            BIO_read(out, b.data(), static_cast<int>(b.size()));
        }
        return b;
    }
    void feed(const std::vector<std::uint8_t>& b) { BIO_write(in, b.data(), static_cast<int>(b.size())); }
};

/// The cookie exchange of \p mc over \p sock: its ClientHello out, the HelloVerifyRequest fed
/// back, and the ClientHello that carries the cookie returned, not sent yet. Empty (and a test
/// failure) when no HelloVerifyRequest came.
std::vector<std::uint8_t> cookie_exchange(raw_socket& sock, manual_client& mc)
{
    sock.send(mc.step());
    const auto hvr = sock.receive();
    if (hvr.empty()) {
        ADD_FAILURE() << "no HelloVerifyRequest";
        return {};
    }
    mc.feed(hvr);
    return mc.step();
}

TEST(DtlsListener, GoodExporterDeliversSeveralMessagesPerRecord)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    const std::vector<std::vector<std::uint8_t>> msgs = {message(1, 200), message(2, 300),
                                                         message(3, 100)};
    ASSERT_TRUE(client.send(msgs, 16384)); // all three frames in one record
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.messages == 3; }));
    const auto got = srv.messages();
    ASSERT_EQ(got.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(got[i].bytes, msgs[i]);
        EXPECT_EQ(got[i].src.port, client.local_port());
        EXPECT_EQ(got[i].src.addr.to_string(), "127.0.0.1");
    }
    const auto s = srv.stats();
    EXPECT_EQ(s.hello_verify_sent, 1u); // the cookie exchange ran once
    EXPECT_EQ(s.handshakes_started, 1u);
    EXPECT_EQ(s.handshakes_ok, 1u);
    EXPECT_EQ(s.sessions, 1u);
    EXPECT_EQ(s.handshakes, 0u);
    EXPECT_EQ(s.framing_errors, 0u);
}

TEST(DtlsListener, MessageSpanningRecordsIsReassembledFromTheStream)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    const std::vector<std::vector<std::uint8_t>> msgs = {message(1, 3000), message(2, 50)};
    ASSERT_TRUE(client.send(msgs, 7)); // 7 octets per record: every frame spans records
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.messages == 2; }));
    const auto got = srv.messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].bytes, msgs[0]);
    EXPECT_EQ(got[1].bytes, msgs[1]);
}

TEST(DtlsListener, CloseNotifyFromExporterEndsTheSession)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.sessions == 1; }));
    ASSERT_TRUE(client.close());
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.sessions_peer_closed == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
}

TEST(DtlsListener, ExporterCertificateFromAnotherCaIsRefused)
{
    server srv;
    tools::dtls_client client(client_config(srv.port(), certs().rogue_cert, certs().rogue_key));
    EXPECT_FALSE(client.connect());
    ASSERT_TRUE(srv.wait_for(
        [](const listener_stats& s) { return failed(s, handshake_failure::untrusted) == 1; }));
    const auto s = srv.stats();
    EXPECT_EQ(s.handshakes_ok, 0u);
    EXPECT_EQ(s.sessions, 0u);
    EXPECT_EQ(s.messages, 0u);
}

TEST(DtlsListener, ExpiredExporterCertificateIsRefused)
{
    server srv;
    tools::dtls_client client(client_config(srv.port(), certs().expired_cert, certs().expired_key));
    EXPECT_FALSE(client.connect());
    ASSERT_TRUE(srv.wait_for(
        [](const listener_stats& s) { return failed(s, handshake_failure::expired) == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
}

TEST(DtlsListener, ExporterWithoutCertificateIsRefused)
{
    server srv;
    tools::dtls_client client(client_config(srv.port(), "", ""));
    EXPECT_FALSE(client.connect());
    ASSERT_TRUE(srv.wait_for(
        [](const listener_stats& s) { return failed(s, handshake_failure::no_certificate) == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
}

TEST(DtlsListener, PinnedFingerprintsRestrictTheCertificatesAccepted)
{
    {
        auto cfg = server::base_config();
        cfg.pinned_sha256 = {certs().expired_sha256}; // not the good client's
        server srv(cfg);
        tools::dtls_client client(
            good_config(srv.port()));
        EXPECT_FALSE(client.connect());
        ASSERT_TRUE(srv.wait_for(
            [](const listener_stats& s) { return failed(s, handshake_failure::not_pinned) == 1; }));
    }
    auto cfg = server::base_config();
    cfg.pinned_sha256 = {certs().client_sha256}; // colon form, upper case
    server srv(cfg);
    tools::dtls_client client(good_config(srv.port()));
    EXPECT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.handshakes_ok == 1; }));
}

TEST(DtlsListener, PlainUdpNotifOnTheDtlsPortIsCountedAndDropped)
{
    server srv;
    raw_socket plain(srv.port());
    plain.send(message(1, 100));
    plain.send({0x16, 0xfe}); // too short to be a record
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.not_dtls == 2; }));
    const auto s = srv.stats();
    EXPECT_EQ(s.messages, 0u);
    EXPECT_EQ(s.sessions, 0u);
    EXPECT_EQ(s.hello_verify_sent, 0u);
}

TEST(DtlsListener, GarbageRecordsOnASessionAreCountedAndTheSessionSurvives)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.sessions == 1; }));
    // An application_data record of epoch 1 whose ciphertext is junk (fails authentication).
    std::vector<std::uint8_t> junk = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 99, 0, 40};
    junk.resize(13 + 40, 0xa5);
    ASSERT_EQ(::send(client.fd(), junk.data(), junk.size(), 0), static_cast<ssize_t>(junk.size()));
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.records_discarded >= 1; }));
    const std::vector<std::vector<std::uint8_t>> msgs = {message(9, 120)};
    ASSERT_TRUE(client.send(msgs));
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.messages == 1; }));
    EXPECT_EQ(srv.messages()[0].bytes, msgs[0]);
    EXPECT_EQ(srv.stats().sessions_failed, 0u);
}

TEST(DtlsListener, BadFrameHeaderClosesTheSessionCounted)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    const std::string bad = "012 leading zero";
    ASSERT_TRUE(client.write_stream({bad.begin(), bad.end()}));
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.framing_errors == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
    EXPECT_EQ(client.wait_for_close(2000), 1); // the receiver said close_notify
}

TEST(DtlsListener, ClientHelloFloodCostsNoState)
{
    server srv;
    manual_client mc;
    const auto hello = mc.step();
    ASSERT_FALSE(hello.empty());
    raw_socket flood(srv.port());
    for (int i = 0; i < 200; ++i) {
        flood.send(hello);
    }
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.hello_verify_sent == 200; }));
    const auto s = srv.stats();
    EXPECT_EQ(s.handshakes_started, 0u);
    EXPECT_EQ(s.sessions, 0u);
    // A cookie made for another address:port does not verify here.
    const auto hvr = flood.receive();
    ASSERT_FALSE(hvr.empty());
    mc.feed(hvr);
    const auto hello2 = mc.step(); // ClientHello with the cookie of `flood`'s port
    raw_socket other(srv.port());
    other.send(hello2);
    ASSERT_TRUE(srv.wait_for([](const listener_stats& st) { return st.cookie_mismatches == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
}

// RFC 6347 §4.2.1: the cookie secret changes every cookie_secret_lifetime_s. A cookie of the
// secret before the current one still verifies (a HelloVerifyRequest just before a change);
// one two changes old does not.
TEST(DtlsListener, CookieSecretChangesAndOnlyThePreviousOneStillVerifies)
{
    auto cfg = server::base_config();
    cfg.cookie_secret_lifetime_s = 60;
    server srv(cfg);
    raw_socket a(srv.port());
    manual_client mc_a;
    const auto hello_a = cookie_exchange(a, mc_a);
    raw_socket b(srv.port());
    manual_client mc_b;
    const auto hello_b = cookie_exchange(b, mc_b);
    // The server ticks after each datagram it takes, so the tick after a's ClientHello (the
    // first tick schedules the first change) ran before it answered b's: the clock may move.

    srv.advance_clock(61ull * 1'000'000'000);
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.cookie_secret_changes == 1; }));
    a.send(hello_a); // made with the previous secret: verifies
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.handshakes_started == 1; }));
    EXPECT_EQ(srv.stats().cookie_mismatches, 0u);

    srv.advance_clock(61ull * 1'000'000'000);
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.cookie_secret_changes == 2; }));
    b.send(hello_b); // two changes old: refused, no state
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.cookie_mismatches == 1; }));
    EXPECT_EQ(srv.stats().handshakes_started, 1u);
    EXPECT_EQ(srv.stats().cookie_secret_change_failed, 0u);

    // A fresh exchange with the current secret still works.
    raw_socket c(srv.port());
    manual_client mc_c;
    c.send(cookie_exchange(c, mc_c));
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.handshakes_started == 2; }));
}

TEST(DtlsListener, HandshakeCapRefusesAndHandshakeTimeoutFrees)
{
    auto cfg = server::base_config();
    cfg.max_handshakes = 1;
    cfg.handshake_timeout_ms = 1000;
    server srv(cfg);
    // Two exporters complete the cookie exchange and stop in the middle of the handshake.
    auto half_open = [&](raw_socket& sock, manual_client& mc) {
        const auto hello = cookie_exchange(sock, mc);
        ASSERT_FALSE(hello.empty());
        sock.send(hello);
    };
    raw_socket a(srv.port());
    manual_client ma;
    half_open(a, ma);
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.handshakes == 1; }));
    raw_socket b(srv.port());
    manual_client mb;
    half_open(b, mb);
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.handshake_cap_hits >= 1; }));
    EXPECT_EQ(srv.stats().sessions, 1u);
    srv.advance_clock(2'000'000'000);
    ASSERT_TRUE(srv.wait_for(
        [](const listener_stats& s) { return failed(s, handshake_failure::timeout) == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
    EXPECT_EQ(srv.stats().handshakes, 0u);
}

TEST(DtlsListener, SessionCapRefusesNewExporters)
{
    auto cfg = server::base_config();
    cfg.max_sessions = 1;
    server srv(cfg);
    tools::dtls_client first(good_config(srv.port()));
    ASSERT_TRUE(first.connect()) << first.error();
    auto c2 = good_config(srv.port());
    c2.handshake_timeout_ms = 300;
    tools::dtls_client second(c2);
    EXPECT_FALSE(second.connect());
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.session_cap_hits >= 1; }));
    EXPECT_EQ(srv.stats().sessions, 1u);
}

TEST(DtlsListener, IdleSessionIsClosedWithCloseNotify)
{
    server srv;
    tools::dtls_client client(good_config(srv.port()));
    ASSERT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.sessions == 1; }));
    srv.advance_clock(601ull * 1'000'000'000); // past the 10-minute default
    ASSERT_TRUE(srv.wait_for([](const listener_stats& s) { return s.sessions_idle_closed == 1; }));
    EXPECT_EQ(srv.stats().sessions, 0u);
    EXPECT_EQ(client.wait_for_close(2000), 1);
}

TEST(DtlsConfig, Dtls13IsRefusedWithAClearMessage)
{
    dtls::dtls_config cfg = server::base_config();
    cfg.version = "1.3";
    const auto problems = dtls::validate(cfg);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("DTLS 1.3 is not supported by the packaged OpenSSL"),
              std::string::npos)
        << problems[0];
    EXPECT_THROW(dtls::listener(cfg, -1), std::invalid_argument);
}

TEST(DtlsConfig, BadFilesAndFingerprintsAreNamed)
{
    dtls::dtls_config cfg = server::base_config();
    cfg.pinned_sha256 = {"not-hex"};
    const auto problems = dtls::validate(cfg);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("not-hex"), std::string::npos);

    cfg = server::base_config();
    cfg.ca_file = "/nonexistent/ca.pem";
    input::udp_socket_config sc;
    sc.address = "127.0.0.1";
    input::udp_socket sock(sc);
    try {
        dtls::listener l(cfg, sock.fd());
        FAIL() << "a missing CA file must be refused";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/ca.pem"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace udpn
