"""The Hessian of a network's cost over all parameters, against central differences of the generated
gradient; the gradient against central differences of a cost written here by hand."""
import numpy as np
import pytest

import symnn
from symnn.derive.network_hessian import network_hessian
from symnn.errors import SpecError
from symnn.render.hessian_code import hessian_module_source, load_hessian_module

SPECS = [
    ("2-2-1", {}),
    ("2-3-1", {"act": "tanh,sigmoid"}),
    ("3-4-1", {"act": "relu,sigmoid"}),
    ("2-3-2", {"act": "tanh,sigmoid", "layout": "row"}),
    ("2-2-1", {"act": "tanh,linear", "loss": "half_se", "reduction": "sum"}),
    ("2-2-1", {"act": "log(1 + exp(z)),sigmoid", "bias": False}),
    ("2-3-3-1", {}),
    ("2-3-3", {"act": "tanh,softmax"}),  # softmax + cross-entropy: da_j = a_j (dz_j - sum_i a_i dz_i)
    ("3-4-2", {"act": "relu,softmax", "layout": "row", "bias": False}),  # seed 001: sigma(X W1) W2
    ("2-2-1", {"l2": 0.7}),  # --l2: the penalty's lambda/m on every weight's diagonal
    ("2-3-2", {"act": "tanh,linear", "loss": "half_se", "reduction": "sum", "layout": "row", "l2": 1.3}),
]


def _instance(module, spec, m=6, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {name: rng.normal(0, 0.8, size=shape) for name, shape in module.SHAPES.items()}
    X = rng.normal(size=(spec.n_inputs, m))
    if spec.loss.needs_one_hot:
        Y = np.eye(spec.n_outputs)[:, rng.integers(0, spec.n_outputs, m)]
    else:
        Y = (rng.random((spec.n_outputs, m)) > 0.5).astype(float)
    return (parameters, X, Y) if spec.layout == "column" else (parameters, X.T, Y.T)


@pytest.mark.parametrize("sizes, options", SPECS)
def test_hessian_against_central_differences_of_the_gradient(sizes, options):
    hessian = network_hessian(symnn.derive(sizes, **options))
    module = load_hessian_module(hessian)
    parameters, X, Y = _instance(module, hessian.derivation.spec)
    theta, step = module.to_vector(parameters), 1e-6
    gradient, H = module.gradient_and_hessian(parameters, X, Y)
    numeric_h = np.array([(module.gradient(module.to_parameters(theta + step * e), X, Y)
                           - module.gradient(module.to_parameters(theta - step * e), X, Y)) / (2 * step)
                          for e in np.eye(theta.size)])
    numeric_g = np.array([(module.cost(module.to_parameters(theta + step * e), X, Y)
                           - module.cost(module.to_parameters(theta - step * e), X, Y)) / (2 * step)
                          for e in np.eye(theta.size)])
    assert np.allclose(H, numeric_h, rtol=1e-5, atol=1e-7)
    assert np.allclose(gradient, numeric_g, rtol=1e-5, atol=1e-7)
    assert np.allclose(module.gradient(parameters, X, Y), gradient, rtol=1e-13, atol=1e-15)
    assert np.array_equal(H, H.T)


def _cost_by_hand(p, X, Y):
    """The seed's 2-2-1 network and log loss, J = 1/m sum L, written out directly."""
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    A1 = sigmoid(p["W1"] @ X + p["b1"])
    A2 = sigmoid(p["W2"] @ A1 + p["b2"])
    return float(np.mean(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2)))


def test_cost_and_gradient_match_a_network_written_by_hand():
    module = load_hessian_module(network_hessian(symnn.derive("2-2-1")))
    parameters, X, Y = _instance(module, symnn.network("2-2-1"), m=9, seed=3)
    assert module.cost(parameters, X, Y) == pytest.approx(_cost_by_hand(parameters, X, Y), rel=1e-13)
    theta, step = module.to_vector(parameters), 1e-6
    numeric = [(_cost_by_hand(module.to_parameters(theta + step * e), X, Y)
                - _cost_by_hand(module.to_parameters(theta - step * e), X, Y)) / (2 * step) for e in np.eye(9)]
    assert np.allclose(module.gradient(parameters, X, Y), numeric, rtol=1e-6, atol=1e-9)
    assert module.PARAMETERS == ("w1_1_1", "w1_1_2", "w1_2_1", "w1_2_2", "b1_1", "b1_2", "w2_1_1", "w2_1_2", "b2_1")


def test_l2_cost_is_the_plain_cost_plus_the_penalty_and_adds_lambda_over_m_on_weight_diagonals():
    """Against the module without --l2 and a penalty written here: J_l2 = J + lambda/(2m) sum W^2, and the
    Hessians differ by lambda/m exactly on the weights' diagonal entries (central differences above)."""
    plain = load_hessian_module(network_hessian(symnn.derive("2-3-1", act="tanh,sigmoid")))
    regularised = load_hessian_module(network_hessian(symnn.derive("2-3-1", act="tanh,sigmoid", l2=0.7)))
    parameters, X, Y = _instance(plain, symnn.network("2-3-1"), m=5, seed=2)
    m = X.shape[1]
    penalty = 0.7 / (2 * m) * sum(float((parameters[k] ** 2).sum()) for k in ("W1", "W2"))
    assert regularised.cost(parameters, X, Y) == pytest.approx(plain.cost(parameters, X, Y) + penalty, rel=1e-13)
    is_weight = np.array([name.startswith("w") for name in plain.PARAMETERS])
    difference = regularised.hessian(parameters, X, Y) - plain.hessian(parameters, X, Y)
    assert np.allclose(difference, np.diag(np.where(is_weight, 0.7 / m, 0.0)), rtol=0, atol=1e-13)
    theta = plain.to_vector(parameters)
    assert np.allclose(regularised.gradient(parameters, X, Y) - plain.gradient(parameters, X, Y),
                       np.where(is_weight, 0.7 / m * theta, 0.0), rtol=0, atol=1e-13)


def test_dropout_is_refused_with_the_reason_in_one_line():
    with pytest.raises(SpecError, match=r"^the network Hessian is not derived with --dropout: its masks are random") as caught:
        network_hessian(symnn.derive("2-2-1", dropout=0.5))
    assert "\n" not in str(caught.value)


def test_networks_too_large_are_refused_in_one_line():
    with pytest.raises(SpecError, match="at most 60"):
        network_hessian(symnn.derive("4-8-8-1"))


def test_the_module_source_is_deterministic():
    first = hessian_module_source(network_hessian(symnn.derive("2-2-1")))
    assert first == hessian_module_source(network_hessian(symnn.derive("2-2-1")))
    assert first.startswith('"""Generated by symnn')
