#!/usr/bin/env bash
# README command one: install what is missing, build, then run the main job on the embedded
# default. Until the Kafka pipeline lands this is the pcap packet path: generate realistic
# YANG-Push traffic (several exporters and publishers, MTU-driven segmentation, IPv4 and IPv6,
# reordering, duplicates, some loss), read it back through DPDK (pcap PMD, rte_ip_frag,
# UDP-notif reassembly) with udpnotif-dump, and print a per-message table and the counters.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh

out=${UDPN_OUT:-out}
mkdir -p "$out"
pcap="$out/demo.pcap"

build/tools/udpnotif-pcapgen --seed 7 --exporters 3 --publishers-per-exporter 2 --messages 20 \
  --size 600,6000 --mtu 1500 --mix-ip --reorder 0.1 --duplicate 0.02 --loss 0.01 --out "$pcap"
echo "generated $pcap; decoding it with udpnotif-dump (DPDK pcap PMD, no hugepages):"
echo
build/dpdk-app/udpnotif-dump "$pcap" --port 10001 > "$out/demo.jsonl"
python3 tools/summarize-dump.py 25 < "$out/demo.jsonl"
echo
echo "full output: $out/demo.jsonl"

# The receiver itself, when YANG modules are at hand (none ship with the receiver): traffic over
# loopback UDP into udpnotif-recv, envelopes out into its embedded Kafka (librdkafka's mock
# cluster, started in-process), read back with kcat while the receiver runs.
yang_dir=${UDPN_YANG_DIR:-../shared/yang}
if [ ! -d "$yang_dir" ]; then
  echo
  echo "(set UDPN_YANG_DIR to a YANG module directory to run the receiver into embedded Kafka)"
  exit 0
fi

# Same capture through the worker stage without Kafka: records as JSON lines.
build/dpdk-app/udpnotif-dump "$pcap" --port 10001 --envelopes --yang-dir "$yang_dir" \
  --profile latest --distribution topic > "$out/demo-envelopes.jsonl"

port=${UDPN_PORT:-17171}
metrics_port=${UDPN_METRICS_PORT:-17172}
echo
echo "== udpnotif-recv on 127.0.0.1:$port, embedded Kafka =="
build/src/app/udpnotif-recv --listen "127.0.0.1:$port" --yang-dir "$yang_dir" \
  --profile latest --distribution topic --rx-threads 2 --workers 2 --stats-interval 0 \
  --metrics.listen "127.0.0.1:$metrics_port" \
  > "$out/recv.out" 2> "$out/recv.err" &
recv=$!
trap 'kill $recv 2>/dev/null || true' EXIT
bootstrap=
for _ in $(seq 100); do
  bootstrap=$(sed -n 's/^embedded kafka bootstrap: //p' "$out/recv.out")
  [ -n "$bootstrap" ] && grep -q '^listening' "$out/recv.out" && break
  kill -0 $recv 2>/dev/null || { cat "$out/recv.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$bootstrap" ] || { echo "udpnotif-recv did not start" >&2; cat "$out/recv.err" >&2; exit 1; }
cat "$out/recv.out"

build/tools/udpnotif-send "127.0.0.1:$port" --seed 7 --exporters 3 --publishers-per-exporter 2 \
  --messages 50 --size 600,6000 --mtu 1500 --rate 5000 --distinct-source-ips
sleep 2 # let the workers produce and the deliveries land

: > "$out/consumed.jsonl"
for topic in $(kcat -b "$bootstrap" -L 2>/dev/null | sed -n 's/^ *topic "\([^"]*\)".*/\1/p'); do
  kcat -C -b "$bootstrap" -t "$topic" -e -J -q >> "$out/consumed.jsonl"
done
metrics_url=$(sed -n 's/^metrics on //p' "$out/recv.out")
if [ -n "$metrics_url" ] && python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
     "$metrics_url" > "$out/metrics.txt"; then
  echo "metrics: $(grep -c '^udpnotif_' "$out/metrics.txt") udpnotif_* samples from $metrics_url in $out/metrics.txt"
fi
kill -INT $recv
wait $recv || echo "udpnotif-recv exited with status $? (2: records undelivered)"
trap - EXIT
grep -E '^udpnotif-recv: (final|dropped)' "$out/recv.err" || true
echo
python3 tools/summarize-records.py < "$out/consumed.jsonl"
echo "consumed records: $out/consumed.jsonl; receiver log: $out/recv.err"
