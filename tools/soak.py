#!/usr/bin/env python3
"""Soak run of udpnotif-recv (issue 7; docs/reliability.md "Soak").

Starts udpnotif-broker (librdkafka's mock cluster in its own process, so the records it keeps
do not count in the receiver's memory), udpnotif-recv producing to it, and udpnotif-send
offering generated YANG-Push traffic (several exporters and publishers, segmented messages) at
a steady --rate for --seconds. Every --interval seconds it samples the receiver's RSS
(/proc/PID/status) and its /metrics, and prints one line. At the end it stops the sender, lets
the receiver drain (everything delivered, no set left pending), takes a last /metrics scrape,
stops the receiver with SIGINT and reports:

- RSS: first sample after the warm-up (--warmup seconds), last, max, and the least-squares
  slope over the samples after the warm-up (KiB/min). Flat when no sample after the warm-up
  exceeds the first one by more than --rss-tolerance-kib plus --slot-kib for each record slot
  that held its first record after the warm-up (udpnotif_worker_record_slots_used: slots are
  used for the first time only when all used ones are out at once, a high-water mark bounded
  by producers.record_slots; each keeps the capacity of the largest record it held).
- drift: the books balance at every stage (each identity below, from the last scrape):
    sent datagrams            = received + kernel drops
    received                  = header accepted + header rejected + truncated + not allowed
    header accepted           = segment verdicts (whole, stored, complete, duplicate, ...)
    whole + reassembled       = messages in buffers + pool exhausted + oversize
    messages in buffers       = worker messages + queue-full drops
    worker messages           = processed, by status
    records                   = produced + fallback + dead-lettered
    records                   = producer records + record-slot drops
    producer records          = Kafka queued + Kafka produce drops
    Kafka queued              = delivered + delivery failures + undelivered at stop
  and the loss counters (kernel drops, header rejections, dropped sets, expired and evicted
  messages, pool, queue, undecodable, record slots, Kafka drops and failures) stay 0, unless
  --allow-counted-losses (then a loss only has to be counted, which the identities check);
  records in flight (Kafka queued - delivered - failed) stay under --max-in-flight at every
  sample;
- the receiver's final report (stderr) gives the same value as the last /metrics scrape for
  every counter it prints.

Exit status 0 when RSS is flat and nothing drifted, 1 otherwise, 2 on a usage or start error.
stdlib only. Loopback only. tests/soak (meson suite soak) runs it for ~40 s at a modest load.

    tools/soak.py --seconds 300 --rate 5000          # from the repository root, after a build
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prom_text  # noqa: E402

LOSS_COUNTERS = [
    "udpnotif_socket_kernel_drops_total",
    "udpnotif_header_rejected_total",
    "udpnotif_rx_truncated_total",
    "udpnotif_rx_not_allowed_total",
    "udpnotif_rx_queue_full_drops_total",
    "udpnotif_rx_pool_exhausted_total",
    "udpnotif_rx_oversize_total",
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

# The other families the identities and the report comparison read (checked to exist, so a
# renamed counter fails the run instead of reading as 0).
USED_COUNTERS = [
    "udpnotif_rx_datagrams_total", "udpnotif_rx_bytes_total", "udpnotif_header_accepted_total",
    "udpnotif_reassembly_segments_total", "udpnotif_rx_whole_messages_total",
    "udpnotif_rx_reassembled_messages_total", "udpnotif_rx_messages_total",
    "udpnotif_worker_messages_total", "udpnotif_worker_processed_total",
    "udpnotif_worker_records_total", "udpnotif_producer_records_total",
    "udpnotif_worker_record_waits_total", "udpnotif_kafka_queued_total",
    "udpnotif_kafka_delivered_total", "udpnotif_reassembly_pending_messages",
    "udpnotif_worker_record_slots_used",
]

# Segment verdicts that drop their whole set (src/metrics/pipeline_metrics.cpp).
SET_DROPPED = ("media_mismatch", "conflicting_last", "beyond_last", "too_many_segments",
               "too_large", "no_memory")


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


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pass_datagrams(send_exe, traffic, out_dir):
    """Datagrams in one pass of the generated \p traffic (udpnotif-send --dry-run says)."""
    path = os.path.join(out_dir, "send-dry-run.out")
    subprocess.run([send_exe, "127.0.0.1:9"] + traffic + ["--dry-run"],
                   stdout=open(path, "w"), stderr=subprocess.STDOUT, timeout=60)
    with open(path) as f:
        m = re.search(r"input generated: .*\bdatagrams=(\d+)", f.read())
    return int(m.group(1)) if m else -1


def in_flight(m):
    return (m.total("udpnotif_kafka_queued_total") - m.total("udpnotif_kafka_delivered_total") -
            m.total("udpnotif_kafka_delivery_failed_total"))


def losses(m):
    return sum(m.total(k) for k in LOSS_COUNTERS)


def report_lines(path):
    """{"final": {field: int}, "dropped": {...}, "kafka": {...}} of udpnotif-recv's report."""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"^udpnotif-recv: (final|dropped|kafka):(.*)$", line.rstrip("\n"))
            if m:
                out[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)\b",
                                                                   m.group(2))}
    return out


