"""Newton's method training the seeds' 2-2-1 sigmoid network against gradient descent."""
import numpy as np

import symnn
from symnn import network_newton
from symnn.derive.network_hessian import network_hessian
from symnn.newton import CONVERGED, INDEFINITE, LIMIT
from symnn.render.hessian_code import load_hessian_module


def test_newton_trains_the_2_2_1_network_in_far_fewer_steps_than_gradient_descent():
    derivation = symnn.derive("2-2-1")
    module = load_hessian_module(network_hessian(derivation))
    X, Y = network_newton.toy_data(derivation.spec)
    start = network_newton.initial_parameters(module, seed=1)
    newton = network_newton.newton(derivation, X, Y, parameters=start, tol=1e-6, module=module)
    descent = network_newton.gradient_descent(derivation, X, Y, learning_rate=1.2, parameters=start, tol=1e-6,
                                              max_iter=1000, module=module)
    assert newton.status == CONVERGED and newton.iterations <= 100
    assert descent.status == LIMIT  # a thousand course-style steps are not enough
    assert newton.rows[-1].value < descent.rows[-1].value
    costs = [row.value for row in newton.rows]
    assert all(b < a for a, b in zip(costs, costs[1:]))  # every damped step lowers the cost
    theta = np.array(newton.x)
    with np.errstate(over="ignore"):  # saturated sigmoids overflow exp(-z) harmlessly
        assert np.linalg.eigvalsh(module.hessian(module.to_parameters(theta), X, Y)).min() > -1e-8  # a minimum


def test_plain_newton_stops_where_the_hessian_is_indefinite():
    derivation = symnn.derive("2-2-1")
    X, Y = network_newton.toy_data(derivation.spec)
    run = network_newton.newton(derivation, X, Y, plain=True)
    assert run.status == INDEFINITE and "saddle" in run.message
