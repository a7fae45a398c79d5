"""A function's gradient, Hessian and critical points, each classified by the Hessian's eigenvalues.

Critical points are solved exactly by SymPy where it finishes within a time limit; a vectorised
Newton search from a grid of starts then looks for points SymPy missed (or, when SymPy gave up,
finds them all it can), and every point says how it was found.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from ..errors import LimitExceeded, SpecError
from ..funcspec import FunctionSpec
from ..limits import checked_seconds, time_limit

FLOAT_MAX = sys.float_info.max
SOLVE_SECONDS = 5.0
EIGEN_SECONDS = 2.0
ZERO_EIGENVALUE = 1e-9  # relative to the largest |eigenvalue|: below this an eigenvalue counts as 0
GRID_STARTS = 400  # Newton starts for the numeric search
GRID_RADIUS = 5.0
EXACT, NUMERIC = "exact", "numeric"
MINIMUM, MAXIMUM, SADDLE, INCONCLUSIVE = "minimum", "maximum", "saddle", "inconclusive"


@dataclass(frozen=True)
class CriticalPoint:
    """grad f = 0 here. `values` are exact SymPy numbers (method "exact") or floats ("numeric")."""

    values: tuple
    method: str
    hessian: sp.ImmutableMatrix  # at the point: exact entries for exact points, floats otherwise
    eigenvalues: tuple  # exact where SymPy found them in time, else floats; ascending
    kind: str  # minimum, maximum, saddle or inconclusive

    @property
    def numeric(self) -> tuple[float, ...]:
        return tuple(float(sp.re(sp.N(v, 17))) for v in self.values)

    @property
    def numeric_eigenvalues(self) -> tuple[float, ...]:
        return tuple(float(sp.re(sp.N(e, 17))) for e in self.eigenvalues)

    @property
    def exact(self) -> bool:
        return self.method == EXACT

    @property
    def eigenvalue_forms(self) -> tuple:
        """Per eigenvalue: its exact form where that says more than the number (6 - sqrt(5)), else None."""
        return tuple(e if isinstance(e, sp.Basic) and not e.is_Number else None for e in self.eigenvalues)

    @property
    def readable(self) -> tuple[bool, ...]:
        """Per coordinate: is the exact form worth showing? (Cardano's formula for a cubic's real
        roots runs through complex cube roots: exact, but no help to a reader; the JSON keeps it.)"""
        return tuple(self.exact and _readable(sp.sympify(v)) for v in self.values)


@dataclass(frozen=True)
class CriticalSet:
    """A solution of grad f = 0 that is not isolated (a line or curve), e.g. x = y for (x - y)^2."""

    values: tuple  # expressions in the free variables


@dataclass(frozen=True)
class CriticalPoints:
    points: tuple[CriticalPoint, ...]
    sets: tuple[CriticalSet, ...]
    solved_exactly: bool  # SymPy's solve finished; the numeric search found nothing it missed
    note: str  # what was done, in one sentence, for the output


def classify(eigenvalues: list) -> str:
    """The second-derivative test: the signs of the Hessian's eigenvalues at a critical point."""
    signs = [_sign(e, eigenvalues) for e in eigenvalues]
    if 1 in signs and -1 in signs:
        return SADDLE
    if 0 in signs:
        return INCONCLUSIVE
    return MINIMUM if signs[0] == 1 else MAXIMUM


def _sign(value, all_values) -> int:
    if isinstance(value, sp.Basic) and value.is_number:
        if value.is_zero:
            return 0
        numeric = complex(sp.N(value, 30))
        if abs(numeric.real) < 1e-25 * max(1.0, *(abs(complex(sp.N(v, 30))) for v in all_values)):
            return 0
        return 1 if numeric.real > 0 else -1
    scale = max(1.0, *(abs(float(v)) for v in all_values))
    value = float(value)
    return 0 if abs(value) <= ZERO_EIGENVALUE * scale else (1 if value > 0 else -1)


