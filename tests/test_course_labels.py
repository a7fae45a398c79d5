"""Labels of every dtype and the courses' shapes, shape checks, float32, and the softmax condition.

Expected values come from the float64 one-hot (or (1, m)) reference of the same call, from central
differences of compute_cost, or from the course's published cost (0.693 for the planar network at
initialisation); none is produced by the code under test and pasted back.
"""
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnn.render.codegen import module_source
from symnn.spec import parse_spec
from symnn.verify_code import load_generated


@functools.lru_cache(maxsize=None)
def module(sizes, act, loss=None, layout="column", bias=True):
    return load_generated(module_source(parse_spec(sizes, act=act, loss=loss, layout=layout, bias=bias)))


def planar():
    return module("2-4-1", "tanh,sigmoid")


def softmax_row():
    return module("3-5-4", "relu,softmax", "cce", "row")


def softmax_column():
    return module("3-5-4", "relu,softmax", "cce", "column")


def numeric_gradient(m, parameters, X, Y, name, index, h=1e-6):
    plus = {k: v.copy() for k, v in parameters.items()}
    minus = {k: v.copy() for k, v in parameters.items()}
    plus[name][index] += h
    minus[name][index] -= h
    return (m.compute_cost(m.forward_propagation(X, plus)[0], Y) - m.compute_cost(m.forward_propagation(X, minus)[0], Y)) / (2 * h)


def random_parameters(m, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(size=v.shape).astype(dtype) for k, v in m.initialize_parameters(seed=seed).items()}


@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int8, np.int32, np.int64, np.float32, np.float64])
def test_planar_uint8_and_bool_labels_give_the_float_cost_and_gradients(dtype):
    m = planar()
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2, 50))
    Y = (rng.random((1, 50)) > 0.5)
    parameters = random_parameters(m)
    A2, cache = m.forward_propagation(X, parameters)
    reference_cost = m.compute_cost(A2, Y.astype(np.float64))
    reference = m.backward_propagation(parameters, cache, X, Y.astype(np.float64))
    assert m.compute_cost(A2, Y.astype(dtype)) == pytest.approx(reference_cost, rel=1e-6)
    grads = m.backward_propagation(parameters, cache, X, Y.astype(dtype))
    for key, value in reference.items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-6, atol=1e-12)


def test_uint8_planar_training_prints_a_positive_cost(capsys):
    # the planar dataset stores Y as uint8: cost after iteration 0 is log 2 = 0.693, never negative
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 400))
    Y = (X[0:1] * X[1:2] > 0).astype(np.uint8)
    planar().nn_model(X, Y, 4, num_iterations=1, print_cost=True, scheme="c1w3")
    out = capsys.readouterr().out.strip()
    assert out.startswith("Cost after iteration 0: ")
    assert float(out.split(": ")[1]) == pytest.approx(np.log(2), abs=1e-4)  # tiny weights: every output near 1/2


@pytest.mark.parametrize("shape", [(400,), (400, 1), (1, 400)])
def test_planar_label_shapes_are_read_as_one_row(shape):
    m = planar()
    rng = np.random.default_rng(2)
    X = rng.normal(size=(2, 400))
    Y = (rng.random(400) > 0.5).astype(np.uint8)
    A2, _ = m.forward_propagation(X, m.initialize_parameters(scheme="c1w3"))
    assert m.compute_cost(A2, Y.reshape(shape)) == pytest.approx(m.compute_cost(A2, Y.reshape(1, 400).astype(float)))
    assert m.compute_cost(A2, Y.reshape(shape)) == pytest.approx(np.log(2), abs=1e-3)


@pytest.mark.parametrize("bad", [(2, 400), (400, 2), (399,), (1, 1)])
def test_planar_wrong_label_shapes_are_refused_with_both_shapes(bad):
    m = planar()
    A2 = np.full((1, 400), 0.5)
    with pytest.raises(ValueError, match=r"Y has shape \(.*\) but the output A2 has shape \(1, 400\)"):
        m.compute_cost(A2, np.zeros(bad))


def test_shape_errors_name_the_parameter_in_one_line():
    m = planar()
    parameters = m.initialize_parameters()
    with pytest.raises(ValueError, match=r"^W1 has shape \(4, 2\) but X gives 3 inputs") as info:
        m.forward_propagation(np.zeros((3, 10)), parameters)
    assert "\n" not in str(info.value)
    parameters["b2"] = np.zeros((1,))  # would broadcast silently
    with pytest.raises(ValueError, match=r"b2'\] has shape \(1,\); expected \(1, 1\)"):
        m.forward_propagation(np.zeros((2, 10)), parameters)
    parameters = m.initialize_parameters()
    parameters["W2"] = np.zeros((1, 5))
    with pytest.raises(ValueError, match=r"^W2 has shape \(1, 5\) but W1 gives 4 inputs"):
        m.forward_propagation(np.zeros((2, 10)), parameters)
    with pytest.raises(ValueError, match=r"X has shape \(10,\)"):
        m.forward_propagation(np.zeros(10), m.initialize_parameters())


