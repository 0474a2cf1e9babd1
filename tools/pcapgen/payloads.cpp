#include "pcapgen/payloads.hpp"

#include "pcapgen/time_text.hpp"

#include <cstdio>
#include <utility>

namespace udpn::pcapgen {
namespace {

constexpr std::uint64_t ns_per_day = 86'400'000'000'000ULL;

void append_quoted(std::string& out, const std::string& s)
{
    // Generated strings hold only printable ASCII without '"' or '\\': no escaping needed.
    out += '"';
    out += s;
    out += '"';
}

void append_member(std::string& out, const char* name, const std::string& json_value,
                   bool comma = true)
{
    if (comma) {
        out += ',';
    }
    out += '"';
    out += name;
    out += "\":";
    out += json_value;
}

std::string quoted(const std::string& s)
{
    std::string out;
    append_quoted(out, s);
    return out;
}

// RFC 7951 §6.1: 64-bit integers are JSON strings; 32-bit ones are numbers.
std::string u64_json(std::uint64_t v)
{
    return quoted(std::to_string(v));
}
std::string u32_json(std::uint32_t v)
{
    return std::to_string(v);
}

const char filler[] = "abcdefghijklmnopqrstuvwxyz0123456789";

} // namespace

publisher_payloads::publisher_payloads(publisher_identity identity, notification_wrapper wrapper,
                                       std::uint64_t seed)
    : _identity(std::move(identity)), _wrapper(wrapper), _rng(seed, 0x7061796c6f616473ULL)
{
}

void publisher_payloads::grow_pool(std::size_t n)
{
    while (_interfaces.size() < n) {
        interface_state itf;
        const auto index = static_cast<std::uint32_t>(_interfaces.size());
        itf.if_index = index + 1;
        itf.name = std::string("GigabitEthernet0/0/0/").append(std::to_string(index));
        char mac[32];
        std::snprintf(mac, sizeof mac, "02:00:5e:%02x:%02x:%02x",
                      static_cast<unsigned>(_identity.publisher_id & 0xffu),
                      static_cast<unsigned>(index >> 8 & 0xffu),
                      static_cast<unsigned>(index & 0xffu));
        itf.phys_address = mac;
        itf.speed = _rng.chance(0.5) ? 10'000'000'000ULL : 1'000'000'000ULL;
        itf.up = !_rng.chance(0.1);
        itf.octet_rate = itf.up ? _rng.between(10'000, 50'000'000) : 0;
        itf.in_octets = _rng.between(1'000'000, 1'000'000'000'000ULL);
        itf.out_octets = _rng.between(1'000'000, 1'000'000'000'000ULL);
        itf.in_unicast = itf.in_octets / _rng.between(200, 1400);
        itf.out_unicast = itf.out_octets / _rng.between(200, 1400);
        itf.in_broadcast = _rng.below(100'000);
        itf.out_broadcast = _rng.below(100'000);
        itf.in_multicast = _rng.below(10'000'000);
        itf.out_multicast = _rng.below(10'000'000);
        itf.in_discards = static_cast<std::uint32_t>(_rng.below(1000));
        itf.in_errors = static_cast<std::uint32_t>(_rng.below(100));
        itf.in_unknown_protos = static_cast<std::uint32_t>(_rng.below(50));
        itf.out_discards = static_cast<std::uint32_t>(_rng.below(1000));
        itf.out_errors = static_cast<std::uint32_t>(_rng.below(100));
        _interfaces.push_back(std::move(itf));
    }
}

void publisher_payloads::advance_counters()
{
    for (auto& itf : _interfaces) {
        if (itf.octet_rate == 0) {
            continue;
        }
        const std::uint64_t in = itf.octet_rate + _rng.below(itf.octet_rate / 4 + 1);
        const std::uint64_t out = itf.octet_rate + _rng.below(itf.octet_rate / 4 + 1);
        itf.in_octets += in;
        itf.out_octets += out;
        itf.in_unicast += in / 700;
        itf.out_unicast += out / 700;
        itf.in_multicast += _rng.below(20);
        itf.out_multicast += _rng.below(20);
        itf.in_broadcast += _rng.below(3);
        itf.out_broadcast += _rng.below(3);
        // counter32 leaves wrap at 2^32 (RFC 8343); unsigned arithmetic does exactly that.
        itf.in_discards += static_cast<std::uint32_t>(_rng.below(2));
        itf.out_discards += static_cast<std::uint32_t>(_rng.below(2));
    }
}

std::string publisher_payloads::interface_json(const interface_state& itf,
                                               std::size_t description_pad) const
{
    std::string out = "{";
    append_member(out, "name", quoted(itf.name), false);
    std::string description = std::string("link ").append(std::to_string(itf.if_index));
    description += " of ";
    description += _identity.hostname;
    for (std::size_t i = 0; i < description_pad; ++i) {
        description += filler[i % (sizeof filler - 1)];
    }
    append_member(out, "description", quoted(description));
    append_member(out, "type", quoted("iana-if-type:ethernetCsmacd"));
    append_member(out, "admin-status", quoted("up"));
    append_member(out, "oper-status", quoted(itf.up ? "up" : "down"));
    append_member(out, "if-index", std::to_string(itf.if_index));
    append_member(out, "phys-address", quoted(itf.phys_address));
    append_member(out, "speed", u64_json(itf.speed));
    std::string stats = "{";
    append_member(stats, "discontinuity-time", quoted(format_rfc3339(_discontinuity_ns)), false);
    append_member(stats, "in-octets", u64_json(itf.in_octets));
    append_member(stats, "in-unicast-pkts", u64_json(itf.in_unicast));
    append_member(stats, "in-broadcast-pkts", u64_json(itf.in_broadcast));
    append_member(stats, "in-multicast-pkts", u64_json(itf.in_multicast));
    append_member(stats, "in-discards", u32_json(itf.in_discards));
    append_member(stats, "in-errors", u32_json(itf.in_errors));
    append_member(stats, "in-unknown-protos", u32_json(itf.in_unknown_protos));
    append_member(stats, "out-octets", u64_json(itf.out_octets));
    append_member(stats, "out-unicast-pkts", u64_json(itf.out_unicast));
    append_member(stats, "out-broadcast-pkts", u64_json(itf.out_broadcast));
    append_member(stats, "out-multicast-pkts", u64_json(itf.out_multicast));
    append_member(stats, "out-discards", u32_json(itf.out_discards));
    append_member(stats, "out-errors", u32_json(itf.out_errors));
    stats += '}';
    append_member(out, "statistics", stats);
    out += '}';
    return out;
}

void publisher_payloads::set_discontinuity(std::uint64_t event_ns) noexcept
{
    if (_discontinuity_ns == 0) {
        // The publisher "booted" one day before its first notification, on a whole second.
        const std::uint64_t t = event_ns > ns_per_day ? event_ns - ns_per_day : 0;
        _discontinuity_ns = t - t % 1'000'000'000u;
    }
}

std::string publisher_payloads::wrap(std::uint64_t event_ns, const std::string& notification)
{
    set_discontinuity(event_ns);
    std::string out;
    out.reserve(notification.size() + 160);
    if (_wrapper == notification_wrapper::envelope) {
        // PROTOCOL.md §3.2: envelope with hostname and sequence-number, `contents` anydata.
        out += "{\"ietf-yp-notification:envelope\":{";
        append_member(out, "event-time", quoted(format_rfc3339(event_ns)), false);
        append_member(out, "hostname", quoted(_identity.hostname));
        append_member(out, "sequence-number", std::to_string(_sequence));
        append_member(out, "contents", std::string("{").append(notification).append("}"));
        out += "}}";
    } else {
        // PROTOCOL.md §3.1: the classic header as seen in the field (no hostname, no sequence).
        out += "{\"ietf-notification:notification\":{";
        append_member(out, "eventTime", quoted(format_rfc3339(event_ns)), false);
        out += ',';
        out += notification;
        out += "}}";
    }
    ++_sequence; // counter32: wraps to 0 after 4294967295 (§3.2), as unsigned arithmetic does
    return out;
}

std::string publisher_payloads::subscription_started(std::uint64_t event_ns)
{
    // The first PROTOCOL.md §4 example shape: periodic datastore subscription on interfaces.
    std::string body = "\"ietf-subscribed-notifications:subscription-started\":{";
    append_member(body, "id", std::to_string(_identity.subscription_id), false);
    append_member(body, "ietf-yang-push:datastore", quoted("ietf-datastores:operational"));
    append_member(body, "ietf-yang-push:datastore-xpath-filter",
                  quoted("/ietf-interfaces:interfaces/interface"));
    append_member(body, "transport", quoted("ietf-udp-notif-transport:udp-notif"));
    append_member(body, "encoding", quoted("encode-json"));
    append_member(body, "ietf-yang-push:periodic",
                  "{\"period\":3000,\"anchor-time\":\"2026-01-01T00:00:00Z\"}");
    append_member(body, "ietf-yang-push-revision:module-version",
                  "[{\"name\":\"ietf-interfaces\",\"revision\":\"2018-02-20\","
                  "\"version\":\"1.0.0\"}]");
    append_member(body, "ietf-distributed-notif:message-publisher-id",
                  std::string("[").append(std::to_string(_identity.publisher_id)).append("]"));
    body += '}';
    return wrap(event_ns, body);
}

std::string publisher_payloads::push_update(std::uint64_t event_ns, std::size_t target_size,
                                            std::size_t n_interfaces)
{
    set_discontinuity(event_ns);
    advance_counters();

    std::string head = "\"ietf-yang-push:push-update\":{";
    append_member(head, "id", std::to_string(_identity.subscription_id), false);
    if (_wrapper == notification_wrapper::envelope) {
        append_member(head, "ietf-yp-observation:timestamp", quoted(format_rfc3339(event_ns)));
        append_member(head, "ietf-yp-observation:point-in-time", quoted("current-accounting"));
    }
    append_member(head, "ietf-distributed-notif:message-publisher-id",
                  std::to_string(_identity.publisher_id));
    head += ",\"datastore-contents\":{\"ietf-interfaces:interfaces\":{\"interface\":[";
    const std::string tail = "]}}}";

    // Size of the wrapped text with an empty interface list; wrapping adds a fixed overhead.
    const std::uint32_t seq = _sequence;
    const std::size_t empty_size = wrap(event_ns, head + tail).size();
    _sequence = seq;

    std::vector<std::string> entries;
    std::size_t total = empty_size;
    const std::size_t want = target_size == 0 ? (n_interfaces == 0 ? 1 : n_interfaces) : SIZE_MAX;
    for (std::size_t i = 0; i < want; ++i) {
        grow_pool(i + 1);
        std::string e = interface_json(_interfaces[i], 0);
        const std::size_t add = e.size() + (entries.empty() ? 0 : 1);
        if (target_size != 0 && !entries.empty() && total + add > target_size) {
            break;
        }
        total += add;
        entries.push_back(std::move(e));
        if (target_size != 0 && total >= target_size) {
            break;
        }
    }
    if (target_size > total) {
        entries.front() = interface_json(_interfaces.front(), target_size - total);
    }
    std::string body = head;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i != 0) {
            body += ',';
        }
        body += entries[i];
    }
    body += tail;
    return wrap(event_ns, body);
}

} // namespace udpn::pcapgen
