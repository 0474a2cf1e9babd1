#include "config/command_line.hpp"

#include "config/options.hpp"
#include "config/toml_file.hpp"
#include "config/validate.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace udpn::config {

namespace {

/// Names of the first command line of udpnotif-recv (tools/main-job.sh, tests and scripts
/// use them); each stands for one or more option keys.
struct alias {
    std::string_view name;
    std::vector<std::string_view> keys;
};

const std::vector<alias>& aliases()
{
    static const std::vector<alias> list = {
        {"listen", {"input.listen"}},
        {"rx-threads", {"input.rx_threads"}},
        {"rx-cpus", {"input.cpus"}},
        {"workers", {"workers.count"}},
        {"worker-cpus", {"workers.cpus"}},
        {"queue-capacity", {"workers.queue_capacity"}},
        {"brokers", {"kafka.brokers"}},
        {"yang-dir", {"yang.dirs"}},
        {"profile", {"key.profile", "envelope.profile"}},
        {"distribution", {"key.distribution"}},
        {"topic-prefix", {"key.topic_prefix"}},
        {"duration", {"duration_s"}},
        {"stats-interval", {"stats_interval_s"}},
    };
    return list;
}

/// The key `--set` or a long option names, canonical: `-` stands for `_` where the key with
/// `-` is not one.
std::string canonical_key(std::string key)
{
    constexpr std::string_view props = "kafka.properties.";
    if (key.compare(0, props.size(), props) == 0 && key.size() > props.size()) {
        return "kafka.properties";
    }
    if (!is_option(key)) {
        std::string normalized = key;
        std::replace(normalized.begin(), normalized.end(), '-', '_');
        if (is_option(normalized)) {
            return normalized;
        }
    }
    return key;
}

/// The type name of row \p key, or empty.
std::string option_type(const std::string& key)
{
    for (const option_info& o : option_list()) {
        if (o.key == key) {
            return o.type;
        }
    }
    return {};
}

std::string group_of(const std::string& key)
{
    const auto dot = key.find('.');
    return dot == std::string::npos ? "General" : "[" + key.substr(0, dot) + "]";
}

std::string type_token(const option_info& o)
{
    if (o.type == "integer") {
        return "INT";
    }
    if (o.type == "number") {
        return "SECONDS";
    }
    if (o.type == "boolean") {
        return "BOOL";
    }
    if (o.type == "list of integers") {
        return "INT,...";
    }
    if (o.type == "list of strings") {
        return "TEXT,...";
    }
    if (o.type == "list of tables") {
        return "TOML-ARRAY";
    }
    if (o.type == "table of strings") {
        return "NAME=VALUE";
    }
    if (!o.constraint.empty() && o.constraint.size() <= 24 &&
        o.constraint.find('|') != std::string::npos) {
        std::string s = o.constraint;
        s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
        return s;
    }
    return "TEXT";
}

std::string description(const option_info& o)
{
    std::string d = o.doc;
    if (!o.constraint.empty()) {
        d += " [" + o.constraint + "]";
    }
    d += " (default: " + o.default_value + ")";
    return d;
}

constexpr const char* footer =
    "Every option is also a key of the TOML file given with --config (--kafka.linger_ms 10 is\n"
    "linger_ms = 10 in [kafka]); `udpnotif-recv --print-config --defaults` writes the documented\n"
    "file. Precedence: defaults < --config FILE < command line, in command-line order. Lists:\n"
    "comma-separated (CPU ranges as 2-5) or a TOML array; a list option given again on the\n"
    "command line adds to it. Exit status: 0 ok, 1 start-up failure, 2 configuration problems\n"
    "(all reported, nothing started) or records left undelivered at stop.";

} // namespace

