#!/usr/bin/env bash
# README command two: install what is missing, build, run every test suite.
#
# Stages, each in its own build directory (docs/reliability.md):
#   1. release  build/       Release build, every suite (extra arguments go to this meson test)
#   2. asan     build-asan/  gcc, ASan + UBSan (any UBSan finding fails), every suite
#   3. tsan     build-tsan/  gcc, TSan, the threaded suites input, kafka, pipeline and registry
#   4. fuzz     build-fuzz/  clang + libFuzzer, each target its corpus then a fixed number of
#                            inputs from a fixed seed (tools/fuzz.sh --ci: reproducible)
# UDPN_QUICK=1 runs stage 1 only (local use). UDPN_JOBS: build and test parallelism (2).
# The last line sums every stage: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${UDPN_JOBS:-2}
tools/build.sh
status=0
logs=()

# Runs `meson test` in build dir $1 with the remaining arguments; its log (testlog.json, or
# testlog-<setup>.json with --setup) is summed. No log at all counts as one failure.
run_suite() {
  local dir=$1 log
  shift
  rm -f "$dir"/meson-logs/testlog*.json
  meson test -C "$dir" --print-errorlogs --num-processes "$jobs" "$@" || status=1
  for log in "$dir"/meson-logs/testlog*.json; do
    logs+=("$log") # a non-matching glob stays literal: counted as a failure below
  done
}

# Records a stage that could not be built as one failed test.
stage_failed() {
  local name=$1 file="$2/meson-logs/stage-failed.json"
  mkdir -p "$2/meson-logs"
  printf '{"name": "%s", "result": "FAIL"}\n' "$name" > "$file"
  logs+=("$file")
  status=1
}

# Ninja targets (paths relative to build dir $1) that the tests of the given suites need.
suite_targets() {
  local dir=$1
  shift
  # Regenerate first when meson.build files changed since the last run: the introspection
  # below reads the build directory's current view (a new test would be missing otherwise).
  ninja -C "$dir" build.ninja >/dev/null || return 1
  python3 - "$dir" "$@" <<'PY'
import json, os, subprocess, sys
d, suites = sys.argv[1], set(sys.argv[2:])
intro = lambda what: json.loads(subprocess.check_output(["meson", "introspect", d, what]))
files = {t["id"]: t["filename"] for t in intro("--targets")}
wanted = set()
for t in intro("--tests"):
    if suites & {s.split(":")[-1] for s in t["suite"]}:
        for dep in t["depends"]:
            wanted.update(os.path.relpath(f, d) for f in files.get(dep, []))
        # the test program itself (meson lists only the explicit depends when a test has some)
        exe = os.path.relpath(t["cmd"][0], d)
        if not exe.startswith(".."):
            wanted.add(exe)
print(" ".join(sorted(wanted)))
PY
}

echo "== stage release (build/)"
run_suite build "$@"

if [ "${UDPN_QUICK:-0}" != 1 ]; then
  # ASan + UBSan: -O1 and no debug info keep the build within the CI budget (2 cores); the
  # sanitizer reports still name every function. DPDK's --no-huge EAL runs under ASan.
  echo "== stage asan (build-asan/: gcc, address + undefined)"
  if { [ -f build-asan/build.ninja ] || meson setup build-asan --buildtype=plain -Doptimization=1 \
         -Db_sanitize=address,undefined -Db_lundef=false -Dbenchmarks=disabled >/dev/null; } &&
     ninja -C build-asan -j "$jobs" >/dev/null; then
    run_suite build-asan --no-rebuild --setup asan
  else
    stage_failed asan:build build-asan
  fi

  echo "== stage tsan (build-tsan/: gcc, thread; suites input, kafka, pipeline, registry)"
  if { [ -f build-tsan/build.ninja ] || meson setup build-tsan --buildtype=plain -Doptimization=1 \
         -Db_sanitize=thread -Db_lundef=false -Ddpdk=disabled -Dbenchmarks=disabled \
         >/dev/null; } &&
     targets=$(suite_targets build-tsan input kafka pipeline registry) &&
     ninja -C build-tsan -j "$jobs" $targets tests/libtsan_c11_threads.so >/dev/null; then
    run_suite build-tsan --no-rebuild --setup tsan --suite input --suite kafka --suite pipeline \
      --suite registry
  else
    stage_failed tsan:build build-tsan
  fi

  echo "== stage fuzz (build-fuzz/: clang, libFuzzer + address + undefined)"
  rm -f build-fuzz/meson-logs/fuzz-results.json
  UDPN_FUZZ_DIR=build-fuzz tools/fuzz.sh --ci || status=1
  if [ -f build-fuzz/meson-logs/fuzz-results.json ]; then
    logs+=(build-fuzz/meson-logs/fuzz-results.json)
  else
    stage_failed fuzz:build build-fuzz
  fi
fi

# One plain closing line for any reader of the log: "N passed, N failed, N skipped".
python3 - "${logs[@]}" <<'PY' || true
import json, os, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for path in sys.argv[1:]:
    if not os.path.exists(path):
        counts["FAIL"] += 1  # a stage that left no log did not run its tests
        print(f"run-tests: no test log {path}", file=sys.stderr)
        continue
    for line in open(path):
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
