"""The fused output gradient dL/dz^{[L]}_j, simplified by SymPy where the product collapses.

sigmoid + log loss, softmax + cross-entropy and linear + half squared error all collapse to a - y;
other pairs keep the product of the two factors, because expanding them makes them longer.

Softmax + cross-entropy is a - y only under a condition. SymPy's own form of the product is
dL/dz_j = a_j (y_1 + ... + y_n) - y_j (`general_output_gradient`), which becomes a_j - y_j when the
targets of an example sum to 1 (one-hot labels, or soft labels that sum to 1). symnn uses a - y and
states the condition: the sheet shows both forms and the condition, and the generated module checks
that each example's Y sums to 1 (raising otherwise) instead of computing a wrong gradient.
"""
from __future__ import annotations

import sympy as sp

from ..errors import LimitExceeded
from ..limits import time_limit
from .activations import Activation, Softmax
from .losses import Loss

SECONDS = 5.0


def fused_output_gradient(activation, loss: Loss, outputs, preactivations, targets) -> list[sp.Expr]:
    """[dL/dz_j for each output unit j] in the output symbols (and z symbols where needed)."""
    dl_da = [loss.derivative.xreplace({sp.Symbol("a"): ai, sp.Symbol("y"): yi}) for ai, yi in zip(outputs, targets)]
    if isinstance(activation, Softmax):
        jacobian = activation.jacobian_in_output(list(outputs), list(preactivations))
        products = [sum(dl_da[k] * jacobian[k, j] for k in range(len(outputs))) for j in range(len(outputs))]
        one_hot = {sp.Add(*targets): 1} if loss.needs_one_hot else {}
        return [_simplest(product, outputs[j], one_hot) for j, product in enumerate(products)]
    products = [
        dl_da[j] * activation.derivative_at(outputs[j], preactivations[j]) for j in range(len(outputs))
    ]
    return [_simplest(product, outputs[j], {}) for j, product in enumerate(products)]


def general_output_gradient(product: sp.Expr, output: sp.Symbol) -> sp.Expr | None:
    """The cancelled product collected on the output a_j, with no condition on the targets
    (a_j (y_1 + ... + y_n) - y_j for softmax + cross-entropy), or None past the time limit."""
    try:
        with time_limit(SECONDS, "simplifying the output gradient"):
            return sp.collect(sp.expand(sp.cancel(sp.together(product))), output)
    except LimitExceeded:
        return None


def _simplest(product: sp.Expr, output: sp.Symbol, identities: dict) -> sp.Expr:
    """A cancelled form when SymPy finds one with fewer operations, else the product itself."""
    try:
        with time_limit(SECONDS, "simplifying the output gradient"):
            candidate = sp.cancel(sp.together(product))
            if identities:
                candidate = sp.collect(sp.expand(candidate), output).subs(identities)
                candidate = sp.collect(sp.expand(candidate), output).subs(identities)
    except LimitExceeded:
        return product
    if sp.count_ops(candidate) < sp.count_ops(product):
        return candidate
    return product
