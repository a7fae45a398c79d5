"""SymPy printers in the users' notation. New nodes get a `_print_<Node>` method here, never a
string fix-up afterwards."""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .matrixprint import MatrixLatexMixin


class CourseLatexPrinter(MatrixLatexMixin, LatexPrinter):
    """LaTeX with the course's symbol names; derivatives of the loss always written with a partial."""

    def _print_Derivative(self, expr):
        variables = "".join(rf"\partial {self._print(v)}" for v, _ in expr.variable_count for _ in range(_))
        return rf"\frac{{\partial {self._print(expr.expr)}}}{{{variables}}}"


class CourseStrPrinter(StrPrinter):
    """Plain text for terminals, with names like w^[1]_11 instead of w1_1_1."""

    def __init__(self, names: dict, settings=None):
        super().__init__(settings)
        self._names = names

    def _print_Symbol(self, expr):
        return self._names.get(expr, expr.name)

    def _print_Piecewise(self, expr):
        branches = [
            f"{self._print(value)}" + ("" if condition == True else f" if {self._print(condition)}")  # noqa: E712
            for value, condition in expr.args
        ]
        return "(" + " else ".join(branches) + ")"


def to_latex(expression, names: dict | None = None) -> str:
    return CourseLatexPrinter({"symbol_names": names or {}}).doprint(expression)


def to_text(expression, names: dict | None = None) -> str:
    return CourseStrPrinter(names or {}).doprint(expression)


def to_sympy_string(expression) -> str:
    """A string `sympy.sympify` reads back into the same expression (for trusted round trips)."""
    return sp.sstr(expression)
