#!/usr/bin/env python3
"""Independent UDP-notif reader: the cross-check of udpnotif-dump.

Reads a capture with scapy, rebuilds IP fragments with its own logic, applies the UDP-notif
rules of shared/spec/PROTOCOL.md itself (header checks §2 step 1, segment reassembly §2 steps
2-5) and prints what udpnotif-dump prints (docs/udpnotif-dump.md): one JSON line per message
in completion order, then a summary line. It shares no code with the C++ receiver.

Usage: scapy_dump.py FILE.pcap [--port N] [--timeout-ms MS] [--full] [--verify-checksums]

The default summary holds the fields the cross-check compares (packets, datagrams, messages,
incomplete, invalid by reason); --full adds this script's own reassembly, ip and skipped
counters (its model of them, not necessarily udpnotif-dump's); --verify-checksums adds the
number of IPv4 header and UDP checksums that are wrong (RFC 1071, computed here).
"""

import argparse
import hashlib
import ipaddress
import json
import sys

try:
    from scapy.layers.inet import IP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import Dot1AD, Dot1Q, Ether
    from scapy.utils import PcapReader
except ImportError:  # pragma: no cover - reported by the caller
    print("scapy_dump.py: python3 scapy is not installed (Debian: python3-scapy)", file=sys.stderr)
    sys.exit(77)

# Reasons a datagram is rejected, with the names and in the order of udpnotif::parse_error
# (src/udpnotif/errors.cpp): the summary lists them all, zeros included.
REASONS = [
    "too_short",
    "unsupported_version",
    "header_len_too_small",
    "header_len_exceeds_message",
    "message_len_exceeds_datagram",
    "reserved_media_type",
    "unassigned_media_type",
    "private_media_type",
    "option_truncated",
    "option_length_too_small",
    "option_overrun",
    "segmentation_option_bad_length",
    "duplicate_segmentation_option",
]

PROTO_UDP = 17
OPTION_SEGMENTATION = 1


