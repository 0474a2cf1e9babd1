#include "config/validate.hpp"

#include "config/options.hpp"
#include "config/table.hpp"
#include "kafka/config.hpp"
#include "kafka/errors.hpp"
#include "dtls/config.hpp"
#include "pipeline/config.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>
#include <utility>

namespace udpn::config {

namespace {

/// Removes \p prefix from the front of \p s when it is there.
bool strip(std::string_view& s, std::string_view prefix)
{
    if (s.substr(0, prefix.size()) == prefix) {
        s.remove_prefix(prefix.size());
        return true;
    }
    return false;
}

/// The first word of \p s: up to a space, ':' or '['.
std::string_view first_word(std::string_view s)
{
    return s.substr(0, s.find_first_of(" :["));
}

/// The key a module validator's message is about, and the message without the module
/// prefixes that the key replaces.
std::pair<std::string, std::string> map_message(std::string_view msg)
{
    std::string_view m = msg;
    strip(m, "worker: ");
    if (strip(m, "key: ")) {
        while (strip(m, "key: ")) {
        }
        const std::string key = "key." + std::string(first_word(m));
        if (is_option(key) || detail::is_section(key)) {
            return {key, std::string(m)};
        }
        return {"", std::string(msg)};
    }
    if (strip(m, "dtls: ")) {
        const std::string key = "dtls." + std::string(first_word(m));
        return {is_option(key) ? key : std::string{}, std::string(m)};
    }
    if (strip(m, "envelope: ")) {
        std::string_view rest = m;
        if (strip(rest, "data-collection-manifest/")) {
            std::string leaf(first_word(rest));
            for (char& c : leaf) {
                c = c == '-' ? '_' : c;
            }
            return {"envelope.data_collection_manifest." + leaf, std::string(m)};
        }
        if (first_word(m).substr(0, 21) == "network-node-manifest") {
            return {"envelope.node_manifests", std::string(m)};
        }
        const std::string key = "envelope." + std::string(first_word(m));
        return {is_option(key) ? key : std::string{}, std::string(m)};
    }
    if (strip(m, "schema: ")) {
        return {"yang.dirs", std::string(m) + " (set yang.dirs, or give --yang-dir DIR)"};
    }
    static const std::pair<std::string_view, std::string_view> words[] = {
        {"node_names", "node_names"},
        {"dead_letter_topic", "dead_letter_topic"},
        {"content_type", "kafka.content_type"},
        {"max_payload_bytes", "workers.max_payload_bytes"},
    };
    for (const auto& [word, key] : words) {
        if (first_word(m) == word) {
            return {std::string(key), std::string(m)};
        }
    }
    // pipeline::validate's own lines.
    static const std::pair<std::string_view, std::string_view> phrases[] = {
        {"rx threads", "input.rx_threads"},
        {"workers must", "workers.count"},
        {"worker queue capacity", "workers.queue_capacity"},
        {"listen address", "input.listen"},
        {"producers must", "producers.count"},
        {"producer threads", "producers.count"},
        {"record slots", "producers.record_slots"},
    };
    for (const auto& [phrase, key] : phrases) {
        if (m.substr(0, phrase.size()) == phrase) {
            return {std::string(key), std::string(m)};
        }
    }
    return {"", std::string(msg)};
}

/// Collects problems, at most one per key (the part before any `[index]`).
class collector {
  public:
    void add(problem p)
    {
        const std::string base = p.key.substr(0, p.key.find('['));
        if (!base.empty() && !_keys.insert(base).second) {
            return;
        }
        _out.push_back(std::move(p));
    }
    problems take() { return std::move(_out); }

