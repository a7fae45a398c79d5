"""The right answer, numerically: a forward and backward pass on seeded sample points, with knobs
that reproduce the known mistakes (for the diagnosis) and the values every symbol of a claim takes.

The backward pass is written from the rules (the loss's and activations' SymPy derivatives, the fused
output gradient of the per-weight derivation), not from anything a person typed, so it is an
independent reference for both formulas and code. Internally everything is in the column layout
(X is (n_x, m)); `Values` hands out matrices in the spec's own layout.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Mapping

import numpy as np
import sympy as sp

from ..derive.perweight import NetworkDerivation
from ..rules.fused import fused_output_gradient
from ..rules.activations import BUILTIN, Softmax, a as a_symbol, z as z_symbol
from .numeric import evaluate

EXAMPLES = (3, 4, 2, 5)  # examples per sample point (m), varied so a constant cannot pass for 1/m
RANDOM_POINTS = 9  # seeded random points after the awkward ones
AWKWARD = (0.0, 1.0, -1.0)
SEED = 20261122


@dataclass(frozen=True)
class Mistake:
    """One known wrong variant of backprop. Defaults reproduce the right answer."""

    words: str = "the right answer"
    sign: float = 1.0
    factor: str = "right"  # "none": no 1/m; "extra": one 1/m too many
    derivative: tuple[tuple[int, str], ...] = ()  # (layer, how): none, value, twice, or a formula key
    untransposed: int | None = None  # layer whose W is used without its transpose going back
    previous: tuple[int, int] | None = None  # (l, k): dW^{[l]} built with A^{[k]} instead of A^{[l-1]}
    weight_layer: tuple[int, int] | None = None  # (l, k): dA^{[l-1]} built with W^{[k]} instead of W^{[l]}
    transposed: bool = False  # the whole result transposed
    regularization: str = "right"  # --l2: "none" leaves lambda/m W out of dW, "half" writes lambda/(2m) W


RIGHT = Mistake()


@dataclass(frozen=True)
class Sample:
    """Parameters and one batch, column layout: W[l] (n_l, n_{l-1}), b[l] (n_l, 1), X (n_x, m)."""

    W: dict
    b: dict
    X: np.ndarray
    Y: np.ndarray


def samples(spec, count: int = RANDOM_POINTS) -> list[Sample]:
    """Awkward points first (inputs and parameters cycling through 0, 1, -1), then seeded random ones."""
    rng = np.random.default_rng(SEED)
    sizes, depth = spec.sizes, spec.depth
    points = []
    for shift in range(len(AWKWARD)):
        m = EXAMPLES[shift % len(EXAMPLES)]

        def cyclic(shape, offset):
            size = int(np.prod(shape))
            return np.array([AWKWARD[(i + shift + offset) % 3] for i in range(size)], float).reshape(shape)
        W = {l: cyclic((sizes[l], sizes[l - 1]), l) for l in range(1, depth + 1)}
        b = {l: cyclic((sizes[l], 1), l + 1) if spec.bias else np.zeros((sizes[l], 1)) for l in range(1, depth + 1)}
        X = cyclic((sizes[0], m), 0)
        points.append(Sample(W, b, X, _targets(spec, rng, m)))
    for index in range(count):
        m = EXAMPLES[(index + len(AWKWARD)) % len(EXAMPLES)]
        # weights scaled by 1/sqrt(fan-in) (Xavier), so wide layers do not saturate every unit
        W = {l: rng.normal(0, 1, (sizes[l], sizes[l - 1])) / np.sqrt(max(1, sizes[l - 1] / 2)) for l in range(1, depth + 1)}
        b = {l: rng.normal(0, 1, (sizes[l], 1)) if spec.bias else np.zeros((sizes[l], 1)) for l in range(1, depth + 1)}
        X = rng.normal(0, 1.5, (sizes[0], m))
        points.append(Sample(W, b, X, _targets(spec, rng, m)))
    return points


def _targets(spec, rng, m: int) -> np.ndarray:
    n = spec.n_outputs
    if spec.loss.needs_one_hot:
        return np.eye(n)[:, rng.integers(n, size=m)]
    if spec.loss.needs_unit_interval:
        return rng.integers(0, 2, size=(n, m)).astype(float)
    return rng.normal(0, 1, (n, m))


# --- activation derivatives, by name, for the "derivative of the wrong activation" variants ---
def derivative_formulas(activation=None) -> dict[str, tuple[str, sp.Expr, str]]:
    """key -> (words, expression in z and a, symbol name used) for each built-in's derivative."""
    return _derivative_formulas()


