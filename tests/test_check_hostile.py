"""Hostile input: each claim is refused with a message, nothing is executed (a sentinel file is never
created), each answer comes inside the time limit, and the checker still grades correctly afterwards."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import symnn
from symnn.check.compare import Checker, Verdict
from symnn.check.sandbox import grade_isolated

REPO = Path(__file__).resolve().parents[1]
LIMIT = 5.0


def hostile_claims(sentinel: Path) -> list:
    touch = f"__import__('os').system('touch {sentinel}')"
    return [
        touch,
        f"dW1 = {touch}",
        f"dW1 = __import__('os').system('touch {sentinel}') + X",
        f"dW1 = exec(\"open('{sentinel}', 'w')\")",
        f"dW1 = eval(\"open('{sentinel}', 'w')\")",
        f"dW1 = open('{sentinel}', 'w')",
        "dW1 = (lambda: X)()",
        "dW1 = W1.__class__.__mro__",
        "dW1 = W1.__dict__",
        "dW1 = X.T.__class__",
        "dW1 = np.__dict__",
        "dW1 = np._NoValue",
        "dW1 = getattr(np, 'system')",
        "dW1 = [x for x in (1, 2)]",
        "dW1 = f'{X}'",
        "dW1 = (X := 1)",
        "dW1 = 9**9**9**9",
        "dW1 = 9^9^9^9",
        r"\frac{\partial L}{\partial W^{[1]}} = 9^{9^{9^{9}}}",
        r"\frac{\partial L}{\partial w^{[1]}_{11}} = 10^{10^{10}}",
        "dW1 = " + "(" * 200 + "X" + ")" * 200,
        r"\frac{\partial L}{\partial w^{[1]}_{11}} = " + r"\left(" * 200 + "x_1" + r"\right)" * 200,
        "dW1 = " + "X + " * 300_000 + "X",  # over 1 MB
        "dW1 = 1" + "0" * 5000,
        b"dW1 = \xff\xfe X",
        "dW1 = X\x00",
        r"\input{/etc/passwd}",
        r"\def\x{1} \frac{\partial L}{\partial w^{[1]}_{11}} = \x",
        r"\frac{\partial L}{\partial w^{[1]}_{11}} = \immediate\write18{touch " + str(sentinel) + "}",
        "import os",
        "dW1 = sys.modules",
        "dW1 = np.load('x.npy')",
        "dW1 = breakpoint()",
        "",
        "   ",
    ]


@pytest.fixture(scope="module")
def checker():
    return Checker(symnn.network("2-2-1")).warm()


def test_each_hostile_claim_is_refused_in_time_and_runs_nothing(checker, tmp_path):
    sentinel = tmp_path / "SENTINEL"
    claims = hostile_claims(sentinel)
    started = time.perf_counter()
    verdicts = grade_isolated(checker, claims, seconds=LIMIT, workers=2)
    elapsed = time.perf_counter() - started
    for claim, verdict in zip(claims, verdicts):
        assert verdict.verdict in ("unusable", "wrong"), (claim[:80], verdict.verdict, verdict.message)
        assert verdict.verdict != "correct"
        assert verdict.message and "\n" not in verdict.message, claim[:80]
        assert verdict.seconds < LIMIT, claim[:80]
    assert not sentinel.exists()
    assert elapsed < LIMIT * 2  # all of them together, not one by one up to the limit
    assert checker.grade("dW1 = 1/m * dZ1 @ X.T").verdict == "correct"  # still healthy


@pytest.mark.parametrize("claim", ["dW1 = 9**9**9**9", r"\frac{\partial L}{\partial W^{[1]}} = 9^{9^{9^{9}}}"])
def test_huge_powers_are_refused_quickly_in_process(checker, claim):
    started = time.perf_counter()
    verdict = checker.grade(claim)
    assert verdict.verdict == "unusable" and "too large" in verdict.message
    assert time.perf_counter() - started < 0.5


class _HangingChecker:
    """A stand-in whose grading hangs with SIGALRM blocked, as a C-level hang would."""

    def warm(self):
        return self

    def grade(self, text):
        if text == "hang":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(60)
        return Verdict(text, "correct", "fine")


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs POSIX signals")
def test_a_hung_worker_is_killed_and_the_rest_still_graded():
    started = time.perf_counter()
    verdicts = grade_isolated(_HangingChecker(), ["a", "hang", "b", "c"], seconds=0.5, workers=2)
    assert time.perf_counter() - started < 10
    assert [v.verdict for v in verdicts] == ["correct", "undecided", "correct", "correct"]
    assert "stopped" in verdicts[1].message


def test_cli_with_a_hostile_file_exits_2_with_one_line_per_claim_and_no_traceback(tmp_path):
    sentinel = tmp_path / "SENTINEL"
    claims = [c for c in hostile_claims(sentinel) if isinstance(c, str) and c.strip() and "\x00" not in c and len(c) < 5000]
    (tmp_path / "claims.txt").write_text("\n".join(claims), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "symnn", "check", "2-2-1", "--file", str(tmp_path / "claims.txt"), "--json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert len(report["claims"]) == len(claims)
    assert all(c["verdict"] in ("unusable", "wrong") for c in report["claims"])
    assert not sentinel.exists()


def test_non_utf8_claims_file_is_refused(tmp_path):
    path = tmp_path / "claims.txt"
    path.write_bytes(b"dW1 = \xff\xfe X\n")
    result = subprocess.run([sys.executable, "-m", "symnn", "check", "2-2-1", "--file", str(path)],
                            capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert result.stderr.strip() == f"symnn: error: claims file {str(path)!r} is not UTF-8 text"
