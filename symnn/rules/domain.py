"""Where an element-wise activation is a real number with a finite derivative.

sqrt(z) and log(z) have no real value for z < 0, and 1/z none at 0: a gradient check must put every
pre-activation of such a layer inside the domain (the checks move that layer's biases there), and an
activation that is real nowhere is refused when the spec is read. The domain is found by evaluating
g and g' on a grid, densest near 0 where pre-activations lie, reaching out to |z| = 1000; points of
the grid closer than MARGIN to a point where g or g' is not finite are not used, so the small steps
of a numerical derivative stay inside.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit

MARGIN = 0.25
SECONDS = 2.0  # SymPy's confirmation of a value outside [0, 1]
NEAR = 2.0  # check points are taken with |z| <= NEAR where the domain has such points
_REACH = np.geomspace(4.0, 1000.0, 60)
GRID = np.unique(np.concatenate([np.linspace(-4.0, 4.0, 801) + 0.003, -_REACH, _REACH]))  # off 0 and the integers
_ERF = {"erf": np.vectorize(math.erf, otypes=[float])}  # NumPy has no erf; SciPy is optional


@dataclass(frozen=True)
class Domain:
    everywhere: bool  # real and differentiable at every grid point: any z will do
    points: tuple[float, ...]  # otherwise, grid points well inside the domain (empty: real nowhere)
    margin: float  # how far each of `points` is at least from where g or g' stops being finite

    def targets(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """`count` pre-activations inside the domain, drawn from `points` (seeded)."""
        return rng.choice(np.array(self.points), size=count)


def numeric(expression: sp.Expr, z: sp.Symbol):
    """g as a NumPy function of an array of z (constants broadcast to the array's shape)."""
    function = sp.lambdify(z, expression, [_ERF, "numpy"])
    return lambda values: np.broadcast_to(np.asarray(function(values), dtype=float), np.shape(values))


@functools.lru_cache(maxsize=256)
def real_domain(forward: sp.Expr, derivative: sp.Expr, z: sp.Symbol) -> Domain:
    with np.errstate(all="ignore"):
        try:
            values, slopes = numeric(forward, z)(GRID), numeric(derivative, z)(GRID)
        except Exception:  # noqa: BLE001 (any failure to evaluate numerically: assume the whole line, as before)
            return Domain(True, (), 0.0)
        finite = np.isfinite(values) & np.isfinite(slopes)
    if finite.all():
        return Domain(True, (), 0.0)
    inside, outside = GRID[finite], GRID[~finite]
    if inside.size == 0:
        return Domain(False, (), 0.0)
    distance = np.min(np.abs(inside[:, None] - outside[None, :]), axis=1)
    margin = min(MARGIN, float(distance.max()) / 2)
    chosen = inside[distance >= margin]
    near = chosen[np.abs(chosen) <= NEAR]
    if near.size:
        chosen = near
    else:
        chosen = chosen[np.argsort(np.abs(chosen), kind="stable")[:20]]
    return Domain(False, tuple(float(c) for c in chosen), margin)


def activation_domain(activation) -> Domain:
    """The domain of an element-wise activation rule (softmax and the built-ins: everywhere)."""
    from .activations import z

    if not getattr(activation, "elementwise", False) or not activation.custom:
        return Domain(True, (), 0.0)
    return real_domain(activation.forward, activation.derivative, z)


def outside_unit_interval(forward: sp.Expr, z: sp.Symbol) -> tuple[float, float] | None:
    """(z, g(z)) with g(z) outside [0, 1], or None when no such point is found: a log loss of such an
    output is the log of a negative number. Round points first (the message quotes the point), then
    the grid; each value is confirmed by SymPy at 30 digits, so rounding cannot cause a refusal."""
    round_points = np.arange(-20, 21) / 2
    candidates = np.concatenate([round_points[np.argsort(np.abs(round_points), kind="stable")],
                                 GRID[np.argsort(np.abs(GRID), kind="stable")]])  # nearest 0 first
    with np.errstate(all="ignore"):
        try:
            values = numeric(forward, z)(candidates)
        except Exception:  # noqa: BLE001 (not evaluable numerically: no counterexample, nothing refused)
            return None
    try:
        with time_limit(SECONDS, "checking the output activation's values"):
            for point in candidates[np.isfinite(values) & ((values < -1e-9) | (values > 1 + 1e-9))][:20]:
                exact = sp.N(forward.xreplace({z: sp.Rational(repr(float(point)))}), 30)
                if exact.is_real and (exact < 0 or exact > 1):
                    return float(point), float(exact)
    except LimitExceeded:  # no confirmed point: not refused
        return None
    return None
