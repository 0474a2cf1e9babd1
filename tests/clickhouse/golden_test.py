#!/usr/bin/env python3
"""Golden DDL of udpnotif-clickhouse: each tests/clickhouse/golden/<name>.args (arguments, one
line, shell quoting; {configs} stands for tests/clickhouse/configs) must print exactly
<name>.sql and exit 0; each <name>.fail.args must exit 2 with nothing on stdout and the text of
<name>.fail.err on stderr. --update rewrites the .sql files (review the diff)."""
import argparse
import os
import shlex
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    golden = os.path.join(a.dir, "golden")
    configs = os.path.join(a.dir, "configs")
    failures = 0
    cases = 0
    for name in sorted(os.listdir(golden)):
        if not name.endswith(".args"):
            continue
        cases += 1
        base = os.path.join(golden, name[: -len(".args")])
        with open(os.path.join(golden, name)) as f:
            args = [x.replace("{configs}", configs) for x in shlex.split(f.read(), comments=True)]
        r = subprocess.run([a.tool] + args, capture_output=True, text=True, timeout=30)
        if name.endswith(".fail.args"):
            with open(base + ".err") as f:
                want = f.read().strip()
            if r.returncode != 2 or r.stdout or want not in r.stderr:
                print(f"FAIL {name}: rc {r.returncode}, stdout {len(r.stdout)} bytes, "
                      f"stderr {r.stderr!r}, wanted {want!r}")
                failures += 1
            continue
        if r.returncode != 0:
            print(f"FAIL {name}: rc {r.returncode}: {r.stderr}")
            failures += 1
            continue
        if a.update:
            with open(base + ".sql", "w") as f:
                f.write(r.stdout)
            continue
        with open(base + ".sql") as f:
            want = f.read()
        if r.stdout != want:
            import difflib
            print(f"FAIL {name}: output differs from {base}.sql")
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True),
                                                       r.stdout.splitlines(True),
                                                       "expected", "got"))
            failures += 1
    print(f"clickhouse golden: {cases} case(s), {failures} failure(s)")
    if cases == 0:
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
