#include "kafka/embedded_cluster.hpp"

#include "kafka/config.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace udpn::kafka {

namespace {

// Why a mock API call sometimes took ~1 s (librdkafka 2.0.2, measured here): the mock
// cluster's thread loops poll(fds, timeout <= 1 s) -> serve its request queue -> run the IO
// handlers, one of which drains the queue's wake-up pipe. A request queue writes one wake-up
// byte per reader poll. A request queued after the queue was served but before the pipe is
// drained (typically the next call of a thread that just got its answer, or a call from a
// second thread) has its byte drained unseen, and waits for the next 1 s poll timeout.
// 63 of 200 back-to-back rd_kafka_mock_topic_create calls took ~1 s. A connection attempt on
// a mock broker's listening socket makes that poll return at once and the queue is served;
// so while a call is outstanding a helper knocks on every broker every knock_interval
// (mock_waker). Measured with it: 0 of 200 slow, worst ~7 ms.
constexpr auto knock_interval = std::chrono::milliseconds(2);

/// Starts (and abandons) a TCP connection to 127.0.0.1:\p port: the mock broker's listening
/// socket becomes readable, which wakes the mock thread. Never blocks.
void knock(std::uint16_t port) noexcept
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ::close(fd);
}

/// Knocks on every broker of \p bootstraps (`127.0.0.1:PORT[,...]`): a broker that is set
/// down does not poll its socket, another one does.
void knock_all(std::string_view bootstraps) noexcept
{
    while (!bootstraps.empty()) {
        const auto comma = bootstraps.find(',');
        const std::string_view entry = bootstraps.substr(0, comma);
        bootstraps =
            comma == std::string_view::npos ? std::string_view{} : bootstraps.substr(comma + 1);
        const auto colon = entry.rfind(':');
        std::uint16_t port = 0;
        if (colon != std::string_view::npos &&
            std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), port).ec ==
                std::errc{} &&
            port != 0) {
            knock(port);
        }
    }
}

/// While alive, a helper thread knocks on the brokers of \p bootstraps every knock_interval:
/// hold one around a blocking mock API call. Without a thread (cannot start one) it does
/// nothing, and the call may take up to ~1 s.
class mock_waker {
  public:
    explicit mock_waker(const std::string& bootstraps) noexcept
    {
        try {
            _helper = std::thread([this, &bootstraps] {
                std::unique_lock lock(_m);
                while (!_cv.wait_for(lock, knock_interval, [this] { return _done; })) {
                    knock_all(bootstraps);
                }
            });
        } catch (...) { // std::system_error
        }
    }
    ~mock_waker()
    {
        if (_helper.joinable()) {
            {
                const std::lock_guard lock(_m);
                _done = true;
            }
            _cv.notify_one();
            _helper.join();
        }
    }
    mock_waker(const mock_waker&) = delete;
    mock_waker& operator=(const mock_waker&) = delete;

  private:
    std::mutex _m;
    std::condition_variable _cv;
    bool _done = false;
    std::thread _helper;
};

} // namespace

embedded_cluster::embedded_cluster(int n_brokers) : _n_brokers(n_brokers)
{
    if (n_brokers < 1 || n_brokers > 64) {
        throw startup_error("embedded_brokers",
                            "kafka: embedded_brokers: " + std::to_string(n_brokers) +
                                " is out of range [1, 64]");
    }
    std::array<char, 512> errstr{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // This handle only keeps the mock cluster's books and never connects anywhere. Level 4
    // hides the notice that it has no bootstrap.servers; mock cluster warnings still show.
    if (rd_kafka_conf_set(conf, "log_level", "4", errstr.data(), errstr.size()) !=
            RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "client.id", "udpnotif-embedded-cluster", errstr.data(),
                          errstr.size()) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        throw startup_error("", std::string("kafka: embedded cluster: ") + errstr.data());
    }
    // rd_kafka_new takes conf on success only; on failure it is still ours to destroy.
    _rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr.data(), errstr.size());
    if (_rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw startup_error("", std::string("kafka: embedded cluster: cannot create the "
                                            "client handle: ") +
                                    errstr.data());
    }
    _mcluster = rd_kafka_mock_cluster_new(_rk, n_brokers);
    if (_mcluster == nullptr) {
        rd_kafka_destroy(_rk);
        _rk = nullptr;
        throw startup_error("embedded_brokers",
                            "kafka: embedded cluster: librdkafka could not start " +
                                std::to_string(n_brokers) +
                                " mock broker(s) (no loopback listener?)");
    }
    _bootstraps = rd_kafka_mock_cluster_bootstraps(_mcluster);
}

embedded_cluster::~embedded_cluster()
{
    if (_mcluster != nullptr) {
        // Takes ~1 s one time in three or so (librdkafka 2.0.2, measured in the pipeline
        // tests; debug log "mock:0/internal: Broker handle is terminating (after 1000ms in
        // state INIT)"): the mock's internal broker thread gets its terminate request in state
        // INIT, goes DOWN -> INIT and sees that it is terminating only after its 1 s serve
        // timeout; the destroy joins it. Not the mock thread's lost wake-up: knocking on the
        // brokers (mock_waker) does not shorten it.
        rd_kafka_mock_cluster_destroy(_mcluster);
    }
    if (_rk != nullptr) {
        rd_kafka_destroy(_rk);
    }
}

topic_status embedded_cluster::create_topic(std::string_view name, int n_partitions,
                                            int replication_factor) noexcept
{
    // The mock API takes any name and 0 partitions without complaint (2.0.2); Kafka would not.
    if (!is_valid_topic_name(name)) {
        return topic_status::invalid_name;
    }
    if (n_partitions < 1 || n_partitions > 10'000) {
        return topic_status::invalid_partitions;
    }
    const int rf = std::clamp(replication_factor, 1, _n_brokers);
    // name is not NUL-terminated; topic names are at most 249 characters.
    std::array<char, 256> cname{};
    std::copy(name.begin(), name.end(), cname.begin());
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    {
        const mock_waker waker(_bootstraps);
        err = rd_kafka_mock_topic_create(_mcluster, cname.data(), n_partitions, rf);
    }
    switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR: return topic_status::created;
    case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return topic_status::exists;
    default: return topic_status::failed;
    }
}

} // namespace udpn::kafka
