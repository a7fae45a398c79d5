"""The differentiation rules, one at a time: given d/dx f, the rule that fits f's outermost operation
and its result with the derivatives of f's parts left pending (unevaluated `Derivative` objects).

Each rule is the textbook one (sum, constant multiple, product, quotient, power, chain, and the
derivative of each elementary function); the derivative of an outer function is SymPy's own
(`fdiff`), written for a plain symbol u so that a sheet can state it: d/du sin(u) = cos(u).
`derive.steps` strings the applications together and checks every one against SymPy's `diff`.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

# Function classes grouped by the rule a sheet names (the keys of [rules] in symnn/i18n/<lang>.toml).
FAMILIES = {
    "exp": (sp.exp,),
    "log": (sp.log,),
    "trig": (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc),
    "inverse_trig": (sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc),
    "hyperbolic": (sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch),
    "inverse_hyperbolic": (sp.asinh, sp.acosh, sp.atanh, sp.acoth),
    "abs": (sp.Abs,),
    "sign": (sp.sign,),
    "step": (sp.Heaviside,),
    "max_min": (sp.Max, sp.Min),
}
U = sp.Symbol("u", real=True)  # the inner function in a stated rule: d/du sin(u) = cos(u)


@dataclass(frozen=True)
class Application:
    """One rule applied to d/dx target. `parts` names what u, v, c or the inner function are;
    `formula` states the outer function's rule in u (d/du e^u = e^u), or is None."""

    rule: str
    target: sp.Expr
    result: sp.Expr
    parts: tuple[tuple[str, sp.Expr], ...] = ()
    formula: sp.Eq | None = None

    @property
    def chain(self) -> bool:
        return any(name == "inner" for name, _ in self.parts)


def linear_coefficient(f: sp.Expr, x: sp.Symbol):
    """a for f = a x + b with a, b free of x (its derivative needs no step of its own), else None."""
    if not f.has(x):
        return sp.Integer(0)
    if f == x:
        return sp.Integer(1)
    if f.is_Mul:
        coefficient, rest = f.as_independent(x, as_Add=False)
        return coefficient if rest == x else None
    if f.is_Add:
        slopes = [linear_coefficient(term, x) for term in f.args]
        return None if any(s is None for s in slopes) else sp.Add(*slopes)
    return None


def pending(f: sp.Expr, x: sp.Symbol) -> sp.Expr:
    """How d/dx f enters a rule's result: evaluated when f is linear in x (d/dz 3z = 3 is no step),
    with a constant factor in front (d/dz 3 sin z = 3 d/dz sin z), else left as a Derivative."""
    slope = linear_coefficient(f, x)
    if slope is not None:
        return slope
    coefficient, rest = f.as_independent(x, as_Add=False)
    if coefficient != 1:
        return coefficient * sp.Derivative(rest, x)
    return sp.Derivative(f, x)


def is_sigmoid(f: sp.Expr) -> bool:
    """1/(1 + e^{-u}): the logistic function, kept as one factor as the notes write swish = z sigma(z)."""
    if not (f.is_Pow and f.exp == -1 and f.base.is_Add and len(f.base.args) == 2):
        return False
    return sp.Integer(1) in f.base.args and any(isinstance(t, sp.exp) and t.args[0].could_extract_minus_sign()
                                               for t in f.base.args)


def family(function: sp.Expr) -> str:
    for name, classes in FAMILIES.items():
        if isinstance(function, classes):
            return name
    return "special"  # erf and any other function SymPy knows the derivative of


def apply_rule(f: sp.Expr, x: sp.Symbol) -> Application | None:
    """The rule for d/dx f at f's outermost operation, or None where none applies (SymPy's diff then)."""
    slope = linear_coefficient(f, x)
    if slope is not None:
        rule = "constant" if not f.has(x) else ("identity" if f == x else "linear")
        return Application(rule, f, slope)
    if isinstance(f, sp.Piecewise):
        return _branches(f, x)
    if f.is_Add:
        return Application("sum", f, sp.Add(*[pending(term, x) for term in f.args]))
    if f.is_Mul:
        coefficient, rest = f.as_independent(x, as_Add=False)
        if coefficient != 1:
            return Application("constant_multiple", f, coefficient * sp.Derivative(rest, x), (("c", coefficient),))
        return _product_or_quotient(f, x)
    if f.is_Pow:
        return _power(f, x)
    if isinstance(f, (sp.Function, sp.Max, sp.Min)):
        return _function(f, x)
    return None


