#!/usr/bin/env bash
# Configures (once) and builds the Release tree in ./build. Used by the README commands.
set -euo pipefail
cd "$(dirname "$0")/.."
"$(dirname "$0")/setup-deps.sh"
if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=release >/dev/null
fi
# Two jobs: the reference machine has two cores and the DPDK headers are heavy.
ninja -C build -j "${UDPN_JOBS:-2}" >/dev/null
