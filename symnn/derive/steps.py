"""Activation derivatives worked step by step, every step computed by SymPy.

The first step applies one differentiation rule to the outermost operation of g(z) (quotient,
chain, sum, constant factor, or branch by branch for a piecewise g), leaving the inner derivatives
as unevaluated `Derivative` objects; the next evaluates them; then SymPy's own `diff` result; then,
where `rules.output_form` found one, the form through the output a = g(z) (sigmoid: a(1 - a)).
Every step is checked equal to `diff(g, z)` (to 30 digits at six points) before it is returned, so
a wrong step cannot reach a sheet. A piecewise g also gets its one-sided derivatives at each break
point and the value chosen there (relu'(0) = 0).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..rules.activations import Activation, a, z

# Functions whose derivative is clearest through a quotient of two simpler ones (tanh = sinh / cosh).
QUOTIENT_DEFINITIONS = {sp.tanh: lambda u: sp.sinh(u) / sp.cosh(u)}
PROOF_POINTS = [sp.Rational(p, 7) for p in (-11, -5, -2, 3, 6, 13)]  # both sides of every kink at 0


@dataclass(frozen=True)
class Step:
    rule: str  # "definition", "quotient", "chain", "sum", "constant", "branches", "evaluate", "expand", "diff", "output"
    expression: sp.Expr  # equal to g(z) for "definition", to g'(z) for every other rule


@dataclass(frozen=True)
class BreakPoint:
    """Where a piecewise g has a kink: its one-sided derivatives and the value symnn uses there."""

    at: sp.Expr
    left: sp.Expr
    right: sp.Expr
    chosen: sp.Expr

    @property
    def differentiable(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class ActivationSteps:
    activation: Activation
    steps: tuple[Step, ...]
    derivative: sp.Expr  # g'(z), SymPy's diff
    in_output: sp.Expr | None  # g'(z) through a = g(z), or None
    break_points: tuple[BreakPoint, ...]

    @property
    def function(self) -> sp.Expr:
        """g(z) as a named function application, for the left-hand sides."""
        return sp.Function(self.activation.latex_name)(z)


def activation_steps(activation: Activation) -> ActivationSteps:
    forward = activation.forward
    derivative = activation.derivative
    steps: list[Step] = []
    body = forward
    if isinstance(forward, sp.Function) and type(forward) in QUOTIENT_DEFINITIONS:
        body = QUOTIENT_DEFINITIONS[type(forward)](*forward.args)
        steps.append(Step("definition", body))
    rule, applied = _outermost_rule(body)
    if rule is not None:
        steps.append(Step(rule, applied))
        evaluated = applied.doit()
        if evaluated != applied:
            steps.append(Step("evaluate", evaluated))
        expanded = sp.expand(evaluated, power_exp=False, power_base=False, log=False, multinomial=False)
        if expanded.is_Add and not evaluated.is_Add:  # one fraction split into terms (tanh: 1 - sinh^2/cosh^2)
            steps.append(Step("expand", expanded))
    if not steps or steps[-1].expression != derivative:
        steps.append(Step("diff", derivative))
    in_output = activation.derivative_in_output
    if in_output is not None and in_output.has(a):
        steps.append(Step("output", in_output))
    for step in steps[1:] if steps[0].rule == "definition" else steps:
        _prove_derivative(step, derivative, forward)
    return ActivationSteps(activation, tuple(steps), derivative, in_output, _break_points(forward, derivative))


def _outermost_rule(expression: sp.Expr) -> tuple[str | None, sp.Expr]:
    """The outermost differentiation rule applied, with inner derivatives left unevaluated."""
    d = lambda inner: sp.Derivative(inner, z)  # noqa: E731
    if not expression.has(z):
        return None, expression
    if isinstance(expression, sp.Piecewise):
        return "branches", sp.Piecewise(*[(d(value), condition) for value, condition in _explicit_branches(expression)])
    numerator, denominator = sp.fraction(expression)
    if denominator.has(z):
        return "quotient", (d(numerator) * denominator - numerator * d(denominator)) / denominator**2
    if expression.is_Add:
        return "sum", sp.Add(*[d(term) for term in expression.args])
    coefficient, rest = expression.as_independent(z, as_Add=False)
    if coefficient != 1:
        return "constant", coefficient * d(rest)
    if isinstance(expression, (sp.Function, sp.Pow)) and expression != z:
        inner = expression.args[0] if isinstance(expression, sp.Function) else expression.base
        if inner != z and not (isinstance(expression, sp.Pow) and expression.exp.has(z)):
            u = sp.Dummy("u")
            outer = expression.xreplace({inner: u})
            return "chain", sp.diff(outer, u).xreplace({u: inner}) * d(inner)
    return None, expression


def _explicit_branches(piecewise: sp.Piecewise) -> list[tuple[sp.Expr, sp.Basic]]:
    """The branches with each condition made explicit (True -> z <= 0), so no word is needed."""
    branches, excluded = [], sp.false
    for value, condition in piecewise.args:
        explicit = sp.And(condition, sp.Not(excluded)) if excluded is not sp.false else condition
        if condition is sp.true:
            explicit = sp.Not(excluded)
        branches.append((value, sp.simplify(explicit) if explicit is not sp.true else explicit))
        excluded = sp.Or(excluded, condition)
    return branches


def _break_points(forward: sp.Expr, derivative: sp.Expr) -> tuple[BreakPoint, ...]:
    """One-sided derivatives of g at the edges of its pieces, and the value diff gives there."""
    if not isinstance(forward, sp.Piecewise):
        return ()
    edges = set()
    for _, condition in forward.args:
        for relation in condition.atoms(sp.core.relational.Relational):
            edges |= set(sp.solve(sp.Eq(relation.lhs, relation.rhs), z))
    points = []
    for edge in sorted(edges, key=sp.default_sort_key):
        left, right = (_branch_derivative(forward, edge, side) for side in (-1, 1))
        points.append(BreakPoint(edge, left, right, derivative.subs(z, edge)))
    return tuple(points)


def _branch_derivative(piecewise: sp.Piecewise, edge: sp.Expr, side: int) -> sp.Expr:
    """The derivative at `edge` of the piece that holds just to its left (side -1) or right (+1)."""
    nearby = edge + side * sp.Rational(1, 10**6)
    for value, condition in piecewise.args:
        if condition.subs(z, nearby) is sp.true:
            return sp.diff(value, z).subs(z, edge)
    raise ValueError(f"no piece of {piecewise} holds near {edge}")


def _prove_derivative(step: Step, derivative: sp.Expr, forward: sp.Expr) -> None:
    """A guard against a wrong step: equal to g'(z) to 30 digits at points on both sides of 0.

    The steps come from SymPy's own sound operations (diff, doit, expand), so a numeric check is
    enough to catch a mistake in how they were put together, and it stays fast where `simplify`
    of the difference of two large expressions could take minutes.
    """
    value = step.expression.xreplace({a: forward}) if step.rule == "output" else step.expression.doit()
    for point in PROOF_POINTS:
        difference = sp.N((value - derivative).subs(z, point), 30)
        if not difference.is_number or abs(difference) > sp.Float(10) ** -20:
            raise AssertionError(f"step {step.rule} of the derivative of {forward} is not equal to {derivative}")
