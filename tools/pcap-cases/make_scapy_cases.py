#!/usr/bin/env python3
"""Writes the golden cases that are NOT made by udpnotif-pcapgen, with scapy.

Each case is built datagram by datagram from shared/spec/PROTOCOL.md (§1 header, §1.1 options,
§2 segmentation), so the receiver is also tested on captures our own generator did not write.
Output: pcap/cases/scapy-*/input.pcap (+ dump-args.txt where a case needs udpnotif-dump
options, + made-by.txt). Deterministic: explicit IP ids, ports and timestamps.

Usage: make_scapy_cases.py [--cases-dir DIR] [--only NAME ...]
Then refresh expected.jsonl: UPDATE_GOLDEN=1 meson test -C BUILD --suite golden
"""

import argparse
import hashlib
import json
import os
import sys

from scapy.layers.inet import ICMP, IP, UDP, fragment
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, fragment6
from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
from scapy.packet import Raw
from scapy.utils import PcapWriter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from yang_cbor import cbor, cbor_head  # noqa: E402  (tools/yang_cbor.py)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.normpath(os.path.join(HERE, "..", "..", "pcap", "cases"))

COLLECTOR_MAC = "02:00:00:00:00:fe"
DST4, DST6, DPORT = "192.0.2.100", "2001:db8::100", 10001
T0 = 1772359200  # 2026-03-01T10:00:00Z, seconds since the epoch


# ---- UDP-notif datagrams (PROTOCOL.md §1, §1.1) --------------------------------------------
def seg_option(number, last):
    """Segmentation option: type 1, length 4, 15-bit number and the L bit (§1.1)."""
    return bytes([1, 4]) + ((number << 1) | int(last)).to_bytes(2, "big")


def udpnotif(pub, mid, payload, options=b"", mt=1, s=0, ver=1, hlen=None, mlen=None,
             trailing=b""):
    """One UDP-notif message; hlen/mlen override the computed lengths (malformed cases)."""
    real_hlen = 12 + len(options)
    h = real_hlen if hlen is None else hlen
    m = real_hlen + len(payload) if mlen is None else mlen
    first = (ver << 5) | (s << 4) | mt
    return (bytes([first, h]) + m.to_bytes(2, "big") + pub.to_bytes(4, "big")
            + mid.to_bytes(4, "big") + options + payload + trailing)


def segments(pub, mid, payload, sizes, mt=1):
    """Splits payload into segments of the given payload sizes; returns [datagram, ...]."""
    assert sum(sizes) == len(payload)
    out, off = [], 0
    for i, n in enumerate(sizes):
        out.append(udpnotif(pub, mid, payload[off:off + n], seg_option(i, i == len(sizes) - 1),
                            mt=mt))
        off += n
    return out


# ---- Notification payloads (composed, PROTOCOL.md §3.2 / §4 shapes) -------------------------
def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def push_update(sub_id, seq, event_time, interfaces, host="pe1.example.net"):
    itfs = [{"name": n, "type": "iana-if-type:ethernetCsmacd", "oper-status": "up",
             "statistics": {"in-octets": str(1000 * (i + 1) * seq), "out-octets": str(7 * seq)}}
            for i, n in enumerate(interfaces)]
    return compact({"ietf-yp-notification:envelope": {
        "event-time": event_time, "hostname": host, "sequence-number": seq,
        "contents": {"ietf-yang-push:push-update": {
            "id": sub_id,
            "datastore-contents": {"ietf-interfaces:interfaces": {"interface": itfs}}}}}})


def subscription_started(sub_id, event_time, host="pe1.example.net", pubs=(1,)):
    return compact({"ietf-yp-notification:envelope": {
        "event-time": event_time, "hostname": host, "sequence-number": 1,
        "contents": {"ietf-subscribed-notifications:subscription-started": {
            "id": sub_id,
            "ietf-yang-push:datastore": "ietf-datastores:operational",
            "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
            "transport": "ietf-udp-notif-transport:udp-notif",
            "encoding": "encode-json",
            "ietf-yang-push:periodic": {"period": 3000},
            "ietf-distributed-notif:message-publisher-id": list(pubs)}}}})


def sized(build, n):
    """Calls build(pad) with a growing padding string until the result is exactly n octets."""
    base = build("")
    if len(base) > n:
        raise ValueError(f"payload template is already {len(base)} > {n} octets")
    out = build("x" * (n - len(base)))
    assert len(out) == n, (len(out), n)
    return out


