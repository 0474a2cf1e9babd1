#!/usr/bin/env python3
"""Malformed-traffic corpus through the real receiver (issue 7; docs/reliability.md).

Runs each counted capture (pcap/cases/<case>/input.pcap whose generator also wrote an
expected-counters.json: scapy-malformed and scapy-malformed-payloads) through a receiver with
a dead-letter topic, by one of two drivers:
- dpdk: udpnotif-recv-dpdk replays it (net_pcap: deterministic, no loss; capture time drives
  the reassembly clock) into its embedded Kafka and holds;
- socket: udpnotif-send sends its datagrams to the collector port (paced, loopback) to
  udpnotif-recv on kernel sockets, producing to udpnotif-broker (its own process);
and checks:

1. every reason counter on /metrics against the capture's own description
   (expected-counters.json, written by tools/pcap-cases/make_scapy_cases.py where it builds
   each datagram): header rejections by reason, segment verdicts, expired sets, messages,
   JSON decode / XML / CBOR transcode failures by reason, undecodable by reason, dead letters,
   produced records; no other drop counter moves;
2. the final report agrees with /metrics (datagrams, messages, records, delivered, header,
   reassembly and duplicate drops, dead letters) and, dpdk, with the capture (frames, frames
   skipped as not IP / not UDP / other port);
3. what reached Kafka, read back with kcat: the dead-letter topic holds exactly the malformed
   payloads, octet for octet (SHA-256 and length); every other record is an envelope whose
   payload is a valid message of the capture, each exactly once: a JSON payload octet for
   octet (its SHA-256 is the one expected.jsonl gives that message: the golden reassembly
   output), an XML or CBOR payload (transcoded) or a stripped legacy wrapper equal as JSON to
   the value the generator states;
4. every envelope is valid against its YANG modules (udpnotif-consume --validate, libyang).

Usage: corpus_recv_test.py --driver dpdk --recv-dpdk EXE | --driver socket --recv EXE --send EXE
       --broker EXE; and --consume EXE --cases DIR --yang-dir DIR
Exit status 0 passed, 1 failed, 77 skipped (no kcat; dpdk: fewer than two CPUs).
"""

import argparse
import collections
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import prom_text  # noqa: E402  (tools/prom_text.py: the /metrics reader soak.py uses too)

SKIP = 77
CASES = ("scapy-malformed", "scapy-malformed-payloads")
DEAD_LETTER_TOPIC = "udpnotif-dead-letters"
class Failures:
    def __init__(self, case):
        self.case = case
        self.items = []

    def check(self, ok, what):
        if not ok:
            self.items.append(what)
        return ok

    def equal(self, got, want, what):
        return self.check(got == want, f"{what}: got {got!r}, want {want!r}")


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report_fields(lines, what, prog):
    prefix = f"{prog}: {what}:"
    for line in lines:
        if line.startswith(prefix):
            out = {}
            for tok in line[len(prefix):].split():
                k, _, v = tok.partition("=")
                if v.isdigit():
                    out[k] = int(v)
            return out
    return None


def skip_ws(text, i):
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def member_spans(text, start):
    """Raw [begin, end) spans of the members of the JSON object at text[start] ('{')."""
    dec = json.JSONDecoder()
    spans = {}
    i = skip_ws(text, start + 1)
    if text[i] == "}":
        return spans
    while True:
        i = skip_ws(text, i)
        key, i = dec.raw_decode(text, i)
        i = skip_ws(text, i)
        assert text[i] == ":", "':' expected"
        i = skip_ws(text, i + 1)
        begin = i
        _, i = dec.raw_decode(text, i)
        spans[key] = (begin, i)
        i = skip_ws(text, i)
        if text[i] == ",":
            i += 1
            continue
        assert text[i] == "}", "'}' expected"
        return spans


def payload_of(value):
    """(raw octets, parsed JSON) of the envelope's payload member."""
    text = value.decode("utf-8")
    outer = member_spans(text, skip_ws(text, 0))
    b, _ = outer["ietf-telemetry-message:message"]
    inner = member_spans(text, b)
    pb, pe = inner["payload"]
    raw = text[pb:pe]
    return raw.encode("utf-8"), json.loads(raw)


