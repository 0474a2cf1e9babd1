/// \file
/// udpnotif-clickhouse: prints the ClickHouse DDL (tools/clickhouse/ddl.hpp; message-key draft
/// §5) for the topics a receiver configuration produces, or for the topics named with --topic.
/// From --config it takes the envelope profile, the brokers and the topics it knows without
/// traffic: with `key.distribution = "subject"` the single topic, and always the fallback topic
/// of unknown subscriptions (PROTOCOL.md §9 knob 1, §11.7). With `topic` distribution the
/// per-subscription names come from the subscriptions' filters, known only at run time: name
/// them with --topic (a consumer or kcat -L lists them).
/// Exit status: 0 DDL printed, 2 bad command line, configuration or topic list (every problem
/// on stderr, nothing on stdout).

#include "clickhouse/ddl.hpp"
#include "config/toml_file.hpp"
#include "kafka/config.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    namespace ch = udpn::tools::clickhouse;
    CLI::App app{"udpnotif-clickhouse: print the ClickHouse DDL (Kafka engine table, MergeTree "
                 "table ordered by (message key, timestamp), materialized view, error table) for "
                 "each topic the receiver produces."};
    std::string config_path;
    std::vector<std::string> topics;
    std::string profile_name;
    std::string brokers;
    ch::ddl_options opts;
    app.add_option("--config", config_path,
                   "udpnotif-recv TOML file: envelope profile, brokers, and its static topics "
                   "(the single topic of subject distribution, the fallback topic)")
        ->check(CLI::ExistingFile);
    app.add_option("--topic", topics, "A topic (repeatable); added after the config's topics");
    app.add_option("--profile", profile_name,
                   "Envelope profile of the topics: seed or latest (default: the config's, "
                   "else seed)")
        ->check(CLI::IsMember({"seed", "latest"}));
    app.add_option("--brokers", brokers,
                   "kafka_broker_list as ClickHouse reaches Kafka (default: the config's "
                   "kafka.brokers, else localhost:9092)");
    app.add_option("--database", opts.database, "Database of the tables (default: current)");
    app.add_option("--group", opts.group, "kafka_group_name")->capture_default_str();
    app.add_option("--consumers", opts.consumers, "kafka_num_consumers per topic (1..64)")
        ->capture_default_str();
    app.add_option("--table-prefix", opts.table_prefix, "Prefix of every table name");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    std::vector<std::string> all;
    if (!config_path.empty()) {
        udpn::config::receiver_config cfg;
        udpn::config::problems problems;
        udpn::config::load_toml_file(config_path, cfg, problems);
        if (!problems.empty()) {
            for (const auto& p : problems) {
                std::fprintf(stderr, "udpnotif-clickhouse: %s\n", p.to_string().c_str());
            }
            return 2;
        }
        const auto& worker = cfg.pipeline.worker;
        opts.envelope_profile = worker.envelope.profile;
        const std::string& b = cfg.pipeline.kafka.brokers;
        if (b == udpn::kafka::embedded_brokers_value || b == udpn::kafka::null_brokers_value) {
            std::fprintf(stderr,
                         "udpnotif-clickhouse: kafka.brokers is \"%s\" in %s: ClickHouse "
                         "cannot reach it; using %s (set --brokers)\n",
                         b.c_str(), config_path.c_str(),
                         brokers.empty() ? opts.brokers.c_str() : brokers.c_str());
        } else {
            opts.brokers = b;
        }
        if (worker.key.distribution == udpn::key::topic_distribution::subject) {
            all.push_back(worker.key.single_topic);
        }
        const std::string fallback = worker.key.effective_fallback_topic();
        if (fallback != (all.empty() ? std::string() : all.front())) {
            all.push_back(fallback);
        }
    }
    if (!profile_name.empty()) {
        opts.envelope_profile = profile_name == "latest" ? udpn::envelope::profile::latest
                                                         : udpn::envelope::profile::seed;
    }
    if (!brokers.empty()) {
        opts.brokers = brokers;
    }
    all.insert(all.end(), topics.begin(), topics.end());
    const ch::ddl_result r = ch::make_ddl(all, opts);
    if (!r.problems.empty()) {
        for (const std::string& p : r.problems) {
            std::fprintf(stderr, "udpnotif-clickhouse: %s\n", p.c_str());
        }
        return 2;
    }
    std::fputs(r.sql.c_str(), stdout);
    return 0;
}
