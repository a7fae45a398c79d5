"""Issue 14: the gradient check is accurate where central differences are not, states its method and
tolerance, says "inconclusive" instead of a false WRONG, and samples (saying so) above 2,000 parameters."""
from __future__ import annotations

import math

import pytest

from symnn import derive
from symnn.verify import CHECK_ALL_UP_TO, SAMPLE, GradientCheck, check_gradients, derivative


def test_ridders_is_accurate_where_one_central_difference_is_not():
    """d/dx sin(3000 x) = 3000 cos(3000 x), the closed form from calculus."""
    x = 0.3
    exact = 3000 * math.cos(3000 * x)
    estimate, error = derivative(lambda t: math.sin(3000 * t), x)
    assert abs(estimate - exact) <= 1e-7 * abs(exact) and error < 1e-4 * abs(exact)
    h = 1e-5
    plain = (math.sin(3000 * (x + h)) - math.sin(3000 * (x - h))) / (2 * h)
    assert abs(plain - exact) > 1e-4 * abs(exact)  # what the old check compared against


def test_a_fast_varying_activation_is_no_longer_reported_wrong():
    checks = check_gradients(derive("2-3-1", act="sin(3000*z),sigmoid"))
    assert checks and all(c.verdict == "ok" for c in checks), [(c.parameter, c.verdict) for c in checks]


@pytest.mark.parametrize("analytic, numeric, error, verdict", [
    (1.0, 1.0 + 1e-9, 1e-10, "ok"),
    (1.0, 1.01, 1e-10, "WRONG"),  # a real mistake, the numeric side known to 1e-10
    (1.0, 1.01, 1e-3, "inconclusive"),  # the numeric side too uncertain to tell
    (1.0, math.nan, math.inf, "inconclusive"),
    (1e-12, 3e-12, 1e-15, "ok"),  # tiny gradients are judged against max(1, |.|)
])
def test_verdicts_follow_the_stated_tolerance_and_the_error_estimate(analytic, numeric, error, verdict):
    check = GradientCheck("w1_1_1", analytic, numeric, error)
    assert check.verdict == verdict
    assert check.passed == (verdict != "WRONG")
    assert bool(check.reason) == (verdict == "inconclusive")


def test_a_wrong_closed_form_is_caught():
    derivation = derive("2-2-1")
    checks = check_gradients(derivation)
    right = {c.parameter: c for c in checks}["w1_1_1"]
    wrong = GradientCheck("w1_1_1", right.analytic * 1.001, right.numeric, right.error_estimate)
    assert right.verdict == "ok" and wrong.verdict == "WRONG"


def test_a_network_over_the_limit_is_checked_on_a_seeded_sample_including_each_layers_first_parameters():
    derivation = derive("50-40-1")
    assert derivation.spec.parameter_count > CHECK_ALL_UP_TO
    checks = check_gradients(derivation)
    names = [c.parameter for c in checks]
    assert len(names) == SAMPLE and {"w1_1_1", "b1_1", "w2_1_1", "b2_1"} <= set(names)
    assert names == [c.parameter for c in check_gradients(derivation)]  # seeded: the same sample again
    assert all(c.verdict == "ok" for c in checks)
