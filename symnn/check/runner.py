"""The harness: runs a person's backward_propagation on prepared inputs, inside the sandbox.

A standalone script, copied into the sandbox's read-only job folder and run there as
`python -I -S -B runner.py CONFIG.json FD`. It imports nothing from symnn (symnn is not reachable
there), only the standard library and NumPy. It applies the resource limits first, before any of the
person's code, then calls backward_propagation once per trial and sends the gradients back over the
inherited file descriptor FD: a magic line, then records (kind, name, length, payload), each array as
an .npy payload written with allow_pickle=False, then a JSON status, then an end mark. Nothing goes
through stdout. Everything in this process is the person's to tamper with, so the grader trusts none
of it: it checks the format, every size, shape and dtype, and grades values against inputs that were
drawn from a secret seed this process never sees.
"""
import functools
import io
import json
import os
import resource
import struct
import sys
import traceback

MAGIC = b"SYMNN-RESULT-1\n"
FORWARD_WORDS = ("forward", "cost", "loss", "predict")  # module functions counted as forward passes
NONLINEAR = ("exp", "expm1", "log", "log1p", "tanh", "maximum")  # NumPy calls a forward pass needs
MAX_NAME = 24


def apply_limits(limits):
    for name, value in limits.items():
        which = getattr(resource, f"RLIMIT_{name.upper()}", None)
        if which is not None:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                soft, hard = resource.getrlimit(which)
                resource.setrlimit(which, (min(value, hard) if hard != resource.RLIM_INFINITY else value, hard))


class Counted:
    """A NumPy function that counts its calls (attributes, e.g. ufunc.reduce, pass through)."""

    __slots__ = ("_function", "_counts", "_key")

    def __init__(self, function, counts, key):
        self._function, self._counts, self._key = function, counts, key

    def __call__(self, *args, **kwargs):
        self._counts[self._key] += 1
        return self._function(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._function, name)


def counted_function(function, counts):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        counts["forward"] += 1
        return function(*args, **kwargs)
    return wrapper


class Channel:
    def __init__(self, fd):
        self.fd, self.pid = fd, os.getpid()
        self.write(MAGIC)

    def write(self, data):
        if os.getpid() != self.pid:  # a process the code forked: only the harness itself answers
            os._exit(0)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def record(self, kind, name, payload):
        name = name.encode("ascii")
        self.write(kind + struct.pack(">H", len(name)) + name + struct.pack(">Q", len(payload)) + payload)


def npy_bytes(np, array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def failure(exc, student_path):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == student_path]
    where = f" (line {frames[-1].lineno} of student.py)" if frames else ""
    text = f"{type(exc).__name__}: {exc}"
    return (text[:300] + "..." if len(text) > 300 else text) + where


def main(config_path, fd):
    with open(config_path, encoding="utf-8") as handle:
        config = json.load(handle)
    apply_limits(config["limits"])
    sys.path.insert(0, config["numpy"])
    import numpy as np

    channel = Channel(int(fd))
    status = {"error": None, "counts": [], "unusable": {}}
    try:
        data = dict(np.load(config["inputs"], allow_pickle=False))
        trials, depth, student_path = int(data["trials"]), int(data["depth"]), config["student"]
        counts = {"forward": 0, "nonlinear": 0}
        for name in NONLINEAR:  # before the person's code is loaded, so `from numpy import exp` counts too
            setattr(np, name, Counted(getattr(np, name), counts, "nonlinear"))
        source = open(student_path, encoding="utf-8").read()
        module = type(sys)("student")
        module.__file__ = student_path
        sys.modules["student"] = module
        exec(compile(source, student_path, "exec"), module.__dict__)
        function = module.__dict__.get("backward_propagation")
        if not callable(function):
            raise LookupError("the file defines no backward_propagation(parameters, cache, X, Y)")
        for name, value in list(module.__dict__.items()):
            if (callable(value) and getattr(value, "__module__", None) == "student" and name != "backward_propagation"
                    and any(word in name.lower() for word in FORWARD_WORDS)):
                module.__dict__[name] = counted_function(value, counts)
        for t in range(trials):
            parameters = {f"{k}{l}": data[f"{t}_{k}{l}"].copy() for l in range(1, depth + 1) for k in ("W", "b")}
            cache = {f"{k}{l}": data[f"{t}_{k}{l}"].copy() for l in range(1, depth + 1) for k in ("Z", "A")}
            X, Y = data[f"{t}_X"].copy(), data[f"{t}_Y"].copy()
            counts["forward"] = counts["nonlinear"] = 0
            grads = function(parameters, cache, X, Y)
            status["counts"].append(dict(counts))
            if not isinstance(grads, dict):
                raise TypeError(f"backward_propagation returned {type(grads).__name__}, not a dict of gradients")
            for name, value in grads.items():
                if not (isinstance(name, str) and name.isidentifier() and name.isascii() and len(name) <= MAX_NAME):
                    continue
                try:
                    array = np.asarray(value, dtype=np.float64)
                except (TypeError, ValueError, OverflowError) as exc:
                    status["unusable"][name] = f"not an array of numbers ({type(exc).__name__})"
                    continue
                channel.record(b"A", f"{t}_{name}", npy_bytes(np, array))
    except SystemExit:
        status["error"] = "the code called exit() instead of returning its gradients"
    except BaseException as exc:  # the person's code failed: its last line, not ours
        status["error"] = failure(exc, config["student"])
    channel.record(b"S", "status", json.dumps(status).encode("utf-8"))
    channel.write(b"E")
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1], sys.argv[2]))  # no atexit or finaliser of the person's code runs after
