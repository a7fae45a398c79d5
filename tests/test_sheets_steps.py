"""Activation derivatives worked step by step: each step is SymPy's, and each equals g'(z)."""
import math

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symnn.derive.steps import activation_steps
from symnn.rules.activations import Activation, a, activation_from_text, z


def rules(worked):
    return [step.rule for step in worked.steps]


def central_difference(function, point, h=1e-6):
    f = sp.lambdify(z, function, "math")
    return (f(point + h) - f(point - h)) / (2 * h)


def assert_every_step_is_the_derivative(worked, points=(-1.3, -0.4, 0.35, 1.7)):
    """Independent of SymPy's diff: each step evaluated numerically against central differences of g."""
    forward = worked.activation.forward
    for step in worked.steps:
        value = step.expression.xreplace({a: forward}) if step.rule == "output" else step.expression
        target = forward if step.rule == "definition" else None
        for p in points:
            got = float(sp.N(value.doit().subs(z, p)))
            expected = float(sp.N(target.subs(z, p))) if target is not None else central_difference(forward, p)
            assert math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-8), (step.rule, p, got, expected)


def test_sigmoid_goes_through_the_quotient_rule_to_s_times_one_minus_s():
    worked = activation_steps(activation_from_text("sigmoid"))
    assert rules(worked)[0] == "quotient"
    assert worked.steps[0].expression.has(sp.Derivative)  # inner derivatives left for the next step
    assert not worked.steps[1].expression.has(sp.Derivative)
    # the lecture notes' result (seed 004): g'(z) = g(z) (1 - g(z))
    assert sp.expand(worked.in_output - a * (1 - a)) == 0
    assert_every_step_is_the_derivative(worked)


def test_tanh_is_written_as_sinh_over_cosh_and_ends_at_one_minus_tanh_squared():
    worked = activation_steps(activation_from_text("tanh"))
    assert rules(worked)[:2] == ["definition", "quotient"]
    assert worked.steps[0].expression == sp.sinh(z) / sp.cosh(z)
    assert sp.expand(worked.in_output - (1 - a**2)) == 0  # seed 004: 1 - tanh(z)^2
    assert worked.steps[-2].expression == 1 - sp.tanh(z) ** 2
    assert_every_step_is_the_derivative(worked)


def test_relu_is_differentiated_piece_by_piece_and_states_its_value_at_zero():
    worked = activation_steps(activation_from_text("relu"))
    assert rules(worked) == ["branches", "evaluate"]
    (point,) = worked.break_points
    assert (point.at, point.left, point.right, point.chosen) == (0, 0, 1, 0)
    assert not point.differentiable
    assert worked.in_output is None
    assert_every_step_is_the_derivative(worked)


def test_leaky_relu_takes_the_slope_at_zero():
    (point,) = activation_steps(activation_from_text("leaky_relu(0.1)")).break_points
    assert (point.left, point.right, point.chosen) == (sp.Rational(1, 10), 1, sp.Rational(1, 10))


def test_a_custom_activation_goes_through_the_chain_rule():
    worked = activation_steps(activation_from_text("log(1 + exp(z))"))
    assert rules(worked)[0] == "chain"
    # softplus' = sigmoid = 1 - e^{-a} with a = softplus(z)
    assert sp.simplify(worked.in_output - (1 - sp.exp(-a))) == 0
    assert_every_step_is_the_derivative(worked)


def test_linear_has_the_constant_derivative_one():
    worked = activation_steps(activation_from_text("linear"))
    assert worked.derivative == 1 and worked.steps[-1].expression == 1


LEAVES = st.sampled_from([z, 2 * z, z / 3, z + 1, -z])
UNARY = [sp.exp, sp.tanh, sp.atan, lambda u: sp.log(1 + sp.exp(u)), lambda u: u**2 + 1, lambda u: 1 / (1 + u**2)]


@st.composite
def smooth_activations(draw):
    expression = draw(LEAVES)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["unary", "sum", "product", "quotient"]))
        other = draw(st.sampled_from(UNARY))(draw(LEAVES))
        if kind == "unary":
            expression = draw(st.sampled_from(UNARY))(expression)
        elif kind == "sum":
            expression = expression + other
        elif kind == "product":
            expression = expression * other
        else:
            expression = expression / (2 + other**2)
    return expression


@pytest.mark.slow  # each activation also runs the foundation's search for a form through a (up to 5 s)
@settings(max_examples=12, deadline=None)
@given(smooth_activations())
def test_every_step_of_any_smooth_activation_equals_central_differences(forward):
    worked = activation_steps(Activation("custom", "g", forward, custom=True))
    assert worked.steps, "at least SymPy's own derivative is shown"
    assert_every_step_is_the_derivative(worked, points=(-0.7, 0.45, 1.2))
