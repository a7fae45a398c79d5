"""Derivatives worked step by step, as SymPy Gamma, Wolfram Alpha's "show steps" or Symbolab do, with
every step checked against SymPy's `diff` before it can reach a sheet.

d/dx f starts as one pending derivative. Each step applies one rule of `step_rules` (sum, constant
multiple, product, quotient, power, chain, exp, log, trig, hyperbolic, abs, max/min, piecewise, ...)
to the outermost pending derivative, leaving the derivatives of the parts pending; derivatives
that need no further rule (sin z, z^3, e^{-z}) are done together in one step. Trivial ones
(d/dz z = 1, a constant's 0) are done inside the rule that meets them. When nothing is pending, a
last step simplifies where that shortens the result (softsign: 1/(1 + |z|)^2).

The check: every step's whole expression, and every rule's own result, equals SymPy's `diff` to
30 digits at eight points (with every other variable at a rational value), and the difference is
tried symbolically (`expand`); a step that fails raises `StepCheckFailed`, so it never reaches a
sheet. For an activation the steps then go through the output a = g(z) where `rules.output_form`
found that form (sigmoid: a(1 - a)), and a piecewise g gets its one-sided derivatives at each
break point and the value chosen there (relu'(0) = 0).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit
from ..rules.activations import Activation, a, z
from .step_rules import Application, apply_rule, explicit_branches, pending

# Functions whose derivative is clearest through a quotient of two simpler ones (tanh = sinh / cosh).
QUOTIENT_DEFINITIONS = {sp.tanh: lambda u: sp.sinh(u) / sp.cosh(u)}
PROOF_POINTS = 8
POINT_SECONDS = 2.0  # a point whose value takes longer than this to 30 digits is left out
TOO_SLOW = object()
MAX_STEPS = 40  # beyond this the derivative is shown as SymPy's result with a note
MAX_OPERATIONS = 120  # count_ops of f above which no steps are worked out
SIMPLIFY_SECONDS = 1.0
SIMPLIFY_OPERATIONS = 40
EXACT_CHECK_OPERATIONS = 80  # up to this size the difference from SymPy's diff is also expanded
SHORTER = 0.6  # a simplified form is shown where it has at most this share of the operations


class StepCheckFailed(AssertionError):
    """A worked step is not equal to SymPy's derivative: a bug in a rule, never shown."""


@dataclass(frozen=True)
class Step:
    rule: str  # the first application's rule; else "definition", "simplify", "kink", "too_long" or "output"
    expression: sp.Expr  # equal to f for "definition", to f' (some parts still pending) for every other rule
    applications: tuple[Application, ...] = ()
    proof: str = "numeric"  # "exact" where the difference from SymPy's diff expanded to 0


@dataclass(frozen=True)
class WorkedDerivative:
    """d/dx f in steps, or no steps with `too_long` set where f is too large to work by hand."""

    function: sp.Expr
    variable: sp.Symbol
    steps: tuple[Step, ...]
    derivative: sp.Expr  # SymPy's diff (the reference every step equals)
    too_long: bool = False


def derivative_steps(f: sp.Expr, x: sp.Symbol, reference: sp.Expr | None = None, max_steps: int = MAX_STEPS,
                     max_operations: int = MAX_OPERATIONS) -> WorkedDerivative:
    reference = sp.diff(f, x) if reference is None else reference
    if sp.count_ops(f) > max_operations:
        return WorkedDerivative(f, x, (), reference, too_long=True)
    checker = _Checker(reference, x, f)
    expression: sp.Expr = sp.Derivative(f, x)
    queue = [expression]
    steps: list[Step] = []
    while queue:
        if len(steps) >= max_steps:
            return WorkedDerivative(f, x, (), reference, too_long=True)
        applications = _next_applications(queue, x)
        replacements = {}
        for target, application in applications:
            checker.check_rule(application)
            replacements[target] = application.result
            queue.remove(target)
            for inner in _derivatives(application.result):
                if inner not in queue and inner not in replacements:
                    queue.append(inner)
        expression = expression.xreplace(replacements)
        queue = [d for d in queue if expression.has(d)]
        steps.append(Step(applications[0][1].rule, expression, tuple(app for _, app in applications), checker.check(expression)))
    if expression != reference and _unpinned(expression) == _unpinned(reference):
        # max(z, 0)' = Heaviside(z), which SymPy takes as 1/2 at 0: pinned to the value from the left
        steps.append(Step("kink", reference, (), checker.check(reference)))
    else:
        simpler = _simplified(expression, reference, x)
        if simpler is not None:
            steps.append(Step("simplify", simpler, (), checker.check(simpler)))
    return WorkedDerivative(f, x, tuple(steps), reference)


def _next_applications(queue: list, x: sp.Symbol) -> list[tuple[sp.Derivative, Application]]:
    """The first pending derivative that needs a rule with parts of its own, or else every pending one
    (each a basic derivative: sin z, z^3, e^{-z}), done together in one step."""
    found = []
    for derivative in queue:
        application = apply_rule(derivative.expr, x)
        if application is None:  # no rule of ours: SymPy's diff, shown as such
            application = Application("diff", derivative.expr, sp.diff(derivative.expr, x))
        if _derivatives(application.result):
            return [(derivative, application)]
        found.append((derivative, application))
    return found


def _derivatives(expression: sp.Expr) -> list[sp.Derivative]:
    return [node for node in sp.preorder_traversal(expression) if isinstance(node, sp.Derivative)]