# ---- Frames and the capture ---------------------------------------------------------------
class Capture:
    """Collects frames with explicit capture times (microseconds after T0)."""

    def __init__(self):
        self.frames = []  # (usec after T0, bytes)
        self.t_us = 0
        self.expect = Expect()

    def add(self, pkt, step_us=1000, at_us=None):
        if at_us is not None:
            self.t_us = at_us
        self.frames.append((self.t_us, bytes(pkt)))
        self.t_us += step_us

    def write(self, path):
        w = PcapWriter(path, linktype=1, sync=False)
        w.write_header(None)  # classic pcap, Ethernet, microseconds
        for t_us, raw in self.frames:
            w.write_packet(raw, sec=T0 + t_us // 1_000_000, usec=t_us % 1_000_000)
        w.close()


class Expect:
    """What a case emits, kind by kind, written as expected-counters.json beside the pcap.

    Every count is stated where the case builds the datagram or message it counts (the case
    says what it meant to send), never derived from a receiver's output; the receiver test
    (tests/golden/corpus_recv_test.py) compares the receiver's counters per reason with it.
    Names follow the receiver's reason labels: udpnotif::parse_error (header_rejected),
    reassembly::verdict (segments), yangpush decode/transcode errors (json_failed, xml_failed,
    cbor_failed). `valid` lists the messages that must reach Kafka intact: for each, its
    Publisher and Message ID, media type, payload SHA-256 (as in expected.jsonl) and, where the
    receiver must turn the payload into other JSON (XML or CBOR transcoded, a legacy wrapper
    stripped: PROTOCOL.md §11.23), the JSON value the envelope's payload must equal.
    `dead_letters` lists every undecodable payload (SHA-256, length): the dead-letter topic
    must hold exactly these, octet for octet.
    """

    def __init__(self):
        self.skipped = {}          # frames a UDP-notif receiver never sees: not_ip, not_udp, other_port
        self.datagrams = 0         # UDP datagrams to the collector port
        self.header_rejected = {}  # parse_error -> datagrams
        self.segments = {}         # reassembly verdict -> datagrams
        self.expired_messages = 0  # incomplete sets dropped by the timeout (or at the end)
        self.messages = 0          # whole or reassembled messages handed to a worker
        self.json_failed = {}
        self.xml_failed = {}
        self.cbor_failed = {}
        self.undecodable = {}      # worker::undecodable_reason -> messages
        self.dead_letters = []
        self.valid = []
        self.options = {}          # receiver limits the case needs (option table keys)

    @staticmethod
    def _inc(d, k, n=1):
        d[k] = d.get(k, 0) + n

    def skip(self, why):
        self._inc(self.skipped, why)

    def rejected(self, reason):
        self.datagrams += 1
        self._inc(self.header_rejected, reason)

    def segment(self, verdict):
        """One accepted datagram offered to reassembly, with the verdict it must get."""
        self.datagrams += 1
        self._inc(self.segments, verdict)

    def expired(self):
        self.expired_messages += 1

    def message(self, pub, mid, mt, payload, json_value=None):
        """A complete message that decodes: it must reach Kafka as an envelope."""
        self.messages += 1
        v = {"publisher_id": pub, "message_id": mid, "media_type": mt,
             "payload_sha256": hashlib.sha256(payload).hexdigest()}
        if json_value is not None:
            v["payload_json"] = json_value
        self.valid.append(v)

    def undecodable_message(self, mt, payload, error):
        """A complete message its decoder (JSON) or transcoder (XML, CBOR) refuses as \p error."""
        self.messages += 1
        table = {1: self.json_failed, 2: self.xml_failed, 3: self.cbor_failed}[mt]
        self._inc(table, error)
        self._inc(self.undecodable, "decode_failed" if mt == 1 else "transcode_failed")
        self.dead_letters.append({"sha256": hashlib.sha256(payload).hexdigest(),
                                  "length": len(payload)})

    def as_json(self, cap):
        return {"frames": len(cap.frames), "skipped": self.skipped, "datagrams": self.datagrams,
                "header_rejected": self.header_rejected, "segments": self.segments,
                "expired_messages": self.expired_messages, "messages": self.messages,
                "json_failed": self.json_failed, "xml_failed": self.xml_failed,
                "cbor_failed": self.cbor_failed, "undecodable": self.undecodable,
                "dead_letters": self.dead_letters, "valid": self.valid,
                "receiver_options": self.options}


def mac(n):
    return "02:00:00:00:00:%02x" % n


def v4(n, sport, d, dport=DPORT, ip_id=1, tags=()):
    """IPv4/UDP frame from 192.0.2.n (optionally VLAN-tagged: tags = ((type, vid), ...))."""
    l2 = Ether(src=mac(n), dst=COLLECTOR_MAC)
    for cls, vid in tags:
        l2 = l2 / cls(vlan=vid)
    return l2 / IP(src=f"192.0.2.{n}", dst=DST4, id=ip_id, flags=0) / UDP(sport=sport, dport=dport) / Raw(d)


def v6(n, sport, d, dport=DPORT):
    return (Ether(src=mac(0x60 + n), dst=COLLECTOR_MAC)
            / IPv6(src=f"2001:db8::{n:x}", dst=DST6) / UDP(sport=sport, dport=dport) / Raw(d))


def ev(sec, frac="00"):
    return f"2026-03-01T10:00:{sec:02d}.{frac}Z"


# ---- The cases -----------------------------------------------------------------------------
def case_worked_example(cap):
    """PROTOCOL.md §2 worked example: 183-octet JSON, Publisher ID 7, Message ID 42, 100/83."""
    payload = sized(lambda pad: compact({"ietf-yang-push:push-update": {
        "id": 7, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [
            {"name": "eth0", "description": "core" + pad, "oper-status": "up"}]}}}}), 183)
    seg0, seg1 = segments(7, 42, payload, [100, 83])
    # The exact octets the spec prints for the two headers.
    assert seg0[:16] == bytes.fromhex("21 10 00 74 00 00 00 07 00 00 00 2a 01 04 00 00")
    assert seg1[:16] == bytes.fromhex("21 10 00 63 00 00 00 07 00 00 00 2a 01 04 00 03")
    cap.add(v4(1, 40000, seg0, ip_id=100))
    cap.add(v4(1, 40000, seg1, ip_id=101))


