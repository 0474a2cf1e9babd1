#!/usr/bin/env python3
"""Turns the output of bench/run-all.sh into a Markdown report and PNG plots.

    bench/report.py DIR

DIR holds one Google Benchmark JSON file per program (<program>.json), optionally
dpdk_replay.txt (bench/dpdk_replay.sh's RESULT lines) and machine.txt. Writes:
  DIR/results.md         every benchmark (items/s, bytes/s, allocations per item, counters),
                         the socket-path load table and the DPDK replay table;
  DIR/throughput.png     bytes/s against message size, one line per stage benchmark;
  DIR/socket_loss.png    loss against offered load of the kernel-socket receiver;
  DIR/dpdk_replay.png    DPDK pcap replay messages/s per RX lcore, per capture and sink
                         (a replay never drops: the RX lcore waits for the workers, so it
                         gives a saturation rate, not a loss curve);
  DIR/dpdk_loss.png      loss against offered load of the paced DPDK replays (PACED lines:
                         the RX lcore takes frames at a fixed rate and drops, as a NIC would,
                         what the pipeline cannot take);
  DIR/*.dat, DIR/*.gp    the gnuplot data and scripts behind the plots.
A benchmark that reported an error (its output check failed before timing) is listed at the
top of the report and makes the exit status 1; it has no figure.
"""
import json
import pathlib
import re
import shutil
import statistics
import subprocess
import sys


def si(v: float, unit: str = "") -> str:
    for div, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.3g} {p}{unit}"
    return f"{v:.3g} {unit}".rstrip()


# Message size in octets and the series (stage) of a benchmark name, per family. The sizes are
# those the benchmark programs build their inputs with (see each bench/*.cpp).
SIZE_RULES = [
    (re.compile(r"^(BM_Envelope_\w+)/(\d+)$"), lambda m: (m[1], int(m[2]))),
    (re.compile(r"^(BM_Worker_\w+)/(\d+)$"), lambda m: (m[1], int(m[2]))),
    (re.compile(r"^(BM_DecodeJson)/form:(\d)/bytes:(\d+)$"),
     lambda m: (f"{m[1]} ({'envelope' if m[2] == '0' else 'legacy'})", int(m[3]))),
    (re.compile(r"^(BM_TranscodeXml)/form:(\d)/bytes:(\d+)$"),
     lambda m: (f"{m[1]} ({'envelope' if m[2] == '0' else 'legacy'})", int(m[3]))),
    (re.compile(r"^(BM_TranscodeCbor)/bytes:(\d+)$"), lambda m: (m[1], int(m[2]))),
    # reassembly: segments of 1,000 payload octets (reassembly_bench.cpp)
    (re.compile(r"^(BM_Reassembly)/(\d+)/(\w+)$"),
     lambda m: (f"{m[1]} ({m[3]})", int(m[2]) * 1000)),
    (re.compile(r"^(BM_RxPath)/whole_1k$"), lambda m: (f"{m[1]} (whole)", 1024)),
    (re.compile(r"^(BM_RxPath)/seg_9k_\d+$"), lambda m: (f"{m[1]} (segmented)", 9216)),
    # UDP-notif message octets; record 0 = one message per DTLS record (dtls_bench.cpp)
    (re.compile(r"^(BM_DtlsListener)/(\d+)/0/iterations:\d+$"),
     lambda m: (f"{m[1]} (a record per message)", int(m[2]))),
]


def size_of(name: str):
    for rx, f in SIZE_RULES:
        m = rx.match(name)
        if m:
            return f(m)
    return None


def load(dirpath: pathlib.Path):
    runs, errors = [], []
    for path in sorted(dirpath.glob("*.json")):
        doc = json.loads(path.read_text())
        for b in doc.get("benchmarks", []):
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            b["_program"] = path.stem
            if b.get("error_occurred"):
                errors.append(f"{path.stem}: {b['name']}: {b.get('error_message', '?')}")
                continue
            runs.append(b)
    return runs, errors


STANDARD = {"name", "family_index", "per_family_instance_index", "run_name", "run_type",
            "repetitions", "repetition_index", "threads", "iterations", "real_time", "cpu_time",
            "time_unit", "bytes_per_second", "items_per_second", "aggregate_name",
            "aggregate_unit", "_program", "error_occurred", "error_message"}


def gnuplot(script: pathlib.Path) -> bool:
    if shutil.which("gnuplot") is None:
        print("report.py: gnuplot not found, plots skipped (apt-get install gnuplot-nox)",
              file=sys.stderr)
        return False
    subprocess.run(["gnuplot", str(script)], check=True, cwd=script.parent)
    return True


