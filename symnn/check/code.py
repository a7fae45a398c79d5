"""Checking a person's backward_propagation (the course API) against symnn's own gradients.

The person's file runs in a separate Python process (`python -I runner.py`) with a time limit, a
memory limit and a temporary working folder; symnn's reference gradients are computed here,
independently of it, by the numeric backward pass of `reference.py`. This is the one place symnn runs
someone's code: the limits stop runaway code, but it is not a security sandbox.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SymnnError
from .compare import Checker
from .reference import Backprop

RUNNER = Path(__file__).with_name("runner.py")
TRIALS = (3, 4, 5)  # seeded random sample points (the awkward ones put ReLU exactly at its kink)
RIGHT_BELOW = 1e-7  # relative error ||g - r|| / (||g|| + ||r||), as in the course's gradient check
MEMORY_BYTES = 4 << 30


@dataclass
class GradientResult:
    name: str
    verdict: str  # right, wrong, missing
    relative_error: float | None = None
    first_wrong: dict | None = None
    diagnosis: str | None = None
    shape: list | None = None
    expected_shape: list | None = None


@dataclass
class CodeReport:
    path: str
    verdict: str  # correct, wrong, error
    message: str
    gradients: list[GradientResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["gradients"] = [g.__dict__ for g in self.gradients]
        return data


def check_code(checker: Checker, path: str | os.PathLike, seconds: float = 10.0) -> CodeReport:
    path = Path(path)
    if not path.is_file():
        raise SymnnError(f"code file {str(path)!r} not found")
    spec = checker.spec
    names = [f"d{k}{l}" for l in range(1, spec.depth + 1) for k in (("W", "b") if spec.bias else ("W",))]
    with tempfile.TemporaryDirectory(prefix="symnn-code-") as folder:
        inputs, output = Path(folder) / "inputs.npz", Path(folder) / "grads.npz"
        np.savez(inputs, **_inputs(checker))
        outcome = _run(path.resolve(), inputs, output, Path(folder), seconds)
        if outcome is not None:
            return CodeReport(str(path), "error", outcome)
        with np.load(output) as data:
            returned = {key: data[key] for key in data.files}
    gradients = [_judge(checker, name, returned) for name in names]
    wrong = [g for g in gradients if g.verdict != "right"]
    if wrong:
        return CodeReport(str(path), "wrong", f"{len(wrong)} of {len(gradients)} gradients wrong: "
                          + ", ".join(g.name for g in wrong), gradients)
    return CodeReport(str(path), "correct", f"all {len(gradients)} gradients right on {len(TRIALS)} random inputs", gradients)


def _oriented(checker, matrix):
    return matrix.T if checker.spec.layout == "row" else matrix


def _inputs(checker: Checker) -> dict:
    data = {"trials": np.array(len(TRIALS)), "depth": np.array(checker.spec.depth)}
    for t, point in enumerate(TRIALS):
        bp = checker.right[point]
        for l in range(1, checker.spec.depth + 1):
            data[f"{t}_W{l}"] = _oriented(checker, bp.sample.W[l])
            data[f"{t}_b{l}"] = _oriented(checker, bp.sample.b[l])
            data[f"{t}_Z{l}"] = _oriented(checker, bp.Z[l])
            data[f"{t}_A{l}"] = _oriented(checker, bp.A[l])
        data[f"{t}_X"] = _oriented(checker, bp.A[0])
        data[f"{t}_Y"] = _oriented(checker, bp.sample.Y)
    return data


def _limits(seconds: float):
    def apply():  # runs in the child before the person's code
        import resource

        os.setsid()
        for limit, value in ((resource.RLIMIT_CPU, int(seconds) + 2), (resource.RLIMIT_AS, MEMORY_BYTES),
                             (resource.RLIMIT_FSIZE, 64 << 20), (resource.RLIMIT_CORE, 0)):
            try:
                resource.setrlimit(limit, (value, value))
            except (ValueError, OSError):
                pass
    return apply


def _run(path: Path, inputs: Path, output: Path, folder: Path, seconds: float) -> str | None:
    """None when the code ran; else one line saying why not."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
                   "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    process = subprocess.Popen([sys.executable, "-I", str(RUNNER), str(path), str(inputs), str(output)],
                               cwd=folder, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=_limits(seconds) if os.name == "posix" else None)
    try:
        _, errors = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        return f"backward_propagation did not finish within {seconds:g} s and was stopped"
    if process.returncode != 0:
        lines = [l for l in errors.decode("utf-8", "replace").splitlines() if l.startswith("symnn-runner:")]
        if lines:
            return lines[-1].removeprefix("symnn-runner: ")
        if process.returncode < 0:
            return f"the code was stopped by signal {signal.Signals(-process.returncode).name} (a time or memory limit)"
        return f"the code exited with status {process.returncode}"
    if not output.is_file():
        return "the code ran but produced no gradients"
    return None


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        process.kill()
    process.communicate()


def _judge(checker: Checker, name: str, returned: dict) -> GradientResult:
    kind, layer = name[1], int(name[2:])
    expected = [_oriented(checker, checker.right[p].batch(kind, layer)) for p in TRIALS]
    keys = [f"{t}_{name}" for t in range(len(TRIALS))]
    if not all(k in returned for k in keys):
        return GradientResult(name, "missing", diagnosis=f"the returned dict has no {name!r}")
    given = [returned[k] for k in keys]
    shape, expected_shape = list(given[0].shape), list(expected[0].shape)
    result = GradientResult(name, "wrong", shape=shape, expected_shape=expected_shape)
    if given[0].shape != expected[0].shape:
        if given[0].size == expected[0].size and given[0].ndim == 1:
            result.diagnosis = f"a rank-1 array of shape {tuple(shape)}: np.sum(..., keepdims=True) keeps it {tuple(expected_shape)}"
        elif given[0].shape == expected[0].T.shape:
            result.diagnosis = "the transpose of the right shape: a missing transpose or products in the wrong order"
        else:
            result.diagnosis = f"shape {tuple(shape)} where {tuple(expected_shape)} belongs"
        return result
    errors = [np.linalg.norm(g - e) / max(np.linalg.norm(g) + np.linalg.norm(e), 1e-300) for g, e in zip(given, expected)]
    result.relative_error = float(max(errors)) if all(np.isfinite(errors)) else float("inf")
    if result.relative_error < RIGHT_BELOW:
        result.verdict = "right"
        return result
    trial = int(np.argmax(errors))
    gap = np.abs(given[trial] - expected[trial]) > 1e-7 * (np.abs(expected[trial]) + 1e-7)
    index = tuple(int(i) for i in np.argwhere(gap | ~np.isfinite(given[trial]))[0]) if (gap | ~np.isfinite(given[trial])).any() else ()
    if index:
        result.first_wrong = {"trial": trial + 1, "index": list(index), "got": float(given[trial][index]),
                              "expected": float(expected[trial][index])}
    result.diagnosis = _mistake(checker, kind, layer, given)
    return result


def _mistake(checker: Checker, kind: str, layer: int, given) -> str | None:
    for index, mistake in enumerate(checker.mistakes):
        variant = [_oriented(checker, checker.variant(index, p).batch(kind, layer)) for p in TRIALS]
        for sign, words in ((1, mistake.words), (-1, f"{mistake.words}, and a sign flip")):
            if sign == -1 and mistake.sign == -1:
                continue
            if all(v.shape == g.shape and np.allclose(g, sign * v, rtol=1e-6, atol=1e-10) for g, v in zip(given, variant)):
                return words
    return None


__all__ = ["check_code", "CodeReport", "GradientResult", "Backprop"]
