#include "kafka/producer.hpp"

#include "kafka/embedded_cluster.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>

namespace udpn::kafka {

namespace {

// Header name of the record's media type (the envelope is YANG data in JSON, RFC 8040 §11.3).
constexpr const char* content_type_header = "content-type";

// A non-null address for an empty key: librdkafka tells a null key (nullptr) from an empty
// one by the pointer, and Kafka keeps the difference on the wire.
constexpr std::uint8_t empty_key_byte = 0;

struct conf_deleter {
    void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};

produce_status produce_status_of(rd_kafka_resp_err_t err) noexcept
{
    switch (err) {
    case RD_KAFKA_RESP_ERR__QUEUE_FULL: return produce_status::queue_full;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE: return produce_status::too_large;
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART: return produce_status::unknown_topic;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED: return produce_status::not_authorized;
    case RD_KAFKA_RESP_ERR__FATAL: return produce_status::fatal;
    default: return produce_status::error;
    }
}

} // namespace

producer::producer(const kafka_config& config, embedded_cluster* cluster) : _config(config)
{
    validate(_config);
    if (is_null(_config)) {
        throw startup_error("brokers", "kafka: brokers = \"null\" is the null sink: it has no "
                                       "producer (the pipeline counts and drops the records)");
    }
    if (is_embedded(_config)) {
        if (cluster == nullptr) {
            throw startup_error("brokers", "kafka: brokers = \"embedded\" but no embedded "
                                           "cluster was started for this producer");
        }
        _cluster = cluster;
        _bootstrap = cluster->bootstrap_servers();
    } else {
        _bootstrap = _config.brokers;
    }

    std::unique_ptr<rd_kafka_conf_t, conf_deleter> conf(rd_kafka_conf_new());
    std::array<char, 512> errstr{};
    for (const property& prop : librdkafka_properties(_config, _bootstrap)) {
        const std::string value = resolve_value(prop); // throws, naming the property
        if (rd_kafka_conf_set(conf.get(), prop.name.c_str(), value.c_str(), errstr.data(),
                              errstr.size()) != RD_KAFKA_CONF_OK) {
            std::string msg =
                "kafka: librdkafka rejected property " + prop.name + "=" + printable_value(prop);
            if (prop.field != nullptr) {
                msg += std::string(" (kafka_config ") + prop.field + ")";
            }
            msg += std::string(": ") + errstr.data();
            throw startup_error(prop.name, msg);
        }
    }
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &producer::on_delivery);
    rd_kafka_conf_set_error_cb(conf.get(), &producer::on_error);

    // Cross-property checks (e.g. acks vs enable.idempotence) happen here; librdkafka's
    // message names the properties involved.
    _rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr.data(), errstr.size());
    if (_rk == nullptr) {
        throw startup_error("", std::string("kafka: cannot create the producer: ") + errstr.data());
    }
    (void)conf.release(); // rd_kafka_new owns it now
    _topics.reserve(std::min<std::size_t>(_config.max_topics, 256));
}

producer::~producer()
{
    if (_rk == nullptr) {
        return;
    }
    purge();
    for (auto& [name, rkt] : _topics) {
        rd_kafka_topic_destroy(rkt);
    }
    _topics.clear();
    rd_kafka_destroy(_rk);
}

void producer::on_delivery(rd_kafka_s* rk, const rd_kafka_message_s* msg, void* opaque)
{
    auto* self = static_cast<producer*>(opaque);
    producer_counters& c = self->_counters;
    const std::uint64_t bytes = msg->len + msg->key_len;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        c.delivered.add();
        c.delivered_bytes.add(bytes);
    } else {
        const bool fatal = rd_kafka_fatal_error(rk, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR;
        const delivery_error e = classify_delivery_error(msg->err, fatal);
        c.failed[static_cast<std::size_t>(e)].add();
        c.failed_by_class[static_cast<std::size_t>(class_of(e))].add();
        c.last_error.store(msg->err, std::memory_order_relaxed);
        if (fatal) {
            c.fatal.store(true, std::memory_order_relaxed);
        }
    }
    // Any report means the queue moved: the next full queue deserves a wait again.
    self->_congested = false;
}