@dataclass
class FunctionDerivation:
    spec: FunctionSpec
    solve_seconds: float = SOLVE_SECONDS

    @property
    def expression(self) -> sp.Expr:
        return self.spec.expression

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return self.spec.variables

    @cached_property
    def gradient(self) -> tuple[sp.Expr, ...]:
        """df/dv per variable: a tuple that shows itself as the list of partials in a notebook."""
        from ..display import Gradient

        return Gradient((closed_form(sp.diff(self.expression, v), self.expression) for v in self.variables), self.variables)

    @cached_property
    def hessian(self) -> sp.ImmutableMatrix:
        """Second derivatives, each differentiated once (the lower triangle mirrors the upper)."""
        n = len(self.variables)
        entries = {}
        for i in range(n):
            for j in range(i, n):
                # abs, max and min have second derivatives that are Dirac spikes on a set of measure
                # zero (|x|'' = 2 delta(x)); off that set the Hessian is what is left, so that is what counts
                second = without_spikes(sp.diff(self.gradient[i], self.variables[j]))
                entries[i, j] = entries[j, i] = second
        for entry in entries.values():
            closed_form(entry, self.expression)
        return sp.ImmutableMatrix(n, n, lambda i, j: entries[i, j])

    # --- critical points ---
    @cached_property
    def critical_points(self) -> CriticalPoints:
        exact, sets, solve_note = self._solve_exactly()
        found = [p for p in exact]
        numeric = self._numeric_search()
        extra = [p for p in numeric if not any(_close(p, q.numeric) for q in found)
                 and not any(_on_set(self, s, p) for s in sets)]
        found += [self._classified(tuple(float(v) for v in p), NUMERIC) for p in extra]
        found.sort(key=lambda p: p.numeric)
        if solve_note is None and not extra:
            note = "solved exactly by SymPy"
            solved = True
        elif solve_note is None:
            note = (f"SymPy's solve missed {len(extra)} point(s); they were found numerically "
                    f"(Newton's method from {GRID_STARTS} starts in [-{GRID_RADIUS:g}, {GRID_RADIUS:g}]^{self.spec.n}, "
                    "which reports points in that box only)")
            solved = False
        else:
            note = (f"{solve_note}; points found numerically (Newton's method from {GRID_STARTS} starts in "
                    f"[-{GRID_RADIUS:g}, {GRID_RADIUS:g}]^{self.spec.n}); others may exist")
            solved = False
        return CriticalPoints(tuple(found), tuple(sets), solved, note)

    def _solve_exactly(self):
        """(exact points, non-isolated sets, None) or ([], [], why SymPy gave no answer)."""
        try:
            with time_limit(self.solve_seconds, "SymPy's solve"):
                solutions = sp.solve(list(self.gradient), list(self.variables), dict=True)
                candidates = [tuple(sp.sympify(s.get(v, v)) for v in self.variables) for s in solutions]
                real = [values for values in candidates if values_are_real(values)]
        except LimitExceeded:
            return [], [], f"SymPy's solve did not finish within {self.solve_seconds:g} s"
        except (NotImplementedError, ValueError, TypeError, ZeroDivisionError) as exc:
            return [], [], f"SymPy's solve could not solve grad f = 0 ({type(exc).__name__})"
        sets = [CriticalSet(values) for values in real if any(v.free_symbols for v in values)]
        points = [self._classified(values, EXACT) for values in real if not any(v.free_symbols for v in values)]
        return points, sets, None

    def _classified(self, values: tuple, method: str) -> CriticalPoint:
        at = dict(zip(self.variables, values))
        if method == EXACT:
            hessian = sp.ImmutableMatrix(self.hessian.xreplace(at))
            simple = all(_readable(sp.sympify(v)) for v in values)
            eigenvalues = self._exact_eigenvalues(hessian) if simple else None
        else:
            hessian = sp.ImmutableMatrix(self.hessian_numeric(np.array(values, dtype=float)))
            eigenvalues = None
        if eigenvalues is None:  # real parts: Cardano's forms carry a vanishing imaginary part
            numeric = np.array([[float(sp.re(sp.N(e, 30))) for e in row] for row in hessian.tolist()])
            eigenvalues = tuple(float(e) for e in np.linalg.eigvalsh(numeric))
        return CriticalPoint(values, method, hessian, eigenvalues, classify(list(eigenvalues)))

    def _exact_eigenvalues(self, hessian: sp.ImmutableMatrix):
        """Exact eigenvalues (ascending) where SymPy finds them quickly, else None."""
        if hessian.shape[0] > 3:
            return None
        try:
            with time_limit(EIGEN_SECONDS, "the eigenvalues"):
                values = []
                for value, multiplicity in hessian.eigenvals().items():
                    value = sp.simplify(value) if sp.count_ops(value) < 60 else value
                    values += [value] * multiplicity
                if not all(_is_real(v) for v in values):
                    return None
                return tuple(sorted(values, key=lambda v: float(sp.re(sp.N(v, 30)))))
        except (LimitExceeded, NotImplementedError, TypeError, ValueError):
            return None

    # --- numbers ---
    @cached_property
    def _numeric(self):
        """Vectorised gradient and Hessian: columns of a (n, S) array of points in, arrays out."""
        args = list(self.variables)
        grad = sp.lambdify(args, [float_constants(g) for g in self.gradient], [_NUMPY_ERF, "numpy"])
        hess = sp.lambdify(args, [[float_constants(h) for h in row] for row in self.hessian.tolist()], [_NUMPY_ERF, "numpy"])
        return grad, hess

    def hessian_numeric(self, point: np.ndarray) -> np.ndarray:
        grad, hess = self._numeric
        return np.array(hess(*point), dtype=float)

    def _numeric_search(self, iterations: int = 60) -> list[np.ndarray]:
        """Newton's method on grad f = 0 from a grid of starts, all at once.

        A start counts only if its last Newton step was tiny and the gradient vanishes there: runs
        that drift off to infinity (e^x - 1/x -> 0 as x -> -oo) keep taking large steps.
        """
        n = self.spec.n
        grad, hess = self._numeric
        x = _grid(n).T.copy()  # (n, S)
        count = x.shape[1]
        step = np.full_like(x, np.inf)
        with np.errstate(all="ignore"):
            for _ in range(iterations):
                g = _broadcast(grad(*x), count)  # (n, S)
                h = np.moveaxis(_broadcast(hess(*x), count), -1, 0)  # (S, n, n)
                ok = np.isfinite(g).all(axis=0) & np.isfinite(h).all(axis=(1, 2)) & np.isfinite(x).all(axis=0)
                h = np.where(ok[:, None, None], h, np.eye(n))
                ok &= np.abs(np.linalg.det(h)) > 1e-200
                step = np.full_like(x, np.inf)
                if ok.any():
                    step[:, ok] = np.linalg.solve(h[ok], g[:, ok].T[..., None])[..., 0].T
                x = np.where(ok, x - step, np.nan)
            g = _broadcast(grad(*x), count)
            size = 1 + np.abs(x).max(axis=0)
            converged = (np.isfinite(x).all(axis=0) & (np.abs(step).max(axis=0) < 1e-9 * size)
                         & (np.abs(g).max(axis=0) < 1e-8 * size)
                         & (np.abs(x).max(axis=0) <= GRID_RADIUS))  # the search reports on its box only
        points: list[np.ndarray] = []
        for candidate in x[:, converged].T:
            if not any(_close(candidate, p) for p in points):
                points.append(candidate)
        return points


