"""The course's own public tests of L2 regularisation and dropout, against modules from `symnn codegen`.

Source of every input and expected value: Andrew Ng's Deep Learning Specialization, course 2
("Improving Deep Neural Networks"), week 1, assignment "Regularization", as published in
github.com/amanchadha/coursera-deep-learning-specialization (commit
e9de0f4d1549b5a974c7f5cba013097fe162a798), files
"C2 - Improving Deep Neural Networks Hyperparameter tuning, Regularization and Optimization/Week 1/
Regularization/testCases.py" (the test cases: inputs below) and ".../Regularization_v2a.ipynb" (the
"Expected Output" cells). The course's network is LINEAR -> RELU -> LINEAR -> RELU -> LINEAR -> SIGMOID
with the log loss; its test cases use layer sizes 3-2-3-1.
"""
from __future__ import annotations

import numpy as np
import pytest

from symnn.spec import parse_spec

from codegen_support import load_module

COURSE_NET = dict(act="relu,relu,sigmoid", loss="bce")


@pytest.fixture(scope="module")
def module():
    return load_module(parse_spec("3-2-3-1", l2=0.7, dropout=0.5, **COURSE_NET), "course_regularization")


def course_parameters():
    """testCases.py: np.random.seed(1), then (forward_propagation_with_dropout_test_case) X (3, 5) and
    W1, b1, W2, b2, W3, b3 drawn in that order; compute_cost_with_regularization_test_case draws the
    same parameters without X."""
    np.random.seed(1)
    X = np.random.randn(3, 5)
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": (3, 2), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    return X, {name: np.random.randn(*shape) for name, shape in shapes.items()}


def test_compute_cost_with_regularization_published_cost(module):
    """compute_cost_with_regularization_test_case, lambd = 0.1: expected cost 1.78648594516."""
    np.random.seed(1)
    Y = np.array([[1, 1, 0, 1, 0]])
    shapes = {"W1": (2, 3), "b1": (2, 1), "W2": (3, 2), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}
    parameters = {name: np.random.randn(*shape) for name, shape in shapes.items()}
    A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])
    cost = module.compute_cost_with_regularization(A3, Y, parameters, lambd=0.1)
    assert isinstance(cost, float)
    assert cost == pytest.approx(1.78648594516, abs=1e-10)


def regularization_cache():
    """backward_propagation_with_regularization_test_case's cache: (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)."""
    np.random.seed(1)
    X = np.random.randn(3, 5)
    Y = np.array([[1, 1, 0, 1, 0]])
    cache = (
        np.array([[-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
                  [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242]]),
        np.array([[0., 3.32524635, 2.13994541, 2.60700654, 0.],
                  [0., 4.1600994, 0.79051021, 1.46493512, 0.]]),
        np.array([[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]]),
        np.array([[1.14472371], [0.90159072]]),
        np.array([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
                  [-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075],
                  [-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353]]),
        np.array([[0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
                  [0., 0., 0., 0., 0.], [0., 0., 0., 0., 0.]]),
        np.array([[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]]),
        np.array([[0.53035547], [-0.69166075], [-0.39675353]]),
        np.array([[-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104]]),
        np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]]),
        np.array([[-0.6871727, -0.84520564, -0.67124613]]),
        np.array([[-0.0126646]]),
    )
    return X, Y, cache


def test_backward_propagation_with_regularization_published_gradients(module):
    """lambd = 0.7; the notebook's expected dW1, dW2, dW3."""
    X, Y, cache = regularization_cache()
    grads = module.backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    expected = {
        "dW1": [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]],
        "dW2": [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]],
        "dW3": [[-1.77691347, -0.11832879, -0.09397446]],
    }
    for name, value in expected.items():
        np.testing.assert_allclose(grads[name], value, atol=5e-8, err_msg=name)


def test_forward_propagation_with_dropout_published_output(module):
    """keep_prob = 0.7 with the course's masks (its function seeds np.random.seed(1) itself; ours
    draws from the same legacy stream, so the test seeds it): expected A3."""
    X, parameters = course_parameters()
    np.random.seed(1)
    A3, cache = module.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    np.testing.assert_allclose(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]], atol=5e-9)
    assert len(cache) == 14  # (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    D1, A1 = cache[1], cache[2]
    assert set(np.unique(D1)) <= {0.0, 1.0}
    np.testing.assert_array_equal(A1[D1 == 0], 0.0)


