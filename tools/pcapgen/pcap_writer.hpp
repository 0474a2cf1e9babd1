/// \file
/// Classic pcap file writer (libpcap: pcap_open_dead + pcap_dump), Ethernet link type,
/// microsecond timestamps.
#pragma once

#include "common/bytes.hpp"

#include <cstdint>
#include <string>

struct pcap;
struct pcap_dumper;

namespace udpn::pcapgen {

/// Writes Ethernet frames to a classic (not pcapng) capture file. RAII: the file is flushed
/// and closed by close() or the destructor.
/// Thread: one owner.
class pcap_writer {
  public:
    /// Creates (truncates) \p path. Snap length 65535, DLT_EN10MB.
    /// @throws std::runtime_error with libpcap's reason when the file cannot be opened.
    explicit pcap_writer(const std::string& path);
    ~pcap_writer();
    pcap_writer(const pcap_writer&) = delete;
    pcap_writer& operator=(const pcap_writer&) = delete;

    /// Appends \p frame stamped \p time_ns (nanoseconds since the epoch; stored as seconds and
    /// microseconds, truncated). Frames longer than the snap length are cut (caplen < len).
    void write(byte_span frame, std::uint64_t time_ns);

    /// Flushes and closes the file. @throws std::runtime_error when the flush fails.
    void close();

    /// Frames written so far.
    [[nodiscard]] std::uint64_t n_frames() const noexcept { return _n_frames; }
    /// Frame octets written so far (captured lengths, record headers excluded).
    [[nodiscard]] std::uint64_t n_bytes() const noexcept { return _n_bytes; }

  private:
    pcap* _pcap = nullptr;
    pcap_dumper* _dumper = nullptr;
    std::uint64_t _n_frames = 0;
    std::uint64_t _n_bytes = 0;
};

} // namespace udpn::pcapgen
