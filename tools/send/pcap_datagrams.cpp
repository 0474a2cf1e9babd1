#include "send/pcap_datagrams.hpp"

#include "common/bytes.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace udpn::send {
namespace {

constexpr std::uint8_t proto_udp = 17;
constexpr std::uint16_t ethertype_ipv4 = 0x0800;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;

struct frag_key {
    net::ip_address src;
    net::ip_address dst;
    std::uint32_t id = 0;
    std::uint8_t proto = 0; // IPv4 protocol; 0 for IPv6 (next header comes with offset 0)

    bool operator<(const frag_key& o) const
    {
        return std::tie(src.fam, src.bytes, dst.fam, dst.bytes, id, proto) <
               std::tie(o.src.fam, o.src.bytes, o.dst.fam, o.dst.bytes, o.id, o.proto);
    }
};

struct frag_set {
    std::vector<std::pair<std::size_t, std::vector<std::uint8_t>>> pieces; // offset, data
    std::optional<std::size_t> total; // known once the last fragment (MF = 0) arrived
    std::uint8_t next_header = 0;     // from the fragment with offset 0
    std::size_t n_fragments = 0;
    std::uint64_t order = 0; // creation order, for eviction
};

class reader {
  public:
    reader(const pcap_read_options& opts, pcap_read_stats& stats) : _opts(opts), _stats(stats) {}

    void frame(int linktype, byte_span f, std::uint64_t time_ns)
    {
        ++_stats.frames;
        _time_ns = time_ns;
        std::size_t off = 0;
        std::uint16_t ethertype = 0;
        switch (linktype) {
        case DLT_EN10MB:
            if (f.size() < 14) {
                ++_stats.truncated;
                return;
            }
            ethertype = load_be16(f.data() + 12);
            off = 14;
            // 802.1Q, 802.1ad and the old QinQ type: skip any number of tags.
            while (ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100) {
                if (f.size() < off + 4) {
                    ++_stats.truncated;
                    return;
                }
                ethertype = load_be16(f.data() + off + 2);
                off += 4;
            }
            break;
        case DLT_LINUX_SLL:
            if (f.size() < 16) {
                ++_stats.truncated;
                return;
            }
            ethertype = load_be16(f.data() + 14);
            off = 16;
            break;
        case DLT_NULL:
            if (f.size() < 4) {
                ++_stats.truncated;
                return;
            }
            off = 4;
            ethertype = f.size() > 4 && (f[4] >> 4) == 6 ? ethertype_ipv6 : ethertype_ipv4;
            break;
        default: // DLT_RAW
            if (f.empty()) {
                ++_stats.truncated;
                return;
            }
            ethertype = (f[0] >> 4) == 6 ? ethertype_ipv6 : ethertype_ipv4;
            break;
        }
        const byte_span l3 = f.subspan(off);
        if (ethertype == ethertype_ipv4) {
            ipv4(l3);
        } else if (ethertype == ethertype_ipv6) {
            ipv6(l3);
        } else {
            ++_stats.not_ip;
        }
    }

    std::vector<udp_datagram> finish()
    {
        for (const auto& [key, set] : _sets) {
            _stats.fragments_incomplete += set.n_fragments;
        }
        _sets.clear();
        return std::move(_out);
    }

  private:
    void ipv4(byte_span ip)
    {
        if (ip.size() < 20 || (ip[0] >> 4) != 4) {
            ++_stats.truncated;
            return;
        }
        const std::size_t ihl = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
        const std::size_t total = load_be16(ip.data() + 2);
        if (ihl < 20 || total < ihl || ip.size() < total) {
            ++_stats.truncated;
            return;
        }
        const std::uint16_t frag = load_be16(ip.data() + 6);
        const bool more = (frag & 0x2000u) != 0;
        const std::size_t offset = static_cast<std::size_t>(frag & 0x1fffu) * 8;
        const std::uint8_t proto = ip[9];
        const auto src = net::ip_address::v4(ip.data() + 12);
        const auto dst = net::ip_address::v4(ip.data() + 16);
        const byte_span data = ip.subspan(ihl, total - ihl);
        if (more || offset != 0) {
            fragment({src, dst, load_be16(ip.data() + 4), proto}, offset, more, proto, data);
            return;
        }
        if (proto != proto_udp) {
            ++_stats.not_udp;
            return;
        }
        udp(src, dst, data);
    }

