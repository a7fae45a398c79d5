"""Random expressions from the whitelist's grammar (symnn/safe_expr.py), typed as a person would type
them and parsed by the safe reader: every step the differentiator shows equals SymPy's diff of the
expanded expression, and the last step holds no pending derivative."""
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from symnn.derive.steps import derivative_steps
from symnn.safe_expr import read_formula

z = sp.Symbol("z", real=True)
POINTS = [sp.Rational(p, 19) for p in (-31, -8, 3, 14, 27)]
# the whitelist's functions of one argument that are defined on the whole real line
UNARY = ["exp", "sin", "cos", "atan", "asinh", "tanh", "sinh", "cosh", "erf", "sigmoid", "abs"]
LEAVES = st.sampled_from(["z", "2*z", "z/3", "(z + 1)", "(-z)", "3", "(z^2)"])
LEAVES_TWO = st.sampled_from(["z", "y", "z*y", "(z - y)", "(y^2)", "2", "(-z)"])  # y is held constant


@st.composite
def formulas(draw, depth=3, leaves=LEAVES):
    if depth == 0:
        return draw(leaves)
    kind = draw(st.sampled_from(["leaf", "unary", "unary", "sum", "product", "quotient", "power", "max"]))
    left = draw(formulas(depth - 1, leaves))
    if kind == "leaf":
        return left
    if kind == "unary":
        return f"{draw(st.sampled_from(UNARY))}({left})"
    if kind == "power":
        return f"({left})^{draw(st.sampled_from(['2', '3', '(-1)']))}"
    right = draw(formulas(depth - 1, leaves))
    if kind == "quotient":  # a denominator that never vanishes
        return f"({left})/(2 + ({right})^2)"
    if kind == "max":
        return f"{draw(st.sampled_from(['max', 'min']))}({left}, {right})"
    return f"({left}) {'+' if kind == 'sum' else '*'} ({right})"


def assert_every_step_equals_diff_of_expanded(f, at=None):
    reference = sp.diff(sp.expand(f), z)
    worked = derivative_steps(f, z)
    if worked.too_long:
        return
    assert worked.steps and not worked.steps[-1].expression.has(sp.Derivative)
    for step in worked.steps:
        value = step.expression.doit()
        for p in POINTS:
            point = {z: p, **(at or {})}
            expected = sp.N(reference.xreplace(point), 25)
            got = sp.N(value.xreplace(point), 25)
            assert abs(got - expected) <= 1e-15 * max(1, abs(expected)), (sp.sstr(f), step.rule, p)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas())
def test_every_step_of_a_random_whitelisted_formula_is_sympys_derivative(text):
    f = read_formula(text, {"z": z})
    if f.has(z):
        assert_every_step_equals_diff_of_expanded(f)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(leaves=LEAVES_TWO))
def test_every_step_of_a_random_partial_derivative_holds_the_other_variable_constant(text):
    y = sp.Symbol("y", real=True)
    f = read_formula(text, {"z": z, "y": y})
    if f.has(z):
        assert_every_step_equals_diff_of_expanded(f, {y: sp.Rational(-7, 5)})
