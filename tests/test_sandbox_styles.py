"""A correct backward_propagation in each course's style still passes inside the sandbox, on every
trial including the ill-scaled one, and is not mistaken for a numerical gradient."""
import pytest

import symnn
from symnn.check.code import check_code
from symnn.check.compare import Checker

from sandbox_support import DLS_PLANAR, needs_sandbox, write

# DLS course 1 week 4 style: helper functions per layer, sigmoid_backward recomputing s from Z.
DLS_HELPERS = """
import numpy as np

def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)

def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ

def linear_backward(dZ, A_prev, W):
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    return np.dot(W.T, dZ), dW, db

def backward_propagation(parameters, cache, X, Y):
    AL = cache["A2"]
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dZ2 = sigmoid_backward(dAL, cache["Z2"])
    dA1, dW2, db2 = linear_backward(dZ2, cache["A1"], parameters["W2"])
    dZ1 = relu_backward(dA1, cache["Z1"])
    _, dW1, db1 = linear_backward(dZ1, X, parameters["W1"])
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""

# The "Neural network with two layers" lab (seed 000): a whole lab file, 2-2-1 sigmoid, log loss,
# training at import time (forward_propagation runs many times then, which must not count).
MLS_LAB = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def layer_sizes(X, Y):
    return X.shape[0], 2, Y.shape[0]

def initialize_parameters(n_x, n_h, n_y):
    rng = np.random.default_rng(3)
    return {"W1": rng.normal(size=(n_h, n_x)) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": rng.normal(size=(n_y, n_h)) * 0.01, "b2": np.zeros((n_y, 1))}

def forward_propagation(X, parameters):
    Z1 = np.matmul(parameters["W1"], X) + parameters["b1"]
    A1 = sigmoid(Z1)
    Z2 = np.matmul(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def compute_cost(A2, Y):
    m = Y.shape[1]
    return -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.matmul(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.matmul(W2.T, dZ2) * A1 * (1 - A1)
    dW1 = 1 / m * np.matmul(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

def update_parameters(parameters, grads, learning_rate=1.2):
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in parameters}

X_train = np.random.default_rng(0).normal(size=(2, 30))
Y_train = (X_train[0:1] > 0).astype(float)
parameters = initialize_parameters(*layer_sizes(X_train, Y_train))
for _ in range(20):
    A2, cache = forward_propagation(X_train, parameters)
    cost = compute_cost(A2, Y_train)
    parameters = update_parameters(parameters, backward_propagation(parameters, cache, X_train, Y_train))
"""

# Row layout (seed 001: h = softmax(relu(X W1) W2), no biases, cross-entropy): X is (m, n_x).
ROW = """
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[0]
    dZ2 = (cache["A2"] - Y) / m
    dW2 = cache["A1"].T @ dZ2
    dZ1 = (dZ2 @ parameters["W2"].T) * (cache["Z1"] > 0)
    dW1 = X.T @ dZ1
    return {"dW1": dW1, "dW2": dW2}
"""

# Seed 002 style: one example at a time, summed (backprop all the same, with a loop over m).
PER_EXAMPLE = """
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    grads = {k: 0 for k in ("dW1", "db1", "dW2", "db2", "dW3", "db3")}
    for i in range(m):
        a0, a1, a2, a3 = X[:, [i]], cache["A1"][:, [i]], cache["A2"][:, [i]], cache["A3"][:, [i]]
        d3 = a3 - Y[:, [i]]
        d2 = parameters["W3"].T @ d3 * a2 * (1 - a2)
        d1 = parameters["W2"].T @ d2 * a1 * (1 - a1)
        for l, (d, a) in enumerate(((d1, a0), (d2, a1), (d3, a2)), start=1):
            grads[f"dW{l}"] = grads[f"dW{l}"] + d @ a.T / m
            grads[f"db{l}"] = grads[f"db{l}"] + d / m
    return grads
"""

STYLES = {
    "dls-planar": (DLS_PLANAR, "2-4-1", dict(act="tanh,sigmoid", loss="bce")),
    "dls-helpers": (DLS_HELPERS, "3-5-1", dict(act="relu,sigmoid", loss="bce")),
    "mls-lab": (MLS_LAB, "2-2-1", dict(act="sigmoid", loss="bce")),
    "row": (ROW, "4-5-3", dict(act="relu,softmax", loss="cce", layout="row", bias=False)),
    "per-example": (PER_EXAMPLE, "2-3-3-1", dict(act="sigmoid", loss="bce")),
}


@needs_sandbox
@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_correct_file_in_each_course_style_passes_in_the_sandbox(tmp_path, style):
    source, sizes, options = STYLES[style]
    report = check_code(Checker(symnn.network(sizes, **options)), write(tmp_path, source))
    assert report.verdict == "correct", (report.message, [g.__dict__ for g in report.gradients])
    assert report.method == "backprop"
    assert all(g.relative_error < 1e-10 for g in report.gradients)
    assert sorted(t["kind"] for t in report.trials) == ["ill-scaled", "random", "random", "random"]
    assert report.isolation.startswith("bubblewrap")
