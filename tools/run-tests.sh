#!/usr/bin/env bash
# README command two: install what is missing, build, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh
status=0
meson test -C build --print-errorlogs --num-processes "${UDPN_JOBS:-2}" "$@" || status=$?
# One plain closing line for any reader of the log: "N passed, N failed, N skipped".
python3 - build/meson-logs/testlog.json <<'PY' || true
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"):
        counts["OK"] += 1
    elif r == "SKIP":
        counts["SKIP"] += 1
    else:
        counts["FAIL"] += 1
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit $status
