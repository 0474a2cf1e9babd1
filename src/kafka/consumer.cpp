#include "kafka/consumer.hpp"

#include "kafka/errors.hpp"

#include <librdkafka/rdkafka.h>

#include <array>
#include <memory>

namespace udpn::kafka {

consumer::consumer(const consumer_config& config) : _start(config.start)
{
    std::array<char, 512> err{};
    std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(),
                                                                            &rd_kafka_conf_destroy);
    std::vector<std::pair<std::string, std::string>> props = {
        {"bootstrap.servers", config.brokers},
        {"group.id", config.group},
        {"auto.offset.reset", config.start == start_at::beginning ? "earliest" : "latest"},
        {"enable.auto.commit", config.commit ? "true" : "false"},
        {"enable.partition.eof", "false"},
        // Pattern subscriptions see topics created after subscribe() within this interval.
        {"topic.metadata.refresh.interval.ms", "5000"},
        {"log_level", "3"},
    };
    props.insert(props.end(), config.properties.begin(), config.properties.end());
    for (const auto& [name, value] : props) {
        if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), err.data(), err.size()) !=
            RD_KAFKA_CONF_OK) {
            throw startup_error(name, "librdkafka refused " + name + ": " + err.data());
        }
    }
    _rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err.data(), err.size());
    if (_rk == nullptr) {
        throw startup_error("", std::string("cannot create the Kafka consumer: ") + err.data());
    }
    conf.release(); // owned by _rk now
    rd_kafka_poll_set_consumer(_rk);
}

consumer::~consumer()
{
    rd_kafka_consumer_close(_rk);
    rd_kafka_destroy(_rk);
}

void consumer::subscribe(const std::vector<std::string>& topics)
{
    rd_kafka_topic_partition_list_t* list =
        rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
    for (const std::string& t : topics) {
        rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
    }
    const rd_kafka_resp_err_t e = rd_kafka_subscribe(_rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw startup_error("", std::string("subscribe failed: ") + rd_kafka_err2str(e));
    }
}

void consumer::assign(const std::string& topic, std::int32_t partition)
{
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition)->offset =
        _start == start_at::beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    const rd_kafka_resp_err_t e = rd_kafka_assign(_rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw startup_error("", std::string("assign failed: ") + rd_kafka_err2str(e));
    }
}

std::optional<std::int32_t> consumer::partition_count(const std::string& topic,
                                                      std::chrono::milliseconds timeout)
{
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(_rk, topic.c_str(), nullptr);
    if (rkt == nullptr) {
        return std::nullopt;
    }
    const rd_kafka_metadata_t* md = nullptr;
    std::optional<std::int32_t> n;
    if (rd_kafka_metadata(_rk, 0, rkt, &md, static_cast<int>(timeout.count())) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
            md->topics[0].partition_cnt > 0) {
            n = md->topics[0].partition_cnt;
        }
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return n;
}

poll_result consumer::poll(std::chrono::milliseconds timeout)
{
    poll_result r;
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(_rk, static_cast<int>(timeout.count()));
    if (msg == nullptr) {
        return r;
    }
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        rd_kafka_message_destroy(msg);
        return r;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        r.error = rd_kafka_message_errstr(msg);
        if (msg->rkt != nullptr) {
            r.error = std::string(rd_kafka_topic_name(msg->rkt)) + ": " + r.error;
        }
        r.fatal = msg->err == RD_KAFKA_RESP_ERR__FATAL;
        rd_kafka_message_destroy(msg);
        return r;
    }
    consumed c;
    c.topic = rd_kafka_topic_name(msg->rkt);
    c.partition = msg->partition;
    c.offset = msg->offset;
    if (msg->key != nullptr) {
        c.key.emplace(static_cast<const char*>(msg->key), msg->key_len);
    }
    if (msg->payload != nullptr) {
        c.value.emplace(static_cast<const char*>(msg->payload), msg->len);
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        std::size_t size = 0;
        for (std::size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
            c.headers.emplace_back(name, value != nullptr
                                             ? std::string(static_cast<const char*>(value), size)
                                             : std::string());
        }
    }
    rd_kafka_timestamp_type_t type;
    c.timestamp_ms = rd_kafka_message_timestamp(msg, &type);
    rd_kafka_message_destroy(msg);
    r.record = std::move(c);
    return r;
}

} // namespace udpn::kafka
