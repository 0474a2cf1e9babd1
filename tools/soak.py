#!/usr/bin/env python3
"""Soak run of udpnotif-recv (issue 7; docs/reliability.md "Soak"). Not part of CI: too long.

Starts udpnotif-broker (librdkafka's mock cluster in its own process, so the records it keeps
do not count in the receiver's memory), udpnotif-recv producing to it, and udpnotif-send
offering generated YANG-Push traffic (several exporters and publishers, segmented messages) at
a steady --rate for --seconds. Every --interval seconds it samples the receiver's RSS
(/proc/PID/status) and its /metrics, and prints one line. At the end it stops the sender, lets
the receiver drain, stops it with SIGINT and reports:

- RSS: first sample after the warm-up (--warmup seconds), last, max, and the least-squares
  slope over the samples after the warm-up (KiB/min). Flat when the growth from the first
  post-warm-up sample to the last stays under --rss-tolerance-kib.
- drift: every datagram the sender sent was received (udpnotif_rx_datagrams_total), every
  message became a record and every record was delivered; the loss counters (kernel drops,
  queue, pool, reassembly evictions/expiry, undecodable, dead letters, record slots, Kafka
  drops and failed deliveries) stayed 0; records in flight (kafka queued - delivered -
  failed) stayed under --max-in-flight at every sample.

Exit status 0 when RSS is flat and nothing drifted, 1 otherwise, 2 on a usage or start error.
stdlib only. Loopback only.

    tools/soak.py --seconds 180 --rate 5000          # from the repository root, after a build
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

LOSS_COUNTERS = [
    "udpnotif_socket_kernel_drops_total",
    "udpnotif_rx_queue_full_drops_total",
    "udpnotif_rx_pool_exhausted_total",
    "udpnotif_rx_truncated_total",
    "udpnotif_reassembly_evicted_full_total",
    "udpnotif_reassembly_evicted_memory_total",
    "udpnotif_reassembly_expired_messages_total",
    "udpnotif_worker_undecodable_total",
    "udpnotif_worker_dead_letters_total",
    "udpnotif_worker_envelope_failed_total",
    "udpnotif_worker_record_slots_exhausted_total",
    "udpnotif_worker_record_copy_failed_total",
    "udpnotif_kafka_produce_dropped_total",
    "udpnotif_kafka_delivery_failed_total",
]

SAMPLE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$")


def parse_metrics(text):
    """Sums every series of each metric name over its labels."""
    sums = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE_RE.match(line)
        if not m:
            continue
        try:
            value = float(m.group(3))
        except ValueError:
            continue
        sums[m.group(1)] = sums.get(m.group(1), 0.0) + value
    return sums


def scrape(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return parse_metrics(r.read().decode())


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def slope_per_minute(points):
    """Least-squares slope of (t seconds, value) points, per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    if den == 0:
        return 0.0
    return 60.0 * sum((t - mt) * (v - mv) for t, v in points) / den


