#!/usr/bin/env bash
# DPDK pcap replay benchmark of udpnotif-recv-dpdk (bench/README.md, "DPDK pcap replay").
#
# Writes two captures with udpnotif-pcapgen (1 KB messages whole in one datagram; 9 KB
# messages in 7 UDP-notif segments at MTU 1500; several exporters), replays each into
# udpnotif-recv-dpdk (net_pcap vdev, no hugepages, no NIC) with the null sink and with the
# embedded Kafka cluster, 1 RX lcore and 1 worker, and prints one RESULT line per run.
# Two sources: `file` (the PMD reads the capture from disk, libpcap per frame, as a replay of
# a large capture does) and `memory` (a smaller capture with infinite_rx=1: the PMD loads it
# into mbufs once and loops it; --dpdk.frames ends the run after PASSES whole passes, so the
# figure is the pipeline's, without file reads). Memory runs are named 1k-mem; there is no
# 9k-mem: each pass repeats the Message IDs, and the reassembly rightly drops the segments of
# a message it already completed as duplicates (whole 1 KB messages are not reassembled).
#
# Output checked before timing: a run reports a figure only when its final report shows that
# every message of the capture became a record (null: counted; embedded: delivered), with
# every drop counter (pipeline, packet, port, Kafka) at zero and exit status 0. Otherwise the
# run prints ERROR and the script exits non-zero at the end.
#
# Usage: bench/dpdk_replay.sh [BUILD_DIR]          (default: build)
# Environment (all optional):
#   RUNS=3            replays per (capture, sink)
#   MSGS_1K=500000    1 KB messages in the first capture
#   MSGS_9K=100000    9 KB messages in the second capture
#   EXPORTERS=8       exporters (source addresses), one publisher each
#   LCORES=0-1        EAL lcores: the first is the main (control) lcore, the rest RX lcores
#   WORKERS=1         pipeline workers
#   SINKS="null embedded"
#   SOURCES="file memory"
#   MEM_MSGS_1K=20000 messages of the memory capture (each frame needs an mbuf: the pool is
#                     sized frames + 16383)
#   PASSES=25         passes over a memory capture per run
#   OFFERED="100000 200000 400000 800000 1600000"   offered loads (frames/s) of the paced
#                     runs (1k-mem, null sink, --dpdk.pace-fps): like a NIC at that rate, the
#                     RX lcore does not wait for the pipeline, so what it cannot take is dropped
#                     and counted; one PACED line per rate with loss_pct (empty: none)
#   WORK=/tmp/udpn-dpdk-replay   captures and logs (captures are reused when present; with
#                     the defaults about 545 MB + 940 MB, deleted at the end unless KEEP=1)
#   YANG_DIR=<repo>/../shared/yang
#   KEEP=0            1 keeps the captures after the run
# bench/dpdk_replay_table.py turns the RESULT lines into a Markdown table.
set -u -o pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$repo/$build ;; esac
recv=$build/dpdk-app/udpnotif-recv-dpdk
pcapgen=$build/tools/udpnotif-pcapgen
runs=${RUNS:-3}
msgs_1k=${MSGS_1K:-500000}
msgs_9k=${MSGS_9K:-100000}
exporters=${EXPORTERS:-8}
lcores=${LCORES:-0-1}
workers=${WORKERS:-1}
sinks=${SINKS:-null embedded}
sources=${SOURCES:-file memory}
mem_msgs_1k=${MEM_MSGS_1K:-20000}
passes=${PASSES:-25}
offered_rates=${OFFERED-100000 200000 400000 800000 1600000}
work=${WORK:-/tmp/udpn-dpdk-replay}
yang_dir=${YANG_DIR:-$repo/../shared/yang}
keep=${KEEP:-0}

die() {
  echo "dpdk_replay: $*" >&2
  exit 2
}

