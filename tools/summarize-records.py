#!/usr/bin/env python3
"""Reads Kafka records as JSON lines on stdin, either `udpnotif-dump --envelopes` output or
`kcat -C -J` output (records consumed from a broker); prints, per topic, the records, the
distinct keys and partitions (for consumed records: checked against murmur2(key) mod N, the
partitioner the receiver configures), then one pretty-printed envelope. Used by
tools/main-job.sh."""
import collections
import json
import sys

PARTITIONS = 12


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (PROTOCOL.md §10): seed 0x9747b28c, little-endian blocks."""
    m, r = 0x5BD1E995, 24
    h = (0x9747B28C ^ len(data)) & 0xFFFFFFFF
    n4 = len(data) // 4
    for i in range(n4):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    tail = data[4 * n4:]
    if len(tail) >= 3:
        h ^= tail[2] << 16
    if len(tail) >= 2:
        h ^= tail[1] << 8
    if tail:
        h ^= tail[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def main() -> int:
    records, summary = [], None
    for line in sys.stdin:
        if not line.strip():
            continue
        obj = json.loads(line)
        if "summary" in obj:
            summary = obj["summary"]
        elif "payload" in obj:  # kcat -J: a consumed record
            records.append({"topic": obj["topic"], "key": obj.get("key"),
                            "partition": obj["partition"], "value": json.loads(obj["payload"])})
        else:
            records.append(obj)
    per_topic = collections.defaultdict(list)
    for rec in records:
        per_topic[rec["topic"]].append(rec)
    consumed = any("partition" in r for r in records)
    print(f"{len(records)} Kafka records in {len(per_topic)} topics "
          + ("(consumed from the broker):" if consumed
             else f"(partition = murmur2(key) mod {PARTITIONS}):"))
    mismatched = 0
    for topic, recs in sorted(per_topic.items()):
        keys = collections.Counter(r["key"] for r in recs)
        if consumed:
            parts = sorted({r["partition"] for r in recs})
            mismatched += sum(1 for r in recs if r["key"] is not None and
                              (murmur2(r["key"].encode()) & 0x7FFFFFFF) % PARTITIONS != r["partition"])
        else:
            parts = sorted({(murmur2(k.encode()) & 0x7FFFFFFF) % PARTITIONS
                            for k in keys if k is not None})
        print(f"  {topic}: {len(recs)} records, {len(keys)} keys, partitions {parts}")
        for key in list(keys)[:2]:
            print(f"      key {json.dumps(key)}")
    if consumed:
        print(f"partition = murmur2(key) mod {PARTITIONS} for every keyed record: "
              + ("yes" if mismatched == 0 else f"NO ({mismatched} differ)"))
    if records:
        print("\none envelope:")
        print(json.dumps(records[-1]["value"], indent=2)[:4000])
    if summary and "worker" in summary:
        w = summary["worker"]
        print(f"\nworker: produced {w['produced']}, fallback {w['produced_fallback']}, "
              f"undecodable {w['undecodable']}, unknown subscription {w['unknown_subscription']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