def case_draft_a3(cap):
    """UDPN A.3 header (218-octet JSON push-update, Publisher ID 2, Message ID 1563, no options).

    The draft's own payload encodes `interfaces` as an array (PROTOCOL.md §11 item 9), so the
    payload here is composed (same size, valid RFC 7951); the 12 header octets are the draft's.
    """
    payload = sized(lambda pad: compact({"ietf-yang-push:push-update": {
        "id": 1011, "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [
            {"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up",
             "description": "uplink" + pad}]}}}}), 218)
    d = udpnotif(2, 1563, payload)
    assert d[:12] == bytes.fromhex("21 0c 00 e6 00 00 00 02 00 00 06 1b")
    cap.add(v4(2, 12345, d, ip_id=7))


def case_malformed(cap):
    """One datagram for every udpnotif::parse_error reason (one fault each) and for every
    segment verdict that drops or ignores a segment (§2 step 3-5; limits from dump-args.txt),
    interleaved with valid messages, accepted oddities (§11.2 trailing octets, §11.5 unknown
    option, option order) and frames udpnotif-dump skips (ARP, ICMP, UDP to another port)."""
    ex = cap.expect
    good = lambda mid: push_update(1042, mid, ev(mid % 60), ["eth0"])
    ip_id = iter(range(1, 1000))
    n = 1
    sport = 41000

    def send(d, tags=()):
        cap.add(v4(n, sport, d, ip_id=next(ip_id), tags=tags))

    def bad(d, reason):
        send(d)
        ex.rejected(reason)

    def whole(mid, payload, tags=(), **kw):
        """A valid whole message (kw: header oddities that are accepted)."""
        send(udpnotif(1, mid, payload, **kw), tags=tags)
        ex.segment("whole")
        ex.message(1, mid, 1, payload)

    whole(1, subscription_started(1042, ev(0)))
    bad(bytes.fromhex("210c000b0000000100000a"), "too_short")  # 11 octets
    whole(2, good(2))
    # Ver 0 (udp-notif -01..-06 layout, §11.4), then Ver 2
    bad(udpnotif(1, 3, good(3), ver=0), "unsupported_version")
    bad(udpnotif(1, 3, good(3), ver=2), "unsupported_version")
    bad(udpnotif(1, 4, good(4), hlen=8), "header_len_too_small")
    whole(5, good(5))
    # Header Len 16 (a valid segmentation option), Message Length 14
    bad(udpnotif(1, 6, b"ab", seg_option(0, True), mlen=14, trailing=b"cd"),
        "header_len_exceeds_message")
    # Message Length 10 octets more than the datagram
    p = good(7)
    bad(udpnotif(1, 7, p, mlen=12 + len(p) + 10), "message_len_exceeds_datagram")
    bad(udpnotif(1, 8, good(8), mt=0), "reserved_media_type")  # S 0, MT 0
    bad(udpnotif(1, 9, good(9), mt=4), "unassigned_media_type")
    bad(udpnotif(1, 9, good(9), mt=15), "unassigned_media_type")
    bad(udpnotif(1, 10, good(10), s=1, mt=5), "private_media_type")  # S 1, private type 5
    whole(11, good(11), tags=((Dot1Q, 42),))
    # Header Len 13, one octet of options
    bad(udpnotif(1, 12, good(12), options=b"\x01"), "option_truncated")
    # TLV Length 1, and Length 0
    bad(udpnotif(1, 13, good(13), options=b"\x02\x01\x00\x00"), "option_length_too_small")
    bad(udpnotif(1, 13, good(13), options=b"\x02\x00\x00\x00"), "option_length_too_small")
    # TLV Length 8 in a 4-octet option area
    bad(udpnotif(1, 14, good(14), options=b"\x02\x08\x00\x00"), "option_overrun")
    # type 1 with Length 6 (§11.5)
    bad(udpnotif(1, 15, good(15), options=b"\x01\x06\x00\x01\x00\x00"),
        "segmentation_option_bad_length")
    bad(udpnotif(1, 16, good(16), options=seg_option(0, True) + seg_option(0, True)),
        "duplicate_segmentation_option")
    # Accepted: trailing octets after Message Length (§11.2), unknown option type 2 (removed
    # private-encoding option, skipped by Length, §11.5), segmentation option not first.
    whole(17, good(17), trailing=b"\x00" * 7)
    whole(18, good(18), options=b"\x02\x06JSON")
    p = good(19)
    send(udpnotif(1, 19, p[:150], options=b"\x02\x04\x00\x00" + seg_option(0, False)))
    ex.segment("stored")
    send(udpnotif(1, 19, p[150:], options=seg_option(1, True)), tags=((Dot1AD, 100), (Dot1Q, 42)))
    ex.segment("complete")
    ex.message(1, 19, 1, p)
    # Frames the dump skips: ARP (not IP), ICMP (not UDP), UDP to another port.
    cap.add(Ether(src=mac(n), dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="192.0.2.1", pdst=DST4))
    ex.skip("not_ip")
    cap.add(Ether(src=mac(n), dst=COLLECTOR_MAC) / IP(src="192.0.2.1", dst=DST4, id=900)
            / ICMP(type=8, id=1, seq=1) / Raw(b"ping"))
    ex.skip("not_udp")
    cap.add(v4(n, sport, udpnotif(1, 20, good(20)), dport=9999, ip_id=next(ip_id)))
    ex.skip("other_port")
    whole(21, good(21))

    # Segment verdicts (PROTOCOL.md §2 steps 3-5), each between valid messages. Limits for
    # this capture (dump-args.txt, and the receiver's options): at most 8 segments and
    # 4096 octets per message.
    ex.options = {"reassembly.max_segments": 8, "reassembly.max_message_bytes": 4096}

    def seg(mid, payload, number, last, verdict, mt=1):
        send(udpnotif(1, mid, payload, seg_option(number, last), mt=mt))
        ex.segment(verdict)

    p = good(22)
    seg(22, p[:100], 0, False, "stored")
    seg(22, p[100:], 1, True, "media_mismatch", mt=2)       # S/MT differ from segment 0
    p = good(23)
    k = len(p) // 3
    seg(23, p[:k], 0, False, "stored")
    seg(23, p[2 * k:], 2, True, "stored")
    seg(23, p[k:2 * k], 1, True, "conflicting_last")        # a second, different last
    p = good(24)
    seg(24, p[:100], 1, True, "stored")
    seg(24, p[100:], 2, False, "beyond_last")               # above the known last (1)
    whole(25, good(25))
    p = good(26)
    seg(26, p[:120], 0, False, "stored")
    seg(26, p[:120], 0, False, "duplicate")                 # same number again: ignored
    seg(26, p[120:], 1, True, "complete")                   # message 26 is delivered once
    ex.message(1, 26, 1, p)
    seg(26, p[120:], 1, True, "late")                       # after completion: ignored
    p = good(27)
    seg(27, p[:50], 8, False, "too_many_segments")          # number 8: a 9th segment
    big = sized(lambda pad: push_update(1042, 28, ev(28), ["eth0"], host="pe1" + pad), 4500)
    seg(28, big[:2000], 0, False, "stored")
    seg(28, big[2000:4000], 1, False, "stored")
    seg(28, big[4000:], 2, True, "too_large")               # 4500 > 4096 octets
    whole(29, good(29))
    # A set that never completes: segment 1 never comes; 2.5 s of capture time later the
    # reassembly timeout (2000 ms) has dropped it.
    p = good(30)
    seg(30, p[:100], 0, False, "stored")
    ex.expired()
    cap.t_us += 2_500_000
    whole(31, good(31))


