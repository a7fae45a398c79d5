"""The per-weight derivation as plain JSON-ready data (fields documented in the README)."""
from __future__ import annotations

import json

from .. import __version__
from ..derive.indexform import index_form
from ..derive.perweight import NetworkDerivation, ParameterGradient
from .files import MARKER
from .printers import to_latex, to_sympy_string


def _formula(expression, names, positions=None) -> dict:
    return {"latex": to_latex(expression, names, positions), "sympy": to_sympy_string(expression)}


def spec_dict(spec) -> dict:
    fields = {
        "sizes": list(spec.sizes),
        "activations": [a.spec_text for a in spec.activations],
        "loss": spec.loss.name,
        "layout": spec.layout,
        "bias": spec.bias,
        "reduction": spec.reduction,
    }
    if spec.l2 is not None or spec.dropout is not None:  # only then, so other outputs keep their bytes
        fields.update(l2=spec.l2, dropout=spec.dropout)
    return {**fields, "command_line": spec.command_line(), "parameter_count": spec.parameter_count}


def gradient_dict(gradient: ParameterGradient, derivation: NetworkDerivation) -> dict:
    names = derivation.notation.latex_names
    notation = derivation.notation
    chain = notation.chain_positions
    row, column = (gradient.unit, None) if gradient.source is None else notation.weight_position(gradient.unit, gradient.source)
    return {
        "name": gradient.parameter.name,
        "latex": names[gradient.parameter],
        "kind": gradient.kind,
        "layer": gradient.layer,
        "unit": gradient.unit,
        "source": gradient.source,
        "row": row,
        "column": column,
        "factors": [
            {
                "of": names.get(f.of, f.of.name),
                "wrt": names.get(f.wrt, f.wrt.name),
                "shape": list(f.shape),
                **_formula(f.value, names, chain),
            }
            for f in gradient.factors
        ],
        "delta_form": _formula(gradient.delta_form, names, chain),
        "closed_form": _formula(gradient.closed_form, names, chain),
    }


def derivation_dict(derivation: NetworkDerivation, gradients: list[ParameterGradient] | None = None) -> dict:
    names = derivation.notation.latex_names
    chain = derivation.notation.chain_positions
    spec = derivation.spec
    gradients = derivation.gradients() if gradients is None else gradients
    return {
        "generator": f"{MARKER} {__version__}",
        "spec": spec_dict(spec),
        "loss": _formula(derivation.loss, names),
        "reduction_factor": _formula(derivation.reduction_factor, names),
        "activations": [
            {
                "layer": layer,
                "name": activation.name,
                "note": activation.note,
                **(
                    {
                        "forward": _formula(activation.forward, {}),
                        "derivative": _formula(activation.derivative, {}),
                        "derivative_in_output": None if activation.derivative_in_output is None
                        else _formula(activation.derivative_in_output, {}),
                    }
                    if activation.elementwise else {}
                ),
            }
            for layer, activation in enumerate(spec.activations, start=1)
        ],
        "deltas": [
            {
                "layer": d.layer,
                "unit": d.unit,
                "symbol": names[d.symbol],
                "recursion": _formula(d.recursion, names, chain),
                "closed_form": _formula(d.closed_form, names, chain),
            }
            for layer in sorted(derivation.deltas)
            for d in derivation.deltas[layer]
        ],
        "parameters": [gradient_dict(g, derivation) for g in gradients],
        "index_form": [{"name": e.name, "latex": to_latex(e.equation)} for e in index_form(spec)],
    }


def derivation_json(derivation: NetworkDerivation, gradients=None) -> str:
    return json.dumps(derivation_dict(derivation, gradients), indent=2, ensure_ascii=False) + "\n"

