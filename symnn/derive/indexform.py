"""The generic index form of backprop, valid for any layer width:

    dL/dw^{[l]}_{jk} = delta^{[l]}_j a^{[l-1]}_k,   dL/db^{[l]}_j = delta^{[l]}_j,
    delta^{[L]}_j = dL/da^{[L]}_j g^{[L]'}(z^{[L]}_j)   (or the fused form),
    delta^{[l]}_j = g^{[l]'}(z^{[l]}_j) sum_i w^{[l+1]}_{ij} delta^{[l+1]}_i.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..spec import NetworkSpec


@dataclass(frozen=True)
class IndexEquation:
    name: str  # what the equation gives: "weight gradient", "delta recursion", ...
    equation: sp.Eq


def index_form(spec: NetworkSpec) -> list[IndexEquation]:
    j, k, i = sp.symbols("j k i", integer=True, positive=True)
    loss = sp.Symbol("L")
    w = sp.IndexedBase("w^{[l]}")
    w_next = sp.IndexedBase("w^{[l+1]}")
    b = sp.IndexedBase("b^{[l]}")
    a_prev = sp.IndexedBase("a^{[l-1]}")
    z = sp.IndexedBase("z^{[l]}")
    delta = sp.IndexedBase(r"\delta^{[l]}")
    delta_next = sp.IndexedBase(r"\delta^{[l+1]}")
    delta_out = sp.IndexedBase(r"\delta^{[L]}")
    z_out = sp.IndexedBase("z^{[L]}")
    g_prime = sp.Function(r"g^{[l]\prime}")
    width_next = sp.Symbol("n^{[l+1]}", integer=True, positive=True)
    # in the row layout W^{[l]} is (n^{[l-1]}, n^{[l]}): the weight into j from k sits at row k, column j
    w_jk, w_next_ij = (w[j, k], w_next[i, j]) if spec.layout == "column" else (w[k, j], w_next[j, i])
    equations = [
        IndexEquation("weight gradient", sp.Eq(sp.Derivative(loss, w_jk), delta[j] * a_prev[k])),
        IndexEquation("output delta", sp.Eq(delta_out[j], sp.Derivative(loss, z_out[j]))),
        IndexEquation(
            "delta recursion",
            sp.Eq(delta[j], g_prime(z[j]) * sp.Sum(w_next_ij * delta_next[i], (i, 1, width_next))),
        ),
    ]
    if spec.bias:
        equations.insert(1, IndexEquation("bias gradient", sp.Eq(sp.Derivative(loss, b[j]), delta[j])))
    return equations
