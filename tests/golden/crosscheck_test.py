#!/usr/bin/env python3
"""Cross-check: the independent scapy reader (tools/pcap-cases/scapy_dump.py) must print the same
message lines and the same packets/datagrams/messages/incomplete/invalid summary fields as the
golden expected.jsonl of every case. Skipped (exit 77) when no python3 can import scapy.
"""

import argparse
import json
import os
import subprocess
import sys

from golden_common import (CROSSCHECK_FIELDS, SKIP, case_dirs, read_args, report, scapy_python,
                           split_output)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", required=True, help="pcap/cases directory")
    ap.add_argument("--scapy-dump", required=True, help="tools/pcap-cases/scapy_dump.py")
    args = ap.parse_args()
    py = scapy_python()
    if py is None:
        print("skipped: no python3 with scapy (Debian package python3-scapy)")
        return SKIP

    passed = failed = 0
    for d in case_dirs(args.cases):
        name = os.path.basename(d)
        expected_path = os.path.join(d, "expected.jsonl")
        if not os.path.exists(expected_path):
            print(f"FAIL {name}: no expected.jsonl")
            failed += 1
            continue
        exp_lines, exp_summary = split_output(open(expected_path).read())
        cmd = [py, args.scapy_dump, os.path.join(d, "input.pcap")] + read_args(
            os.path.join(d, "dump-args.txt"))
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            print(f"FAIL {name}: scapy_dump.py exited {r.returncode}\n{r.stderr[-2000:]}")
            failed += 1
            continue
        got_lines, got_summary = split_output(r.stdout)
        problems = []
        if got_lines != exp_lines:
            for i in range(max(len(got_lines), len(exp_lines))):
                e = exp_lines[i] if i < len(exp_lines) else "(none)"
                g = got_lines[i] if i < len(got_lines) else "(none)"
                if e != g:
                    problems.append(f"message line {i + 1}:\n    expected.jsonl: {e}\n"
                                    f"    scapy_dump.py:  {g}")
                    break
            problems.append(f"{len(exp_lines)} expected message lines, scapy_dump.py printed "
                            f"{len(got_lines)}")
        for field in CROSSCHECK_FIELDS:
            e = (exp_summary or {}).get(field)
            g = (got_summary or {}).get(field)
            if e != g:
                problems.append(f"summary.{field}: expected.jsonl {json.dumps(e)}, "
                                f"scapy_dump.py {json.dumps(g)}")
        if problems:
            print(f"FAIL {name}:")
            for p in problems:
                print("  " + p)
            failed += 1
        else:
            print(f"ok {name} ({len(got_lines)} messages)")
            passed += 1
    report(passed, failed)
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
