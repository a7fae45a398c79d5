"""Per-weight gradients against SymPy's own diff of the fully expanded loss (50 digits) and against
central differences (float64), for the seed networks and every activation x loss pair."""
from __future__ import annotations

import pytest
import sympy as sp

from reference_network import ReferenceNetwork, central_difference, close, evaluate
from symnn import derive

SEED_NETWORKS = {
    # seed 000: the 2-2-1 network and the chain rule for dL/dw11
    "2-2-1 sigmoid bce": (dict(spec="2-2-1", act="sigmoid", loss="bce"), ReferenceNetwork((2, 2, 1), ["sigmoid"] * 2, "bce")),
    # seed 002: 2-3-3-1 sigmoid with binary cross-entropy, summed over the examples
    "2-3-3-1 sigmoid bce sum": (
        dict(spec="2-3-3-1", act="sigmoid", loss="bce", reduction="sum"),
        ReferenceNetwork((2, 3, 3, 1), ["sigmoid"] * 3, "bce"),
    ),
    # seed 003: tanh hidden layer, sigmoid output
    "3-4-1 tanh sigmoid": (dict(spec="3-4-1", act="tanh,sigmoid"), ReferenceNetwork((3, 4, 1), ["tanh", "sigmoid"], "bce")),
    # seed 000: the perceptron for regression with half squared error
    "perceptron half_se": (dict(spec="2-1", act="linear", loss="half_se"), ReferenceNetwork((2, 1), ["linear"], "half_se")),
    # seed 001: sigma(X W1) W2 with ReLU and softmax cross-entropy, row layout, no biases
    "row relu softmax no bias": (
        dict(spec="3-4-3", act="relu,softmax", loss="cce", layout="row", bias=False),
        ReferenceNetwork((3, 4, 3), ["relu", "softmax"], "cce", layout="row", bias=False),
    ),
}


def assert_gradients_match_reference(options, reference, seeds=(1, 2)):
    derivation = derive(**options)
    loss = reference.loss_expression()
    gradients = {g.parameter: g for g in derivation.gradients()}
    assert set(gradients) == set(reference.parameters())
    for seed in seeds:
        point = reference.random_point(seed)
        values = reference.unit_values(point)
        for parameter, gradient in gradients.items():
            expected = evaluate(sp.diff(loss, parameter), point)
            assert close(evaluate(gradient.closed_form, values), expected), f"closed form of {parameter}"
            assert close(evaluate(gradient.chain_product(), values), expected), f"chain factors of {parameter}"
            delta_values = {d.symbol: evaluate(d.closed_form, values) for row in derivation.deltas.values() for d in row}
            assert close(evaluate(gradient.delta_form, {**values, **delta_values}), expected), f"delta form of {parameter}"


@pytest.mark.parametrize("name", list(SEED_NETWORKS))
def test_seed_network_gradients_equal_sympy_diff_of_expanded_loss(name):
    options, reference = SEED_NETWORKS[name]
    assert_gradients_match_reference(options, reference)


@pytest.mark.parametrize("name", list(SEED_NETWORKS))
def test_seed_network_gradients_match_central_differences(name):
    options, reference = SEED_NETWORKS[name]
    derivation = derive(**options)
    loss = reference.loss_expression()
    point = reference.random_point(7)
    values = reference.unit_values(point)
    for gradient in derivation.gradients():
        analytic = float(evaluate(gradient.closed_form, values))
        numeric = central_difference(loss, gradient.parameter, point)
        assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8), gradient.parameter


def test_seed_000_worked_example_for_w11():
    """Seed 000 / the foundation issue: dL/dw^{[1]}_{11} = (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_1."""
    a2, y, w2_11, a1, x1 = sp.symbols("a2_1 y w2_1_1 a1_1 x1")
    published = (a2 - y) * w2_11 * a1 * (1 - a1) * x1
    gradient = derive("2-2-1").gradient(1, 1, 1)
    assert sp.expand(gradient.closed_form - published) == 0
    assert [str(f.wrt) for f in gradient.factors] == ["a2_1", "z2_1", "a1_1", "z1_1", "w1_1_1"]


PAIRS = [
    (act, loss)
    for act in ["sigmoid", "tanh", "relu", "leaky_relu(0.1)", "linear", "log(1 + exp(z))", "z/(1 + abs(z))"]
    for loss in ["bce", "half_se", "cce"]
    if not (loss in ("bce", "cce") and act in ("tanh", "relu", "leaky_relu(0.1)", "linear"))
]


@pytest.mark.parametrize("act,loss", PAIRS + [("softmax", "cce"), ("softmax", "half_se")])
def test_every_activation_loss_pair(act, loss):
    """A 2-2-2 net with the activation on both layers (softmax only on the output, tanh before it)."""
    hidden = "tanh" if act == "softmax" else act
    output = act
    if loss in ("bce", "cce") and act in ("log(1 + exp(z))", "z/(1 + abs(z))"):
        output = "sigmoid"  # a custom hidden layer; a log loss needs outputs in (0, 1)
    reference = ReferenceNetwork((2, 2, 2), [hidden, output], loss)
    options = dict(spec="2-2-2", act=[hidden, output], loss=loss)
    assert_gradients_match_reference(options, reference, seeds=(3,))


@pytest.mark.parametrize("act,loss", [("sigmoid", "bce"), ("sigmoid", "half_se"), ("tanh", "half_se"), ("linear", "half_se")])
def test_single_layer_gradients_equal_diff_symbolically(act, loss):
    """Symbolic equality where SymPy shows it quickly: closed form with the forward pass substituted."""
    reference = ReferenceNetwork((2, 1), [act], loss)
    derivation = derive("2-1", act=act, loss=loss)
    zs, outputs = reference.forward(reference.inputs())[0]
    forward = {sp.Symbol("a1_1"): outputs[0], sp.Symbol("z1_1"): zs[0]}
    loss_expression = reference.loss_expression()
    for gradient in derivation.gradients():
        difference = gradient.closed_form.xreplace(forward) - sp.diff(loss_expression, gradient.parameter)
        assert sp.simplify(difference.rewrite(sp.exp)) == 0, gradient.parameter


@pytest.mark.parametrize("reduction,factor", [("sum", 1), ("mean", sp.Rational(1, 2))])
def test_cost_gradient_over_examples_uses_the_reduction(reduction, factor):
    """J over m = 2 examples: dJ/dtheta = factor * sum_i dL(i)/dtheta, checked against diff of J itself."""
    reference = ReferenceNetwork((2, 3, 3, 1), ["sigmoid"] * 3, "bce")
    derivation = derive("2-3-3-1", reduction=reduction)
    examples = ("_e1", "_e2")
    cost = factor * sum(reference.loss_expression(e) for e in examples)
    point = reference.random_point(11, examples)
    per_example = [reference.unit_values(point, e) for e in examples]
    m = sp.Symbol("m")
    for gradient in derivation.gradients()[::3]:
        ours = derivation.reduction_factor.subs(m, 2) * sum(evaluate(gradient.closed_form, v) for v in per_example)
        assert close(ours, evaluate(sp.diff(cost, gradient.parameter), point)), gradient.parameter


def test_deltas_are_derived_once_and_reused():
    derivation = derive("2-3-3-1")
    first = derivation.deltas
    assert derivation.deltas is first
    gradient = derivation.gradient(1, 2, 1)
    assert gradient.delta_form == sp.Symbol("delta1_2") * sp.Symbol("x1")
    assert gradient.closed_form == first[1][1].closed_form * sp.Symbol("x1")