def inet_sum(data, total=0):
    """RFC 1071 one's-complement sum of data (odd length padded with a zero octet)."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


class Invalid(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_udpnotif(d):
    """PROTOCOL.md §1/§1.1/§2 step 1 on one UDP payload; returns a dict or raises Invalid."""
    if len(d) < 12:
        raise Invalid("too_short")
    ver, s_flag, mt = d[0] >> 5, (d[0] >> 4) & 1, d[0] & 0x0F
    hlen, mlen = d[1], int.from_bytes(d[2:4], "big")
    if ver != 1:  # §11.4: Ver 1 only
        raise Invalid("unsupported_version")
    if hlen < 12:
        raise Invalid("header_len_too_small")
    if hlen > mlen:
        raise Invalid("header_len_exceeds_message")
    if mlen > len(d):  # §11.2: Message Length > datagram -> drop
        raise Invalid("message_len_exceeds_datagram")
    seg = None
    off = 12
    while off < hlen:  # TLVs: Type, Length (whole TLV), value
        if hlen - off < 2:
            raise Invalid("option_truncated")
        typ, length = d[off], d[off + 1]
        if length < 2:
            raise Invalid("option_length_too_small")
        if off + length > hlen:
            raise Invalid("option_overrun")
        if typ == OPTION_SEGMENTATION:
            if length != 4:  # §1.1: Length MUST be 4 (§11.5)
                raise Invalid("segmentation_option_bad_length")
            if seg is not None:
                raise Invalid("duplicate_segmentation_option")
            field = int.from_bytes(d[off + 2 : off + 4], "big")
            seg = (field >> 1, field & 1)
        off += length  # unknown types are skipped by Length (§1.1, §11.5)
    # §1: MT 0 reserved when S = 0; §11.6: S = 1 and unassigned MTs are not decodable.
    if s_flag:
        raise Invalid("private_media_type")
    if mt == 0:
        raise Invalid("reserved_media_type")
    if mt > 3:
        raise Invalid("unassigned_media_type")
    return {
        "s_flag": bool(s_flag),
        "media_type": mt,
        "publisher_id": int.from_bytes(d[4:8], "big"),
        "message_id": int.from_bytes(d[8:12], "big"),
        "seg": seg,
        "payload": bytes(d[hlen:mlen]),  # trailing octets after Message Length ignored (§11.2)
    }


def endpoint_text(addr, port):
    ip = ipaddress.ip_address(addr)
    return f"[{ip.compressed}]:{port}" if ip.version == 6 else f"{ip.compressed}:{port}"


def message_line(src, dst, pub, mid, mt, s_flag, n_segments, payload):
    return json.dumps(
        {
            "src": src,
            "dst": dst,
            "publisher_id": pub,
            "message_id": mid,
            "media_type": mt,
            "s_flag": s_flag,
            "segments": n_segments,
            "payload_len": len(payload),
            "payload_sha256": hashlib.sha256(payload).hexdigest(),
        },
        separators=(",", ":"),
    )


class Dump:
    def __init__(self, port, timeout_ns, max_segments=4096, max_bytes=16 << 20, key_port=True):
        self.port = port
        self.key_port = key_port
        self.timeout_ns = timeout_ns
        self.max_segments = max_segments
        self.max_bytes = max_bytes
        self.lines = []
        self.packets = 0
        self.datagrams = 0
        self.incomplete = 0
        self.invalid = {r: 0 for r in REASONS}
        self.verdicts = {
            k: 0
            for k in (
                "whole", "stored", "complete", "duplicate", "media_mismatch", "conflicting_last",
                "beyond_last", "too_many_segments", "too_large", "late",
            )
        }
        self.ip = {"fragments": 0, "reassembled": 0}
        self.skipped = {"not_ip": 0, "not_udp": 0, "other_port": 0, "truncated": 0}
        self.checksums = {"ipv4_header_bad": 0, "udp_bad": 0, "udp_none": 0}
        self.frag_sets = {}  # (family, src, dst, id, proto) -> state
        self.sets = {}  # (src ip, src port, publisher id, message id) -> pending message
        self.finished = {}  # key -> time its set completed or was dropped

    # ---- L2/L3 -------------------------------------------------------------------------
    def packet(self, pkt, now_ns):
        self.packets += 1
        layer = pkt
        if not isinstance(layer, Ether):
            self.skipped["not_ip"] += 1
            return
        layer = layer.payload
        while isinstance(layer, (Dot1Q, Dot1AD)):
            layer = layer.payload
        if isinstance(layer, IP):
            self.ipv4(bytes(layer), now_ns)
        elif isinstance(layer, IPv6):
            self.ipv6(bytes(layer), now_ns)
        else:
            self.skipped["not_ip"] += 1

    def ipv4(self, raw, now_ns):
        if len(raw) < 20:
            self.skipped["truncated"] += 1
            return
        ihl = (raw[0] & 0x0F) * 4
        total = int.from_bytes(raw[2:4], "big")
        if ihl < 20 or total < ihl or len(raw) < total:
            self.skipped["truncated"] += 1
            return
        if inet_sum(raw[:ihl]) != 0xFFFF:
            self.checksums["ipv4_header_bad"] += 1
        flags_off = int.from_bytes(raw[6:8], "big")
        more, offset = bool(flags_off & 0x2000), (flags_off & 0x1FFF) * 8
        proto, src, dst = raw[9], raw[12:16], raw[16:20]
        data = raw[ihl:total]
        if more or offset:
            key = (4, src, dst, int.from_bytes(raw[4:6], "big"), proto)
            self.fragment(key, offset, more, proto, data, now_ns)
            return
        if proto != PROTO_UDP:
            self.skipped["not_udp"] += 1
            return
        self.udp(src, dst, data, now_ns)

    def ipv6(self, raw, now_ns):
        if len(raw) < 40:
            self.skipped["truncated"] += 1
            return
        plen = int.from_bytes(raw[4:6], "big")
        if len(raw) < 40 + plen:
            self.skipped["truncated"] += 1
            return
        src, dst, nh = raw[8:24], raw[24:40], raw[6]
        rest = raw[40 : 40 + plen]
        while True:
            if nh == PROTO_UDP:
                self.udp(src, dst, rest, now_ns)
                return
            if nh in (0, 43, 60):  # hop-by-hop, routing, destination options
                if len(rest) < 8 or len(rest) < (rest[1] + 1) * 8:
                    self.skipped["truncated"] += 1
                    return
                nh, rest = rest[0], rest[(rest[1] + 1) * 8 :]
                continue
            if nh == 44:  # RFC 8200 §4.5 Fragment header
                if len(rest) < 8:
                    self.skipped["truncated"] += 1
                    return
                field = int.from_bytes(rest[2:4], "big")
                key = (6, src, dst, int.from_bytes(rest[4:8], "big"), 0)
                self.fragment(key, field & 0xFFF8, bool(field & 1), rest[0], rest[8:], now_ns)
                return
            self.skipped["not_udp"] += 1
            return

    def fragment(self, key, offset, more, next_proto, data, now_ns):
        """Own IP reassembly: a datagram appears when its last missing fragment arrives."""
        self.ip["fragments"] += 1
        st = self.frag_sets.setdefault(key, {"pieces": {}, "total": None, "proto": None})
        st["pieces"].setdefault(offset, bytes(data))
        if offset == 0:
            st["proto"] = next_proto
        if not more:
            st["total"] = offset + len(data)
        if st["total"] is None:
            return
        whole = bytearray(st["total"])
        covered = 0
        for off in sorted(st["pieces"]):
            if off > covered:
                return  # a hole remains
            piece = st["pieces"][off]
            whole[off : off + len(piece)] = piece
            covered = max(covered, off + len(piece))
        if covered < st["total"]:
            return
        del self.frag_sets[key]
        self.ip["reassembled"] += 1
        if st["proto"] != PROTO_UDP:
            self.skipped["not_udp"] += 1
            return
        self.udp(key[1], key[2], bytes(whole[: st["total"]]), now_ns)

    def udp(self, src, dst, l4, now_ns):
        if len(l4) < 8:
            self.skipped["truncated"] += 1
            return
        sport, dport = int.from_bytes(l4[0:2], "big"), int.from_bytes(l4[2:4], "big")
        length = int.from_bytes(l4[4:6], "big")
        if length < 8 or length > len(l4):
            self.skipped["truncated"] += 1
            return
        if self.port is not None and dport != self.port:
            self.skipped["other_port"] += 1
            return
        self.verify_udp(src, dst, l4[:length])
        self.datagrams += 1
        key_src = (bytes(src), sport if self.key_port else 0)
        self.datagram(endpoint_text(src, sport), key_src, endpoint_text(dst, dport),
                      l4[8:length], now_ns)

    def verify_udp(self, src, dst, udp):
        if udp[6:8] == b"\0\0":
            self.checksums["udp_none"] += 1  # allowed for IPv4 only (RFC 768 / RFC 8200 §8.1)
            if len(src) == 4:
                return
        if len(src) == 4:
            pseudo = bytes(src) + bytes(dst) + bytes([0, PROTO_UDP]) + len(udp).to_bytes(2, "big")
        else:
            pseudo = bytes(src) + bytes(dst) + len(udp).to_bytes(4, "big") + bytes([0, 0, 0,
                                                                                  PROTO_UDP])
        if inet_sum(udp, inet_sum(pseudo)) != 0xFFFF:
            self.checksums["udp_bad"] += 1

    # ---- UDP-notif ---------------------------------------------------------------------
    def datagram(self, src_text, src_key, dst_text, d, now_ns):
        try:
            h = parse_udpnotif(d)
        except Invalid as e:
            self.invalid[e.reason] += 1
            return
        seg = h["seg"]
        if seg is None or seg == (0, 1):  # §2 step 2: a whole message
            self.verdicts["whole"] += 1
            self.lines.append(message_line(src_text, dst_text, h["publisher_id"], h["message_id"],
                                           h["media_type"], h["s_flag"], 1, h["payload"]))
            return
        number, last = seg
        # §2 step 3 / §11.1: key = (source IP, source port, Publisher ID, Message ID).
        key = (src_key, h["publisher_id"], h["message_id"])
        st = self.sets.get(key)
        if st is not None and now_ns - st["first_ns"] > self.timeout_ns:
            # §2 step 5: the set timed out before this segment; it starts a new one.
            self.incomplete += 1
            del self.sets[key]
            st = None
        fresh = st is None
        if st is None:
            done = self.finished.get(key)
            if done is not None and (now_ns <= done or now_ns - done <= self.timeout_ns):
                # A copy of a segment of a message that completed or was dropped within the
                # timeout: ignored, it never opens a set that could only expire.
                self.verdicts["late"] += 1
                return
            st = {"first_ns": now_ns, "dst": dst_text, "s_flag": h["s_flag"],
                  "media_type": h["media_type"], "last": None, "parts": {}, "bytes": 0}
            self.sets[key] = st
        elif (st["s_flag"], st["media_type"]) != (h["s_flag"], h["media_type"]):
            self.drop(key, "media_mismatch", now_ns)
            return
        if number in st["parts"]:
            self.verdicts["duplicate"] += 1  # §2: SHOULD drop duplicates
            return
        if last:
            if st["last"] is not None and st["last"] != number:
                self.drop(key, "conflicting_last", now_ns)
                return
            if st["parts"] and max(st["parts"]) > number:
                self.drop(key, "beyond_last", now_ns)  # an earlier number lies beyond this last one
                return
            st["last"] = number
        elif st["last"] is not None and number > st["last"]:
            self.drop(key, "beyond_last", now_ns)
            return
        if number >= self.max_segments:
            # A segment over the cap never opens a set, so there is nothing to remember then.
            self.drop(key, "too_many_segments", now_ns, remember=not fresh)
            return
        if st["bytes"] + len(h["payload"]) > self.max_bytes:
            self.drop(key, "too_large", now_ns)
            return
        st["parts"][number] = h["payload"]
        st["bytes"] += len(h["payload"])
        if st["last"] is not None and len(st["parts"]) == st["last"] + 1:
            # §2 step 4: all of 0..last present -> concatenate by segment number, emit once.
            payload = b"".join(st["parts"][i] for i in range(st["last"] + 1))
            del self.sets[key]
            self.finished[key] = now_ns
            self.verdicts["complete"] += 1
            self.lines.append(message_line(src_text, st["dst"], h["publisher_id"],
                                           h["message_id"], st["media_type"], st["s_flag"],
                                           st["last"] + 1, payload))
        else:
            self.verdicts["stored"] += 1

    def drop(self, key, verdict, now_ns, remember=True):
        self.verdicts[verdict] += 1
        del self.sets[key]
        if remember:
            self.finished[key] = now_ns

    def finish(self):
        self.incomplete += len(self.sets)  # still pending at end of file
        self.sets.clear()

    def summary(self, full, checksums=False):
        s = {
            "packets": self.packets,
            "datagrams": self.datagrams,
            "messages": len(self.lines),
            "incomplete": self.incomplete,
            "invalid": dict(self.invalid),
        }
        if full:
            s["reassembly"] = dict(self.verdicts)
            s["ip"] = dict(self.ip, pending=sum(len(v["pieces"]) for v in self.frag_sets.values()))
            s["skipped"] = dict(self.skipped)
        if checksums:
            s["checksums"] = dict(self.checksums)
        return json.dumps({"summary": s}, separators=(",", ":"))


def run(path, port=None, timeout_ms=2000, full=False, checksums=False, max_segments=4096,
        max_bytes=16 << 20, key_port=True):
    """Returns the output lines (messages, then the summary) for the capture at path."""
    dump = Dump(port, timeout_ms * 1_000_000, max_segments, max_bytes, key_port)
    with PcapReader(path) as reader:
        for pkt in reader:
            # Capture time in integer nanoseconds (pkt.time is an exact decimal).
            now_ns = int(pkt.time * 1_000_000_000)
            dump.packet(pkt, now_ns)
    dump.finish()
    return dump.lines + [dump.summary(full, checksums)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int, default=None, help="only UDP datagrams to this port")
    ap.add_argument("--timeout-ms", "--reassembly-timeout-ms", dest="timeout_ms", type=int,
                    default=2000, help="reassembly timeout in capture time (default 2000)")
    ap.add_argument("--max-segments", type=int, default=4096)
    ap.add_argument("--max-message-bytes", type=int, default=16 << 20)
    ap.add_argument("--no-src-port-key", action="store_true",
                    help="leave the source port out of the reassembly key (PROTOCOL.md §11.1)")
    ap.add_argument("--full", action="store_true",
                    help="add this script's reassembly/ip/skipped counters to the summary")
    ap.add_argument("--verify-checksums", action="store_true",
                    help="count wrong IPv4 header and UDP checksums in the summary")
    args, _unknown = ap.parse_known_args(argv)  # udpnotif-dump options it lacks are ignored
    for line in run(args.pcap, args.port, args.timeout_ms, args.full, args.verify_checksums,
                    args.max_segments, args.max_message_bytes, not args.no_src_port_key):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