def kcat_topics(kcat, bootstrap):
    r = subprocess.run([kcat, "-b", bootstrap, "-L", "-J"], capture_output=True, timeout=30)
    md = json.loads(r.stdout)
    return {t["topic"]: len(t["partitions"]) for t in md["topics"] if not t["topic"].startswith("_")}


def kcat_records(kcat, bootstrap, topic):
    """Every record of \\p topic: (key octets or None, value octets), read to the end."""
    r = subprocess.run([kcat, "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                        "-f", "%K %S\\n%k%s"], capture_output=True, timeout=60)
    data = r.stdout
    out, i = [], 0
    while i < len(data):
        nl = data.index(b"\n", i)
        klen, vlen = (int(x) for x in data[i:nl].split())
        i = nl + 1
        key = data[i:i + klen] if klen >= 0 else None
        i += max(klen, 0)
        out.append((key, data[i:i + max(vlen, 0)]))
        i += max(vlen, 0)
    return out


def two_cpus():
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[:2] if len(cpus) >= 2 else None


def load_case(case_dir):
    """(Failures, expected-counters.json, expected.jsonl by (publisher, message id)), with the
    description checked against the golden reassembly output: each valid message is in
    expected.jsonl with the same payload, and the capture has no other complete message."""
    f = Failures(os.path.basename(case_dir))
    with open(os.path.join(case_dir, "expected-counters.json")) as fh:
        ex = json.load(fh)
    golden = {}
    with open(os.path.join(case_dir, "expected.jsonl")) as fh:
        for line in fh:
            d = json.loads(line)
            if "summary" not in d:
                golden.setdefault((d["publisher_id"], d["message_id"]), []).append(d)
    f.equal(sum(len(v) for v in golden.values()), ex["messages"],
            "expected.jsonl messages vs expected-counters.json messages")
    for v in ex["valid"]:
        lines = golden.get((v["publisher_id"], v["message_id"]), [])
        f.check(any(l["payload_sha256"] == v["payload_sha256"] and
                    l["media_type"] == v["media_type"] for l in lines),
                f"valid message {v['publisher_id']}/{v['message_id']} not in expected.jsonl "
                f"with its payload")
    return f, ex, golden


def receiver_options(ex):
    out = []
    for k, v in ex["receiver_options"].items():
        out += [f"--{k}", str(v)]
    return out


def stop(p):
    if p.poll() is None:
        p.terminate()
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def run_case_dpdk(args, case_dir, run_no, kcat):
    """udpnotif-recv-dpdk replays the capture (net_pcap) into its embedded Kafka and holds."""
    f, ex, golden = load_case(case_dir)
    cpus = two_cpus()
    metrics_port = free_port()
    cmd = [args.recv_dpdk, "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
           "--no-telemetry", "-l", f"{cpus[0]},{cpus[1]}", "--log-level=error",
           f"--file-prefix=udpn-corpus-{os.getpid()}-{run_no}",
           f"--vdev=net_pcap0,rx_pcap={os.path.join(case_dir, 'input.pcap')}", "--",
           "--yang-dir", args.yang_dir, "--stats-interval", "0", "--listen", "0.0.0.0:10001",
           "--profile", "latest", "--kafka.brokers", "embedded", "--kafka.linger_ms", "1",
           "--dead_letter_topic", DEAD_LETTER_TOPIC,
           "--metrics.listen", f"127.0.0.1:{metrics_port}", "--dpdk.hold"] + receiver_options(ex)
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            lines.append(line.decode(errors="replace").rstrip("\n"))
            if "holding" in lines[-1]:
                break
        if not lines or "holding" not in lines[-1]:
            err.seek(0)
            f.check(False, "receiver did not reach 'holding':\n" + "\n".join(lines) + "\n" +
                    err.read().decode(errors="replace")[-3000:])
            return f
        bootstrap = next(l.split(": ", 1)[1] for l in lines
                         if l.startswith("embedded kafka bootstrap: "))
        m = prom_text.scrape(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10)
        check_metrics(f, ex, m)
        check_report(f, ex, m, lines, "udpnotif-recv-dpdk")
        per_topic = check_kafka(f, ex, golden, kcat, bootstrap)
        check_yang(f, args, bootstrap, ex, per_topic)
    finally:
        stop(p)
    return f


def run_case_socket(args, case_dir, run_no, kcat):
    """udpnotif-send replays the capture's datagrams to the collector port (paced) over
    loopback to udpnotif-recv on kernel sockets, producing to udpnotif-broker (its own process,
    so the records can be read back after the receiver stopped). Capture time is not replayed:
    the set that expires does so by the real 2 s timeout, which the test waits out."""
    f, ex, golden = load_case(case_dir)
    tmp = tempfile.mkdtemp(prefix="udpn-corpus-")
    procs = []
    try:
        broker = subprocess.Popen([args.broker], stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(tmp, "broker.err"), "w"))
        procs.append(broker)
        bootstrap = broker.stdout.readline().decode().strip()
        if not bootstrap:
            f.check(False, "udpnotif-broker did not start")
            return f
        port = free_port(socket.SOCK_DGRAM)
        metrics_port = free_port()
        out_path, err_path = os.path.join(tmp, "recv.out"), os.path.join(tmp, "recv.err")
        recv = subprocess.Popen(
            [args.recv, "--listen", f"127.0.0.1:{port}", "--yang-dir", args.yang_dir,
             "--stats-interval", "0", "--profile", "latest", "--brokers", bootstrap,
             "--kafka.create_topics", "false", "--kafka.linger_ms", "1",
             "--dead_letter_topic", DEAD_LETTER_TOPIC,
             "--metrics.listen", f"127.0.0.1:{metrics_port}"] + receiver_options(ex),
            stdout=open(out_path, "w"), stderr=open(err_path, "w"))
        procs.append(recv)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and recv.poll() is None:
            with open(out_path) as fh:
                if "listening" in fh.read():
                    break
            time.sleep(0.1)
        else:
            f.check(False, "udpnotif-recv did not start: " + open(err_path).read()[-2000:])
            return f
        # 200 datagrams/s from one source socket per exporter: in order, nothing dropped.
        sent = subprocess.run([args.send, f"127.0.0.1:{port}", "--pcap",
                               os.path.join(case_dir, "input.pcap"), "--pcap-port", "10001",
                               "--rate", "200"], capture_output=True, text=True, timeout=60)
        f.equal(sent.returncode, 0, "udpnotif-send: " + sent.stdout + sent.stderr)
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        deadline = time.monotonic() + 30
        while True:
            m = prom_text.scrape(url)
            done = (m.total("udpnotif_rx_datagrams_total") >= ex["datagrams"] and
                    m.total("udpnotif_reassembly_pending_messages") == 0 and
                    m.total("udpnotif_worker_messages_total") >= ex["messages"] and
                    m.total("udpnotif_kafka_delivered_total") >=
                    m.total("udpnotif_worker_records_total"))
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        time.sleep(0.5)
        m = prom_text.scrape(url)
        check_metrics(f, ex, m)
        recv.send_signal(signal.SIGINT)
        f.equal(recv.wait(60), 0, "udpnotif-recv exit status")
        with open(err_path) as fh:
            check_report(f, ex, m, fh.read().splitlines(), "udpnotif-recv")
        per_topic = check_kafka(f, ex, golden, kcat, bootstrap)
        check_yang(f, args, bootstrap, ex, per_topic)
    finally:
        for p in reversed(procs):
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)
    return f


