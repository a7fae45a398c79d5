"""What the per-call input check of the generated train_step costs: the generated module side by side
with the same module with that check (two lines) removed, timed interleaved in one run (the mean
over three copies of each of the best time per step).

    python benchmarks/shape_check_cost.py [--seconds 60]

Issue 12's bar: the shape checks cost under 2% at 2-4-1, m = 400. The check is one comparison of X's
and Y's shapes and dtypes with the ones the step was made for; only a mismatch takes the slow path
(conversion, or a ValueError naming the shape).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import types
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symnn.render.codegen import module_source  # noqa: E402
from symnn.spec import parse_spec  # noqa: E402

CASES = [  # (sizes, activations, loss, layout, m)
    ("2-4-1", "tanh,sigmoid", "bce", "column", 400),
    ("784-128-10", "relu,softmax", "cce", "row", 256),
]
COPIES = 3
CHECK = "if X.shape != x_shape or Y.shape != y_shape"


def load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)  # our own generated source, not typed text
    return module


def without_check(source: str) -> str:
    lines = source.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if CHECK in line)
    return "".join(lines[:at] + lines[at + 2:])


def inputs(sizes: str, layout: str, m: int, softmax: bool):
    dims = [int(n) for n in sizes.split("-")]
    rng = np.random.default_rng(0)
    X = rng.standard_normal((dims[0], m))
    labels = rng.integers(0, dims[-1] if softmax else 2, m)
    Y = np.eye(dims[-1])[:, labels] if softmax else labels[None, :].astype(float)
    return (X, Y) if layout == "column" else (np.ascontiguousarray(X.T), np.ascontiguousarray(Y.T))


def measure(steps: dict, args: tuple, seconds: float) -> tuple[dict, int]:
    """Best seconds per step over interleaved rounds of ~5 ms each, in a shuffled order per round."""
    calls = {}
    for name, step in steps.items():
        step(*args)
        start = time.perf_counter()
        step(*args)
        calls[name] = max(1, int(0.005 / max(time.perf_counter() - start, 1e-7)))
    best = {name: float("inf") for name in steps}
    names, order, rounds = list(steps), random.Random(0), 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        order.shuffle(names)
        for name in names:
            step, n = steps[name], calls[name]
            start = time.perf_counter()
            for _ in range(n):
                step(*args)
            best[name] = min(best[name], (time.perf_counter() - start) / n)
        rounds += 1
    return best, rounds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of interleaved rounds per case")
    options = parser.parse_args()
    print("| network | m | checked | unchecked | checked/unchecked | rounds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for sizes, act, loss, layout, m in CASES:
        source = module_source(parse_spec(sizes, act=act, loss=loss, layout=layout))
        # COPIES of each module, each with its own buffers: where NumPy happens to place one step's
        # buffers moves its time by a few percent, which must not be read as the check's cost
        modules = {}
        for copy in range(COPIES):
            modules[("checked", copy)] = load(source, "checked")
            modules[("unchecked", copy)] = load(without_check(source), "unchecked")
        X, Y = inputs(sizes, layout, m, softmax=act.endswith("softmax"))
        steps = {key: mod.make_train_step(mod.initialize_parameters(seed=1), m) for key, mod in modules.items()}
        best, rounds = measure(steps, (X, Y, 0.01), options.seconds)
        mean = {kind: sum(best[(kind, c)] for c in range(COPIES)) / COPIES for kind in ("checked", "unchecked")}
        print(f"| {sizes} | {m} | {mean['checked'] * 1e6:.2f} us | {mean['unchecked'] * 1e6:.2f} us | "
              f"{mean['checked'] / mean['unchecked']:.3f} | {rounds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
