"""Printing for derivation sheets: LaTeX that reads like lecture notes, with long formulas broken.

`SheetLatexPrinter` adds what a sheet needs to the course printer (which already prints the matrix
nodes): piecewise functions with explicit conditions (no English "otherwise", so both languages
share the maths), d/dz for one-variable derivatives, and nodes of its own: `Dots` for the elided
rows and columns of large matrices, `ChainProduct` for chain-rule factors in the order they are
applied, `Applied` for g(Z) by name, `Update` for theta <- theta - step. `broken_lines` splits a
long sum or product at its top level (and inside a long bracketed factor) into lines of a width
budget, so no equation runs off the page.
"""
from __future__ import annotations

import re

import sympy as sp

from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.printing.precedence import PRECEDENCE

from .printers import CourseLatexPrinter, in_chain_order, to_latex

LINE_WIDTH = 58  # visible characters of maths per line on an A4 page at 11pt
MATRIX_LIMIT = 4  # rows or columns shown before a matrix is elided


class Dots(sp.Symbol):
    """An ellipsis entry of an elided matrix: Dots("c"), Dots("v"), Dots("d")."""


class ChainProduct(sp.Expr):
    """Chain-rule factors kept in the order they are applied (a Mul would sort them)."""

    def doit(self, **hints):
        return sp.Mul(*[arg.doit(**hints) for arg in self.args])


class Applied(MatrixExpr):
    """A function applied entry by entry to a matrix, shown by its name: Applied(Symbol(r"\\sigma"), Z)."""

    @property
    def shape(self):
        return self.args[1].shape


class Update(sp.Expr):
    """A gradient-descent assignment: Update(theta, step) prints as theta <- theta - step."""


class SheetLatexPrinter(CourseLatexPrinter):
    def _print_Applied(self, expr):
        name, matrix = expr.args
        return rf"{name.name}\left({self._print(matrix)}\right)"

    def _print_Update(self, expr):
        target, step = (self._print(arg) for arg in expr.args)
        return rf"{target} \leftarrow {target} - {step}"

    def _print_Indexed(self, expr):
        """w^{[l]}_{jk} rather than {w^{[l]}}_{j,k}: the course writes indices under the layer tag."""
        label = self._print(expr.base.label) if not isinstance(expr.base.label, sp.Symbol) else expr.base.label.name
        indices = [self._print(i) for i in expr.indices]
        joined = "".join(indices) if all(len(i) == 1 for i in indices) else ",".join(indices)
        return f"{label}_{{{joined}}}"

    def _print_Dots(self, expr):
        return rf"\{expr.name}dots"

    def _print_ChainProduct(self, expr):
        return r" \, ".join(self.parenthesize(arg, PRECEDENCE["Mul"], strict=True) for arg in expr.args)

    def _print_Piecewise(self, expr):
        rows, earlier = [], []
        for value, condition in expr.args:
            shown = sp.Not(sp.Or(*earlier)) if condition is sp.true and earlier else condition
            rows.append(rf"{self._print(value)}, & {self._print(shown)}")
            earlier.append(condition)
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_Derivative(self, expr):
        """d/dz for a function of one variable (the activation steps); the course's partials otherwise."""
        loss_like = isinstance(expr.expr, sp.Symbol) and not expr.expr.has(*expr.variables)  # dL/da: a partial
        if len(expr.expr.free_symbols) > 1 or len(expr.variable_count) > 1 or loss_like:
            return super()._print_Derivative(expr)
        (variable, count), = expr.variable_count
        order = "" if count == 1 else f"^{{{count}}}"
        body = self.parenthesize(expr.expr, PRECEDENCE["Mul"], strict=True)
        return rf"\frac{{d{order}}}{{d{self._print(variable)}{order}}} {body}"


def sheet_latex(expression, names: dict | None = None, positions: dict | None = None) -> str:
    """LaTeX for a sheet; with `positions` (Notation.chain_positions), products in chain-rule order."""
    return to_latex(expression, names, positions, printer=SheetLatexPrinter)


def visible_width(latex: str) -> int:
    """A rough count of the characters a reader sees: commands count one, layer tags like [1] one,
    a matrix as wide as its widest row."""
    latex = re.sub(r"\\begin\{matrix\}(.*?)\\end\{matrix\}", _widest_row, latex, flags=re.S)
    text = re.sub(r"\\(left|right|bigl|bigr)\b", "", latex)
    text = re.sub(r"\^\{\[[^\]]*\]\}", "'", text)
    text = re.sub(r"\\(frac|begin|end|operatorname)\b", "", text)
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    return len(re.sub(r"[{}\s&]", "", text))


