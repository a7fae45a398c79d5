"""Newton's method (1-D roots, 1-D and n-D minimisation) and gradient descent beside it, as tables.

Newton's step solves H s = grad f (never forming H^-1); a run stops when |grad f(x_k)| <= tol or
when the step no longer changes x in float64 (x - step == x), and otherwise says plainly why it stopped:
a singular or indefinite Hessian, divergence, or the iteration limit. Every number comes from the
generated evaluator (`render.function_code`), so the code a user downloads is the code measured here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .derive.functions import FunctionDerivation
from .errors import SpecError
from .render.function_code import load_function_module

NEWTON, ROOT, DESCENT = "Newton's method", "Newton's method (root)", "gradient descent"
CONVERGED, SINGULAR, INDEFINITE, DIVERGED, LIMIT = (
    "converged", "singular Hessian", "indefinite Hessian", "diverged", "iteration limit")
TOLERANCE = 1e-8
NEWTON_ITERATIONS = 100
DESCENT_ITERATIONS = 100_000
DIVERGENCE = 1e12  # |x| beyond this times (1 + |x0|) (or a value that is not finite) counts as divergence
SINGULAR_CONDITION = 1e14


@dataclass(frozen=True)
class Iterate:
    """One row of the table: x_k, f(x_k), |grad f(x_k)| and the step taken from x_k (None if none)."""

    k: int
    x: tuple[float, ...]
    value: float
    gradient_norm: float
    step_norm: float | None


@dataclass
class Run:
    method: str
    rows: list[Iterate] = field(default_factory=list)
    status: str = LIMIT
    message: str = ""
    learning_rate: float | None = None

    @property
    def converged(self) -> bool:
        return self.status == CONVERGED

    @property
    def iterations(self) -> int:
        """Steps taken: the index of the last iterate."""
        return self.rows[-1].k if self.rows else 0

    @property
    def x(self) -> tuple[float, ...]:
        return self.rows[-1].x


def _norm(vector) -> float:
    return float(np.sqrt(np.dot(vector, vector)))


def _start(x0, n: int) -> np.ndarray:
    x = np.array(x0, dtype=float).reshape(-1)
    if x.size != n:
        raise SpecError(f"the start x0 has {x.size} value(s) but the function has {n} variable(s)")
    if not np.isfinite(x).all():
        raise SpecError("the start x0 must be finite numbers")
    return x


def _point(x) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in x) + ")" if len(x) > 1 else f"{x[0]:.6g}"


class Stepper:
    """Shared bookkeeping of every run here and in network_newton: rows, convergence, divergence."""

    def __init__(self, run: Run, tol: float, start: np.ndarray, measure: str = "|grad f|"):
        self.run, self.tol, self.measure = run, tol, measure
        with np.errstate(over="ignore"):  # a start near the float64 limit gives an infinite bound
            self.bound = DIVERGENCE * (1 + np.abs(start).max())

    def evaluate(self, k, x, *functions):
        """Each function at x, or None after stopping the run: the single-point code does plain-float
        maths, which raises (overflow, log of a negative, division by zero) where NumPy gives inf/nan."""
        try:
            with np.errstate(all="ignore"):
                return [function(x) for function in functions]
        except (OverflowError, ZeroDivisionError, ValueError) as exc:
            if not self.run.rows:  # the start itself: unusable input, not a failed run
                raise SpecError(f"f cannot be evaluated at the start x0 = {_point(x)} ({exc})") from None
            self.stop(DIVERGED, f"stopped at k = {k}: f cannot be evaluated at x = {_point(x)} ({exc})")
            return None

    def gradient_row(self, k, x, module, last: bool):
        """grad f at x, after recording row k (x, f, |grad f|); None when the run stops at this row."""
        values = self.evaluate(k, x, module.gradient, module.f)
        if values is None:
            return None
        g, value = values
        if self.record(k, x, value, _norm(g)) or last:
            return None
        return g

    def record(self, k, x, value, gradient_norm) -> bool:
        """Add row k; True when the run must stop here (converged or diverged)."""
        self.run.rows.append(Iterate(k, tuple(float(v) for v in x), float(value), float(gradient_norm), None))
        if not (np.isfinite(value) and np.isfinite(gradient_norm) and np.isfinite(x).all()) or np.abs(x).max() > self.bound:
            return self.stop(DIVERGED, f"diverged at k = {k}: x or f(x) is no longer a finite number of sensible size")
        if gradient_norm <= self.tol:
            return self.stop(CONVERGED, f"converged at k = {k}: {self.measure} = {gradient_norm:.3g} <= {self.tol:g}")
        return False

    def stepped(self, x, step) -> bool:
        """Note the step taken from the last row; True when it no longer changes x (converged).

        The test is x - step == x in float64, exactly the update the run would make: a fixed
        threshold such as |step| <= 1e-15 (1 + |x|) stops early near 0, where a step of 1e-17 still
        moves x (the seed's quartic from (4, 4) reaches (0, 0) exactly)."""
        last = self.run.rows[-1]
        size = _norm(step)
        self.run.rows[-1] = Iterate(last.k, last.x, last.value, last.gradient_norm, size)
        if np.array_equal(x - step, x):
            return self.stop(CONVERGED, f"converged at k = {last.k}: the step no longer changes x in float64")
        return False

    def stop(self, status: str, message: str) -> bool:
        self.run.status, self.run.message = status, message
        return True

    def limit(self, iterations: int) -> Run:
        if not self.run.message:
            self.stop(LIMIT, f"stopped at the iteration limit ({iterations}) with {self.measure} = {self.run.rows[-1].gradient_norm:.3g}")
        return self.run


def newton_minimise(derivation: FunctionDerivation, x0, tol: float = TOLERANCE,
                    max_iter: int = NEWTON_ITERATIONS, require_minimum: bool = True, module=None) -> Run:
    """x_{k+1} = x_k - H(x_k)^{-1} grad f(x_k), computed by solving H s = grad f.

    With `require_minimum` a Hessian that is not positive definite stops the run: from there the
    Newton step heads for a saddle or a maximum as readily as for a minimum.
    """
    module = module or load_function_module(derivation)
    x = _start(x0, derivation.spec.n)
    run = Run(NEWTON)
    stepper = Stepper(run, tol, x)
    for k in range(max_iter + 1):
        g = stepper.gradient_row(k, x, module, last=k == max_iter)
        if g is None:
            break
        values = stepper.evaluate(k, x, module.hessian)
        if values is None:
            break
        (h,) = values
        eigenvalues = np.linalg.eigvalsh(h) if np.isfinite(h).all() else np.array([np.nan])
        if not np.isfinite(eigenvalues).all():
            stepper.stop(DIVERGED, f"diverged at k = {k}: the Hessian is not finite at x = {_point(x)}")
            break
        largest = np.abs(eigenvalues).max()
        if largest == 0 or np.abs(eigenvalues).min() <= largest / SINGULAR_CONDITION:
            stepper.stop(SINGULAR, f"stopped at k = {k}: the Hessian is singular at x = {_point(x)} "
                                   f"(eigenvalues {', '.join(f'{e:.3g}' for e in eigenvalues)}), so the Newton step is undefined")
            break
        if require_minimum and eigenvalues.min() < 0:
            stepper.stop(INDEFINITE, f"stopped at k = {k}: the Hessian at x = {_point(x)} is not positive definite "
                                     f"(smallest eigenvalue {eigenvalues.min():.3g}), so the Newton step heads for a saddle "
                                     "point or a maximum; try another start")
            break
        step = np.linalg.solve(h, g)
        if stepper.stepped(x, step):
            break
        x = x - step
    return stepper.limit(max_iter)


def newton_root(derivation: FunctionDerivation, x0, tol: float = TOLERANCE,
                max_iter: int = NEWTON_ITERATIONS, module=None) -> Run:
    """1-D root finding, x_{k+1} = x_k - f(x_k)/f'(x_k). In the table, |grad| is |f(x_k)|."""
    if derivation.spec.n != 1:
        raise SpecError(f"root finding needs a function of one variable; this one has {derivation.spec.n}")
    module = module or load_function_module(derivation)
    x = _start(x0, 1)
    run = Run(ROOT)
    stepper = Stepper(run, tol, x, "|f(x)|")
    for k in range(max_iter + 1):
        values = stepper.evaluate(k, x, module.f, module.gradient)
        if values is None:
            break
        value, gradient = values
        if stepper.record(k, x, value, abs(value)) or k == max_iter:
            break
        slope = float(gradient[0])
        if slope == 0 or not np.isfinite(slope):
            stepper.stop(SINGULAR, f"stopped at k = {k}: f'(x) = {slope:g} at x = {_point(x)}, so the tangent never meets zero")
            break
        step = np.array([value / slope])
        if stepper.stepped(x, step):
            break
        x = x - step
    return stepper.limit(max_iter)


def gradient_descent(derivation: FunctionDerivation, x0, learning_rate: float, tol: float = TOLERANCE,
                     max_iter: int = DESCENT_ITERATIONS, module=None) -> Run:
    """x_{k+1} = x_k - alpha grad f(x_k), with the same stopping rule as Newton's method."""
    if not learning_rate > 0 or not np.isfinite(learning_rate):
        raise SpecError(f"the learning rate must be a positive number, got {learning_rate}")
    module = module or load_function_module(derivation)
    x = _start(x0, derivation.spec.n)
    run = Run(DESCENT, learning_rate=learning_rate)
    stepper = Stepper(run, tol, x)
    for k in range(max_iter + 1):
        g = stepper.gradient_row(k, x, module, last=k == max_iter)
        if g is None:
            break
        step = learning_rate * g
        if stepper.stepped(x, step):
            break
        x = x - step
    return stepper.limit(max_iter)
