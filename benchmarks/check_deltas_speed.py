"""Time per claim where closed forms are written through delta symbols, next to the claim corpus.

- the corpus (tests/corpus/network_claims.py, 2- and 3-layer networks): median and 95th percentile;
- tests/test_check_deltas.py's claims (2-5-5-5-5-1, 2-4-4-4-4-1, and small nets with the closed-form
  limit patched): written out, through deltas, and wrong;
- 784-128-10 (first-layer closed forms derived only on demand): right and wrong first-layer claims.

Every claim is graded twice and the second time is reported (the first pays for the LaTeX parser and
SymPy's caches, once per process). Run: python benchmarks/check_deltas_speed.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import symnn  # noqa: E402
from symnn.check.compare import Checker  # noqa: E402


def timed(checker, text) -> float:
    checker.grade(text)
    started = time.perf_counter()
    checker.grade(text)
    return (time.perf_counter() - started) * 1000


def summary(name, times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"{name:44} {len(times):4} claims  median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  max {times[-1]:7.1f} ms")


def main():
    from corpus.network_claims import CLAIMS as CORPUS
    from test_check_deltas import CLAIMS as DELTAS, checker as delta_checker

    checkers = {}
    corpus = []
    for entry in CORPUS:
        net = entry["net"]
        if net not in checkers:
            checkers[net] = Checker(symnn.api.network(net.spec, **net.options)).warm()
        corpus.append(timed(checkers[net], entry["text"]))
    summary("corpus (issue 13)", corpus)
    by_net = {}
    for _, net, _, text, _, mistake in DELTAS:
        by_net.setdefault(net.spec, []).append(timed(delta_checker(net), text))
    for spec, times in by_net.items():
        summary(f"{spec} (through deltas)", times)
    started = time.perf_counter()
    wide = Checker(symnn.api.network("784-128-10")).warm()
    print(f"784-128-10 checker set-up: {time.perf_counter() - started:.2f} s")
    texts = [r"\frac{\partial L}{\partial w^{[1]}_{11}} = \delta^{[1]}_1 x_1",
             r"\frac{\partial L}{\partial w^{[1]}_{11}} = \delta^{[1]}_1 x_2",
             r"\frac{\partial L}{\partial w^{[1]}_{11}} = -\delta^{[1]}_1 x_1",
             r"\frac{\partial L}{\partial b^{[1]}_{3}} = \delta^{[1]}_3",
             r"\frac{\partial L}{\partial w^{[2]}_{12}} = \delta^{[2]}_1 a^{[1]}_2",
             r"\frac{\partial L}{\partial w^{[2]}_{12}} = \delta^{[2]}_2 a^{[1]}_1"]
    summary("784-128-10 first- and second-layer claims", [timed(wide, text) for text in texts])


if __name__ == "__main__":
    main()
