"""The known wrong variants of the right answer, named in words.

Each variant is the backward pass with one mistake built in (reference.Mistake): a claim that
agrees with a variant at every sample point is named after it. Sign flips combine with the others
(a sign flip and a missing 1/m together are common).
"""
from __future__ import annotations

from ..rules.activations import Softmax
from .reference import Mistake, derivative_formulas

SIGN = "a sign flip (y - a where a - y belongs, or a lost minus)"


def known_mistakes(spec) -> list[Mistake]:
    """Every single mistake that makes sense for this network, most common first."""
    sizes, depth = spec.sizes, spec.depth
    found = [Mistake(SIGN, sign=-1.0)]
    if spec.reduction == "mean":
        found.append(Mistake("missing 1/m: a sum over the m examples where the mean belongs", factor="none"))
    found.append(Mistake("an extra 1/m (the course keeps 1/m out of dZ and dA, and puts it once in dW and db)", factor="extra"))
    for layer in range(depth, 0, -1):
        rule = spec.activations[layer - 1]
        if isinstance(rule, Softmax):
            continue
        g = "sigma" if rule.name == "sigmoid" else rule.name
        where = f"layer {layer}"
        found += [
            Mistake(f"a missing activation derivative: {g}'(z^[{layer}]) is left out ({where})", derivative=((layer, "none"),)),
            Mistake(f"{g}(z) where {g}'(z) belongs: the activation instead of its derivative ({where})",
                    derivative=((layer, "value"),)),
            Mistake(f"the activation derivative {g}'(z^[{layer}]) applied twice ({where})", derivative=((layer, "twice"),)),
        ]
        for key, (words, _formula, _variable) in derivative_formulas(rule).items():
            if key.split("'")[0] == rule.name:
                continue
            found.append(Mistake(f"the derivative of the wrong activation in {where}: {words} where {rule.name}' belongs",
                                 derivative=((layer, key),)))
    for layer in range(2, depth + 1):
        if sizes[layer] == sizes[layer - 1]:
            found.append(Mistake(f"a missing transpose: W^[{layer}] where (W^[{layer}])^T belongs", untransposed=layer))
    for layer in range(1, depth + 1):
        for other in range(0, depth + 1):
            if other != layer - 1 and sizes[other] == sizes[layer - 1]:
                found.append(Mistake(f"the wrong layer index: A^[{other}] where A^[{layer - 1}] belongs in dW^[{layer}]",
                                     previous=(layer, other)))
        for other in range(1, depth + 1):
            if layer > 1 and other != layer and (sizes[other], sizes[other - 1]) == (sizes[layer], sizes[layer - 1]):
                found.append(Mistake(f"the wrong layer index: W^[{other}] where W^[{layer}] belongs in dA^[{layer - 1}]",
                                     weight_layer=(layer, other)))
    found.append(Mistake("the transpose of the right answer (products in the wrong order)", transposed=True))
    return found
