"""The sheet's section on L2 regularisation and dropout (a spec with --l2 or --dropout), as plain data.

Every formula is SymPy's, from `derive/regularization.py` and the per-weight derivation; the
templates `latex/regularization.tex.jinja` and `markdown/regularization.md.jinja` lay it out.
"""
from __future__ import annotations

import sympy as sp

from ..derive.perweight import NetworkDerivation
from ..derive.regularization import derive_regularized, l2_gradient
from ..rules.regularization import KEEP_PROB, LAMBDA, l2_penalty_term
from .sheetmath import Applied, ChainProduct

J, M = sp.Symbol("J"), sp.Symbol("m")


def regularization_section(builder) -> dict | None:
    """What the section shows, or None for a spec without --l2 or --dropout."""
    spec = builder.spec
    matrices = derive_regularized(spec)
    if matrices is None:
        return None
    builder.names.update(matrices.latex_names)
    section = {"l2": None, "dropout": None, "proved": matrices.proof.proved, "status": matrices.proof.status}
    if spec.l2 is not None:
        section["l2"] = _l2(builder, matrices)
    if spec.dropout is not None:
        section["dropout"] = _dropout(builder, matrices)
    return section


def _norm(builder, layer: int) -> sp.Symbol:
    symbol = sp.Symbol(f"frobenius_W{layer}")
    builder.names[symbol] = rf"\lVert W^{{[{layer}]}} \rVert_F^{{2}}"
    return symbol


def _l2(builder, matrices) -> dict:
    from .sheets import Equation

    spec = builder.spec
    d = NetworkDerivation(spec)  # the L2 functions of the course have no dropout
    factor = d.reduction_factor
    i = sp.Symbol("i")
    norms = sp.Add(*[_norm(builder, layer) for layer in range(1, spec.depth + 1)])
    data = sp.Sum(sp.Symbol("L^{(i)}"), (i, 1, M))
    data = ChainProduct(factor, data) if factor != 1 else data
    cost = Equation("J", ((builder.tex(data, chain=False) + " + " + builder.tex(factor * LAMBDA / 2 * norms, chain=False),),))
    w = sp.Symbol("w")
    builder.names.setdefault(w, "w")
    step = Equation(builder.tex(sp.Derivative(l2_penalty_term(w, factor), w), chain=False),
                    ((builder.tex(sp.diff(l2_penalty_term(w, factor), w), chain=False),),))
    weights = []
    for layer in range(1, spec.depth + 1):
        gradient = d.gradient(layer, 1, 1)
        summed = rf"\sum_{{i=1}}^{{m}} \left({builder.tex(gradient.delta_form)}\right)^{{(i)}}"
        if factor != 1:
            summed = rf"\frac{{1}}{{m}} {summed}"
        lhs = builder.tex(sp.Derivative(J, gradient.parameter), chain=False)
        weights.append(Equation(lhs, ((summed + " + " + builder.tex(l2_gradient(d, layer, 1, 1)),),)))
    backward = [builder._shaped(matrices.base, e, e.rhs) for e in matrices.l2_backward if e.role == "dW"]
    return {"cost": [cost], "step": [step], "weights": weights, "backward": backward,
            "lambda_value": repr(spec.l2), "mean": spec.reduction == "mean"}


def _dropout(builder, matrices) -> dict:
    from .sheets import Equation

    spec, d = builder.spec, builder.derivation
    n = d.notation
    unit = [Equation(builder.tex(e.lhs, chain=False), ((builder.tex(e.rhs, chain=False),),)) for e in _dropout_index_form(spec)]
    keep = [builder._shaped(matrices.base, e, e.rhs) for e in matrices.dropout_forward if e.role == "keep"]
    backward = []
    for e in matrices.dropout_backward:
        if e.role == "drop":
            backward.append(builder._shaped(matrices.base, e, e.rhs))
        elif e.role == "dZ" and e.layer < spec.depth:  # g' by name: section 5 works it out
            slope = Applied(sp.Symbol(rf"g^{{[{e.layer}]\prime}}"), matrices.base.equation(f"Z{e.layer}").target)
            dA = matrices.base.equation(f"dA{e.layer}").target
            backward.append(builder._shaped(matrices.base, e, sp.HadamardProduct(dA, slope)))
    p = Equation(builder.tex(KEEP_PROB), ((repr(spec.dropout),),))
    return {"unit": unit, "keep": keep, "backward": backward, "keep_prob": [p],
            "hidden": ", ".join(str(layer) for layer in range(1, spec.depth))}


def _dropout_index_form(spec) -> list[sp.Eq]:
    """The index form of derive/indexform.py with the mask: any width, hidden layers l."""
    j, k, i = sp.symbols("j k i", integer=True, positive=True)
    loss, p = sp.Symbol("L"), KEEP_PROB
    w, w_next = sp.IndexedBase("w^{[l+1]}"), sp.IndexedBase("w^{[l+1]}")
    a, d = sp.IndexedBase("a^{[l]}"), sp.IndexedBase("d^{[l]}")
    z, delta, delta_next = sp.IndexedBase("z^{[l]}"), sp.IndexedBase(r"\delta^{[l]}"), sp.IndexedBase(r"\delta^{[l+1]}")
    g_prime = sp.Function(r"g^{[l]\prime}")
    width_next = sp.Symbol("n^{[l+1]}", integer=True, positive=True)
    w_kj, w_next_ij = (w[k, j], w_next[i, j]) if spec.layout == "column" else (w[j, k], w_next[j, i])
    kept = d[j] / p * a[j]
    return [
        sp.Eq(sp.Derivative(loss, w_kj), sp.IndexedBase(r"\delta^{[l+1]}")[k] * kept),
        sp.Eq(delta[j], g_prime(z[j]) * d[j] / p * sp.Sum(w_next_ij * delta_next[i], (i, 1, width_next))),
    ]
