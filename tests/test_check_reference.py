"""The checker's reference gradients against central differences of the cost (an independent
source: only the forward pass and the loss are shared), and the foundation's per-weight closed forms
fed back as claims are graded correct while slightly changed ones are not."""
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings, strategies as st

import symnn
from symnn.check.compare import Checker
from symnn.check.numeric import evaluate
from symnn.check.reference import Backprop, samples
from symnn.derive.perweight import derive_network


@st.composite
def specs(draw, activations=("sigmoid", "tanh", "relu", "linear")):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    hidden = [draw(st.sampled_from(activations)) for _ in range(depth - 1)]
    output = draw(st.sampled_from(["sigmoid/bce", "linear/half_se", "softmax/cce"]))
    act, loss = output.split("/")
    if act == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    return symnn.network("-".join(map(str, sizes)), act=",".join(hidden + [act]), loss=loss,
                         layout=draw(st.sampled_from(["column", "row"])), bias=draw(st.booleans()),
                         reduction=draw(st.sampled_from(["mean", "sum"])))


def cost(spec, sample, W):
    """J from a fresh forward pass with weights W (column layout), the loss evaluated by its rule."""
    A = sample.X
    for layer in range(1, spec.depth + 1):
        Z = W[layer] @ A + sample.b[layer]
        rule = spec.activations[layer - 1]
        if rule.name == "softmax":
            e = np.exp(Z - Z.max(axis=0))
            A = e / e.sum(axis=0)
        else:
            A = np.broadcast_to(evaluate(rule.forward, {"z": Z}), Z.shape)
    per_example = evaluate(spec.loss.per_unit, {"a": A, "y": sample.Y}).sum(axis=0)
    return per_example.mean() if spec.reduction == "mean" else per_example.sum()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_reference_gradients_match_central_differences(spec):
    derivation = derive_network(spec)
    sample = samples(spec, count=1)[-1]  # a seeded random point (no ReLU kinks)
    right = Backprop(derivation, sample)
    step = 1e-6
    for layer in range(1, spec.depth + 1):  # a ReLU input within reach of the differences: they straddle the kink
        if spec.activations[layer - 1].name in ("relu", "leaky_relu"):
            assume(np.min(np.abs(right.Z[layer])) > 1e-3)
    for layer in range(1, spec.depth + 1):
        analytic = right.batch("W", layer)
        numeric = np.zeros_like(analytic)
        for index in np.ndindex(*analytic.shape):
            plus = {l: w.copy() for l, w in sample.W.items()}
            minus = {l: w.copy() for l, w in sample.W.items()}
            plus[layer][index] += step
            minus[layer][index] -= step
            numeric[index] = (cost(spec, sample, plus) - cost(spec, sample, minus)) / (2 * step)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(activations=("sigmoid", "tanh", "linear")), st.data())
def test_closed_forms_read_back_as_claims_are_correct_and_changes_are_caught(spec, data):
    checker = Checker(spec)
    gradients = checker.derivation.gradients()
    gradient = data.draw(st.sampled_from(gradients))
    formula = sp.sstr(gradient.closed_form)
    right = checker.grade(f"dL/d{gradient.parameter.name} = {formula}")
    assert right.verdict == "correct", (formula, right.message)
    off = checker.grade(f"dL/d{gradient.parameter.name} = 1.01 * ({formula}) + 0.001")
    assert off.verdict == "wrong", (formula, off.message)


def test_every_known_mistake_changes_some_gradient():
    checker = Checker(symnn.network("2-3-3-1"))
    right = checker.right[4]
    for index, mistake in enumerate(checker.mistakes):
        variant = checker.variant(index, 4)
        changed = any(not np.allclose(variant.batch(k, l), right.batch(k, l))
                      for k in ("W", "b", "Z", "A") for l in range(1, 4))
        assert changed, mistake.words


def test_sample_points_include_the_awkward_values_and_are_seeded():
    spec = symnn.network("2-3-1")
    first, again = samples(spec), samples(spec)
    awkward = np.concatenate([first[0].X.ravel(), first[0].W[1].ravel()])
    assert {0.0, 1.0, -1.0} <= set(awkward)
    assert all(np.array_equal(a.X, b.X) and np.array_equal(a.W[2], b.W[2]) for a, b in zip(first, again))
    assert len(first) >= 12


@pytest.mark.parametrize("sizes, options", [
    ("2-3-3-1", {"act": "sigmoid", "loss": "bce"}),
    ("2-4-1", {"act": "tanh,sigmoid", "loss": "bce"}),
    ("3-4-2", {"act": "relu,softmax", "loss": "cce", "layout": "row"}),  # matrix.py now lifts with the rules' real z
    ("3-4-2", {"act": "tanh,softmax", "loss": "cce", "layout": "row"}),
    ("2-3-1", {"act": "tanh,linear", "loss": "half_se", "bias": False, "reduction": "sum"}),
])
def test_reference_agrees_with_the_matrix_derivation(sizes, options):
    """Every backward equation of derive/matrix.py (proved there against the per-weight gradients),
    evaluated on a sample point, gives the checker's reference value."""
    from symnn.check.reference import Values
    from symnn.derive.matrix import derive_matrix

    spec = symnn.network(sizes, **options)
    derivation = derive_network(spec)
    sample = samples(spec, count=1)[-1]
    values = Values(Backprop(derivation, sample), "batch")
    equations = derive_matrix(spec, prove=False).of_kind("backward")
    assert {e.role for e in equations} >= {"dZ", "dW"}
    for equation in equations:
        np.testing.assert_allclose(evaluate(equation.rhs, values), values[equation.name], rtol=1e-10, atol=1e-12,
                                   err_msg=equation.name)
