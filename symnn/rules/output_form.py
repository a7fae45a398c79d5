"""Find g'(z) as a function of the output a = g(z) alone, with SymPy doing the finding and the proof.

Two ways, cheapest first: (1) a polynomial h(a) of low degree with h(g(z)) = g'(z): coefficients
solved from high-precision samples, rationalised, then proved; (2) invert a = g(z) with `solve`
and simplify g'(g^{-1}(a)). Anything found is proved equal before it is returned; every step runs
under a time limit, so an awkward custom activation just keeps its z-form.
"""
from __future__ import annotations

import functools
import random

import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit
from ..safe_expr import SYMPY_FUNCTIONS

MAX_DEGREE = 3
SECONDS = 5.0


@functools.lru_cache(maxsize=256)  # every layer and every spec with the same activation asks again
def express_through_output(forward: sp.Expr, derivative: sp.Expr, z: sp.Symbol, a: sp.Symbol) -> sp.Expr | None:
    if derivative.has(sp.Piecewise, sp.Heaviside, sp.DiracDelta, sp.Max, sp.Min, sp.Abs, sp.sign):
        return None  # not smooth: a is not enough to tell the branch at every point
    if derivative.free_symbols == set():
        return derivative  # linear: a constant derivative
    try:
        with time_limit(SECONDS, "finding the derivative through the output"):
            for candidate in _polynomial_candidates(forward, derivative, z, a):
                if _proved_equal(candidate.xreplace({a: forward}), derivative, z):
                    return tidy(candidate, a)
            for candidate in _inverse_candidates(forward, derivative, z, a):
                if _proved_equal(candidate.xreplace({a: forward}), derivative, z):
                    return tidy(candidate, a)
    except (LimitExceeded, NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return None
    return None


def _sample_points(count: int) -> list[sp.Rational]:
    rng = random.Random(20261122)
    return [sp.Rational(rng.randint(-150, 150), 100) for _ in range(count)]


def _polynomial_candidates(forward, derivative, z, a):
    points = _sample_points(MAX_DEGREE + 3)
    g_values = [sp.N(forward.xreplace({z: p}), 60) for p in points]
    d_values = [sp.N(derivative.xreplace({z: p}), 60) for p in points]
    if not all(v.is_real for v in g_values + d_values):
        return
    for degree in range(1, MAX_DEGREE + 1):
        rows = sp.Matrix([[g**i for i in range(degree + 1)] for g in g_values[: degree + 1]])
        rhs = sp.Matrix(d_values[: degree + 1])
        try:
            coefficients = rows.LUsolve(rhs)
        except (ValueError, ZeroDivisionError):
            continue
        rational = [sp.nsimplify(c, tolerance=1e-40, rational=True) for c in coefficients]
        if any(sp.Abs(r).q > 10**6 for r in rational if r.is_Rational):
            continue
        yield sum(c * a**i for i, c in enumerate(rational))


def _inverse_candidates(forward, derivative, z, a):
    for inverse in sp.solve(sp.Eq(a, forward), z):
        candidate = sp.simplify(derivative.xreplace({z: inverse}))
        if candidate.free_symbols <= {a} and not candidate.has(sp.I) and _only_whitelisted(candidate):
            yield candidate


def _only_whitelisted(expression: sp.Expr) -> bool:
    """No function outside the formula whitelist: erf's g'(z) through a is 2 exp(-erfinv(a)^2)/sqrt(pi),
    true, but no code path evaluates erfinv (and exp(-z^2) is cheaper anyway)."""
    return all(type(f) in SYMPY_FUNCTIONS for f in expression.atoms(sp.Function))


def _proved_equal(left: sp.Expr, right: sp.Expr, z: sp.Symbol) -> bool:
    """Equal at many points to 50 digits, and symbolically: the difference cancels to 0 once written
    in exponentials (fast, enough for sigmoid and tanh), else `simplify` shows it is 0."""
    for p in _sample_points(12):
        difference = sp.N((left - right).xreplace({z: p}), 50)
        if not difference.is_number or abs(difference) > sp.Float(10) ** -40:
            return False
    if sp.cancel(sp.together((left - right).rewrite(sp.exp))) == 0:
        return True
    return sp.simplify(left - right) == 0


def tidy(expression: sp.Expr, a: sp.Symbol) -> sp.Expr:
    """The form with the fewest operations; -a(a - 1) is written a(1 - a) as people do."""
    candidates = [sp.expand(expression), sp.factor(expression), _flip_sign_into_factor(sp.factor(expression), a)]
    return min(candidates, key=lambda e: (sp.count_ops(e), e.could_extract_minus_sign(), sp.default_sort_key(e)))


def _flip_sign_into_factor(expression: sp.Expr, a: sp.Symbol) -> sp.Expr:
    coefficient, rest = expression.as_coeff_Mul()
    if coefficient >= 0 or not rest.is_Mul:
        return expression
    for factor in rest.args:
        if factor.is_Add and factor.has(a):
            return (-coefficient) * rest.xreplace({factor: -factor})
    return expression
