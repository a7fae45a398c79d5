"""How the matrix-equation nodes print in LaTeX and in plain text (for comments and terminals).

`MatrixLatexMixin` is mixed into `printers.CourseLatexPrinter`: Hadamard products as \\odot, ones
vectors as \\mathbf{1}, an element-wise rule as the rule applied to the matrix (sigma(Z^{[1]}),
A^{[1]} \\odot (1 - A^{[1]})), the softmax by name, and a sum of entries as 1^T (.) 1.
"""
from __future__ import annotations

import sympy as sp

from ..derive.matrixnodes import Elementwise


def _named_body(printer, expr: Elementwise, wrap) -> sp.Expr:
    """The rule's formula with its variables replaced by symbols that print as the matrices."""
    stand_ins = []
    for index, matrix in enumerate(expr.matrices):
        stand_in = sp.Symbol(f"_entrywise_{index}")
        printer._matrix_stand_ins[stand_in] = wrap(matrix)
        stand_ins.append(stand_in)
    return expr.scalar_body(stand_ins)


def needs_parentheses(factor) -> bool:
    """Inside a product (matrix or Hadamard), sums and entry-wise formulas with operators get brackets."""
    if isinstance(factor, Elementwise):
        return factor.function.expr.is_Add or factor.function.expr.is_Mul
    if isinstance(factor, sp.MatMul):
        return factor.as_coeff_matrices()[0] != 1
    return isinstance(factor, (sp.MatAdd, sp.HadamardProduct, sp.Add))


def ordered_terms(expr: sp.MatAdd) -> list:
    """A sum's terms with the positive ones first, as people write A - Y (SymPy stores -Y + A)."""
    return sorted(expr.args, key=lambda t: t.could_extract_minus_sign())


def joined_terms(printer, expr: sp.MatAdd) -> str:
    terms = [printer._print(t) for t in ordered_terms(expr)]
    text = terms[0]
    for term in terms[1:]:
        text += f" - {term[1:].lstrip()}" if term.startswith("-") else f" + {term}"
    return text


def product_factor(printer, factor, left: str, right: str) -> str:
    text = printer._print(factor)
    return f"{left}{text}{right}" if needs_parentheses(factor) else text


class MatrixLatexMixin:
    _matrix_stand_ins: dict = {}

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._matrix_stand_ins:
            return self._matrix_stand_ins[expr]
        return super()._print_Symbol(expr, style=style)

    def _print_MatAdd(self, expr):
        return joined_terms(self, expr)

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(product_factor(self, a, r"\left(", r"\right)") for a in expr.args)

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        if coefficient not in (1, -1) or not any(needs_parentheses(f) for f in factors):
            return super()._print_MatMul(expr)
        sign = "- " if coefficient == -1 else ""
        return sign + " ".join(product_factor(self, f, r"\left(", r"\right)") for f in factors)

    def _print_OneMatrix(self, expr):
        if expr.shape[0] == 1:
            return r"\mathbf{1}^{T}"
        return r"\mathbf{1}" if expr.shape[1] == 1 else r"\mathbf{1} \mathbf{1}^{T}"

    def _print_Elementwise(self, expr):
        self._matrix_stand_ins = dict(self._matrix_stand_ins)
        body = _named_body(self, expr, self._print)
        previous = self._settings["mul_symbol_latex"]
        self._settings["mul_symbol_latex"] = r" \odot "
        try:
            return self._print(body)
        finally:
            self._settings["mul_symbol_latex"] = previous

    def _print_UnitSoftmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.matrix)}\right)"

    def _print_SumEntries(self, expr):
        return rf"\mathbf{{1}}^{{T}} \left({self._print(expr.matrix)}\right) \mathbf{{1}}"
