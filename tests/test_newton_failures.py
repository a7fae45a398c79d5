"""Newton's method and gradient descent say plainly why they stopped."""
import numpy as np
import pytest

from symnn import api
from symnn.errors import SpecError
from symnn.newton import CONVERGED, DIVERGED, INDEFINITE, LIMIT, SINGULAR


@pytest.mark.parametrize("text, x0, options, status, words", [
    ("x^2 + y", "1,1", {}, SINGULAR, "singular"),  # H = [[2, 0], [0, 0]] everywhere
    ("x^3 - 3*x + y^2", "-2,1", {}, INDEFINITE, "not positive definite"),
    ("x*atan(x) - ln(1 + x^2)/2", "2", {}, DIVERGED, "diverged"),  # f' = atan x, f'' = 1/(1 + x^2) > 0
    ("x^4 + y^2", "3,3", {"max_iter": 2}, LIMIT, "iteration limit (2)"),
    ("atan(x)", "2", {"root": True}, DIVERGED, "diverged"),  # the classic overshoot
    ("x^2 + 1", "1", {"root": True}, SINGULAR, "tangent never meets zero"),  # x_1 = 0, where f' = 0
    ("x^2 + 1", "0.5", {"root": True, "max_iter": 20}, LIMIT, "iteration limit (20)"),  # no real root
])
def test_failures_are_reported(text, x0, options, status, words):
    (run,) = api.newton(text, x0, **options)
    assert run.status == status and words in run.message
    assert "\n" not in run.message


def test_any_critical_lets_newton_find_the_saddle():
    (run,) = api.newton("x^3 - 3*x + y^2", "-2,1", any_critical=True)
    assert run.status == CONVERGED and np.allclose(run.x, [-1, 0])


def test_root_finding_for_sqrt_2():
    (run,) = api.newton("x^2 - 2", "1", root=True, tol=1e-15)
    assert run.status == CONVERGED and run.x[0] == pytest.approx(2**0.5, rel=1e-15)
    assert [round(r.x[0], 12) for r in run.rows[:3]] == [1.0, 1.5, round(17 / 12, 12)]  # 1, 3/2, 17/12


def test_gradient_descent_with_too_large_a_rate_diverges():
    _, descent = api.newton("x^2", "1", learning_rate=1.5)  # x_{k+1} = -2 x_k
    assert descent.status == DIVERGED


@pytest.mark.parametrize("x0, options, words", [
    ("1,2,3", {}, "has 3 value(s)"),
    ("a,b", {}, "not a comma-separated list"),
    ("nan,1", {}, "finite"),
    ("1,1", {"learning_rate": -0.1}, "learning rate"),
    ("1,1", {"root": True}, "one variable"),
    ("1,1", {"tol": 0}, "tolerance"),
])
def test_bad_options_are_refused(x0, options, words):
    with pytest.raises(SpecError) as error:
        api.newton("x^2 + y^2", x0, **options)
    assert words in str(error.value)


def test_plain_float_overflow_or_domain_error_ends_the_run_with_a_reason():
    """Gradient descent with a large rate jumps to x < 0, where log(x) has no value."""
    _, descent = api.newton("x^4 - log(x)", "3", learning_rate=0.5)
    assert descent.status == DIVERGED and "cannot be evaluated" in descent.message
    assert descent.rows[0].x == (3.0,)


@pytest.mark.parametrize("text, x0, options", [("exp(x)", "1e308", {}), ("log(x)", "-1", {"root": True})])
def test_a_start_where_f_has_no_value_is_refused(text, x0, options):
    with pytest.raises(SpecError, match="cannot be evaluated at the start"):
        api.newton(text, x0, **options)
