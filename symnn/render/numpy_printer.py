"""NumPy code from the matrix equations, through a subclass of SymPy's own NumPy printer.

Each matrix-expression node gets a `_print_<Node>` method: `@` for products, `.T` for transposes, a
product with a ones vector becomes a sum over that axis (`np.sum(dZ, axis=1, keepdims=True)`) or a
broadcast (`b1` in `W1 @ X + b1`), entry-by-entry rules print as NumPy ufunc expressions over whole
arrays, softmax calls the module's shifted `softmax`. Numbers print as Python literals, never as
`numpy.float64`, so float32 arrays stay float32 (NumPy treats Python scalars as weakly typed).
The module prefix is `np`, and `used_modules` says what the generated code must import.

NumPy has no erf: it prints as `scipy.special.erf`, a ufunc (it keeps float32 and takes `out=`, so the
fused step computes it in place). SciPy is optional (the `scipy` extra): a module that calls it imports
SciPy when it is installed, and otherwise raises an ImportError that names the extra when the
function is first used (the templates' `import_line`). Every other whitelisted function
(symnn/safe_expr.py) and derivative (sign, Heaviside) is NumPy's own ufunc.
"""
from __future__ import annotations

import math

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import precedence

from ..derive.matrixnodes import Elementwise, SumEntries, UnitSoftmax
from .matrixprint import joined_terms

ALIAS = {"numpy": "np"}
SCIPY_UFUNCS = {sp.erf: "scipy.special.erf"}  # SymPy function -> the SciPy ufunc for arrays, where NumPy has none


def entrywise_formula(expression) -> sp.Expr | None:
    """An element-wise matrix expression as one scalar formula over symbols named like the matrices
    (dA1 o (1 - A1^2) -> dA1*(1 - A1**2)); None when it has a matrix product or a softmax."""
    e = expression
    if isinstance(e, sp.MatrixSymbol):
        return sp.Symbol(e.name)
    if isinstance(e, (sp.MatAdd, sp.HadamardProduct, sp.MatMul)):
        parts = [entrywise_formula(a) for a in e.args]
        if any(p is None for p in parts):
            return None
        if isinstance(e, sp.MatMul) and sum(isinstance(a, sp.MatrixExpr) for a in e.args) > 1:
            return None
        return sp.Add(*parts) if isinstance(e, sp.MatAdd) else sp.Mul(*parts)
    if isinstance(e, Elementwise):
        parts = [entrywise_formula(m) for m in e.matrices]
        return None if any(p is None for p in parts) else e.scalar_body(parts)
    if isinstance(e, sp.MatrixExpr):
        return None
    return e


def _is_relu(expression: sp.Piecewise) -> bool:
    """Piecewise((e, e > 0), (0, True)): max(e, 0)."""
    if len(expression.args) != 2:
        return False
    (value, condition), (other, last) = expression.args
    return (last == sp.true and other == 0 and isinstance(condition, sp.StrictGreaterThan)
            and condition.lhs == value and condition.rhs == 0)


