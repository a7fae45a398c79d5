"""Activation and loss rules: derivatives from SymPy, output forms found by SymPy, fused gradients."""
from __future__ import annotations

import random

import pytest
import sympy as sp

from symnn.errors import SpecError
from symnn.rules.activations import a, activation_from_text, z
from symnn.rules.fused import fused_output_gradient
from symnn.rules.losses import loss_from_text

POINTS = [sp.Rational(random.Random(i).randint(-300, 300), 100) for i in range(8)] + [sp.Rational(1, 3)]


def numerically_equal(left, right, symbol=z):
    return all(abs(sp.N((left - right).subs(symbol, p), 40)) < 1e-30 for p in POINTS)


# The textbook forms (seed 003, seed 004): sigma' = sigma(1 - sigma), tanh' = 1 - tanh^2.
PUBLISHED_OUTPUT_FORMS = {"sigmoid": a * (1 - a), "tanh": 1 - a**2, "linear": sp.Integer(1)}


@pytest.mark.parametrize("name", list(PUBLISHED_OUTPUT_FORMS))
def test_output_form_matches_the_published_derivative(name):
    activation = activation_from_text(name)
    assert sp.expand(activation.derivative_in_output - PUBLISHED_OUTPUT_FORMS[name]) == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "log(1 + exp(z))", "exp(z)", "z**3 + z", "atan(z)", "relu", "leaky_relu(0.2)"])
def test_every_derivative_is_sympy_diff_and_output_form_is_equal_to_it(name):
    activation = activation_from_text(name)
    assert numerically_equal(activation.derivative, sp.diff(activation.forward, z))
    if activation.derivative_in_output is not None:
        assert activation.derivative_in_output.free_symbols <= {a}
        through_output = activation.derivative_in_output.subs(a, activation.forward)
        assert numerically_equal(through_output, activation.derivative)


def test_softplus_derivative_is_found_through_its_output():
    activation = activation_from_text("log(1 + exp(z))")
    assert activation.derivative_in_output is not None
    assert numerically_equal(activation.derivative_in_output.subs(a, activation.forward), 1 / (1 + sp.exp(-z)))


@pytest.mark.parametrize("name,slope", [("relu", 0), ("leaky_relu(0.2)", sp.Rational(1, 5)), ("leaky_relu", sp.Rational(1, 100))])
def test_kinks_are_pinned_at_zero(name, slope):
    activation = activation_from_text(name)
    assert activation.derivative.subs(z, 0) == slope
    assert activation.derivative.subs(z, 2) == 1
    assert activation.derivative.subs(z, -2) == slope
    assert "0" in activation.note


def test_softmax_jacobian_is_derived_from_the_forward_expression():
    softmax = activation_from_text("softmax")
    outputs, zs = sp.symbols("a1:4"), sp.symbols("t1:4")
    jacobian = softmax.jacobian_in_output(list(outputs), list(zs))
    forward = softmax.forward_vector(list(zs))
    point = {t: sp.Rational(k, 7) for k, t in enumerate(zs, start=1)}
    values = {o: f.subs(point) for o, f in zip(outputs, forward)}
    for k in range(3):
        for j in range(3):
            expected = sp.diff(forward[k], zs[j]).subs(point)
            assert abs(sp.N(jacobian[k, j].subs(values) - expected, 40)) < 1e-30


# dL/dz collapses to a - y for these pairs (seed 000: dW = 1/m (A - Y) X^T; seed 001 for softmax).
@pytest.mark.parametrize("act,loss,units", [("sigmoid", "bce", 1), ("linear", "half_se", 1), ("softmax", "cce", 3), ("sigmoid", "bce", 2)])
def test_fused_output_gradient_is_a_minus_y(act, loss, units):
    outputs, zs, targets = sp.symbols(f"a1:{units + 1}"), sp.symbols(f"z1:{units + 1}"), sp.symbols(f"y1:{units + 1}")
    fused = fused_output_gradient(activation_from_text(act), loss_from_text(loss), outputs, zs, targets)
    assert [sp.expand(f - (o - t)) for f, o, t in zip(fused, outputs, targets)] == [0] * units


@pytest.mark.parametrize("act,loss", [("sigmoid", "half_se"), ("tanh", "half_se"), ("log(1 + exp(z))", "bce")])
def test_fused_gradient_falls_back_to_the_product(act, loss):
    activation, rule = activation_from_text(act), loss_from_text(loss)
    (fused,) = fused_output_gradient(activation, rule, [a], [z], [sp.Symbol("y")])
    product = rule.derivative.subs(sp.Symbol("a"), a) * activation.derivative_at(a, z)
    assert sp.simplify(fused - product) == 0
    assert sp.count_ops(fused) <= sp.count_ops(product)


@pytest.mark.parametrize("text,message", [
    ("sigmod", "did you mean sigmoid"),
    ("x + z", "function of z alone"),
    ("log(2)", "does not depend on z"),
    ("leaky_relu(1.5)", "between 0 and 1"),
    ("__import__('os').system('echo hi')", "cannot be called"),
    ("z ** 9 ** 9 ** 9", "too large"),
])
def test_bad_activations_are_refused_with_a_reason(text, message):
    with pytest.raises(SpecError, match=message):
        activation_from_text(text)


def test_loss_names_and_aliases():
    assert loss_from_text("log_loss").name == "bce"
    assert loss_from_text("cross-entropy").name == "cce"
    with pytest.raises(SpecError, match="unknown loss"):
        loss_from_text("hinge")