[ -x "$recv" ] || die "$recv not built (tools/build.sh, or pass a build dir that has it)"
[ -x "$pcapgen" ] || die "$pcapgen not built"
[ -d "$yang_dir" ] || die "YANG directory $yang_dir not found (set YANG_DIR)"
mkdir -p "$work" || die "cannot create $work"

# RX lcores = lcores given to EAL minus the main one.
count_lcores() {
  local n=0 part lo hi
  local IFS=,
  for part in $1; do
    if [[ $part == *-* ]]; then
      lo=${part%-*}
      hi=${part#*-}
      n=$((n + hi - lo + 1))
    else
      n=$((n + 1))
    fi
  done
  echo "$n"
}
n_rx=$(($(count_lcores "$lcores") - 1))
[ "$n_rx" -ge 1 ] || die "LCORES=$lcores: need at least two lcores (main + RX)"

# gen NAME MESSAGES SIZE: writes $work/NAME.pcap (unless present with its .summary) and
# prints the summary line of udpnotif-pcapgen.
gen() {
  local name=$1 total=$2 size=$3
  local per_pub=$(((total + exporters - 1) / exporters))
  local out=$work/$name.pcap
  local args=(--seed 42 --exporters "$exporters" --messages "$per_pub" --size "$size"
    --mtu 1500 --pps 1000000 -o "$out")
  if [ ! -s "$out" ] || [ ! -s "$out.summary" ] || [ "$(cat "$out.args" 2>/dev/null)" != "${args[*]}" ]; then
    "$pcapgen" "${args[@]}" >"$out.summary" 2>&1 || die "udpnotif-pcapgen failed for $name"
    echo "${args[*]}" >"$out.args"
  fi
  cat "$out.summary"
}

# field LINE KEY: the value of KEY=VALUE in LINE.
field() {
  local kv
  for kv in $1; do
    if [ "${kv%%=*}" = "$2" ]; then
      echo "${kv#*=}"
      return 0
    fi
  done
  echo ""
}

# report_line FILE WHAT: the "udpnotif-recv-dpdk: WHAT:" line of FILE without its prefix.
report_line() {
  grep -m1 "^udpnotif-recv-dpdk: $2: " "$1" | sed "s/^udpnotif-recv-dpdk: $2: //"
}

failures=0

# replay NAME SINK RUN: one replay; prints RESULT or ERROR. NAME ending in -mem: the capture
# loops from memory for $passes passes.
replay() {
  local name=$1 sink=$2 run=$3
  local cap=$work/$name.pcap
  local expected frames_expected
  expected=$(field "$(cat "$cap.summary")" messages)
  frames_expected=$(field "$(cat "$cap.summary")" frames)
  local vdev="net_pcap0,rx_pcap=$cap" source_args=()
  if [[ $name == *-mem ]]; then
    vdev+=",infinite_rx=1"
    source_args=(--dpdk.frames $((passes * frames_expected))
      --dpdk.mbufs $((frames_expected + 16383)))
    expected=$((passes * expected))
    frames_expected=$((passes * frames_expected))
  fi
  local log=$work/$name.$sink.$run.out err=$work/$name.$sink.$run.err
  local sink_args=(--kafka.brokers null)
  if [ "$sink" = embedded ]; then
    sink_args=(--kafka.brokers embedded --kafka.embedded_partitions 12)
  fi
  local rc=0
  "$recv" --no-huge -m 512 --no-pci --no-shconf --no-telemetry -l "$lcores" \
    --log-level=error "--file-prefix=udpn-replay-$$-$run" "--vdev=$vdev" \
    -- "${source_args[@]}" --yang-dir "$yang_dir" --stats-interval 0 --set metrics.listen= \
    --workers "$workers" "${sink_args[@]}" >"$log" 2>"$err" || rc=$?

  local final rate packet dropped port kafka latency cpu why=""
  final=$(report_line "$log" final)
  rate=$(report_line "$log" rate)
  packet=$(report_line "$log" packet)
  dropped=$(report_line "$log" dropped)
  port=$(report_line "$log" "port 0")
  kafka=$(report_line "$log" kafka)
  latency=$(report_line "$log" latency_us)
  cpu=$(report_line "$log" cpu)
  [ "$rc" -eq 0 ] || why+=" exit=$rc"
  if [ -z "$final" ] || [ -z "$rate" ] || [ -z "$dropped" ] || [ -z "$port" ] || [ -z "$cpu" ]; then
    why+=" no-report"
  else
    local k v kv
    for k in messages worker_messages records producer_records; do
      v=$(field "$final" "$k")
      [ "$v" = "$expected" ] || why+=" $k=$v(expected $expected)"
    done
    if [ "$sink" = null ]; then
      v=$(field "$final" null_records)
      [ "$v" = "$expected" ] || why+=" null_records=$v(expected $expected)"
    else
      v=$(field "$final" delivered)
      [ "$v" = "$expected" ] || why+=" delivered=$v(expected $expected)"
      for kv in $kafka; do
        [ "${kv#*=}" = 0 ] || why+=" kafka.$kv"
      done
    fi
    v=$(field "$latency" count)
    [ "$v" = "$expected" ] || why+=" latency.count=$v(expected $expected)"
    v=$(field "$final" undelivered)
    [ "$v" = 0 ] || why+=" undelivered=$v"
    v=$(field "$final" frames)
    [ "$v" = "$frames_expected" ] || why+=" frames=$v(expected $frames_expected)"
    for kv in $dropped $packet; do
      case ${kv%%=*} in ip_fragments | ip_reassembled) continue ;; esac
      [ "${kv#*=}" = 0 ] || why+=" $kv"
    done
    for k in imissed ierrors rx_nombuf; do
      v=$(field "$port" "$k")
      [ "$v" = 0 ] || why+=" port.$k=$v"
    done
    v=$(field "$port" ipackets)
    [ "$v" = "$frames_expected" ] || why+=" port.ipackets=$v(expected $frames_expected)"
  fi
  if [ -n "$why" ]; then
    echo "ERROR capture=$name sink=$sink run=$run:$why (see $log, $err)"
    failures=$((failures + 1))
    return
  fi
  local active mps bps fps rx_active
  active=$(field "$rate" active_s)
  rx_active=$(field "$rate" rx_active_s)
  mps=$(field "$rate" messages_per_s)
  bps=$(field "$rate" bytes_per_s)
  fps=$(field "$rate" frames_per_s)
  echo "RESULT capture=$name sink=$sink run=$run rx_lcores=$n_rx workers=$workers" \
    "messages=$expected frames=$frames_expected frame_bytes=$(field "$final" frame_bytes)" \
    "active_s=$active rx_active_s=$rx_active messages_per_s=$mps bytes_per_s=$bps" \
    "frames_per_s=$fps" \
    "messages_per_s_per_rx_lcore=$(awk -v a="$mps" -v n="$n_rx" 'BEGIN{printf "%.0f", a/n}')" \
    "messages_per_s_per_worker=$(awk -v a="$mps" -v n="$workers" 'BEGIN{printf "%.0f", a/n}')" \
    "bytes_per_s_per_rx_lcore=$(awk -v a="$bps" -v n="$n_rx" 'BEGIN{printf "%.0f", a/n}')" \
    "bytes_per_s_per_worker=$(awk -v a="$bps" -v n="$workers" 'BEGIN{printf "%.0f", a/n}')" \
    "latency_p50_us=$(field "$latency" p50) latency_p99_us=$(field "$latency" p99)" \
    "latency_p999_us=$(field "$latency" p999) latency_max_us=$(field "$latency" max)" \
    "rx_cpu_s=$(field "$cpu" rx_s) worker_cpu_s=$(field "$cpu" workers_s)" \
    "producer_cpu_s=$(field "$cpu" producers_s)" \
    "messages_per_worker_cpu_s=$(field "$cpu" worker_messages_per_cpu_s)"
}