def throughput_plot(d: pathlib.Path, runs) -> list[str]:
    series: dict[str, list[tuple[int, float]]] = {}
    for b in runs:
        s = size_of(b["run_name"] if b.get("run_type") == "aggregate" else b["name"])
        if s and b.get("bytes_per_second"):
            series.setdefault(s[0], []).append((s[1], b["bytes_per_second"]))
    if not series:
        return []
    names = sorted(series)
    with open(d / "throughput.dat", "w") as f:
        for n in names:
            f.write(f"# {n}\n")
            for size, bps in sorted(series[n]):
                f.write(f"{size} {bps / 1e9:.6g}\n")
            f.write("\n\n")
    plots = ", ".join(f"'throughput.dat' index {i} with linespoints title '{n}'"
                      for i, n in enumerate(names))
    (d / "throughput.gp").write_text(
        "set terminal png noenhanced size 1200,750\nset output 'throughput.png'\n"
        "set logscale xy\nset xlabel 'message size (octets)'\nset ylabel 'GB/s (one core)'\n"
        "set key outside right\nset grid\nset title 'Throughput per stage against message size'\n"
        f"plot {plots}\n")
    return ["throughput.png"] if gnuplot(d / "throughput.gp") else []


SOCKET = re.compile(r"^BM_SocketLoad(?:Nap)?/size:(\d+)/offered:(\d+)/sink:(\d)(?:/nap_us:(\d+))?")


def socket_rows(runs):
    """(size, sink, offered, run); the sink names a receive nap when the run had one."""
    rows = []
    for b in runs:
        m = SOCKET.match(b["name"])
        if m:
            sink = "embedded" if m[3] == "1" else "null"
            if m[4]:
                sink += f", nap {m[4]} us"
            rows.append((int(m[1]), sink, int(m[2]), b))
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def socket_plot(d: pathlib.Path, rows) -> list[str]:
    if not rows:
        return []
    keys = sorted({(size, sink) for size, sink, _, _ in rows})
    with open(d / "socket_loss.dat", "w") as f:
        for size, sink in keys:
            f.write(f"# {size} {sink}\n")
            for s2, k2, offered, b in rows:
                if (s2, k2) == (size, sink):
                    f.write(f"{offered} {b.get('loss_pct', 0):.6g}\n")
            f.write("\n\n")
    plots = ", ".join(f"'socket_loss.dat' index {i} with linespoints title '{s} B, {k}'"
                      for i, (s, k) in enumerate(keys))
    (d / "socket_loss.gp").write_text(
        "set terminal png noenhanced size 1000,600\nset output 'socket_loss.png'\n"
        "set logscale x\nset xlabel 'offered load (messages/s)'\nset ylabel 'loss (%)'\n"
        "set yrange [0:*]\nset grid\nset key top left\n"
        "set title 'udpnotif-recv on loopback: loss against offered load'\n"
        f"plot {plots}\n")
    return ["socket_loss.png"] if gnuplot(d / "socket_loss.gp") else []


def replay_rows(d: pathlib.Path):
    """RESULT lines by (capture, sink), PACED lines in order, ERROR lines."""
    path = d / "dpdk_replay.txt"
    rows, paced, errors = {}, [], []
    if not path.exists():
        return rows, paced, errors
    for line in path.read_text().splitlines():
        if line.startswith("ERROR"):
            errors.append(line)
        kv = dict(re.findall(r"(\w+)=(\S+)", line))
        if line.startswith("RESULT "):
            rows.setdefault((kv["capture"], kv["sink"]), []).append(kv)
        elif line.startswith("PACED "):
            paced.append(kv)
    return rows, paced, errors


def paced_plot(d: pathlib.Path, paced) -> list[str]:
    if not paced:
        return []
    with open(d / "dpdk_loss.dat", "w") as f:
        for kv in sorted(paced, key=lambda kv: float(kv["offered"])):
            f.write(f"{kv['offered']} {kv['loss_pct']} {kv['frames_per_s']}\n")
    (d / "dpdk_loss.gp").write_text(
        "set terminal png noenhanced size 1000,600\nset output 'dpdk_loss.png'\n"
        "set logscale x\nset xlabel 'offered load (frames/s asked of the RX lcore)'\n"
        "set ylabel 'loss (%)'\nset yrange [0:*]\nset grid\nset key top left\n"
        "set title 'udpnotif-recv-dpdk, paced memory replay of 1 KB messages: loss'\n"
        "plot 'dpdk_loss.dat' using 1:2 with linespoints title '1k-mem, null sink'\n")
    return ["dpdk_loss.png"] if gnuplot(d / "dpdk_loss.gp") else []