  private:
    problems _out;
    std::set<std::string> _keys;
};

std::string quoted(const std::string& s)
{
    std::string out;
    detail::write_value(out, toml::value<std::string>(s));
    return out;
}

} // namespace

std::string key_of_message(std::string_view message)
{
    return map_message(message).first;
}

problems validate(const receiver_config& cfg)
{
    collector found;

    // 1. Every row's own type and range, on the values as they are.
    for (const detail::row& r : detail::rows()) {
        toml::table holder;
        const toml::node& value = detail::value_of(r, cfg, holder);
        receiver_config scratch = cfg;
        const detail::failure f = r.load(value, scratch);
        if (!f.ok()) {
            found.add(problem{"", r.key + f.key_suffix, f.message});
        }
    }

    // 2. Things only the file system can tell, before any thread starts.
    const auto& dirs = cfg.pipeline.worker.schema.search_dirs;
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dirs[i], ec)) {
            found.add(problem{"", "yang.dirs[" + std::to_string(i) + "]",
                              quoted(dirs[i]) + " is not a directory" +
                                  (ec ? " (" + ec.message() + ")" : std::string{})});
        }
    }
    if (const std::string& state = cfg.pipeline.worker.state_file; !state.empty()) {
        const std::filesystem::path parent =
            std::filesystem::absolute(std::filesystem::path(state)).parent_path();
        std::error_code ec;
        if (!std::filesystem::is_directory(parent, ec)) {
            found.add(problem{"", "subscriptions.state_file",
                              "the directory of " + quoted(state) + " does not exist"});
        }
    }
    if (const dtls::dtls_config& d = cfg.pipeline.dtls; d.enabled) {
        const std::pair<const char*, const std::string*> files[] = {
            {"dtls.ca_file", &d.ca_file}, {"dtls.cert_file", &d.cert_file},
            {"dtls.key_file", &d.key_file}};
        for (const auto& [key, path] : files) {
            std::ifstream in(*path);
            if (!path->empty() && !in) {
                found.add(problem{"", key, quoted(*path) + " cannot be read"});
            }
        }
    }
    for (const kafka::property& prop : cfg.pipeline.kafka.properties) {
        try {
            (void)kafka::resolve_value(prop);
        } catch (const std::exception& e) {
            found.add(problem{"", "kafka.properties." + prop.name, e.what()});
        }
    }

    // 3. The modules' own validators.
    for (const std::string& msg : pipeline::validate(cfg.pipeline)) {
        auto [key, text] = map_message(msg);
        found.add(problem{"", std::move(key), std::move(text)});
    }
    try {
        kafka::validate(cfg.pipeline.kafka);
    } catch (const kafka::startup_error& e) {
        std::string_view text = e.what();
        strip(text, "kafka: ");
        const std::string& field = e.property();
        if (!field.empty()) {
            strip(text, field + ": ");
        }
        found.add(problem{"", field.empty() ? std::string{} : "kafka." + field, std::string(text)});
    } catch (const std::exception& e) {
        found.add(problem{"", "", e.what()});
    }
    return found.take();
}

problems warnings(const receiver_config& cfg)
{
    problems out;
    const pipeline::pipeline_config& p = cfg.pipeline;
    const auto cpu_list = [&out](const char* key, std::size_t n_cpus, std::uint32_t n_threads,
                                 const char* what) {
        if (n_cpus > n_threads) {
            out.push_back(problem{"", key,
                                  std::to_string(n_cpus) + " entries for " +
                                      std::to_string(n_threads) + " " + what +
                                      "; the extra entries are not used"});
        }
    };
    cpu_list("input.cpus", p.rx_cpus.size(), p.n_rx, "RX thread(s)");
    cpu_list("workers.cpus", p.worker_cpus.size(), p.n_workers, "worker(s)");
    cpu_list("producers.cpus", p.producer_cpus.size(), p.n_producers, "producer(s)");
    if (p.socket.rcvbuf_force && p.socket.rcvbuf_bytes == 0) {
        out.push_back(
            problem{"", "socket.rcvbuf_force", "has no effect while socket.rcvbuf_bytes is 0"});
    }
    return out;
}

} // namespace udpn::config
