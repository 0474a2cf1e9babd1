#include "pcapgen/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <stdexcept>

namespace udpn::pcapgen {
namespace {
constexpr int snap_len = 65535;
}

pcap_writer::pcap_writer(const std::string& path)
{
    _pcap = pcap_open_dead(DLT_EN10MB, snap_len);
    if (_pcap == nullptr) {
        throw std::runtime_error("pcap_open_dead failed");
    }
    _dumper = pcap_dump_open(_pcap, path.c_str());
    if (_dumper == nullptr) {
        const std::string reason = pcap_geterr(_pcap);
        pcap_close(_pcap);
        _pcap = nullptr;
        throw std::runtime_error("cannot write " + path + ": " + reason);
    }
}

pcap_writer::~pcap_writer()
{
    if (_dumper != nullptr) {
        pcap_dump_close(_dumper);
    }
    if (_pcap != nullptr) {
        pcap_close(_pcap);
    }
}

void pcap_writer::write(byte_span frame, std::uint64_t time_ns)
{
    if (_dumper == nullptr) {
        throw std::runtime_error("pcap_writer: write after close");
    }
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = static_cast<time_t>(time_ns / 1'000'000'000u);
    hdr.ts.tv_usec = static_cast<suseconds_t>(time_ns % 1'000'000'000u / 1000u);
    hdr.len = static_cast<bpf_u_int32>(frame.size());
    hdr.caplen = static_cast<bpf_u_int32>(std::min<std::size_t>(frame.size(), snap_len));
    pcap_dump(reinterpret_cast<u_char*>(_dumper), &hdr, frame.data());
    ++_n_frames;
    _n_bytes += hdr.caplen;
}

void pcap_writer::close()
{
    if (_dumper == nullptr) {
        return;
    }
    const int flush_rc = pcap_dump_flush(_dumper);
    pcap_dump_close(_dumper);
    _dumper = nullptr;
    pcap_close(_pcap);
    _pcap = nullptr;
    if (flush_rc != 0) {
        throw std::runtime_error("pcap_writer: flush failed");
    }
}

} // namespace udpn::pcapgen