def replay_plot(d: pathlib.Path, rows) -> list[str]:
    if not rows:
        return []
    with open(d / "dpdk_replay.dat", "w") as f:
        for (cap, sink), rs in sorted(rows.items()):
            v = statistics.median(float(r["messages_per_s_per_rx_lcore"]) for r in rs)
            f.write(f"\"{cap} {sink}\" {v:.6g}\n")
    (d / "dpdk_replay.gp").write_text(
        "set terminal png noenhanced size 900,550\nset output 'dpdk_replay.png'\n"
        "set style data histograms\nset style fill solid 0.6\nset boxwidth 0.7\n"
        "set ylabel 'messages/s per RX lcore (median)'\nset yrange [0:*]\nset grid ytics\n"
        "set title 'udpnotif-recv-dpdk pcap replay (saturation, nothing dropped)'\n"
        "plot 'dpdk_replay.dat' using 2:xtic(1) notitle\n")
    return ["dpdk_replay.png"] if gnuplot(d / "dpdk_replay.gp") else []


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = pathlib.Path(sys.argv[1])
    runs, errors = load(d)
    rrows, paced, rerrors = replay_rows(d)
    errors += rerrors
    out = ["# Benchmark results", ""]
    if (d / "machine.txt").exists():
        out += ["```", (d / "machine.txt").read_text().rstrip(), "```", ""]
    if errors:
        out += ["## Errors (no figure: the output check failed)", ""]
        out += [f"- {e}" for e in errors] + [""]
    out += ["## Every benchmark", "",
            "| program | benchmark | items/s | bytes/s | CPU ns/iter | other counters |",
            "|---|---|---|---|---|---|"]
    for b in runs:
        extra = ", ".join(f"{k}={v:.4g}" for k, v in b.items()
                          if k not in STANDARD and isinstance(v, (int, float)))
        name = b["run_name"] if b.get("run_type") == "aggregate" else b["name"]
        out.append(f"| {b['_program']} | `{name}` | {si(b.get('items_per_second', 0))} | "
                   f"{si(b.get('bytes_per_second', 0), 'B/s')} | {b['cpu_time']:.4g} | {extra} |")
    srows = socket_rows(runs)
    if srows:
        out += ["", "## Kernel-socket receiver on loopback", "",
                "| size | sink | offered msg/s | sent msg/s | delivered msg/s | loss % | kernel drops "
                "| RX+worker CPU s/M (RX / worker) | producer CPU s/M | latency p50/p99/p99.9 µs |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for size, sink, offered, b in srows:
            lat = "/".join(f"{b[k]:.0f}" if k in b else "-"
                           for k in ("lat_p50_us", "lat_p99_us", "lat_p999_us"))
            out.append(f"| {size} | {sink} | {si(offered)} | {si(b.get('sent', 0))} | "
                       f"{si(b.get('delivered', 0))} | {b.get('loss_pct', 0):.2f} | "
                       f"{b.get('kernel_drops', 0):.0f} | {b.get('rxwk_cpu_s_per_M', 0):.2f} "
                       f"({b.get('rx_cpu_s_per_M', float('nan')):.2f} / "
                       f"{b.get('wk_cpu_s_per_M', float('nan')):.2f}) | "
                       f"{b.get('prod_cpu_s_per_M', 0):.2f} | {lat} |")
    if rrows:
        out += ["", "## DPDK pcap replay", "",
                "| capture | sink | runs | msg/s per RX lcore (median) | msg/s per worker | "
                "msg per worker CPU s | latency p50/p99/p99.9 µs (median) |",
                "|---|---|---|---|---|---|---|"]
        for (cap, sink), rs in sorted(rrows.items()):
            med = lambda k: statistics.median(float(r[k]) for r in rs) if all(k in r for r in rs) else float("nan")
            out.append(f"| {cap} | {sink} | {len(rs)} | {si(med('messages_per_s_per_rx_lcore'))} | "
                       f"{si(med('messages_per_s_per_worker'))} | "
                       f"{si(med('messages_per_worker_cpu_s'))} | {med('latency_p50_us'):.0f}/"
                       f"{med('latency_p99_us'):.0f}/{med('latency_p999_us'):.0f} |")
    if paced:
        out += ["", "## DPDK paced replay (loss against offered load)", "",
                "| offered frames/s | achieved frames/s | records | dropped (counted) | loss % |",
                "|---|---|---|---|---|"]
        for kv in sorted(paced, key=lambda kv: float(kv["offered"])):
            out.append(f"| {si(float(kv['offered']))} | {si(float(kv['frames_per_s']))} | "
                       f"{int(kv['records']):,} | {int(kv['dropped']):,} | {kv['loss_pct']} |")
    pngs = (throughput_plot(d, runs) + socket_plot(d, srows) + replay_plot(d, rrows) +
            paced_plot(d, paced))
    if pngs:
        out += ["", "## Plots", ""] + [f"![{p}]({p})" for p in pngs]
    (d / "results.md").write_text("\n".join(out) + "\n")
    print(f"report.py: {d / 'results.md'} ({len(runs)} benchmarks, {len(pngs)} plots, "
          f"{len(errors)} errors)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
