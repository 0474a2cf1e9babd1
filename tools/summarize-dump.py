#!/usr/bin/env python3
"""Reads udpnotif-dump JSON lines on stdin and prints a per-message table and the counters.

Used by tools/main-job.sh; handy on its own: udpnotif-dump x.pcap | tools/summarize-dump.py
"""
import collections
import json
import sys

MEDIA = {1: "json", 2: "xml", 3: "cbor"}


def main() -> int:
    max_rows = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    messages, summary = [], None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        else:
            messages.append(obj)
    if summary is None:
        print("summarize-dump: no summary line (udpnotif-dump failed?)", file=sys.stderr)
        return 1

    header = f"{'exporter':<24} {'collector':<24} {'pub':>5} {'msg id':>8} {'type':>5} {'segs':>5} {'bytes':>7}  sha256"
    print(header)
    print("-" * len(header))
    for m in messages[:max_rows]:
        media = MEDIA.get(m["media_type"], str(m["media_type"])) if not m["s_flag"] else f"p{m['media_type']}"
        print(f"{m['src']:<24} {m['dst']:<24} {m['publisher_id']:>5} {m['message_id']:>8} {media:>5} "
              f"{m['segments']:>5} {m['payload_len']:>7}  {m['payload_sha256'][:16]}")
    if len(messages) > max_rows:
        print(f"... {len(messages) - max_rows} more messages")

    print()
    per_exporter = collections.Counter((m["src"], m["publisher_id"]) for m in messages)
    segmented = sum(1 for m in messages if m["segments"] > 1)
    print(f"messages: {len(messages)} from {len(per_exporter)} (exporter, publisher) streams, "
          f"{segmented} reassembled from segments, "
          f"{sum(m['payload_len'] for m in messages)} payload octets")
    for (src, pub), n in sorted(per_exporter.items()):
        print(f"  {src:<28} publisher {pub:<6} {n} messages")

    print()
    print(f"packets {summary['packets']}  datagrams {summary['datagrams']}  "
          f"messages {summary['messages']}  incomplete {summary['incomplete']}")
    for group in ("invalid", "reassembly", "ip", "skipped", "message_ids"):
        values = summary.get(group, {})
        nonzero = {k: v for k, v in values.items() if v}
        print(f"  {group:<12} " + (", ".join(f"{k}={v}" for k, v in nonzero.items()) or "all zero"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
