"""In-place NumPy statements for the fused training step: one ufunc call per operation, with `out=`.

`InPlaceEmitter.emit(formula, out)` turns one element-wise formula (as `numpy_printer.entrywise_formula`
gives it, e.g. dA1*(1 - A1**2)) into statements that compute it into the preallocated array `out`:

    np.square(A1, out=dZ1)
    np.subtract(1, dZ1, out=dZ1)
    np.multiply(dZ1, dA1, out=dZ1)

Sub-terms that cannot be folded into `out` go to scratch arrays of the same shape (`scratch_used`
says how many), so a step allocates nothing large. Anything it does not know is assigned whole
(`out[...] = <expression>`), which is still correct, only slower.
"""
from __future__ import annotations

import sympy as sp

from .numpy_printer import SCIPY_UFUNCS, CourseNumPyPrinter, _is_relu

UFUNCS = {
    sp.exp: "exp", sp.log: "log", sp.tanh: "tanh", sp.sinh: "sinh", sp.cosh: "cosh", sp.sin: "sin",
    sp.cos: "cos", sp.tan: "tan", sp.atan: "arctan", sp.asinh: "arcsinh", sp.Abs: "absolute", sp.sign: "sign",
}

COMPARISONS = {">": "greater", ">=": "greater_equal", "<": "less", "<=": "less_equal"}


