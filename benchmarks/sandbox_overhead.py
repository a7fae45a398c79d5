"""What does the sandbox cost per submission? On the 2-4-1 planar network with the course's solution:

- bare: the harness (runner.py) run directly, `python -I -S` + NumPy + 4 trials, no sandbox
  (what --trust-code does);
- sandboxed: the same harness inside bubblewrap (what --code does);
- overhead: sandboxed minus bare, the price of the namespaces, mounts and uid switch;
- check_code: a whole submission as `symnn check --code` grades it (fresh inputs and references,
  job folder, sandbox, channel, grading);
- bwrap alone: `bwrap ... /bin/true` in the same sandbox (no Python).

Medians of --runs repetitions (wall clock). Run: python benchmarks/sandbox_overhead.py [--runs N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import symnn  # noqa: E402
from symnn.check import isolation  # noqa: E402
from symnn.check.code import check_code, run_harness  # noqa: E402
from symnn.check.code import RUNNER, _inputs, draw_trials  # noqa: E402
from symnn.check.compare import Checker  # noqa: E402
from sandbox_support import DLS_PLANAR  # noqa: E402

import numpy as np  # noqa: E402


def timed(functions: dict, runs: int) -> dict:
    """Median and minimum wall time of each function, the functions interleaved run by run so that
    the machine's load falls on all of them alike."""
    times = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(t), min(t)) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    mechanism = isolation.mechanism()
    if mechanism is None:
        sys.exit("bubblewrap cannot run here: nothing to measure")
    checker = Checker(symnn.network("2-4-1", act="tanh,sigmoid", loss="bce"))
    trials = draw_trials(checker, 1)

    def harness(chosen):
        def run():
            with tempfile.TemporaryDirectory() as folder:
                job = Path(folder)
                (job / "student.py").write_text(DLS_PLANAR)
                (job / "runner.py").write_bytes(RUNNER.read_bytes())
                np.savez(job / "inputs.npz", **_inputs(checker, trials))
                outcome = run_harness(job, chosen, 10.0, 10_000, 10 << 20)
                assert not isinstance(outcome, str), outcome
        return run

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "student.py"
        path.write_text(DLS_PLANAR)
        job = Path(folder)
        true = isolation.bwrap_command(mechanism.mode, job, ["/usr/bin/true"], isolation.fresh_uid())
        isolation.prepare_job_folder(job, mechanism, None)
        results = timed({
            "bwrap alone (/usr/bin/true)": lambda: subprocess.run(true, check=True),
            "bare harness (--trust-code)": harness(isolation.TRUSTED),
            "sandboxed harness": harness(mechanism),
            "check_code, whole submission": lambda: check_code(checker, path),
        }, runs)
    bare, boxed = results["bare harness (--trust-code)"], results["sandboxed harness"]
    results["overhead (sandboxed - bare)"] = (boxed[0] - bare[0], boxed[1] - bare[1])
    print(f"sandbox: {mechanism.describe()}")
    print(f"{'':32s} {'median':>8s}    {'min':>8s}")
    for name, (median, least) in results.items():
        print(f"{name:32s} {median * 1000:8.1f} ms {least * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
