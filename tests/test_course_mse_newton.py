"""MSE as a real loss, the refused ambiguous aliases, and Newton's stop rule x - step == x.

Expected values come from SymPy's diff of the typed-out loss and from central differences of the
generated compute_cost, never from the code under test.
"""
import numpy as np
import pytest
import sympy as sp

from symnn import api
from symnn.errors import SpecError
from symnn.newton import CONVERGED, Stepper, Run
from symnn.render.codegen import module_source
from symnn.rules.losses import loss_from_text
from symnn.spec import parse_spec
from symnn.verify_code import load_generated

QUARTIC = "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"


def test_mse_is_the_squared_error_and_its_gradient_is_twice_half_se():
    a, y = sp.symbols("a y")
    mse, half = loss_from_text("mse"), loss_from_text("half_se")
    assert mse.name == "mse" and sp.simplify(mse.per_unit - (a - y) ** 2) == 0
    assert sp.simplify(mse.derivative - 2 * sp.diff((a - y) ** 2 / 2, a)) == 0
    assert sp.simplify(mse.derivative - 2 * half.derivative) == 0
    assert loss_from_text("mean_squared_error").name == "mse"


@pytest.mark.parametrize("name", ["se", "squared_error", "SE", "sse"])
def test_ambiguous_squared_error_names_are_refused(name):
    with pytest.raises(SpecError, match="ambiguous"):
        loss_from_text(name)


def test_generated_mse_module_cost_and_gradient():
    spec = parse_spec("3-4-2", act="tanh,linear", loss="mse")
    module = load_generated(module_source(spec))
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 7)), rng.normal(size=(2, 7))
    parameters = {k: rng.normal(size=v.shape) for k, v in module.initialize_parameters(seed=1).items()}
    A, cache = module.forward_propagation(X, parameters)
    assert module.compute_cost(A, Y) == pytest.approx(np.sum((A - Y) ** 2) / 7, rel=1e-12)
    grads = module.backward_propagation(parameters, cache, X, Y)
    h = 1e-6
    for name in ("W1", "b2"):
        for index in np.ndindex(parameters[name].shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[name][index] += h
            minus[name][index] -= h
            numeric = (module.compute_cost(module.forward_propagation(X, plus)[0], Y)
                       - module.compute_cost(module.forward_propagation(X, minus)[0], Y)) / (2 * h)
            assert grads["d" + name][index] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_newton_from_4_4_reaches_the_origin_exactly():
    # the Mathematics for ML C2W3 lab iterates Newton's method on this quartic from (4, 4) and ends at
    # (0, 0) exactly; a fixed threshold |step| <= 1e-15 (1 + |x|) stopped one step before, at 4e-17
    (run,) = api.newton(QUARTIC, "4,4", tol=1e-300)
    assert run.status == CONVERGED
    assert run.x == (0.0, 0.0)


def test_a_step_that_still_moves_x_is_taken_however_small():
    run = Run("test")
    stepper = Stepper(run, 1e-300, np.zeros(1))
    stepper.record(0, np.array([1e-30]), 1.0, 1.0)
    assert not stepper.stepped(np.array([1e-30]), np.array([1e-31]))  # 1e-30 - 1e-31 != 1e-30
    stepper.record(1, np.array([1.0]), 1.0, 1.0)
    assert stepper.stepped(np.array([1.0]), np.array([1e-17]))  # 1 - 1e-17 == 1 in float64
    assert run.status == CONVERGED and "no longer changes x" in run.message
