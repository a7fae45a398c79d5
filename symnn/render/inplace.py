"""NumPy statements that evaluate SymPy expressions into preallocated arrays, with ufunc `out=`.

Evaluating `12*x**2 + 8 - 2*y/5` over 100,000 points the plain way makes four temporary arrays;
here it becomes `numpy.multiply(x, x, out=t)`, `numpy.multiply(t, 12, out=t)`, ... on one buffer,
which is what lets a generated batched Hessian keep up with XLA's fused loops. Leaves (symbols,
numbers, anything without an in-place rule) are printed by SymPy's NumPy printer.
"""
from __future__ import annotations

import sympy as sp

# SymPy function -> NumPy ufunc that can write into `out`
UFUNCS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
    sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh", sp.atan: "arctan", sp.asinh: "arcsinh",
    sp.Abs: "absolute",
}
SMALL_POWERS = 4  # x**k for k up to this is done by repeated multiplication


class InPlaceEmitter:
    """Collects statements; `temporaries` lists the scratch buffers the statements use."""

    def __init__(self, printer, module: str = "numpy"):
        self.printer = printer
        self.np = module
        self.lines: list[str] = []
        self.temporaries: list[str] = []
        self._free: list[str] = []

    # --- scratch buffers, reused once released ---
    def _take(self) -> str:
        if self._free:
            return self._free.pop()
        name = f"_s{len(self.temporaries)}"
        self.temporaries.append(name)
        return name

    def _give(self, name: str) -> None:
        self._free.append(name)

    def _emit(self, line: str) -> None:
        self.lines.append(line)

    def _leaf(self, expr) -> str:
        return self.printer.doprint(expr)

    # --- the compiler ---
    def assign(self, expr: sp.Expr, target: str) -> None:
        """Statements that leave the value of `expr` (broadcast to the batch) in the array `target`."""
        expr = sp.sympify(expr)
        if expr.is_Number or expr.is_NumberSymbol:
            self._emit(f"{target}.fill({self._leaf(expr)})")
        elif expr.is_Symbol:
            self._emit(f"{self.np}.copyto({target}, {self._leaf(expr)})")
        elif expr.is_Add:
            self._add(expr, target)
        elif expr.is_Mul:
            self._mul(expr, target)
        elif expr.is_Pow:
            self._pow(expr, target)
        elif expr.func in UFUNCS and len(expr.args) == 1:
            source = self._operand(expr.args[0], target)
            self._emit(f"{self.np}.{UFUNCS[expr.func]}({source}, out={target})")
        else:  # no in-place rule (Piecewise, Max, ...): one expression, broadcast into the target
            self._emit(f"{self.np}.copyto({target}, {self._leaf(expr)})")

    def _operand(self, expr, target: str) -> str:
        """A name holding `expr`: the symbol itself, or `target` after computing into it."""
        if expr.is_Symbol:
            return self._leaf(expr)
        self.assign(expr, target)
        return target

    def _combine(self, ufunc: str, target: str, term) -> None:
        """target = target (ufunc) term, through a scratch buffer when the term is compound."""
        if term.is_Symbol or term.is_Number or term.is_NumberSymbol:
            self._emit(f"{self.np}.{ufunc}({target}, {self._leaf(term)}, out={target})")
            return
        scratch = self._take()
        self.assign(term, scratch)
        self._emit(f"{self.np}.{ufunc}({target}, {scratch}, out={target})")
        self._give(scratch)

    def _add(self, expr: sp.Add, target: str) -> None:
        constant, terms = expr.as_coeff_add()
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        negative = [-t for t in terms if t.could_extract_minus_sign()]
        if positive:
            self.assign(positive[0], target)
            rest = positive[1:]
        else:  # every term negative: start from the first one's negation
            self.assign(-negative[0], target)
            rest, negative = [], negative[1:]
        for term in rest:
            self._combine("add", target, term)
        for term in negative:
            self._combine("subtract", target, term)
        if constant != 0:
            self._emit(f"{self.np}.add({target}, {self._leaf(constant)}, out={target})")

    def _mul(self, expr: sp.Mul, target: str) -> None:
        coefficient, factors = expr.as_coeff_mul()
        numerator = [f for f in factors if not (f.is_Pow and f.exp.is_Number and f.exp < 0)]
        denominator = [1 / f for f in factors if f not in numerator]
        if not numerator:
            self.assign(sp.Integer(1) if coefficient == 1 else coefficient, target)
        else:
            first = numerator[0]
            if len(numerator) > 1 and first.is_Symbol and numerator[1].is_Symbol:
                self._emit(f"{self.np}.multiply({self._leaf(first)}, {self._leaf(numerator[1])}, out={target})")
                numerator = numerator[1:]
            elif first.is_Symbol and coefficient == -1:  # fold the sign into the first pass
                self._emit(f"{self.np}.negative({self._leaf(first)}, out={target})")
                coefficient = sp.Integer(1)
            elif first.is_Symbol and coefficient != 1:  # fold the coefficient into the first pass
                self._emit(f"{self.np}.multiply({self._leaf(first)}, {self._leaf(coefficient)}, out={target})")
                coefficient = sp.Integer(1)
            else:
                self.assign(first, target)
            for factor in numerator[1:]:
                self._combine("multiply", target, factor)
            if coefficient == -1:
                self._emit(f"{self.np}.negative({target}, out={target})")
            elif coefficient != 1:
                self._emit(f"{self.np}.multiply({target}, {self._leaf(coefficient)}, out={target})")
        for factor in denominator:
            self._combine("divide", target, factor)

    def _pow(self, expr: sp.Pow, target: str) -> None:
        base, exponent = expr.args
        if exponent.is_Integer and 2 <= exponent <= SMALL_POWERS:
            source = self._operand_kept(base)
            self._emit(f"{self.np}.multiply({source}, {source}, out={target})")
            for _ in range(int(exponent) - 2):
                self._emit(f"{self.np}.multiply({target}, {source}, out={target})")
            self._release(source)
        elif exponent == -1:
            source = self._operand(base, target)
            self._emit(f"{self.np}.divide(1, {source}, out={target})")
        elif exponent == sp.Rational(1, 2):
            source = self._operand(base, target)
            self._emit(f"{self.np}.sqrt({source}, out={target})")
        elif exponent.is_Number:
            source = self._operand(base, target)
            self._emit(f"{self.np}.power({source}, {self._leaf(exponent)}, out={target})")
        else:
            source = self._operand(base, target)
            self._combine_power(source, exponent, target)

    def _combine_power(self, source: str, exponent, target: str) -> None:
        scratch = self._take()
        self.assign(exponent, scratch)
        self._emit(f"{self.np}.power({source}, {scratch}, out={target})")
        self._give(scratch)

    def _operand_kept(self, expr) -> str:
        """A name holding `expr` that stays valid while the target is overwritten."""
        if expr.is_Symbol:
            return self._leaf(expr)
        scratch = self._take()
        self.assign(expr, scratch)
        return scratch

    def _release(self, name: str) -> None:
        if name in self.temporaries:
            self._give(name)
