"""Finding a network's parameters and equations by position or by name, with errors that say what exists.

Names are accepted as symnn writes them (`w1_1_2`, `b2_1`, `dW1`) and as the sheets and the
terminal write them (`w^{[1]}_{12}`, `w^{[1]}_{1,12}`, `w_{12}^{[1]}`, `w^[1]_12`, `b^{[2]}` for a
one-unit layer, `dW^{[1]}`). A name is only matched against patterns, never evaluated. A lookup
that names nothing raises `UnknownName` (a KeyError) or `UnknownUnit` (an IndexError), both
SymnnErrors, whose message lists what the network has.
"""
from __future__ import annotations

import operator
import re

from .errors import UnknownName, UnknownUnit

_SPACE_AND_BRACES = re.compile(r"[\s{}]")
_SUPER_THEN_SUB = re.compile(r"(?P<kind>[wb])\^\[(?P<layer>\d+)\](?:_(?P<sub>\d+(?:,\d+)?))?")
_SUB_THEN_SUPER = re.compile(r"(?P<kind>[wb])_(?P<sub>\d+(?:,\d+)?)\^\[(?P<layer>\d+)\]")
_IDENTIFIER = re.compile(r"[wb]\d+(?:_\d+)+")
SHOWN_LAYERS = 6  # layers listed one by one in a message; deeper networks show the first and last few


def _shown(text: object, limit: int = 60) -> str:
    """A name as an error message quotes it: repr (no control character), cut when very long."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def identifier(name: str, spec) -> str | None:
    """`w^{[1]}_{12}`-style names rewritten as symnn's identifier (`w1_1_2`); None if it is none of them."""
    if not isinstance(name, str):
        return None
    compact = _SPACE_AND_BRACES.sub("", name).replace("\\", "")
    compact = compact[:1].lower() + compact[1:]  # W^{[1]}_{11}: the entry of W^{[1]}
    if _IDENTIFIER.fullmatch(compact):
        return compact
    match = _SUPER_THEN_SUB.fullmatch(compact) or _SUB_THEN_SUPER.fullmatch(compact)
    if not match:
        return None
    kind, layer, sub = match["kind"], int(match["layer"]), match["sub"]
    if kind == "b":
        if sub is None:  # b^{[2]}: a one-unit layer's bias, as the sheets write it
            return f"b{layer}_1" if 1 <= layer <= spec.depth and spec.sizes[layer] == 1 else None
        return None if "," in sub else f"b{layer}_{int(sub)}"
    if sub is None:
        return None
    if "," in sub:
        row, column = sub.split(",")
    elif len(sub) == 2:  # w^{[1]}_{12}: one digit each, as the sheets write indices below 10
        row, column = sub
    else:
        return None
    return f"w{layer}_{int(row)}_{int(column)}"


def parameter_position(derivation, name: str) -> tuple[int, int, int | None]:
    """(layer, j, k) of the weight or bias called `name` (k None for a bias)."""
    if not isinstance(name, str):
        raise UnknownName(f"a parameter is named by a string such as 'w1_1_1', not {type(name).__name__} {_shown(name)}")
    spec = derivation.spec
    plain = identifier(name, spec)
    where = derivation.notation.parameter_of(plain) if plain is not None else None
    if where is None or (where[2] is None and not spec.bias):
        raise UnknownName(f"no parameter named {_shown(name)} in this {_sizes(spec)} network; {valid_parameters(spec)}")
    return where


def checked_position(derivation, layer, j, source) -> tuple[int, int, int | None]:
    """The position (layer, j, k) as plain ints, or an error that names what exists."""
    spec = derivation.spec
    sizes = spec.sizes
    layer = _integer(layer, "the layer")
    if not 1 <= layer <= spec.depth:
        raise UnknownName(f"layer {layer} does not exist: this {_sizes(spec)} network has layers 1 to {spec.depth}")
    if j is None:
        raise UnknownUnit(f"give the unit j (1 to {sizes[layer]}) of layer {layer}, or a name such as 'w{layer}_1_1'")
    j = _integer(j, "the unit j")
    if not 1 <= j <= sizes[layer]:
        raise UnknownUnit(f"unit j = {j} does not exist in layer {layer}, which has units 1 to {sizes[layer]}")
    if source is None:
        if not spec.bias:
            raise UnknownName(f"this network has no biases (--no-bias); give the source unit k (1 to {sizes[layer - 1]}) "
                              "for a weight")
        return layer, j, None
    source = _integer(source, "the source unit k")
    before = "the input" if layer == 1 else f"layer {layer - 1}"
    if not 1 <= source <= sizes[layer - 1]:
        raise UnknownUnit(f"source unit k = {source} does not exist: {before} has units 1 to {sizes[layer - 1]}")
    return layer, j, source


def _integer(value, what: str) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise UnknownName(f"{what} is a whole number, not {type(value).__name__} {_shown(value)}") from None


def _sizes(spec) -> str:
    return "-".join(map(str, spec.sizes))


def valid_parameters(spec) -> str:
    """What a parameter lookup accepts in this network, in one sentence."""
    layers = list(range(1, spec.depth + 1))
    if len(layers) > SHOWN_LAYERS:
        layers = layers[:SHOWN_LAYERS - 2] + [None] + layers[-1:]
    weights, biases = [], []
    for layer in layers:
        if layer is None:
            weights.append("...")
            biases.append("...")
            continue
        rows, columns = spec.sizes[layer], spec.sizes[layer - 1]
        if spec.layout == "row":
            rows, columns = columns, rows
        last = f"w{layer}_{rows}_{columns}"
        weights.append(f"w{layer}_1_1" + ("" if last == f"w{layer}_1_1" else f" to {last}") + f" (W^{{[{layer}]}} is {rows}x{columns})")
        biases.append(f"b{layer}_1" + ("" if spec.sizes[layer] == 1 else f" to b{layer}_{spec.sizes[layer]}"))
    text = f"it has layers 1 to {spec.depth}; weights " + ", ".join(weights)
    if spec.bias:
        text += "; biases " + ", ".join(biases)
    return text + r" (also written as the sheets do: w^{[1]}_{11}, w^{[1]}_{1,12}, b^{[1]}_{1})"


# --- the vectorised equations ---
def equation_name(name) -> str:
    """`dW^{[1]}`, `dW^[1]` or `dW1` -> `dW1`."""
    if not isinstance(name, str):
        raise UnknownName(f"an equation is named by a string such as 'dW1', not {type(name).__name__} {_shown(name)}")
    return re.sub(r"[\s{}\[\]^\\]", "", name)


def unknown_equation(name, equations, spec) -> UnknownName:
    names = ", ".join(e.name for e in equations)
    return UnknownName(f"no equation named {_shown(name)} in the vectorised equations of this {_sizes(spec)} network; "
                       f"they are {names}")
