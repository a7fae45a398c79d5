"""Matrix-expression nodes SymPy lacks, for the vectorised equations.

- `Elementwise(Lambda((a, y), body), A, Y)`: a scalar formula applied entry by entry to same-shaped
  matrices (g(Z), g'(A), dL/dA). Rules are written in scalar symbols; this node lifts them unchanged.
- `UnitSoftmax(Z, axis)`: softmax over the units of each example (axis 0 in the column layout,
  1 in the row layout).
- `SumEntries(E)`: the sum of every entry of a matrix, a scalar (the cost sums over units and examples).

Sums over examples and broadcasts of a bias use SymPy's own `OneMatrix` in a matrix product
(dZ 1 sums the columns, b 1^T repeats a column), as the lecture notes write them. Printers give every
node a `_print_<Node>` method (render/printers.py, render/numpy_printer.py).
"""
from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr


class Elementwise(MatrixExpr):
    """f(M1, M2, ...) entry by entry: entry (i, j) is f(M1[i, j], M2[i, j], ...)."""

    def __new__(cls, function: sp.Lambda, *matrices):
        if not matrices:
            raise ValueError("Elementwise needs at least one matrix")
        return super().__new__(cls, function, *matrices)

    @property
    def function(self) -> sp.Lambda:
        return self.args[0]

    @property
    def matrices(self) -> tuple:
        return self.args[1:]

    @property
    def shape(self):
        return self.args[1].shape

    def scalar_body(self, names: list[sp.Expr]) -> sp.Expr:
        """The formula with its variables replaced by `names` (one per matrix)."""
        return self.function.expr.xreplace(dict(zip(self.function.variables, names)))

    def _entry(self, i, j, **kwargs):
        return self.scalar_body([m._entry(i, j, **kwargs) for m in self.matrices])


class UnitSoftmax(MatrixExpr):
    """softmax along `axis` (the units): entry k of each example is exp(z_k) / sum_i exp(z_i)."""

    def __new__(cls, matrix, axis: int):
        return super().__new__(cls, matrix, sp.Integer(axis))

    @property
    def matrix(self):
        return self.args[0]

    @property
    def axis(self) -> int:
        return int(self.args[1])

    @property
    def shape(self):
        return self.args[0].shape


class SumEntries(sp.Expr):
    """The sum of all entries of a matrix: a scalar."""

    is_commutative = True

    def __new__(cls, matrix):
        return super().__new__(cls, matrix)

    @property
    def matrix(self):
        return self.args[0]


def ones_column(rows) -> sp.OneMatrix:
    return sp.OneMatrix(rows, 1)


def ones_row(columns) -> sp.OneMatrix:
    return sp.OneMatrix(1, columns)
