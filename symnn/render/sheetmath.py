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

from dataclasses import dataclass, replace
from typing import Callable

import sympy as sp

from sympy.matrices.expressions.matexpr import MatrixExpr
from sympy.printing.precedence import PRECEDENCE

from .matrixprint import ordered_terms
from .printers import CourseLatexPrinter, in_chain_order, to_latex
from .texwidth import SPACES, tex_width

TEXT_WIDTH = 440.0  # pt of maths on a line: the A4 text width at 2.2cm margins (472pt) less 7% for the estimate
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
        body = self.parenthesize(expr.expr, PRECEDENCE["Mul"])  # d/dz (z sin z), not (d/dz z) sin z
        return rf"\frac{{d{order}}}{{d{self._print(variable)}{order}}} {body}"


def sheet_latex(expression, names: dict | None = None, positions: dict | None = None) -> str:
    """LaTeX for a sheet; with `positions` (Notation.chain_positions), products in chain-rule order."""
    return to_latex(expression, names, positions, printer=SheetLatexPrinter)


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


def line_widths(lhs: str = "", note: str = "") -> tuple[float, float]:
    """(first, rest): the room on an aligned equation's first line, after `lhs =`, and on the lines
    after it, which the sheets indent by \\qquad; a `&& note` beside the lines takes its width too."""
    taken = tex_width(lhs) + (tex_width(note) + 2 * SPACES["quad"] if note else 0.0)
    return TEXT_WIDTH - taken - tex_width("{}="), TEXT_WIDTH - taken - SPACES["qquad"]


def fitted_lines(expression, names: dict | None = None, lhs: str = "", note: str = "", positions: dict | None = None,
                 printer: type[CourseLatexPrinter] | None = None) -> list[str]:
    """`broken_lines` for the right-hand side of `lhs &= ...` in an aligned display."""
    first, rest = line_widths(lhs, note)
    return broken_lines(expression, names or {}, rest, positions, first, printer)


def fits_a_line(latex: str) -> bool:
    """Whether a whole display (a matrix, say) fits the width of a sheet's line."""
    return tex_width(latex) <= TEXT_WIDTH


def broken_lines(expression, names: dict, width: float = TEXT_WIDTH, positions: dict | None = None,
                 first: float | None = None, printer: type[CourseLatexPrinter] | None = None) -> list[str]:
    """The expression printed as lines that each fit `width` pt (the first line `first` pt), broken only
    before a top-level operator: +, - or, inside a long product, a \\cdot that starts the next line.
    A term too wide for a line of its own is broken inside (a bracketed sum, a product's factors).
    `printer`: the sheets' own unless given (the function sheets print with the course printer)."""
    first = width if first is None else first
    printer = printer or SheetLatexPrinter
    whole = to_latex(expression, names, positions, printer=printer)
    if tex_width(whole) <= first or not _splittable(expression):
        return [whole]
    ordered = positions is not None
    if ordered:
        expression = in_chain_order(expression, positions)
    settings = {"symbol_names": names, "order": "none"} if ordered else {"symbol_names": names}
    pieces = _Splitter(printer(settings), ordered).pieces(expression)
    return lay_out(pieces, first, width)


def broken_product(factors: list[str], width: float = TEXT_WIDTH, first: float | None = None) -> list[str]:
    """Printed factors joined by \\cdot, broken before a \\cdot (which then starts the next line)."""
    pieces = [Piece(f, inline=r" \cdot " if index else "", leading=r"{} \cdot ") for index, f in enumerate(factors)]
    return lay_out(pieces, width if first is None else first, width)


@dataclass(frozen=True)
class Piece:
    """A part of a formula between two places where a line may break.

    `inline` joins it to the piece before on the same line (" + ", " - ", " " in a product); `leading`
    starts a new line with it ("{} + ", "{} \\cdot "; the empty group makes TeX space the operator as
    a binary one). `prefix` and `suffix` are brackets opened or closed around it by a split term.
    `parts`, when set, splits the piece further for a term too wide for a whole line."""

    body: str
    inline: str = ""
    leading: str = ""
    prefix: str = ""
    suffix: str = ""
    parts: Callable[[], list["Piece"]] | None = None

    def text(self, starts_line: bool) -> str:
        return (self.leading if starts_line else self.inline) + self.prefix + self.body + self.suffix


def lay_out(pieces: list[Piece], first: float, width: float) -> list[str]:
    """Greedy filling, outer breaks first: a piece that does not fit goes to the next line if it fits
    a line there; only a piece too wide for any line is split into its own parts."""
    lines: list[str] = []
    current = ""
    stack = list(reversed(pieces))
    while stack:
        piece = stack.pop()
        budget = width if lines else first
        if not current:
            text = piece.text(starts_line=bool(lines))
            if tex_width(text) > budget and piece.parts is not None:
                stack.extend(reversed(_split(piece)))
                continue
            current = text
            continue
        joined = current + piece.text(False)
        if tex_width(joined) <= budget:
            current = joined
        elif piece.parts is None or tex_width(piece.text(True)) <= width:
            lines.append(current)
            current = ""
            stack.append(piece)
        else:
            stack.extend(reversed(_split(piece)))
    if current:
        lines.append(current)
    return lines


def _split(piece: Piece) -> list[Piece]:
    """The piece's parts, the first taking over its joiners and opening bracket, the last its closing one."""
    parts = piece.parts()
    head, tail = parts[0], parts[-1]
    # the first part's own inline text is a sign ("" or "-"): it goes inside the bracket the piece opens
    parts[0] = replace(head, inline=piece.inline, leading=piece.leading, prefix=piece.prefix + head.inline + head.prefix)
    if len(parts) == 1:
        tail = parts[0]
    parts[-1] = replace(tail, suffix=tail.suffix + piece.suffix)
    return parts


