#!/usr/bin/env python3
"""Rewrites pcap/cases/*/input.pcap of every case that has an args.txt with udpnotif-pcapgen.

args.txt holds the pcapgen options on one line (without --out); the capture is a pure function
of them, so this reproduces the committed files byte for byte (tests/golden/pcapgen_test.py
checks that). Use --check to compare without writing.

Usage: make_pcapgen_cases.py --pcapgen BUILD/tools/udpnotif-pcapgen [--cases-dir DIR] [--check]
Then refresh expected.jsonl: UPDATE_GOLDEN=1 meson test -C BUILD golden_dump
"""

import argparse
import filecmp
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.normpath(os.path.join(HERE, "..", "..", "pcap", "cases"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pcapgen", required=True)
    ap.add_argument("--cases-dir", default=DEFAULT_CASES)
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = ap.parse_args(argv)
    n_diff = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(args.cases_dir)):
            args_path = os.path.join(args.cases_dir, name, "args.txt")
            if not os.path.isfile(args_path):
                continue
            with open(args_path) as f:
                opts = shlex.split(f.read(), comments=True)
            target = os.path.join(args.cases_dir, name, "input.pcap")
            out = os.path.join(tmp, name + ".pcap") if args.check else target
            subprocess.run([args.pcapgen] + opts + ["--out", out], check=True)
            if args.check:
                same = os.path.exists(target) and filecmp.cmp(out, target, shallow=False)
                print(f"{name}: {'same' if same else 'DIFFERENT'}")
                n_diff += not same
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main())
