"""Hand-derived derivatives of a function (seed 000's exercises) graded against SymPy's: the left-hand
sides people write, plain and LaTeX right-hand sides, the mistakes named, and hostile input refused.

The expected verdicts come from the seed's own worked answers (f_xx = 12x^2 + 8 - 0.4y, ...), written
out by hand here, not from symnn's output."""
import json
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symnn
from symnn.check.function_claims import FunctionChecker, Target
from symnn.cli import main
from symnn.funcspec import parse_function
from symnn.safe_expr import read_formula

SEED_F = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"


@pytest.fixture(scope="module")
def seed_checker():
    return FunctionChecker(parse_function(SEED_F)).warm()


@pytest.mark.parametrize("lhs, target", [
    ("f", Target()), ("df/dx", Target((0,))), ("∂f/∂y", Target((1,))), (r"\frac{\partial f}{\partial y}", Target((1,))),
    ("f_x", Target((0,))), ("f_{xy}", Target((0, 1))), ("f_yx", Target((1, 0))), ("d2f/dx2", Target((0, 0))),
    ("d^2f/dxdy", Target((0, 1))), (r"\frac{\partial^2 f}{\partial x^2}", Target((0, 0))),
    (r"\frac{\partial^2 f}{\partial x \partial y}", Target((0, 1))), ("grad f", Target(whole="gradient")),
    (r"\nabla f", Target(whole="gradient")), ("H", Target(whole="hessian")), (r"\nabla^2 f", Target(whole="hessian")),
    ("H(x, y)", Target(whole="hessian")),
])
def test_left_hand_sides_as_people_write_them(seed_checker, lhs, target):
    assert seed_checker.claims.target(lhs) == target


@pytest.mark.parametrize("claim", [
    "df/dx = 4x^3 - 0.4x*y + 8x - y",
    "f_y = -0.2*x^2 - x + 3.2*y^3 + 4*y",
    "f_xx = 12x^2 + 8 - 0.4y",
    "f_xy = -1 - 0.4x",
    "f_yx = -1 - 0.4*x",
    "f_yy = 9.6y^2 + 4",
    r"\frac{\partial^2 f}{\partial x \partial y} = -1 - \frac{2}{5} x",
    r"f_{xx} = 12 x^{2} + 8 - 0.4 y",
    "H = [[12x^2 + 8 - 0.4y, -1 - 0.4x], [-1 - 0.4x, 9.6y^2 + 4]]",
    r"H = \begin{bmatrix} 12x^2 + 8 - 0.4y & -1 - 0.4x \\ -1 - 0.4x & 9.6y^2 + 4 \end{bmatrix}",
    "grad f = [4x^3 - 0.4x*y + 8x - y, -0.2x^2 - x + 3.2y^3 + 4y]",
])
def test_the_seeds_worked_answers_are_correct(seed_checker, claim):
    verdict = seed_checker.grade(claim)
    assert verdict.verdict == "correct", verdict.message


@pytest.mark.parametrize("claim, mistake", [
    ("f_xy = 1 + 0.4x", "a sign flip"),
    ("f_xx = 6x^2 + 4 - 0.2y", "a constant factor: the claim is 1/2 times the right answer"),
    ("f_yy = 9.6y^2", "the term 4 is missing"),
    ("f_yy = 9.6y^2 + 4 + x", "an extra term x"),
    ("f_xx = -0.2x^2 - x + 3.2y^3 + 4y", "this is df/dy, not d2f/dx2 (one differentiation too few)"),
    ("df/dx = -0.2x^2 - x + 3.2y^3 + 4y", "this is df/dy, not df/dx (the wrong variable)"),
    ("f_xy = 12x^2 + 8 - 0.4y", "this is d2f/dx2, not d2f/dxdy (the wrong variable)"),
])
def test_wrong_answers_get_a_counter_example_and_the_mistake(seed_checker, claim, mistake):
    verdict = seed_checker.grade(claim)
    assert verdict.verdict == "wrong"
    assert verdict.diagnosis == mistake
    example = verdict.counterexample
    assert example["claimed"] != example["correct"] and set(example["inputs"]) == {"x", "y"}
    assert verdict.correct_formula["text"].startswith(verdict.target)


def test_one_variable_primes_and_a_sign_error_in_one_term():
    checker = FunctionChecker(parse_function("exp(x) - ln(x)"))
    assert checker.grade("f'(x) = e^x - 1/x").verdict == "correct"
    assert checker.grade(r"f''(x) = e^{x} + \frac{1}{x^2}").verdict == "correct"
    wrong = checker.grade("f''(x) = e^x - 1/x^2")
    assert wrong.verdict == "wrong" and wrong.diagnosis == "the term x**(-2) has the wrong sign"


