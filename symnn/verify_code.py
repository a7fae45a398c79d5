"""Numeric proof for generated code: a module's backward_propagation against the numerical derivative
of its own compute_cost (Ridders' extrapolated central differences, as in verify.py), in float64. The module text is symnn's own output (formulas printed by SymPy from
parsed rules), never text a person typed."""
from __future__ import annotations

import types
from dataclasses import dataclass

import numpy as np

from .rules.activations import z
from .rules.domain import activation_domain, numeric
from .verify import derivative, valid_targets

STEP = 1e-6
TOLERANCE = 1e-6


@dataclass(frozen=True)
class ModuleCheck:
    relative_error: float  # ||analytic - numeric|| / (||analytic|| + ||numeric||) over the entries checked
    entries_checked: int
    entries_total: int
    uncertainty: float = 0.0  # the numerical derivative's own error estimate, on the same scale
    reason: str = ""  # why the check could not decide (set with verdict "inconclusive")

    @property
    def verdict(self) -> str:
        if self.reason or not np.isfinite(self.relative_error):
            return "inconclusive"
        if self.relative_error <= TOLERANCE + 2 * self.uncertainty:
            return "ok"
        return "inconclusive" if self.uncertainty > TOLERANCE else "MISMATCH"

    @property
    def passed(self) -> bool:
        return self.verdict != "MISMATCH"


def load_generated(source: str, name: str = "symnn_generated") -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102  (symnn's own generated code)
    return module


def _data(spec, module, rng, m: int):
    X = rng.normal(size=(m, spec.n_inputs))
    Y = valid_targets(spec.loss, rng, m, spec.n_outputs)
    if spec.layout == "column":
        X, Y = X.T, Y.T
    # Xavier weights plus noise of the same scale (biases too), so that no gradient is trivially zero
    # and no output saturates into the clipped region of the log loss, where the two would differ
    parameters = module.initialize_parameters(spec.sizes, "xavier", seed=0)
    parameters = {k: v + rng.normal(0, 0.5 / np.sqrt(spec.sizes[int(k[1:]) - 1]), v.shape) for k, v in parameters.items()}
    return X, Y, inside_domains(spec, X, parameters, rng)


def inside_domains(spec, X, parameters: dict, rng) -> dict:
    """For a layer whose activation is real on part of the line only (sqrt(z), log(z)): each unit's
    weights shrunk until its pre-activations over the m examples spread less than the domain's margin,
    and its bias set to put them around a point inside the domain, layer by layer."""
    domains = [activation_domain(a) for a in spec.activations]
    if not spec.bias or all(d.everywhere for d in domains):
        return parameters
    rng = np.random.default_rng(rng)  # a seed or a Generator
    parameters = dict(parameters)
    column = spec.layout == "column"
    A = X if column else X.T  # units x examples from here on
    for layer, (activation, domain) in enumerate(zip(spec.activations, domains), start=1):
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        weights = W if column else W.T  # (n[l], n[l-1])
        if not domain.everywhere:
            unbiased = weights @ A
            spread = np.max(np.abs(unbiased - unbiased.mean(axis=1, keepdims=True)), axis=1, keepdims=True)
            shrink = np.minimum(1.0, domain.margin / 2 / np.maximum(spread, 1e-300))
            weights = weights * shrink
            centre = domain.targets(rng, weights.shape[0])[:, None] - (unbiased * shrink).mean(axis=1, keepdims=True)
            parameters[f"W{layer}"] = weights if column else weights.T
            parameters[f"b{layer}"] = centre if column else centre.T
        Z = weights @ A + (parameters[f"b{layer}"] if column else parameters[f"b{layer}"].T)
        A = forward_numeric(activation, Z)
    return parameters


def forward_numeric(activation, Z: np.ndarray) -> np.ndarray:
    if not activation.elementwise:  # softmax, over the units
        shifted = np.exp(Z - Z.max(axis=0, keepdims=True))
        return shifted / shifted.sum(axis=0, keepdims=True)
    with np.errstate(all="ignore"):
        return numeric(activation.forward, z)(Z)


def check_module_gradients(module, spec, seed: int = 0, m: int = 4, max_entries: int = 200) -> ModuleCheck:
    """Central differences for every parameter entry, or for `max_entries` of them chosen at random
    (with the largest-magnitude gradient entries always included) in a big network."""
    try:
        with np.errstate(all="ignore"):  # a value outside an activation's domain is reported, not warned about
            return _check(module, spec, seed, m, max_entries)
    except ImportError as exc:  # erf without SciPy: the module says what to install
        return ModuleCheck(float("nan"), 0, spec.parameter_count, reason=f"not run: {exc}")


def _check(module, spec, seed: int, m: int, max_entries: int) -> ModuleCheck:
    rng = np.random.default_rng(seed)
    X, Y, parameters = _data(spec, module, rng, m)
    AL, cache = module.forward_propagation(X, parameters)
    grads = module.backward_propagation(parameters, cache, X, Y)
    entries = [(name, index) for name, value in parameters.items() for index in np.ndindex(value.shape)]
    if len(entries) > max_entries:
        chosen = rng.choice(len(entries), size=max_entries, replace=False)
        entries = [entries[i] for i in sorted(chosen)]

    def cost(params):
        return module.compute_cost(module.forward_propagation(X, params)[0], Y)

    analytic, numeric, errors = [], [], []
    for name, index in entries:
        value = parameters[name]
        original = float(value[index])

        def at(t, value=value, index=index):
            value[index] = t
            return float(cost(parameters))

        estimate, error = derivative(at, original)
        value[index] = original
        numeric.append(estimate)
        errors.append(error)
        analytic.append(grads["d" + name][index])
    analytic, numeric, errors = np.array(analytic), np.array(numeric), np.array(errors)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    total = sum(v.size for v in parameters.values())
    finite = np.isfinite(analytic).all() and np.isfinite(numeric).all() and np.isfinite(float(cost(parameters)))
    reason = "" if finite else "the cost or its gradient is not a finite number at the check point"
    if not finite and not spec.bias and not all(activation_domain(a).everywhere for a in spec.activations):
        reason += " (an activation is real on part of the line only, and without biases the check cannot move its inputs there)"
    return ModuleCheck(float(np.linalg.norm(analytic - numeric) / scale), len(entries), total,
                       float(np.linalg.norm(errors) / scale), reason)
