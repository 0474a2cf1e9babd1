// udpnotif-dtls-send: a DTLS 1.2 exporter for tests and demos. Generates YANG-Push traffic with
// the udpnotif-pcapgen model (one exporter; subscription-started first), or sends raw payloads,
// over one DTLS session with a client certificate, framed `MSG-LEN SP UDP-NOTIF-MSG`
// (PROTOCOL.md §1.3), then closes with close_notify.
#include "dtls-send/dtls_client.hpp"
#include "pcapgen/traffic.hpp"
#include "pcapgen/traffic_cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    using namespace udpn;
    CLI::App app{"udpnotif-dtls-send: send generated UDP-notif traffic to a receiver's DTLS "
                 "listener (DTLS 1.2, client certificate, MSG-LEN SP framing)"};
    tools::dtls_client_config cfg;
    std::size_t record_bytes = 1200;
    bool no_close = false;
    pcapgen::traffic_options topts;
    app.add_option("--host", cfg.host, "Receiver address (loopback)")->capture_default_str();
    app.add_option("--port", cfg.port, "Receiver DTLS port")->required();
    app.add_option("--ca", cfg.ca_file, "CA file to verify the receiver's certificate");
    app.add_option("--cert", cfg.cert_file, "Client certificate (PEM)");
    app.add_option("--key", cfg.key_file, "Client private key (PEM)");
    app.add_option("--record-bytes", record_bytes,
                   "Plaintext octets per DTLS record (1..16384): several messages share a record "
                   "or one spans records")
        ->capture_default_str();
    app.add_option("--handshake-timeout-ms", cfg.handshake_timeout_ms)->capture_default_str();
    app.add_flag("--no-close", no_close, "Do not send close_notify at the end");
    auto* gen = app.add_option_group("generated traffic", "The udpnotif-pcapgen traffic model");
    pcapgen::add_traffic_options(*gen, topts, false);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    try {
        pcapgen::traffic_config tc = pcapgen::to_config(topts);
        tc.n_exporters = 1; // one DTLS session is one exporter
        const pcapgen::traffic t = pcapgen::generate_traffic(tc);
        std::vector<std::vector<std::uint8_t>> messages;
        for (const auto& d : t.datagrams) {
            messages.push_back(d.payload);
        }
        tools::dtls_client client(cfg);
        if (!client.connect()) {
            std::fprintf(stderr, "udpnotif-dtls-send: %s\n", client.error().c_str());
            return 1;
        }
        if (!client.send(messages, record_bytes)) {
            std::fprintf(stderr, "udpnotif-dtls-send: %s\n", client.error().c_str());
            return 1;
        }
        if (!no_close) {
            (void)client.close();
        }
        std::printf("udpnotif-dtls-send: sent messages=%llu frames=%zu from port %u\n",
                    static_cast<unsigned long long>(t.n_messages), messages.size(),
                    client.local_port());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "udpnotif-dtls-send: %s\n", e.what());
        return 1;
    }
}
