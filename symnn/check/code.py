"""Checking a person's backward_propagation (the course API) against symnn's own gradients.

The person's file runs in a sandbox (isolation.py) under the standalone harness runner.py, on inputs
drawn fresh for this run from a secret seed (os.urandom; reported, so a teacher can rerun it with
--seed). symnn's reference gradients are computed here, outside, by the numeric backward pass of
reference.py, and never enter the sandbox. The gradients come back over a private pipe in a strict
format (channel.py); every trial's shapes and values are graded. One trial is ill-scaled (inputs of
order 1e6, pre-activations of order 1): backprop is exact there, but finite differences of the
forward pass are not, so a numerical gradient is caught; the harness also counts the calls of the
file's forward functions and of NumPy's exp/log/tanh/maximum, so a backward pass that runs the
forward pass once per parameter is reported as not backprop.
"""
from __future__ import annotations

import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import SymnnError
from . import isolation
from .channel import ChannelError, parse_result
from .compare import Checker
from .reference import Backprop, Sample, _targets

RUNNER = Path(__file__).with_name("runner.py")
RANDOM_TRIALS = 3
ILL_SCALE = 1e6  # inputs this large: central differences with any step from 1e-3 to 1e-9 lose accuracy
RIGHT_BELOW = 1e-7  # relative error ||g - r|| / (||g|| + ||r||), as in the course's gradient check
MEMORY_BYTES = 1 << 30  # address space per process
PROCESSES = 4  # so the processes together stay under 4 GiB
MAX_SOURCE_BYTES = 1 << 20
FORWARD_CALLS = 2  # more calls of a forward function per backward pass than this is not backprop


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
    seed: int | None = None
    isolation: str = ""
    method: str | None = None  # backprop, numerical, not backprop (None when the code did not run)
    trials: list[dict] = field(default_factory=list)  # per trial: m, kind, forward and NumPy-call counts
    seconds: float = 0.0

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["gradients"] = [g.__dict__ for g in self.gradients]
        return data


@dataclass
class Trial:
    kind: str  # random, ill-scaled
    backprop: Backprop


def new_seed() -> int:
    return int.from_bytes(os.urandom(8), "big") >> 1  # 63 bits: fits every JSON reader's integers


def check_code(checker: Checker, path: str | os.PathLike, seconds: float = 10.0, *, seed: int | None = None,
               trust_code: bool = False) -> CodeReport:
    path = Path(path)
    if not path.is_file():
        raise SymnnError(f"code file {str(path)!r} not found")
    mechanism = isolation.mechanism()
    if mechanism is None:
        if not trust_code:
            raise SymnnError(isolation.INSTALL_HINT)
        mechanism = isolation.TRUSTED
    seed = new_seed() if seed is None else int(seed)
    if not 0 <= seed < 2 ** 63:
        raise SymnnError(f"--seed must be between 0 and 2**63 - 1, not {seed}")
    started = time.monotonic()
    report = _check(checker, path, seconds, seed, mechanism)
    report.seed, report.isolation, report.seconds = seed, mechanism.describe(), round(time.monotonic() - started, 3)
    return report


def gradient_names(spec) -> list[str]:
    return [f"d{k}{l}" for l in range(1, spec.depth + 1) for k in (("W", "b") if spec.bias else ("W",))]


