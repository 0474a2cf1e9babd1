#!/usr/bin/env python3
"""Checks the include rules of STYLE.md §3.3: each src/ module includes only the modules and
platform headers it may use. Run by `meson test` (suite unit); prints each violation."""
import pathlib
import re
import sys

# module -> project modules it may include (itself always allowed)
ALLOWED = {
    "common": set(),
    "net": {"common"},
    "udpnotif": {"common"},
    "reassembly": {"common", "net", "udpnotif"},
    "yangpush": {"common"},
    "key": {"common", "udpnotif", "yangpush"},
    "envelope": {"common", "net", "udpnotif", "yangpush", "key"},
    # consumer-side validation of emitted envelopes (tests, udpnotif-consume --validate)
    "validate": {"common", "net", "envelope"},
    # schema registry client (libcurl) and the id cache the workers read
    "registry": {"common", "key", "envelope", "log"},
    "subscription": {"common", "net", "yangpush", "envelope"},
    "worker": {"common", "net", "udpnotif", "yangpush", "key", "envelope", "subscription",
               "registry"},
    "pipeline": {"common", "net", "reassembly", "udpnotif", "yangpush", "key", "envelope",
                 "subscription", "worker", "input", "dtls", "kafka", "registry"},
    "input": {"common", "net", "udpnotif", "reassembly", "pipeline"},
    "dtls": {"common", "net", "input"},
    "kafka": {"common", "pipeline"},
    "config": {"common", "net", "udpnotif", "reassembly", "yangpush", "key", "envelope",
               "subscription", "worker", "input", "dtls", "kafka", "pipeline", "log", "registry"},
    "log": {"common"},
    "metrics": {"common", "net", "udpnotif", "reassembly", "yangpush", "key", "envelope",
                "subscription", "worker", "input", "dtls", "kafka", "pipeline", "log", "registry"},
    "app": {"common", "net", "udpnotif", "reassembly", "yangpush", "key", "envelope",
            "subscription", "worker", "input", "dtls", "kafka", "pipeline", "config", "metrics",
            "log", "registry"},
}
# platform headers that only some folders may include
PLATFORM = [
    (re.compile(r"^rte_"), "DPDK", set()),  # only dpdk-app/, which is outside src/
    (re.compile(r"^librdkafka/|^rdkafka"), "librdkafka", {"kafka"}),
    (re.compile(r"^simdjson"), "simdjson", {"yangpush", "validate", "registry"}),
    (re.compile(r"^libyang/"), "libyang", {"key", "yangpush", "validate"}),
    (re.compile(r"^cbor"), "libcbor", {"yangpush"}),
    (re.compile(r"^httplib"), "cpp-httplib", {"metrics"}),
    (re.compile(r"^toml"), "toml++", {"config"}),
    (re.compile(r"^CLI/"), "CLI11", {"config", "app"}),
    (re.compile(r"^openssl/"), "OpenSSL", {"dtls"}),
    (re.compile(r"^curl/"), "libcurl", {"registry"}),
]
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    src = root / "src"
    errors = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h"):
            continue
        module = path.relative_to(src).parts[0]
        allowed = ALLOWED.get(module)
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            first = inc.split("/")[0]
            if "/" in inc and (src / first).is_dir():
                if first != module and (allowed is None or first not in allowed):
                    errors.append(f"{path}:{lineno}: module '{module}' may not include '{inc}'")
            for pattern, what, folders in PLATFORM:
                if pattern.search(inc) and module not in folders:
                    errors.append(f"{path}:{lineno}: only {sorted(folders) or 'dpdk-app/'} may include {what} ('{inc}')")
            if '"../' in line or "<../" in line:
                errors.append(f"{path}:{lineno}: include by path from src/, never '../'")
    for e in errors:
        print(e)
    print(f"check-layering: {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