def accounting(m, sent, undelivered):
    """The identities of the module docstring; @return one line per one that fails."""
    seg = m.by_label("udpnotif_reassembly_segments_total", "verdict")
    status = m.by_label("udpnotif_worker_processed_total", "status")
    t = m.total
    rows = [
        ("sent datagrams = received + kernel drops", sent,
         t("udpnotif_rx_datagrams_total") + t("udpnotif_socket_kernel_drops_total")),
        ("received = header accepted + rejected + truncated + not allowed",
         t("udpnotif_rx_datagrams_total"),
         t("udpnotif_header_accepted_total") + t("udpnotif_header_rejected_total") +
         t("udpnotif_rx_truncated_total") + t("udpnotif_rx_not_allowed_total")),
        ("header accepted = segment verdicts", t("udpnotif_header_accepted_total"),
         sum(seg.values())),
        ("whole = verdict whole", t("udpnotif_rx_whole_messages_total"), seg.get("whole", 0)),
        ("reassembled = verdict complete", t("udpnotif_rx_reassembled_messages_total"),
         seg.get("complete", 0)),
        ("whole + reassembled = messages + pool exhausted + oversize",
         t("udpnotif_rx_whole_messages_total") + t("udpnotif_rx_reassembled_messages_total"),
         t("udpnotif_rx_messages_total") + t("udpnotif_rx_pool_exhausted_total") +
         t("udpnotif_rx_oversize_total")),
        ("messages = worker messages + queue-full drops", t("udpnotif_rx_messages_total"),
         t("udpnotif_worker_messages_total") + t("udpnotif_rx_queue_full_drops_total")),
        ("worker messages = processed by status", t("udpnotif_worker_messages_total"),
         sum(status.values())),
        ("records = produced + fallback + dead-lettered", t("udpnotif_worker_records_total"),
         status.get("produced", 0) + status.get("produced_fallback", 0) +
         status.get("dead_lettered", 0)),
        ("records = producer records + record-slot drops", t("udpnotif_worker_records_total"),
         t("udpnotif_producer_records_total") + t("udpnotif_worker_record_slots_exhausted_total") +
         t("udpnotif_worker_record_copy_failed_total")),
        ("producer records = Kafka queued + produce drops", t("udpnotif_producer_records_total"),
         t("udpnotif_kafka_queued_total") + t("udpnotif_kafka_produce_dropped_total")),
        ("Kafka queued = delivered + failed + undelivered at stop",
         t("udpnotif_kafka_queued_total"),
         t("udpnotif_kafka_delivered_total") + t("udpnotif_kafka_delivery_failed_total") +
         undelivered),
    ]
    return [f"{what}: {a} != {b}" for what, a, b in rows if a != b]


