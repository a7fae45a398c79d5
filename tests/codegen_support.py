"""Shared helpers for the codegen tests: load a generated module, make data, check gradients."""
from __future__ import annotations

import types

import numpy as np

from symnn.render.codegen import module_source
from symnn.verify import valid_targets


def load_module(spec, name: str = "generated_network"):
    """Execute the generated source as a fresh module (the same text `symnn codegen` writes)."""
    module = types.ModuleType(name)
    exec(compile(module_source(spec), f"<{spec.slug}>", "exec"), module.__dict__)
    return module


def examples_first(array: np.ndarray, spec) -> np.ndarray:
    """(m, units) data in the spec's layout: transposed for the column layout."""
    return array.T if spec.layout == "column" else array


def random_data(spec, m: int, rng: np.random.Generator, dtype=np.float64):
    """Inputs and targets valid for the loss: 0/1 for the log loss, one-hot for cross-entropy."""
    X = rng.normal(size=(m, spec.n_inputs))
    Y = valid_targets(spec.loss, rng, m, spec.n_outputs)
    return examples_first(X, spec).astype(dtype), examples_first(Y, spec).astype(dtype)


def perturbed_parameters(module, spec, rng, scale: float = 0.5, dtype=np.float64) -> dict:
    """Xavier weights plus noise, and non-zero biases, so no gradient is trivially zero."""
    parameters = module.initialize_parameters(spec.sizes, "xavier", seed=3, dtype=dtype)
    return {k: (v + rng.normal(0, scale, v.shape)).astype(dtype) for k, v in parameters.items()}


def central_differences(module, parameters: dict, X, Y, step: float = 1e-6) -> dict:
    """d compute_cost / d theta for every entry, by central differences of the module's own cost."""
    def cost(params):
        return module.compute_cost(module.forward_propagation(X, params)[0], Y)

    numeric = {}
    for name, value in parameters.items():
        gradient = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in parameters.items()}
            minus = {k: v.copy() for k, v in parameters.items()}
            plus[name][index] += step
            minus[name][index] -= step
            gradient[index] = (cost(plus) - cost(minus)) / (2 * step)
        numeric["d" + name] = gradient
    return numeric


def relative_error(analytic: dict, numeric: dict) -> float:
    """||analytic - numeric|| / (||analytic|| + ||numeric||) over all parameters (the courses' check)."""
    a = np.concatenate([analytic[k].ravel() for k in sorted(numeric)])
    n = np.concatenate([numeric[k].ravel() for k in sorted(numeric)])
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


def planar_flower(m: int = 400, seed: int = 1):
    """The courses' planar 'flower' data set (two interleaved petal classes, not linearly separable).
    Column layout: X is (2, m), Y is (1, m)."""
    rng = np.random.default_rng(seed)
    per_class, petals = m // 2, 4
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1))
    for label in range(2):
        rows = slice(per_class * label, per_class * (label + 1))
        t = np.linspace(label * 3.12, (label + 1) * 3.12, per_class) + rng.normal(0, 0.2, per_class)
        r = petals * np.sin(4 * t) + rng.normal(0, 0.2, per_class)
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[rows] = label
    return X.T, Y.T