void producer::on_error(rd_kafka_s* rk, int err, const char* reason, void* opaque)
{
    auto* self = static_cast<producer*>(opaque);
    producer_counters& c = self->_counters;
    c.client_errors.add();
    c.last_error.store(err, std::memory_order_relaxed);
    if (err == RD_KAFKA_RESP_ERR__FATAL ||
        rd_kafka_fatal_error(rk, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        c.fatal.store(true, std::memory_order_relaxed);
    }
    // Bounded copy, no allocation: error events repeat while a cluster is unreachable.
    const std::size_t n = reason != nullptr ? std::strlen(reason) : 0;
    const std::size_t len = std::min(n, self->_last_reason.size() - 1);
    if (len > 0) {
        std::memcpy(self->_last_reason.data(), reason, len);
    }
    self->_last_reason[len] = '\0';
}

produce_status producer::drop(produce_status s) noexcept
{
    _counters.dropped[static_cast<std::size_t>(s)].add();
    return s;
}

produce_status producer::produce(std::string_view topic, std::optional<byte_span> key,
                                 byte_span value, std::span<const header> headers) noexcept
{
    if (_counters.fatal.load(std::memory_order_relaxed)) {
        return drop(produce_status::fatal);
    }
    rd_kafka_topic_t* rkt = nullptr;
    if (const auto it = _topics.find(topic); it != _topics.end()) {
        rkt = it->second;
    } else if (const produce_status s = add_topic(topic, rkt, true); s != produce_status::queued) {
        return drop(s);
    }

    const void* key_ptr = nullptr;
    std::size_t key_len = 0;
    if (key.has_value()) {
        key_ptr = key->empty() ? &empty_key_byte : key->data();
        key_len = key->size();
    }
    const void* value_ptr = value.empty() ? nullptr : value.data();

    // The header list librdkafka would build for RD_KAFKA_V_HEADER, built here because the
    // count is known only now. producev takes it on success only.
    rd_kafka_headers_t* hdrs = nullptr;
    const bool has_content_type = !_config.content_type.empty();
    if (has_content_type || !headers.empty()) {
        hdrs = rd_kafka_headers_new(headers.size() + (has_content_type ? 1 : 0));
        if (has_content_type) {
            rd_kafka_header_add(hdrs, content_type_header, -1, _config.content_type.data(),
                                static_cast<ssize_t>(_config.content_type.size()));
        }
        for (const header& h : headers) {
            rd_kafka_header_add(hdrs, h.name.data(), static_cast<ssize_t>(h.name.size()),
                                h.value.data(), static_cast<ssize_t>(h.value.size()));
        }
    }

    using clock = std::chrono::steady_clock;
    bool waiting = false;
    clock::time_point deadline{};
    for (;;) {
        const rd_kafka_resp_err_t err = rd_kafka_producev(
            _rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(const_cast<void*>(value_ptr), value.size()),
            RD_KAFKA_V_KEY(key_ptr, key_len), RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            _counters.queued.add();
            _counters.queued_bytes.add(key_len + value.size());
            return produce_status::queued;
        }
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || _congested || _config.queue_full_wait_ms == 0) {
            if (hdrs != nullptr) {
                rd_kafka_headers_destroy(hdrs);
            }
            _counters.last_error.store(err, std::memory_order_relaxed);
            if (err == RD_KAFKA_RESP_ERR__FATAL) {
                _counters.fatal.store(true, std::memory_order_relaxed);
            }
            return drop(produce_status_of(err));
        }
        // Full queue: serve delivery reports (which free room) until the deadline, then drop.
        const clock::time_point now = clock::now();
        if (!waiting) {
            waiting = true;
            deadline = now + std::chrono::milliseconds(_config.queue_full_wait_ms);
            _counters.queue_full_waits.add();
        } else if (now >= deadline) {
            _congested = true;
            continue; // one last try, then the drop above
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
        rd_kafka_poll(_rk, static_cast<int>(std::max<decltype(left)>(left, 1)));
    }
}

produce_status producer::add_topic(std::string_view topic, rd_kafka_topic_s*& rkt,
                                   bool create) noexcept
{
    if (!is_valid_topic_name(topic)) {
        return produce_status::invalid_topic;
    }
    if (_topics.size() >= _config.max_topics) {
        return produce_status::too_many_topics;
    }
    try {
        std::string name(topic);
        if (create) {
            // Creation may fail (no permission, not supported) while the topic exists or the
            // cluster auto-creates it: produce anyway; a missing topic shows in the reports.
            (void)create_topic(name, topic_kind::data);
        }
        rkt = rd_kafka_topic_new(_rk, name.c_str(), nullptr);
        if (rkt == nullptr) {
            _counters.last_error.store(rd_kafka_last_error(), std::memory_order_relaxed);
            return produce_status::error;
        }
        _topics.emplace(std::move(name), rkt);
        _counters.topics.add();
        return produce_status::queued;
    } catch (const std::bad_alloc&) {
        if (rkt != nullptr) {
            rd_kafka_topic_destroy(rkt);
            rkt = nullptr;
        }
        return produce_status::error;
    }
}

topic_status producer::ensure_topic(std::string_view topic, topic_kind kind) noexcept
{
    if (!is_valid_topic_name(topic)) {
        return topic_status::invalid_name;
    }
    const topic_status status = create_topic(topic, kind);
    // Keep a handle, so that the topic's first record does not try to create it again.
    if (_topics.find(topic) == _topics.end()) {
        rd_kafka_topic_t* rkt = nullptr;
        (void)add_topic(topic, rkt, false);
    }
    return status;
}

topic_status producer::create_topic(std::string_view topic, topic_kind kind) noexcept
{
    topic_status status = topic_status::not_attempted;
    if (_cluster != nullptr) {
        status = _cluster->create_topic(topic, _config.embedded_partitions,
                                        _config.topic_replication_factor);
    } else if (_config.create_topics) {
        try {
            status = create_with_admin_api(std::string(topic), kind);
        } catch (const std::bad_alloc&) {
            status = topic_status::failed;
        }
    }
    if (status == topic_status::created) {
        _counters.topics_created.add();
    } else if (!usable(status)) {
        _counters.topic_create_failed.add();
    }
    return status;
}

topic_status producer::create_with_admin_api(const std::string& topic, topic_kind kind) noexcept
{
    std::array<char, 512> errstr{};
    rd_kafka_NewTopic_t* new_topic =
        rd_kafka_NewTopic_new(topic.c_str(), _config.topic_partitions,
                              _config.topic_replication_factor, errstr.data(), errstr.size());
    if (new_topic == nullptr) {
        return topic_status::invalid_partitions;
    }
    if (kind == topic_kind::state && !_config.state_cleanup_policy.empty()) {
        (void)rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy",
                                           _config.state_cleanup_policy.c_str());
    }
    rd_kafka_AdminOptions_t* options =
        rd_kafka_AdminOptions_new(_rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    (void)rd_kafka_AdminOptions_set_request_timeout(options, _config.admin_timeout_ms,
                                                    errstr.data(), errstr.size());
    (void)rd_kafka_AdminOptions_set_operation_timeout(options, _config.admin_timeout_ms,
                                                      errstr.data(), errstr.size());
    rd_kafka_queue_t* queue = rd_kafka_queue_new(_rk);
    rd_kafka_CreateTopics(_rk, &new_topic, 1, options, queue);

    // A little longer than the request timeout, so that librdkafka's own timeout answers first.
    rd_kafka_event_t* event = rd_kafka_queue_poll(queue, _config.admin_timeout_ms + 1000);
    topic_status status = topic_status::timed_out;
    if (event != nullptr) {
        rd_kafka_resp_err_t err = rd_kafka_event_error(event);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const rd_kafka_CreateTopics_result_t* result =
                rd_kafka_event_CreateTopics_result(event);
            std::size_t n = 0;
            const rd_kafka_topic_result_t** results =
                result != nullptr ? rd_kafka_CreateTopics_result_topics(result, &n) : nullptr;
            err = n > 0 ? rd_kafka_topic_result_error(results[0]) : RD_KAFKA_RESP_ERR__FAIL;
        }
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            status = topic_status::created;
        } else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            status = topic_status::exists;
        } else {
            status = err == RD_KAFKA_RESP_ERR__TIMED_OUT ? topic_status::timed_out
                                                         : topic_status::failed;
            _counters.last_error.store(err, std::memory_order_relaxed);
        }
        rd_kafka_event_destroy(event);
    }
    rd_kafka_queue_destroy(queue);
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_NewTopic_destroy(new_topic);
    return status;
}

int producer::poll(int timeout_ms) noexcept
{
    return rd_kafka_poll(_rk, timeout_ms);
}

std::size_t producer::flush(std::chrono::milliseconds timeout) noexcept
{
    (void)rd_kafka_flush(_rk, static_cast<int>(timeout.count()));
    return outq_len();
}

void producer::purge() noexcept
{
    (void)rd_kafka_purge(_rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    // Purged records fail with __PURGE_QUEUE / __PURGE_INFLIGHT; serve those reports now.
    while (rd_kafka_poll(_rk, 0) > 0) {
    }
}

std::size_t producer::outq_len() const noexcept
{
    const int n = rd_kafka_outq_len(_rk);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

std::string producer::fatal_error() const
{
    std::array<char, 512> errstr{};
    if (rd_kafka_fatal_error(_rk, errstr.data(), errstr.size()) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        return {};
    }
    return errstr.data();
}

} // namespace udpn::kafka