def dropout_cache():
    """backward_propagation_with_dropout_test_case's cache: (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)."""
    X, Y, plain = regularization_cache()
    Z1, _, W1, b1, _, _, W2, b2, _, _, W3, b3 = plain
    cache = (
        Z1,
        np.array([[True, False, True, True, True], [True, True, True, True, False]]),
        np.array([[0., 0., 4.27989081, 5.21401307, 0.], [0., 8.32019881, 1.58102041, 2.92987024, 0.]]),
        W1, b1,
        np.array([[0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547],
                  [-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075],
                  [-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353]]),
        np.array([[True, False, True, False, True], [False, True, False, True, True], [False, False, True, False, False]]),
        np.array([[1.06071093, 0., 8.21049603, 0., 1.06071093], [0., 0., 0., 0., 0.], [0., 0., 0., 0., 0.]]),
        W2, b2,
        np.array([[-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562]]),
        np.array([[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]]),
        W3, b3,
    )
    return X, Y, cache


def test_backward_propagation_with_dropout_published_gradients(module):
    """keep_prob = 0.8; the notebook's expected dA1 and dA2 (the masked, rescaled ones)."""
    X, Y, cache = dropout_cache()
    gradients = module.backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    np.testing.assert_allclose(gradients["dA1"], [[0.36544439, 0., -0.00188233, 0., -0.17408748],
                                                  [0.65515713, 0., -0.00337459, 0., -0.]], atol=5e-8)
    np.testing.assert_allclose(gradients["dA2"], [[0.58180856, 0., -0.00299679, 0., -0.27715731],
                                                  [0., 0.53159854, -0., 0.53159854, -0.34089673],
                                                  [0., 0., -0.00292733, 0., -0.]], atol=5e-8)
    assert set(gradients) >= {"dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"}


def test_signatures_are_the_courses(module):
    import inspect

    assert list(inspect.signature(module.compute_cost_with_regularization).parameters) == ["A3", "Y", "parameters", "lambd"]
    assert list(inspect.signature(module.backward_propagation_with_regularization).parameters) == ["X", "Y", "cache", "lambd"]
    forward = inspect.signature(module.forward_propagation_with_dropout).parameters
    assert list(forward) == ["X", "parameters", "keep_prob"] and forward["keep_prob"].default == 0.5
    assert list(inspect.signature(module.backward_propagation_with_dropout).parameters) == ["X", "Y", "cache", "keep_prob"]


def test_cs231n_two_layer_net_published_loss_with_lambda_2_m_reg():
    """CS231n (Stanford) assignment 1, two_layer_net.ipynb, "Forward pass: compute loss":
    `loss, _ = net.loss(X, y, reg=0.05)`, `correct_loss = 1.30378789133`, on the toy model
    (init_toy_model: np.random.seed(0); TwoLayerNet(4, 10, 3, std=1e-1) draws W1 = std * randn(4, 10),
    b1 = 0, W2 = std * randn(10, 3), b2 = 0) and toy data (np.random.seed(1); X = 10 * randn(5, 4);
    y = [0, 1, 2, 2, 1]). Its loss is the mean softmax cross-entropy + reg * sum(W * W): symnn's row
    layout with --l2 lambda = 2 m reg."""
    from symnn.rules.regularization import cs231n_lambda

    np.random.seed(0)
    parameters = {"W1": 1e-1 * np.random.randn(4, 10), "b1": np.zeros((1, 10)),
                  "W2": 1e-1 * np.random.randn(10, 3), "b2": np.zeros((1, 3))}
    np.random.seed(1)
    X = 10 * np.random.randn(5, 4)
    y = np.array([0, 1, 2, 2, 1])
    lambd = cs231n_lambda(0.05, m=5)
    module = load_module(parse_spec("4-10-3", act="relu,softmax", loss="cce", layout="row", l2=lambd), "cs231n")
    A2, _ = module.forward_propagation(X, parameters)
    assert module.compute_cost_with_regularization(A2, y, parameters, lambd) == pytest.approx(1.30378789133, abs=1e-10)
