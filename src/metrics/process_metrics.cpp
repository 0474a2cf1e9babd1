#include "metrics/process_metrics.hpp"

#include <charconv>
#include <chrono>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <unistd.h>

#ifndef UDPN_VERSION
#define UDPN_VERSION "unknown"
#endif

namespace udpn::metrics {

namespace {

/// Splits off the next space-separated token of \p text.
std::string_view next_token(std::string_view& text) noexcept
{
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) {
        ++i;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n' && text[j] != '\t') {
        ++j;
    }
    const std::string_view token = text.substr(i, j - i);
    text.remove_prefix(j);
    return token;
}

bool to_u64(std::string_view token, std::uint64_t& out) noexcept
{
    if (token.empty()) {
        return false;
    }
    const auto r = std::from_chars(token.data(), token.data() + token.size(), out);
    return r.ec == std::errc{} && r.ptr == token.data() + token.size();
}

std::optional<std::string> read_file(const char* path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
        return std::nullopt;
    }
    return text;
}

family gauge_family(std::string name, std::string help, number value)
{
    family f{std::move(name), std::move(help), metric_type::gauge, {}};
    f.samples.push_back({{}, value});
    return f;
}

} // namespace

const char* build_version() noexcept
{
    return UDPN_VERSION;
}

double unix_seconds_now() noexcept
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration<double>(now).count();
}

bool parse_proc_stat(std::string_view text, long ticks_per_second, process_usage& out) noexcept
{
    if (ticks_per_second <= 0) {
        return false;
    }
    const std::size_t close = text.rfind(')');
    if (close == std::string_view::npos) {
        return false;
    }
    text.remove_prefix(close + 1);
    // Field 3 (state) is the first token after the command; utime is field 14, stime 15.
    std::uint64_t utime = 0;
    std::uint64_t stime = 0;
    for (int field_no = 3; field_no <= 15; ++field_no) {
        const std::string_view token = next_token(text);
        if (token.empty()) {
            return false;
        }
        if (field_no == 14 && !to_u64(token, utime)) {
            return false;
        }
        if (field_no == 15 && !to_u64(token, stime)) {
            return false;
        }
    }
    out.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
    return true;
}

bool parse_proc_statm(std::string_view text, std::uint64_t page_size, process_usage& out) noexcept
{
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if (!to_u64(next_token(text), size) || !to_u64(next_token(text), resident)) {
        return false;
    }
    out.virtual_bytes = size * page_size;
    out.resident_bytes = resident * page_size;
    return true;
}

std::optional<process_usage> read_process_usage()
{
    const auto stat = read_file("/proc/self/stat");
    const auto statm = read_file("/proc/self/statm");
    if (!stat || !statm) {
        return std::nullopt;
    }
    const long ticks = sysconf(_SC_CLK_TCK);
    const long page = sysconf(_SC_PAGESIZE);
    process_usage u;
    if (page <= 0 || !parse_proc_stat(*stat, ticks, u) ||
        !parse_proc_statm(*statm, static_cast<std::uint64_t>(page), u)) {
        return std::nullopt;
    }
    return u;
}

std::optional<std::uint64_t> count_open_fds()
{
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) {
        return std::nullopt;
    }
    std::uint64_t n = 0;
    while (const dirent* e = readdir(dir)) {
        if (e->d_name[0] != '.') {
            ++n;
        }
    }
    closedir(dir);
    return n > 0 ? n - 1 : 0; // the descriptor opendir() holds is not the process's
}

std::vector<family> process_families(const process_info& info)
{
    std::vector<family> out;
    family build{"udpnotif_build_info",
                 "Build of the receiver: constant 1, labelled with its version.",
                 metric_type::gauge,
                 {}};
    build.samples.push_back(
        {{{"version", info.version.empty() ? build_version() : info.version}}, std::uint64_t{1}});
    out.push_back(std::move(build));
    out.push_back(gauge_family("udpnotif_start_time_seconds",
                               "Start time of the receiver, seconds since 1970.",
                               info.start_time_seconds));
    if (const auto usage = read_process_usage()) {
        family cpu{"process_cpu_seconds_total",
                   "Total user and system CPU time spent in seconds.",
                   metric_type::counter,
                   {}};
        cpu.samples.push_back({{}, usage->cpu_seconds});
        out.push_back(std::move(cpu));
        out.push_back(gauge_family("process_resident_memory_bytes",
                                   "Resident memory size in bytes.", usage->resident_bytes));
        out.push_back(gauge_family("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                                   usage->virtual_bytes));
    }
    if (const auto fds = count_open_fds()) {
        out.push_back(gauge_family("process_open_fds", "Number of open file descriptors.", *fds));
    }
    return out;
}

} // namespace udpn::metrics
