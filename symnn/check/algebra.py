"""The operations a claim is built from, for scalars and matrices alike, with shapes checked.

Both parsers (LaTeX and NumPy style) call these, so `*` in NumPy (element-wise), juxtaposition in
LaTeX (a matrix product) and `\\circ` mean the same thing whichever way a person writes them. Shapes
are those of the spec (the batch size is the symbol m); a mismatch raises ShapeMismatch, which the
checker reports as such instead of a verdict.
"""
from __future__ import annotations

from typing import Callable

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from ..errors import ParseError
from ..safe_expr import safe_power

M = sp.Symbol("m", positive=True, integer=True)  # the number of examples in a batch
ELEMENT = sp.Symbol("elementwise_t")  # the variable of element-wise functions


class ShapeMismatch(ParseError):
    """Two operands whose shapes do not fit: the claim cannot be right as written."""


class ExampleSum(sp.Function):
    """sum_i over the examples of a per-example expression (\\sum_{i=1}^{m} ... with x^{(i)})."""

    nargs = 1


class ExampleSumMatrix(sp.MatrixExpr):
    r"""sum_i over the examples of one example's matrix (\sum_{i=1}^{N} \delta^{(i)} (\mathbf{a}^{(i)})^T)."""

    def __new__(cls, matrix):
        return super().__new__(cls, matrix)

    @property
    def shape(self):
        return self.args[0].shape


class SoleEntry(sp.Function):
    """The one entry of a 1x1 matrix (SymPy would expand X[0, 0] of a product into a Sum)."""

    nargs = 1
    is_real = True  # every matrix in a claim holds real numbers (weights, activations, data)


def sole_entry(x):
    return SoleEntry(x) if is_matrix(x) and x.shape == (1, 1) else x


def is_matrix(x) -> bool:
    return bool(getattr(x, "is_Matrix", False))


def shape_text(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def add(x, y):
    if not is_matrix(x) and not is_matrix(y):
        return x + y
    x, y = broadcast(x, y, "add")
    return sp.MatAdd(x, y)


def sub(x, y):
    return add(x, neg(y))


def neg(x):
    return sp.MatMul(-1, x) if is_matrix(x) else -x


def scale(factor, x):
    return sp.MatMul(factor, x) if is_matrix(x) else factor * x


def matmul(x, y):
    """A matrix product (or a product with a scalar): @ in NumPy, juxtaposition or \\cdot in LaTeX."""
    if not is_matrix(x) or not is_matrix(y):
        return scale(x, y) if not is_matrix(x) else scale(y, x)
    if x.shape == (1, 1) and y.shape[0] != 1:  # a 1x1 result used as a number
        return sp.MatMul(_as_scalar(x), y)
    if x.shape[1] != y.shape[0]:
        raise ShapeMismatch(
            f"shape mismatch: cannot multiply {shape_text(x.shape)} by {shape_text(y.shape)} "
            "(a transpose may be missing, or the product is in the wrong order)")
    return sp.MatMul(x, y)


def hadamard(x, y):
    """An element-wise product: * in NumPy, \\circ or \\odot in LaTeX; NumPy broadcasting applies."""
    if not is_matrix(x) or not is_matrix(y):
        return scale(x, y) if not is_matrix(x) else scale(y, x)
    x, y = broadcast(x, y, "multiply element-wise")
    return sp.HadamardProduct(x, y)


def divide(x, y):
    if not is_matrix(y):
        if y == 0:
            raise ParseError("the formula divides by zero")
        return scale(sp.Pow(y, -1), x) if is_matrix(x) else x / y
    reciprocal = sp.HadamardPower(y, -1)
    return hadamard(x, reciprocal)


def power(x, exponent):
    if is_matrix(exponent):
        raise ParseError("a matrix cannot be an exponent")
    if is_matrix(x):
        if exponent == 1:
            return x
        return sp.HadamardPower(x, exponent)
    return safe_power(x, exponent)


def transpose(x):
    return x.T if is_matrix(x) else x


def apply(function: Callable[[sp.Expr], sp.Expr], x):
    """An element-wise function (sigma, exp, g') of a scalar or of every entry of a matrix."""
    if not is_matrix(x):
        return function(x)
    return ElementwiseApplyFunction(sp.Lambda(ELEMENT, function(ELEMENT)), x)


def total(x, axis: int | None):
    """np.sum(x, axis=..., keepdims=True) as products with columns of ones (the seeds' (A - Y)1)."""
    if not is_matrix(x):
        return x
    rows, columns = x.shape
    if axis == 1:
        return sp.MatMul(x, sp.OneMatrix(columns, 1))
    if axis == 0:
        return sp.MatMul(sp.OneMatrix(1, rows), x)
    return _as_scalar(sp.MatMul(sp.OneMatrix(1, rows), x, sp.OneMatrix(columns, 1)))


def broadcast(x, y, what: str):
    """NumPy's broadcasting for 2-D operands (a column (n, 1) against (n, m), a number against anything)."""
    if not is_matrix(x):
        return sp.MatMul(x, sp.OneMatrix(*y.shape)), y
    if not is_matrix(y):
        return x, sp.MatMul(y, sp.OneMatrix(*x.shape))
    if x.shape == y.shape:
        return x, y
    target = []
    for a, b in zip(x.shape, y.shape):
        if a == b or b == 1:
            target.append(a)
        elif a == 1:
            target.append(b)
        else:
            raise ShapeMismatch(f"shape mismatch: cannot {what} {shape_text(x.shape)} and {shape_text(y.shape)}")
    return _stretch(x, target), _stretch(y, target)


def _stretch(x, target):
    rows, columns = x.shape
    if rows != target[0]:
        x = sp.MatMul(sp.OneMatrix(target[0], 1), x)
    if columns != target[1]:
        x = sp.MatMul(x, sp.OneMatrix(1, target[1]))
    return x


def _as_scalar(x):
    return sole_entry(x)


def softmax(x, resolver=None):
    """softmax over the units of each example: down the columns (column layout) or along the rows (row layout)."""
    from ..derive.matrixnodes import UnitSoftmax

    if not is_matrix(x):
        raise ParseError("softmax needs the vector (or batch) of all the output units, like softmax(Z^{[2]})")
    row_layout = getattr(resolver, "row_layout", False)
    return UnitSoftmax(x, -1 if row_layout else -2)
