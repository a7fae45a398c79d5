"""The checker with --l2: a dW claim with the penalty's gradient is graded against the regularised
cost, one without it is wrong with the mistake named, and lambda in a spec without L2 is refused."""
from __future__ import annotations

import pytest

from symnn.check.compare import Checker
from symnn.spec import parse_spec


@pytest.fixture(scope="module")
def checker():
    return Checker(parse_spec("2-3-1", act="tanh,sigmoid", l2=0.7))


@pytest.mark.parametrize("claim", [
    "dW1 = 1/m * dZ1 @ X.T + lambd/m * W1",
    "dW2 = np.dot(dZ2, A1.T) / m + (lambd / m) * W2",
    r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T + \frac{\lambda}{m} W^{[1]}",
    "db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)",  # biases are not regularised
])
def test_right_regularised_claims(checker, claim):
    verdict = checker.grade(claim)
    assert verdict.verdict == "correct", verdict.message


@pytest.mark.parametrize("claim, words", [
    ("dW1 = 1/m * dZ1 @ X.T", "missing regularisation term"),
    ("dW2 = 1/m * dZ2 @ A1.T + lambd/(2*m) * W2", "half the regularisation term"),
    ("db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True) + lambd/m * b1", None),
])
def test_wrong_claims_name_the_mistake(checker, claim, words):
    verdict = checker.grade(claim)
    assert verdict.verdict == "wrong"
    if words:
        assert words in verdict.diagnosis
    assert "lambda" in verdict.correct_formula["text"] or claim.startswith("db1")


def test_the_same_claims_against_a_spec_without_l2():
    plain = Checker(parse_spec("2-3-1", act="tanh,sigmoid"))
    assert plain.grade("dW1 = 1/m * dZ1 @ X.T").verdict == "correct"
    refused = plain.grade("dW1 = 1/m * dZ1 @ X.T + lambd/m * W1")
    assert refused.verdict == "unusable" and "--l2" in refused.message


def test_summed_cost_has_lambda_without_1_over_m():
    summed = Checker(parse_spec("2-3-1", act="tanh,sigmoid", l2=0.5, reduction="sum"))
    assert summed.grade("dW1 = dZ1 @ X.T + lambd * W1").verdict == "correct"
    wrong = summed.grade("dW1 = dZ1 @ X.T")
    assert wrong.verdict == "wrong" and "missing regularisation term" in wrong.diagnosis


def test_dropout_specs_are_graded_without_dropout_and_say_so():
    verdict = Checker(parse_spec("2-3-1", dropout=0.8)).grade("dW1 = 1/m * dZ1 @ X.T")
    assert verdict.verdict == "correct" and any("dropout is not graded" in n for n in verdict.notes)


def test_code_checks_grade_the_plain_backward_propagation(tmp_path):
    """--code runs the course's backward_propagation(parameters, cache, X, Y), which has no lambd."""
    import symnn
    from symnn.render.codegen import module_source

    spec = parse_spec("2-3-1", act="tanh,sigmoid", l2=0.7)
    path = tmp_path / "student.py"
    path.write_text(module_source(parse_spec("2-3-1", act="tanh,sigmoid")), encoding="utf-8")
    report = symnn.check(spec, code=str(path))
    assert report.code.verdict == "correct", report.code.message