def case_out_of_order(cap):
    """Segments of interleaved messages from three exporters (IPv4 and IPv6), each delivered
    out of order: last first, reversed, middle first, interleaved with other messages."""
    a = push_update(1, 2, ev(1), ["eth%d" % i for i in range(12)], host="pe1.example.net")
    b = push_update(1, 2, ev(1), ["eth%d" % i for i in range(9)], host="pe2.example.net")
    c = push_update(5, 2, ev(1), ["xe-0/0/%d" % i for i in range(7)], host="pe3.example.net")
    sa = segments(1, 2, a, [400] * (len(a) // 400) + [len(a) % 400])
    sb = segments(3, 2, b, [300] * (len(b) // 300) + [len(b) % 300])
    sc = segments(9, 2, c, [500] * (len(c) // 500) + [len(c) % 500])
    assert len(sa) >= 4 and len(sb) >= 4 and len(sc) >= 3
    frames = []
    ida, idb = iter(range(10, 100)), iter(range(200, 300))
    # a: last segment first, then the rest in order
    order_a = [len(sa) - 1] + list(range(len(sa) - 1))
    # b: fully reversed
    order_b = list(reversed(range(len(sb))))
    # c (IPv6): middle, last, then the others
    mid = len(sc) // 2
    order_c = [mid, len(sc) - 1] + [i for i in range(len(sc)) if i not in (mid, len(sc) - 1)]
    qa = [v4(1, 50001, sa[i], ip_id=next(ida)) for i in order_a]
    qb = [v4(2, 50002, sb[i], ip_id=next(idb)) for i in order_b]
    qc = [v6(3, 50003, sc[i]) for i in order_c]
    # whole messages before, between and after
    frames.append(v4(1, 50001, udpnotif(1, 1, subscription_started(1, ev(0))), ip_id=1))
    frames.append(v4(2, 50002, udpnotif(3, 1, subscription_started(1, ev(0), "pe2.example.net",
                                                                  (3,))), ip_id=2))
    frames.append(v6(3, 50003, udpnotif(9, 1, subscription_started(5, ev(0), "pe3.example.net",
                                                                  (9,)))))
    while qa or qb or qc:  # round-robin interleave
        for q in (qa, qb, qc):
            if q:
                frames.append(q.pop(0))
    frames.append(v4(1, 50001, udpnotif(1, 3, push_update(1, 3, ev(2), ["eth0"])), ip_id=3))
    for f in frames:
        cap.add(f, step_us=250)


def case_never_completed(cap):
    """Reassembly timeout (2000 ms, capture time, strict) and sets that never complete."""
    body = lambda seq: push_update(1042, seq, ev(seq), ["eth%d" % i for i in range(4)])
    a, b, c = body(10), body(11), body(12)
    sa = segments(1, 10, a, [300, len(a) - 300])
    sb = segments(1, 11, b, [300, len(b) - 300])
    sc = segments(1, 12, c, [200, 200, len(c) - 400])
    sport = 43000
    cap.add(v4(1, sport, udpnotif(1, 9, subscription_started(1042, ev(0))), ip_id=1), at_us=0)
    # a: segment 1 exactly 2.000000 s after segment 0 -> not expired (needs > timeout): complete
    cap.add(v4(1, sport, sa[0], ip_id=2), at_us=100_000)
    # b: segment 1 2.100000 s after segment 0 -> the set expired; segment 1 starts a new set
    #    that never completes (2 incomplete)
    cap.add(v4(1, sport, sb[0], ip_id=3), at_us=500_000)
    # c: segments 0 and 2 (last) only; segment 1 never comes (1 incomplete at end of file)
    cap.add(v4(1, sport, sc[0], ip_id=4), at_us=600_000)
    cap.add(v4(1, sport, sc[2], ip_id=5), at_us=700_000)
    cap.add(v4(1, sport, sa[1], ip_id=6), at_us=2_100_000)
    cap.add(v4(1, sport, sb[1], ip_id=7), at_us=2_600_000)
    cap.add(v4(1, sport, udpnotif(1, 13, body(13)), ip_id=8), at_us=2_700_000)


def case_ip_fragments(cap):
    """IPv6 Fragment headers and IPv4 fragments (scapy's fragment6/fragment), in order, reversed
    and shuffled, some carrying a UDP-notif segment (both layers at once)."""
    big6 = push_update(77, 2, ev(1), ["et-0/0/%d" % i for i in range(20)], host="r6.example.net")
    big4 = push_update(78, 2, ev(1), ["et-0/0/%d" % i for i in range(30)], host="r4.example.net")
    # IPv6: one whole message fragmented in 3-4 pieces, in order
    p6 = (Ether(src=mac(0x61), dst=COLLECTOR_MAC) / IPv6(src="2001:db8::1", dst=DST6)
          / IPv6ExtHdrFragment(id=0x1000) / UDP(sport=45000, dport=DPORT)
          / Raw(udpnotif(4, 2, big6)))
    frags6 = fragment6(p6, 1280)
    assert 3 <= len(frags6) <= 8, len(frags6)
    cap.add(v6(1, 45000, udpnotif(4, 1, subscription_started(77, ev(0), "r6.example.net", (4,)))))
    for f in frags6:
        cap.add(f)
    # IPv6: the next message, two UDP-notif segments, each IP-fragmented; fragments reversed
    nxt = push_update(77, 3, ev(2), ["et-0/0/%d" % i for i in range(14)], host="r6.example.net")
    half = len(nxt) // 2
    for k, sd in enumerate(segments(4, 3, nxt, [half, len(nxt) - half])):
        p = (Ether(src=mac(0x61), dst=COLLECTOR_MAC) / IPv6(src="2001:db8::1", dst=DST6)
             / IPv6ExtHdrFragment(id=0x1001 + k) / UDP(sport=45000, dport=DPORT) / Raw(sd))
        fr = fragment6(p, 1000)
        assert 2 <= len(fr) <= 8, len(fr)
        for f in reversed(fr):
            cap.add(f)
    # IPv4: one whole message fragmented at 1500, fragments shuffled (2, 0, 3, 1 ...)
    p4 = (Ether(src=mac(0x41), dst=COLLECTOR_MAC) / IP(src="192.0.2.41", dst=DST4, id=4242)
          / UDP(sport=46000, dport=DPORT) / Raw(udpnotif(5, 2, big4)))
    frags4 = fragment(p4[IP], fragsize=1480)
    assert 3 <= len(frags4) <= 8, len(frags4)
    cap.add(v4(41, 46000, udpnotif(5, 1, subscription_started(78, ev(0), "r4.example.net", (5,))),
               ip_id=4241))
    order = [2, 0] + list(range(3, len(frags4))) + [1]
    for i in order:
        cap.add(Ether(src=mac(0x41), dst=COLLECTOR_MAC) / frags4[i])
    cap.add(v6(1, 45000, udpnotif(4, 4, push_update(77, 4, ev(3), ["et-0/0/0"],
                                                    host="r6.example.net"))))


def case_conflicting_last(cap):
    """Sets dropped by §2 step 3 rules: two different "last" numbers, a number beyond the known
    last, S/MT differing between segments; valid messages around them."""
    body = lambda seq: push_update(1042, seq, ev(seq), ["eth0", "eth1", "eth2"])
    sport = 44000
    ids = iter(range(1, 100))
    send = lambda d: cap.add(v4(1, sport, d, ip_id=next(ids)))
    send(udpnotif(1, 1, subscription_started(1042, ev(0))))
    p = body(2)
    k = len(p) // 3
    parts = [p[:k], p[k:2 * k], p[2 * k:]]
    # message 2: segment 0, segment 2 with L, then segment 1 also with L -> conflicting_last
    send(udpnotif(1, 2, parts[0], seg_option(0, False)))
    send(udpnotif(1, 2, parts[2], seg_option(2, True)))
    send(udpnotif(1, 2, parts[1], seg_option(1, True)))
    send(udpnotif(1, 3, body(3)))
    # message 4: segment 1 with L, then segment 2 -> beyond_last
    p = body(4)
    send(udpnotif(1, 4, p[:100], seg_option(1, True)))
    send(udpnotif(1, 4, p[100:], seg_option(2, False)))
    # message 5: segment 0 JSON (MT 1), segment 1 XML (MT 2) -> media_mismatch
    p = body(5)
    send(udpnotif(1, 5, p[:200], seg_option(0, False), mt=1))
    send(udpnotif(1, 5, p[200:], seg_option(1, True), mt=2))
    send(udpnotif(1, 6, body(6)))


def case_duplicate(cap):
    """Duplicates: a segment repeated before completion (dropped), a whole message repeated
    (a whole message is never de-duplicated: printed twice), and a segment repeated after its
    message completed (state was freed, so it starts a set that never completes)."""
    body = lambda seq: push_update(1042, seq, ev(seq), ["eth%d" % i for i in range(5)])
    sport = 47000
    ids = iter(range(1, 100))
    send = lambda d: cap.add(v4(5, sport, d, ip_id=next(ids)))
    send(udpnotif(3, 1, subscription_started(1042, ev(0), pubs=(3,))))
    p = body(2)
    s = segments(3, 2, p, [250, 250, len(p) - 500])
    send(s[0])
    send(s[1])
    send(s[1])  # duplicate before completion: dropped
    send(s[0])  # and again
    send(s[2])  # completes message 2
    w = udpnotif(3, 3, body(3))
    send(w)
    send(w)  # whole message twice
    send(s[2])  # late duplicate of a completed message's last segment
    send(udpnotif(3, 4, body(4)))


def case_malformed_payloads(cap):
    """Malformed payloads of each media type (JSON, XML, CBOR: one per decoder/transcoder
    failure reason a payload can cause under the default limits, some segmented) between valid
    push-updates of each media type, all from one exporter whose JSON subscription-started
    comes first. Every valid push-update names one interface `valid-<n>`; the receiver test
    (tests/golden/corpus_recv_test.py) checks each reason's counter, that each valid one
    arrives once and intact, and that every malformed payload reaches the dead-letter topic
    octet for octet."""
    ex = cap.expect
    ip_id = iter(range(1, 1000))
    mid = iter(range(1, 1000))
    sport = 41001

    def send(payload, mt=1, split=None, error=None, json_value=None):
        """error: the decoder/transcoder reason the payload must be refused with; None: valid
        (json_value: the JSON the envelope's payload must equal when it is not the payload
        itself)."""
        m = next(mid)
        if split is None:
            dgrams = [udpnotif(1, m, payload, mt=mt)]
            ex.segment("whole")
        else:
            dgrams = segments(1, m, payload, [split, len(payload) - split], mt=mt)
            ex.segment("stored")
            ex.segment("complete")
        for d in dgrams:
            cap.add(v4(2, sport, d, ip_id=next(ip_id)))
        if error is None:
            ex.message(1, m, mt, payload, json_value)
        else:
            ex.undecodable_message(mt, payload, error)

    def json_valid(n):
        return push_update(1042, n + 1, ev(n), ["valid-%d" % n])

    def xml_valid(n, interface="<name>valid-%d</name><enabled>true</enabled>"):
        return ('<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">'
                '<eventTime>2026-03-01T10:00:%02d.00Z</eventTime>'
                '<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>'
                '<datastore-contents>'
                '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">'
                '<interface>' + interface + '</interface>'
                '</interfaces></datastore-contents></push-update></notification>'
                ) % ((n, n) if "%d" in interface else (n,))

    def xml_valid_json(n):
        """What the receiver produces for xml_valid(n): the classic wrapper stripped, eventTime
        moved to the metadata (PROTOCOL.md §11.23), RFC 7951 JSON (§3.4)."""
        return {"ietf-yang-push:push-update": {
            "id": 1042, "datastore-contents": {"ietf-interfaces:interfaces": {
                "interface": [{"name": "valid-%d" % n, "enabled": True}]}}}}

    def cbor_value(n):
        return {"ietf-yp-notification:envelope": {
            "event-time": "2026-03-01T10:00:%02d.00Z" % n, "hostname": "pe2.example.net",
            "sequence-number": n + 1,
            "contents": {"ietf-yang-push:push-update": {
                "id": 1042, "datastore-contents": {"ietf-interfaces:interfaces": {
                    "interface": [{"name": "valid-%d" % n, "enabled": True}]}}}}}}

    def cbor_valid(n):
        return cbor(cbor_value(n))

    def cbor_push_update(item):
        """{"ietf-yang-push:push-update": {"id": <item>}} with \p item given as CBOR octets."""
        return (cbor_head(5, 1) + cbor("ietf-yang-push:push-update") + cbor_head(5, 1)
                + cbor("id") + item)

    send(subscription_started(1042, ev(0)))
    send(json_valid(1))
    # JSON (MT 1), decode_error reasons
    send(b'{"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:02.00Z",',
         error="invalid_json")
    send(json_valid(2), split=200)
    send(b'[1,2,3]', error="not_an_object")
    send(b'{}', error="empty_object")
    send(b'{"no-module-prefix":{"id":1}}', error="unknown_root")
    send(b'{"ietf-yp-notification:envelope":{"event-time":"2026-03-01T10:00:03.00Z",'
         b'"hostname":"pe2.example.net"}}', error="missing_notification")
    send(b'{"ietf-yp-notification:envelope":{"event-time":7,"contents":'
         b'{"ietf-yang-push:push-update":{"id":1042}}}}', error="bad_member_type")
    send(json_valid(3)[:-1] + b'}{}', split=100, error="trailing_content")
    send(json_valid(4))
    # XML (MT 2), xml_transcode_error reasons
    send(xml_valid(5).encode(), mt=2, json_value=xml_valid_json(5))
    send(xml_valid(6).encode()[:-20], mt=2, error="malformed_xml")
    send(b'<thing xmlns="urn:example:not-loaded"><a>1</a></thing>', mt=2,
         error="unknown_namespace")
    send(b'<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>', mt=2,
         error="not_a_notification")
    # A bad value of a leaf the schema types (push-update id is uint32). A bad value inside
    # datastore-contents (anydata) is not refused: libyang keeps it as opaque content.
    send(xml_valid(7).replace("<id>1042</id>", "<id>not-a-number</id>").encode(), mt=2,
         split=150, error="invalid_content")
    # 130 nested elements: deeper than the transcoder's max_depth (128), refused before libyang
    send(xml_valid(7, "<name>deep</name>" + "<x>" * 130 + "</x>" * 130).encode(), mt=2,
         error="too_deep")
    send(xml_valid(8).encode(), mt=2, split=120, json_value=xml_valid_json(8))
    # CBOR (MT 3), cbor_transcode_error reasons
    send(cbor_valid(9), mt=3, json_value=cbor_value(9))
    send(cbor_valid(10)[:40], mt=3, error="truncated")
    send(b'\xa1\x1c', mt=3, error="invalid_cbor")              # reserved AI 28
    send(cbor_valid(11) + b'\x00', mt=3, split=60, error="trailing_data")
    send(b'\x83\x01\x02\x03', mt=3, error="not_a_map")
    send(b'\xa1\x19\x03\xe8\xa0', mt=3, error="sid_keys")     # integer key 1000
    send(b'\xa1\x41a\x01', mt=3, error="bad_key")              # byte string key
    send(cbor_push_update(b'\xf7'), mt=3, error="no_json_form")  # undefined
    send(cbor_push_update(b'\xd8\x2c' + cbor("up")), mt=3, error="schema_needed")  # tag 44
    send(cbor_push_update(b'\xc4' + cbor([1, "x"])), mt=3, error="bad_decimal")    # tag 4
    send(cbor_push_update(b'\x62\xc3\x28'), mt=3, error="invalid_utf8")  # C3 28: no UTF-8
    send(cbor_push_update(b'\x81' * 130 + b'\x00'), mt=3, split=20,
         error="too_deep")                                       # 130 nested arrays > 128
    send(cbor_valid(12), mt=3, split=70, json_value=cbor_value(12))
    send(json_valid(13))


CASES = {
    "scapy-worked-example": (case_worked_example, []),
    "scapy-draft-a3": (case_draft_a3, []),
    "scapy-malformed": (case_malformed, ["--port", str(DPORT), "--max-segments", "8",
                                         "--max-message-bytes", "4096"]),
    "scapy-out-of-order": (case_out_of_order, []),
    "scapy-never-completed": (case_never_completed, []),
    "scapy-ip-fragments": (case_ip_fragments, []),
    "scapy-conflicting-last": (case_conflicting_last, []),
    "scapy-duplicate": (case_duplicate, []),
    "scapy-malformed-payloads": (case_malformed_payloads, []),
}

# Cases whose expected-counters.json the receiver test reads (tests/golden/corpus_recv_test.py).
COUNTED_CASES = ("scapy-malformed", "scapy-malformed-payloads")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases-dir", default=DEFAULT_CASES)
    ap.add_argument("--only", nargs="*", default=None, help="case names to write")
    args = ap.parse_args(argv)
    for name, (build, dump_args) in CASES.items():
        if args.only and name not in args.only:
            continue
        d = os.path.join(args.cases_dir, name)
        os.makedirs(d, exist_ok=True)
        cap = Capture()
        build(cap)
        cap.write(os.path.join(d, "input.pcap"))
        args_path = os.path.join(d, "dump-args.txt")
        if dump_args:
            with open(args_path, "w") as f:
                f.write(" ".join(dump_args) + "\n")
        elif os.path.exists(args_path):
            os.remove(args_path)
        counters_path = os.path.join(d, "expected-counters.json")
        if name in COUNTED_CASES:
            with open(counters_path, "w") as f:
                json.dump(cap.expect.as_json(cap), f, indent=1, sort_keys=True)
                f.write("\n")
        elif os.path.exists(counters_path):
            os.remove(counters_path)
        with open(os.path.join(d, "made-by.txt"), "w") as f:
            f.write(f"python3 tools/pcap-cases/make_scapy_cases.py --only {name}\n"
                    f"# {build.__doc__.splitlines()[0]}\n")
        print(f"{name}: {len(cap.frames)} frames", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
