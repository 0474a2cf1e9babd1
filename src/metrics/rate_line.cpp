#include "metrics/rate_line.hpp"

#include "metrics/pipeline_metrics.hpp"

#include <cmath>
#include <map>

namespace udpn::metrics {

namespace {

/// `udpnotif_header_rejected_total` -> `header_rejected`.
std::string short_name(std::string_view family_name)
{
    if (family_name.starts_with(name_prefix)) {
        family_name.remove_prefix(name_prefix.size());
    }
    if (family_name.ends_with("_total")) {
        family_name.remove_suffix(6);
    }
    return std::string(family_name);
}

std::uint64_t delta(std::uint64_t before, std::uint64_t now) noexcept
{
    return now >= before ? now - before : 0;
}

double per_second(std::uint64_t before, std::uint64_t now, double seconds) noexcept
{
    if (seconds <= 0) {
        return 0;
    }
    return std::round(static_cast<double>(delta(before, now)) / seconds * 10.0) / 10.0;
}

} // namespace

rate_snapshot take_rate_snapshot(const pipeline::thread_stats& stats)
{
    const pipeline::pipeline_stats sum = pipeline::summarize(stats);
    rate_snapshot s;
    s.datagrams = sum.datagrams;
    s.messages = sum.rx_messages;
    s.records = sum.records;
    s.delivered = sum.kafka.delivered;
    for (const family& f : pipeline_families(stats)) {
        // Samples of one key (a per-thread drop counter) add up; keys keep the family order.
        std::vector<std::pair<std::string, std::uint64_t>> keys;
        for (const sample& smp : f.samples) {
            if (!smp.drop) {
                continue;
            }
            std::string key = short_name(f.name);
            for (const label& l : smp.labels) {
                if (l.name != "thread") {
                    key.push_back('.');
                    key.append(l.value);
                }
            }
            const std::uint64_t* v = std::get_if<std::uint64_t>(&smp.value);
            const std::uint64_t n = v != nullptr ? *v : 0;
            bool merged = false;
            for (auto& [k, total] : keys) {
                if (k == key) {
                    total += n;
                    merged = true;
                    break;
                }
            }
            if (!merged) {
                keys.emplace_back(std::move(key), n);
            }
        }
        for (auto& kv : keys) {
            s.drops_total += kv.second;
            s.drops.push_back(std::move(kv));
        }
    }
    return s;
}

rates compute_rates(const rate_snapshot& before, const rate_snapshot& now, double seconds)
{
    rates r;
    r.interval_s = seconds > 0 ? std::round(seconds * 1000.0) / 1000.0 : 0;
    r.datagrams_per_s = per_second(before.datagrams, now.datagrams, seconds);
    r.messages_per_s = per_second(before.messages, now.messages, seconds);
    r.records_per_s = per_second(before.records, now.records, seconds);
    r.delivered_per_s = per_second(before.delivered, now.delivered, seconds);
    std::map<std::string_view, std::uint64_t> previous;
    for (const auto& [key, total] : before.drops) {
        previous.emplace(key, total);
    }
    for (const auto& [key, total] : now.drops) {
        const auto it = previous.find(key);
        r.drops += delta(it != previous.end() ? it->second : 0, total);
        if (total != 0) {
            r.nonzero_drops.emplace_back(key, total);
        }
    }
    r.drops_total = now.drops_total;
    return r;
}

void log_rates(const rates& r) noexcept
{
    if (!log::enabled(log::level::info)) {
        return;
    }
    try {
        std::vector<log::field> fields{
            {"interval_s", r.interval_s},           {"datagrams_per_s", r.datagrams_per_s},
            {"messages_per_s", r.messages_per_s},   {"records_per_s", r.records_per_s},
            {"delivered_per_s", r.delivered_per_s}, {"drops", r.drops},
            {"drops_total", r.drops_total},
        };
        for (const auto& [key, total] : r.nonzero_drops) {
            fields.emplace_back(key, total);
        }
        log::write(log::level::info, "stats", "rates", fields);
    } catch (...) {
        // a lost rate line is not worth a crash
    }
}

rates rate_reporter::report(const pipeline::thread_stats& stats, std::uint64_t now_ns)
{
    rate_snapshot now = take_rate_snapshot(stats);
    const double seconds = now_ns > _last_ns ? static_cast<double>(now_ns - _last_ns) / 1e9 : 0.0;
    rates r = compute_rates(_last, now, seconds);
    log_rates(r);
    _last = std::move(now);
    _last_ns = now_ns;
    return r;
}

} // namespace udpn::metrics