def report_vs_metrics(rep, m):
    """Every counter of the final report against the last scrape; @return the differences."""
    seg = m.by_label("udpnotif_reassembly_segments_total", "verdict")
    status = m.by_label("udpnotif_worker_processed_total", "status")
    t = m.total
    want = {
        ("final", "datagrams"): t("udpnotif_rx_datagrams_total"),
        ("final", "bytes"): t("udpnotif_rx_bytes_total"),
        ("final", "messages"): t("udpnotif_rx_messages_total"),
        ("final", "worker_messages"): t("udpnotif_worker_messages_total"),
        ("final", "records"): t("udpnotif_worker_records_total"),
        ("final", "producer_records"): t("udpnotif_producer_records_total"),
        ("final", "produced"): t("udpnotif_kafka_queued_total"),
        ("final", "delivered"): t("udpnotif_kafka_delivered_total"),
        ("final", "record_waits"): t("udpnotif_worker_record_waits_total"),
        ("dropped", "truncated"): t("udpnotif_rx_truncated_total"),
        ("dropped", "not_allowed"): t("udpnotif_rx_not_allowed_total"),
        ("dropped", "header_invalid"): t("udpnotif_header_rejected_total"),
        ("dropped", "reassembly_evicted"): t("udpnotif_reassembly_evicted_full_total") +
        t("udpnotif_reassembly_evicted_memory_total"),
        ("dropped", "reassembly_rejected"): sum(seg.get(v, 0) for v in SET_DROPPED),
        ("dropped", "duplicate_segments"): seg.get("duplicate", 0) + seg.get("late", 0),
        ("dropped", "reassembly_expired"): t("udpnotif_reassembly_expired_messages_total"),
        ("dropped", "pool_exhausted"): t("udpnotif_rx_pool_exhausted_total"),
        ("dropped", "oversize"): t("udpnotif_rx_oversize_total"),
        ("dropped", "queue_full"): t("udpnotif_rx_queue_full_drops_total"),
        ("dropped", "kernel"): t("udpnotif_socket_kernel_drops_total"),
        ("dropped", "undecodable"): status.get("undecodable", 0),
        ("dropped", "envelope_failed"): status.get("envelope_failed", 0),
        ("dropped", "record_slots"): t("udpnotif_worker_record_slots_exhausted_total") +
        t("udpnotif_worker_record_copy_failed_total"),
        ("dropped", "left_in_queues"): 0,
        ("kafka", "fallback"): status.get("produced_fallback", 0),
        ("kafka", "dead_letters"): t("udpnotif_worker_dead_letters_total"),
        ("kafka", "undelivered_at_stop"): 0,
    }
    for k, v in m.by_label("udpnotif_kafka_produce_dropped_total", "status", False).items():
        if k != "queued":
            want[("kafka", "dropped_" + k)] = v
    for k, v in m.by_label("udpnotif_kafka_delivery_failed_total", "error", False).items():
        want[("kafka", "failed_" + k)] = v
    problems = []
    for (line, field), v in sorted(want.items()):
        got = rep.get(line, {}).get(field)
        if got != v:
            problems.append(f"report {line}: {field}={got}, /metrics {v}")
    for line, fields in rep.items():  # a counter the report gained and this script lacks
        for field in fields:
            if (line, field) not in want:
                problems.append(f"report {line}: {field} not compared with /metrics")
    return problems


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
    ap.add_argument("--slot-kib", type=int, default=32,
                    help="RSS one record slot may add when it first holds a record, KiB (32: "
                         "measured ~24 for this traffic's envelopes of up to ~7 KB)")
    ap.add_argument("--no-rss-check", action="store_true",
                    help="report RSS but do not judge it (sanitizer builds)")
    ap.add_argument("--max-in-flight", type=int, default=20000,
                    help="records queued but not yet delivered at any sample (20000)")
    ap.add_argument("--allow-counted-losses", action="store_true",
                    help="losses are no failure when every one is counted (loaded CI hosts)")
    ap.add_argument("--port", type=int, default=0, help="receiver UDP port (0: a free one)")
    ap.add_argument("--metrics-port", type=int, default=0, help="metrics port (0: a free one)")
    ap.add_argument("--messages", type=int, default=3000,
                    help="messages per publisher in one pass of the generated traffic (3000: "
                         "49 720 datagrams, 10 s at 5000/s; keep a pass above the 2 s "
                         "reassembly timeout)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rx-threads", type=int, default=1)
    ap.add_argument("--out", default="out/soak", help="logs go here (out/soak)")
    ap.add_argument("--recv-arg", action="append", default=[], metavar="ARG",
                    help="one more udpnotif-recv argument (repeatable), e.g. "
                         "--recv-arg=--producers.record_slots --recv-arg=256")
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
    port = args.port or free_port(socket.SOCK_DGRAM)
    metrics_port = args.metrics_port or free_port(socket.SOCK_STREAM)
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
            [recv_exe, "--listen", f"127.0.0.1:{port}", "--yang-dir", args.yang_dir,
             "--profile", "latest", "--distribution", "topic", "--brokers", bootstrap,
             "--kafka.create_topics", "false", "--rx-threads", str(args.rx_threads),
             "--workers", str(args.workers), "--stats-interval", "0",
             "--metrics.listen", f"127.0.0.1:{metrics_port}"] + args.recv_arg,
            stdout=open(recv_out, "w"), stderr=open(recv_err, "w"))
        procs.append(recv)
        url = wait_for_line(recv_out, "metrics on ", recv, 20)
        if not url or not wait_for_line(recv_out, "listening", recv, 5):
            print("soak: udpnotif-recv did not start; see " + recv_err, file=sys.stderr)
            return 2

        # 3 exporters x 2 publishers x --messages (~2.7 datagrams each): one pass of 3000 takes
        # ~10 s at 5000/s, well beyond the 2 s reassembly timeout, so the repeated message ids
        # of the next pass never meet the keys of the previous one. Whole passes only (a pass
        # cut by a time limit would leave its last message incomplete: a loss the soak made),
        # as many as fit --seconds at --rate (at least one).
        traffic = ["--seed", "9", "--exporters", "3", "--publishers-per-exporter", "2",
                   "--messages", str(args.messages), "--size", "600,6000", "--mtu", "1500",
                   "--distinct-source-ips"]
        per_pass = pass_datagrams(send_exe, traffic, args.out)
        if per_pass <= 0:
            print("soak: udpnotif-send did not say how many datagrams one pass has",
                  file=sys.stderr)
            return 2
        passes = max(1, round(args.seconds * args.rate / per_pass))
        send_out = os.path.join(args.out, "send.out")
        sender = subprocess.Popen(
            [send_exe, f"127.0.0.1:{port}"] + traffic +
            ["--rate", str(args.rate), "--loop", str(passes)],
            stdout=open(send_out, "w"), stderr=subprocess.STDOUT)
        procs.append(sender)
        args.seconds = passes * per_pass / args.rate

        t0 = time.monotonic()
        samples = []  # (t, rss_kib, metrics)
        print(f"soak: {args.seconds:.0f} s at {args.rate:.0f} datagrams/s, sample every "
              f"{args.interval:.0f} s; logs in {args.out}")
        print(f"{'t_s':>6} {'rss_kib':>8} {'datagrams':>10} {'records':>9} {'delivered':>10} "
              f"{'in_flight':>9} {'losses':>6} {'bytes_held':>10} {'slots_used':>10}")
        while sender.poll() is None:
            time.sleep(min(args.interval, max(0.0, args.seconds + 5 - (time.monotonic() - t0))))
            if recv.poll() is not None:
                print("soak: udpnotif-recv exited early; see " + recv_err, file=sys.stderr)
                return 1
            m = prom_text.scrape(url)
            t = time.monotonic() - t0
            rss = rss_kib(recv.pid)
            samples.append((t, rss, m))
            print(f"{t:6.0f} {rss:8d} {m.total('udpnotif_rx_datagrams_total'):10d} "
                  f"{m.total('udpnotif_worker_records_total'):9d} "
                  f"{m.total('udpnotif_kafka_delivered_total'):10d} {in_flight(m):9d} "
                  f"{losses(m):6d} {m.total('udpnotif_reassembly_bytes_held'):10d} "
                  f"{m.total('udpnotif_worker_record_slots_used'):10d}", flush=True)
            if time.monotonic() - t0 > args.seconds * 1.5 + 60:
                print("soak: udpnotif-send did not stop", file=sys.stderr)
                return 1
        with open(send_out) as f:
            sent_text = f.read()
        m_sent = re.search(r"sent datagrams=(\d+)", sent_text)
        sent = int(m_sent.group(1)) if m_sent else -1

        # Drain: wait until the receiver has taken in what was sent (or counted its loss),
        # delivered what it queued and holds no pending set (2 s timeout).
        deadline = time.monotonic() + 30
        while True:
            final = prom_text.scrape(url)
            if (in_flight(final) <= 0 and final.total("udpnotif_reassembly_pending_messages") == 0
                    and final.total("udpnotif_rx_datagrams_total") +
                    final.total("udpnotif_socket_kernel_drops_total") >= sent and
                    final.total("udpnotif_worker_messages_total") +
                    final.total("udpnotif_rx_queue_full_drops_total") >=
                    final.total("udpnotif_rx_messages_total") and
                    final.total("udpnotif_producer_records_total") >=
                    final.total("udpnotif_worker_records_total") -
                    final.total("udpnotif_worker_record_slots_exhausted_total")):
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        time.sleep(1.0)  # counters are published every millisecond or so: settle, re-read
        final = prom_text.scrape(url)
        final_rss = rss_kib(recv.pid)
        recv.send_signal(signal.SIGINT)
        rc = recv.wait(60)
        procs.remove(recv)
        rep = report_lines(recv_err)

        after = [s for s in samples if s[0] >= args.warmup] or samples
        post = [(t, r) for t, r, _ in after]
        growth = max(r for _, r in post) - post[0][1] if post else 0
        slope = slope_per_minute(post)
        # A record slot keeps the capacity of the largest record it held, and a slot is used
        # for the first time only when all used ones are out at once (a stall: a high-water
        # mark, at most producers.record_slots per worker). RSS that such new slots explain is
        # bounded by the configuration, not drift.
        slots = "udpnotif_worker_record_slots_used"
        new_slots = (final.total(slots) - after[0][2].total(slots)) if after else 0
        explained = new_slots * args.slot_kib
        problems = []
        if growth - explained > args.rss_tolerance_kib and not args.no_rss_check:
            problems.append(f"RSS grew {growth} KiB after the warm-up, {explained} KiB of it "
                            f"explained by {new_slots} record slots used for the first time "
                            f"(tolerance {args.rss_tolerance_kib} KiB)")
        undelivered = rep.get("kafka", {}).get("undelivered_at_stop", 0)
        problems += accounting(final, sent, undelivered)
        problems += [f"{k} is not on /metrics" for k in LOSS_COUNTERS + USED_COUNTERS
                     if k not in final.families]
        lost = {k: final.total(k) for k in LOSS_COUNTERS if final.total(k) != 0}
        if lost and not args.allow_counted_losses:
            problems += [f"{k} = {v}" for k, v in lost.items()]
        if not rep:
            problems.append("no final report on " + recv_err)
        else:
            problems += report_vs_metrics(rep, final)
        max_in_flight = max(in_flight(s[2]) for s in samples) if samples else 0
        if max_in_flight > args.max_in_flight:
            problems.append(f"{max_in_flight} records in flight at one sample")
        if rc != 0:
            problems.append(f"udpnotif-recv exited with status {rc}")
        rss_all = [r for _, r, _ in samples] + [final_rss]
        got = final.total("udpnotif_rx_datagrams_total")
        print(f"soak: sent {sent} datagrams in {args.seconds:.0f} s; received {got}, "
              f"messages {final.total('udpnotif_rx_messages_total')}, records "
              f"{final.total('udpnotif_worker_records_total')}, delivered "
              f"{final.total('udpnotif_kafka_delivered_total')}; counted losses "
              f"{lost if lost else 0}; largest in flight at a sample {max_in_flight}; "
              f"record slots used {final.total('udpnotif_worker_record_slots_used')}")
        print(f"soak: RSS first {rss_all[0]} KiB, after warm-up {post[0][1] if post else 0} KiB, "
              f"last {post[-1][1] if post else 0} KiB, max {max(rss_all)} KiB, growth after "
              f"warm-up {growth} KiB, slope {slope:.1f} KiB/min ({len(post)} samples after "
              f"{args.warmup:.0f} s); record slots used for the first time after the warm-up "
              f"{new_slots} (x {args.slot_kib} KiB = {explained} KiB)")
        if problems:
            print("soak: NOT FLAT / DRIFT: " + "; ".join(problems))
            return 1
        print(("soak: RSS not judged (--no-rss-check)" if args.no_rss_check else "soak: flat") +
              ", no drift; the books balance and the final report equals /metrics")
        return 0
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
