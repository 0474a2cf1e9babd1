// BM_DtlsListener/<message octets>/<record plaintext octets>: dtls::listener::on_datagram() on
// an established session (PROTOCOL.md §1.3): record decryption and authentication (OpenSSL,
// the cipher suite the two sides agree on: ECDHE + AES-GCM with the test certificates), the
// `MSG-LEN SP` framing and the hand-off of each UDP-notif message to a counting handler.
// Cases:
//   <n>/0       one message of n = 256, 1024, 4096, 8192 octets per record (one datagram each)
//   1024/16384  records of up to 16 KB: each send of 64 messages is cut into 4 full records
//               and a short one (12.8 messages per record), messages span records
// Set-up (untimed, each run): certificates generated with the OpenSSL API (tests/dtls/
// test_certs), a listener on 127.0.0.1 and the udpnotif-dtls-send client library. The handshake
// runs over loopback; then the client sends the messages in chunks of 64 and the benchmark
// reads every datagram off the listener's socket into memory. DTLS refuses a record it has
// seen (replay window), so each captured datagram is fed once: the iteration count is the
// number of datagrams, fixed at registration. The first chunk is fed before timing and every
// message it gives is compared with what the client sent; after the timed loop the message
// count and the plaintext octets must match. Items = messages; bytes = plaintext octets.
// OpenSSL allocates with malloc, which the test-support allocation counter (operator new) does
// not see, so this benchmark reports no allocs_per_msg.
#include "dtls-send/dtls_client.hpp"
#include "dtls/listener.hpp"
#include "input/clock.hpp"
#include "input/socket/recvmmsg_source.hpp"
#include "input/socket/udp_socket.hpp"
#include "test_certs.hpp"
#include "test_messages.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace udpn;

namespace {

constexpr std::size_t n_messages = 20'000;
constexpr std::size_t chunk = 64; // messages per client send(): fits the socket buffer

const test::test_certs& certs()
{
    static const test::test_certs c;
    return c;
}

/// Record plaintext octets for a case: 0 means one frame per record.
std::size_t record_bytes_for(std::size_t message_octets, std::size_t record_octets)
{
    return record_octets != 0
               ? record_octets
               : tools::dtls_client::frame(test::numbered_message(1, message_octets)).size();
}

/// Datagrams (one record each) the client writes for one send() of a chunk: the frames of a
/// chunk are cut into records of record_bytes_for() octets.
std::size_t datagrams_per_chunk(std::size_t message_octets, std::size_t record_octets)
{
    const std::size_t frame =
        tools::dtls_client::frame(test::numbered_message(1, message_octets)).size();
    const std::size_t record = record_bytes_for(message_octets, record_octets);
    return (chunk * frame + record - 1) / record;
}

struct counting_handler {
    std::size_t messages = 0;
    std::size_t bytes = 0;
    std::vector<std::vector<std::uint8_t>>* keep = nullptr; // the checked pass copies them

