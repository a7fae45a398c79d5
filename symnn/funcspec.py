"""What to derive for a plain function: an expression in named variables, read without eval.

`parse_function("x^4 + 0.8*y^4 - x*y")` infers the variables (x, y; or x1..xn in numeric order);
`--vars x,y` names them and fixes their order. Every problem raises SpecError or ParseError with one
sentence that names it.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import sympy as sp

from .errors import SpecError
from .render.escape import shell_command
from .safe_expr import CONSTANTS, FUNCTIONS, MODULE_PREFIXES, formula_names, read_formula

MAX_VARIABLES = 100
# Names generated code uses for itself; a variable may not shadow them.
RESERVED = {"math", "np", "numpy", "point", "points", "out", "H", "f", "gradient", "hessian"}


@dataclass(frozen=True)
class FunctionSpec:
    """f(variables) = expression, with the text it was read from (None when built in Python)."""

    expression: sp.Expr
    variables: tuple[sp.Symbol, ...]
    text: str | None = None

    @property
    def n(self) -> int:
        return len(self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def command_line(self) -> str:
        """Arguments that regenerate this function, shell-quoted: SymPy's printing of the expression
        (never the typed text) and --vars."""
        return shell_command([sp.sstr(self.expression), "--vars", ",".join(self.names)])

    @property
    def slug(self) -> str:
        """A file-name-safe name made from the expression, e.g. x4_0p8_y4 for x^4 + 0.8*y^4."""
        text = self.text if self.text is not None else sp.sstr(self.expression)
        cleaned = re.sub(r"[^A-Za-z0-9]+", "_", text.replace("**", "").replace("^", "").replace(".", "p")).strip("_")
        return cleaned[:40].rstrip("_") or "function"


def variable_symbol(name: str) -> sp.Symbol:
    """Variables are real: critical points, eigenvalues and classifications are about the real line."""
    return sp.Symbol(name, real=True)


def _natural_key(name: str):
    match = re.fullmatch(r"(.*?)(\d+)", name)
    return (match.group(1), int(match.group(2))) if match else (name, -1)


def check_variable_names(names: list[str]) -> None:
    if not names:
        raise SpecError("the function has no variables; name them with --vars x,y")
    if len(names) > MAX_VARIABLES:
        raise SpecError(f"the function has {len(names)} variables; the limit is {MAX_VARIABLES}")
    seen = set()
    for name in names:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or keyword.iskeyword(name):  # ASCII: no look-alikes
            raise SpecError(f"{name!r} cannot be a variable name; use letters and digits, like x, y or x1")
        if name in FUNCTIONS or name in MODULE_PREFIXES or name in RESERVED:
            raise SpecError(f"{name!r} is a reserved name and cannot be a variable")
        if name in seen:
            raise SpecError(f"the variable {name!r} is named twice in --vars")
        seen.add(name)


def infer_variables(text: str) -> list[str]:
    """The names a formula uses, minus constants, in natural order (x, y; x1, x2, ..., x10)."""
    names = formula_names(text) - set(CONSTANTS)
    return sorted(names, key=_natural_key)


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()] if text else []


def parse_function(text: str, variables: str | list[str] | None = None) -> FunctionSpec:
    """A validated function spec from a formula; `variables` ("x,y" or a list) names and orders them."""
    names = split_names(variables) if isinstance(variables, str) else list(variables or [])
    if not names:
        names = infer_variables(text)
        if not names:
            read_formula(text, {})  # a formula that cannot be read says so before "no variables"
    check_variable_names(names)
    symbols = {name: variable_symbol(name) for name in names}
    expression = read_formula(text, symbols)
    if not isinstance(expression, sp.Expr) or expression.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise SpecError(f"{text!r} is not a finite function")
    return FunctionSpec(expression, tuple(symbols[n] for n in names), text.strip())


def function_from_expression(expression: sp.Expr, variables) -> FunctionSpec:
    """A function spec from SymPy objects built in Python (trusted input, no parsing)."""
    symbols = tuple(variables)
    check_variable_names([s.name for s in symbols])
    extra = expression.free_symbols - set(symbols)
    if extra:
        raise SpecError(f"the expression uses {', '.join(sorted(s.name for s in extra))}, which are not among its variables")
    return FunctionSpec(sp.sympify(expression), symbols)


def rosenbrock(n: int) -> FunctionSpec:
    """sum_{i<n} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, the standard test of Newton's method."""
    if n < 2:
        raise SpecError("the Rosenbrock function needs at least 2 variables")
    xs = tuple(variable_symbol(f"x{i}") for i in range(1, n + 1))
    expression = sp.Add(*(100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2 for i in range(n - 1)))
    return FunctionSpec(expression, xs, None if n > 2 else "100*(x2 - x1^2)^2 + (1 - x1)^2")