def _simplified(expression: sp.Expr, reference: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """A shorter form of the finished derivative, or None: SymPy's own diff where that is shorter
    (tanh: 1 - tanh^2), else SymPy's simplify where it is shorter and brings in no function the
    derivative did not already hold (sigmoid' stays e^{-z}/(1 + e^{-z})^2, not 1/(4 cosh^2(z/2)))."""
    size = _size(expression)
    if _size(reference) < size:
        return reference
    allowed = _functions(expression) | _functions(reference)
    candidates = [real_sign_products(expression)]
    if size[0] <= SIMPLIFY_OPERATIONS:  # simplify tries everything: seconds on a long expression
        try:
            with time_limit(SIMPLIFY_SECONDS, "simplifying a derivative"):
                candidates.append(sp.simplify(candidates[0]))
        except (LimitExceeded, NotImplementedError, TypeError, ValueError):
            pass
    candidates = [c for c in candidates if _functions(c) <= allowed and not c.has(sp.Derivative)]
    best = min(candidates, key=_size, default=expression)
    return best if _size(best)[0] <= SHORTER * size[0] and best != expression else None


def _functions(expression: sp.Expr) -> set:
    return {type(f) for f in expression.atoms(sp.Function)}


def _size(expression: sp.Expr) -> tuple[int, int]:
    return sp.count_ops(expression), len(sp.srepr(expression))


def real_sign_products(expression: sp.Expr) -> sp.Expr:
    """u sign(u) = |u| for a real u (SymPy's simplify does not see it): softsign' = 1/(1 + |z|)^2."""
    def rewritten(product):
        factors = list(product.args)
        for s in [f for f in factors if isinstance(f, sp.sign)]:
            inner = s.args[0]
            if inner in factors and inner.is_real and s in factors:
                factors.remove(s)
                factors.remove(inner)
                factors.append(sp.Abs(inner))
        return sp.Mul(*factors)

    return expression.replace(lambda e: e.is_Mul and e.has(sp.sign), rewritten)


class _Checker:
    """Every step equal to SymPy's diff: exactly where the difference expands to 0, else to 30 digits at
    eight points (every other variable at a rational value too)."""

    def __init__(self, reference: sp.Expr, x: sp.Symbol, f: sp.Expr):
        self.reference, self.x, self.f = reference, x, f
        rng = random.Random(20261202)
        symbols = sorted(f.free_symbols | reference.free_symbols | {x}, key=str)
        # rationals with denominators 7 and 13 keep clear of kinks at simple numbers (relu at 0, max(z, 1) at 1);
        # within [-2, 2], where sin(e^{e^{z^2}}) still evaluates to 30 digits in milliseconds
        self.points = [{s: sp.Rational(rng.choice([-1, 1]) * rng.randint(1, 2 * d), d) for s in symbols}
                       for d in [rng.choice([7, 13]) for _ in range(PROOF_POINTS)]]

    def check(self, expression: sp.Expr) -> str:
        return self._equal(expression.doit(), self.reference, "step", self._reference_values)

    def check_rule(self, application: Application) -> None:
        self._equal(application.result.doit(), sp.diff(application.target, self.x), f"rule {application.rule}")

    @cached_property
    def _reference_values(self) -> list:
        return [self._value(self.reference, point) for point in self.points]

    @staticmethod
    def _value(expression: sp.Expr, point: dict):
        """The value at a point to 30 digits, or None outside the domain (1/0, log 0) or where the
        digits take too long (sin of a huge number needs as many digits as the number has)."""
        try:
            with time_limit(POINT_SECONDS, "evaluating a step"):
                value = sp.N(expression.xreplace(point), 30)
        except LimitExceeded:
            return TOO_SLOW
        if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return None
        return value

    def _equal(self, value: sp.Expr, reference: sp.Expr, what: str, expected_values=None) -> str:
        """Each side evaluated on its own (evalf of their difference would chase digits of a 0)."""
        if value == reference:
            return "exact"
        expected_values = expected_values or [self._value(reference, point) for point in self.points]
        agreed = 0
        for point, expected in zip(self.points, expected_values):
            if expected is None or expected is TOO_SLOW:
                continue  # outside the function's domain at this point, or too slow to tell
            got = self._value(value, point)
            if got is TOO_SLOW:
                continue
            if got is None or abs(got - expected) > sp.Float(10) ** -20 * max(1, abs(expected)):
                raise StepCheckFailed(f"{what} of d/d{self.x} {sp.sstr(self.f)} is not equal to {sp.sstr(reference)} "
                                      f"at {point}: {sp.sstr(value)}")
            agreed += 1
        if agreed < 3:
            raise StepCheckFailed(f"{what} of d/d{self.x} {sp.sstr(self.f)}: too few points to check it at")
        if sp.count_ops(value) + sp.count_ops(reference) <= EXACT_CHECK_OPERATIONS:
            try:
                if sp.expand(value - reference) == 0:
                    return "exact"
            except (TypeError, ValueError):
                pass
        return "numeric"


# --- activations ---
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
    worked = derivative_steps(body, z, derivative, max_steps=3 * MAX_STEPS, max_operations=4 * MAX_OPERATIONS)
    steps += worked.steps
    if not worked.steps:  # too long to work by hand: SymPy's result, said so
        steps.append(Step("too_long", derivative, (), "exact"))
    in_output = activation.derivative_in_output
    if in_output is not None and in_output.has(a):
        _Checker(derivative, z, forward).check(in_output.xreplace({a: forward}))
        steps.append(Step("output", in_output))
    return ActivationSteps(activation, tuple(steps), derivative, in_output, _break_points(forward, derivative))


def _unpinned(expression: sp.Expr) -> sp.Expr:
    return expression.replace(lambda e: isinstance(e, sp.Heaviside), lambda e: sp.Heaviside(e.args[0]))


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


__all__ = ["ActivationSteps", "BreakPoint", "Step", "StepCheckFailed", "WorkedDerivative", "activation_steps",
           "derivative_steps", "explicit_branches", "pending"]
