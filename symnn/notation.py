"""The users' notation in one place: symbol names (Python identifiers, so strings round-trip through
SymPy) and their LaTeX forms (w^{[l]}_{jk}, a^{[l]}_j, x_k, y).

Weights are named by their position in the matrix W^{[l]}: row j, column k in the column layout
(w^{[l]}_{jk} feeds unit j from unit k), row k, column j in the row layout (Z = A W + b).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .spec import NetworkSpec


_NAME = re.compile(r"(?P<kind>x|y|L|a|z|delta|d|b|w)(?P<numbers>\d*(?:_\d+)*)")
_REGULARIZATION = {"lambd": r"\lambda", "keep_prob": "p"}  # rules/regularization.py's lambda and keep_prob


def _plain(latex_name: str) -> str:
    return latex_name.replace("\\", "").replace("{", "").replace("}", "")


def _pair(first: int, second: int) -> str:
    return f"{first}{second}" if first < 10 and second < 10 else f"{first},{second}"


@dataclass(frozen=True)
class Notation:
    spec: NetworkSpec

    # --- symbols (units and inputs are 1-based, as in the seeds) ---
    def x(self, k: int) -> sp.Symbol:
        return sp.Symbol(f"x{k}")

    def y(self, j: int) -> sp.Symbol:
        return sp.Symbol("y" if self.spec.n_outputs == 1 else f"y{j}")

    def a(self, layer: int, j: int) -> sp.Symbol:
        return self.x(j) if layer == 0 else sp.Symbol(f"a{layer}_{j}")

    def z(self, layer: int, j: int) -> sp.Symbol:
        return sp.Symbol(f"z{layer}_{j}")

    def delta(self, layer: int, j: int) -> sp.Symbol:
        return sp.Symbol(f"delta{layer}_{j}")

    def weight_position(self, j: int, k: int) -> tuple[int, int]:
        """(row, column) in W^{[l]}, 1-based, of the weight into unit j from unit k."""
        return (j, k) if self.spec.layout == "column" else (k, j)

    def w(self, layer: int, j: int, k: int) -> sp.Symbol:
        """The weight into unit j of `layer` from unit k of the layer before."""
        row, column = self.weight_position(j, k)
        return sp.Symbol(f"w{layer}_{row}_{column}")

    def b(self, layer: int, j: int) -> sp.Symbol:
        return sp.Symbol(f"b{layer}_{j}")

    # --- LaTeX ---
    def _unit(self, base: str, layer: int, j: int) -> str:
        sub = "" if self.spec.sizes[layer] == 1 else f"_{{{j}}}"
        return f"{base}^{{[{layer}]}}{sub}"

    def _symbols(self):
        """Every symbol of the network, in a fixed order (inputs, targets, L, then layer by layer)."""
        sizes = self.spec.sizes
        yield from (self.x(k) for k in range(1, sizes[0] + 1))
        yield from (self.y(j) for j in range(1, sizes[-1] + 1))
        yield sp.Symbol("L")
        for layer in range(1, len(sizes)):
            yield layer_symbol("a", layer)
            yield layer_symbol("z", layer)
            for j in range(1, sizes[layer] + 1):
                yield from (self.a(layer, j), self.z(layer, j), self.delta(layer, j), self.b(layer, j))
                yield from (self.w(layer, j, k) for k in range(1, sizes[layer - 1] + 1))
                if self.spec.dropout is not None and layer < len(sizes) - 1:
                    yield sp.Symbol(f"d{layer}_{j}")  # dropout's mask entry
        if self.spec.l2 is not None:
            yield sp.Symbol("lambd")
        if self.spec.dropout is not None:
            yield sp.Symbol("keep_prob")

    def _parts(self, symbol) -> tuple[str, list[int]] | None:
        """(kind, numbers) of one of this network's symbols, read back from its name; None otherwise."""
        if isinstance(symbol, sp.Symbol) and symbol.name in _REGULARIZATION:
            return (symbol.name, []) if self._regularized(symbol.name) else None
        match = _NAME.fullmatch(symbol.name) if isinstance(symbol, sp.Symbol) else None
        if not match:
            return None
        kind, numbers = match["kind"], [int(t) for t in match["numbers"].split("_") if t]
        sizes, depth = self.spec.sizes, self.spec.depth
        layer_ok = bool(numbers) and 1 <= numbers[0] <= depth
        if kind == "x":
            valid = len(numbers) == 1 and 1 <= numbers[0] <= sizes[0]
        elif kind == "y":
            valid = (not numbers) if sizes[-1] == 1 else (len(numbers) == 1 and 1 <= numbers[0] <= sizes[-1])
        elif kind == "L":
            valid = not numbers
        elif kind in ("a", "z") and len(numbers) == 1:
            valid, kind = layer_ok, kind + "_layer"
        elif kind in ("a", "z", "delta", "b"):
            valid = len(numbers) == 2 and layer_ok and 1 <= numbers[1] <= sizes[numbers[0]]
        elif kind == "d":  # a dropout mask entry: hidden layers only
            valid = (self.spec.dropout is not None and len(numbers) == 2 and 1 <= numbers[0] < depth
                     and 1 <= numbers[1] <= sizes[numbers[0]])
        else:  # w: a matrix position (row, column) of W^{[l]}
            rows, columns = (sizes[numbers[0]], sizes[numbers[0] - 1]) if layer_ok else (0, 0)
            if self.spec.layout == "row":
                rows, columns = columns, rows
            valid = len(numbers) == 3 and layer_ok and 1 <= numbers[1] <= rows and 1 <= numbers[2] <= columns
        return (kind, numbers) if valid else None

    def _regularized(self, name: str) -> bool:
        return self.spec.l2 is not None if name == "lambd" else self.spec.dropout is not None

    def parameter_of(self, name: str) -> tuple[int, int, int | None] | None:
        """(layer, j, k) of the weight or bias called `name` (k None for a bias), or None."""
        parts = self._parts(sp.Symbol(name)) if _NAME.fullmatch(name) else None
        if parts is None or parts[0] not in ("w", "b"):
            return None
        kind, numbers = parts
        if kind == "b":
            return numbers[0], numbers[1], None
        layer, row, column = numbers
        return (layer, row, column) if self.spec.layout == "column" else (layer, column, row)

    def _latex_of(self, symbol) -> str | None:
        parts = self._parts(symbol)
        if parts is None:
            return None
        kind, numbers = parts
        if kind in _REGULARIZATION:
            return _REGULARIZATION[kind]
        if kind == "x":
            return f"x_{{{numbers[0]}}}"
        if kind == "y":
            return f"y_{{{numbers[0]}}}" if numbers else "y"
        if kind == "L":
            return "L"
        if kind.endswith("_layer"):
            return f"{kind[0]}^{{[{numbers[0]}]}}"
        if kind == "w":
            return f"w^{{[{numbers[0]}]}}_{{{_pair(numbers[1], numbers[2])}}}"
        return self._unit(r"\delta" if kind == "delta" else kind, numbers[0], numbers[1])

    def _position_of(self, symbol) -> float | None:
        parts = self._parts(symbol)
        if parts is None or parts[0] in ("L", "a_layer", "z_layer", *_REGULARIZATION):
            return None
        kind, numbers = parts
        if kind == "y":
            return self.spec.depth + 1
        if kind == "x":
            return 0
        return numbers[0] - 0.5 if kind in ("w", "b") else numbers[0]

    @cached_property
    def latex_names(self) -> Mapping[sp.Symbol, str]:
        """symbol -> LaTeX, for sympy.latex(..., symbol_names=...). Computed per symbol on demand: a
        wide network has millions of weights and a listing or a sheet prints a handful."""
        return _LazyNames(self._symbols, self._latex_of)

    @cached_property
    def text_names(self) -> Mapping[sp.Symbol, str]:
        """symbol -> plain-text name for terminals: w^[1]_11, a^[2], delta^[1]_2."""
        return _LazyNames(self._symbols, lambda symbol: _plain(name) if (name := self._latex_of(symbol)) else None)

    @cached_property
    def chain_positions(self) -> Mapping[sp.Symbol, float]:
        """Where each symbol sits on the path from the loss back to the input, for ordering products
        as the seeds write them: targets first, then layer L's activation derivative, W^{[L]}, ...,
        and the input last (a weight sits between its two layers)."""
        return _LazyNames(self._symbols, self._position_of)

    @cached_property
    def symbols_by_name(self) -> dict[str, sp.Symbol]:
        """name -> symbol, to read the `sympy` strings of a derivation back (trusted text only)."""
        return {str(s): s for s in self.latex_names}


class _LazyNames(Mapping):
    """A read-only mapping whose values are computed when asked for."""

    def __init__(self, symbols, describe):
        self._symbols, self._describe = symbols, describe
        self._known: dict = {}  # printing asks for the same few symbols thousands of times

    def __getitem__(self, symbol):
        try:
            value = self._known[symbol]
        except KeyError:
            value = self._known[symbol] = self._describe(symbol)
        except TypeError:  # an unhashable key is no symbol of ours
            raise KeyError(symbol) from None
        if value is None:
            raise KeyError(symbol)
        return value

    def __iter__(self):
        return (symbol for symbol in self._symbols() if self._describe(symbol) is not None)

    def __len__(self):
        return sum(1 for _ in self)

    def __bool__(self):  # printers test the mapping for truth; counting millions of weights is not needed
        return True


def layer_symbol(name: str, layer: int | None = None) -> sp.Symbol:
    """A whole-layer quantity (a^{[2]}, z^{[2]}) or the loss L, as a named symbol for chain factors."""
    return sp.Symbol(name if layer is None else f"{name}{layer}")
