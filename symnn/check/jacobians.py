r"""The steps of the chain rule as values: \frac{\partial z^{[3]}}{\partial W^{[3]}},
\frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}}, \frac{\partial a^{[1]}_1}{\partial z^{[1]}_1}.

A Jacobian is named `jac__<of>__<wrt>` (symnn's names: `jac__z3_1__W3`) and laid out the way seed 002
writes it, the denominator layout: the shape of what is differentiated by (dz/dW has W's shape,
dz/da is a column), and for two vectors entry (i, j) is d of_j / d wrt_i, so that
dL/da^{[1]} = dz^{[2]}/da^{[1]} dL/dz^{[2]}. Its value at a sample point is the product of the local
Jacobians of the forward pass (W^{[l]}, diag g'(z^{[l]}), the softmax Jacobian), one per example.
"""
from __future__ import annotations

import re

import numpy as np
import sympy as sp

from ..errors import ParseError
from ..rules.activations import Softmax

PREFIX = "jac__"
MAX_ENTRIES = 100_000


def node(symbol, resolver):
    """(kind, layer, entry) of a quantity: ('z', 2, None) for the vector z^{[2]}, ('W', 1, (2, 1)) for
    w^{[1]}_{21}, ('a', 0, None) for x; None when it is not one example's quantity."""
    name = getattr(symbol, "name", "")
    match = re.fullmatch(r"(w)(\d+)_(\d+)_(\d+)|(b|a|z)(\d+)_(\d+)|x(\d+)", name)
    if match and isinstance(symbol, sp.Symbol):
        if match.group(1):
            return "W", int(match.group(2)), (int(match.group(3)), int(match.group(4)))
        if match.group(5):
            return match.group(5), int(match.group(6)), (int(match.group(7)), 1)
        return "a", 0, (int(match.group(8)), 1)
    match = re.fullmatch(r"(W|b|a|z)(\d+)|(x)_vector", name)
    if match and isinstance(symbol, sp.MatrixSymbol):
        if match.group(3):
            return "a", 0, None
        return match.group(1), int(match.group(2)), None
    return None


def jacobian_symbol(of, wrt, resolver):
    """The symbol standing for d(of)/d(wrt) on a right-hand side (or a left-hand side), with its shape."""
    if resolver.row_layout:
        raise ParseError("Jacobian steps are graded in the column layout (seed 002's); write the gradient itself here")
    top, bottom = node(of, resolver), node(wrt, resolver)
    if top is None or top[0] not in ("z", "a"):
        raise ParseError("a step \\partial u / \\partial v needs u to be one example's z or a (z^{[2]}, a^{[1]}_1, "
                         "\\mathbf{z}^{[2]}); batch matrices Z, A have no Jacobian here")
    if bottom is None:
        raise ParseError("a step \\partial u / \\partial v needs v to be one example's parameter, z or a (W^{[2]}, "
                         "b^{[2]}, \\mathbf{a}^{[1]}, x)")
    of_shape = tuple(of.shape) if isinstance(of, sp.MatrixSymbol) else (1, 1)
    wrt_shape = tuple(wrt.shape) if isinstance(wrt, sp.MatrixSymbol) else (1, 1)
    of_scalar = of_shape == (1, 1)
    if not of_scalar and bottom[0] == "W" and bottom[2] is None:
        raise ParseError("the Jacobian of a vector with respect to a matrix is a 3-tensor; check it entry by entry "
                         "(\\partial z_1^{[2]} / \\partial W^{[2]}) or through the loss (\\partial L / \\partial W^{[2]})")
    if of_scalar and wrt_shape == (1, 1):
        return sp.Symbol(f"{PREFIX}{of.name}__{wrt.name}")
    if of_scalar:
        shape = wrt_shape
    elif wrt_shape == (1, 1):
        shape = (1, of_shape[0])
    else:
        shape = (wrt_shape[0], of_shape[0])
    if shape[0] * shape[1] > MAX_ENTRIES:
        raise ParseError("this Jacobian is too large to check; check a few of its entries")
    return sp.MatrixSymbol(f"{PREFIX}{of.name}__{wrt.name}", *shape)


