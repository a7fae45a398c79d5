"""Numeric proof for L2 regularisation and dropout, by central differences in float64.

- Per weight: dJ/dw = factor sum_i dL^{(i)}/dw + (the penalty's derivative), from the closed forms of
  the per-weight derivation, against central differences of J = factor sum_i L^{(i)} + penalty over a
  small batch (dropout's closed forms are covered by `verify.check_gradients`, with a fixed mask).
- Generated modules: `backward_propagation_with_regularization` against central differences of
  `compute_cost_with_regularization`, and `backward_propagation_with_dropout` against central
  differences of the cost of `forward_propagation_with_dropout` with the mask held fixed (NumPy's
  legacy generator reseeded before every forward pass: the masks depend on shapes only).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .derive.perweight import NetworkDerivation
from .derive.regularization import l2_gradient, l2_penalty
from .rules.regularization import LAMBDA
from .verify import GradientCheck, forward_values, loss_at, random_point
from .verify_code import STEP, ModuleCheck, _data

EXAMPLES = 3
MASK_SEED = 1


def check_l2_gradients(derivation: NetworkDerivation, seed: int = 0, m: int = EXAMPLES,
                       step: float = 1e-5) -> list[GradientCheck]:
    spec = derivation.spec
    lambd = spec.l2 if spec.l2 else 0.7  # lambda = 0 would test nothing of the penalty
    n = derivation.notation
    weights = [n.w(l, j, k) for l, j, k in derivation.parameters() if k is not None]
    first = random_point(derivation, seed)
    parameters = {s: v for s, v in first.items() if s in set(weights) or s.name.startswith("b")}
    batch = [{**random_point(derivation, seed + i), **parameters} for i in range(m)]
    constants = {LAMBDA: lambd, sp.Symbol("m"): m}
    factor = float(derivation.reduction_factor.xreplace(constants))
    penalty = l2_penalty(derivation).xreplace(constants)

    def cost(point_parameters):
        data = sum(loss_at(derivation, {**example, **point_parameters}) for example in batch)
        return factor * data + float(penalty.xreplace(point_parameters))

    forwards = [forward_values(derivation, example) for example in batch]
    results = []
    for layer, j, k in derivation.parameters():
        if k is None:
            continue
        gradient = derivation.gradient(layer, j, k)
        data = sum(float(gradient.closed_form.xreplace(values)) for values in forwards)
        analytic = factor * data + float(l2_gradient(derivation, layer, j, k).xreplace({**constants, **parameters}))
        plus, minus = dict(parameters), dict(parameters)
        plus[gradient.parameter] += step
        minus[gradient.parameter] -= step
        results.append(GradientCheck(gradient.parameter.name, analytic, (cost(plus) - cost(minus)) / (2 * step)))
    return results


def check_regularized_module(module, spec, seed: int = 0, m: int = 4) -> dict[str, ModuleCheck]:
    """{"l2": ..., "dropout": ...} for the parts the spec has."""
    rng = np.random.default_rng(seed)
    X, Y, parameters = _data(spec, module, rng, m)
    checks = {}
    if spec.l2 is not None:
        lambd = spec.l2 if spec.l2 else 0.7

        def l2_cost(params):
            return module.compute_cost_with_regularization(module.forward_propagation(X, params)[0], Y, params, lambd)

        _, cache = module.forward_propagation(X, parameters)
        grads = module.backward_propagation_with_regularization(X, Y, module.course_cache(parameters, cache), lambd)
        checks["l2"] = _against_differences(parameters, grads, l2_cost)
    if spec.dropout is not None:
        keep_prob = spec.dropout if spec.dropout < 1 else 0.5  # keep_prob = 1 would drop nothing

        def forward(params):
            np.random.seed(MASK_SEED)  # the same masks every time
            return module.forward_propagation_with_dropout(X, params, keep_prob)

        def dropout_cost(params):
            return module.compute_cost(forward(params)[0], Y)

        _, cache = forward(parameters)
        grads = module.backward_propagation_with_dropout(X, Y, cache, keep_prob)
        checks["dropout"] = _against_differences(parameters, grads, dropout_cost)
    return checks


def _against_differences(parameters: dict, grads: dict, cost, max_entries: int = 200) -> ModuleCheck:
    """Every entry, or `max_entries` of them chosen by a seeded draw in a big network."""
    entries = [(name, index) for name, value in parameters.items() for index in np.ndindex(value.shape)]
    total = len(entries)
    if total > max_entries:
        chosen = np.random.default_rng(0).choice(total, size=max_entries, replace=False)
        entries = [entries[i] for i in sorted(chosen)]
    analytic, numeric = [], []
    for name, index in entries:
        value = parameters[name]
        original = value[index]
        value[index] = original + STEP
        plus = cost(parameters)
        value[index] = original - STEP
        minus = cost(parameters)
        value[index] = original
        numeric.append((plus - minus) / (2 * STEP))
        analytic.append(grads["d" + name][index])
    analytic, numeric = np.array(analytic), np.array(numeric)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    return ModuleCheck(float(np.linalg.norm(analytic - numeric) / scale), len(entries), total)
