"""The result channel's parser on hostile bytes: refused with a ChannelError, never a traceback, never
an allocation sized by the input."""
import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from symnn.check.channel import MAGIC, ChannelError, npy_array, parse_result

STATUS = json.dumps({"error": None, "counts": [{"forward": 0, "nonlinear": 0}], "unusable": {}}).encode()


def record(kind, name, payload):
    return kind + struct.pack(">H", len(name)) + name.encode() + struct.pack(">Q", len(payload)) + payload


def npy(array, allow_pickle=False):
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=allow_pickle)
    return out.getvalue()


def stream(*records):
    return MAGIC + b"".join(records) + b"E"


def test_a_well_formed_stream_is_read_exactly():
    array = np.arange(6.0).reshape(2, 3)
    arrays, status = parse_result(stream(record(b"A", "0_dW1", npy(array)), record(b"A", "0_db1", npy(np.asfortranarray(array))),
                                         record(b"S", "status", STATUS)), max_elements=100)
    assert np.array_equal(arrays["0_dW1"], array) and np.array_equal(arrays["0_db1"], array)
    assert status["counts"] == [{"forward": 0, "nonlinear": 0}]


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("0_dW1.npy", bytes(16 << 20))
    return out.getvalue()


@pytest.mark.parametrize("data, words", [
    (b"", "nothing"),
    (b"{\"verdict\": \"correct\"}", "does not start"),
    (MAGIC + record(b"S", "status", STATUS), "end mark"),
    (stream(record(b"A", "0_dW1", npy(np.array([object()]), allow_pickle=True)), record(b"S", "status", STATUS)), "dtype"),
    (stream(record(b"A", "0_dW1", npy(np.arange(3, dtype=np.int64))), record(b"S", "status", STATUS)), "dtype"),
    (stream(record(b"A", "0_dW1", npy(np.zeros(1000))), record(b"S", "status", STATUS)), "entries"),
    (stream(record(b"A", "0_dW1", npy(np.zeros(4))[:-8]), record(b"S", "status", STATUS)), "does not match"),
    (stream(record(b"A", "0_dW1", zip_bomb()), record(b"S", "status", STATUS)), "corrupt"),
    (stream(record(b"A", "0_dW1", npy(np.zeros(2))), record(b"A", "0_dW1", npy(np.zeros(2))), record(b"S", "status", STATUS)), "repeated"),
    (stream(record(b"A", "../../etc", npy(np.zeros(2))), record(b"S", "status", STATUS)), "bad"),
    (stream(record(b"S", "status", b"[1, 2]")), "wrong form"),
    (stream(record(b"S", "status", b"{" * 100000)), "not JSON"),
    (stream(record(b"S", "status", STATUS)) + b"extra", "after the end"),
    (MAGIC + b"A" + struct.pack(">H", 5) + b"0_dW1" + struct.pack(">Q", 1 << 62), "longer than"),
])
def test_hostile_streams_are_refused(data, words):
    with pytest.raises(ChannelError, match=words):
        parse_result(data, max_elements=64)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
@example(b"\x04\x00\x00\x00\x00(")  # a header NumPy's tokenizer gives up on (tokenize.TokenError)
def test_random_bytes_never_escape_as_another_exception(noise):
    for data in (noise, MAGIC + noise, stream(record(b"A", "0_dW1", noise))):
        try:
            parse_result(data, max_elements=64)
        except ChannelError:
            pass
    try:
        npy_array(b"\x93NUMPY\x01\x00" + noise, 64)
    except ChannelError:
        pass