def check_metrics(f, ex, m):
    """Every reason family on /metrics against the description."""
    f.equal(m.by_label("udpnotif_header_rejected_total", "reason"),
            {k: v for k, v in ex["header_rejected"].items() if v}, "header rejected by reason")
    f.equal(m.by_label("udpnotif_reassembly_segments_total", "verdict"),
            {k: v for k, v in ex["segments"].items() if v}, "segment verdicts")
    f.equal(m.total("udpnotif_reassembly_expired_messages_total"), ex["expired_messages"],
            "expired messages")
    for name in ("udpnotif_reassembly_evicted_full_total",
                 "udpnotif_reassembly_evicted_memory_total"):
        f.equal(m.total(name), 0, name)
    f.equal(m.total("udpnotif_rx_datagrams_total"), ex["datagrams"], "datagrams")
    f.equal(m.total("udpnotif_header_accepted_total"),
            ex["datagrams"] - sum(ex["header_rejected"].values()), "headers accepted")
    f.equal(m.total("udpnotif_rx_messages_total"), ex["messages"], "messages to workers")
    f.equal(m.total("udpnotif_worker_messages_total"), ex["messages"], "worker messages")
    for family, want in (("udpnotif_decode_failed_total", ex["json_failed"]),
                         ("udpnotif_worker_decode_failed_total", ex["json_failed"]),
                         ("udpnotif_xml_transcode_failed_total", ex["xml_failed"]),
                         ("udpnotif_cbor_transcode_failed_total", ex["cbor_failed"])):
        f.equal(m.by_label(family, "error"), want, family + " by error")
    f.equal(m.by_label("udpnotif_worker_undecodable_total", "reason"), ex["undecodable"],
            "undecodable by reason")
    n_dead = len(ex["dead_letters"])
    n_valid = len(ex["valid"])
    want_status = {"dead_lettered": n_dead} if n_dead else {}
    statuses = m.by_label("udpnotif_worker_processed_total", "status")
    produced = statuses.pop("produced", 0) + statuses.pop("produced_fallback", 0)
    f.equal(produced, n_valid, "envelopes produced (valid messages)")
    f.equal(statuses, want_status, "other worker statuses")
    f.equal(m.total("udpnotif_worker_dead_letters_total"), n_dead, "dead letters")
    f.equal(m.total("udpnotif_worker_records_total"), n_valid + n_dead, "records")
    f.equal(m.total("udpnotif_kafka_delivered_total"), n_valid + n_dead, "delivered")
    for name in ("udpnotif_kafka_produce_dropped_total", "udpnotif_kafka_delivery_failed_total",
                 "udpnotif_worker_record_slots_exhausted_total",
                 "udpnotif_rx_queue_full_drops_total", "udpnotif_rx_pool_exhausted_total",
                 "udpnotif_rx_oversize_total"):
        f.equal(m.total(name), 0, name)



