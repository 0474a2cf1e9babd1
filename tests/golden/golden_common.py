"""Helpers shared by the golden-case test scripts (tests/golden/*.py)."""

import os
import shlex
import shutil
import subprocess
import sys

SKIP = 77  # meson: the test was skipped

# Summary fields scapy_dump.py computes independently and the cross-check compares.
CROSSCHECK_FIELDS = ("packets", "datagrams", "messages", "incomplete", "invalid")


def case_dirs(cases_root):
    """Every pcap/cases/<name>/ holding an input.pcap, sorted by name."""
    out = []
    for name in sorted(os.listdir(cases_root)):
        d = os.path.join(cases_root, name)
        if os.path.isfile(os.path.join(d, "input.pcap")):
            out.append(d)
    return out


def read_args(path):
    """Arguments from a one-line file (shell quoting, '#' comments); [] when it is absent."""
    if not os.path.isfile(path):
        return []
    with open(path) as f:
        return shlex.split(f.read(), comments=True)


def scapy_python():
    """An interpreter that can import scapy (this one, then Debian's), or None."""
    candidates = [sys.executable, "/usr/bin/python3", shutil.which("python3")]
    seen = set()
    for exe in candidates:
        if not exe or exe in seen or not os.path.exists(exe):
            continue
        seen.add(exe)
        r = subprocess.run([exe, "-c", "import scapy.all"], capture_output=True)
        if r.returncode == 0:
            return exe
    return None


def split_output(text):
    """(message lines, summary dict or None) of udpnotif-dump / scapy_dump.py output."""
    import json

    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        return [], None
    try:
        last = json.loads(lines[-1])
    except ValueError:
        return lines, None
    if isinstance(last, dict) and "summary" in last:
        return lines[:-1], last["summary"]
    return lines, None


def report(n_passed, n_failed, n_skipped=0):
    """The plain closing line test runners recognise."""
    tail = f", {n_skipped} skipped" if n_skipped else ""
    print(f"{n_passed} passed, {n_failed} failed{tail}")