def test_train_step_refuses_the_wrong_batch_and_converts_labels():
    m = planar()
    parameters = m.initialize_parameters(seed=4)
    step = m.make_train_step(parameters, 30)
    X = np.random.default_rng(0).normal(size=(2, 30))
    with pytest.raises(ValueError, match=r"X has shape \(2, 31\); this train_step was made for X of shape \(2, 30\)"):
        step(np.zeros((2, 31)), np.zeros((1, 31)))
    Y = (X[0] > 0)
    reference = {k: v.copy() for k, v in parameters.items()}
    grads = m.backward_propagation(reference, m.forward_propagation(X, reference)[1], X, Y.astype(float).reshape(1, 30))
    step(X, Y)  # bool labels of shape (m,)
    for key in reference:
        np.testing.assert_allclose(parameters[key], reference[key] - 1.2 * grads["d" + key], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make", [softmax_row, softmax_column])
@pytest.mark.parametrize("shape", ["flat", "column", "row"])
@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.int32])
def test_integer_class_labels_are_one_hot_encoded(make, shape, dtype):
    m = make()
    row = m is softmax_row()
    rng = np.random.default_rng(5)
    X = rng.normal(size=(12, 3)) if row else rng.normal(size=(3, 12))
    labels = rng.integers(0, 4, 12)
    one_hot = np.eye(4)[labels] if row else np.eye(4)[labels].T
    Y = {"flat": labels, "column": labels.reshape(12, 1), "row": labels.reshape(1, 12)}[shape].astype(dtype)
    parameters = random_parameters(m)
    A, cache = m.forward_propagation(X, parameters)
    assert m.compute_cost(A, Y) == pytest.approx(m.compute_cost(A, one_hot), rel=1e-12)
    grads, reference = m.backward_propagation(parameters, cache, X, Y), m.backward_propagation(parameters, cache, X, one_hot)
    for key in reference:
        np.testing.assert_allclose(grads[key], reference[key], rtol=1e-12)


def test_class_labels_out_of_range_or_not_integers_are_refused():
    m = softmax_row()
    A = np.full((6, 4), 0.25)
    with pytest.raises(ValueError, match=r"class labels from 0 to 4; this network has 4 classes"):
        m.compute_cost(A, np.array([0, 1, 2, 3, 4, 0]))
    with pytest.raises(ValueError, match=r"class labels must be integers"):
        m.compute_cost(A, np.array([0., 1, 2, 3, 1, 0]))
    with pytest.raises(ValueError, match=r"Y has shape \(4, 6\) but the output A2 has shape \(6, 4\); expected Y \(m, 4\)"):
        m.compute_cost(A, np.zeros((4, 6)))


def test_soft_labels_that_sum_to_one_get_the_true_gradient():
    m = softmax_row()
    rng = np.random.default_rng(6)
    X = rng.normal(size=(7, 3))
    Y = rng.random((7, 4))
    Y /= Y.sum(axis=1, keepdims=True)  # label smoothing-like soft targets: each row sums to 1
    parameters = random_parameters(m)
    grads = m.backward_propagation(parameters, m.forward_propagation(X, parameters)[1], X, Y)
    for name, index in (("W2", (0, 0)), ("W1", (1, 2)), ("b2", (0, 3))):
        assert grads["d" + name][index] == pytest.approx(numeric_gradient(m, parameters, X, Y, name, index), rel=1e-6, abs=1e-9)


def test_soft_labels_that_do_not_sum_to_one_are_refused_not_silently_wrong():
    m = softmax_row()
    rng = np.random.default_rng(7)
    X = rng.normal(size=(7, 3))
    Y = rng.random((7, 4))  # rows do not sum to 1: A - Y would be the wrong gradient
    parameters = random_parameters(m)
    with pytest.raises(ValueError, match="must sum to 1"):
        m.backward_propagation(parameters, m.forward_propagation(X, parameters)[1], X, Y)
    step = m.make_train_step({k: v.copy() for k, v in parameters.items()}, 7)
    with pytest.raises(ValueError, match="must sum to 1"):
        step(X, Y)