def _product_or_quotient(f: sp.Expr, x: sp.Symbol) -> Application:
    factors = sp.Mul.make_args(f)
    below = [p for p in factors if p.is_Pow and p.exp.is_number and p.exp.is_negative and not is_sigmoid(p)]
    above = [p for p in factors if p not in below]
    if below and above:  # u / v with u and v both depending on x
        u, v = sp.Mul(*above), sp.Mul(*[p.base ** -p.exp for p in below])
        result = (pending(u, x) * v - u * pending(v, x)) / v**2
        return Application("quotient", f, result, (("u", u), ("v", v)))
    if len(factors) == 2:
        u, v = factors
        return Application("product", f, pending(u, x) * v + u * pending(v, x), (("u", u), ("v", v)))
    terms = [sp.Mul(*(factors[:i] + factors[i + 1:])) * pending(factors[i], x) for i in range(len(factors))]
    return Application("product", f, sp.Add(*terms), tuple((f"f_{{{i + 1}}}", p) for i, p in enumerate(factors)))


def _power(f: sp.Expr, x: sp.Symbol) -> Application:
    base, exponent = f.base, f.exp
    if not exponent.has(x):  # u^n
        u = x if base == x else U  # the rule in the variable itself, or in u for the chain rule
        outer = sp.Eq(sp.Derivative(u**exponent, u), exponent * u ** (exponent - 1))
        value = exponent * base ** (exponent - 1)
        if base == x:
            return Application("power", f, value, formula=outer)
        return Application("power", f, value * pending(base, x), (("inner", base),), outer)
    if not base.has(x):  # a^u, with a the base (e^u is exp)
        u = x if exponent == x else U
        outer = sp.Eq(sp.Derivative(base**u, u), base**u * sp.log(base))
        return Application("exponential", f, f * sp.log(base) * pending(exponent, x),
                           (("inner", exponent),) if exponent != x else (), outer)
    # u^v with both depending on x: u^v = e^{v ln u}, so (u^v)' = u^v (v' ln u + v u'/u)
    result = f * (pending(exponent, x) * sp.log(base) + exponent * pending(base, x) / base)
    return Application("general_power", f, result, (("u", base), ("v", exponent)))


def _function(f: sp.Function, x: sp.Symbol) -> Application | None:
    kind = family(f)
    if len(f.args) == 1:
        (inner,) = f.args
        outer_at_u = _outer_derivative(f.func, inner)
        if outer_at_u is None:
            return None
        if inner == x:  # no chain rule: the rule in the variable itself, d/dz sin(z) = cos(z)
            formula, parts = sp.Eq(sp.Derivative(f, x), outer_at_u[0]), ()
        else:
            formula, parts = sp.Eq(sp.Derivative(f.func(U), U), outer_at_u[1]), (("inner", inner),)
        return Application(kind, f, outer_at_u[0] * pending(inner, x), parts, formula)
    if isinstance(f, (sp.Max, sp.Min)):  # SymPy's fdiff per argument: Heaviside of the difference
        slopes = [f.fdiff(i + 1) for i in range(len(f.args))]
        if any(s.has(sp.Derivative) for s in slopes):
            return None
        terms = [s * pending(arg, x) for s, arg in zip(slopes, f.args)]
        return Application(kind, f, sp.Add(*terms), tuple((f"u_{{{i + 1}}}", arg) for i, arg in enumerate(f.args)))
    return None


def _outer_derivative(func, inner: sp.Expr):
    """(F'(inner), F'(u)) from SymPy's own fdiff, or None where SymPy leaves it unevaluated."""
    if func is sp.sign:  # d/du sign(u) = 2 delta(u), as SymPy's diff gives for a real argument
        return 2 * sp.DiracDelta(inner), 2 * sp.DiracDelta(U)
    if not isinstance(func(U), sp.Function):  # the function evaluated itself away at u
        return None
    try:  # at the plain symbol u, then u = inner: Abs's fdiff at an expression folds in the inner derivative
        at_u = func(U).fdiff(1)
    except (sp.core.function.ArgumentIndexError, NotImplementedError, TypeError, AttributeError):
        return None
    if at_u.has(sp.Derivative):
        return None
    return at_u.xreplace({U: inner}), at_u


def _branches(f: sp.Piecewise, x: sp.Symbol) -> Application:
    branches = explicit_branches(f)
    return Application("branches", f, sp.Piecewise(*[(pending(value, x), condition) for value, condition in branches]))


def explicit_branches(piecewise: sp.Piecewise) -> list[tuple[sp.Expr, sp.Basic]]:
    """The branches with each condition made explicit (True -> z <= 0), so no word is needed."""
    branches, excluded = [], sp.false
    for value, condition in piecewise.args:
        explicit = sp.And(condition, sp.Not(excluded)) if excluded is not sp.false else condition
        if condition is sp.true:
            explicit = sp.Not(excluded)
        branches.append((value, sp.simplify(explicit) if explicit is not sp.true else explicit))
        excluded = sp.Or(excluded, condition)
    return branches
