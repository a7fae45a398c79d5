"""Plain one-line text of the matrix equations, for comments in generated code and terminals."""
from __future__ import annotations

import sympy as sp

from .matrixprint import _named_body, joined_terms, product_factor
from .printers import CourseStrPrinter


class MatrixTextPrinter(CourseStrPrinter):
    """One-line plain text for comments: dW^[2] = 1/m dZ^[2] A^[1]ᵀ, db^[2] = 1/m dZ^[2] 𝟏, dZ^[1] = dA^[1] ∘ (1 - A^[1]**2)."""

    def __init__(self, names: dict, settings=None):
        super().__init__(names, settings)
        self._matrix_stand_ins: dict = {}

    def _print_Symbol(self, expr):
        return self._matrix_stand_ins.get(expr) or super()._print_Symbol(expr)

    _print_MatrixSymbol = _print_Symbol

    def _print_Transpose(self, expr):
        inner = self._print(expr.arg)
        return f"{inner}ᵀ" if isinstance(expr.arg, sp.MatrixSymbol) else f"({inner})ᵀ"

    def _print_OneMatrix(self, expr):
        # bold ones, as the sheets' \mathbf{1}: a plain 1 would read as the number (db = 1/m dZ 𝟏)
        return "𝟏ᵀ" if expr.shape[0] == 1 else ("𝟏" if expr.shape[1] == 1 else "𝟏 𝟏ᵀ")

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        body = " ".join(product_factor(self, f, "(", ")") for f in factors)
        if coefficient == 1:
            return body
        if coefficient == -1:
            return f"-{body}"
        return f"{self._print(coefficient)} {body}"

    def _print_MatAdd(self, expr):
        return joined_terms(self, expr)

    def _print_HadamardProduct(self, expr):
        return " ∘ ".join(product_factor(self, a, "(", ")") for a in expr.args)

    def _print_Elementwise(self, expr):
        return self._print(_named_body(self, expr, self._print))

    def _print_UnitSoftmax(self, expr):
        return f"softmax({self._print(expr.matrix)})"

    def _print_SumEntries(self, expr):
        return f"sum({self._print(expr.matrix)})"


def matrix_text(expression, names: dict) -> str:
    return MatrixTextPrinter(names).doprint(expression)
