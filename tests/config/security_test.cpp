// docs/security.md's configuration examples, taken from the document itself so the two cannot
// drift: the Kafka SASL_SSL (PLAIN, SCRAM-SHA-512) examples load, their password is read from
// the `@/path` file, librdkafka accepts the properties (a producer is built; nothing connects:
// the brokers are replaced by a closed loopback port), and neither --print-config (in process
// and through the udpnotif-recv binary) nor the printed text shows the secret. The DTLS example
// loads and names the DTLS options; dtls.version = "1.3" is refused naming the key.
#include "config/command_line.hpp"
#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config/validate.hpp"
#include "config_test_support.hpp"
#include "kafka/config.hpp"
#include "kafka/producer.hpp"
#include "test_certs.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace udpn::config {
namespace {

/// The ```toml blocks of docs/security.md.
std::vector<std::string> toml_blocks()
{
    const std::string doc = test::read_file(UDPN_SECURITY_DOC);
    std::vector<std::string> out;
    for (std::size_t pos = doc.find("```toml\n"); pos != std::string::npos;
         pos = doc.find("```toml\n", pos)) {
        pos += 8;
        const std::size_t end = doc.find("```", pos);
        out.push_back(doc.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to)
{
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
    }
}

const kafka::property* find(const receiver_config& cfg, const std::string& name)
{
    for (const auto& p : cfg.pipeline.kafka.properties) {
        if (p.name == name) {
            return &p;
        }
    }
    return nullptr;
}

std::string run_print_config(const std::string& config_path)
{
    const std::string cmd = std::string(UDPN_RECV_TOOL) + " --config " + config_path +
                            " --print-config 2>&1";
    std::string out;
    FILE* f = ::popen(cmd.c_str(), "r");
    char buf[4096];
    while (std::fgets(buf, sizeof buf, f) != nullptr) {
        out += buf;
    }
    ::pclose(f);
    return out;
}

TEST(SecurityDoc, KafkaSaslExamplesReadTheSecretFromItsFileAndNeverPrintIt)
{
    test::temp_dir dir;
    const udpn::test::test_certs certs; // stand-ins for the example's CA, certificate and key files
    const std::string secret = "s3cr3t-doc-example-7Qx";
    const std::string key_secret = "k3y-pass-doc-example-9Zt";
    const std::string secret_file = dir.path() + "/kafka-password";
    const std::string key_file = dir.path() + "/kafka-key-password";
    std::ofstream(secret_file) << secret << "\n";
    std::ofstream(key_file) << key_secret << "\n";

    std::vector<std::string> mechanisms;
    for (std::string block : toml_blocks()) {
        if (block.find("[kafka.properties]") == std::string::npos) {
            continue;
        }
        replace_all(block, "/run/secrets/kafka-password", secret_file);
        replace_all(block, "/run/secrets/kafka-key-password", key_file);
        receiver_config cfg;
        problems errors;
        load_toml_string(block, "security.md", cfg, errors);
        ASSERT_TRUE(errors.empty()) << test::dump(errors) << block;
        const kafka::property* proto = find(cfg, "security.protocol");
        const kafka::property* mech = find(cfg, "sasl.mechanism");
        const kafka::property* pass = find(cfg, "sasl.password");
        ASSERT_NE(proto, nullptr);
        ASSERT_NE(mech, nullptr);
        ASSERT_NE(pass, nullptr);
        EXPECT_EQ(proto->value, "SASL_SSL");
        mechanisms.push_back(mech->value);
        EXPECT_EQ(pass->value, "@" + secret_file);             // the reference, not the secret
        EXPECT_EQ(kafka::resolve_value(*pass), secret);        // read from the file, trimmed
        if (const kafka::property* kp = find(cfg, "ssl.key.password")) {
            EXPECT_EQ(kafka::resolve_value(*kp), key_secret);
        }

        // --print-config (in process): the file reference, never the secret.
        const std::string printed = to_toml(cfg);
        EXPECT_EQ(printed.find(secret), std::string::npos) << printed;
        EXPECT_NE(printed.find("@" + secret_file), std::string::npos) << printed;

        // The same through the binary, and the same with the password written inline.
        std::string inline_block = block;
        replace_all(inline_block, "@" + secret_file, secret);
        const std::string path = dir.path() + "/recv.toml";
        std::ofstream(path) << inline_block << "\n[yang]\ndirs = [\"" << dir.path() << "\"]\n";
        const std::string out = run_print_config(path);
        EXPECT_EQ(out.find(secret), std::string::npos) << out;
        EXPECT_NE(out.find("\"sasl.password\" = \"(secret)\""), std::string::npos) << out;

        // librdkafka takes every property (SASL and SSL compiled in); nothing connects.
        kafka::kafka_config k = cfg.pipeline.kafka;
        k.brokers = "127.0.0.1:1";
        for (auto& p : k.properties) {
            if (p.name.starts_with("ssl.") && p.name.ends_with(".location")) {
                p.value = p.name == "ssl.ca.location"    ? certs.ca
                          : p.name == "ssl.key.location" ? certs.client_key
                                                         : certs.client_cert;
            }
        }
        EXPECT_NO_THROW({ kafka::producer producer(k); });
    }
    EXPECT_EQ(mechanisms, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-512"}));
}

TEST(SecurityDoc, DtlsExampleLoadsAndDtls13IsRefusedNamingTheKey)
{
    std::string dtls_block;
    for (const std::string& block : toml_blocks()) {
        if (block.find("[dtls]") != std::string::npos) {
            dtls_block = block;
        }
    }
    ASSERT_FALSE(dtls_block.empty());
    receiver_config cfg;
    problems errors;
    load_toml_string(dtls_block, "security.md", cfg, errors);
    ASSERT_TRUE(errors.empty()) << test::dump(errors);
    EXPECT_TRUE(cfg.pipeline.dtls.enabled);
    EXPECT_EQ(cfg.pipeline.dtls.port, 10002);
    EXPECT_EQ(cfg.pipeline.port, 10001);
    EXPECT_EQ(cfg.pipeline.dtls.ca_file, "/etc/udpnotif-recv/exporters-ca.pem");

    cfg.pipeline.dtls.version = "1.3";
    bool named = false;
    for (const problem& p : validate(cfg)) {
        if (p.key == "dtls.version") {
            named = true;
            EXPECT_NE(p.message.find("DTLS 1.3 is not supported by the packaged OpenSSL"),
                      std::string::npos)
                << p.message;
        }
    }
    EXPECT_TRUE(named);
    // The certificate files of the example do not exist here: each is named.
    std::size_t unreadable = 0;
    for (const problem& p : validate(cfg)) {
        unreadable += p.key.starts_with("dtls.") && p.key.ends_with("_file") ? 1 : 0;
    }
    EXPECT_EQ(unreadable, 3u);
}

} // namespace
} // namespace udpn::config
