"""Reading the harness's answer: a strict, size-checked format, parsed without trusting any of it.

The stream (written by runner.py): MAGIC, then records `kind (1 byte) | name length (2 bytes) | name |
payload length (8 bytes) | payload`, kind A an array, S the JSON status, and a final `E`. An array's
payload is one .npy file: its header is read by NumPy's own header parser (a bounded literal, no
pickle), then only little-endian float64 of at most `max_elements` entries is accepted, and the
payload's length must be exactly what the header promises before a byte of it is used. No zip, no
pickle, no object arrays, no allocation sized by anything the code wrote.
"""
from __future__ import annotations

import io
import json
import math
import re
import struct

import numpy as np

MAGIC = b"SYMNN-RESULT-1\n"
ARRAY_NAME = re.compile(r"[0-9]{1,3}_[A-Za-z_][A-Za-z0-9_]{0,23}")
MAX_STATUS = 256 << 10
MAX_NDIM = 4


class ChannelError(ValueError):
    def __init__(self, message: str, incomplete: bool = False):
        super().__init__(message)
        self.incomplete = incomplete


def parse_result(data: bytes, max_elements: int) -> tuple[dict, dict]:
    """(name -> float64 array, status) from the stream; ChannelError if anything is off."""
    if not data.startswith(MAGIC):
        raise ChannelError("nothing was sent back" if not data else "the result does not start as the harness writes it",
                           incomplete=len(data) < len(MAGIC))
    arrays, status, at = {}, None, len(MAGIC)
    while True:
        if at >= len(data):
            raise ChannelError("the result ends before its end mark", incomplete=True)
        kind = data[at:at + 1]
        if kind == b"E":
            if at + 1 != len(data):
                raise ChannelError("bytes after the end mark")
            break
        if kind not in (b"A", b"S"):
            raise ChannelError("an unknown record kind")
        name, payload, at = _record(data, at + 1)
        if kind == b"S":
            if name != "status" or status is not None:
                raise ChannelError("a second or misnamed status record")
            status = _status(payload)
        else:
            if not ARRAY_NAME.fullmatch(name) or name in arrays:
                raise ChannelError(f"a bad or repeated array name {name[:40]!r}")
            arrays[name] = npy_array(payload, max_elements)
    if status is None:
        raise ChannelError("no status record")
    return arrays, status


def _record(data: bytes, at: int):
    if at + 2 > len(data):
        raise ChannelError("a truncated record", incomplete=True)
    (length,) = struct.unpack(">H", data[at:at + 2])
    if length > 64:
        raise ChannelError("a record name longer than 64 bytes")
    at += 2
    raw = data[at:at + length]
    at += length
    if len(raw) != length or at + 8 > len(data):
        raise ChannelError("a truncated record", incomplete=True)
    (size,) = struct.unpack(">Q", data[at:at + 8])
    at += 8
    if size > len(data) - at:
        raise ChannelError("a record longer than what was sent", incomplete=True)
    try:
        name = raw.decode("ascii")
    except UnicodeDecodeError:
        raise ChannelError("a record name that is not ASCII") from None
    return name, data[at:at + size], at + size


def npy_array(payload: bytes, max_elements: int) -> np.ndarray:
    """One .npy payload as a float64 array, checked before it is used."""
    stream = io.BytesIO(payload)
    try:
        version = np.lib.format.read_magic(stream)
        reader = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if reader is None:
            raise ChannelError(f".npy version {version} is not accepted")
        shape, fortran, dtype = reader(stream, max_header_size=2000)
    except ChannelError:
        raise
    except Exception as exc:  # NumPy's header reader raises what its tokenizer and literal_eval raise
        raise ChannelError(f"a corrupt .npy header ({type(exc).__name__})") from None
    if dtype != np.dtype("<f8") or dtype.hasobject:
        raise ChannelError(f"an array of dtype {dtype.str[:20]}, not float64")
    if not isinstance(shape, tuple) or len(shape) > MAX_NDIM or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ChannelError("an array with an unusable shape")
    count = math.prod(shape)
    if count > max_elements:
        raise ChannelError(f"an array of {count} entries, more than any gradient here has")
    offset = stream.tell()
    if len(payload) - offset != count * 8:
        raise ChannelError("an array whose data does not match its header")
    array = np.frombuffer(payload, dtype="<f8", count=count, offset=offset)
    return array.reshape(shape, order="F" if fortran else "C").astype(np.float64, copy=True)


def _status(payload: bytes) -> dict:
    if len(payload) > MAX_STATUS:
        raise ChannelError("a status record larger than 256 KB")
    try:
        status = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ChannelError("a status record that is not JSON") from None
    if not isinstance(status, dict) or set(status) != {"error", "counts", "unusable"}:
        raise ChannelError("a status record of the wrong form")
    error, counts, unusable = status["error"], status["counts"], status["unusable"]
    if error is not None and not isinstance(error, str):
        raise ChannelError("a status record of the wrong form")
    if not isinstance(counts, list) or len(counts) > 100 or not all(
            isinstance(c, dict) and set(c) == {"forward", "nonlinear"}
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10 ** 12 for v in c.values()) for c in counts):
        raise ChannelError("a status record of the wrong form")
    if not isinstance(unusable, dict) or len(unusable) > 100 or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in unusable.items()):
        raise ChannelError("a status record of the wrong form")
    return {"error": printable(error) if error is not None else None, "counts": counts,
            "unusable": {printable(k, 30): printable(v, 100) for k, v in unusable.items()}}


def printable(text: str, limit: int = 400) -> str:
    """The code's own words (an exception message) made safe to show: one line, no control
    characters or terminal escapes, bounded length."""
    cleaned = "".join(c if c.isprintable() else " " for c in text.replace("\n", " ").replace("\r", " "))
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "..."
