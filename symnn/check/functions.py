"""The named functions a claim may use (sigma, tanh, ReLU, g, and their derivatives), as SymPy
expressions derived from the activation rules, never typed in."""
from __future__ import annotations

import sympy as sp

from ..errors import ParseError
from ..rules.activations import BUILTIN, Softmax, z as z_symbol

NAMES = {
    "sigma": "sigmoid", "sigmoid": "sigmoid", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu",
    "id": "linear", "linear": "linear", "identity": "linear",
}


def activation_function(name: str, prime: int, spec, layer: int | None):
    """A callable t -> g(t) (or g'(t), g''(t)) for a named activation, or g^{[l]} of the spec."""
    if name == "g":
        if layer is None:
            hidden = {a.name for a in spec.activations}
            if len(hidden) != 1:
                raise ParseError("g(...) needs a layer here, like g^{[1]}(z^{[1]}): the layers use different activations")
            layer = 1
        rule = spec.activations[layer - 1]
        if isinstance(rule, Softmax):
            raise ParseError("g of a softmax layer is not element-wise; write the softmax gradient out")
    else:
        key = NAMES.get(name.lower())
        if key is None:
            raise ParseError(f"unknown function {name!r}")
        rule = BUILTIN[key]()
    expression = rule.forward
    for _ in range(prime):
        expression = sp.diff(expression, z_symbol)
    return lambda argument: expression.xreplace({z_symbol: argument})


def elementary(name: str):
    table = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
             "sin": sp.sin, "cos": sp.cos, "sqrt": sp.sqrt, "abs": sp.Abs}
    return table.get(name)
