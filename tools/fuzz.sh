#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, coverage-instrumented
# libraries) in ./build-fuzz and runs each for SECONDS on a copy of its seed corpus
# (tests/fuzz/corpus/<target>; the checked-in corpus is never modified).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]     # default: 60 seconds, every target
#   tools/fuzz.sh 300 fuzz_reassembly
#   tools/fuzz.sh --ci [TARGET...]          # what CI runs: fixed seed, fixed number of runs
#
# A timed run explores: libFuzzer picks a fresh seed and stops after SECONDS, so two runs (or a
# fast and a slow machine) try different inputs. --ci is reproducible: -seed=UDPN_FUZZ_SEED
# (default 1) and a fixed -runs per target (ci_runs below, about 10-20 s each on the 2-core
# reference machine; UDPN_FUZZ_RUNS_SCALE multiplies them), so the same commit fuzzes the same
# inputs on every machine and a CI finding is replayed exactly by the same command. Each run
# starts by executing the whole seed corpus (the regression inputs, crash-* files included).
#
# Exits non-zero when any target crashes, leaks, times out or breaks an invariant; the input
# that did it is kept in build-fuzz/fuzz-artifacts/<target>/ (add it to the corpus with a
# regression test once fixed, docs/reliability.md). Per-target results go to
# build-fuzz/meson-logs/fuzz-results.json (one JSON object per line, like meson's testlog.json).
# Env: UDPN_JOBS (build jobs, default 2), UDPN_FUZZ_DIR (build dir, default build-fuzz),
# UDPN_YANG_DIR (YANG modules, default ../shared/yang).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(fuzz_header fuzz_reassembly fuzz_decode_json fuzz_decode_xml fuzz_decode_cbor
             fuzz_key fuzz_envelope)
# --ci: executions per target (inputs run after the corpus), chosen from each target's speed.
declare -A ci_runs=(
  [fuzz_header]=2000000 [fuzz_reassembly]=150000 [fuzz_decode_json]=300000
  [fuzz_decode_xml]=400000 [fuzz_decode_cbor]=300000 [fuzz_key]=100000 [fuzz_envelope]=30000
)
seconds=60
ci=0
if [ $# -gt 0 ] && [ "$1" = --ci ]; then
  ci=1
  shift
elif [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (${all_targets[*]})" >&2; exit 2; }
done

tools/setup-deps.sh
dir=${UDPN_FUZZ_DIR:-build-fuzz}
if [ ! -f "$dir/build.ninja" ]; then
  # -fsanitize=fuzzer-no-link: coverage feedback from every library, not only the target file.
  # _GLIBCXX_ASSERTIONS: bounds checks in std::string_view / std::vector operator[], which ASan
  # cannot see inside one allocation. -O1 with line tables: fast to build on two cores, stack
  # traces with file:line.
  CC=clang CXX=clang++ meson setup "$dir" --buildtype=plain -Doptimization=1 \
    -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false \
    -Ddpdk=disabled -Dbenchmarks=disabled -Dtests=enabled \
    -Dcpp_args='-fsanitize=fuzzer-no-link -D_GLIBCXX_ASSERTIONS -gline-tables-only' >/dev/null
fi
ninja -C "$dir" -j "${UDPN_JOBS:-2}" "${targets[@]/#/tests/fuzz/}" >/dev/null

# UBSan findings abort (libFuzzer keeps the input); ASan as usual, leaks included.
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}

results="$dir/meson-logs/fuzz-results.json"
mkdir -p "$dir/meson-logs"
: > "$results"
failed=()
for t in "${targets[@]}"; do
  work="$dir/fuzz-run/$t"
  artifacts="$dir/fuzz-artifacts/$t/"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=("-dict=tests/fuzz/dict/$t.dict")
  log="$work/fuzz.log"
  start=$(date +%s)
  rc=0
  budget=(-max_total_time="$seconds")
  if [ "$ci" = 1 ]; then
    runs_ci=$(awk -v n="${ci_runs[$t]}" -v s="${UDPN_FUZZ_RUNS_SCALE:-1}" 'BEGIN{printf "%d", n*s}')
    budget=(-seed="${UDPN_FUZZ_SEED:-1}" -runs="$runs_ci")
  fi
  "$dir/tests/fuzz/$t" "$work/corpus" "${dict[@]}" "${budget[@]}" -timeout=30 \
    -rss_limit_mb=2560 -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts" \
    >"$log" 2>&1 || rc=$?
  took=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  if [ $rc -eq 0 ]; then
    echo "fuzz.sh: $t OK ($runs runs in ${took}s, coverage $cov)"
    result=OK
  else
    echo "fuzz.sh: $t FAILED (exit $rc after ${took}s); input kept in $artifacts" >&2
    grep -E 'ERROR|fuzz invariant|runtime error|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    echo "fuzz.sh: full log: $log" >&2
    result=FAIL
    failed+=("$t")
  fi
  printf '{"name": "fuzz_run:%s", "result": "%s", "duration": %s}\n' "$t" "$result" "$took" >> "$results"
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}" >&2
  exit 1
fi
if [ "$ci" = 1 ]; then
  echo "fuzz.sh: ${#targets[@]} targets ran their fixed --ci runs (seed ${UDPN_FUZZ_SEED:-1}) without a finding"
else
  echo "fuzz.sh: ${#targets[@]} targets ran ${seconds}s each without a finding"
fi