class CourseNumPyPrinter(NumPyPrinter):
    def __init__(self, settings=None):
        super().__init__({"fully_qualified_modules": True, **(settings or {})})
        self.used_modules: set[str] = set()

    def _module_format(self, fqn, register=True):
        module, _, name = fqn.rpartition(".")
        if register and module:
            self.used_modules.add(module)
        return f"{ALIAS.get(module, module)}.{name}" if module else name

    # --- scalars: Python literals keep the arrays' dtype ---
    def _print(self, expr, **kwargs):
        """A constant power or function value (sqrt(2), log(2), sqrt(pi)) as a Python float literal:
        np.sqrt(2) is a NumPy float64 scalar, which turns float32 arrays into float64 (NEP 50)."""
        if isinstance(expr, (sp.Pow, sp.Function)) and expr.is_number and not expr.is_Rational and expr.is_extended_real:
            value = float(expr)
            if math.isfinite(value):
                return repr(value)
        return super()._print(expr, **kwargs)

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}"

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Pow(self, expr, rational=False):
        if expr.exp.is_Integer and expr.exp.is_negative:
            base = self.parenthesize(expr.base, precedence(sp.Pow(expr.base, 2)), strict=False)
            if expr.exp == -1:
                return f"1/{self.parenthesize(expr.base, precedence(expr), strict=True)}"
            return f"1/{base}**{-expr.exp}"
        if expr.exp == sp.Rational(1, 2):
            return f"{self._module_format('numpy.sqrt')}({self._print(expr.base)})"
        return super()._print_Pow(expr, rational=rational)

    def _print_Relational(self, expr):
        return f"{self.parenthesize(expr.lhs, 50)} {expr.rel_op} {self.parenthesize(expr.rhs, 50)}"

    def _print_Piecewise(self, expr):
        if _is_relu(expr):
            return f"{self._module_format('numpy.maximum')}({self._print(expr.args[0][0])}, 0)"
        if len(expr.args) == 2 and expr.args[1][1] == sp.true:
            (value, condition), (other, _) = expr.args
            where = self._module_format("numpy.where")
            return f"{where}({self._print(condition)}, {self._print(value)}, {self._print(other)})"
        return super()._print_Piecewise(expr)

    def _print_Heaviside(self, expr):
        """np.heaviside keeps the array's dtype; SymPy's own printing, a select of the integers 0 and 1,
        makes an int64 array that turns float32 into float64."""
        at_zero = expr.args[1] if len(expr.args) > 1 else sp.S.Half
        return f"{self._module_format('numpy.heaviside')}({self._print(expr.args[0])}, {self._print(at_zero)})"

    def _print_erf(self, expr):
        return f"{self._module_format(SCIPY_UFUNCS[sp.erf])}({self._print(expr.args[0])})"

    # --- matrix expressions ---
    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_Transpose(self, expr):
        return f"{self.parenthesize(expr.arg, precedence(sp.Symbol('x')), strict=True)}.T"

    def _print_MatAdd(self, expr):
        return joined_terms(self, expr)

    def _print_HadamardProduct(self, expr):
        formula = entrywise_formula(expr)
        if formula is not None:
            return self._print(sp.piecewise_fold(formula))
        return " * ".join(self.parenthesize(a, precedence(expr_mul_marker), strict=False) for a in expr.args)

    def _print_Elementwise(self, expr):
        return self._print(sp.piecewise_fold(entrywise_formula(expr)))

    def _print_UnitSoftmax(self, expr):
        return f"softmax({self._print(expr.matrix)}, axis={expr.axis})"

    def _print_SumEntries(self, expr):
        return f"{self._module_format('numpy.sum')}({self._print(expr.matrix)})"

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        body = self.matrix_product(factors)
        if coefficient == 1:
            return body
        if coefficient == -1:
            return f"-{self._wrap(body, factors)}"
        if coefficient.is_Pow and coefficient.exp == -1:  # 1/m: scale the (smaller) product, once
            return f"{self._wrap(body, factors)} / {self._print(coefficient.base)}"
        return f"{self._print(coefficient)} * {self._wrap(body, factors)}"

    def _wrap(self, body: str, factors) -> str:
        simple = len(factors) == 1 and isinstance(factors[0], sp.MatrixSymbol)
        return body if simple or body.startswith(("np.", "softmax(")) else f"({body})"

    def matrix_product(self, factors) -> str:
        """Products with a ones vector are sums over an axis or broadcasts; the rest is `@`."""
        first, last = factors[0], factors[-1]
        total = self._module_format("numpy.sum")
        # 1 (n x k) on the left sums over axis 0 when k > 1 (and NumPy broadcasts the n rows back);
        # with k = 1 it only repeats a row. On the right, the same for axis 1.
        if len(factors) > 1 and isinstance(first, sp.OneMatrix):
            rest = self.matrix_product(factors[1:])
            return rest if first.shape[1] == 1 else f"{total}({rest}, axis=0, keepdims=True)"
        if len(factors) > 1 and isinstance(last, sp.OneMatrix):
            rest = self.matrix_product(factors[:-1])
            return rest if last.shape[0] == 1 else f"{total}({rest}, axis=1, keepdims=True)"
        return " @ ".join(self.parenthesize(f, precedence(expr_mul_marker), strict=True) for f in factors)


expr_mul_marker = sp.Symbol("x") * sp.Symbol("y")  # precedence of a product, for parenthesizing


def numpy_code(expression, printer: CourseNumPyPrinter | None = None) -> str:
    return (printer or CourseNumPyPrinter()).doprint(expression)
