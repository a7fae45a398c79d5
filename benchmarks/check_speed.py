"""How fast does `symnn check` give a verdict? Side by side in one run, on the 2-3-3-1 sigmoid network:

- setup: the spec's checker (derivation, sample points, matrix formulas), once per spec;
- one claim in this process (parse, evaluate at every sample point, prove or diagnose);
- one claim through a worker process with the hard time limit (what `symnn check` does);
- `symnn check` as a command (a fresh Python: imports included);
- a batch of 1,000 distinct claims with 1 worker and with 2 workers (one per core);
- claims about a function's derivatives (`--function`, seed 000's f): setup and one claim.

Claims mix LaTeX and NumPy style, scalar and matrix, right and wrong (a wrong one is also diagnosed).
Run: python benchmarks/check_speed.py [--claims N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import symnn  # noqa: E402
from symnn.check.compare import Checker  # noqa: E402
from symnn.check.function_claims import FunctionChecker  # noqa: E402
from symnn.check.sandbox import grade_isolated  # noqa: E402
from symnn.funcspec import parse_function  # noqa: E402

SEED_FUNCTION = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"
FUNCTION_CLAIMS = [  # seed 000's Hessian exercise, right and wrong
    "f_xx = 12x^2 + 8 - 0.4y", "f_xy = 1 + 0.4x", "f_yy = 9.6y^2", "df/dx = 4x^3 - 0.4x*y + 8x - y",
    "H = [[12x^2 + 8 - 0.4y, -1 - 0.4x], [-1 - 0.4x, 9.6y^2 + 4]]",
    r"\frac{\partial^2 f}{\partial x \partial y} = -1 - \frac{2}{5} x",
]

SPEC = ("2-3-3-1", {"act": "sigmoid", "loss": "bce"})
TEMPLATES = [
    # right
    "dW1 = {c}/({c}*m) * (W2.T @ dZ2 * A1 * (1 - A1)) @ X.T",
    "db2 = np.sum(dZ2, axis=1, keepdims=True) * {c} / ({c} * m)",
    "dZ2 = W3.T @ dZ3 * A2 * ({c} - {d} - A2)",
    r"\frac{{\partial L}}{{\partial W^{{[2]}}}} = \frac{{{c}}}{{{c} m}} \frac{{\partial L}}{{\partial Z^{{[2]}}}} (A^{{[1]}})^T",
    r"\frac{{\partial L}}{{\partial \mathbf{{z}}^{{[1]}}}} = \frac{{\partial L}}{{\partial \mathbf{{a}}^{{[1]}}}} \circ (\mathbf{{a}}^{{[1]}} \circ ({c} - {d} - \mathbf{{a}}^{{[1]}}))",
    r"\frac{{\partial L}}{{\partial w^{{[1]}}_{{11}}}} = \frac{{{c}}}{{{c}}} \delta^{{[1]}}_1 x_1",
    "dL/dw2_1_2 = {c}/{c} * delta2_1 * a1_2",
    # wrong, each a known mistake
    "dW1 = {c}/{c} * (W2.T @ dZ2 * A1 * (1 - A1)) @ X.T",
    "dZ1 = W2 @ dZ2 * A1 * ({c} - {d} - A1)",
    "dZ2 = W3.T @ dZ3 * A2 * {c} / {c}",
    r"\frac{{\partial L}}{{\partial \mathbf{{b}}^{{[2]}}}} = \frac{{\partial L}}{{\partial \mathbf{{z}}^{{[2]}}}} \circ (\mathbf{{a}}^{{[2]}} \circ ({c} - {d} - \mathbf{{a}}^{{[2]}}))",
    r"\frac{{\partial L}}{{\partial w^{{[3]}}_{{12}}}} = \frac{{{c}}}{{{c}}} (y - a^{{[3]}}) a^{{[2]}}_2",
    "db1 = np.sum(dZ1, axis=1) * {c} / ({c} * m)",
]


def claims(count: int) -> list[str]:
    made = []
    c = 1
    while len(made) < count:
        for template in TEMPLATES:
            made.append(template.format(c=c, d=c - 1))
        c += 1
    return made[:count]


def blas() -> str:
    try:
        from threadpoolctl import threadpool_info

        info = [f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)" for i in threadpool_info()]
        return ", ".join(info) or "none found"
    except ImportError:
        return "threadpoolctl not installed"


def row(name, seconds, note=""):
    print(f"| {name:<52} | {seconds * 1000:>10.1f} | {note}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--single", type=int, default=200, help="claims timed one by one")
    args = parser.parse_args()
    spec = symnn.network(SPEC[0], **SPEC[1])
    print(f"symnn {symnn.__version__}, spec {spec.command_line()}, {os.cpu_count()} CPU(s), BLAS: {blas()}")
    print(f"| {'what':<52} | {'ms':>10} | note")
    print(f"|{'-' * 54}|{'-' * 12}|------")

    started = time.perf_counter()
    checker = Checker(spec).warm()
    row("setup (once per spec)", time.perf_counter() - started)

    batch = claims(args.claims)
    times, verdicts = [], {}
    for text in batch[: args.single]:
        started = time.perf_counter()
        verdict = checker.grade(text)
        times.append(time.perf_counter() - started)
        verdicts[verdict.verdict] = verdicts.get(verdict.verdict, 0) + 1
    times.sort()
    row("one claim in process: median", statistics.median(times), f"{args.single} claims {verdicts}")
    row("one claim in process: 90th percentile", times[int(0.9 * len(times))])
    row("one claim in process: slowest", times[-1])

    isolated = []
    for text in batch[:40]:
        started = time.perf_counter()
        grade_isolated(checker, [text], seconds=5.0, workers=1)
        isolated.append(time.perf_counter() - started)
    row("one claim in a worker process: median", statistics.median(isolated), "fork + hard time limit")

    command = []
    for text in batch[:5]:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "symnn", "check", SPEC[0], "--act", "sigmoid", text],
                       cwd=REPO, capture_output=True, check=False)
        command.append(time.perf_counter() - started)
    row("`symnn check` command, one claim: median", statistics.median(command), "new Python, imports, setup")

    for workers in (1, 2):
        started = time.perf_counter()
        results = grade_isolated(checker, batch, seconds=5.0, workers=workers)
        elapsed = time.perf_counter() - started
        counts = {}
        for v in results:
            counts[v.verdict] = counts.get(v.verdict, 0) + 1
        row(f"batch of {len(batch)} claims, {workers} worker(s)", elapsed, f"{counts}")

    started = time.perf_counter()
    function_checker = FunctionChecker(parse_function(SEED_FUNCTION)).warm()
    row("function (seed 000's f): setup", time.perf_counter() - started)
    function_times = []
    for text in FUNCTION_CLAIMS * 10:
        started = time.perf_counter()
        function_checker.grade(text)
        function_times.append(time.perf_counter() - started)
    row("function claim in process: median", statistics.median(function_times), f"{len(FUNCTION_CLAIMS)} claims x 10")
    row("function claim in process: slowest", max(function_times))
    print("\nbar: median verdict < 500 ms; 1,000 claims < 120,000 ms on 2 cores")


if __name__ == "__main__":
    main()
