"""Every activation x loss x layout x bias: the generated module's backward_propagation matches central
differences of its own compute_cost, and its fused train_step makes the same update."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen_support import central_differences, load_module, perturbed_parameters, random_data, relative_error
from symnn.derive.matrix import derive_matrix
from symnn.errors import SpecError
from symnn.spec import parse_spec

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu(0.1)", "linear", "softmax", "(1 + tanh(z))/2"]
LOSSES = ["bce", "half_se", "cce"]
UNIT_INTERVAL = {"sigmoid", "softmax", "(1 + tanh(z))/2"}  # outputs in (0, 1) (the custom one is sigmoid(2z))


def spec_for(activation: str, loss: str, layout: str, bias: bool):
    """3-4-2 with `activation` on the output layer (and on the hidden layer, where it may go there).
    Summed cost without biases, mean with, so both reductions are covered."""
    hidden = "tanh" if activation == "softmax" else activation
    return parse_spec("3-4-2", act=f"{hidden},{activation}", loss=loss, layout=layout, bias=bias,
                      reduction="mean" if bias else "sum")


def should_be_valid(activation: str, loss: str) -> bool:
    """The log losses need outputs in (0, 1); custom activations are the user's responsibility."""
    return loss == "half_se" or activation in UNIT_INTERVAL


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("layout", ["column", "row"])
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backward_matches_central_differences_and_fused_step(activation, loss, layout, bias):
    if not should_be_valid(activation, loss):
        with pytest.raises(SpecError):
            spec_for(activation, loss, layout, bias)
        return
    spec = spec_for(activation, loss, layout, bias)
    module = load_module(spec)
    rng = np.random.default_rng(7)
    X, Y = random_data(spec, m=5, rng=rng)
    parameters = perturbed_parameters(module, spec, rng)

    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)
    numeric = central_differences(module, parameters, X, Y)
    assert set(grads) == set(numeric)
    assert all(grads[k].shape == numeric[k].shape for k in numeric)
    assert relative_error(grads, numeric) < 1e-6

    expected = module.update_parameters(parameters, grads, learning_rate=0.3)
    fused = {k: v.copy() for k, v in parameters.items()}
    module.make_train_step(fused, m=5)(X, Y, learning_rate=0.3)
    for name in parameters:
        np.testing.assert_allclose(fused[name], expected[name], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("custom", ["log(1 + exp(z))", "z/(1 + abs(z))", "z + sin(z)/2", "atan(z)"])
def test_a_custom_hidden_activation_gets_code_from_its_derivative(custom):
    spec = parse_spec("3-4-1", act=f"{custom},sigmoid")
    assert derive_matrix(spec).proof.proved
    module = load_module(spec)
    rng = np.random.default_rng(3)
    X, Y = random_data(spec, m=6, rng=rng)
    parameters = perturbed_parameters(module, spec, rng)
    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)
    assert relative_error(grads, central_differences(module, parameters, X, Y)) < 1e-6


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu(0.3)", "linear", "log(1 + exp(z))"]
OUTPUTS = {"bce": ["sigmoid", "softmax"], "cce": ["softmax"], "half_se": ["linear", "tanh", "sigmoid", "softmax"]}


@st.composite
def networks(draw):
    loss = draw(st.sampled_from(sorted(OUTPUTS)))
    output = draw(st.sampled_from(OUTPUTS[loss]))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=0, max_size=2))
    widths = draw(st.lists(st.integers(1, 4), min_size=len(hidden) + 1, max_size=len(hidden) + 1))
    outputs = draw(st.integers(2, 3)) if output == "softmax" or loss == "cce" else draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 4))] + widths[:-1] + [outputs]
    return parse_spec("-".join(map(str, sizes)), act=",".join(hidden + [output]), loss=loss,
                      layout=draw(st.sampled_from(["column", "row"])), bias=draw(st.booleans()),
                      reduction=draw(st.sampled_from(["mean", "sum"])))


@settings(max_examples=12, deadline=None, derandomize=True)
@given(spec=networks(), m=st.integers(1, 4))
def test_random_networks_pass_the_gradient_check(spec, m):
    module = load_module(spec)
    rng = np.random.default_rng(11)
    X, Y = random_data(spec, m=m, rng=rng)
    parameters = perturbed_parameters(module, spec, rng)
    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)
    assert relative_error(grads, central_differences(module, parameters, X, Y)) < 1e-6