def wait_for_line(path, prefix, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    if line.startswith(prefix):
                        return line[len(prefix):].strip()
        if proc.poll() is not None:
            return None
        time.sleep(0.1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--yang-dir", default=os.environ.get("UDPN_YANG_DIR", "../shared/yang"))
    ap.add_argument("--seconds", type=float, default=300.0, help="offered-load time (300)")
    ap.add_argument("--rate", type=float, default=5000.0, help="datagrams/s offered (5000)")
    ap.add_argument("--interval", type=float, default=10.0, help="sample period, s (10)")
    ap.add_argument("--warmup", type=float, default=30.0, help="RSS warm-up, s (30)")
    ap.add_argument("--rss-tolerance-kib", type=int, default=4096,
                    help="RSS growth after the warm-up still called flat, KiB (4096)")
    ap.add_argument("--max-in-flight", type=int, default=20000,
                    help="records queued but not yet delivered at any sample (20000)")
    ap.add_argument("--port", type=int, default=27171, help="receiver UDP port (27171)")
    ap.add_argument("--metrics-port", type=int, default=27172, help="metrics port (27172)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rx-threads", type=int, default=1)
    ap.add_argument("--out", default="out/soak", help="logs go here (out/soak)")
    args = ap.parse_args()

    recv_exe = os.path.join(args.build, "src/app/udpnotif-recv")
    send_exe = os.path.join(args.build, "tools/udpnotif-send")
    broker_exe = os.path.join(args.build, "tools/udpnotif-broker")
    for exe in (recv_exe, send_exe, broker_exe):
        if not os.access(exe, os.X_OK):
            print(f"soak: {exe} is not built", file=sys.stderr)
            return 2
    if not os.path.isdir(args.yang_dir):
        print(f"soak: no YANG directory {args.yang_dir} (--yang-dir)", file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    procs = []

    def cleanup():
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()

    try:
        broker_out = os.path.join(args.out, "broker.out")
        broker = subprocess.Popen([broker_exe], stdout=open(broker_out, "w"),
                                  stderr=open(os.path.join(args.out, "broker.err"), "w"))
        procs.append(broker)
        bootstrap = wait_for_line(broker_out, "", broker, 10)
        if not bootstrap:
            print("soak: udpnotif-broker did not start", file=sys.stderr)
            return 2
        recv_out = os.path.join(args.out, "recv.out")
        recv_err = os.path.join(args.out, "recv.err")
        recv = subprocess.Popen(
            [recv_exe, "--listen", f"127.0.0.1:{args.port}", "--yang-dir", args.yang_dir,
             "--profile", "latest", "--distribution", "topic", "--brokers", bootstrap,
             "--kafka.create_topics", "false", "--rx-threads", str(args.rx_threads),
             "--workers", str(args.workers), "--stats-interval", "0",
             "--metrics.listen", f"127.0.0.1:{args.metrics_port}"],
            stdout=open(recv_out, "w"), stderr=open(recv_err, "w"))
        procs.append(recv)
        url = wait_for_line(recv_out, "metrics on ", recv, 20)
        if not url or not wait_for_line(recv_out, "listening", recv, 5):
            print("soak: udpnotif-recv did not start; see " + recv_err, file=sys.stderr)
            return 2

        # 3 exporters x 2 publishers x 3000 messages (~2.7 datagrams each): one pass takes
        # ~10 s at 5000/s, well beyond the 2 s reassembly timeout, so the repeated message ids
        # of the next pass never meet the keys of the previous one.
        send_out = os.path.join(args.out, "send.out")
        sender = subprocess.Popen(
            [send_exe, f"127.0.0.1:{args.port}", "--seed", "9", "--exporters", "3",
             "--publishers-per-exporter", "2", "--messages", "3000", "--size", "600,6000",
             "--mtu", "1500", "--distinct-source-ips", "--rate", str(args.rate),
             "--loop", "100000", "--duration", str(args.seconds)],
            stdout=open(send_out, "w"), stderr=subprocess.STDOUT)
        procs.append(sender)

        t0 = time.monotonic()
        samples = []  # (t, rss_kib, metrics)
        print(f"soak: {args.seconds:.0f} s at {args.rate:.0f} datagrams/s, sample every "
              f"{args.interval:.0f} s; logs in {args.out}")
        print(f"{'t_s':>6} {'rss_kib':>8} {'datagrams':>10} {'records':>9} {'delivered':>10} "
              f"{'in_flight':>9} {'losses':>6} {'bytes_held':>10}")
        while sender.poll() is None:
            time.sleep(min(args.interval, max(0.0, args.seconds + 5 - (time.monotonic() - t0))))
            if recv.poll() is not None:
                print("soak: udpnotif-recv exited early; see " + recv_err, file=sys.stderr)
                return 1
            m = scrape(url)
            t = time.monotonic() - t0
            rss = rss_kib(recv.pid)
            samples.append((t, rss, m))
            in_flight = (m.get("udpnotif_kafka_queued_total", 0) -
                         m.get("udpnotif_kafka_delivered_total", 0) -
                         m.get("udpnotif_kafka_delivery_failed_total", 0))
            losses = sum(m.get(k, 0) for k in LOSS_COUNTERS)
            print(f"{t:6.0f} {rss:8d} {m.get('udpnotif_rx_datagrams_total', 0):10.0f} "
                  f"{m.get('udpnotif_worker_records_total', 0):9.0f} "
                  f"{m.get('udpnotif_kafka_delivered_total', 0):10.0f} {in_flight:9.0f} "
                  f"{losses:6.0f} {m.get('udpnotif_reassembly_bytes_held', 0):10.0f}",
                  flush=True)
            if time.monotonic() - t0 > args.seconds + 60:
                print("soak: udpnotif-send did not stop", file=sys.stderr)
                return 1
        with open(send_out) as f:
            sent_text = f.read()
        m_sent = re.search(r"sent datagrams=(\d+)", sent_text)
        sent = int(m_sent.group(1)) if m_sent else -1

        # Drain: wait until the receiver has delivered what it took in.
        deadline = time.monotonic() + 30
        final = scrape(url)
        while time.monotonic() < deadline:
            final = scrape(url)
            if (final.get("udpnotif_kafka_delivered_total", 0) +
                    final.get("udpnotif_kafka_delivery_failed_total", 0) >=
                    final.get("udpnotif_kafka_queued_total", 0) and
                    final.get("udpnotif_rx_datagrams_total", 0) >= sent):
                break
            time.sleep(0.5)
        final_rss = rss_kib(recv.pid)
        recv.send_signal(signal.SIGINT)
        rc = recv.wait(60)
        procs.remove(recv)

        post = [(t, r) for t, r, _ in samples if t >= args.warmup]
        if not post:
            post = [(t, r) for t, r, _ in samples]
        growth = post[-1][1] - post[0][1] if post else 0
        slope = slope_per_minute(post)
        problems = []
        if growth > args.rss_tolerance_kib:
            problems.append(f"RSS grew {growth} KiB after the warm-up")
        got = final.get("udpnotif_rx_datagrams_total", 0)
        if got != sent:
            problems.append(f"sent {sent} datagrams, received {got:.0f}")
        msgs = final.get("udpnotif_rx_messages_total", 0)
        records = final.get("udpnotif_worker_records_total", 0)
        delivered = final.get("udpnotif_kafka_delivered_total", 0)
        if not msgs == records == delivered:
            problems.append(f"messages {msgs:.0f}, records {records:.0f}, "
                            f"delivered {delivered:.0f} differ")
        for k in LOSS_COUNTERS:
            if final.get(k, 0) != 0:
                problems.append(f"{k} = {final[k]:.0f}")
        max_in_flight = max((s[2].get("udpnotif_kafka_queued_total", 0) -
                             s[2].get("udpnotif_kafka_delivered_total", 0) -
                             s[2].get("udpnotif_kafka_delivery_failed_total", 0))
                            for s in samples) if samples else 0
        if max_in_flight > args.max_in_flight:
            problems.append(f"{max_in_flight:.0f} records in flight at one sample")
        if rc != 0:
            problems.append(f"udpnotif-recv exited with status {rc}")
        rss_all = [r for _, r, _ in samples] + [final_rss]
        print(f"soak: sent {sent} datagrams in {args.seconds:.0f} s; received {got:.0f}, "
              f"messages {msgs:.0f}, records {records:.0f}, delivered {delivered:.0f}; "
              f"largest in flight at a sample {max_in_flight:.0f}")
        print(f"soak: RSS after warm-up {post[0][1] if post else 0} KiB, last {post[-1][1] if post else 0} "
              f"KiB, max {max(rss_all)} KiB, growth {growth} KiB, slope {slope:.1f} KiB/min "
              f"({len(post)} samples after {args.warmup:.0f} s)")
        if problems:
            print("soak: NOT FLAT / DRIFT: " + "; ".join(problems))
            return 1
        print("soak: flat, no drift")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
