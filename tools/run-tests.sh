#!/usr/bin/env bash
# README command two: install what is missing, build, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
meson test -C build --print-errorlogs --num-processes "${UDPN_JOBS:-2}" "$@"
