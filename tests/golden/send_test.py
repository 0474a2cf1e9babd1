#!/usr/bin/env python3
"""udpnotif-send on loopback: a pcap's datagrams and generated traffic arrive complete, from the
asked number of source sockets, paced at the asked rate; remote destinations are refused
without --allow-remote. Every socket here is on 127.0.0.1 or ::1.
"""

import argparse
import json
import re
import socket
import subprocess
import sys
import threading
import time

from golden_common import report

INPUT = re.compile(r"datagrams=(\d+)")
SENT = re.compile(r"sent datagrams=(\d+) bytes=(\d+) duration=([0-9.]+)s")


class Receiver:
    """Collects datagrams on a loopback socket in a thread until told to stop."""

    def __init__(self, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1" if family == socket.AF_INET else "::1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.got = []  # (source port, payload)
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                data, addr = self.sock.recvfrom(70000)
            except socket.timeout:
                continue
            self.got.append((addr[1], data))

    def wait_for(self, n, seconds=10):
        end = time.time() + seconds
        while len(self.got) < n and time.time() < end:
            time.sleep(0.02)
        time.sleep(0.1)  # anything extra would show up now
        self._stop = True
        self._thread.join()
        self.sock.close()
        return self.got


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def reassemble(got):
    """UDP-notif messages (PROTOCOL.md §2) from the received datagrams: {key: payload}."""
    whole, parts = {}, {}
    for sport, d in got:
        hlen, mlen = d[1], int.from_bytes(d[2:4], "big")
        key = (sport, d[4:8], d[8:12])
        seg = None
        off = 12
        while off < hlen:
            if d[off] == 1:
                f = int.from_bytes(d[off + 2:off + 4], "big")
                seg = (f >> 1, f & 1)
            off += d[off + 1]
        if seg is None:
            whole[key] = d[hlen:mlen]
        else:
            parts.setdefault(key, {})[seg[0]] = (seg[1], d[hlen:mlen])
    for key, segs in parts.items():
        n = max(segs) + 1
        if len(segs) == n and segs[n - 1][0] == 1:
            whole[key] = b"".join(segs[i][1] for i in range(n))
    return whole


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--send", required=True)
    ap.add_argument("--pcap", required=True)
    args = ap.parse_args()
    passed = failed = 0

    def check(ok, what, detail=""):
        nonlocal passed, failed
        print(("ok " if ok else "FAIL ") + what + ("" if ok or not detail else f": {detail}"))
        passed += bool(ok)
        failed += not ok

    # 1. A capture's UDP payloads, from 3 source sockets, sent twice.
    rx = Receiver()
    r = run([args.send, "--pcap", args.pcap, f"127.0.0.1:{rx.port}", "--sources", "3",
             "--loop", "2"])
    m_in, m_out = INPUT.search(r.stdout), SENT.search(r.stdout)
    n_in = int(m_in.group(1)) if m_in else -1
    got = rx.wait_for(2 * n_in)
    check(r.returncode == 0 and m_out is not None, "pcap input sent", r.stdout + r.stderr)
    if m_out:
        check(int(m_out.group(1)) == 2 * n_in and len(got) == 2 * n_in,
              "every datagram of the capture arrives, twice with --loop 2",
              f"input {n_in}, sent {m_out.group(1)}, received {len(got)}")
        check(sum(len(d) for _, d in got) == int(m_out.group(2)), "received octets = sent octets")
    # pcapgen-impaired has 2 exporters: 2 of the 3 sockets are used, one per exporter.
    check(len({p for p, _ in got}) == 2, "one source socket per exporter of the capture",
          str(sorted({p for p, _ in got})))

    # 2. Generated traffic, paced: 2 exporters x 5 messages of 3000 octets, at 400 datagrams/s.
    rx = Receiver()
    r = run([args.send, f"127.0.0.1:{rx.port}", "--exporters", "2", "--messages", "5",
             "--size", "3000", "--sources", "2", "--rate", "400"])
    m_in, m_out = INPUT.search(r.stdout), SENT.search(r.stdout)
    n_in = int(re.search(r"datagrams=(\d+)", r.stdout).group(1)) if m_in else -1
    got = rx.wait_for(n_in)
    check(r.returncode == 0 and m_out is not None and len(got) == n_in,
          "generated traffic arrives complete", r.stdout + r.stderr)
    if m_out:
        duration = float(m_out.group(3))
        check(duration >= (n_in - 1) / 400 * 0.9, f"paced at --rate 400 ({n_in} datagrams in "
              f"{duration:.3f}s)")
    messages = reassemble(got)
    ok_json = 0
    for payload in messages.values():
        try:
            json.loads(payload)
            ok_json += 1
        except ValueError:
            pass
    check(len(messages) == 10 and ok_json == 10,
          "10 UDP-notif messages reassemble into JSON notifications",
          f"{len(messages)} messages, {ok_json} JSON")

    # 3. IPv6 loopback.
    if socket.has_ipv6:
        try:
            rx = Receiver(socket.AF_INET6)
        except OSError:
            rx = None
        if rx is not None:
            r = run([args.send, f"[::1]:{rx.port}", "--exporters", "1", "--messages", "3"])
            m_in = re.search(r"datagrams=(\d+)", r.stdout)
            n_in = int(m_in.group(1)) if m_in else -1
            got = rx.wait_for(n_in)
            check(r.returncode == 0 and len(got) == n_in, "IPv6 loopback destination",
                  r.stdout + r.stderr)

    # 4. Remote destinations are refused unless --allow-remote (dry runs: nothing is sent).
    r = run([args.send, "192.0.2.1:10001", "--dry-run"])
    check(r.returncode == 2 and "refusing" in r.stderr, "non-loopback destination refused",
          r.stderr)
    r = run([args.send, "192.0.2.1:10001", "--allow-remote", "--dry-run"])
    check(r.returncode == 0 and "dry run" in r.stdout, "--allow-remote lifts the refusal",
          r.stdout + r.stderr)
    r = run([args.send, "127.0.0.1:10001", "--pcap", "/nonexistent.pcap"])
    check(r.returncode == 1 and "cannot read" in r.stderr, "unreadable pcap is an error",
          r.stderr)

    report(passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
