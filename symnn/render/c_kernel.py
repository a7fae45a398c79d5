"""C source for a function's batched Hessian: one loop over the points, every entry computed in
registers, through `templates/c/hessian_batch.c.jinja`.

NumPy's in-place ufuncs cost one pass over the batch per operation (8 to 11 for a dense 2 x 2
Hessian); the compiled loop reads each point once and writes its matrix once. SymPy does the maths:
`cse` over the upper triangle's non-zero entries, small integer powers expanded into products
(`create_expand_pow_optimization`), and its C99 printer. The variables become v0, v1, ... so a
variable named like a C keyword or macro cannot break the source, and
no typed name appears in it. `symnn.native` compiles it.
"""
from __future__ import annotations

import sympy as sp
from sympy.codegen.rewriting import create_expand_pow_optimization, optimize
from sympy.printing.c import C99CodePrinter
from sympy.printing.codeprinter import PrintMethodNotImplementedError

from ..derive.functions import FunctionDerivation
from .environment import render

EXPAND_POWERS = create_expand_pow_optimization(8)  # x**k as x*x*...*x up to k = 8: exact and faster than pow


class KernelPrinter(C99CodePrinter):
    """SymPy's C99 printer, with the step function printed directly: SymPy rewrites it as a Piecewise,
    which needs `arg < 0` as a SymPy relation and raises TypeError when it cannot tell the argument is
    real (the Hessian of max(x, x/y) has Heaviside(x/y - x), and x/y may be infinite)."""

    def _print_Integer(self, expr):
        if abs(expr) > 2 ** 53:  # past int64 a C integer literal does not compile; the loop works in doubles anyway
            return repr(float(expr))
        return super()._print_Integer(expr)

    def _print_Heaviside(self, expr):
        argument = self._print(expr.args[0])
        at_zero = self._print(sp.Float(expr.args[1] if len(expr.args) > 1 else sp.S.Half))
        return f"(({argument}) > 0 ? 1.0 : (({argument}) < 0 ? 0.0 : {at_zero}))"


def _c_code(printer: C99CodePrinter, expression: sp.Expr) -> str:
    return printer.doprint(optimize(expression, [EXPAND_POWERS]))


def hessian_kernel_source(derivation: FunctionDerivation) -> str | None:
    """The kernel's C source, or None when the Hessian uses a function C's math library lacks.

    Nothing typed reaches it: the variables are renamed v0, v1, ... and every line is SymPy's C."""
    n = derivation.spec.n
    renamed = {v: sp.Symbol(f"v{i}", real=True) for i, v in enumerate(derivation.variables)}
    hessian = derivation.hessian.xreplace(renamed)
    upper = [(i, j) for i in range(n) for j in range(i, n) if hessian[i, j] != 0]
    replacements, reduced = sp.cse([hessian[i, j] for i, j in upper], symbols=sp.numbered_symbols("t"))
    printer = KernelPrinter({"strict": True})
    try:
        steps = [(symbol.name, _c_code(printer, value)) for symbol, value in replacements]
        entries = [(index, _c_code(printer, value)) for index, value in zip(upper, reduced)]
    except PrintMethodNotImplementedError:
        return None
    nonzero = len(upper) + sum(1 for i, j in upper if i != j)
    return render(
        "c/hessian_batch.c.jinja",
        c_variables=[renamed[v].name for v in derivation.variables],
        n=n,
        nonzero=nonzero,
        zeroed=nonzero < n * n,
        steps=steps,
        entries=entries,
    )