    static void on_message(void* ctx, const input::datagram& msg) noexcept
    {
        auto* self = static_cast<counting_handler*>(ctx);
        ++self->messages;
        self->bytes += msg.bytes.size();
        if (self->keep != nullptr) {
            self->keep->emplace_back(msg.bytes.begin(), msg.bytes.end());
        }
    }
};

/// An established session and the datagrams of the whole run, in arrival order.
struct capture {
    std::unique_ptr<input::udp_socket> socket;
    std::unique_ptr<dtls::listener> listener;
    std::vector<std::vector<std::uint8_t>> sent;      // the messages, by id - 1
    std::vector<std::vector<std::uint8_t>> datagrams; // ciphertext, arrival order
    std::vector<input::datagram> views;
    std::size_t first_chunk_datagrams = 0; // fed (and checked) before timing
    std::string error;
};

capture make_capture(std::size_t message_octets, std::size_t record_octets)
{
    capture c;
    input::udp_socket_config sc;
    sc.address = "127.0.0.1";
    sc.receive_timeout_ms = 5;
    c.socket = std::make_unique<input::udp_socket>(sc);
    input::recvmmsg_source source(*c.socket, input::recvmmsg_config{});
    dtls::dtls_config cfg;
    cfg.enabled = true;
    cfg.ca_file = certs().ca;
    cfg.cert_file = certs().server_cert;
    cfg.key_file = certs().server_key;
    c.listener = std::make_unique<dtls::listener>(cfg, c.socket->fd());

    tools::dtls_client_config cc;
    cc.port = c.socket->local_endpoint().port;
    cc.ca_file = certs().ca;
    cc.cert_file = certs().client_cert;
    cc.key_file = certs().client_key;
    tools::dtls_client client(cc);

    // The handshake: the listener runs on a thread of its own until it counts the session.
    std::atomic<bool> stop{false};
    counting_handler none;
    std::thread server([&] {
        while (!stop.load() && c.listener->stats().handshakes_ok == 0) {
            input::datagram_batch batch;
            if (source.poll(batch) == input::poll_status::ok) {
                for (const auto& d : batch.items) {
                    c.listener->on_datagram(d, &counting_handler::on_message, &none);
                }
            }
            c.listener->on_tick(input::monotonic_ns());
        }
    });
    const bool connected = client.connect();
    if (!connected) {
        stop = true;
    }
    server.join();
    if (!connected || c.listener->stats().handshakes_ok != 1) {
        c.error = "handshake failed: " + client.error();
        return c;
    }

    const std::size_t record = record_bytes_for(message_octets, record_octets);
    const std::size_t want = datagrams_per_chunk(message_octets, record_octets);
    c.first_chunk_datagrams = want;
    for (std::size_t first = 0; first < n_messages / chunk * chunk; first += chunk) {
        std::vector<std::vector<std::uint8_t>> batch;
        for (std::size_t i = first; i < first + chunk; ++i) {
            batch.push_back(
                test::numbered_message(static_cast<std::uint32_t>(i + 1), message_octets));
        }
        if (!client.send(batch, record)) {
            c.error = "client send failed: " + client.error();
            return c;
        }
        c.sent.insert(c.sent.end(), batch.begin(), batch.end());
        // Read the chunk's datagrams before the next send (the socket buffer holds one chunk).
        const std::size_t have = c.datagrams.size();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (c.datagrams.size() < have + want && std::chrono::steady_clock::now() < deadline) {
            input::datagram_batch got;
            if (source.poll(got) == input::poll_status::ok) {
                for (const auto& d : got.items) {
                    c.datagrams.emplace_back(d.bytes.begin(), d.bytes.end());
                    input::datagram v = d;
                    v.bytes = {};
                    c.views.push_back(v);
                }
            }
        }
        if (c.datagrams.size() != have + want) {
            c.error = "captured " + std::to_string(c.datagrams.size() - have) + " datagrams of " +
                      std::to_string(want) + " in a chunk";
            return c;
        }
    }
    for (std::size_t i = 0; i < c.views.size(); ++i) {
        c.views[i].bytes = byte_span(c.datagrams[i].data(), c.datagrams[i].size());
    }
    return c;
}

void BM_DtlsListener(benchmark::State& state)
{
    const auto message_octets = static_cast<std::size_t>(state.range(0));
    const auto record_octets = static_cast<std::size_t>(state.range(1));
    capture c = make_capture(message_octets, record_octets);
    if (!c.error.empty()) {
        state.SkipWithError(c.error.c_str());
        return;
    }
    const std::size_t n_timed = c.views.size() - c.first_chunk_datagrams;
    if (static_cast<std::size_t>(state.max_iterations) != n_timed) {
        state.SkipWithError("iteration count does not match the captured datagrams");
        return;
    }

    // Checked pass: the first chunk gives exactly the first 64 messages, byte for byte.
    std::vector<std::vector<std::uint8_t>> got;
    counting_handler checked;
    checked.keep = &got;
    for (std::size_t i = 0; i < c.first_chunk_datagrams; ++i) {
        c.listener->on_datagram(c.views[i], &counting_handler::on_message, &checked);
    }
    if (got.size() != chunk ||
        !std::equal(got.begin(), got.end(), c.sent.begin(), c.sent.begin() + chunk)) {
        state.SkipWithError("the first chunk did not decrypt to the messages sent");
        return;
    }

    counting_handler h;
    std::size_t i = c.first_chunk_datagrams;
    const std::uint64_t plaintext_before = c.listener->stats().plaintext_bytes;
    for (auto _ : state) {
        c.listener->on_datagram(c.views[i++], &counting_handler::on_message, &h);
    }
    const std::size_t expect_messages = c.sent.size() - chunk;
    std::size_t expect_bytes = 0;
    for (std::size_t m = chunk; m < c.sent.size(); ++m) {
        expect_bytes += c.sent[m].size();
    }
    if (h.messages != expect_messages || h.bytes != expect_bytes) {
        state.SkipWithError("the timed datagrams did not give every message");
        return;
    }
    const std::uint64_t plaintext = c.listener->stats().plaintext_bytes - plaintext_before;
    state.SetItemsProcessed(static_cast<std::int64_t>(h.messages));
    state.SetBytesProcessed(static_cast<std::int64_t>(plaintext));
    state.counters["msgs_per_s"] =
        benchmark::Counter(static_cast<double>(h.messages), benchmark::Counter::kIsRate);
    state.counters["msgs_per_datagram"] =
        static_cast<double>(h.messages) / static_cast<double>(n_timed);
    state.counters["records_discarded"] =
        static_cast<double>(c.listener->stats().records_discarded);
}

/// Registers one case; the iteration count is every datagram but the checked first chunk's.
void register_case(std::int64_t message_octets, std::int64_t record_octets)
{
    const std::size_t per_chunk = datagrams_per_chunk(static_cast<std::size_t>(message_octets),
                                                      static_cast<std::size_t>(record_octets));
    benchmark::RegisterBenchmark("BM_DtlsListener", BM_DtlsListener)
        ->Args({message_octets, record_octets})
        ->Iterations(static_cast<benchmark::IterationCount>((n_messages / chunk - 1) * per_chunk));
}

// The iteration counts depend on the case, so the cases are registered at start-up.
const bool registered = [] {
    for (const std::int64_t octets : {256, 1024, 4096, 8192}) {
        register_case(octets, 0);
    }
    register_case(1024, 16384);
    return true;
}();

} // namespace

BENCHMARK_MAIN();