def _splittable(expression) -> bool:
    return isinstance(expression, (sp.Add, sp.Mul, ChainProduct, sp.MatAdd))


class _Splitter:
    """The pieces of a sum (its terms) or a product (its factors), printed as the whole would be."""

    def __init__(self, printer: CourseLatexPrinter, ordered: bool):
        self.printer = printer
        self.ordered = ordered  # an unevaluated chain-ordered copy: its args are kept in their order
        self.times = printer._settings["mul_symbol_latex"]  # " " unless the printer writes \cdot or \times

    def print(self, expression) -> str:
        return self.printer._print(expression)

    def pieces(self, expression) -> list[Piece]:
        if isinstance(expression, (sp.Add, sp.MatAdd)):
            return self.terms(expression)
        if isinstance(expression, ChainProduct):
            return self.chain(expression)
        if isinstance(expression, sp.Mul):
            return self.factors(expression)
        return [Piece(self.print(expression))]

    def piece(self, expression, **joiners) -> Piece:
        splittable = _splittable(expression) and not (isinstance(expression, sp.Mul) and len(self._factor_list(expression)) < 2)
        parts = (lambda: self.pieces(expression)) if splittable else None
        return Piece(self.print(expression), parts=parts, **joiners)

    def terms(self, expression) -> list[Piece]:
        if isinstance(expression, sp.MatAdd):
            terms = ordered_terms(expression)
        else:
            terms = list(expression.args) if self.ordered else self.printer._as_ordered_terms(expression)
        out = []
        for index, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            body = _negated(term) if negative else term
            sign = "-" if negative else "+"
            if index == 0:
                out.append(self.piece(body, inline="- " if negative else "", leading=f"{{}} {sign} " if negative else ""))
            else:
                out.append(self.piece(body, inline=f" {sign} ", leading=f"{{}} {sign} "))
        return out

    def _factor_list(self, expression) -> list:
        args = list(expression.args) if self.ordered else expression.as_ordered_factors()
        flat = []
        for arg in args:
            flat.extend(self._factor_list(arg) if isinstance(arg, sp.Mul) else [arg])
        return flat

    def factors(self, expression) -> list[Piece]:
        """Numbers first, then each factor; a 1/denominator in front of a fraction's numerator."""
        numerator, denominator = sp.fraction(expression, exact=True)
        sign, pieces = "", []
        if denominator != 1:
            negative = numerator.could_extract_minus_sign()
            numerator = -numerator if negative else numerator
            sign = "- " if negative else ""
            pieces.append(Piece(rf"\frac{{1}}{{{self.print(denominator)}}}"))
            factors = [] if numerator == 1 else self._factor_list(numerator) if isinstance(numerator, sp.Mul) else [numerator]
        else:
            factors = self._factor_list(expression)
            numbers = [f for f in factors if f.is_Number]
            factors = [f for f in factors if not f.is_Number]
            coefficient = sp.Mul(*numbers)
            if coefficient < 0:
                sign, coefficient = "- ", -coefficient
            if coefficient != 1 or not factors:
                pieces.append(Piece(self.print(coefficient)))
        for factor in factors:
            after_number = bool(pieces) and pieces[-1].body[:1].isdigit()
            inline = r" \cdot " if after_number and self.print(factor)[:1].isdigit() else self.times
            joiners = {"inline": inline if pieces else "", "leading": r"{} \cdot "}
            if isinstance(factor, (sp.Add, sp.MatAdd)):
                pieces.append(self.bracketed(factor, **joiners))
            else:
                pieces.append(Piece(self.printer.parenthesize(factor, PRECEDENCE["Mul"], strict=False), **joiners))
        if sign:
            pieces[0] = replace(pieces[0], inline=sign + pieces[0].inline)
        return pieces

    def chain(self, expression: ChainProduct) -> list[Piece]:
        return [Piece(self.printer.parenthesize(arg, PRECEDENCE["Mul"], strict=True), inline=r" \, " if index else "",
                      leading=r"{} \cdot ") for index, arg in enumerate(expression.args)]

    def bracketed(self, expression, **joiners) -> Piece:
        """(a sum) as a factor: \\left( \\right) on one line; split, brackets of a fixed size that may span lines."""
        inner = self.print(expression)
        tall = any(command in inner for command in (r"\frac", r"\sum", r"\begin"))
        nested = any(bracket in inner for bracket in (r"\left(", r"\bigl(", r"\Bigl("))
        size = "bigg" if tall and nested else "Big" if tall or nested else "big"

        def parts() -> list[Piece]:
            pieces = self.terms(expression)
            pieces[0] = replace(pieces[0], prefix=rf"\{size}l(" + pieces[0].inline + pieces[0].prefix, inline="")
            pieces[-1] = replace(pieces[-1], suffix=pieces[-1].suffix + rf"\{size}r)")
            return pieces

        return Piece(rf"\left({inner}\right)", parts=parts, **joiners)


def _negated(term):
    """-term, keeping an unevaluated product's order: (-2) x y -> 2 x y."""
    if term.is_Mul and term.args and term.args[0].is_Number and term.args[0] < 0:
        rest = term.args[1:]
        coefficient = -term.args[0]
        args = rest if coefficient == 1 else (coefficient, *rest)
        return sp.Mul(*args, evaluate=False) if len(args) > 1 else args[0]
    return -term