def _check(checker, path, seconds, seed, mechanism) -> CodeReport:
    spec = checker.spec
    names = gradient_names(spec)
    trials = draw_trials(checker, seed)
    info = [{"kind": t.kind, "m": t.backprop.m} for t in trials]
    if path.stat().st_size > MAX_SOURCE_BYTES:
        return CodeReport(str(path), "error", f"the code file is larger than {MAX_SOURCE_BYTES >> 20} MB", trials=info)
    with tempfile.TemporaryDirectory(prefix="symnn-code-") as folder:
        job = Path(folder)
        shutil.copyfile(path, job / "student.py")
        shutil.copyfile(RUNNER, job / "runner.py")
        np.savez(job / "inputs.npz", **_inputs(checker, trials))
        expected = {f"{t}_{name}": _expected(checker, trial.backprop, name) for t, trial in enumerate(trials) for name in names}
        outcome = run_harness(job, mechanism, seconds, max_elements=max(a.size for a in expected.values()) * 4 + 64,
                              max_bytes=sum(a.nbytes for a in expected.values()) * 4 + (1 << 20))
    if isinstance(outcome, str):
        return CodeReport(str(path), "error", outcome, trials=info)
    arrays, status = outcome
    for entry, counts in zip(info, status["counts"]):
        entry.update(counts)
    if status["error"]:
        return CodeReport(str(path), "error", status["error"], trials=info)
    if len(status["counts"]) != len(trials):
        return CodeReport(str(path), "error", "the harness's status does not cover every trial", trials=info)
    gradients = [_judge(checker, trials, name, arrays, status["unusable"]) for name in names]
    method, reason = _method(spec, trials, gradients, status["counts"])
    report = CodeReport(str(path), "correct", f"all {len(gradients)} gradients right on {len(trials)} fresh inputs",
                        gradients, method=method, trials=info)
    wrong = [g for g in gradients if g.verdict != "right"]
    if method != "backprop":
        report.verdict, report.message = "wrong", f"not backprop: {reason}"
    elif wrong:
        report.verdict = "wrong"
        report.message = f"{len(wrong)} of {len(gradients)} gradients wrong: " + ", ".join(g.name for g in wrong)
    return report


# --- the trials: fresh per run, from the seed ---
def draw_trials(checker: Checker, seed: int) -> list[Trial]:
    """RANDOM_TRIALS random points (each its own m) and one ill-scaled point, in a seeded order."""
    spec, rng = checker.spec, np.random.default_rng(seed)
    sizes, depth = spec.sizes, spec.depth
    ms = [int(m) for m in rng.choice(np.arange(2, 10), size=RANDOM_TRIALS + 1, replace=False)]
    trials = []
    for index, m in enumerate(ms):
        ill = index == RANDOM_TRIALS
        scale = ILL_SCALE if ill else 1.0
        W = {l: rng.normal(0, 1, (sizes[l], sizes[l - 1])) / np.sqrt(max(1, sizes[l - 1] / 2)) for l in range(1, depth + 1)}
        W[1] = W[1] / scale  # pre-activations stay of order 1 whatever the inputs' scale
        b = {l: rng.normal(0, 1, (sizes[l], 1)) if spec.bias else np.zeros((sizes[l], 1)) for l in range(1, depth + 1)}
        X = rng.normal(0, 1.5, (sizes[0], m)) * scale
        sample = Sample(W, b, X, _targets(spec, rng, m))
        trials.append(Trial("ill-scaled" if ill else "random", Backprop(checker.derivation, sample)))
    order = rng.permutation(len(trials))
    return [trials[i] for i in order]


def _oriented(checker, matrix):
    return matrix.T if checker.spec.layout == "row" else matrix


def _expected(checker, backprop: Backprop, name: str) -> np.ndarray:
    return _oriented(checker, backprop.batch(name[1], int(name[2:])))


def _inputs(checker: Checker, trials: list[Trial]) -> dict:
    data = {"trials": np.array(len(trials)), "depth": np.array(checker.spec.depth)}
    for t, trial in enumerate(trials):
        bp = trial.backprop
        for l in range(1, checker.spec.depth + 1):
            data[f"{t}_W{l}"] = _oriented(checker, bp.sample.W[l])
            data[f"{t}_b{l}"] = _oriented(checker, bp.sample.b[l])
            data[f"{t}_Z{l}"] = _oriented(checker, bp.Z[l])
            data[f"{t}_A{l}"] = _oriented(checker, bp.A[l])
        data[f"{t}_X"] = _oriented(checker, bp.A[0])
        data[f"{t}_Y"] = _oriented(checker, bp.sample.Y)
    return data


