/// \file
/// Process-level families: `udpnotif_build_info{version}` (gauge 1), `udpnotif_start_time_seconds`,
/// and the usual process collector families read from /proc/self (stat, statm, fd):
/// `process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_virtual_memory_bytes`, `process_open_fds`.
#pragma once

#include "metrics/exposition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace udpn::metrics {

/// What the process says about itself, fixed at start-up.
struct process_info {
    std::string version;           ///< build_info's version label (build_version() by default)
    double start_time_seconds = 0; ///< wall clock at start, seconds since 1970
};

/// The project version this library was built from (meson project version).
[[nodiscard]] const char* build_version() noexcept;
/// Wall clock now, seconds since 1970 (for process_info::start_time_seconds). Thread: any.
[[nodiscard]] double unix_seconds_now() noexcept;

/// CPU and memory of the process.
struct process_usage {
    double cpu_seconds = 0;           ///< user + system time
    std::uint64_t resident_bytes = 0; ///< resident set size
    std::uint64_t virtual_bytes = 0;  ///< virtual memory size
};

/// Parses the text of /proc/<pid>/stat (proc(5)): utime and stime (fields 14 and 15, in
/// \p ticks_per_second) into cpu_seconds. The command name (field 2) may hold spaces and
/// parentheses: fields are counted after its last ')'.
/// @return false when the text does not have those fields. Thread: any.
[[nodiscard]] bool parse_proc_stat(std::string_view text, long ticks_per_second,
                                   process_usage& out) noexcept;
/// Parses /proc/<pid>/statm: size and resident (fields 1 and 2, pages of \p page_size octets).
/// @return false when the text does not have those fields. Thread: any.
[[nodiscard]] bool parse_proc_statm(std::string_view text, std::uint64_t page_size,
                                    process_usage& out) noexcept;

/// Reads /proc/self/stat and statm. @return nothing when either cannot be read or parsed.
/// Thread: any.
[[nodiscard]] std::optional<process_usage> read_process_usage();
/// Open file descriptors (entries of /proc/self/fd); nothing when it cannot be read.
[[nodiscard]] std::optional<std::uint64_t> count_open_fds();

/// The process families for \p info, with usage read now (families whose source cannot be read
/// are left out rather than reported as 0). Thread: any. @throws std::bad_alloc.
[[nodiscard]] std::vector<family> process_families(const process_info& info);

} // namespace udpn::metrics