class Forward:
    """One sample point's forward pass, per example: the local Jacobians and their products."""

    def __init__(self, backprop):
        self.bp = backprop
        self.spec = backprop.spec
        self.m = backprop.m

    def value(self, name: str, mode: str):
        of_name, wrt_name = name[len(PREFIX):].split("__")
        top, bottom = self._parse(of_name), self._parse(wrt_name)
        full = np.stack([self._full(top, bottom, e) for e in range(self.m)])  # (m, dim of, dim wrt), numerator
        rows = self._select(top)
        columns = self._select(bottom)
        full = full[:, rows][:, :, columns]
        of_scalar = len(rows) == 1 and top[2] is not None or self._size(top) == 1
        wrt_scalar = len(columns) == 1 and (bottom[2] is not None or self._size(bottom) == 1)
        if of_scalar and wrt_scalar:
            value = full[:, 0, 0]
            return value if mode == "batch" else value[:, None, None]
        if of_scalar:  # the shape of what is differentiated by
            shape = self._shape(bottom)
            return full[:, 0, :].reshape((self.m,) + shape)
        if wrt_scalar:
            return full[:, :, 0][:, None, :]
        return np.swapaxes(full, 1, 2)  # denominator layout: entry (i, j) is d of_j / d wrt_i

    def _parse(self, name: str):
        match = re.fullmatch(r"w(\d+)_(\d+)_(\d+)", name)
        if match:
            return "W", int(match.group(1)), (int(match.group(2)), int(match.group(3)))
        match = re.fullmatch(r"(b|a|z)(\d+)_(\d+)", name)
        if match:
            return match.group(1), int(match.group(2)), (int(match.group(3)), 1)
        match = re.fullmatch(r"x(\d+)", name)
        if match:
            return "a", 0, (int(match.group(1)), 1)
        if name == "x_vector":
            return "a", 0, None
        match = re.fullmatch(r"(W|b|a|z)(\d+)", name)
        return match.group(1), int(match.group(2)), None

    def _shape(self, node):
        kind, layer, _ = node
        sizes = self.spec.sizes
        if kind == "W":
            return (sizes[layer], sizes[layer - 1])
        return (sizes[layer], 1)

    def _size(self, node):
        rows, columns = self._shape(node)
        return rows * columns

    def _select(self, node):
        kind, layer, entry = node
        if entry is None:
            return list(range(self._size(node)))
        row, column = entry
        width = self._shape(node)[1]
        return [(row - 1) * width + (column - 1)]

    # --- the local Jacobians, numerator layout, for example e ---
    def _full(self, top, bottom, e: int) -> np.ndarray:
        """d(top's whole vector) / d(bottom's whole vector or matrix, flattened row by row)."""
        kind, layer, _ = bottom
        # positions along the chain: a^{[0]} 0, (W, b)^{[1]}, z^{[1]} 1, a^{[1]} 2, z^{[2]} 3, ...
        start = {"W": 2 * layer - 1.5, "b": 2 * layer - 1.5, "z": 2 * layer - 1, "a": 2 * layer}[kind]
        end = 2 * top[1] - 1 if top[0] == "z" else 2 * top[1]
        if end < start:
            return np.zeros((self._size(top), self._size(bottom)))
        if end == start:
            return np.eye(self._size(top))
        if kind in ("W", "b"):
            current, step = self._parameter(kind, layer, e), 2 * layer - 1
        else:
            current, step = np.eye(self._size(bottom)), int(start)
        while step < end:  # walk the chain forward: z^{[l]} -> a^{[l]} -> z^{[l+1]} -> ...
            step += 1
            if step % 2 == 0:  # a^{[l]} from z^{[l]}
                current = self._activation(step // 2, e) @ current
            else:
                current = self.bp.sample.W[(step + 1) // 2] @ current
        return current

    def _parameter(self, kind, layer, e):
        n, previous = self.spec.sizes[layer], self.spec.sizes[layer - 1]
        if kind == "b":
            return np.eye(n)
        a = self.bp.A[layer - 1][:, e]
        jac = np.zeros((n, n * previous))
        for i in range(n):
            jac[i, i * previous:(i + 1) * previous] = a
        return jac

    def _activation(self, layer, e):
        rule = self.spec.activations[layer - 1]
        if isinstance(rule, Softmax):
            a = self.bp.A[layer][:, e]
            return np.diag(a) - np.outer(a, a)
        return np.diag(self.bp.local_derivative(layer)[:, e])
