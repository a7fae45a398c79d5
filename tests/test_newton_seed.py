"""The seeds' examples: Newton's method on e^x - ln x from 0.05, and on the 2-variable quartic from
(4, 4) against gradient descent."""
import math

import numpy as np
import pytest

from symnn import api
from symnn.newton import CONVERGED

OMEGA = 0.5671432904097838  # W(1), the published value of the omega constant


def _by_hand(x, steps):
    """x_{k+1} = x_k - g'(x_k)/g''(x_k) with g' = e^x - 1/x and g'' = e^x + 1/x^2, derived by hand."""
    values = [x]
    for _ in range(steps):
        x = x - (math.exp(x) - 1 / x) / (math.exp(x) + 1 / x**2)
        values.append(x)
    return values


def test_e_to_the_x_minus_ln_x_from_0_05():
    (run,) = api.newton("exp(x) - ln(x)", "0.05")
    assert run.status == CONVERGED
    table = [row.x[0] for row in run.rows]
    assert table == pytest.approx(_by_hand(0.05, len(table) - 1), rel=1e-12)
    # "about five iterations": the fifth step lands within 1e-2 of the minimum, the sixth within 1e-4
    assert abs(table[5] - OMEGA) < 1e-2 and abs(table[6] - OMEGA) < 1e-4
    assert run.iterations <= 8 and run.x[0] == pytest.approx(OMEGA, abs=1e-14)
    assert run.rows[0].value == pytest.approx(math.exp(0.05) - math.log(0.05))


def test_newton_converges_from_4_4_and_gradient_descent_needs_far_more_steps():
    newton, descent = api.newton("x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y", "4,4", learning_rate=0.01)
    assert newton.status == CONVERGED and descent.status == CONVERGED
    assert np.allclose(newton.x, [0, 0], atol=1e-12)
    assert np.allclose(descent.x, [0, 0], atol=1e-8)
    assert newton.iterations <= 10
    assert descent.iterations > 20 * newton.iterations
    first = newton.rows[0]
    assert first.value == pytest.approx(4**4 + 0.8 * 4**4 + 4 * 16 + 2 * 16 - 16 - 0.2 * 16 * 4)
    # grad f(4, 4) = (4*64 + 32 - 4 - 0.4*16, -0.2*16 - 4 + 3.2*64 + 16), by hand
    assert first.gradient_norm == pytest.approx(math.hypot(277.6, 213.6))


def test_every_row_is_a_newton_step_of_the_row_before():
    newton, = api.newton("x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y", [4, 4])
    for before, after in zip(newton.rows, newton.rows[1:]):
        x, y = before.x
        gradient = np.array([4 * x**3 + 8 * x - y - 0.4 * x * y, -0.2 * x**2 - x + 3.2 * y**3 + 4 * y])
        hessian = np.array([[12 * x**2 + 8 - 0.4 * y, -1 - 0.4 * x], [-1 - 0.4 * x, 9.6 * y**2 + 4]])
        assert np.allclose(after.x, np.array(before.x) - np.linalg.solve(hessian, gradient), rtol=1e-12, atol=1e-15)
        assert before.step_norm == pytest.approx(np.linalg.norm(np.subtract(after.x, before.x)))