def check_report(f, ex, m, lines, prog):
    """The final report of \p prog against /metrics and the description."""
    final = report_fields(lines, "final", prog) or {}
    dropped = report_fields(lines, "dropped", prog) or {}
    kafka = report_fields(lines, "kafka", prog) or {}
    if prog == "udpnotif-recv-dpdk":  # the packet path sees every frame of the capture
        packet = report_fields(lines, "packet", prog) or {}
        f.equal(final.get("frames"), ex["frames"], "report frames")
        for why in ("not_ip", "not_udp", "other_port"):
            f.equal(packet.get(why), ex["skipped"].get(why, 0), f"report packet {why}")
        f.equal(final.get("undelivered"), 0, "report undelivered")
    else:
        f.equal(kafka.get("undelivered_at_stop"), 0, "report undelivered_at_stop")
        f.equal(dropped.get("kernel"), 0, "report kernel drops")
    # The final report and /metrics count the same things.
    f.equal(final.get("datagrams"), m.total("udpnotif_rx_datagrams_total"), "report datagrams")
    f.equal(final.get("messages"), m.total("udpnotif_rx_messages_total"), "report messages")
    f.equal(final.get("records"), m.total("udpnotif_worker_records_total"), "report records")
    f.equal(final.get("delivered"), m.total("udpnotif_kafka_delivered_total"),
            "report delivered")
    f.equal(dropped.get("header_invalid"), sum(ex["header_rejected"].values()),
            "report header_invalid")
    f.equal(dropped.get("reassembly_expired"), ex["expired_messages"], "report reassembly_expired")
    f.equal(dropped.get("duplicate_segments"),
            ex["segments"].get("duplicate", 0) + ex["segments"].get("late", 0),
            "report duplicate_segments (duplicate + late)")
    rejected = sum(v for k, v in ex["segments"].items()
                   if k in ("media_mismatch", "conflicting_last", "beyond_last",
                            "too_many_segments", "too_large", "no_memory"))
    f.equal(dropped.get("reassembly_rejected"), rejected, "report reassembly_rejected")
    f.equal(dropped.get("undecodable"), 0, "report undecodable (all dead-lettered)")
    f.equal(kafka.get("dead_letters"), len(ex["dead_letters"]), "report dead_letters")


