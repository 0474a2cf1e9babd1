#!/usr/bin/env python3
"""Golden test: udpnotif-dump on every pcap/cases/*/input.pcap must print expected.jsonl exactly.

Per-case udpnotif-dump options come from the case's dump-args.txt (e.g. --port 10001).
UPDATE_GOLDEN=1 in the environment rewrites expected.jsonl from the current output instead.
"""

import argparse
import difflib
import os
import subprocess
import sys

from golden_common import case_dirs, read_args, report, split_output


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dump", required=True, help="udpnotif-dump executable")
    ap.add_argument("--cases", required=True, help="pcap/cases directory")
    args = ap.parse_args()
    update = os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")

    passed = failed = 0
    for d in case_dirs(args.cases):
        name = os.path.basename(d)
        cmd = [args.dump, os.path.join(d, "input.pcap")] + read_args(os.path.join(d, "dump-args.txt"))
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            print(f"FAIL {name}: udpnotif-dump timed out")
            failed += 1
            continue
        if r.returncode != 0:
            print(f"FAIL {name}: udpnotif-dump exited {r.returncode}\n{r.stderr[-2000:]}")
            failed += 1
            continue
        lines, summary = split_output(r.stdout)
        if summary is None or summary.get("messages") != len(lines):
            print(f"FAIL {name}: output has no summary line, or its message count is not the "
                  f"number of message lines")
            failed += 1
            continue
        expected_path = os.path.join(d, "expected.jsonl")
        expected = open(expected_path).read() if os.path.exists(expected_path) else None
        if update:
            if expected != r.stdout:
                with open(expected_path, "w") as f:
                    f.write(r.stdout)
                print(f"UPDATED {name}")
            else:
                print(f"ok {name} (unchanged)")
            passed += 1
            continue
        if expected is None:
            print(f"FAIL {name}: no expected.jsonl (run with UPDATE_GOLDEN=1)")
            failed += 1
            continue
        if expected == r.stdout:
            print(f"ok {name}")
            passed += 1
            continue
        diff = difflib.unified_diff(expected.splitlines(), r.stdout.splitlines(),
                                    f"{name}/expected.jsonl", "udpnotif-dump", lineterm="", n=1)
        print(f"FAIL {name}: output differs from expected.jsonl")
        for i, line in enumerate(diff):
            if i >= 60:
                print("  ... (diff cut)")
                break
            print("  " + line)
        failed += 1
    report(passed, failed)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
