#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets into tests/fuzz/corpus/<target>/.

Seeds come from the golden captures (pcap/cases/*/input.pcap: UDP-notif datagrams, and the
JSON messages they reassemble to) and from documents composed like the unit tests' (tests/
yangpush, tests/key, tests/worker). Files named seed-* are rewritten on every run; anything
else in a corpus folder (crash-* inputs that found a bug, kept as regressions) is left alone.
Deterministic: the same tree gives the same files. Python 3 standard library only.

    tools/fuzz-corpus.py            # from the repository root or anywhere
"""
import glob
import json
import os
import struct
import sys

from yang_cbor import cbor, cbor_head  # tools/yang_cbor.py, beside this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_SEED = 8192  # octets; seeds stay small


# --- pcap reading (classic pcap, Ethernet, optional VLAN tags, IPv4/IPv6, UDP) ------------------

def udp_payloads(path):
    """UDP payloads of the capture, in order; IP fragments are skipped."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    out = []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        p = 12
        ethertype = struct.unpack(">H", frame[p:p + 2])[0]
        p += 2
        while ethertype in (0x8100, 0x88A8):
            ethertype = struct.unpack(">H", frame[p + 2:p + 4])[0]
            p += 4
        if ethertype == 0x0800:
            ihl = (frame[p] & 0x0F) * 4
            flags_frag = struct.unpack(">H", frame[p + 6:p + 8])[0]
            if flags_frag & 0x3FFF or frame[p + 9] != 17:
                continue  # fragment or not UDP
            udp = p + ihl
        elif ethertype == 0x86DD:
            if frame[p + 6] != 17:
                continue  # extension headers (fragments) or not UDP
            udp = p + 40
        else:
            continue
        length = struct.unpack(">H", frame[udp + 4:udp + 6])[0]
        out.append(bytes(frame[udp + 8:udp + length]))
    return out


def reassemble(datagrams):
    """Whole UDP-notif messages (media type, payload) from well-formed datagrams."""
    sets = {}
    whole = []
    for d in datagrams:
        if len(d) < 12 or d[0] >> 5 != 1 or d[1] < 12:
            continue
        hlen, mlen = d[1], struct.unpack(">H", d[2:4])[0]
        if mlen > len(d) or hlen > mlen:
            continue
        mt = d[0] & 0x0F
        pub, mid = struct.unpack(">II", d[4:12])
        seg = None
        o = 12
        while o + 2 <= hlen:
            t, ln = d[o], d[o + 1]
            if ln < 2:
                break
            if t == 1 and ln == 4:
                f = struct.unpack(">H", d[o + 2:o + 4])[0]
                seg = (f >> 1, f & 1)
            o += ln
        payload = d[hlen:mlen]
        if seg is None or seg == (0, 1):
            whole.append((mt, payload))
            continue
        s = sets.setdefault((pub, mid), {"parts": {}, "last": None, "mt": mt})
        s["parts"].setdefault(seg[0], payload)
        if seg[1]:
            s["last"] = seg[0]
        if s["last"] is not None and all(i in s["parts"] for i in range(s["last"] + 1)):
            whole.append((mt, b"".join(s["parts"][i] for i in range(s["last"] + 1))))
            del sets[(pub, mid)]
    return whole


# --- documents composed like the unit tests' ---------------------------------------------------

STARTED_1042 = {
    "id": 1042,
    "ietf-yang-push:datastore": "ietf-datastores:operational",
    "ietf-yang-push:datastore-xpath-filter": "/ietf-interfaces:interfaces/interface",
    "transport": "ietf-udp-notif-transport:udp-notif",
    "encoding": "encode-json",
    "ietf-yang-push:periodic": {"period": 3000},
    "ietf-yang-push-revision:module-version": [{"name": "ietf-interfaces", "revision": "2018-02-20"}],
    "ietf-yang-push-revision:yang-library-content-id": "41c3a2",
}
STARTED_2001_SUBTREE = {
    "id": 2001,
    "ietf-yang-push:datastore": "ietf-datastores:operational",
    "ietf-yang-push:datastore-subtree-filter": {
        "ietf-hardware:hardware": {"component": [{"serial-num": {}}]}},
    "ietf-yang-push:on-change": {"sync-on-start": True},
}
PUSH_UPDATE_1042 = {
    "id": 1042,
    "ietf-distributed-notif:message-publisher-id": 1,
    "datastore-contents": {"ietf-interfaces:interfaces": {"interface": [
        {"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "oper-status": "up",
         "statistics": {"in-octets": "12345678901234"}},
        {"name": "eth1", "enabled": False}]}},
}
PUSH_CHANGE_2001 = {
    "id": 2001,
    "datastore-changes": {"ietf-yang-patch:yang-patch": {"patch-id": "p-17", "edit": [
        {"edit-id": "e1", "operation": "replace",
         "target": "/ietf-hardware:hardware/component=slot%2F1/serial-num",
         "value": {"ietf-hardware:serial-num": "SN-1"}}]}},
}
TERMINATED = {"id": 1042, "reason": "ietf-subscribed-notifications:filter-unavailable"}
MODIFIED_1042 = {"id": 1042, "ietf-yang-push:periodic": {"period": 6000}}

SN = "ietf-subscribed-notifications:"
YP = "ietf-yang-push:"


def envelope(name, contents, seq=1, hostname="router-nyc-01", member="contents"):
    env = {"event-time": "2026-03-01T10:00:00.12Z"}
    if hostname:
        env["hostname"] = hostname
    env["sequence-number"] = seq
    env[member] = {name: contents}
    return {"ietf-yp-notification:envelope": env}


def legacy(name, contents, root="ietf-notification:notification"):
    return {root: {"eventTime": "2026-03-01T10:00:00.12Z", name: contents}}


def jdump(v):
    return json.dumps(v, separators=(", ", ": ")).encode()


JSON_DOCS = {
    "started-envelope": envelope(SN + "subscription-started", STARTED_1042),
    "started-subtree": envelope(SN + "subscription-started", STARTED_2001_SUBTREE),
    "modified": envelope(SN + "subscription-modified", MODIFIED_1042, seq=3),
    "terminated": envelope(SN + "subscription-terminated", TERMINATED, seq=9),
    "push-update-envelope": envelope(YP + "push-update", PUSH_UPDATE_1042, seq=2),
    "push-update-legacy-contents": envelope(YP + "push-update", PUSH_UPDATE_1042,
                                            member="notification-contents"),
    "push-update-netconf": legacy(YP + "push-update", PUSH_UPDATE_1042),
    "push-update-restconf": legacy(YP + "push-update", PUSH_UPDATE_1042, "ietf-restconf:notification"),
    "push-update-bare-wrapper": legacy(YP + "push-update", PUSH_UPDATE_1042, "notification"),
    "push-update-no-wrapper": {YP + "push-update": PUSH_UPDATE_1042},
    "push-change-update": envelope(YP + "push-change-update", PUSH_CHANGE_2001),
    "other-notification": legacy("example-vendor:alarm", {"severity": "major", "text": "fan \u00e9"}),
}

NETCONF_OPEN = ('<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">'
                "<eventTime>2026-03-01T10:00:00.12Z</eventTime>")
PUSH_UPDATE_XML = (
    '<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id>1042</id>'
    '<message-publisher-id xmlns="urn:ietf:params:xml:ns:yang:ietf-distributed-notif">2'
    "</message-publisher-id><datastore-contents>"
    '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces">'
    "<interface><name>eth0</name>"
    '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type>'
    "<oper-status>up</oper-status><statistics><in-octets>12345678901234</in-octets>"
    "</statistics></interface><interface><name>eth1</name><enabled>false</enabled></interface>"
    "</interfaces></datastore-contents></push-update>")
STARTED_XML = (
    '<subscription-started xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications"'
    ' xmlns:yp="urn:ietf:params:xml:ns:yang:ietf-yang-push"'
    ' xmlns:a="urn:ietf:params:xml:ns:yang:ietf-interfaces"><id>1042</id>'
    '<yp:datastore xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">ds:operational'
    "</yp:datastore>"
    '<yp:datastore-xpath-filter xmlns:ip="urn:ietf:params:xml:ns:yang:ietf-ip">'
    "/a:interfaces/a:interface[a:name='x:y']/ip:ipv4</yp:datastore-xpath-filter>"
    '<transport xmlns:unt="urn:ietf:params:xml:ns:yang:ietf-udp-notif-transport">'
    "unt:udp-notif</transport><encoding>encode-xml</encoding>"
    "<yp:periodic><yp:period>3000</yp:period></yp:periodic></subscription-started>")
TERMINATED_XML = (
    '<subscription-terminated xmlns="urn:ietf:params:xml:ns:yang:ietf-subscribed-notifications">'
    "<id>1042</id><reason>filter-unavailable</reason></subscription-terminated>")


def xml_envelope(notification, member="contents"):
    return ('<envelope xmlns="urn:ietf:params:xml:ns:yang:ietf-yp-notification">'
            "<event-time>2026-03-01T10:00:00.12Z</event-time><hostname>pe1.example.net</hostname>"
            f"<sequence-number>1284</sequence-number><{member}>{notification}</{member}></envelope>")


XML_DOCS = {
    "push-update-netconf": NETCONF_OPEN + PUSH_UPDATE_XML + "</notification>",
    "push-update-envelope": xml_envelope(PUSH_UPDATE_XML),
    "push-update-envelope-legacy": xml_envelope(PUSH_UPDATE_XML, "notification-contents"),
    "push-update-bare": PUSH_UPDATE_XML,
    "started-netconf": NETCONF_OPEN + STARTED_XML + "</notification>",
    "terminated-netconf": NETCONF_OPEN + TERMINATED_XML + "</notification>",
    "vendor-anydata": NETCONF_OPEN + '<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push">'
    '<id>1</id><datastore-contents><foo xmlns="urn:example:vendor"><bar>1</bar></foo>'
    "</datastore-contents></push-update></notification>",
    "prefixed-envelope": '<iypn:envelope xmlns:iypn="urn:ietf:params:xml:ns:yang:ietf-yp-notification"'
    ' xmlns:yp="urn:ietf:params:xml:ns:yang:ietf-yang-push"><iypn:event-time>2026-03-01T10:00:00Z'
    "</iypn:event-time><iypn:contents><yp:push-update><yp:id>7</yp:id></yp:push-update>"
    "</iypn:contents></iypn:envelope>",
    "cdata-comment-pi": '<?xml version="1.0"?><!-- c -->' + NETCONF_OPEN +
    '<push-update xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-push"><id><![CDATA[5]]></id>'
    "</push-update></notification>",
}

CBOR_EXTRA = {
    # tag 4 decimal fraction, byte string, null member (empty), self-describe tag, indefinite map
    "decimal-binary-empty": b"\xd9\xd9\xf7" + cbor_head(5, 1) + cbor(YP + "push-update") +
    cbor_head(5, 4) + cbor("id") + cbor(7) + cbor("dec") + b"\xc4\x82\x21\x19\x04\xd2" +
    cbor("bin") + cbor(b"\x00\x01\xfe") + cbor("empty") + b"\xf6",
    "indefinite": b"\xbf" + cbor(YP + "push-update") + b"\xbf" + cbor("id") + cbor(1) +
    cbor("s") + b"\x7f" + cbor("ab") + cbor("cd") + b"\xff" + b"\xff\xff",
    "sid-keys": cbor_head(5, 1) + cbor(2957) + cbor({"x": 1}),
    "float-negative": cbor({YP + "push-update": {"id": 3, "f": 1.5, "n": -20, "big": 2**40}}),
}

XPATHS = [
    "/ietf-interfaces:interfaces/interface",
    "ietf-interfaces:interfaces/interface[type='ianaift:ethernetCsmacd']",
    "/ietf-interfaces:interfaces/interface | /ietf-hardware:hardware/component",
    "/if:interfaces/interface[name='eth0']/oper-status | /ietf-hardware:hardware/component/serial-num",
    "/ietf-interfaces:interfaces/interface[name='eth0']/ietf-ip:ipv4/address",
    "/acme:interfaces/acme:interface[acme:name=\"it's\"]",
    "/ietf-netconf-acm:nacm/rule-list/rule/path",
    "/ietf-interfaces:interfaces/interface/higher-layer-if",
    "/ietf-subscribed-notifications:subscriptions/subscription[id=5][1]",
]
SUBTREE_JSON = [
    {"ietf-hardware:hardware": {"component": [{"serial-num": {}}]}},
    {"ietf-interfaces:interfaces": {"interface": [{"name": "eth0", "oper-status": {}},
                                                  {"name": "eth1", "statistics": {}}]}},
    {"if:interfaces": {"interface": {"ietf-ip:ipv4": {"address": {}}}}},
]
SUBTREE_XML = [
    '<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface>'
    "<name>eth0</name><oper-status/></interface></interfaces>"
    '<hardware xmlns="urn:ietf:params:xml:ns:yang:ietf-hardware"><component>'
    "<serial-num/></component></hardware>",
    '<acme:interfaces xmlns:acme="urn:ietf:params:xml:ns:yang:ietf-interfaces"><acme:interface>'
    "<acme:name>it&apos;s \"q\"</acme:name></acme:interface></acme:interfaces>",
]


# --- writers -----------------------------------------------------------------------------------

WRITTEN = set()


def write(target, name, data):
    """Writes one seed unless it is too large or the same octets are already a seed of target."""
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if len(data) > MAX_SEED or (target, data) in WRITTEN:
        return
    WRITTEN.add((target, data))
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear_seeds():
    for path in glob.glob(os.path.join(CORPUS, "*", "seed-*")):
        os.remove(path)


def reassembly_record(exporter=0, port_alt=False, mid=1, last=False, whole=False, seg=0,
                      length=20, tick=1, mismatch=False):
    d0 = exporter | (4 if port_alt else 0) | (mid << 3) | (0x40 if last else 0) | (0x80 if whole else 0)
    return bytes([d0, seg, length, tick | (0x80 if mismatch else 0)])


def reassembly_seeds():
    r = reassembly_record
    cfg = bytes([0xA3, 0x4F])  # 8192 octets, 4 pending, 4 finished keys, 16 segments, 4096 octets
    yield "in-order", cfg + r(seg=0) + r(seg=1) + r(seg=2, last=True)
    yield "reversed", cfg + r(seg=3, last=True) + r(seg=2) + r(seg=1) + r(seg=0)
    yield "duplicate-late", cfg + r(seg=0) + r(seg=0) + r(seg=1, last=True) + r(seg=1, last=True)
    yield "conflicting-last", cfg + r(seg=2, last=True) + r(seg=3, last=True)
    yield "beyond-last", cfg + r(seg=1, last=True) + r(seg=4)
    yield "too-many", cfg + r(seg=40) + r(seg=0xFF)
    yield "mismatch", cfg + r(seg=0) + r(seg=1, last=True, mismatch=True)
    yield "whole", cfg + r(whole=True) + r(seg=0, last=True)
    yield "interleaved", cfg + b"".join(r(exporter=e, mid=m, seg=s, last=s == 2)
                                        for s in range(3) for e in range(4) for m in range(2))
    yield "memory-evict", bytes([0x00, 0x7F]) + b"".join(
        r(mid=m, seg=s, length=0x80 | 20) for m in range(4) for s in range(2))
    yield "expire-and-back", cfg + r(seg=0) + r(tick=0x7F) + r(seg=1, last=True) + \
        r(seg=0, tick=0x7E) + r(seg=1, last=True, tick=0x70)
    yield "src-port-unkeyed", bytes([0x2B, 0x4F]) + r(seg=0) + r(seg=1, last=True, port_alt=True)


def key_seeds():
    contents = jdump(PUSH_UPDATE_1042)
    change = jdump(PUSH_CHANGE_2001)
    for i, x in enumerate(XPATHS):
        yield f"xpath-{i}", bytes([0x0C | (0x80 if "acme" in x else 0), 0x04]) + x.encode() + b"\0" + contents
    yield "xpath-seed-profile", bytes([0x08, 0x06]) + XPATHS[0].encode() + b"\0" + contents
    yield "xpath-short-topics", bytes([0x4C, 0x00]) + XPATHS[3].encode() + b"\0" + contents
    yield "xpath-patch", bytes([0x1C, 0x09]) + b"/ietf-hardware:hardware/component" + b"\0" + change
    for i, s in enumerate(SUBTREE_JSON):
        yield f"subtree-json-{i}", bytes([0x0D, 0x00]) + jdump(s) + b"\0" + contents
    for i, s in enumerate(SUBTREE_XML):
        yield f"subtree-xml-{i}", bytes([0x0E | (0x80 if "acme" in s else 0), 0x00]) + s.encode() + b"\0" + contents
    yield "by-reference", bytes([0x0F, 0x00]) + b"my-filter" + b"\0" + contents + b"\0it's \"q\""


def envelope_seeds():
    sep = b"\n@@\n"
    started = jdump(JSON_DOCS["started-envelope"])
    update = jdump(JSON_DOCS["push-update-envelope"])
    for knobs, name in ((0x00, "seed"), (0x05, "latest-topic"), (0x0B, "latest-dlq-nokey")):
        yield f"{name}-started-update", bytes([knobs]) + b"1" + started + sep + b"1" + update + \
            sep + b"1" + jdump(JSON_DOCS["modified"]) + sep + b"1" + update + sep + b"1" + \
            jdump(JSON_DOCS["terminated"])
    yield "subtree-change", bytes([0x05]) + b"1" + jdump(JSON_DOCS["started-subtree"]) + sep + \
        b"1" + jdump(JSON_DOCS["push-change-update"])
    yield "unknown-subscription", bytes([0x01]) + b"1" + update + sep + b"9" + update
    yield "legacy-forms", bytes([0x00]) + sep.join(
        b"1" + jdump(JSON_DOCS[k]) for k in ("push-update-netconf", "push-update-restconf",
                                             "push-update-bare-wrapper", "push-update-no-wrapper",
                                             "other-notification"))
    yield "xml", bytes([0x03]) + b"2" + XML_DOCS["started-netconf"].encode() + sep + b"2" + \
        XML_DOCS["push-update-envelope"].encode()
    yield "cbor", bytes([0x01]) + b"3" + cbor(JSON_DOCS["started-envelope"]) + sep + b"3" + \
        cbor(JSON_DOCS["push-update-envelope"])
    yield "undecodable-dlq", bytes([0x02]) + b"1this is not json" + sep + b"5{}" + sep + b"0{}"


def main():
    clear_seeds()
    datagrams = []
    for pcap in sorted(glob.glob(os.path.join(ROOT, "pcap", "cases", "*", "input.pcap"))):
        case = os.path.basename(os.path.dirname(pcap))
        payloads = udp_payloads(pcap)
        datagrams.extend(payloads)
        # Headers: a few datagrams per capture, the malformed ones all.
        picked = payloads if case == "scapy-malformed" else payloads[:3]
        for i, d in enumerate(picked):
            write("fuzz_header", f"{case}-{i}", d)
        messages = reassemble(payloads)
        for i, (mt, msg) in ((0, messages[0]), (len(messages) - 1, messages[-1])) if messages else ():
            if mt == 1:
                write("fuzz_decode_json", f"{case}-{i}", msg)
    # A datagram with an unknown option after the segmentation option, and one before it.
    write("fuzz_header", "options", bytes.fromhex("2118001c000000070000002a01040003020400000a0400ff") +
          b"{}\n\n")
    write("fuzz_header", "seg-not-first", bytes.fromhex("2114001a000000070000002a0304000001040002") +
          b"{}\n\n\n\n")
    for name, doc in JSON_DOCS.items():
        write("fuzz_decode_json", name, jdump(doc))
        write("fuzz_decode_cbor", name, cbor(doc))
    for name, data in CBOR_EXTRA.items():
        write("fuzz_decode_cbor", name, data)
    for name, doc in XML_DOCS.items():
        write("fuzz_decode_xml", name, doc.encode())
    for name, data in reassembly_seeds():
        write("fuzz_reassembly", name, data)
    for name, data in key_seeds():
        write("fuzz_key", name, data)
    for name, data in envelope_seeds():
        write("fuzz_envelope", name, data)
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
