"""Symbols as people write them, resolved to symnn's names, shapes and meaning.

w^{[1]}_{11}, w_{11}^{[1]}, w^{[1]}_{1,1} and W1[0,0] are all the scalar `w1_1_1`; \\hat{y} is a^{[L]};
W^{[2]} and W2 are the matrix W2; uppercase A^{[1]}, Z^{[1]}, X, Y are whole batches (n, m), lowercase
bold \\mathbf{a}^{[1]} and \\mathbf{x} are one example's column vectors (the seeds' per-example
backprop); in the row layout every matrix is transposed. Networks with one hidden layer and one output
also accept the layer-free shorthand of seed 000 (w_{11} in the first layer, w_1 into the output, a_1
a hidden unit). Anything else raises UnresolvedSymbol, which names the symbol.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from ..errors import ParseError
from ..notation import Notation
from ..spec import NetworkSpec
from .algebra import M

LOSS_NAMES = {"L", "J", "C", "E", "l", r"\ell", r"\mathcal{L}", r"\mathcal{J}", "cost", "loss"}
RATE_NAMES = {r"\alpha", r"\eta", "alpha", "eta", "lr", "learning_rate"}
LAMBDA_NAMES = {r"\lambda", "lambd", "lambda_", "lam"}  # the L2 strength (`lambda` is a Python keyword)
KNOWN = (r"w^{[l]}_{jk}, b^{[l]}_j, a^{[l]}_j, z^{[l]}_j, x_k, y, \hat{y}, \delta^{[l]}_j, "
         r"W^{[l]}, b^{[l]}, A^{[l]}, Z^{[l]}, X, Y, m (NumPy style: W1, b1, A1, Z1, dZ1, dA1, X, Y, m, W1[0,0])")


class UnresolvedSymbol(ParseError):
    """A symbol of the claim that names nothing in this network."""


@dataclass(frozen=True)
class Target:
    """What a claim is about: dL/d(kind^{[layer]}), the whole matrix or one entry (row, column)."""

    kind: str  # W, b, Z or A
    layer: int
    entry: tuple[int, int] | None = None  # 1-based position in the matrix of the spec's layout
    batch: bool = False  # named as a whole batch (dZ1, Z^{[1]}) rather than one example

    @property
    def name(self) -> str:
        base = {"W": "dW", "b": "db", "Z": "dZ", "A": "dA"}[self.kind]
        if self.entry is None:
            return f"{base if self.batch or self.kind in 'Wb' else base.lower()}{self.layer}"
        symbol = {"W": "w", "b": "b", "Z": "z", "A": "a"}[self.kind]
        row, column = self.entry
        index = f"{row}{column}" if self.kind == "W" else f"{row if self.kind != 'b' or row > 1 else column}"
        return f"dL/d{symbol}^[{self.layer}]_{index}"


def parse_indices(text: str, count: int | None = None) -> tuple[int, ...]:
    """'11' -> (1, 1) when two indices are wanted, '1,2' -> (1, 2), '3' -> (3,)."""
    text = text.strip().strip("{}").replace(" ", "")
    if not text:
        return ()
    if "," in text:
        parts = text.split(",")
    elif count == 2 and text.isdigit() and len(text) == 2:
        parts = list(text)
    else:
        parts = [text]
    if not all(p.isdigit() for p in parts):
        raise UnresolvedSymbol(f"the index {text!r} is not a number; write unit numbers such as _{{12}} or _{{1,2}}")
    return tuple(int(p) for p in parts)


class Resolver:
    """Maps a written symbol (base letter, layer, subscript, example marker, font) to a SymPy object."""

    def __init__(self, spec: NetworkSpec):
        self.spec = spec
        self.notation = Notation(spec)
        self.depth = spec.depth
        self.row_layout = spec.layout == "row"

    # --- shapes ---
    def size(self, layer: int) -> int:
        return self.spec.sizes[layer]

    def _oriented(self, rows, columns):
        return (columns, rows) if self.row_layout else (rows, columns)

    def weight_shape(self, layer):
        return self._oriented(self.size(layer), self.size(layer - 1))

    def matrix(self, name: str, rows, columns) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(name, *self._oriented(rows, columns))

    def _layer(self, layer, written: str) -> int:
        if layer is None:
            raise UnresolvedSymbol(f"{written} needs a layer in this {self.depth}-layer network: write it with ^{{[l]}}")
        if not 0 <= layer <= self.depth:
            raise UnresolvedSymbol(f"{written}: layer {layer} does not exist (layers 1 to {self.depth})")
        return layer

    def _unit(self, layer: int, unit: int, written: str) -> int:
        if not 1 <= unit <= self.size(layer):
            where = "the input" if layer == 0 else f"layer {layer}"
            raise UnresolvedSymbol(f"{written}: {where} has units 1 to {self.size(layer)}, not {unit}")
        return unit

    # --- the symbols ---
    def symbol(self, base: str, layer: int | None = None, sub: str = "", hat: bool = False, written: str = ""):
        """A written symbol -> Symbol (a scalar) or MatrixSymbol (a vector or matrix)."""
        written = written or base
        n = self.notation
        if base in RATE_NAMES:
            return sp.Symbol("alpha")
        if base in LAMBDA_NAMES:
            return self.regularization(written)
        if base in ("m", "N") and layer is None and not sub:
            return M  # seed 002 writes N for the number of examples
        if layer is None and self.spec.activations[-1].name == "softmax" and (base, sub.strip("{} ")) in (("S", ""), ("I", "y")):
            # seed 001's (S - I_y): S the softmax outputs of the batch, I_y the labels one-hot
            return self.symbol("A" if base == "S" else "Y", self.depth if base == "S" else None, written=written)
        if hat and base in ("y", "Y"):
            base, layer = ("a" if base == "y" else "A"), self.depth
        if base in ("delta", r"\delta"):
            base = "delta"
        layer, sub = self._shorthand(base, layer, sub, written)
        upper = base[:1].isupper()
        kind = base.lower()
        if kind == "w":
            layer = self._layer(layer, written)
            if layer == 0:
                raise UnresolvedSymbol(f"{written}: there are no weights in layer 0")
            if not sub:
                return sp.MatrixSymbol(f"W{layer}", *self.weight_shape(layer))
            row, column = self._pair(sub, written, layer)
            rows, columns = self.weight_shape(layer)
            if not (1 <= row <= rows and 1 <= column <= columns):
                raise UnresolvedSymbol(f"{written}: W^{{[{layer}]}} is {rows}x{columns}, it has no entry ({row}, {column})")
            return sp.Symbol(f"w{layer}_{row}_{column}")
        if kind == "b":
            layer = self._layer(layer, written)
            if sub:
                (unit,) = self._single(sub, written)
                return n.b(layer, self._unit(layer, unit, written))
            if self.size(layer) == 1 and not upper:
                return n.b(layer, 1)
            return self.matrix(f"b{layer}", self.size(layer), 1)
        if kind in ("x", "y"):
            if layer is not None:
                raise UnresolvedSymbol(f"{written}: {kind} has no layer (use a^{{[0]}} or a^{{[l]}})")
            last = kind == "y"
            layer_of = self.depth if last else 0
            if upper:
                return self.matrix(base, self.size(layer_of), M)
            if sub:
                (unit,) = self._single(sub, written)
                unit = self._unit(layer_of, unit, written)
                return n.y(unit) if last else n.x(unit)
            if self.size(layer_of) == 1:
                return n.y(1) if last else n.x(1)
            return self.matrix(f"{kind}_vector", self.size(layer_of), 1)
        if kind in ("a", "z", "delta"):
            layer = self._layer(layer, written)
            if layer == 0 and kind == "a":
                return self.symbol("X" if upper else "x", None, sub, written=written)
            if layer == 0:
                raise UnresolvedSymbol(f"{written}: layer 0 is the input; it has no {kind}")
            stem = {"a": "A", "z": "Z", "delta": "dZ"}[kind] if upper else {"a": "a", "z": "z", "delta": "dz"}[kind]
            if upper:
                if sub:
                    raise UnresolvedSymbol(f"{written}: a whole-batch matrix takes no unit index")
                return self.matrix(f"{stem}{layer}", self.size(layer), M)
            if sub or self.size(layer) == 1:
                (unit,) = self._single(sub, written) if sub else (1,)
                unit = self._unit(layer, unit, written)
                return {"a": n.a, "z": n.z, "delta": n.delta}[kind](layer, unit)
            return self.matrix(f"{stem}{layer}", self.size(layer), 1)
        raise UnresolvedSymbol(f"unknown symbol {written!r}; this network's symbols are {KNOWN}")

    def _shorthand(self, base, layer, sub, written):
        """seed 000's layer-free names, for one hidden layer and one output (or a single perceptron)."""
        kind = base.lower()
        if layer is not None or base[:1].isupper() or kind not in ("w", "b", "a", "z"):
            return layer, sub
        count = len(parse_indices(sub, 2)) if sub else 0
        if self.depth == 1:
            if kind == "w" and count == 1:
                return 1, f"1,{sub.strip('{}')}" if not self.row_layout else f"{sub.strip('{}')},1"
            return 1, sub
        if self.depth == 2 and self.spec.n_outputs == 1:
            if kind == "w" and count == 2:
                return 1, sub
            if kind == "w" and count == 1:  # w_j: from hidden unit j into the output
                (unit,) = parse_indices(sub)
                row, column = self.notation.weight_position(1, unit)
                return 2, f"{row},{column}"
            if kind in ("a", "z", "b") and count == 1:
                return 1, sub
            if kind in ("z", "b") and count == 0:
                return 2, sub
        return layer, sub

    def _pair(self, sub, written, layer):
        indices = parse_indices(sub, 2)
        if len(indices) == 1 and self.size(layer) == 1:  # w^{[L]}_j: into the only unit, from unit j
            return self.notation.weight_position(1, indices[0])
        if len(indices) != 2:
            raise UnresolvedSymbol(f"{written}: a weight needs two indices (row and column), like w^{{[1]}}_{{12}}")
        return indices

    def _single(self, sub, written):
        indices = parse_indices(sub, 1)
        if len(indices) != 1:
            raise UnresolvedSymbol(f"{written}: expected one unit index")
        return indices

    def regularization(self, written: str) -> sp.Symbol:
        """lambda of --l2 (rules/regularization.py); a spec without L2 has none to grade against."""
        if self.spec.l2 is None:
            raise UnresolvedSymbol(f"{written}: this network has no L2 regularisation; give --l2 LAMBDA "
                                   "to grade a formula with the penalty's gradient")
        return sp.Symbol("lambd")

    # --- NumPy names ---
    def code_name(self, name: str):
        """W1, b1, A1, Z1, X, Y, AL, dZ2, dA1, dz2, da1, m, alpha: the course's variable names."""
        if name in ("m", "alpha", "learning_rate", "lr") or name in LAMBDA_NAMES:
            return self.symbol(name)
        if name in ("X", "Y"):
            return self.symbol(name)
        if name in ("AL", "A_L", "Y_hat", "Yhat"):
            return self.symbol("A", self.depth, written=name)
        if name in ("x", "y"):
            return self.symbol(name)
        own = re.fullmatch(r"(w|b|a|z|delta)(\d+)_(\d+)(?:_(\d+))?|(x|y)(\d+)", name)
        if own:  # symnn's own identifiers: w1_2_1, a1_2, x1, y2
            if own.group(5):
                return self.symbol(own.group(5), None, own.group(6), written=name)
            kind, layer, first, second = own.group(1), int(own.group(2)), own.group(3), own.group(4)
            if (kind == "w") != (second is not None):
                raise UnresolvedSymbol(f"unknown name {name!r}; weights are w<l>_<row>_<column>, units a<l>_<j>")
            sub = f"{first},{second}" if second else first
            return self.symbol(kind, layer, sub, written=name)
        match = re.fullmatch(r"(W|b|A|Z|a|z)(\d+)", name)
        if match:
            return self.symbol(match.group(1), int(match.group(2)), written=name)
        match = re.fullmatch(r"d(Z|A|z|a|W|b)(\d+)", name)  # dW1, db1: in an update rule, W1 - learning_rate * dW1
        if match:
            return self.gradient(self.symbol(match.group(1), int(match.group(2)), written=name), written=name)
        raise UnresolvedSymbol(f"unknown name {name!r}; the course's names are W1, b1, Z1, A1, dZ1, dA1, X, Y, m")

    def indexed(self, name: str, indices: tuple[int, ...]):
        """W1[0, 1] -> w1_1_2 (NumPy indices start at 0)."""
        matrix = self.code_name(name)
        if not isinstance(matrix, sp.MatrixSymbol) or not re.fullmatch(r"[Wb]\d+", matrix.name):
            raise UnresolvedSymbol(f"{name}[...]: only weights and biases can be indexed (W1[0, 0], b1[1, 0])")
        if len(indices) != 2:
            raise UnresolvedSymbol(f"{name}[...] needs two indices, like {name}[0, 0]")
        row, column = (i + 1 for i in indices)
        layer = int(matrix.name[1:])
        if matrix.name[0] == "W":
            return self.symbol("w", layer, f"{row},{column}", written=f"{name}[{indices[0]}, {indices[1]}]")
        unit = column if self.row_layout else row
        return self.symbol("b", layer, str(unit), written=f"{name}[{indices[0]}, {indices[1]}]")

    # --- derivatives of the loss ---
    def target(self, of) -> Target:
        """dL/d(of) as the thing a claim is about."""
        name = of.name if isinstance(of, (sp.Symbol, sp.MatrixSymbol)) else ""
        match = re.fullmatch(r"w(\d+)_(\d+)_(\d+)", name)
        if match:
            return Target("W", int(match.group(1)), (int(match.group(2)), int(match.group(3))))
        match = re.fullmatch(r"(b|a|z|delta)(\d+)_(\d+)", name)
        if match:  # delta^{[l]}_j is dL/dz^{[l]}_j: a claim may name it directly (seed 002's backprop)
            kind, layer, unit = match.group(1), int(match.group(2)), int(match.group(3))
            entry = (1, unit) if self.row_layout else (unit, 1)
            return Target({"b": "b", "a": "A", "z": "Z", "delta": "Z"}[kind], layer, entry)
        match = re.fullmatch(r"(W|b|A|Z|a|z)(\d+)", name)
        if match:
            kind = match.group(1)
            return Target(kind.upper() if kind != "b" else "b", int(match.group(2)), None, batch=kind in "AZ")
        if name in ("y", "x", "X", "Y") or re.fullmatch(r"[xy]\d+", name):
            raise UnresolvedSymbol("the loss is differentiated with respect to parameters, z and a, not the data x, y")
        raise UnresolvedSymbol(f"cannot tell which derivative d/d{name or of} means")

    def named_gradient(self, value) -> Target | None:
        """The Target when a left-hand side is a gradient by name: delta^{[l]}_j (or the vector
        delta^{[l]}) is dL/dz^{[l]}_j; None for anything else (a parameter, an expression)."""
        name = getattr(value, "name", "") if isinstance(value, (sp.Symbol, sp.MatrixSymbol)) else ""
        if re.fullmatch(r"delta\d+_\d+", name):
            return self.target(value)
        match = re.fullmatch(r"d(Z|z|A|a)(\d+)", name)
        if match:
            kind = match.group(1)
            return Target(kind.upper(), int(match.group(2)), None, batch=kind.isupper())
        return None

    def gradient(self, of, written: str = ""):
        """The value of dL/d(of) used on a right-hand side (the right one, so each step is graded alone)."""
        target = self.target(of)
        if target.kind in ("W", "b") and target.entry is None:
            return sp.MatrixSymbol(f"d{target.kind}{target.layer}", *of.shape)
        if target.kind in ("W", "b"):  # only an update rule may name it (w := w - alpha dw): claims.PARAMETER_GRADIENT
            return sp.Symbol(f"d{of.name}")
        layer = target.layer
        if target.entry is not None:
            unit = target.entry[1] if self.row_layout else target.entry[0]
            return self.notation.delta(layer, unit) if target.kind == "Z" else sp.Symbol(f"da{layer}_{unit}")
        stem = ("dZ" if target.kind == "Z" else "dA") if target.batch else ("dz" if target.kind == "Z" else "da")
        return sp.MatrixSymbol(f"{stem}{layer}", *of.shape)

    def jacobian(self, of, wrt):
        """d(of)/d(wrt), a step of the chain, as a symbol whose value the sample points supply (jacobians.py)."""
        from .jacobians import jacobian_symbol

        return jacobian_symbol(of, wrt, self)
