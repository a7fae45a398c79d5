"""Numeric proof: closed-form gradients against central differences of the loss, in float64."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .derive.perweight import NetworkDerivation
from .rules.activations import Softmax, z as z_symbol


@dataclass(frozen=True)
class GradientCheck:
    parameter: str
    analytic: float
    numeric: float

    @property
    def relative_error(self) -> float:
        scale = max(abs(self.analytic), abs(self.numeric), 1e-12)
        return abs(self.analytic - self.numeric) / scale

    @property
    def passed(self) -> bool:
        """Central differences carry ~1e-10 absolute error, so tiny gradients are judged absolutely."""
        return self.relative_error < 1e-5 or abs(self.analytic - self.numeric) < 1e-8


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
    return point


def forward_values(derivation: NetworkDerivation, point: dict) -> dict[sp.Symbol, float]:
    """Every z and a of one example, computed from the rules' forward expressions."""
    values = dict(point)
    n = derivation.notation
    for layer in range(1, derivation.spec.depth + 1):
        zs = [float(derivation.preactivation(layer, j).xreplace(values)) for j in derivation.units(layer)]
        activation = derivation.activation(layer)
        if isinstance(activation, Softmax):
            shifted = np.exp(np.array(zs) - max(zs))
            outputs = list(shifted / shifted.sum())
        else:
            g = sp.lambdify(z_symbol, activation.forward, "math")
            outputs = [float(g(value)) for value in zs]
        for j, (zj, aj) in enumerate(zip(zs, outputs), start=1):
            values[n.z(layer, j)] = zj
            values[n.a(layer, j)] = aj
    return values


def loss_at(derivation: NetworkDerivation, point: dict) -> float:
    return float(derivation.loss.xreplace(forward_values(derivation, point)))


def check_gradients(derivation: NetworkDerivation, seed: int = 0, step: float = 1e-5) -> list[GradientCheck]:
    point = random_point(derivation, seed)
    values = derivation.delta_values(forward_values(derivation, point))  # closed forms may go through deltas
    results = []
    for gradient in derivation.gradients():
        analytic = float(gradient.closed_form.xreplace(values))
        plus, minus = dict(point), dict(point)
        plus[gradient.parameter] += step
        minus[gradient.parameter] -= step
        numeric = (loss_at(derivation, plus) - loss_at(derivation, minus)) / (2 * step)
        results.append(GradientCheck(gradient.parameter.name, analytic, numeric))
    return results