class InPlaceEmitter:
    def __init__(self, printer: CourseNumPyPrinter, scratch: list[str], ufunc_name=None, mask: str | None = None):
        self.printer = printer
        self.scratch = scratch  # names of same-shaped scratch arrays, used as a stack
        self.ufunc_name = ufunc_name  # how a ufunc is called ("add" -> "np.add", or a local name)
        self.mask = mask  # a preallocated boolean array for a condition (Z1 > 0), if given
        self.depth = 0
        self.scratch_used = 0
        self.mask_used = False

    def emit(self, formula: sp.Expr, out: str) -> list[str]:
        return self._into(formula, out)

    # --- helpers ---
    def _np(self, name: str) -> str:
        return self.ufunc_name(name) if self.ufunc_name else self.printer._module_format(f"numpy.{name}")

    def _scipy(self, path: str) -> str:
        """A SciPy ufunc (erf, which NumPy lacks), registered with the printer so the module imports it."""
        qualified = self.printer._module_format(path)
        return self.ufunc_name(path) if self.ufunc_name else qualified

    def _condition(self, condition) -> tuple[list[str], str]:
        """A comparison as a boolean operand: into the preallocated mask when there is one."""
        if self.mask and condition.rel_op in COMPARISONS:
            self.mask_used = True
            operands = [self.printer.doprint(condition.lhs), self.printer.doprint(condition.rhs)]
            return [self._apply(COMPARISONS[condition.rel_op], operands, self.mask)], self.mask
        return [], f"({self.printer.doprint(condition)})"

    def _leaf(self, e) -> str | None:
        if isinstance(e, sp.Symbol) or e.is_Number:
            return self.printer.doprint(e)
        if isinstance(e, sp.core.relational.Relational):
            return f"({self.printer.doprint(e)})"
        return None

    def _operand(self, e) -> tuple[list[str], str, bool]:
        """(statements, name, took_scratch): a leaf as it is, anything else computed into scratch."""
        leaf = self._leaf(e)
        if leaf is not None:
            return [], leaf, False
        if self.depth >= len(self.scratch):
            return [], f"({self.printer.doprint(e)})", False
        name = self.scratch[self.depth]
        self.depth += 1
        self.scratch_used = max(self.scratch_used, self.depth)
        return self._into(e, name), name, True

    def _release(self, took: bool) -> None:
        self.depth -= took

    def _apply(self, ufunc: str, operands: list[str], out: str) -> str:
        return f"{self._np(ufunc)}({', '.join(operands)}, out={out})"

    def _source(self, e, out) -> tuple[list[str], str]:
        """A leaf stays itself; a compound sub-expression is computed into `out` first."""
        leaf = self._leaf(e)
        return ([], leaf) if leaf is not None else (self._into(e, out), out)

    def _combine(self, lines, out, rest, op_for):
        for term in rest:
            ufunc, operand_expr = op_for(term)
            more, name, took = self._operand(operand_expr)
            lines += more + [self._apply(ufunc, [out, name], out)]
            self._release(took)
        return lines

    # --- the cases ---
    def _into(self, e, out: str) -> list[str]:
        leaf = self._leaf(e)
        if leaf is not None:
            return [f"{self._np('copyto')}({out}, {leaf})"]
        if e.is_Add:
            return self._add(e, out)
        if e.is_Mul:
            return self._mul(e, out)
        if e.is_Pow:
            return self._pow(e, out)
        if isinstance(e, sp.Piecewise):
            return self._piecewise(e, out)
        if isinstance(e, sp.Function) and e.func in UFUNCS and len(e.args) == 1:
            lines, source = self._source(e.args[0], out)
            return lines + [self._apply(UFUNCS[e.func], [source], out)]
        if isinstance(e, sp.Heaviside):  # the step of max/min's derivative, with its value at 0
            lines, source = self._source(e.args[0], out)
            at_zero = self.printer.doprint(e.args[1] if len(e.args) > 1 else sp.S.Half)
            return lines + [self._apply("heaviside", [source, at_zero], out)]
        if isinstance(e, sp.Function) and e.func in SCIPY_UFUNCS and len(e.args) == 1:
            lines, source = self._source(e.args[0], out)
            return lines + [f"{self._scipy(SCIPY_UFUNCS[e.func])}({source}, out={out})"]
        return [f"{out}[...] = {self.printer.doprint(e)}"]

    def _add(self, e, out):
        terms = list(e.args)
        negative = [t for t in terms if t.could_extract_minus_sign()]
        positive = [t for t in terms if not any(t is n for n in negative)]
        compound = [t for t in positive if self._leaf(t) is None]
        if compound:
            lines, done = self._into(compound[0], out), [compound[0]]
        elif positive and negative:  # leaf - x: one np.subtract (x computed into out first if needed)
            leaf = self._leaf(positive[0])
            inner = [t for t in negative if self._leaf(-t) is None] or negative
            subtrahend = self._leaf(-inner[0])
            if subtrahend is None:
                lines = self._into(-inner[0], out) + [self._apply("subtract", [leaf, out], out)]
            else:
                lines = [self._apply("subtract", [leaf, subtrahend], out)]
            done = [positive[0], inner[0]]
        elif len(positive) > 1:
            lines = [self._apply("add", [self._leaf(positive[0]), self._leaf(positive[1])], out)]
            done = positive[:2]
        else:  # every term negative: -(sum)
            return self._into(-e, out) + [self._apply("negative", [out], out)]
        rest = [t for t in terms if not any(t is d for d in done)]
        return self._combine(lines, out, rest, lambda t: ("subtract", -t) if t.could_extract_minus_sign() else ("add", t))

    def _mul(self, e, out):
        coefficient, factors = e.as_coeff_mul()
        factors = list(factors)
        divisors = [f for f in factors if f.is_Pow and f.exp == -1]
        multipliers = [f for f in factors if not any(f is d for d in divisors)]
        if not multipliers:  # c / (x y ...): the denominator into out, then c / out
            lines = self._into(sp.Mul(*[d.base for d in divisors]), out)
            return lines + [self._apply("divide", [self.printer.doprint(coefficient), out], out)]
        compound = [f for f in multipliers if self._leaf(f) is None]
        if compound:
            first, done = compound[0], [compound[0]]
            lines = self._into(first, out)
        elif len(multipliers) > 1:
            first, second = multipliers[0], multipliers[1]
            lines, done = [self._apply("multiply", [self._leaf(first), self._leaf(second)], out)], [first, second]
        else:
            lines, done = [], []
            single = self._leaf(multipliers[0])
            if coefficient == -1:
                return [self._apply("negative", [single], out)] + self._combine(
                    [], out, divisors, lambda d: ("divide", d.base))
            if coefficient == 1 and divisors:  # x / d: one np.divide
                more, name, took = self._operand(divisors[0].base)
                lines = more + [self._apply("divide", [single, name], out)]
                self._release(took)
                return self._combine(lines, out, divisors[1:], lambda d: ("divide", d.base))
            lines = [self._apply("multiply", [single, self.printer.doprint(coefficient)], out)]
            coefficient = sp.Integer(1)
            done = [multipliers[0]]
        rest = [f for f in multipliers if not any(f is d for d in done)]
        lines = self._combine(lines, out, rest, lambda f: ("multiply", f))
        lines = self._combine(lines, out, divisors, lambda d: ("divide", d.base))
        if coefficient == -1:
            lines.append(self._apply("negative", [out], out))
        elif coefficient != 1:
            lines.append(self._apply("multiply", [out, self.printer.doprint(coefficient)], out))
        return lines

    def _pow(self, e, out):
        base, exponent = e.args
        lines, source = self._source(base, out)
        if exponent == -1:
            return lines + [self._apply("reciprocal", [source], out)]
        if exponent == 2:
            return lines + [self._apply("square", [source], out)]
        if exponent == sp.Rational(1, 2):
            return lines + [self._apply("sqrt", [source], out)]
        return lines + [self._apply("power", [source, self.printer.doprint(exponent)], out)]

    def _piecewise(self, e, out):
        if _is_relu(e):
            lines, source = self._source(e.args[0][0], out)
            return lines + [self._apply("maximum", [source, "0"], out)]
        if len(e.args) == 2 and e.args[1][1] == sp.true:
            (value, condition), (other, _) = e.args
            checks, test = self._condition(condition)
            if other == 0:  # value where the condition holds, else 0: a multiplication by the mask
                lines, source = self._source(value, out)
                return checks + lines + [self._apply("multiply", [source, test], out)]
            lines = checks + self._into(other, out)
            more, name, took = self._operand(value)
            lines += more + [f"{self._np('copyto')}({out}, {name}, where={test})"]
            self._release(took)
            return lines
        return [f"{out}[...] = {self.printer.doprint(e)}"]
