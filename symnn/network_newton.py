"""Training a tiny network by Newton's method against gradient descent (seed 000, "Optimization in
neural networks and Newton's method"), with the generated cost, gradient and Hessian.

A network's cost is not convex: away from a minimum its Hessian is often indefinite, and the plain
Newton step then heads for a saddle. `newton` therefore damps the Hessian the standard way
(Levenberg-Marquardt: solve (H + mu I) s = grad J, with mu raised until the step lowers the cost and
lowered again after each success), and `plain=True` gives the undamped method that stops with a
plain report instead.
"""
from __future__ import annotations

import numpy as np

from .derive.network_hessian import network_hessian
from .derive.perweight import NetworkDerivation
from .newton import DESCENT, INDEFINITE, LIMIT, SINGULAR, Run, Stepper
from .render.hessian_code import load_hessian_module

NEWTON_DAMPED = "Newton's method (damped)"
NEWTON_PLAIN = "Newton's method"
TOLERANCE = 1e-8


def toy_data(spec, m: int = 200, seed: int = 0):
    """Noisy labels, y ~ Bernoulli(sigmoid(2 (x_1 - x_2))), in the spec's layout (X, Y): no network
    separates them, so the cost has a minimum at finite weights (separable data has none)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 1, size=(m, spec.n_inputs))
    direction = np.where(np.arange(spec.n_inputs) % 2 == 0, 1.0, -1.0)
    probability = 1 / (1 + np.exp(-2 * X @ direction))
    labels = (rng.random(m) < probability).astype(int)
    if spec.loss.needs_one_hot:  # categorical: class 0 or 1 of the n_y, one-hot
        Y = np.eye(spec.n_outputs)[labels]
    else:
        Y = np.repeat(labels[:, None].astype(float), spec.n_outputs, axis=1)
    return (X.T, Y.T) if spec.layout == "column" else (X, Y)


def initial_parameters(module, seed: int = 1, scale: float = 0.5) -> dict:
    rng = np.random.default_rng(seed)
    return {name: rng.normal(0, scale, size=shape) for name, shape in module.SHAPES.items()}


def newton(derivation: NetworkDerivation, X, Y, parameters=None, tol: float = TOLERANCE, max_iter: int = 200,
           plain: bool = False, module=None) -> Run:
    """Newton's method on the cost J(theta) from `parameters` (default: seeded small random weights)."""
    with np.errstate(over="ignore"):  # a saturated sigmoid overflows exp(-z) harmlessly (1/inf = 0)
        return _newton(derivation, X, Y, parameters, tol, max_iter, plain, module)


def _newton(derivation, X, Y, parameters, tol, max_iter, plain, module) -> Run:
    module = module or load_hessian_module(network_hessian(derivation))
    theta = module.to_vector(parameters if parameters is not None else initial_parameters(module))
    run = Run(NEWTON_PLAIN if plain else NEWTON_DAMPED)
    stepper = Stepper(run, tol, theta, "|grad J|")

    def cost(t):
        with np.errstate(all="ignore"):  # a trial step may saturate a sigmoid: log(0) = -inf, refused below
            value = module.cost(module.to_parameters(t), X, Y)
        return value if np.isfinite(value) else np.inf

    damping = 0.0
    for k in range(max_iter + 1):
        g, H = module.gradient_and_hessian(module.to_parameters(theta), X, Y)
        value = cost(theta)
        if stepper.record(k, theta, value, np.linalg.norm(g)) or k == max_iter:
            break
        eigenvalues = np.linalg.eigvalsh(H)
        if plain:
            if np.abs(eigenvalues).min() <= 1e-14 * np.abs(eigenvalues).max():
                stepper.stop(SINGULAR, f"stopped at k = {k}: the Hessian is singular")
                break
            if eigenvalues.min() < 0:
                stepper.stop(INDEFINITE, f"stopped at k = {k}: the Hessian is not positive definite (smallest "
                                         f"eigenvalue {eigenvalues.min():.3g}); the plain Newton step heads for a saddle point")
                break
            step = np.linalg.solve(H, g)
        else:
            # the smallest damping that makes H + mu I positive definite, then more until the cost falls
            damping = max(damping, -eigenvalues.min() * 1.01 + 1e-12)
            identity = np.eye(len(theta))
            for _ in range(60):
                step = np.linalg.solve(H + damping * identity, g)
                if cost(theta - step) < value:
                    break
                damping = max(4 * damping, 1e-6)
            else:
                stepper.stop(LIMIT, f"stopped at k = {k}: no damped Newton step lowers the cost any more "
                                    f"(|grad J| = {run.rows[-1].gradient_norm:.3g})")
                break
            damping /= 3
        if stepper.stepped(theta, step):
            break
        theta = theta - step
    return stepper.limit(max_iter)


def gradient_descent(derivation: NetworkDerivation, X, Y, learning_rate: float = 1.2, parameters=None,
                     tol: float = TOLERANCE, max_iter: int = 100_000, module=None) -> Run:
    """theta <- theta - alpha grad J, the course's update_parameters, with the same stopping rule."""
    with np.errstate(over="ignore"):
        return _descent(derivation, X, Y, learning_rate, parameters, tol, max_iter, module)


def _descent(derivation, X, Y, learning_rate, parameters, tol, max_iter, module) -> Run:
    module = module or load_hessian_module(network_hessian(derivation))
    theta = module.to_vector(parameters if parameters is not None else initial_parameters(module))
    run = Run(DESCENT, learning_rate=learning_rate)
    stepper = Stepper(run, tol, theta, "|grad J|")
    for k in range(max_iter + 1):
        params = module.to_parameters(theta)
        g = module.gradient(params, X, Y)
        if stepper.record(k, theta, module.cost(params, X, Y), np.linalg.norm(g)) or k == max_iter:
            break
        step = learning_rate * g
        if stepper.stepped(theta, step):
            break
        theta = theta - step
    return stepper.limit(max_iter)
