"""A NumPy module for a function: f, its gradient and Hessian per point, and the Hessian batched.

SymPy's common-subexpression elimination runs over all second derivatives at once; only the upper
triangle's non-zero entries are computed (SymPy knows which entries vanish and which mirror each
other), scalar work is plain Python floats (a NumPy call per entry costs more than the arithmetic),
and the batched Hessian writes every entry with in-place ufuncs (`render.inplace`).
"""
from __future__ import annotations

import types

import sympy as sp
from sympy.printing.codeprinter import PrintMethodNotImplementedError
from sympy.printing.pycode import PythonCodePrinter

from ..derive.functions import FunctionDerivation
from ..errors import SymnnError
from .environment import render
from .inplace import InPlaceEmitter
from .numpy_printer import CourseNumPyPrinter

DENSE_LIMIT = 24  # up to this many non-zero entries, assign them one by one; beyond, scatter by index
SCRATCH = [f"_s{i}" for i in range(16)]  # scratch arrays the in-place batch code may use


def _huge_as_float(integer) -> str | None:
    """An integer past 2^53 printed as a float literal: float64 arithmetic is what the module does anyway,
    and a Python int past int64 in NumPy is an object array (log, sqrt and isfinite refuse it)."""
    return repr(float(integer)) if abs(integer) > 2 ** 53 else None


class ScalarPrinter(PythonCodePrinter):
    """Python floats and `math`: the fastest way to evaluate one point."""

    def __init__(self):
        super().__init__({"strict": True, "fully_qualified_modules": True})

    def _print_Integer(self, expr):
        return _huge_as_float(expr) or super()._print_Integer(expr)

    def _print_Pow(self, expr, rational=False):
        """A power that is not an integer or a square root goes through math.pow: Python's ** gives a
        complex number for a negative base ((-2.0)**math.pi), math.pow a domain error, as math.log does."""
        exponent = expr.exp
        if exponent.is_Integer or exponent in (sp.S.Half, -sp.S.Half):
            return super()._print_Pow(expr, rational)
        return f"{self._module_format('math.pow')}({self._print(expr.base)}, {self._print(exponent)})"


class BatchPrinter(CourseNumPyPrinter):
    """NumPy over arrays of points; erf, which NumPy lacks, is SciPy's ufunc (see numpy_printer)."""

    def __init__(self):
        super().__init__({"strict": True})

    def _print_Integer(self, expr):
        return _huge_as_float(expr) or super()._print_Integer(expr)


class BatchEmitter(InPlaceEmitter):
    """codegen's emitter, plus one case that matters for Hessians: c - t1 - t2 (every variable term
    negative) starts from -t1 in one pass instead of computing the sum and negating it."""

    def _add(self, e, out):
        constant, terms = e.as_coeff_add()
        if constant != 0 and terms and all(t.could_extract_minus_sign() for t in terms):
            lines = self._into(terms[0], out)
            rest = list(terms[1:]) + [constant]
            return self._combine(lines, out, rest, lambda t: ("add", t) if t.is_Number else ("subtract", -t))
        return super()._add(e, out)


def fewest_operations(expression: sp.Expr) -> sp.Expr:
    """The expression or its expansion, whichever takes fewer passes over a batch
    (2*(6*x**2 - y/5 + 4) takes six, 12*x**2 - 2*y/5 + 8 five)."""
    expanded = sp.expand(expression)
    return expanded if _passes(expanded) < _passes(expression) else expression


def _passes(expression: sp.Expr) -> int:
    return len(BatchEmitter(BatchPrinter(), SCRATCH).emit(expression, "out"))


def _cse(expressions: list[sp.Expr], prefix: str = "_c"):
    replacements, reduced = sp.cse(expressions, symbols=sp.numbered_symbols(prefix))
    return replacements, reduced


def _printed(printer, expression) -> str:
    try:
        return printer.doprint(expression)
    except Exception as exc:  # SymPy raises several types for functions a printer does not know
        raise SymnnError(f"cannot generate code for {sp.sstr(expression)[:60]}: {exc}") from None


def function_context(derivation: FunctionDerivation) -> dict:
    """Template context: cse'd statements and entries, already printed by SymPy's code printers."""
    spec = derivation.spec
    n = spec.n
    scalar = ScalarPrinter()
    hessian = derivation.hessian.applyfunc(fewest_operations)
    upper = [(i, j) for i in range(n) for j in range(i, n) if hessian[i, j] != 0]

    def block(expressions, prefix):
        replacements, reduced = _cse(list(expressions), prefix)
        return ([(s.name, _printed(scalar, e)) for s, e in replacements], [_printed(scalar, e) for e in reduced])

    value_steps, (value,) = block([derivation.expression], "_v")
    gradient_steps, gradient = block(derivation.gradient, "_g")
    hessian_steps, entries = block([hessian[i, j] for i, j in upper], "_h")
    nonzero = len(upper) + sum(1 for i, j in upper if i != j)

    batch_printer = BatchPrinter()
    batch = BatchEmitter(batch_printer, SCRATCH)
    replacements, reduced = _cse([hessian[i, j] for i, j in upper], "_b")
    batch_symbols = [s.name for s, _ in replacements]
    batch_lines = []
    for symbol, expression in replacements:
        batch_lines += batch.emit(expression, symbol.name)
    mirrors = []
    for (i, j), expression in zip(upper, reduced):
        batch_lines += batch.emit(expression, f"out[{i}, {j}]")
        if i != j:
            mirrors.append((j, i, i, j))
    imports = sorted(set(scalar.module_imports) | batch_printer.used_modules | {"math", "numpy"})
    from .c_kernel import hessian_kernel_source  # SymPy's C printer and codegen: imported when a module is made

    command = f"symnn hessian {spec.command_line()} --code FILE"
    c_source = hessian_kernel_source(derivation)
    assert c_source is None or '"""' not in c_source  # it is embedded in a triple-quoted string
    return {
        "spec": spec,
        "variables": list(spec.names),
        "unpack": ", ".join(spec.names) + ("," if n == 1 else ""),
        "n": n,
        "imports": imports,
        "value_steps": value_steps,
        "value": value,
        "gradient_steps": gradient_steps,
        "gradient": gradient,
        "hessian_steps": hessian_steps,
        "entries": list(zip(upper, entries)),
        "dense": nonzero <= DENSE_LIMIT,
        "upper_index": [i * n + j for i, j in upper],
        "lower_index": [j * n + i for i, j in upper],
        "nonzero": nonzero,
        "batch_symbols": batch_symbols,
        "batch_temporaries": SCRATCH[:batch.scratch_used],
        "batch_lines": batch_lines,
        "mirrors": mirrors,
        "command": command,
        "c_source": c_source,
    }


def function_module_source(derivation: FunctionDerivation) -> str:
    try:
        context = function_context(derivation)
    except PrintMethodNotImplementedError as exc:  # a function NumPy or Python's math cannot evaluate
        raise SymnnError(f"cannot generate code for this function: {str(exc).splitlines()[0]}") from None
    return render("numpy/function.py.jinja", **context)


def load_source(source: str, name: str) -> types.ModuleType:
    """A generated module, imported from its source in memory. The source is SymPy's printing of
    parsed expression trees through our templates, never text a person typed."""
    module = types.ModuleType(name)
    module.__file__ = f"<symnn generated {name}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 (generated code)
    return module


def load_function_module(derivation: FunctionDerivation, name: str = "symnn_function") -> types.ModuleType:
    return load_source(function_module_source(derivation), name)