command_line parse_command_line(int argc, const char* const* argv)
{
    command_line result;
    CLI::App app{"udpnotif-recv: UDP-notif (YANG-Push) receiver producing to Kafka",
                 "udpnotif-recv"};
    app.allow_extras();
    app.footer(footer);
    app.get_formatter()->column_width(44);

    std::string config_file;
    bool print = false;
    bool defaults = false;
    bool check = false;
    CLI::Option* config_opt =
        app.add_option("--config", config_file,
                       "TOML configuration file (every key optional; see --print-config)")
            ->type_name("FILE");
    CLI::Option* set_opt = app.add_option("--set")
                               ->description("set option KEY to VALUE (repeatable), e.g. --set "
                                             "kafka.linger_ms=10")
                               ->type_name("KEY=VALUE")
                               ->expected(1)
                               ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_flag("--print-config", print,
                 "print the effective configuration as TOML, every key documented, and exit");
    app.add_flag("--defaults", defaults,
                 "with --print-config: print the built-in defaults (ignores --config and the "
                 "other options)");
    app.add_flag("--check", check, "validate the configuration, report, and exit");

    // One long option per row, named by its key; a one-key alias is another name of it.
    std::map<const CLI::Option*, std::vector<std::string>> keys_of;
    std::set<std::string> long_names = {"config",   "set",   "print-config",
                                        "defaults", "check", "help"};
    for (const option_info& o : option_list()) {
        std::string names = "--" + o.key;
        long_names.insert(o.key);
        for (const alias& a : aliases()) {
            if (a.keys.size() == 1 && a.keys[0] == o.key) {
                names += ",--" + std::string(a.name);
                long_names.insert(std::string(a.name));
            }
        }
        CLI::Option* opt = app.add_option(names)
                               ->description(description(o))
                               ->type_name(type_token(o))
                               ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                               ->group(group_of(o.key));
        if (o.type == "boolean") {
            opt->expected(0, 1); // `--socket.rcvbuf_force` alone means true
            opt->type_name("[BOOL]");
        } else {
            opt->expected(1);
        }
        keys_of[opt] = {o.key};
    }
    for (const alias& a : aliases()) {
        if (a.keys.size() < 2) {
            continue;
        }
        std::string doc = "sets";
        std::vector<std::string> keys;
        for (const auto k : a.keys) {
            doc += " " + std::string(k);
            keys.emplace_back(k);
        }
        CLI::Option* opt = app.add_option("--" + std::string(a.name))
                               ->description(doc)
                               ->type_name("VALUE")
                               ->expected(1)
                               ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                               ->group("Aliases");
        long_names.insert(std::string(a.name));
        keys_of[opt] = std::move(keys);
    }

    // `--kafka.linger-ms` for `--kafka.linger_ms`: rewrite a long option that is not known as
    // written but is once `-` becomes `_`.
    std::vector<std::string> args(argv, argv + argc);
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string& a = args[i];
        if (a.size() <= 2 || a.compare(0, 2, "--") != 0) {
            continue;
        }
        const auto eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        if (long_names.count(name) != 0) {
            continue;
        }
        std::string normalized = name;
        std::replace(normalized.begin(), normalized.end(), '-', '_');
        if (is_option(normalized)) {
            a = "--" + normalized + (eq == std::string::npos ? std::string{} : a.substr(eq));
        }
    }
    std::vector<const char*> ptrs;
    for (const std::string& a : args) {
        ptrs.push_back(a.c_str());
    }

    try {
        app.parse(static_cast<int>(ptrs.size()), ptrs.data());
    } catch (const CLI::CallForHelp&) {
        result.cmd = command::help;
        result.help = app.help();
        return result;
    } catch (const CLI::ParseError& e) {
        result.errors.push_back(problem{"command line", "", e.what()});
        return result;
    }

    // Arguments CLI11 did not recognise, with a hint for misspelt options.
    const std::vector<std::string> extras = app.remaining();
    for (std::size_t i = 0; i < extras.size(); ++i) {
        const std::string& a = extras[i];
        if (a.size() > 1 && a[0] == '-') {
            const std::string name =
                a.substr(a.find_first_not_of('-'), a.find('=') == std::string::npos
                                                       ? std::string::npos
                                                       : a.find('=') - a.find_first_not_of('-'));
            const std::string hint = closest_option(name);
            result.errors.push_back(
                problem{"command line", "",
                        "unknown option " + a.substr(0, a.find('=')) +
                            (hint.empty() ? std::string{} : "; did you mean --" + hint + "?")});
            // Its value, if any, is not reported again.
            if (a.find('=') == std::string::npos && i + 1 < extras.size() &&
                extras[i + 1].front() != '-') {
                ++i;
            }
        } else {
            result.errors.push_back(
                problem{"command line", "", "unexpected argument \"" + a + "\""});
        }
    }

    if (print && defaults) {
        result.cmd = command::print_config;
        result.config = receiver_config{};
        return result;
    }
    if (defaults) {
        result.errors.push_back(
            problem{"command line", "", "--defaults only goes with --print-config"});
    }

    // A file that cannot be read or parsed at all makes validation of the rest meaningless
    // (it would report what the file was meant to set).
    bool file_failed = false;
    if (config_opt->count() > 0) {
        problems file_errors;
        load_toml_file(config_file, result.config, file_errors);
        file_failed = std::any_of(file_errors.begin(), file_errors.end(),
                                  [](const problem& e) { return e.key.empty(); });
        result.errors.insert(result.errors.end(), file_errors.begin(), file_errors.end());
    }

    // Command-line values, in command-line order (CLI11 keeps every occurrence).
    std::map<const CLI::Option*, std::size_t> next;
    std::set<std::string> touched;
    const auto apply = [&](const std::string& key, const std::string& text) {
        const std::string canon = canonical_key(key);
        const bool bare_flag = text.empty() && option_type(canon) == "boolean";
        set_option(result.config, key, bare_flag ? "true" : text, touched.count(canon) != 0,
                   "command line", result.errors);
        touched.insert(canon);
    };
    for (const CLI::Option* op : app.parse_order()) {
        const auto target = keys_of.find(op);
        if (op != set_opt && target == keys_of.end()) {
            continue;
        }
        const std::size_t i = next[op]++;
        const std::vector<std::string>& values = op->results();
        if (i >= values.size()) {
            continue;
        }
        const std::string& text = values[i];
        if (op == set_opt) {
            const auto eq = text.find('=');
            if (eq == std::string::npos || eq == 0) {
                result.errors.push_back(
                    problem{"command line", "", "--set expects KEY=VALUE, got \"" + text + "\""});
                continue;
            }
            apply(text.substr(0, eq), text.substr(eq + 1));
        } else {
            for (const std::string& key : target->second) {
                apply(key, text);
            }
        }
    }

    if (print) {
        result.cmd = command::print_config;
        return result;
    }
    result.cmd = check ? command::check : command::run;
    if (file_failed) {
        return result;
    }
    problems invalid = validate(result.config);
    // A key refused while loading keeps its earlier value; report it once.
    for (problem& p : invalid) {
        const bool known =
            std::any_of(result.errors.begin(), result.errors.end(),
                        [&p](const problem& e) { return !p.key.empty() && e.key == p.key; });
        if (!known) {
            result.errors.push_back(std::move(p));
        }
    }
    result.warnings = warnings(result.config);
    return result;
}

command_line parse_command_line(const std::vector<std::string>& args)
{
    std::vector<const char*> argv{"udpnotif-recv"};
    for (const std::string& a : args) {
        argv.push_back(a.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

} // namespace udpn::config
