"""L2 regularisation and dropout in the derivation: per-weight forms against SymPy's diff of the fully
expanded regularised cost (tests/reference_network.py writes it out from the textbook definitions),
the vectorised equations' proof (and that it catches a wrong equation), and central differences."""
from __future__ import annotations

import random

import pytest
import sympy as sp

from symnn.derive.perweight import NetworkDerivation, derive_network
from symnn.derive.regularization import (DropoutDerivation, derive_regularized, l2_gradient, prove_regularized)
from symnn.rules.regularization import KEEP_PROB, LAMBDA, cs231n_lambda
from symnn.spec import parse_spec
from symnn.verify import check_gradients
from symnn.verify_regularization import check_l2_gradients

from reference_network import ACTIVATIONS, LOSSES, ReferenceNetwork, close, evaluate, softmax

CASES = [
    ("2-2-1", ["sigmoid", "sigmoid"], "bce", "column", "mean"),
    ("2-3-1", ["tanh", "sigmoid"], "bce", "row", "sum"),
    ("3-2-2", ["relu", "softmax"], "cce", "column", "mean"),
    ("2-2-2-1", ["tanh", "sigmoid", "linear"], "half_se", "column", "mean"),
]
EXAMPLES = ("_1", "_2")
M = sp.Symbol("m")


def spec_and_reference(sizes, acts, loss, layout, reduction, **options):
    spec = parse_spec(sizes, act=",".join(acts), loss=loss, layout=layout, reduction=reduction, **options)
    return spec, ReferenceNetwork(spec.sizes, acts, loss, layout)


@pytest.mark.parametrize("sizes, acts, loss, layout, reduction", CASES)
def test_l2_per_weight_is_sympys_diff_of_the_expanded_regularised_cost(sizes, acts, loss, layout, reduction):
    spec, net = spec_and_reference(sizes, acts, loss, layout, reduction, l2=0.7)
    derivation = NetworkDerivation(spec)
    factor = sp.Rational(1, len(EXAMPLES)) if reduction == "mean" else 1
    weights = [p for p in net.parameters() if p.name.startswith("w")]
    cost = factor * sum(net.loss_expression(e) for e in EXAMPLES) + factor * LAMBDA / 2 * sum(w**2 for w in weights)
    point = net.random_point(5, EXAMPLES)
    lambd = sp.Rational(7, 10)
    values = {**point, LAMBDA: lambd}
    units = [net.unit_values(point, e) for e in EXAMPLES]
    for layer, j, k in derivation.parameters():
        if k is None:
            continue
        gradient = derivation.gradient(layer, j, k)
        expected = evaluate(sp.diff(cost, gradient.parameter), values)
        ours = factor * sum(evaluate(gradient.closed_form, u) for u in units)
        ours += evaluate(l2_gradient(derivation, layer, j, k), {**values, M: len(EXAMPLES)})
        assert close(ours, expected), gradient.parameter


def test_biases_get_no_penalty():
    spec = parse_spec("2-2-1", l2=0.5)
    derivation = NetworkDerivation(spec)
    assert l2_gradient(derivation, 1, 1, 1) == LAMBDA * derivation.notation.w(1, 1, 1) / M
    regularized = derive_regularized(spec)
    for equation in regularized.l2_backward:
        if equation.role == "db":
            assert not equation.rhs.has(LAMBDA)
        if equation.role == "dW":
            assert equation.rhs.has(LAMBDA)


def dropout_reference(net, masks, example=""):
    """The expanded forward pass with inverted dropout: the next layer reads d/p * a of a hidden unit."""
    values = list(net.inputs(example))
    depth = len(net.sizes) - 1
    for layer in range(1, depth + 1):
        zs = []
        for j in range(1, net.sizes[layer] + 1):
            total = sum(net.weight(layer, j, k) * values[k - 1] for k in range(1, net.sizes[layer - 1] + 1))
            zs.append(total + sp.Symbol(f"b{layer}_{j}"))
        name = net.activations[layer - 1]
        outputs = softmax(zs) if name == "softmax" else [ACTIVATIONS[name](t) for t in zs]
        if layer < depth:
            outputs = [masks[(layer, j)] / KEEP_PROB * a for j, a in enumerate(outputs, start=1)]
        values = outputs
    return sum(LOSSES[net.loss](a, y) for a, y in zip(values, net.targets(example)))


