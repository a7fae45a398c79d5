"""SymPy printers in the users' notation. New nodes get a `_print_<Node>` method here, never a
string fix-up afterwards."""
from __future__ import annotations

import re

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

    printmethod = "_symnn_text"  # not Indexed's own _sympystr, which would bypass _print_Indexed

    def __init__(self, names: dict, settings=None):
        super().__init__(settings)
        self._names = names

    def _print_Symbol(self, expr):
        return self._names.get(expr, expr.name)

    def _print_Derivative(self, expr):
        variables = "".join(f"d{self._print(v)}" for v, count in expr.variable_count for _ in range(count))
        return f"d{self._print(expr.expr)}/{variables}"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Indexed(self, expr):
        base = _plain_latex(str(expr.base.label))
        return base + "_" + "".join(self._print(i) for i in expr.indices)

    def _print_IndexedBase(self, expr):
        return _plain_latex(str(expr.label))

    def _print_Sum(self, expr):
        (index, low, high), = expr.limits
        return f"sum_{{{self._print(index)}={self._print(low)}..{_plain_latex(self._print(high))}}} ({self._print(expr.function)})"

    def _print_Function(self, expr):
        name = _plain_latex(expr.func.__name__).replace("prime", "'")
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Piecewise(self, expr):
        branches = [
            f"{self._print(value)}" + ("" if condition == True else f" if {self._print(condition)}")  # noqa: E712
            for value, condition in expr.args
        ]
        return "(" + " else ".join(branches) + ")"


def _plain_latex(name: str) -> str:
    return name.replace("\\", "").replace("{", "").replace("}", "")


_DIGITS = re.compile(r"(\d+)")


def _padded(name: str) -> str:
    """y10 -> y000010: names whose string order is the natural order of their numbers."""
    return _DIGITS.sub(lambda m: m.group(1).zfill(6), name)


def natural_terms(expression: sp.Add) -> list:
    """The terms of a sum that differ only in their indices (sum_i w_i delta_i, the loss over outputs) in
    natural index order: y_1, y_2, ..., y_10, where SymPy's order is y_1, y_10, y_2. Other sums, and terms
    with the same indices, keep SymPy's order (the sort is stable)."""
    terms = list(expression.args)
    signatures = {frozenset(_DIGITS.sub("", s.name) for s in t.free_symbols if isinstance(s, sp.Symbol)) for t in terms}
    if len(signatures) != 1 or not any(_DIGITS.search(s.name) for s in expression.free_symbols if isinstance(s, sp.Symbol)):
        return terms
    return sorted(terms, key=lambda t: sorted(_padded(s.name) for s in t.free_symbols if isinstance(s, sp.Symbol)))


def in_chain_order(expression, positions: dict) -> sp.Expr:
    """An unevaluated copy whose products read from the loss back to the parameter, as the seeds
    write them: (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_1. Print it with order="none"."""
    if isinstance(expression, sp.MatrixBase):
        return expression.applyfunc(lambda entry: in_chain_order(entry, positions))
    if not isinstance(expression, sp.Expr) or expression.is_Atom:
        return expression

    def position(factor):
        known = [positions[s] for s in factor.free_symbols if s in positions]
        return max(known) if known else float("inf")  # numbers first

    if expression.is_Add:  # terms in natural index order: y_1, y_2, ..., y_10 (SymPy's is y_1, y_10, y_2)
        args = natural_terms(expression)
        return sp.Add(*[in_chain_order(arg, positions) for arg in args], evaluate=False)
    args = [in_chain_order(arg, positions) for arg in expression.args]
    if expression.is_Mul:
        return sp.Mul(*sorted(args, key=position, reverse=True), evaluate=False)
    return expression.func(*args)


def to_latex(expression, names: dict | None = None, positions: dict | None = None, printer=None) -> str:
    """LaTeX in the course notation; with `positions`, products in chain-rule order. `printer` is a
    CourseLatexPrinter subclass (the sheets use their own)."""
    printer = printer or CourseLatexPrinter
    if positions is None:
        return printer({"symbol_names": names or {}}).doprint(expression)
    return printer({"symbol_names": names or {}, "order": "none"}).doprint(in_chain_order(expression, positions))


def to_text(expression, names: dict | None = None, positions: dict | None = None) -> str:
    if positions is None:
        return CourseStrPrinter(names or {}).doprint(expression)
    return CourseStrPrinter(names or {}, {"order": "none"}).doprint(in_chain_order(expression, positions))


def to_sympy_string(expression) -> str:
    """A string `sympy.sympify` reads back into the same expression (for trusted round trips)."""
    return sp.sstr(expression)
