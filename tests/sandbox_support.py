"""Shared by the sandbox tests: the skip when bubblewrap cannot run, and student files."""
import textwrap

import pytest

from symnn.check import isolation

needs_sandbox = pytest.mark.skipif(
    isolation.mechanism() is None,
    reason="bubblewrap cannot run here (not installed, or this container forbids namespaces); .ci/run installs it")

# The course's planar-data solution (DLS course 1 week 3: 2-4-1, tanh then sigmoid, log loss).
DLS_PLANAR = """
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""


def write(folder, source, name="student.py"):
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path
