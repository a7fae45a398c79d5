"""Numeric proof: closed-form gradients against an accurate numerical derivative of the loss (float64).

The numerical side is Ridders' method: central differences at a shrinking step, extrapolated
(Richardson) to step 0, with an estimate of its own error (Numerical Recipes, dfridr). Plain central
differences with one step are wrong for a fast-varying activation such as sin(3000 z) and would call a
right closed form WRONG. A comparison the numerical side cannot decide (its error estimate is as large
as the difference) is reported "inconclusive", with the reason, never as WRONG.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from .derive.perweight import NetworkDerivation
from .rules.activations import Softmax, z as z_symbol
from .rules.domain import activation_domain

METHOD = "Ridders' extrapolated central differences (initial steps 1e-2 and 1e-4, factor 1.4, 10 levels)"
RELATIVE_TOLERANCE = 1e-6  # agreement: |analytic - numeric| <= 1e-6 * max(1, |analytic|, |numeric|) + 2 * error estimate
SAMPLE = 200  # parameters checked in a network with more than CHECK_ALL_UP_TO
CHECK_ALL_UP_TO = 2000


def ridders(f, x: float, h0: float, factor: float = 1.4, levels: int = 10) -> tuple[float, float]:
    """df/dx at x and an estimate of its error: Richardson's table of central differences."""
    table = [[0.0] * levels for _ in range(levels)]
    h = h0
    table[0][0] = (f(x + h) - f(x - h)) / (2 * h)
    best, error = table[0][0], math.inf
    for i in range(1, levels):
        h /= factor
        table[0][i] = (f(x + h) - f(x - h)) / (2 * h)
        weight = factor ** 2
        for j in range(1, i + 1):
            table[j][i] = (table[j - 1][i] * weight - table[j - 1][i - 1]) / (weight - 1)
            weight *= factor ** 2
            step_error = max(abs(table[j][i] - table[j - 1][i]), abs(table[j][i] - table[j - 1][i - 1]))
            if step_error <= error:
                error, best = step_error, table[j][i]
        if abs(table[i][i] - table[i - 1][i - 1]) >= 2 * error:  # higher order got worse: stop early
            break
    return best, error


def derivative(f, x: float) -> tuple[float, float]:
    """The better (smaller error estimate) of Ridders from two initial steps, scaled to |x|."""
    scale = max(1.0, abs(x))
    results = [ridders(f, x, h * scale) for h in (1e-2, 1e-4)]
    finite = [r for r in results if math.isfinite(r[0]) and math.isfinite(r[1])]
    return min(finite, key=lambda r: r[1]) if finite else (math.nan, math.inf)


@dataclass(frozen=True)
class GradientCheck:
    parameter: str
    analytic: float
    numeric: float
    error_estimate: float = 0.0

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numeric), 1e-12)
        return abs(self.analytic - self.numeric) / scale

    @property
    def verdict(self) -> str:
        """ok, WRONG, or inconclusive: the numerical derivative's own error bound is too wide to tell."""
        if not (math.isfinite(self.analytic) and math.isfinite(self.numeric)):
            return "inconclusive"
        difference = abs(self.analytic - self.numeric)
        allowed = RELATIVE_TOLERANCE * max(1.0, abs(self.analytic), abs(self.numeric))
        if difference <= allowed + 2 * self.error_estimate:
            return "ok"
        if self.error_estimate > allowed or difference <= 100 * self.error_estimate:
            return "inconclusive"
        return "WRONG"

    @property
    def reason(self) -> str:
        if self.verdict != "inconclusive":
            return ""
        if not (math.isfinite(self.analytic) and math.isfinite(self.numeric)):
            return "the loss is not finite near this point"
        return f"the numerical derivative is only known to +-{self.error_estimate:.1e}"

    @property
    def passed(self) -> bool:
        """Not shown wrong: an inconclusive comparison is reported as such, not as a failure."""
        return self.verdict != "WRONG"


def valid_targets(loss, rng: np.random.Generator, m: int, units: int) -> np.ndarray:
    """(m, units) targets the loss accepts: one-hot rows for cross-entropy, 0/1 for the log loss,
    any reals for the squared error."""
    if loss.needs_one_hot:
        return np.eye(units)[rng.integers(0, units, m)]
    if loss.needs_unit_interval:
        return rng.integers(0, 2, (m, units)).astype(float)
    return rng.normal(size=(m, units))


def random_point(derivation: NetworkDerivation, seed: int = 0) -> dict[sp.Symbol, float]:
    """Seeded values for every parameter, input and target (targets valid for the loss)."""
    rng = np.random.default_rng(seed)
    spec, n = derivation.spec, derivation.notation
    point = {}
    for layer, j, k in derivation.parameters():
        point[n.b(layer, j) if k is None else n.w(layer, j, k)] = rng.normal(0, 0.8)
    for k in range(1, spec.n_inputs + 1):
        point[n.x(k)] = rng.normal(0, 1)
    targets = derivation.targets
    point.update(zip(targets, map(float, valid_targets(spec.loss, rng, 1, len(targets))[0])))
    point.update(derivation.constants())  # dropout's fixed mask and keep_prob
    return inside_domains(derivation, point, rng)


