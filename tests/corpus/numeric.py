"""The corpus's own numeric reference, independent of symnn: a NumPy forward pass written here and
central differences of the loss, so each claim's verdict is established without the checker.

A claim's intended formula is a Python function of a context `c` (the spec's layout: column
X (n_x, m) or row X (m, n_x)) holding W, b, X, Y, A, Z and the gradients dZ, dA by central differences
(the course convention: one example's gradient per column, no 1/m), m, and the activations' derivatives.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

STEP = 1e-6


@dataclass(frozen=True)
class Net:
    sizes: tuple
    acts: tuple  # one per layer: sigmoid, tanh, relu, linear, softmax
    loss: str  # bce, cce, half_se
    layout: str = "column"
    bias: bool = True
    reduction: str = "mean"

    @property
    def spec(self) -> str:
        return "-".join(map(str, self.sizes))

    @property
    def options(self) -> dict:
        return {"act": ",".join(self.acts), "loss": self.loss, "layout": self.layout, "bias": self.bias,
                "reduction": self.reduction}

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def activate(name, z):
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "linear":
        return z
    shifted = np.exp(z - z.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


def derivative(name, z):
    if name == "sigmoid":
        return sigmoid(z) * (1 - sigmoid(z))
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def losses(net: Net, a, y):
    if net.loss == "bce":
        return -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=0)
    if net.loss == "cce":
        return -(y * np.log(a)).sum(axis=0)
    return 0.5 * ((a - y) ** 2).sum(axis=0)


def forward_from(net: Net, W, b, A, Z, start: int, kind: str):
    """Continue the forward pass from z (kind 'z') or a (kind 'a') of layer `start`."""
    A, Z = dict(A), dict(Z)
    first = start
    if kind == "z":
        A[start] = activate(net.acts[start - 1], Z[start])
    for l in range(first + 1, net.depth + 1):
        Z[l] = W[l] @ A[l - 1] + b[l]
        A[l] = activate(net.acts[l - 1], Z[l])
    return A, Z


def point(net: Net, m: int, seed: int):
    rng = np.random.default_rng(seed)
    s = net.sizes
    while True:
        W = {l: rng.normal(0, 1, (s[l], s[l - 1])) / np.sqrt(s[l - 1] / 2) for l in range(1, net.depth + 1)}
        b = {l: rng.normal(0, 0.5, (s[l], 1)) if net.bias else np.zeros((s[l], 1)) for l in range(1, net.depth + 1)}
        X = rng.normal(0, 1.2, (s[0], m))
        if net.loss == "cce":
            Y = np.eye(s[-1])[:, rng.integers(s[-1], size=m)]
        elif net.loss == "bce":
            Y = rng.integers(0, 2, (s[-1], m)).astype(float)
        else:
            Y = rng.normal(0, 1, (s[-1], m))
        A, Z = forward_from(net, W, b, {0: X}, {}, 0, "a")
        if all(np.min(np.abs(Z[l])) > 1e-3 for l in Z):  # no ReLU kink within the differences' reach
            return W, b, X, Y, A, Z


def total(net: Net, A, Y, m):
    value = losses(net, A[net.depth], Y).sum()
    return value / m if net.reduction == "mean" else value


@lru_cache(maxsize=None)
def context(net: Net, m: int = 4, seed: int = 7):
    """Everything a claim's formula may use, with every gradient from central differences."""
    W, b, X, Y, A, Z = point(net, m, seed)
    L = net.depth
    dW, db, dZ, dA = {}, {}, {}, {}
    for l in range(1, L + 1):
        for store, arrays in ((dW, W), (db, b)):
            grad = np.zeros_like(arrays[l])
            for index in np.ndindex(*grad.shape):
                values = []
                for sign in (1, -1):
                    changed = {k: v.copy() for k, v in arrays.items()}
                    changed[l][index] += sign * STEP
                    Wc, bc = (changed, b) if arrays is W else (W, changed)
                    Ac, _ = forward_from(net, Wc, bc, {0: X}, {}, 0, "a")
                    values.append(total(net, Ac, Y, m))
                grad[index] = (values[0] - values[1]) / (2 * STEP)
            store[l] = grad
        for store, kind, arrays in ((dZ, "z", Z), (dA, "a", A)):
            grad = np.zeros_like(arrays[l])
            for index in np.ndindex(*grad.shape):
                values = []
                for sign in (1, -1):
                    changed = arrays[l].copy()
                    changed[index] += sign * STEP
                    Ac, _ = forward_from(net, W, b, {**A, l: changed} if kind == "a" else A,
                                         {**Z, l: changed} if kind == "z" else Z, l, kind)
                    values.append(losses(net, Ac[L], Y).sum())  # the course's dZ: no 1/m
                grad[index] = (values[0] - values[1]) / (2 * STEP)
            store[l] = grad
    flip = (lambda x: x.T) if net.layout == "row" else (lambda x: x)
    c = SimpleNamespace(
        m=m, X=flip(X), Y=flip(Y), W={l: flip(v) for l, v in W.items()}, b={l: flip(v) for l, v in b.items()},
        A={l: flip(v) for l, v in A.items()}, Z={l: flip(v) for l, v in Z.items()},
        dW={l: flip(v) for l, v in dW.items()}, db={l: flip(v) for l, v in db.items()},
        dZ={l: flip(v) for l, v in dZ.items()}, dA={l: flip(v) for l, v in dA.items()},
        g={l: (lambda z, n=net.acts[l - 1]: activate(n, z)) for l in range(1, L + 1)},
        gp={l: (lambda z, n=net.acts[l - 1]: derivative(n, z)) for l in range(1, L + 1)},
    )
    c.raw = SimpleNamespace(W=W, b=b, X=X, Y=Y, A=A, Z=Z)
    return c


