#!/usr/bin/env python3
"""udpnotif-pcapgen checks.

--mode determinism: the same arguments give byte-identical captures (twice in a row, and every
  committed pcap/cases/*/input.pcap that has an args.txt is reproduced exactly); another seed
  gives another capture.
--mode scapy-count: captures without loss or duplicates, decoded by the independent
  tools/pcap-cases/scapy_dump.py, hold exactly the messages, datagrams and frames pcapgen says
  it wrote, none incomplete or invalid, and every IPv4 header and UDP checksum (computed by the
  script, RFC 1071) is right. Skipped (77) when no python3 can import scapy.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile

from golden_common import SKIP, case_dirs, read_args, report, scapy_python, split_output

SUMMARY = re.compile(r"messages=(\d+) datagrams=(\d+) frames=(\d+) bytes=(\d+)")

DETERMINISM_ARGS = [
    "--seed 42 --mix-ip --exporters 3 --publishers-per-exporter 2 --messages 4 --size 800,5000 "
    "--mtu 1400 --reorder 0.2 --duplicate 0.1 --loss 0.1 --vlan 7",
    "--seed 7 --ipv6 --exporters 2 --messages 3 --size 6000 --ip-fragment --legacy-wrapper",
]

COUNT_ARGS = [
    "--seed 101 --exporters 3 --publishers-per-exporter 2 --messages 4 --size 500,6000",
    "--seed 102 --ipv6 --exporters 2 --messages 4 --size 2000,9000 --ip-fragment",
    "--seed 103 --mix-ip --exporters 4 --messages 5 --interfaces 6 --mtu 1280 --reorder 0.4",
    "--seed 104 --exporters 2 --messages 3 --size 3000 --legacy-wrapper --vlan 4094 --mtu 9000",
    "--seed 105 --mix-ip --exporters 2 --messages 3 --size 4000 --ip-fragment --reorder 0.5 "
    "--mtu 1280",
]


def pcapgen(exe, args, out):
    r = subprocess.run([exe] + args + ["--out", out], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"udpnotif-pcapgen {' '.join(args)} exited {r.returncode}: {r.stderr}")
    m = SUMMARY.search(r.stderr)
    if not m:
        raise RuntimeError(f"no summary on stderr: {r.stderr!r}")
    return tuple(int(x) for x in m.groups())


def read(path):
    with open(path, "rb") as f:
        return f.read()


def determinism(exe, cases, tmp):
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("ok " if ok else "FAIL ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    for i, line in enumerate(DETERMINISM_ARGS):
        args = shlex.split(line)
        a, b = os.path.join(tmp, f"d{i}a.pcap"), os.path.join(tmp, f"d{i}b.pcap")
        sa, sb = pcapgen(exe, args, a), pcapgen(exe, args, b)
        check(read(a) == read(b) and sa == sb, f"same arguments, same bytes: {line}")
        check(read(a)[:4] == bytes.fromhex("d4c3b2a1") and read(a)[20:24] == b"\x01\x00\x00\x00",
              "classic pcap (microseconds), link type Ethernet")
        other = [x if x != args[1] else str(int(args[1]) + 1) for x in args]
        c = os.path.join(tmp, f"d{i}c.pcap")
        pcapgen(exe, other, c)
        check(read(a) != read(c), f"another seed, other bytes: {' '.join(other)}")
    for d in case_dirs(cases):
        args = read_args(os.path.join(d, "args.txt"))
        if not args:
            continue
        name = os.path.basename(d)
        out = os.path.join(tmp, name + ".pcap")
        pcapgen(exe, args, out)
        check(read(out) == read(os.path.join(d, "input.pcap")),
              f"{name}: args.txt reproduces the committed input.pcap")
    return passed, failed


def scapy_count(exe, scapy_dump, tmp):
    py = scapy_python()
    if py is None:
        print("skipped: no python3 with scapy (Debian package python3-scapy)")
        return None
    passed = failed = 0
    for i, line in enumerate(COUNT_ARGS):
        out = os.path.join(tmp, f"c{i}.pcap")
        messages, datagrams, frames, _ = pcapgen(exe, shlex.split(line), out)
        r = subprocess.run([py, scapy_dump, out, "--verify-checksums"], capture_output=True,
                           text=True, timeout=300)
        lines, s = split_output(r.stdout)
        want = {"packets": frames, "datagrams": datagrams, "messages": messages, "incomplete": 0}
        got = {k: (s or {}).get(k) for k in want}
        invalid = sum((s or {}).get("invalid", {}).values()) if s else None
        sums = (s or {}).get("checksums")
        bad_sums = {"ipv4_header_bad": 0, "udp_bad": 0, "udp_none": 0} != sums
        ok = (r.returncode == 0 and got == want and invalid == 0 and len(lines) == messages
              and not bad_sums)
        print(("ok " if ok else "FAIL ") + line)
        if not ok:
            print(f"  pcapgen said {want}; scapy_dump.py found {got}, invalid {invalid}, "
                  f"checksums {sums}")
            print("  " + r.stderr[-1000:])
        passed += ok
        failed += not ok
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["determinism", "scapy-count"], required=True)
    ap.add_argument("--pcapgen", required=True)
    ap.add_argument("--cases", help="pcap/cases directory (determinism)")
    ap.add_argument("--scapy-dump", help="tools/pcap-cases/scapy_dump.py (scapy-count)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pcapgen-test-") as tmp:
        if args.mode == "determinism":
            res = determinism(args.pcapgen, args.cases, tmp)
        else:
            res = scapy_count(args.pcapgen, args.scapy_dump, tmp)
    if res is None:
        return SKIP
    report(*res)
    return 1 if res[1] or res[0] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