def inside_domains(derivation: NetworkDerivation, point: dict, rng: np.random.Generator) -> dict:
    """The point with the biases of each layer whose activation is real on part of the line only
    (sqrt(z), log(z)) moved so that its pre-activations lie inside that part, layer by layer. Without
    biases nothing can be moved: a z outside makes the check inconclusive, with the reason."""
    spec, n = derivation.spec, derivation.notation
    domains = [activation_domain(derivation.activation(layer)) for layer in range(1, spec.depth + 1)]
    if not spec.bias or all(d.everywhere for d in domains):
        return point
    point, values = dict(point), dict(point)
    for layer, domain in enumerate(domains, start=1):
        if not domain.everywhere:
            for j, target in zip(derivation.units(layer), domain.targets(rng, len(derivation.units(layer)))):
                bias = n.b(layer, j)
                unbiased = float(derivation.preactivation(layer, j).xreplace({**values, bias: 0}))
                point[bias] = values[bias] = float(target) - unbiased
        layer_values(derivation, values, layer)
    return point


def layer_values(derivation: NetworkDerivation, values: dict, layer: int) -> None:
    """One layer's z and a of one example into `values` (nan where the activation has no real value)."""
    n = derivation.notation
    zs = [float(derivation.preactivation(layer, j).xreplace(values)) for j in derivation.units(layer)]
    activation = derivation.activation(layer)
    if isinstance(activation, Softmax):
        shifted = np.exp(np.array(zs) - max(zs))
        outputs = list(shifted / shifted.sum())
    else:
        g = sp.lambdify(z_symbol, activation.forward, "math")
        outputs = [_real(g, value) for value in zs]
    for j, (zj, aj) in enumerate(zip(zs, outputs), start=1):
        values[n.z(layer, j)] = zj
        values[n.a(layer, j)] = aj


def _real(g, value: float) -> float:
    try:
        result = complex(g(value))
    except (ValueError, OverflowError, ZeroDivisionError, TypeError):  # math's domain errors: sqrt(-1), log(0)
        return math.nan
    return result.real if result.imag == 0 else math.nan


def forward_values(derivation: NetworkDerivation, point: dict) -> dict[sp.Symbol, float]:
    """Every z and a of one example, computed from the rules' forward expressions."""
    values = dict(point)
    for layer in range(1, derivation.spec.depth + 1):
        layer_values(derivation, values, layer)
    return values


def loss_at(derivation: NetworkDerivation, point: dict) -> float:
    return float(derivation.loss.xreplace(forward_values(derivation, point)))


def check_gradients(derivation: NetworkDerivation, seed: int = 0) -> list[GradientCheck]:
    """Every parameter's closed form against the numerical derivative, at one seeded point; above
    CHECK_ALL_UP_TO parameters, a seeded sample of SAMPLE of them (every layer's first weight and bias
    included)."""
    point = random_point(derivation, seed)
    values = derivation.delta_values(forward_values(derivation, point))  # closed forms may go through deltas
    positions = sampled_positions(derivation, seed)
    loss = numeric_loss(derivation, point)
    results = []
    for position in positions:
        gradient = derivation.gradient(*position)
        analytic = float(gradient.closed_form.xreplace(values))
        numeric, error = derivative(lambda t, where=position: loss(where, t), point[gradient.parameter])
        results.append(GradientCheck(gradient.parameter.name, analytic, numeric, error))
    return results


def sampled_positions(derivation: NetworkDerivation, seed: int = 0) -> list:
    positions = list(derivation.parameters())
    if len(positions) <= CHECK_ALL_UP_TO:
        return positions
    rng = np.random.default_rng(seed)
    firsts = [(g.layer, g.unit, g.source) for g in derivation.representative_gradients()]
    chosen = set(firsts) | {positions[i] for i in rng.choice(len(positions), SAMPLE - len(firsts), replace=False)}
    return [p for p in positions if p in chosen]


def numeric_loss(derivation: NetworkDerivation, point: dict):
    """loss(position, t): the loss of one example at `point` with the parameter at `position` set to t,
    by a forward pass in float64 from the rules' forward expressions (not the closed forms under test)."""
    spec, n = derivation.spec, derivation.notation
    weights = [None] + [np.array([[point[n.w(layer, j, k)] for k in derivation.units(layer - 1)] for j in derivation.units(layer)])
                        for layer in range(1, spec.depth + 1)]
    biases = [None] + [np.array([point[n.b(layer, j)] if spec.bias else 0.0 for j in derivation.units(layer)])
                       for layer in range(1, spec.depth + 1)]
    x = np.array([point[n.x(k)] for k in range(1, spec.n_inputs + 1)])
    targets = [point[t] for t in derivation.targets]
    keep = [None] + [np.array([float(derivation.keep_factor(layer, j).xreplace(point)) for j in derivation.units(layer)])
                     for layer in range(1, spec.depth + 1)]  # dropout's fixed mask over p; 1 without dropout
    activations = [None]
    for layer in range(1, spec.depth + 1):
        activation = derivation.activation(layer)
        activations.append(None if isinstance(activation, Softmax) else sp.lambdify(z_symbol, activation.forward, "math"))
    loss = sp.lambdify(derivation.outputs + derivation.targets, derivation.loss, "math")

    def evaluate(position, t: float) -> float:
        layer, j, k = position
        try:
            outputs = x
            for level in range(1, spec.depth + 1):
                W, b = weights[level], biases[level]
                if level == layer:
                    W, b = W.copy(), b.copy()
                    if k is None:
                        b[j - 1] = t
                    else:
                        W[j - 1, k - 1] = t
                zs = W @ outputs + b
                g = activations[level]
                if g is None:
                    exps = np.exp(zs - zs.max())
                    outputs = exps / exps.sum()
                else:
                    outputs = np.array([float(g(float(v))) for v in zs])
                if level < spec.depth:
                    outputs = outputs * keep[level]
            return float(loss(*map(float, outputs), *targets))
        except (ValueError, OverflowError, ZeroDivisionError, TypeError):
            return math.nan

    return evaluate
