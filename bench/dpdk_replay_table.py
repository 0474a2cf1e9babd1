#!/usr/bin/env python3
"""Markdown table of bench/dpdk_replay.sh's RESULT lines (stdin or files): the median of the
runs of each (capture, sink) and their range. ERROR lines are listed after the table; the exit
status is 1 when there is one."""
import fileinput
import re
import statistics
import sys


def si(v: float) -> str:
    for div, unit in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if v >= div:
            return f"{v / div:.3g}{unit}"
    return f"{v:.3g}"


def main() -> int:
    runs: dict[tuple[str, str], list[dict[str, str]]] = {}
    errors = []
    for line in fileinput.input():
        if line.startswith("ERROR"):
            errors.append(line.rstrip())
        if not line.startswith("RESULT "):
            continue
        kv = dict(re.findall(r"(\w+)=(\S+)", line))
        runs.setdefault((kv["capture"], kv["sink"]), []).append(kv)
    print("| capture | sink | runs | messages | frames | msg/s per RX lcore (median, range) "
          "| frame bytes/s per RX lcore | msg/s per worker | msg per worker CPU s | active s "
          "| latency p50 / p99 / p99.9 µs (median) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (cap, sink), rs in runs.items():
        mps = [float(r["messages_per_s_per_rx_lcore"]) for r in rs]
        bps = [float(r["bytes_per_s_per_rx_lcore"]) for r in rs]
        mpw = [float(r["messages_per_s_per_worker"]) for r in rs]
        act = [float(r["active_s"]) for r in rs]
        # messages per CPU second of the worker threads: what one worker core carries when the
        # cores are shared (older RESULT lines have no such field)
        mpc = [float(r["messages_per_worker_cpu_s"]) for r in rs if "messages_per_worker_cpu_s" in r]
        per_cpu = si(statistics.median(mpc)) if mpc else "-"
        lat = "/".join(
            f"{statistics.median(float(r[k]) for r in rs):.0f}" if all(k in r for r in rs) else "-"
            for k in ("latency_p50_us", "latency_p99_us", "latency_p999_us"))
        print(f"| {cap} | {sink} | {len(rs)} | {int(rs[0]['messages']):,} | "
              f"{int(rs[0]['frames']):,} | {si(statistics.median(mps))} "
              f"({si(min(mps))}-{si(max(mps))}) | {si(statistics.median(bps))}B/s | "
              f"{si(statistics.median(mpw))} | {per_cpu} | {statistics.median(act):.2f} | {lat} |")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