@pytest.mark.parametrize("make", [planar, softmax_row])
def test_float32_in_float32_out_with_integer_labels(make):
    m = make()
    row = make is softmax_row
    rng = np.random.default_rng(8)
    X = (rng.normal(size=(9, 3)) if row else rng.normal(size=(2, 9))).astype(np.float32)
    Y = rng.integers(0, 4, 9) if row else rng.integers(0, 2, 9).astype(np.uint8)
    parameters = random_parameters(m, dtype=np.float32)
    A, cache = m.forward_propagation(X, parameters)
    grads = m.backward_propagation(parameters, cache, X, Y)
    assert A.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())
    assert all(v.dtype == np.float32 for v in m.update_parameters(parameters, grads).values())
    AL, caches = m.L_model_forward(X, parameters)
    assert AL.dtype == np.float32 and all(g.dtype == np.float32 for g in m.L_model_backward(AL, Y, caches).values())


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**31 - 1), st.sampled_from(["column", "row"]), st.booleans())
def test_L_model_backward_matches_central_differences_at_any_depth(depth, seed, layout, softmax):
    m = module("3-4-3", "tanh,softmax", "cce", layout) if softmax else module("3-4-1", "tanh,sigmoid", layout=layout)
    n_y = 3 if softmax else 1
    rng = np.random.default_rng(seed)
    dims = [3] + list(rng.integers(1, 5, depth - 1)) + [n_y] if depth > 1 else [3, n_y]
    parameters = m.initialize_parameters_deep(dims, scheme="c1w4_app", seed=seed % 1000)
    X = rng.normal(size=(3, 5)) if layout == "column" else rng.normal(size=(5, 3))
    if softmax:
        Y = rng.integers(0, 3, 5)  # class labels, one-hot encoded by the module
    else:
        Y = rng.integers(0, 2, (1, 5)) if layout == "column" else rng.integers(0, 2, (5, 1))
    grads = m.L_model_backward(*m.L_model_forward(X, parameters)[:1], Y, m.L_model_forward(X, parameters)[1])

    def cost(p):
        return m.compute_cost(m.L_model_forward(X, p)[0], Y)

    for name in ("W1", f"b{len(dims) - 1}"):
        index = (0, 0)
        plus = {k: v.copy() for k, v in parameters.items()}
        minus = {k: v.copy() for k, v in parameters.items()}
        plus[name][index] += 1e-6
        minus[name][index] -= 1e-6
        numeric = (cost(plus) - cost(minus)) / 2e-6
        assert grads["d" + name][index] == pytest.approx(numeric, rel=1e-5, abs=1e-9)


def test_linear_forward_refuses_a_bias_that_would_broadcast_and_a_w_that_does_not_fit():
    m = planar()
    with pytest.raises(ValueError, match=r"^b has shape \(1, 1\) but W has shape \(4, 3\); expected b \(n\[l\], 1\) = \(4, 1\)"):
        m.linear_forward(np.zeros((3, 5)), np.zeros((4, 3)), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^W has shape \(4, 2\) but A_prev has shape \(3, 5\)"):
        m.linear_forward(np.zeros((3, 5)), np.zeros((4, 2)), np.zeros((4, 1)))


def test_cmu_10714_hw0_nn_epoch_step_with_uint8_class_labels():
    # CMU 10-714 hw0, tests/test_simple_ml.py::test_nn_epoch in github.com/dlsyscourse/hw0
    # (commit 78dbc595aa2b274d0d649f9b7d94c2fb943164c7):
    # one epoch of one batch with lr = 1.0 must move W1, W2 by the numerical gradient of
    # softmax_loss(relu(X W1) W2, y) = mean(log sum exp(Z) - Z_y), y integer labels (uint8)
    np.random.seed(0)
    X = np.random.randn(50, 5).astype(np.float32)
    y = np.random.randint(3, size=(50,)).astype(np.uint8)
    W1 = np.random.randn(5, 10).astype(np.float32) / np.sqrt(10)
    W2 = np.random.randn(10, 3).astype(np.float32) / np.sqrt(3)

    def softmax_loss(W1_, W2_):
        Z = np.maximum(X.astype(np.float64) @ W1_, 0) @ W2_
        return np.mean(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(50), y])

    def numeric(which):
        base = [W1.astype(np.float64), W2.astype(np.float64)]
        gradient = np.zeros_like(base[which])
        for index in np.ndindex(gradient.shape):
            plus, minus = [b.copy() for b in base], [b.copy() for b in base]
            plus[which][index] += 1e-6
            minus[which][index] -= 1e-6
            gradient[index] = (softmax_loss(*plus) - softmax_loss(*minus)) / 2e-6
        return gradient

    m = module("5-10-3", "relu,softmax", "cce", "row", bias=False)
    parameters = {"W1": W1.copy(), "W2": W2.copy()}
    m.make_train_step(parameters, 50)(X, y, learning_rate=1.0)
    np.testing.assert_allclose(W1 - parameters["W1"], numeric(0), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(W2 - parameters["W2"], numeric(1), rtol=1e-4, atol=1e-4)