@lru_cache(maxsize=1)
def _derivative_formulas() -> dict[str, tuple[str, sp.Expr, str]]:
    formulas = {}
    for name in ("sigmoid", "tanh", "relu", "linear"):
        rule = BUILTIN[name]()
        formulas[f"{name}'(z)"] = (f"{name}'(z)", rule.derivative, "z")
        if rule.derivative_in_output is not None and rule.derivative_in_output.has(a_symbol):
            formulas[f"{name}' through a"] = (f"{name}'s derivative written through a ({rule.derivative_in_output})",
                                              rule.derivative_in_output, "a")
    return formulas


def output_deltas(derivation: NetworkDerivation) -> list:
    """dL/dz^{[L]}_j per output unit, fused by the rules (only the output layer: cheap for wide nets)."""
    cached = getattr(derivation, "_checker_output_deltas", None)
    if cached is None:
        n, L, spec = derivation.notation, derivation.spec.depth, derivation.spec
        units = derivation.units(L)
        cached = fused_output_gradient(spec.activations[-1], spec.loss, derivation.outputs,
                                       [n.z(L, j) for j in units], derivation.targets)
        derivation._checker_output_deltas = cached
    return cached


class Backprop:
    """Forward and backward pass of one sample, right or with one known mistake."""

    def __init__(self, derivation: NetworkDerivation, sample: Sample, mistake: Mistake = RIGHT, same_forward=None):
        self.derivation, self.spec, self.sample, self.mistake = derivation, derivation.spec, sample, mistake
        self.depth = self.spec.depth
        self.m = sample.X.shape[1]
        if same_forward is not None:  # the variants of one sample share its forward pass
            self.Z, self.A, self._derivatives = same_forward.Z, same_forward.A, same_forward._derivatives
        else:
            self.Z, self.A, self._derivatives = {}, {0: sample.X}, {}
            for l in range(1, self.depth + 1):
                self.Z[l] = sample.W[l] @ self.A[l - 1] + sample.b[l]
                self.A[l] = self._activate(l, self.Z[l])
        self._backward()

    @cached_property
    def at_kink(self) -> bool:
        """True when some z sits exactly where a non-smooth activation (ReLU) has no derivative."""
        for layer in range(1, self.depth + 1):
            rule = self.spec.activations[layer - 1]
            derivative = getattr(rule, "derivative", None)
            if derivative is not None and derivative.has(sp.Piecewise, sp.Heaviside, sp.Abs, sp.sign) \
                    and np.any(self.Z[layer] == 0):
                return True
        return False

    def variant(self, mistake: Mistake) -> "Backprop":
        return Backprop(self.derivation, self.sample, mistake, same_forward=self)

    def _activate(self, layer, Z):
        activation = self.spec.activations[layer - 1]
        if isinstance(activation, Softmax):
            shifted = np.exp(Z - Z.max(axis=0, keepdims=True))
            return shifted / shifted.sum(axis=0, keepdims=True)
        return np.broadcast_to(evaluate(activation.forward, {"z": Z}), Z.shape).astype(float)

    def local_derivative(self, layer, how: str = "right"):
        """g'(Z^{[l]}) as the mistake has it: right, none (1), value (g itself), twice (g'^2), or another formula."""
        activation = self.spec.activations[layer - 1]
        Z, A = self.Z[layer], self.A[layer]
        if how == "none":
            return np.ones_like(Z)
        if how == "value":
            return A
        if layer not in self._derivatives:
            self._derivatives[layer] = np.broadcast_to(evaluate(activation.derivative, {"z": Z}), Z.shape).astype(float)
        right = self._derivatives[layer]
        if how == "right":
            return right
        if how == "twice":
            return right * right
        words, formula, variable = derivative_formulas(activation)[how]
        return np.broadcast_to(evaluate(formula, {"z": Z, "a": A}), Z.shape).astype(float)

    def _how(self, layer) -> str:
        return dict(self.mistake.derivative).get(layer, "right")

    def _backward(self):
        spec, L, mistake = self.spec, self.depth, self.mistake
        self.dZ, self.dA = {}, {}
        Y, AL = self.sample.Y, self.A[L]
        self.dA[L] = evaluate(spec.loss.derivative, {"a": AL, "y": Y}) * np.ones_like(AL)
        how = self._how(L)
        if how == "right":
            self.dZ[L] = self._fused()
        elif isinstance(spec.activations[-1], Softmax):
            dA = self.dA[L]
            self.dZ[L] = AL * (dA - np.sum(AL * dA, axis=0, keepdims=True))
        elif how == "right":
            self.dZ[L] = self._fused()
        elif how == "twice":
            self.dZ[L] = self._fused() * self.local_derivative(L)
        else:
            self.dZ[L] = self.dA[L] * self.local_derivative(L, how)
        for l in range(L, 1, -1):
            k = mistake.weight_layer[1] if mistake.weight_layer and mistake.weight_layer[0] == l else l
            W = self.sample.W[k]
            self.dA[l - 1] = (W if mistake.untransposed == l else W.T) @ self.dZ[l]
            self.dZ[l - 1] = self.dA[l - 1] * self.local_derivative(l - 1, self._how(l - 1))

    def _fused(self):
        """dL/dZ^{[L]} from SymPy's simplified output gradient (a - y for sigmoid + log loss)."""
        n, L = self.derivation.notation, self.depth
        values = {}
        for j in range(1, self.spec.n_outputs + 1):
            values[n.a(L, j).name] = self.A[L][j - 1]
            values[n.z(L, j).name] = self.Z[L][j - 1]
            values[n.y(j).name] = self.sample.Y[j - 1]
        rows = [evaluate(form, values) * np.ones(self.m) for form in output_deltas(self.derivation)]
        return np.array(rows)

    @property
    def factor(self) -> float:
        base = 1.0 / self.m if self.spec.reduction == "mean" else 1.0
        return {"right": base, "none": 1.0, "extra": base / self.m}[self.mistake.factor]

    # --- the gradients in the column layout, as a claim of each kind means them ---
    def batch(self, kind: str, layer: int) -> np.ndarray:
        """dW, db (the cost's gradient), dZ, dA (per example, side by side: the course convention)."""
        mistake = self.mistake
        if kind in ("Z", "A"):
            value = (self.dZ if kind == "Z" else self.dA)[layer]
            if mistake.factor == "extra":
                value = value / self.m
        elif kind == "W":
            previous = self.A[mistake.previous[1]] if mistake.previous and mistake.previous[0] == layer else self.A[layer - 1]
            value = self.factor * self.dZ[layer] @ previous.T
            if self.spec.l2 is not None:  # the L2 penalty's gradient (rules/regularization.py)
                share = {"right": 1.0, "none": 0.0, "half": 0.5}[mistake.regularization]
                base = 1.0 / self.m if self.spec.reduction == "mean" else 1.0
                value = value + share * base * self.spec.l2 * self.sample.W[layer]
        else:
            value = self.factor * self.dZ[layer].sum(axis=1, keepdims=True)
        square = value.shape[0] == value.shape[1]
        return mistake.sign * (value.T if mistake.transposed and square else value)

    def per_example(self, kind: str, layer: int) -> np.ndarray:
        """One matrix per example, stacked: shape (m, rows, columns); no 1/m (one example's loss)."""
        mistake = self.mistake
        dZ = self.dZ[layer].T[:, :, None]  # (m, n_l, 1)
        if kind == "Z":
            value = dZ
        elif kind == "A":
            value = self.dA[layer].T[:, :, None]
        elif kind == "b":
            value = dZ
        else:
            previous = self.A[mistake.previous[1]] if mistake.previous and mistake.previous[0] == layer else self.A[layer - 1]
            value = dZ @ previous.T[:, None, :]
        value = np.swapaxes(value, -1, -2) if mistake.transposed and value.shape[-1] == value.shape[-2] else value
        if mistake.factor == "extra":
            value = value / self.m
        return mistake.sign * value


