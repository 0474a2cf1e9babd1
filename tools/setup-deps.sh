#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the tools need (only the missing ones).
# Used by the two README commands; safe to run again.
set -euo pipefail

packages=(
  g++ meson ninja-build pkg-config python3 python3-scapy
  libdpdk-dev dpdk-dev librdkafka-dev libyang2-dev libsimdjson-dev libtbb-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpcap-dev libssl-dev openssl
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libcbor-dev libcpp-httplib-dev
  libcurl4-openssl-dev  # src/registry: the schema registry client
  kcat tcpreplay
  clang libclang-rt-14-dev  # tools/fuzz.sh: libFuzzer targets (clang 14, -fsanitize=fuzzer)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
