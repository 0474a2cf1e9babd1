#!/bin/sh
# udpnotif-dtls-send -> udpnotif-recv over DTLS on loopback, with certificates made by the
# openssl command line at test time: a client certificate from the receiver's CA delivers every
# message into the embedded Kafka cluster; one from another CA is refused and counted.
# Usage: dtls_send_e2e.sh UDPNOTIF_RECV UDPNOTIF_DTLS_SEND YANG_DIR
set -eu
recv=$(realpath "$1") send=$(realpath "$2") yang=$(realpath "$3")
dir=$(mktemp -d /tmp/udpn-dtls-e2e-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
cd "$dir"
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
openssl req -x509 $ec -keyout ca.key -out ca.pem -subj /CN=ca -days 2 2>/dev/null
openssl req -x509 $ec -keyout other.key -out other.pem -subj /CN=other -days 2 2>/dev/null
mk() { # name ca
    openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -out "$1.pem" \
        -days 1 2>/dev/null
}
mk receiver ca
mk exporter ca
mk rogue other

"$recv" --listen 127.0.0.1:0 --dtls.enabled --dtls.listen 127.0.0.1:0 \
    --dtls.ca_file ca.pem --dtls.cert_file receiver.pem --dtls.key_file receiver.key \
    --yang-dir "$yang" --metrics.listen "" --stats_interval_s 0 --duration 4 > recv.out 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/^dtls listening on 127.0.0.1 port \([0-9]*\).*/\1/p' recv.out)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "no DTLS port"; cat recv.out; exit 1; }

"$send" --port "$port" --ca ca.pem --cert exporter.pem --key exporter.key --messages 30 \
    --record-bytes 500
if "$send" --port "$port" --ca ca.pem --cert rogue.pem --key rogue.key --messages 5 \
    --handshake-timeout-ms 2000 > rogue.out 2>&1; then
    echo "FAIL: a certificate from another CA was accepted"; cat rogue.out; exit 1
fi
wait $pid || true
cat recv.out
# 30 messages sent by the good exporter, all produced and delivered; nothing from the rogue one.
grep -q "messages=30 worker_messages=30 records=30 producer_records=30 produced=30 delivered=30" \
    recv.out || { echo "FAIL: not every message delivered"; exit 1; }
echo "ok"
