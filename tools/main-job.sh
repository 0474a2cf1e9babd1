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

# The worker stage on the same capture: Kafka records (topic, key, envelope) as JSON lines.
# It needs the YANG modules the subscriptions use; none ship with the receiver.
yang_dir=${UDPN_YANG_DIR:-../shared/yang}
if [ -d "$yang_dir" ]; then
  build/dpdk-app/udpnotif-dump "$pcap" --port 10001 --envelopes --yang-dir "$yang_dir" \
    --profile latest --distribution topic > "$out/demo-envelopes.jsonl"
  python3 tools/summarize-records.py < "$out/demo-envelopes.jsonl"
  echo "records: $out/demo-envelopes.jsonl"
else
  echo "(set UDPN_YANG_DIR to a YANG module directory to see the envelopes and Kafka records)"
fi