# paced RATE: one paced replay of the memory capture into the null sink; prints PACED or ERROR.
# Loss is the frames the RX lcore took but no record came of: the drop counters of the RX side
# (pool_exhausted, queue_full: the pipeline was full) must add up to it, every other counter is 0.
paced() {
  local rate=$1
  local cap=$work/1k-mem.pcap
  local n frames log=$work/paced.$rate.out err=$work/paced.$rate.err rc=0
  n=$(field "$(cat "$cap.summary")" messages)
  frames=$((passes * n))
  "$recv" --no-huge -m 512 --no-pci --no-shconf --no-telemetry -l "$lcores" \
    --log-level=error "--file-prefix=udpn-paced-$$-$rate" "--vdev=net_pcap0,rx_pcap=$cap,infinite_rx=1" \
    -- --dpdk.frames "$frames" --dpdk.pace-fps "$rate" --dpdk.mbufs $((n + 16383)) \
    --yang-dir "$yang_dir" --stats-interval 0 --set metrics.listen= --workers "$workers" \
    --kafka.brokers null >"$log" 2>"$err" || rc=$?
  local final rate_line dropped port why="" kv v records counted=0
  final=$(report_line "$log" final)
  rate_line=$(report_line "$log" rate)
  dropped=$(report_line "$log" dropped)
  port=$(report_line "$log" "port 0")
  [ "$rc" -eq 0 ] || why+=" exit=$rc"
  if [ -z "$final" ] || [ -z "$rate_line" ] || [ -z "$dropped" ]; then
    why+=" no-report"
  else
    v=$(field "$final" frames)
    [ "$v" = "$frames" ] || why+=" frames=$v(expected $frames)"
    records=$(field "$final" null_records)
    for kv in $dropped; do
      case ${kv%%=*} in
        pool_exhausted | queue_full) counted=$((counted + ${kv#*=})) ;;
        *) [ "${kv#*=}" = 0 ] || why+=" $kv" ;;
      esac
    done
    [ $((records + counted)) -eq "$frames" ] ||
      why+=" records=$records+counted_drops=$counted(expected $frames)"
  fi
  if [ -n "$why" ]; then
    echo "ERROR paced offered=$rate:$why (see $log, $err)"
    failures=$((failures + 1))
    return
  fi
  echo "PACED capture=1k-mem sink=null offered=$rate frames=$frames records=$records" \
    "dropped=$counted loss_pct=$(awk -v d="$counted" -v f="$frames" 'BEGIN{printf "%.4f", 100*d/f}')" \
    "frames_per_s=$(field "$rate_line" frames_per_s) records_per_s=$(field "$rate_line" records_per_s)"
}

echo "# udpnotif-recv-dpdk replay: $recv"
echo "# lcores=$lcores (RX lcores $n_rx) workers=$workers runs=$runs nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
names=()
if [[ " $sources " == *" file "* ]]; then
  echo "# capture 1k: $(gen 1k "$msgs_1k" 1000)"
  echo "# capture 9k: $(gen 9k "$msgs_9k" 9000)"
  names+=(1k 9k)
fi
if [[ " $sources " == *" memory "* ]]; then
  echo "# capture 1k-mem ($passes passes): $(gen 1k-mem "$mem_msgs_1k" 1000)"
  names+=(1k-mem)
fi
for name in "${names[@]}"; do
  echo "# $(du -h "$work/$name.pcap" | cut -f1) $work/$name.pcap"
done
if [[ " $sources " != *" memory "* ]]; then
  offered_rates=""
fi
for name in "${names[@]}"; do
  for sink in $sinks; do
    for ((run = 1; run <= runs; run++)); do
      replay "$name" "$sink" "$run"
    done
  done
done
for rate in $offered_rates; do
  paced "$rate"
done
if [ "$keep" != 1 ]; then
  rm -f "$work"/1k.pcap* "$work"/9k.pcap* "$work"/1k-mem.pcap*
fi
if [ "$failures" -ne 0 ]; then
  echo "dpdk_replay: $failures run(s) failed the output check: no figure for them" >&2
  exit 1
fi
