// kafka_config: the librdkafka property list it turns into, pass-through properties, secrets
// read from files, validation by field name, topic name rules, error classification.
#include "kafka/config.hpp"
#include "kafka/errors.hpp"

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace udpn::kafka;

namespace {

std::string value_of(const std::vector<property>& props, const std::string& name)
{
    std::string found = "(absent)";
    for (const property& p : props) {
        if (p.name == name) {
            found = p.value; // the last one wins, as in librdkafka
        }
    }
    return found;
}

/// A file under the test's temporary directory, removed at scope exit.
class temp_file {
  public:
    explicit temp_file(const std::string& content)
    {
        char tmpl[] = "/tmp/udpn-kafka-secret-XXXXXX";
        const int fd = mkstemp(tmpl);
        EXPECT_GE(fd, 0);
        close(fd);
        _path = tmpl;
        std::ofstream(_path) << content;
    }
    ~temp_file() { std::remove(_path.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    [[nodiscard]] const std::string& path() const { return _path; }

  private:
    std::string _path;
};

template <typename Fn> std::string startup_error_property(Fn&& fn)
{
    try {
        fn();
    } catch (const startup_error& e) {
        return e.property();
    }
    return "(no error)";
}

} // namespace

TEST(KafkaConfig, DefaultsAreEmbeddedMurmur2IdempotentAndBounded)
{
    const kafka_config config;
    EXPECT_TRUE(is_embedded(config));
    EXPECT_NO_THROW(validate(config));
    const auto props = librdkafka_properties(config, "127.0.0.1:9092");
    EXPECT_EQ(value_of(props, "bootstrap.servers"), "127.0.0.1:9092");
    EXPECT_EQ(value_of(props, "partitioner"), "murmur2_random");
    EXPECT_EQ(value_of(props, "enable.idempotence"), "true");
    EXPECT_EQ(value_of(props, "compression.codec"), "lz4");
    EXPECT_EQ(value_of(props, "queue.buffering.max.messages"), "100000");
    EXPECT_EQ(value_of(props, "queue.buffering.max.kbytes"), "262144");
    EXPECT_EQ(value_of(props, "message.timeout.ms"), "60000");
    EXPECT_EQ(value_of(props, "linger.ms"), "5");
    EXPECT_EQ(value_of(props, "batch.size"), "1000000");
    EXPECT_EQ(value_of(props, "batch.num.messages"), "10000");
    EXPECT_EQ(value_of(props, "client.id"), "udpnotif-receiver");
    for (const property& p : props) {
        EXPECT_NE(p.field, nullptr) << p.name << " has no kafka_config field";
    }
}

TEST(KafkaConfig, PassThroughPropertiesComeLastAndWin)
{
    kafka_config config;
    config.brokers = "k1:9092,k2:9092";
    config.properties.push_back(parse_property("security.protocol=SASL_SSL"));
    config.properties.push_back(parse_property("linger.ms=20"));
    EXPECT_FALSE(is_embedded(config));
    const auto props = librdkafka_properties(config, config.brokers);
    ASSERT_GE(props.size(), 2U);
    EXPECT_EQ(props[props.size() - 2].name, "security.protocol");
    EXPECT_EQ(props.back().name, "linger.ms");
    EXPECT_EQ(props.back().field, nullptr);
    EXPECT_EQ(value_of(props, "linger.ms"), "20");
    EXPECT_EQ(value_of(props, "bootstrap.servers"), "k1:9092,k2:9092");
}

TEST(KafkaConfig, ParsePropertySplitsAtTheFirstEqualsSign)
{
    const property p = parse_property(" sasl.oauthbearer.config = a=b=c");
    EXPECT_EQ(p.name, "sasl.oauthbearer.config");
    EXPECT_EQ(p.value, " a=b=c"); // values are kept verbatim
    EXPECT_EQ(parse_property("debug=").value, "");
    EXPECT_THROW((void)parse_property("no-equals-sign"), startup_error);
    EXPECT_THROW((void)parse_property("=value"), startup_error);
}

TEST(KafkaConfig, SecretIsReadFromFileAndTrimmed)
{
    const temp_file secret("  s3cr3t-pass\n\n");
    EXPECT_EQ(resolve_value({"sasl.password", "@" + secret.path()}), "s3cr3t-pass");
    EXPECT_EQ(resolve_value({"sasl.username", "@@literal"}), "@literal");
    EXPECT_EQ(resolve_value({"sasl.username", "plain"}), "plain");
    EXPECT_EQ(resolve_value({"sasl.username", ""}), "");
}

TEST(KafkaConfig, UnreadableSecretFileNamesThePropertyAndFile)
{
    try {
        (void)resolve_value({"sasl.password", "@/nonexistent/udpn-secret"});
        FAIL() << "no error";
    } catch (const startup_error& e) {
        EXPECT_EQ(e.property(), "sasl.password");
        const std::string what = e.what();
        EXPECT_NE(what.find("sasl.password"), std::string::npos) << what;
        EXPECT_NE(what.find("/nonexistent/udpn-secret"), std::string::npos) << what;
    }
    EXPECT_EQ(startup_error_property([] {
                  (void)resolve_value({"ssl.key.password", "@"});
              }),
              "ssl.key.password");
}

TEST(KafkaConfig, SecretsAreNeverPrintable)
{
    EXPECT_TRUE(is_secret_property("sasl.password"));
    EXPECT_TRUE(is_secret_property("ssl.key.password"));
    EXPECT_TRUE(is_secret_property("ssl.key.pem"));
    EXPECT_TRUE(is_secret_property("sasl.oauthbearer.client.secret"));
    EXPECT_FALSE(is_secret_property("security.protocol"));
    EXPECT_EQ(printable_value({"sasl.password", "hunter2"}), "(secret)");
    EXPECT_EQ(printable_value({"sasl.password", "@/run/secrets/k"}), "(from file /run/secrets/k)");
    EXPECT_EQ(printable_value({"linger.ms", "5"}), "5");
}

TEST(KafkaConfig, ValidateNamesTheFieldOutOfRange)
{
    auto field_of = [](auto mutate) {
        kafka_config config;
        mutate(config);
        return startup_error_property([&] { validate(config); });
    };
    EXPECT_EQ(field_of([](kafka_config& c) { c.brokers = " "; }), "brokers");
    EXPECT_EQ(field_of([](kafka_config& c) { c.client_id.clear(); }), "client_id");
    EXPECT_EQ(field_of([](kafka_config& c) { c.embedded_brokers = 0; }), "embedded_brokers");
    EXPECT_EQ(field_of([](kafka_config& c) { c.embedded_partitions = 0; }), "embedded_partitions");
    EXPECT_EQ(field_of([](kafka_config& c) { c.queue_full_wait_ms = -1; }), "queue_full_wait_ms");
    EXPECT_EQ(field_of([](kafka_config& c) { c.max_topics = 0; }), "max_topics");
    EXPECT_EQ(field_of([](kafka_config& c) { c.topic_partitions = 0; }), "topic_partitions");
    EXPECT_EQ(field_of([](kafka_config& c) { c.topic_replication_factor = -2; }),
              "topic_replication_factor");
    EXPECT_EQ(field_of([](kafka_config& c) { c.state_cleanup_policy = "forever"; }),
              "state_cleanup_policy");
    EXPECT_EQ(field_of([](kafka_config& c) { c.admin_timeout_ms = 0; }), "admin_timeout_ms");
    EXPECT_EQ(field_of([](kafka_config& c) { c.properties.push_back({" ", "x"}); }), "properties");
    EXPECT_EQ(field_of([](kafka_config& c) { c.topic_partitions = -1; }), "(no error)");
}

TEST(KafkaConfig, TopicNamesFollowKafkaRules)
{
    EXPECT_TRUE(is_valid_topic_name("udpn.statistics.yang.ietf-interfaces.interfaces"));
    EXPECT_TRUE(is_valid_topic_name("a_b-C.9"));
    EXPECT_TRUE(is_valid_topic_name(std::string(249, 'x')));
    EXPECT_FALSE(is_valid_topic_name(std::string(250, 'x')));
    EXPECT_FALSE(is_valid_topic_name(""));
    EXPECT_FALSE(is_valid_topic_name("."));
    EXPECT_FALSE(is_valid_topic_name(".."));
    EXPECT_FALSE(is_valid_topic_name("has space"));
    EXPECT_FALSE(is_valid_topic_name("slash/name"));
    EXPECT_FALSE(is_valid_topic_name("caf\xc3\xa9"));
}

TEST(KafkaErrors, DeliveryErrorsAreGroupedAndClassified)
{
    auto cls = [](rd_kafka_resp_err_t err) {
        return class_of(classify_delivery_error(err, false));
    };
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, false),
              delivery_error::timed_out);
    EXPECT_EQ(cls(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), error_class::retriable);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__PURGE_QUEUE, false),
              delivery_error::purged);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, false),
              delivery_error::too_large);
    EXPECT_EQ(cls(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), error_class::permanent);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, false),
              delivery_error::broker_retriable);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR_INVALID_RECORD, false),
              delivery_error::broker_permanent);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, false),
              delivery_error::not_authorized);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, false),
              delivery_error::unknown_topic);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__TRANSPORT, false), delivery_error::local);
    // A fatal producer wins over whatever the record failed with.
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, true),
              delivery_error::fatal);
    EXPECT_EQ(classify_delivery_error(RD_KAFKA_RESP_ERR__FATAL, false), delivery_error::fatal);
    EXPECT_EQ(class_of(delivery_error::fatal), error_class::fatal);
}

TEST(KafkaErrors, EveryValueHasAName)
{
    for (std::size_t i = 0; i < n_produce_statuses; ++i) {
        EXPECT_STRNE(to_string(static_cast<produce_status>(i)), "unknown") << i;
    }
    for (std::size_t i = 0; i < n_delivery_errors; ++i) {
        EXPECT_STRNE(to_string(static_cast<delivery_error>(i)), "unknown") << i;
    }
    for (std::size_t i = 0; i < n_error_classes; ++i) {
        EXPECT_STRNE(to_string(static_cast<error_class>(i)), "unknown") << i;
    }
    for (std::size_t i = 0; i < n_topic_statuses; ++i) {
        EXPECT_STRNE(to_string(static_cast<topic_status>(i)), "unknown") << i;
    }
}
