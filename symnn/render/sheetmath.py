"""Printing for derivation sheets: LaTeX that reads like lecture notes, with long formulas broken.

`SheetLatexPrinter` adds what a sheet needs to the course printer: piecewise functions with explicit
conditions (no English "otherwise", so both languages share the maths), d/dz for one-variable
derivatives, and `Dots` for the elided rows and columns of large matrices, `ChainProduct` for chain-rule factors in the
order they are applied. `broken_lines` splits a
long sum or product at its top level (and inside a long bracketed factor) into lines of a width
budget, so no equation runs off the page.
"""
from __future__ import annotations

import re

import sympy as sp

from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.printing.precedence import PRECEDENCE

from .printers import CourseLatexPrinter

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

    # --- matrix products: brackets where an operand is itself a sum or a Hadamard product ---
    def _matrix_operand(self, arg) -> str:
        printed = self._print(arg)
        compound = isinstance(arg, (sp.MatAdd, sp.Add, sp.HadamardProduct)) or (
            type(arg).__name__ == "Elementwise" and isinstance(arg.function.expr, (sp.Add, sp.Mul)))
        return rf"\left({printed}\right)" if compound else printed

    def _print_MatMul(self, expr):
        args = list(expr.args)
        sign = ""
        if args and args[0] == -1:
            sign, args = "-", args[1:]
        return sign + " ".join(self._matrix_operand(arg) for arg in args)

    def _print_HadamardProduct(self, expr):
        return r" \circ ".join(self._matrix_operand(arg) for arg in expr.args)

    # --- the matrix-form nodes of derive/matrixnodes.py ---
    def _print_Elementwise(self, expr):
        """The scalar rule written over the matrices, entry by entry (products as Hadamard products)."""
        stand_ins = {v: sp.Dummy(f"M{i}") for i, v in enumerate(expr.function.variables)}
        names = dict(self._settings["symbol_names"])
        names.update({stand_ins[v]: self._print(m) for v, m in zip(expr.function.variables, expr.matrices)})
        body = expr.function.expr.xreplace(stand_ins)
        return EntrywisePrinter({"symbol_names": names}).doprint(body)

    def _print_UnitSoftmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.matrix)}\right)"

    def _print_SumEntries(self, expr):
        return rf"\sum_{{i,j}} \left({self._print(expr.matrix)}\right)_{{ij}}"

    def _print_OneMatrix(self, expr):
        rows, columns = expr.shape
        if columns == 1:
            return rf"\mathbf{{1}}_{{{self._print(rows)}}}"
        if rows == 1:
            return rf"\mathbf{{1}}_{{{self._print(columns)}}}^{{T}}"
        return rf"\mathbf{{1}}_{{{self._print(rows)} \times {self._print(columns)}}}"

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


class EntrywisePrinter(SheetLatexPrinter):
    """The body of an entry-by-entry formula over matrices: products are Hadamard products."""

    def _print_Mul(self, expr):
        numerator, denominator = sp.fraction(expr)
        if denominator != 1:
            return super()._print_Mul(expr)
        coefficient, factors = expr.as_coeff_mul()
        if len(factors) < 2:
            return super()._print_Mul(expr)
        joined = r" \circ ".join(self.parenthesize(f, PRECEDENCE["Mul"], strict=True) for f in factors)
        if coefficient == 1:
            return joined
        return ("-" if coefficient == -1 else self._print(coefficient) + " ") + joined


def sheet_latex(expression, names: dict | None = None) -> str:
    return SheetLatexPrinter({"symbol_names": names or {}}).doprint(expression)


def visible_width(latex: str) -> int:
    """A rough count of the characters a reader sees: commands count one, layer tags like [1] one."""
    text = re.sub(r"\\(left|right|bigl|bigr)\b", "", latex)
    text = re.sub(r"\^\{\[[^\]]*\]\}", "'", text)
    text = re.sub(r"\\(frac|begin|end|operatorname)\b", "", text)
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    return len(re.sub(r"[{}\s&]", "", text))


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


def broken_lines(expression, names: dict, width: int = LINE_WIDTH) -> list[str]:
    """The expression printed as one or more lines, each within `width` where a break is possible."""
    whole = sheet_latex(expression, names)
    if visible_width(whole) <= width:
        return [whole]
    return fill(_chunks(expression, names, width), width)


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


def _chunks(expression, names: dict, width: int) -> list[str]:
    """Pieces between which a line may break, with brackets that need not balance on one line."""
    printed = lambda e: sheet_latex(e, names)  # noqa: E731
    if isinstance(expression, sp.Add):
        terms = expression.as_ordered_terms()
        chunks = []
        for index, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            body = _chunks(-term if negative else term, names, width)
            sign = "- " if negative else ("+ " if index else "")
            chunks.extend([sign + body[0], *body[1:]])
        return chunks
    if isinstance(expression, sp.Mul):
        numerator, denominator = sp.fraction(expression)
        if denominator != 1:
            return [printed(expression)]
        coefficient, _ = expression.as_coeff_mul()
        factors = [f for f in expression.as_ordered_factors() if f != coefficient]
        chunks = [] if coefficient == 1 else [printed(coefficient) if coefficient != -1 else "-"]
        for factor in factors:
            if isinstance(factor, sp.Add):
                inner = _chunks(factor, names, width) if visible_width(printed(factor)) > width // 2 else [printed(factor)]
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