def _widest_row(match: re.Match) -> str:
    rows = match.group(1).split(r"\\")
    return "m" * (max(visible_width(row) + 2 * row.count("&") for row in rows) if rows else 0)


def elide(matrix: sp.MatrixBase, limit: int = MATRIX_LIMIT) -> sp.ImmutableMatrix:
    """A large matrix shown by its first rows and columns, dots, then its last row and column."""
    rows, columns = matrix.shape
    keep_rows = _kept(rows, limit)
    keep_columns = _kept(columns, limit)
    out = []
    for i in keep_rows:
        row = []
        for j in keep_columns:
            if i is None and j is None:
                row.append(Dots("d"))
            elif i is None:
                row.append(Dots("v"))
            elif j is None:
                row.append(Dots("c"))
            else:
                row.append(matrix[i, j])
        out.append(row)
    return sp.ImmutableMatrix(out)


def _kept(count: int, limit: int) -> list[int | None]:
    if count <= limit:
        return list(range(count))
    return [0, 1, None, count - 1]


def shown(expression):
    """Elide any matrix too large to print in full."""
    if isinstance(expression, sp.MatrixBase) and max(expression.shape) > MATRIX_LIMIT:
        return elide(expression)
    return expression


def broken_lines(expression, names: dict, width: int = LINE_WIDTH, positions: dict | None = None) -> list[str]:
    """The expression printed as one or more lines, each within `width` where a break is possible."""
    whole = sheet_latex(expression, names, positions)
    if visible_width(whole) <= width:
        return [whole]
    if positions is not None:
        expression = in_chain_order(expression, positions)
    return fill(_chunks(expression, names, width, positions is not None), width)


def fill(chunks: list[str], width: int) -> list[str]:
    """Greedy line filling: chunks joined by spaces, a new line when the next would not fit."""
    lines: list[str] = []
    current = ""
    for chunk in chunks:
        candidate = f"{current} {chunk}".strip()
        if current and visible_width(candidate) > width:
            lines.append(current)
            current = chunk
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _chunks(expression, names: dict, width: int, ordered: bool = False) -> list[str]:
    """Pieces between which a line may break, with brackets that need not balance on one line.
    `ordered`: the expression is an unevaluated chain-ordered copy, so its args are kept as they are."""
    settings = {"symbol_names": names, "order": "none"} if ordered else {"symbol_names": names}
    printed = lambda e: SheetLatexPrinter(settings).doprint(e)  # noqa: E731
    if isinstance(expression, sp.Add):
        terms = list(expression.args) if ordered else expression.as_ordered_terms()
        chunks = []
        for index, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            body = _chunks(_negated(term) if negative else term, names, width, ordered)
            sign = "- " if negative else ("+ " if index else "")
            chunks.extend([sign + body[0], *body[1:]])
        return chunks
    if isinstance(expression, sp.Mul):
        numerator, denominator = sp.fraction(expression)
        if denominator != 1:
            return [printed(expression)]
        factors = list(expression.args) if ordered else expression.as_ordered_factors()
        numbers = [f for f in factors if f.is_Number]
        factors = [f for f in factors if not f.is_Number]
        coefficient = sp.Mul(*numbers)
        chunks = [] if coefficient == 1 else [printed(coefficient) if coefficient != -1 else "-"]
        for factor in factors:
            if isinstance(factor, sp.Add):
                inner = _chunks(factor, names, width, ordered) if visible_width(printed(factor)) > width // 2 else [printed(factor)]
                if len(inner) == 1:
                    chunks.append(rf"\left({inner[0]}\right)")
                else:
                    chunks.extend([r"\bigl(" + inner[0], *inner[1:-1], inner[-1] + r"\bigr)"])
            else:
                chunks.append(printed(factor))
        if chunks and chunks[0] == "-" and len(chunks) > 1:
            chunks = ["-" + chunks[1], *chunks[2:]]
        return chunks
    return [printed(expression)]


def _negated(term):
    """-term, keeping an unevaluated product's order: (-2) x y -> 2 x y."""
    if term.is_Mul and term.args and term.args[0].is_Number and term.args[0] < 0:
        rest = term.args[1:]
        coefficient = -term.args[0]
        args = rest if coefficient == 1 else (coefficient, *rest)
        return sp.Mul(*args, evaluate=False) if len(args) > 1 else args[0]
    return -term
