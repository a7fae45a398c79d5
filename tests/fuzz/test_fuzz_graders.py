"""Fuzzing the claim graders (issue 10: nearly all of the 3,246 unhandled exceptions were here).

The graders are called directly, without the worker processes, so an exception the worker boundary
would turn into "unusable: ... internal error" still fails a test here with the input that caused it.
`symnn.check` itself (workers, the report, exit codes) is fuzzed too, with fewer inputs."""
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

import symnn
from fuzz_support import (RAW_BYTES, RAW_TEXT, budget, function_claim, handled, latex_claim, mutated, numpy_claim,
                          problem, verdict_is_sound)
from symnn.check.compare import Checker
from symnn.check.function_claims import FunctionChecker
from symnn.check.seed_claims import SEED_CLAIMS
from symnn.commands.check import text_report

SEEDS = [claim for claims in SEED_CLAIMS.values() for claim in claims] + [
    "dW1 = 1/m * np.dot(dZ1, X.T)", "db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)",
    "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", "dZ2 = A2 - Y", "dW2 = 1/m * dZ2 @ A1.T",
    r"\delta^{[1]}_1 = \sigma'(z^{[1]}_1) \sum_k w^{[2]}_{k1} \delta^{[2]}_k",
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_1",
]
NETWORK_CLAIMS = mutated(latex_claim()) | mutated(numpy_claim()) | mutated(st.sampled_from(SEEDS)) | RAW_TEXT | RAW_BYTES
FUNCTIONS = ["x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y", "x^2*y + sin(x)", "max(x, y)^2 + abs(x - y)"]


@pytest.fixture(scope="module")
def checkers():
    return [Checker(symnn.network("2-3-1")).warm(), Checker(symnn.network("2-3-3-1")).warm(),
            Checker(symnn.network("4-5-3", act="relu,softmax", layout="row", bias=False)).warm()]


@pytest.fixture(scope="module")
def function_checkers():
    return [FunctionChecker(symnn.function(text)) for text in FUNCTIONS] + [FunctionChecker(symnn.function("exp(x) - ln(x)"))]


def _graded(entry, checker, text):
    verdict = handled(entry, checker.grade, text)
    if isinstance(verdict, Exception):
        problem(entry, "an error instead of a verdict", type(verdict).__name__, text)
    verdict_is_sound(verdict, entry, text)
    json.dumps(verdict.as_dict())  # what --json prints
    return verdict


@budget(150)
@given(NETWORK_CLAIMS, st.integers(0, 2))
def test_network_claim_grader(checkers, text, which):
    _graded("check.Checker.grade", checkers[which], text)


@budget(100)
@given(mutated(function_claim()) | RAW_TEXT | RAW_BYTES, st.integers(0, 2))
def test_function_claim_grader(function_checkers, text, which):
    _graded("check.FunctionChecker.grade", function_checkers[which], text)


@budget(30)
@given(mutated(function_claim(("x",))) | st.sampled_from(["f'(x) = exp(x) - 1/x", "f''(x) = e^x + 1/x^2", "f'(x) = "]))
def test_one_variable_function_claims(function_checkers, text):
    _graded("check.FunctionChecker.grade", function_checkers[-1], text)


@budget(12)
@given(st.lists(NETWORK_CLAIMS, min_size=1, max_size=4))
def test_symnn_check_on_a_network(claims):
    """The API end to end (worker processes, report, exit code): no verdict from the worker boundary."""
    report = handled("symnn.check", symnn.check, "2-3-1", claims, workers=1, time_limit=10)
    report_is_sound("symnn.check", report, claims)


@budget(8)
@given(st.lists(mutated(function_claim()) | RAW_TEXT, min_size=1, max_size=4), st.sampled_from(FUNCTIONS))
def test_symnn_check_on_a_function(claims, function):
    report = handled("symnn.check --function", symnn.check, claims=claims, function=function, workers=1, time_limit=10)
    report_is_sound("symnn.check --function", report, claims)


def report_is_sound(entry: str, report, claims) -> None:
    """A report, not an error; every verdict sound; a documented exit code; printable as text and JSON."""
    if isinstance(report, Exception):
        problem(entry, "an error instead of a report", type(report).__name__, claims)
    for verdict in report.verdicts:
        verdict_is_sound(verdict, entry, claims)
    assert report.exit_code in (0, 1, 2)
    text_report(report)
    json.dumps(report.as_dict())
