"""A small CBOR encoder (RFC 8949 §3, definite lengths, shortest heads) for name-based YANG
CBOR (RFC 9254 §3.3) built from JSON-like Python values. Shared by the tools that write test
inputs (tools/fuzz-corpus.py, tools/pcap-cases/make_scapy_cases.py). Standard library only.
"""
import struct


def cbor_head(major, n):
    """The initial byte (major type, additional information) and argument of an item."""
    if n < 24:
        return bytes([major << 5 | n])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | ai]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor(v):
    """None, bool, int, float (64-bit), str, bytes, list and dict (keys encoded as values)."""
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(type(v))