def jacobian(net: Net, of: tuple, wrt: tuple):
    """d(of)/d(wrt) for one example by central differences, denominator layout (seed 002's): the
    shape of wrt when `of` is one number, else entry (i, j) = d of_j / d wrt_i. of/wrt: (kind, layer, entry|None)."""
    c = context(net, 1)
    W, b, A, Z = c.raw.W, c.raw.b, c.raw.A, c.raw.Z

    def value(kind, layer, entry, W, b, A, Z):
        array = (A if kind == "a" else Z)[layer]
        return array.reshape(-1) if entry is None else np.array([array[entry[0] - 1, 0]])

    kind, layer, entry = wrt
    base = {"W": W, "b": b, "a": A, "z": Z}[kind][layer]
    cells = list(np.ndindex(*base.shape)) if entry is None else [(entry[0] - 1, entry[1] - 1)]
    columns = []
    for cell in cells:
        values = []
        for sign in (1, -1):
            changed = base.copy()
            changed[cell] += sign * STEP
            if kind == "W":
                Ac, Zc = forward_from(net, {**W, layer: changed}, b, {0: A[0]}, {}, 0, "a")
            elif kind == "b":
                Ac, Zc = forward_from(net, W, {**b, layer: changed}, {0: A[0]}, {}, 0, "a")
            elif kind == "a":
                Ac, Zc = forward_from(net, W, b, {**A, layer: changed}, Z, layer, "a")
            else:
                Ac, Zc = forward_from(net, W, b, A, {**Z, layer: changed}, layer, "z")
            values.append(value(*of, W, b, Ac, Zc))
        columns.append((values[0] - values[1]) / (2 * STEP))
    full = np.array(columns)  # (wrt cells, of entries)
    if full.shape[1] == 1:
        return full[:, 0].reshape(base.shape if entry is None else (1, 1))
    return full


def verdict_of(value, truth, either_layout: bool = False) -> str:
    """correct / wrong by the numbers: the shapes must agree (a rank-1 (n,) is not a column (n, 1))."""
    value, truth = np.asarray(value, float), np.asarray(truth, float)
    candidates = [truth] + ([truth.T] if either_layout and truth.ndim == 2 else [])
    for candidate in candidates:
        if value.shape == candidate.shape:
            gap = np.max(np.abs(value - candidate) / (np.abs(candidate) + 1e-6)) if value.size else 0.0
            if gap < 1e-4:
                return "correct"
    if value.shape == (1, 1) and truth.shape == ():
        return verdict_of(value[0, 0], truth)
    if value.shape == () and truth.shape == (1, 1):
        return verdict_of(value, truth[0, 0])
    return "wrong"