def unit_values_with_dropout(net, point, masks, p):
    """a{l}_j (the unit's own activation, before the mask), z{l}_j, x, y of one example."""
    values = {sp.Symbol(f"x{k}"): point[x] for k, x in enumerate(net.inputs(), start=1)}
    for j, y in enumerate(net.targets(), start=1):
        values[sp.Symbol("y" if len(net.targets()) == 1 else f"y{j}")] = point[y]
    current, depth = [point[x] for x in net.inputs()], len(net.sizes) - 1
    for layer in range(1, depth + 1):
        zs = [sum(point[net.weight(layer, j, k)] * current[k - 1] for k in range(1, net.sizes[layer - 1] + 1))
              + point[sp.Symbol(f"b{layer}_{j}")] for j in range(1, net.sizes[layer] + 1)]
        name = net.activations[layer - 1]
        outputs = softmax(zs) if name == "softmax" else [ACTIVATIONS[name](t) for t in zs]
        for j, (zj, aj) in enumerate(zip(zs, outputs), start=1):
            values[sp.Symbol(f"z{layer}_{j}")], values[sp.Symbol(f"a{layer}_{j}")] = sp.N(zj, 50), sp.N(aj, 50)
        current = [masks[(layer, j)] / p * a for j, a in enumerate(outputs, start=1)] if layer < depth else outputs
    return values


@pytest.mark.parametrize("sizes, acts, loss, layout, reduction", [c for c in CASES if c[3] == "column"])
def test_dropout_per_weight_is_sympys_diff_with_a_fixed_mask(sizes, acts, loss, layout, reduction):
    spec, net = spec_and_reference(sizes, acts, loss, layout, reduction, dropout=0.8)
    derivation = derive_network(spec)
    assert isinstance(derivation, DropoutDerivation)
    rng = random.Random(3)
    masks = {(l, j): sp.Integer(rng.randint(0, 1)) for l in range(1, spec.depth) for j in range(1, spec.sizes[l] + 1)}
    masks[(1, 1)] = sp.Integer(1)  # at least one kept unit
    p = sp.Rational(4, 5)
    loss = dropout_reference(net, masks)
    point = net.random_point(11)
    values = {**point, KEEP_PROB: p}
    units = unit_values_with_dropout(net, point, masks, p)
    units.update({sp.Symbol(f"d{l}_{j}"): v for (l, j), v in masks.items()})
    units.update({KEEP_PROB: p, **{q: point[q] for q in net.parameters()}})
    for gradient in derivation.gradients():
        expected = evaluate(sp.diff(loss, gradient.parameter), values)
        assert close(evaluate(gradient.closed_form, units), expected), gradient.parameter
        assert close(evaluate(gradient.chain_product(), units), expected), gradient.parameter


def test_dropout_leaves_input_and_output_unmasked():
    derivation = derive_network(parse_spec("2-3-2-1", dropout=0.5))
    assert derivation.keep_factor(0, 1) == 1 and derivation.keep_factor(3, 1) == 1
    assert derivation.keep_factor(1, 2) == sp.Symbol("d1_2") / KEEP_PROB
    assert derivation.deltas[3][0].closed_form.free_symbols.isdisjoint({KEEP_PROB})


@pytest.mark.parametrize("options", [dict(l2=0.7), dict(dropout=0.8), dict(l2=0.1, dropout=0.5, layout="row"),
                                     dict(l2=1.0, reduction="sum", act="tanh,softmax")])
def test_vectorised_equations_are_proved(options):
    proof = prove_regularized(parse_spec("3-4-3" if "act" in options else "2-3-3-1", **options))
    assert proof.status == "proved", proof.failures
    assert proof.checked


def test_the_proof_catches_a_missing_regularisation_term(monkeypatch):
    import symnn.derive.regularization as regularization

    real = regularization._l2_equations

    def without_penalty_in_dW1(base):
        penalty, cost, backward = real(base)
        broken = tuple(e if e.name != "dW1" else regularization.replace(e, rhs=base.equation("dW1").rhs) for e in backward)
        return penalty, cost, broken

    monkeypatch.setattr(regularization, "_l2_equations", without_penalty_in_dW1)
    proof = prove_regularized(parse_spec("2-2-1", l2=0.7))
    assert proof.status == "failed" and any(f.startswith("dW1") for f in proof.failures)


@pytest.mark.parametrize("sizes, act, reduction", [("2-2-1", "sigmoid", "mean"), ("3-4-3", "tanh,softmax", "sum"),
                                                   ("2-3-3-1", "relu,relu,sigmoid", "mean")])
def test_central_differences_per_weight(sizes, act, reduction):
    spec = parse_spec(sizes, act=act, reduction=reduction, l2=0.7, dropout=0.8)
    assert all(c.passed for c in check_l2_gradients(derive_network(spec)))
    checks = check_gradients(derive_network(spec))
    assert all(c.passed for c in checks)
    assert any(c.analytic == 0 for c in checks)  # the fixed mask drops some unit


def test_cs231n_mapping():
    """CS231n: loss = mean data loss + reg * sum(W*W), dW += 2 * reg * W; the course's mean form with
    lambda = 2 m reg gives the same cost and gradient (checked here on numbers, not by algebra)."""
    import numpy as np

    rng = np.random.default_rng(0)
    W, m, reg = rng.normal(size=(3, 4)), 7, 0.05
    lambd = cs231n_lambda(reg, m)
    assert lambd / (2 * m) * np.sum(W * W) == pytest.approx(reg * np.sum(W * W))
    np.testing.assert_allclose(lambd / m * W, 2 * reg * W)