# --- running the harness and reading its answer ---
def run_harness(job: Path, mechanism, seconds: float, max_elements: int, max_bytes: int):
    """(arrays, status) from the harness, or one line saying why there is none."""
    sandboxed = mechanism.name != "none"
    inside = isolation.JOB_INSIDE if sandboxed else str(job)
    uid = isolation.fresh_uid() if mechanism.mode == "root+setpriv" else None
    limits = {"cpu": int(math.ceil(seconds)) + 1, "as": MEMORY_BYTES, "nproc": PROCESSES, "fsize": 16 << 20,
              "nofile": 64, "core": 0, "memlock": 0}
    if not sandboxed and os.geteuid() == 0:
        del limits["nproc"]  # root's own process count: the limit would count every root process
    config = {"limits": limits, "numpy": str(isolation.numpy_folder().parent),
              "inputs": f"{inside}/inputs.npz", "student": f"{inside}/student.py"}
    (job / "config.json").write_text(json.dumps(config), encoding="utf-8")
    read_end, write_end = os.pipe()
    info_read, info_write = os.pipe()
    harness = [isolation.python_inside(), "-I", "-S", "-B", f"{inside}/runner.py", f"{inside}/config.json", str(write_end)]
    if sandboxed:
        isolation.prepare_job_folder(job, mechanism, uid)
        command, environment = isolation.bwrap_command(mechanism.mode, job, harness, uid, info_write), {}
    else:
        command, environment = harness, {**isolation.sandbox_environment(), "HOME": str(job)}
    try:
        process = subprocess.Popen(command, cwd=job, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, pass_fds=(write_end, info_write), start_new_session=True)
    except OSError as exc:
        os.close(read_end)
        os.close(info_read)
        return f"the sandbox could not start ({exc.strerror or exc})"
    finally:
        os.close(write_end)
        os.close(info_write)
    try:
        data, why = _collect(process, read_end, seconds, max_bytes)
    finally:
        os.close(read_end)
        _kill(process, info_read)
        os.close(info_read)
    if why:
        return why
    try:
        return parse_result(data, max_elements)
    except ChannelError as exc:
        code = process.returncode
        if exc.incomplete and code not in (0, None):
            return _stopped(code)
        return f"the code returned no usable result ({exc})"