def without_spikes(expression: sp.Expr) -> sp.Expr:
    """A second derivative off the measure-zero set where abs, max and min have a kink: Dirac deltas,
    and derivatives of sign or Heaviside that SymPy leaves unevaluated (it cannot tell the argument is
    real: d/dy sign(log(y)) for abs(log(y))), are 0 there."""
    expression = expression.replace(sp.DiracDelta, lambda *a: sp.Integer(0))
    return expression.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, (sp.sign, sp.Heaviside)),
                              lambda e: sp.Integer(0))


def closed_form(derivative: sp.Expr, function: sp.Expr) -> sp.Expr:
    """A derivative SymPy wrote out; one it left as an unevaluated Derivative is refused in one line
    (code printers cannot print it, and it is not a formula a student can use)."""
    if derivative.has(sp.Derivative):
        raise SpecError(f"SymPy cannot write the derivatives of {sp.sstr(function)[:80]} in closed form")
    if _beyond_float(derivative):  # min(-1e308, x + 1e308)' compares x with -2e308
        raise SpecError("the derivatives hold a number beyond float64's range (about 1.8e308)")
    return derivative


def _beyond_float(expression: sp.Expr):
    return next((n for n in expression.atoms(sp.Rational, sp.Float) if abs(n) > FLOAT_MAX), None)


