"""Evaluate a SymPy expression (scalar or matrix expression) with NumPy, walking the tree ourselves.

Nothing is compiled or executed: each node type has a small NumPy rule, so the same walker serves the
activations of a spec, a person's parsed claim and the reference formulas. Unknown node types raise
ValueError, which the caller reports as "cannot evaluate".
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixElement

from .algebra import ExampleSum, ExampleSumMatrix, SoleEntry

_FUNCTIONS: dict[type, Callable] = {
    sp.exp: np.exp, sp.log: np.log, sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh,
    sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan, sp.atan: np.arctan, sp.asinh: np.arcsinh,
    sp.Abs: np.abs, sp.sign: np.sign, sp.sqrt: np.sqrt,
}


def evaluate(expr: sp.Basic, values: Mapping[str, object]):
    """The value of `expr` with symbols (and matrix symbols) looked up by name in `values`."""
    with np.errstate(all="ignore"):
        return _eval(expr, values)


def _eval(e, v):
    if isinstance(e, (sp.Symbol, sp.MatrixSymbol)):
        return v[e.name]
    if isinstance(e, sp.MatrixBase):  # written out entry by entry: each entry over the examples, then stacked
        cells = [np.asarray(_eval(x, v), float) for x in e]
        cells = np.broadcast_arrays(*[c[..., 0, 0] if c.shape[-2:] == (1, 1) else c for c in cells])  # (m, 1, 1) scalars
        return np.stack(cells, axis=-1).reshape(cells[0].shape + e.shape)
    if e.is_Number:
        return float(e)
    if e is sp.E:
        return np.e
    if e is sp.pi:
        return np.pi
    if isinstance(e, sp.Add) or isinstance(e, sp.MatAdd):
        total = _eval(e.args[0], v)
        for arg in e.args[1:]:
            total = total + _eval(arg, v)
        return total
    if isinstance(e, sp.MatMul):  # before Mul: MatMul is a subclass of Mul
        scalars = [a for a in e.args if not getattr(a, "is_Matrix", False)]
        matrices = [a for a in e.args if getattr(a, "is_Matrix", False)]
        result = _eval(matrices[0], v)
        for arg in matrices[1:]:
            result = np.matmul(result, _eval(arg, v))
        for scalar in scalars:
            result = result * _eval(scalar, v)
        return result
    if isinstance(e, sp.Mul) or isinstance(e, sp.HadamardProduct):
        product = _eval(e.args[0], v)
        for arg in e.args[1:]:
            product = product * _eval(arg, v)
        return product
    if isinstance(e, sp.Pow) or isinstance(e, sp.HadamardPower):
        return np.power(_as_float(_eval(e.args[0], v)), _eval(e.args[1], v))
    if isinstance(e, sp.Transpose):
        return np.swapaxes(np.asarray(_eval(e.arg, v)), -1, -2)
    if isinstance(e, sp.OneMatrix):
        return np.ones(_shape(e, v))
    if isinstance(e, sp.ZeroMatrix):
        return np.zeros(_shape(e, v))
    if isinstance(e, sp.Identity):
        return np.eye(int(_eval(e.rows, v)) if not e.rows.is_Number else int(e.rows))
    if isinstance(e, ElementwiseApplyFunction):
        variable, body = e.function.variables[0], e.function.expr
        inner = _eval(e.expr, v)
        return _eval(body, _Bound(v, variable.name, inner))
    if isinstance(e, MatrixElement):
        return np.asarray(_eval(e.parent, v))[..., int(e.i), int(e.j)]
    if type(e).__name__ == "Elementwise":  # derive/matrixnodes: a scalar rule lifted to matrices
        bound = v
        for variable, matrix in zip(e.function.variables, e.matrices):
            bound = _Bound(bound, variable.name, _eval(matrix, v))
        return _eval(e.function.expr, bound)
    if type(e).__name__ == "UnitSoftmax":
        z = np.asarray(_eval(e.matrix, v), float)
        shifted = np.exp(z - z.max(axis=e.axis, keepdims=True))
        return shifted / shifted.sum(axis=e.axis, keepdims=True)
    if type(e).__name__ == "SumEntries":
        return np.sum(_eval(e.matrix, v))
    if isinstance(e, SoleEntry):
        return np.asarray(_eval(e.args[0], v))[..., 0, 0]
    if isinstance(e, ExampleSumMatrix):  # one example's matrix at each example (m, r, c), summed
        view = getattr(v, "per_example", None)
        return np.sum(np.asarray(_eval(e.args[0], view() if view else v), float), axis=0)
    if isinstance(e, ExampleSum):
        return np.sum(_eval(e.args[0], v), axis=-1)
    if isinstance(e, sp.Heaviside):
        at_zero = float(e.args[1]) if len(e.args) > 1 else 0.5
        return np.heaviside(_eval(e.args[0], v), at_zero)
    if isinstance(e, sp.Piecewise):
        return _piecewise(e, v)
    if isinstance(e, (sp.Max, sp.Min)):
        pick = np.maximum if isinstance(e, sp.Max) else np.minimum
        result = _eval(e.args[0], v)
        for arg in e.args[1:]:
            result = pick(result, _eval(arg, v))
        return result
    if isinstance(e, sp.Function) and type(e) in _FUNCTIONS:
        return _FUNCTIONS[type(e)](*[_as_float(_eval(a, v)) for a in e.args])
    if isinstance(e, sp.erf):
        import math
        return np.vectorize(math.erf)(_eval(e.args[0], v))
    if isinstance(e, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)):
        ops = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
               sp.StrictLessThan: np.less, sp.LessThan: np.less_equal}
        return ops[type(e)](_eval(e.args[0], v), _eval(e.args[1], v))
    raise ValueError(f"cannot evaluate {type(e).__name__}")


def _piecewise(e, v):
    result, decided = None, None
    for value, condition in e.args:
        chosen = np.ones((), bool) if condition == sp.true else np.asarray(_eval(condition, v), bool)
        branch = np.asarray(_eval(value, v), float)
        if result is None:
            result = np.broadcast_to(branch, np.broadcast(branch, chosen).shape).astype(float)
            decided = np.zeros(result.shape, bool)
        take = np.broadcast_to(chosen, result.shape) & ~decided
        result = np.where(take, np.broadcast_to(branch, result.shape), result)
        decided = decided | take
    return result


def _as_float(value):
    return np.asarray(value, dtype=float) if isinstance(value, (int, np.integer)) else value


def _shape(e, v) -> tuple[int, int]:
    return tuple(int(_eval(s, v)) if not s.is_Number else int(s) for s in e.shape)


class _Bound(Mapping):
    """`values` with one extra name bound (the variable of an element-wise function)."""

    def __init__(self, base, name, value):
        self.base, self.name, self.value = base, name, value

    def __getitem__(self, key):
        return self.value if key == self.name else self.base[key]

    def __iter__(self):
        return iter(self.base)

    def __len__(self):
        return len(self.base)