def check_kafka(f, ex, golden, kcat, bootstrap):
    topics = kcat_topics(kcat, bootstrap)
    want_dead = collections.Counter((d["sha256"], d["length"]) for d in ex["dead_letters"])
    got_dead = collections.Counter()
    if DEAD_LETTER_TOPIC in topics:
        for key, value in kcat_records(kcat, bootstrap, DEAD_LETTER_TOPIC):
            f.check(key is None, "a dead letter has a key")
            got_dead[(hashlib.sha256(value).hexdigest(), len(value))] += 1
    f.equal(got_dead, want_dead, "dead-letter records (sha256, length)")

    want_raw = collections.Counter()
    want_json = collections.Counter()
    for v in ex["valid"]:
        if "payload_json" in v:
            want_json[json.dumps(v["payload_json"], sort_keys=True)] += 1
        else:
            want_raw[v["payload_sha256"]] += 1
    n_records = 0
    per_topic = {}
    for topic in sorted(topics):
        if topic == DEAD_LETTER_TOPIC:
            continue
        for _, value in kcat_records(kcat, bootstrap, topic):
            n_records += 1
            per_topic[topic] = per_topic.get(topic, 0) + 1
            try:
                raw, parsed = payload_of(value)
            except (ValueError, KeyError, AssertionError, IndexError) as e:
                f.check(False, f"{topic}: record is not an envelope with a payload ({e}): "
                               f"{value[:200]!r}")
                continue
            sha = hashlib.sha256(raw).hexdigest()
            canon = json.dumps(parsed, sort_keys=True)
            if want_raw[sha] > 0:
                want_raw[sha] -= 1
            elif want_json[canon] > 0:
                want_json[canon] -= 1
            else:
                f.check(False, f"{topic}: envelope payload matches no valid message (or a "
                               f"second copy): {raw[:300]!r}")
    f.equal(n_records, len(ex["valid"]), "envelope records in Kafka")
    f.equal(+want_raw, collections.Counter(), "JSON payloads not found octet for octet")
    f.equal(+want_json, collections.Counter(), "transcoded payloads not found")
    return per_topic


def check_yang(f, args, bootstrap, ex, per_topic):
    """Every envelope is valid against the YANG modules (libyang, udpnotif-consume)."""
    n = 0
    for i, (t, count) in enumerate(sorted(per_topic.items())):
        r = subprocess.run([args.consume, "-b", bootstrap, "-t", t, "--group",
                            f"corpus-{os.getpid()}-{i}", "--count", str(count), "--validate",
                            "--profile", "latest", "--yang-dir", args.yang_dir,
                            "--idle-ms", "30000"],
                           capture_output=True, text=True, timeout=120)
        f.equal(r.returncode, 0, f"udpnotif-consume --validate on {t}: {r.stderr[-500:]}")
        for line in r.stdout.splitlines():
            d = json.loads(line)
            n += 1
            f.check(d.get("valid") is True, f"{t}: envelope not valid: {d.get('error')}")
    f.equal(n, len(ex["valid"]), "envelopes validated")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", choices=("dpdk", "socket"), required=True)
    ap.add_argument("--recv-dpdk", help="udpnotif-recv-dpdk (driver dpdk)")
    ap.add_argument("--recv", help="udpnotif-recv (driver socket)")
    ap.add_argument("--send", help="udpnotif-send (driver socket)")
    ap.add_argument("--broker", help="udpnotif-broker (driver socket)")
    ap.add_argument("--consume", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--yang-dir", required=True)
    args = ap.parse_args()
    kcat = shutil.which("kcat")
    if kcat is None:
        print("SKIP: kcat is not installed (tools/setup-deps.sh installs it)")
        return SKIP
    if args.driver == "dpdk" and two_cpus() is None:
        print("SKIP: needs two CPUs (one main lcore, one RX lcore)")
        return SKIP
    run = run_case_dpdk if args.driver == "dpdk" else run_case_socket
    failed = 0
    for i, case in enumerate(CASES):
        f = run(args, os.path.join(args.cases, case), i, kcat)
        if f.items:
            failed += 1
            print(f"FAIL {case} ({args.driver}):")
            for item in f.items:
                print("  " + item)
        else:
            print(f"ok   {case} ({args.driver})")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