_NUMPY_ERF = {"erf": np.vectorize(math.erf, otypes=[float])}  # NumPy has no erf; lambdify would use math.erf on arrays


def _grid(n: int) -> np.ndarray:
    """Starting points: a regular grid for few variables, seeded uniform samples for many."""
    per_axis = int(GRID_STARTS ** (1 / n))
    if per_axis >= 3:
        axis = np.linspace(-GRID_RADIUS, GRID_RADIUS, per_axis) + 0.0123  # off the symmetric points
        return np.stack(np.meshgrid(*([axis] * n), indexing="ij"), axis=-1).reshape(-1, n)
    rng = np.random.default_rng(0)
    return rng.uniform(-GRID_RADIUS, GRID_RADIUS, size=(GRID_STARTS, n))


def _broadcast(nested, count: int) -> np.ndarray:
    """lambdify returns constant entries as scalars; spread every entry over the S points."""
    if isinstance(nested, (list, tuple)):
        return np.stack([_broadcast(item, count) for item in nested])
    return np.broadcast_to(np.asarray(nested, dtype=float), (count,))


def _close(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= 1e-5 * (1 + np.abs(b))))


def _on_set(derivation: FunctionDerivation, critical_set: CriticalSet, point) -> bool:
    """Does a numeric point lie on a non-isolated solution set (x = y for every y)?"""
    free = sorted(set().union(*(sp.sympify(v).free_symbols for v in critical_set.values)), key=str)
    at = {v: float(p) for v, p in zip(derivation.variables, point) if v in free}
    try:
        expected = [float(sp.sympify(v).xreplace(at)) for v in critical_set.values]
    except TypeError:
        return False
    return _close(point, expected)


def values_are_real(values) -> bool:
    """Free (a set of solutions) or numerically real in every coordinate."""
    return all(v.free_symbols or _is_real(v) for v in values)


def _readable(value: sp.Expr) -> bool:
    return not value.has(sp.I) and not value.has(sp.CRootOf) and len(sp.sstr(value)) <= 40


def _is_real(value: sp.Expr) -> bool:
    if value.is_real is not None:
        return bool(value.is_real)
    numeric = complex(sp.N(value, 30))
    return abs(numeric.imag) <= 1e-20 * max(1.0, abs(numeric.real))


def derive_function(spec: FunctionSpec, solve_seconds: float = SOLVE_SECONDS) -> FunctionDerivation:
    real_valued(spec.expression)
    return FunctionDerivation(spec, checked_seconds(solve_seconds, "the time limit for SymPy's solve"))


def real_valued(expression: sp.Expr) -> None:
    """Refuse a function that is complex or undefined as written: its gradient, Hessian and critical
    points are about real numbers (sqrt(-1)*x, ln(-10)*x hold I; 1/0 and log(0) hold SymPy's zoo)."""
    for atom, words in ((sp.I, "is complex: it contains the imaginary unit (from sqrt or log of a negative number)"),
                        (sp.zoo, "is undefined: it contains a division by zero or log(0)"),
                        (sp.nan, "is undefined: it contains 0/0 or a similar form"),
                        (sp.oo, "is infinite"), (-sp.oo, "is infinite")):
        if expression.has(atom):
            raise SpecError(f"the function {words}; symnn derives real functions of real variables")
    number = _beyond_float(expression)  # 10^400: exact for SymPy, but no float64 can hold it (nor the generated code)
    if number is not None:
        raise SpecError(f"the function holds a number beyond float64's range (about 1.8e308): {sp.sstr(number)[:20]}...")


def float_constants(expression: sp.Expr) -> sp.Expr:
    """Integers beyond 2^53 as floats, for numeric code: NumPy turns a Python int past int64 into an
    object array, whose log or sqrt raises TypeError (the gradient of y * 1e308 is the integer 10^308)."""
    huge = {n: sp.Float(n, 17) for n in expression.atoms(sp.Integer) if abs(n) > 2 ** 53}
    return expression.xreplace(huge) if huge else expression