    void ipv6(byte_span ip)
    {
        if (ip.size() < 40 || (ip[0] >> 4) != 6) {
            ++_stats.truncated;
            return;
        }
        const std::size_t payload_len = load_be16(ip.data() + 4);
        if (ip.size() < 40 + payload_len) {
            ++_stats.truncated;
            return;
        }
        const auto src = net::ip_address::v6(ip.data() + 8);
        const auto dst = net::ip_address::v6(ip.data() + 24);
        std::uint8_t next = ip[6];
        byte_span rest = ip.subspan(40, payload_len);
        for (;;) {
            if (next == proto_udp) {
                udp(src, dst, rest);
                return;
            }
            if (next == 0 || next == 43 || next == 60) { // hop-by-hop, routing, destination
                if (rest.size() < 8 || rest.size() < (std::size_t{rest[1]} + 1) * 8) {
                    ++_stats.truncated;
                    return;
                }
                const std::size_t len = (std::size_t{rest[1]} + 1) * 8;
                next = rest[0];
                rest = rest.subspan(len);
                continue;
            }
            if (next == 44) { // RFC 8200 §4.5 Fragment header
                if (rest.size() < 8) {
                    ++_stats.truncated;
                    return;
                }
                const std::uint16_t field = load_be16(rest.data() + 2);
                fragment({src, dst, load_be32(rest.data() + 4), 0}, field & 0xfff8u,
                         (field & 1u) != 0, rest[0], rest.subspan(8));
                return;
            }
            ++_stats.not_udp;
            return;
        }
    }

    void fragment(const frag_key& key, std::size_t offset, bool more, std::uint8_t next,
                  byte_span data)
    {
        ++_stats.fragments;
        auto it = _sets.find(key);
        if (it == _sets.end()) {
            if (_sets.size() >= _opts.max_pending_fragment_sets) {
                auto oldest =
                    std::min_element(_sets.begin(), _sets.end(), [](const auto& a, const auto& b) {
                        return a.second.order < b.second.order;
                    });
                _stats.fragments_incomplete += oldest->second.n_fragments;
                _sets.erase(oldest);
            }
            it = _sets.emplace(key, frag_set{}).first;
            it->second.order = _next_order++;
        }
        frag_set& set = it->second;
        ++set.n_fragments;
        set.pieces.emplace_back(offset, std::vector<std::uint8_t>(data.begin(), data.end()));
        if (offset == 0) {
            set.next_header = next;
        }
        if (!more) {
            set.total = offset + data.size();
        }
        if (!set.total) {
            return;
        }
        // Complete when the pieces cover 0..total without a hole.
        std::sort(set.pieces.begin(), set.pieces.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::size_t covered = 0;
        for (const auto& [o, d] : set.pieces) {
            if (o > covered) {
                return;
            }
            covered = std::max(covered, o + d.size());
        }
        if (covered < *set.total) {
            return;
        }
        std::vector<std::uint8_t> whole(*set.total);
        std::vector<bool> have(*set.total, false);
        for (const auto& [o, d] : set.pieces) {
            for (std::size_t i = 0; i < d.size() && o + i < whole.size(); ++i) {
                if (!have[o + i]) { // overlapping fragments: the first copy wins
                    whole[o + i] = d[i];
                    have[o + i] = true;
                }
            }
        }
        const std::uint8_t proto = set.next_header;
        _sets.erase(it);
        ++_stats.reassembled;
        if (proto != proto_udp) {
            ++_stats.not_udp;
            return;
        }
        udp(key.src, key.dst, whole);
    }

    void udp(const net::ip_address& src, const net::ip_address& dst, byte_span l4)
    {
        if (l4.size() < 8) {
            ++_stats.truncated;
            return;
        }
        const std::size_t len = load_be16(l4.data() + 4);
        if (len < 8 || len > l4.size()) {
            ++_stats.truncated;
            return;
        }
        udp_datagram d;
        d.src = {src, load_be16(l4.data())};
        d.dst = {dst, load_be16(l4.data() + 2)};
        if (_opts.port && d.dst.port != *_opts.port) {
            ++_stats.other_port;
            return;
        }
        d.time_ns = _time_ns;
        d.payload.assign(l4.begin() + 8, l4.begin() + static_cast<std::ptrdiff_t>(len));
        ++_stats.datagrams;
        _out.push_back(std::move(d));
    }

    const pcap_read_options& _opts;
    pcap_read_stats& _stats;
    std::uint64_t _time_ns = 0;
    std::uint64_t _next_order = 0;
    std::map<frag_key, frag_set> _sets;
    std::vector<udp_datagram> _out;
};

} // namespace

std::vector<udp_datagram> read_pcap_datagrams(const std::string& path,
                                              const pcap_read_options& opts, pcap_read_stats& stats)
{
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) {
        throw std::runtime_error("cannot read " + path + ": " + errbuf);
    }
    const int linktype = pcap_datalink(p);
    if (linktype != DLT_EN10MB && linktype != DLT_RAW && linktype != DLT_LINUX_SLL &&
        linktype != DLT_NULL) {
        pcap_close(p);
        throw std::runtime_error(path + ": unsupported link type " + std::to_string(linktype));
    }
    reader r(opts, stats);
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
        const std::uint64_t t = static_cast<std::uint64_t>(hdr->ts.tv_sec) * 1'000'000'000u +
                                static_cast<std::uint64_t>(hdr->ts.tv_usec);
        r.frame(linktype, byte_span(data, hdr->caplen), t);
    }
    std::string err = rc == PCAP_ERROR ? pcap_geterr(p) : "";
    pcap_close(p);
    if (!err.empty()) {
        throw std::runtime_error(path + ": " + err);
    }
    return r.finish();
}

} // namespace udpn::send