@pytest.mark.parametrize("claim, words", [
    ("f_xq = 1", "'q' is not a variable of f"),
    ("g_x = 1", "cannot tell what"),
    ("f'(x) = 1", "one variable"),
    ("grad f = [1, 2, 3]", "the gradient has 2 entries"),
    ("H = [[1, 2], [3]]", "the Hessian is 2 x 2"),
    ("df/dx = [1, 2]", "is one number"),
    ("df/dx = z", "unknown name"),
    (r"df/dx = w^{[1]}_{11}", "unknown symbol"),
    ("df/dx = __import__('os').system('touch /tmp/symnn-pwned')", "cannot be called"),
    ("df/dx = (lambda: 1)()", "a lambda cannot be called"),
    ("df/dx = 9**9**9**9", "too large"),
    (r"df/dx = 9^{9^{9^{9}}}", "too large"),
    ("df/dx = " + "x + " * 300_000 + "x", "characters long"),
    (b"df/dx = \xff", "UTF-8"),
    ("no equals sign", "needs a left-hand side"),
])
def test_unusable_and_hostile_claims_are_refused_with_a_message(seed_checker, claim, words):
    verdict = seed_checker.grade(claim)
    assert verdict.verdict in ("unusable", "wrong"), verdict
    assert words in verdict.message, verdict.message
    assert not Path("/tmp/symnn-pwned").exists()


def test_the_command_line(capsys):
    assert main(["check", "--function", SEED_F, "f_xx = 12x^2 + 8 - 0.4y", "f_xy = -1 - 0.4x"]) == 0
    assert "2 claim(s): 2 correct" in capsys.readouterr().out
    assert main(["check", "--function", SEED_F, "--json", "f_xy = 1 + 0.4x"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["claims"][0]["diagnosis"] == "a sign flip" and data["exit_code"] == 1
    assert main(["check", "--function", SEED_F, "f_xq = 1"]) == 2
    assert main(["check", "--function", SEED_F, "--code", "student.py", "f_x = 1"]) == 2
    assert "does not go with --function" in capsys.readouterr().err
    assert main(["check"]) == 2 and "give a network spec" in capsys.readouterr().err


def test_the_api():
    report = symnn.check(function="x^3 - 3*x + y^2", claims=["H = [[6x, 0], [0, 2]]", "f_x = 3x^2"])
    assert [v.verdict for v in report.verdicts] == ["correct", "wrong"] and report.exit_code == 1


_TERMS = ["x", "y", "x^2", "y^2", "x*y", "x^3", "x^2*y", "exp(x)", "sin(y)", "x*cos(y)"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5).filter(bool), st.sampled_from(_TERMS)), min_size=1, max_size=4, unique_by=lambda t: t[1]),
       st.sampled_from([(0,), (1,), (0, 0), (0, 1), (1, 1)]))
def test_sympys_own_derivative_is_correct_and_its_negation_a_sign_flip(terms, indices):
    """For random functions: SymPy's diff of the expression, printed as text, is graded correct; the same
    formula negated is a sign flip (or, where the derivative is 0, not wrong at all)."""
    text = " + ".join(f"({c})*{t}" for c, t in terms)
    spec = parse_function(text, "x,y")
    checker = FunctionChecker(spec)
    x, y = sp.symbols("x y")
    variables = {"x": x, "y": y}
    derivative = sp.diff(read_formula(text, variables), *[(x, y)[i] for i in indices])
    lhs = "f_" + "".join("xy"[i] for i in indices)
    assert checker.grade(f"{lhs} = {sp.sstr(derivative)}").verdict == "correct"
    negated = checker.grade(f"{lhs} = -({sp.sstr(derivative)})")
    if derivative == 0:
        assert negated.verdict == "correct"
    else:
        assert negated.verdict == "wrong" and negated.diagnosis == "a sign flip"


def test_numbered_variables_in_latex():
    """x1 in a LaTeX claim is the variable x1 (x_1), never x times 1."""
    checker = FunctionChecker(parse_function("x1^2*x2 + x10"))
    assert checker.grade(r"f_{x1} = 2 \cdot x1 \cdot x2").verdict == "correct"
    assert checker.grade(r"f_{x1 x2} = 2 x_{1}").verdict == "correct"
    assert checker.grade(r"\frac{\partial f}{\partial x10} = \frac{x10}{x10}").verdict == "correct"
    assert checker.grade(r"f_{x2} = x1^{2}").verdict == "correct"


@pytest.mark.parametrize("claim, words", [("f_x = y\x00", "NUL byte"), (3, "must be text")])
def test_claims_that_are_not_clean_text_are_refused(seed_checker, claim, words):
    verdict = seed_checker.grade(claim)
    assert verdict.verdict == "unusable" and words in verdict.message
