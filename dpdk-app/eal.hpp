/// \file
/// Starting and stopping DPDK's EAL for tools and tests that run without hugepages or NICs
/// (DESIGN.md §5: `--no-huge -m 512 --no-pci --no-shconf`, one lcore per CPU at most).
#pragma once

#include <string>
#include <vector>

namespace udpn::dpdk {

/// What no_huge_eal_args() builds.
struct eal_options {
    std::string program = "udpn"; ///< argv[0]
    unsigned memory_mb = 256;     ///< -m: anonymous memory EAL reserves (no hugepages)
    /// --file-prefix stem; the process id is appended so parallel processes never share
    /// runtime files.
    std::string file_prefix = "udpn";
    std::vector<std::string> vdevs; ///< one --vdev=... each, e.g. "net_pcap0,rx_pcap=x.pcap"
    bool quiet = true;              ///< --log-level=error (EAL and PMD info lines silenced)
    std::vector<std::string> extra; ///< appended last (user's own EAL arguments)
};

/// The first CPU this process may run on (sched_getaffinity), 0 when unknown. EAL is given
/// that one CPU as its only lcore (`-l N`), so it starts inside restricted cpusets too.
[[nodiscard]] unsigned first_allowed_cpu() noexcept;

/// EAL arguments for a single-lcore, hugepage-free, NIC-free process:
/// `program --no-huge -m MB --no-pci --no-shconf --no-telemetry -l CPU
///  --file-prefix=PREFIX-PID [--log-level=error] [--vdev=...]... [extra...]`.
[[nodiscard]] std::vector<std::string> no_huge_eal_args(const eal_options& opts);

/// rte_eal_init() for the life of the object, rte_eal_cleanup() after; once per process.
/// EAL logs go to stderr (rte_openlog_stream), and whatever EAL prints on stdout while it
/// starts (usage text for a bad argument) is redirected to stderr, so that stdout carries only
/// the program's own output.
class eal_session {
  public:
    /// @param args  EAL arguments, args[0] being the program name
    /// @throws std::runtime_error when EAL does not start (rte_strerror of rte_errno)
    explicit eal_session(const std::vector<std::string>& args);
    /// rte_eal_cleanup(), then removes the (then empty) runtime directory of this prefix.
    ~eal_session();
    eal_session(const eal_session&) = delete;
    eal_session& operator=(const eal_session&) = delete;

  private:
    std::string _runtime_dir;
};

} // namespace udpn::dpdk
