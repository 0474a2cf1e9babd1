#!/usr/bin/env bash
# Runs the whole benchmark set of one build and writes a Markdown report with PNG plots.
#
#   bench/run-all.sh [BUILD_DIR] [OUT_DIR]      (defaults: build, bench-results/<date>)
#
# Every Google Benchmark program of BUILD_DIR/bench (each checks its output before timing and
# reports an error instead of a figure when the check fails) writes OUT_DIR/<program>.json;
# bench/dpdk_replay.sh adds OUT_DIR/dpdk_replay.txt when udpnotif-recv-dpdk is built; then
# bench/report.py writes OUT_DIR/results.md and the plots (throughput against message size per
# stage, socket-path loss against offered load, DPDK replay rate). OUT_DIR/machine.txt records
# the machine and its load. Takes about 5 minutes on the 2-core reference machine.
# Env: MIN_TIME (Google Benchmark --benchmark_min_time, default 0.3), REPS (repetitions, the
# median is reported; default 1), SKIP_DPDK=1, SKIP_SOCKET=1 (the 1-minute loopback runs),
# and dpdk_replay.sh's own (RUNS, WORKERS, LCORES, ...).
# Exit status 1 when any benchmark or replay reported an error.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
out=${2:-$repo/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
[ -d "$build/bench" ] || { echo "run-all.sh: $build/bench not found (meson setup with -Dbenchmarks=enabled)" >&2; exit 2; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "build: $build ($(meson introspect "$build" --buildoptions 2>/dev/null | python3 -c 'import json,sys; o={x["name"]:x["value"] for x in json.load(sys.stdin)}; print("buildtype="+str(o.get("buildtype")), "march="+str(o.get("march", "")))' 2>/dev/null || echo '?'))"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

status=0
reps=()
[ "${REPS:-1}" -gt 1 ] && reps=(--benchmark_repetitions="$REPS" --benchmark_report_aggregates_only=true)
for bin in "$build"/bench/*_bench; do
  name=$(basename "$bin")
  min_time=(--benchmark_min_time="${MIN_TIME:-0.3}")
  if [ "$name" = socket_load_bench ]; then
    [ "${SKIP_SOCKET:-0}" = 1 ] && continue
    min_time=() # fixed iterations and manual time of its own
  fi
  echo "run-all.sh: $name" >&2
  "$bin" "${min_time[@]}" "${reps[@]}" --benchmark_out="$out/$name.json" \
    --benchmark_out_format=json >"$out/$name.txt" 2>&1 || { echo "run-all.sh: $name failed (see $out/$name.txt)" >&2; status=1; }
done
if [ "${SKIP_DPDK:-0}" != 1 ] && [ -x "$build/dpdk-app/udpnotif-recv-dpdk" ]; then
  echo "run-all.sh: dpdk_replay.sh" >&2
  "$repo/bench/dpdk_replay.sh" "$build" >"$out/dpdk_replay.txt" 2>"$out/dpdk_replay.err" || status=1
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
"$repo/bench/report.py" "$out" || status=1
exit $status
