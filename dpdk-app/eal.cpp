#include "dpdk-app/eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace udpn::dpdk {

unsigned first_allowed_cpu() noexcept
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) {
        return 0;
    }
    for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set)) {
            return cpu;
        }
    }
    return 0;
}

std::vector<std::string> no_huge_eal_args(const eal_options& opts)
{
    std::vector<std::string> args = {
        opts.program,
        "--no-huge",
        "-m",
        std::to_string(opts.memory_mb),
        "--no-pci",
        "--no-shconf",
        "--no-telemetry",
        "-l",
        std::to_string(first_allowed_cpu()),
        "--file-prefix=" + opts.file_prefix + "-" + std::to_string(::getpid()),
    };
    if (opts.quiet) {
        args.emplace_back("--log-level=error");
    }
    for (const std::string& vdev : opts.vdevs) {
        args.push_back("--vdev=" + vdev);
    }
    args.insert(args.end(), opts.extra.begin(), opts.extra.end());
    return args;
}

eal_session::eal_session(const std::vector<std::string>& args)
{
    // rte_eal_init may permute argv: give it copies.
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    argv.reserve(copies.size() + 1);
    for (std::string& a : copies) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    // Linux EAL logs to stdout by default; our stdout is for results only.
    rte_openlog_stream(stderr);
    std::fflush(stdout);
    const int saved_stdout = ::dup(STDOUT_FILENO);
    if (saved_stdout >= 0) {
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
    }
    const int ret = rte_eal_init(static_cast<int>(argv.size() - 1), argv.data());
    const int err = rte_errno;
    std::fflush(stdout);
    if (saved_stdout >= 0) {
        ::dup2(saved_stdout, STDOUT_FILENO);
        ::close(saved_stdout);
    }
    if (ret < 0) {
        throw std::runtime_error(std::string("EAL initialisation failed: ") + rte_strerror(err));
    }
    _runtime_dir = rte_eal_get_runtime_dir();
}

eal_session::~eal_session()
{
    rte_eal_cleanup();
    if (!_runtime_dir.empty()) {
        ::rmdir(_runtime_dir.c_str()); // only succeeds when empty; nothing to do otherwise
    }
}

} // namespace udpn::dpdk
