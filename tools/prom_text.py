"""Reads Prometheus text exposition (the receiver's /metrics, format 0.0.4). stdlib only.

Used by tools/soak.py and tests/golden/corpus_recv_test.py.
"""

import re
import urllib.request

SAMPLE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """Every sample of one scrape: family name -> {sorted (label, value) pairs: value}."""

    def __init__(self, text):
        self.families = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = SAMPLE_RE.match(line)
            if not m:
                continue
            try:
                value = float(m.group(3))
            except ValueError:
                continue
            labels = tuple(sorted(LABEL_RE.findall(m.group(2) or "")))
            self.families.setdefault(m.group(1), {})[labels] = value

    def total(self, name):
        """The family's samples summed over their labels (0 when absent), as an int when whole."""
        v = sum(self.families.get(name, {}).values())
        return int(v) if float(v).is_integer() else v

    def get(self, name, default=0):
        return self.total(name) if name in self.families else default

    def by_label(self, name, label, nonzero=True):
        """{value of \\p label: count} of family \\p name (summed over other labels)."""
        out = {}
        for labels, v in self.families.get(name, {}).items():
            d = dict(labels)
            if label in d and (v != 0 or not nonzero):
                out[d[label]] = out.get(d[label], 0) + int(v)
        return out

    def label(self, name, label, value):
        """The family's samples whose \\p label is \\p value, summed."""
        return int(sum(v for labels, v in self.families.get(name, {}).items()
                       if dict(labels).get(label) == value))


def scrape(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return Metrics(r.read().decode())