# --- the values a claim's symbols take at one sample point ---
_SCALAR = re.compile(r"^(x|y|a|z|b|delta|da|w)(\d*)(?:_(\d+))?(?:_(\d+))?$")


class Values(Mapping):
    """name -> value at one sample point, computed on demand (a 784-128-10 net has 100k weight names).

    mode "batch": matrices over the whole batch (X, A1, dZ2, ...); per-example scalars are (m,) arrays
    for sums over examples. mode "example": one example at a time, stacked on a leading axis, so
    vectors are (m, n, 1) and scalars (m, 1, 1).
    """

    def __init__(self, right: Backprop, mode: str):
        self.bp, self.mode, self.layout = right, mode, right.spec.layout

    def _oriented(self, matrix):
        return np.swapaxes(matrix, -1, -2) if self.layout == "row" else matrix

    def __getitem__(self, name: str):
        bp = self.bp
        if name == "m":
            return float(bp.m)
        if name == "lambd" and bp.spec.l2 is not None:
            return float(bp.spec.l2)
        width = re.fullmatch(r"n_x|n(\d+)", name)  # the widths of derive/matrix.py's shapes
        if width:
            return bp.spec.sizes[int(width.group(1) or 0)]
        batch = {"X": bp.A[0], "Y": bp.sample.Y}
        if name in batch:
            return self._oriented(batch[name])
        match = re.fullmatch(r"(W|b|A|Z|dZ|dA|dW|db)(\d+)", name)
        if match:
            kind, layer = match.group(1), int(match.group(2))
            table = {"W": bp.sample.W, "b": bp.sample.b, "A": bp.A, "Z": bp.Z, "dZ": bp.dZ, "dA": bp.dA}
            if kind in ("dW", "db"):
                return self._oriented(bp.batch(kind[1], layer))
            return self._oriented(table[kind][layer])
        match = re.fullmatch(r"(x|y)_vector|(a|z|dz|da)(\d+)", name)
        if match:  # one example's column vector
            kind = match.group(1) or match.group(2)
            layer = int(match.group(3) or 0)
            table = {"x": bp.A[0], "y": bp.sample.Y, "a": bp.A.get(layer), "z": bp.Z.get(layer),
                     "dz": bp.dZ.get(layer), "da": bp.dA.get(layer)}
            return self._oriented(table[kind].T[:, :, None])
        return self._scalar(name)

    def _scalar(self, name):
        bp = self.bp
        match = _SCALAR.fullmatch(name)
        if not match:
            raise KeyError(name)
        kind, first, second, third = match.groups()
        if kind == "x":
            row = bp.A[0][int(first) - 1]
        elif kind == "y":
            row = bp.sample.Y[int(first) - 1 if first else 0]
        elif kind == "w":
            W = self._oriented(bp.sample.W[int(first)])
            return float(W[int(second) - 1, int(third) - 1])
        elif kind == "b":
            return float(bp.sample.b[int(first)][int(second) - 1, 0])
        else:
            table = {"a": bp.A, "z": bp.Z, "delta": bp.dZ, "da": bp.dA}[kind]
            row = table[int(first)][int(second) - 1]
        return row if self.mode == "batch" else row[:, None, None]

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0