def _collect(process, fd: int, seconds: float, max_bytes: int):
    deadline = time.monotonic() + seconds
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, f"backward_propagation did not finish within {seconds:g} s and was stopped"
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            return None, f"the code sent back more than {max_bytes >> 20} MB and was stopped"
        chunks.append(chunk)
    try:  # every writer is gone: the sandbox is ending
        process.wait(timeout=max(0.5, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pass
    return b"".join(chunks), None


def _stopped(code: int) -> str:
    number = code - 128 if code > 128 else -code
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"the code exited with status {code} before returning its gradients"
    why = {"SIGXCPU": "the CPU-time limit", "SIGKILL": "a limit (CPU time or memory)",
           "SIGSEGV": "a crash (or the memory limit)"}.get(name, "a signal")
    return f"the code was stopped by {name} ({why}) before returning its gradients"


def _kill(process, info_fd: int):
    """Stop the sandbox and return only once every process in it is gone: SIGKILL to the sandbox's
    init, whose exit the kernel completes after killing everything in its PID namespace."""
    if process.poll() is None:
        init = _sandbox_init(process, info_fd)
        if init is not None:
            os.kill(init, signal.SIGKILL)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
    process.wait()


def _sandbox_init(process, info_fd: int) -> int | None:
    """The sandbox init's pid from bwrap's --info-fd, if it is really bwrap's child."""
    os.set_blocking(info_fd, False)
    try:
        info = json.loads(os.read(info_fd, 4096).decode("ascii"))
        pid = int(info["child-pid"])
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None
    return pid if parent == process.pid else None


# --- grading ---
def _judge(checker: Checker, trials: list[Trial], name: str, returned: dict, unusable: dict) -> GradientResult:
    kind, layer = name[1], int(name[2:])
    expected = [_expected(checker, t.backprop, name) for t in trials]
    if name in unusable:
        return GradientResult(name, "wrong", diagnosis=f"{name} is {unusable[name]}")
    keys = [f"{t}_{name}" for t in range(len(trials))]
    if not all(k in returned for k in keys):
        missing = [t + 1 for t, k in enumerate(keys) if k not in returned]
        where = "" if len(missing) == len(keys) else f" on trial {missing[0]}"
        return GradientResult(name, "missing", diagnosis=f"the returned dict has no {name!r}{where}")
    given = [returned[k] for k in keys]
    result = GradientResult(name, "wrong", shape=list(given[0].shape), expected_shape=list(expected[0].shape))
    for t, (g, e) in enumerate(zip(given, expected)):  # every trial's shape, not only the first
        if g.shape != e.shape:
            result.shape, result.expected_shape = list(g.shape), list(e.shape)
            result.diagnosis = _shape_mistake(g, e) + (f" (on trial {t + 1})" if t else "")
            return result
    errors = [float(np.linalg.norm(g - e) / max(np.linalg.norm(g) + np.linalg.norm(e), 1e-300))
              if np.all(np.isfinite(g)) else math.inf for g, e in zip(given, expected)]
    result.relative_error = max(errors)
    if result.relative_error < RIGHT_BELOW:
        result.verdict = "right"
        return result
    ordinary = [e if t.kind == "random" else -1.0 for e, t in zip(errors, trials)]
    trial = int(np.argmax(ordinary)) if max(ordinary) >= RIGHT_BELOW else int(np.argmax(errors))  # readable numbers first
    bad = (np.abs(given[trial] - expected[trial]) > 1e-7 * (np.abs(expected[trial]) + 1e-7)) | ~np.isfinite(given[trial])
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        result.first_wrong = {"trial": trial + 1, "index": list(index), "got": float(given[trial][index]),
                              "expected": float(expected[trial][index])}
    if max(ordinary) < RIGHT_BELOW:
        result.diagnosis = ("right on the ordinary inputs, wrong on the ill-scaled one (inputs of order 1e6), where "
                            "finite differences of the forward pass lose accuracy but backprop does not: a numerical gradient")
    else:
        result.diagnosis = _mistake(checker, trials, kind, layer, given)
    return result


def _shape_mistake(given, expected) -> str:
    shape, right = tuple(given.shape), tuple(expected.shape)
    if given.size == 0:
        return f"an empty array of shape {shape} where {right} belongs"
    if given.size == expected.size and given.ndim == 1:
        return f"a rank-1 array of shape {shape}: np.sum(..., keepdims=True) keeps it {right}"
    if given.shape == expected.T.shape:
        return "the transpose of the right shape: a missing transpose or products in the wrong order"
    return f"shape {shape} where {right} belongs"


def _mistake(checker: Checker, trials: list[Trial], kind: str, layer: int, given) -> str | None:
    for mistake in checker.mistakes:
        variant = [_oriented(checker, t.backprop.variant(mistake).batch(kind, layer)) for t in trials]
        for sign, words in ((1, mistake.words), (-1, f"{mistake.words}, and a sign flip")):
            if sign == -1 and mistake.sign == -1:
                continue
            if all(v.shape == g.shape and np.allclose(g, sign * v, rtol=1e-6, atol=1e-10) for g, v in zip(given, variant)):
                return words
    return None


def _method(spec, trials, gradients, counts) -> tuple[str, str]:
    """backprop, numerical or "not backprop", with the reason, from the trap trial and the call counts."""
    parameters = spec.parameter_count
    numerical = [g.name for g in gradients if g.diagnosis and g.diagnosis.endswith("a numerical gradient")]
    if numerical:
        return "numerical", (f"{', '.join(numerical)} right on the ordinary inputs but not on the ill-scaled one, "
                             "where finite differences are inaccurate and backprop is exact: a numerical gradient")
    forward = max(c["forward"] for c in counts)
    if forward > FORWARD_CALLS:
        return "not backprop", (f"one backward pass called the file's forward/cost functions {forward} times "
                                f"(numerical differentiation takes 2 per parameter, {2 * parameters} here; backprop takes none)")
    nonlinear, allowed = max(c["nonlinear"] for c in counts), max(4 * (spec.depth + 1), parameters)
    if nonlinear > allowed:
        return "not backprop", (f"one backward pass called NumPy's exp/log/tanh/maximum {nonlinear} times, the cost of "
                                f"about {nonlinear // max(1, spec.depth)} forward passes (backprop needs at most {allowed})")
    return "backprop", ""


__all__ = ["check_code", "CodeReport", "GradientResult", "Backprop", "draw_trials", "new_seed"]
