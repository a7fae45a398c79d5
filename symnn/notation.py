"""The users' notation in one place: symbol names (Python identifiers, so strings round-trip through
SymPy) and their LaTeX forms (w^{[l]}_{jk}, a^{[l]}_j, x_k, y).

Weights are named by their position in the matrix W^{[l]}: row j, column k in the column layout
(w^{[l]}_{jk} feeds unit j from unit k), row k, column j in the row layout (Z = A W + b).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .spec import NetworkSpec


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

    @cached_property
    def latex_names(self) -> dict[sp.Symbol, str]:
        """symbol -> LaTeX, for sympy.latex(..., symbol_names=...)."""
        names: dict[sp.Symbol, str] = {}
        sizes = self.spec.sizes
        for k in range(1, sizes[0] + 1):
            names[self.x(k)] = f"x_{{{k}}}"
        for j in range(1, sizes[-1] + 1):
            names[self.y(j)] = "y" if sizes[-1] == 1 else f"y_{{{j}}}"
        names[sp.Symbol("L")] = "L"
        for layer in range(1, len(sizes)):
            names[layer_symbol("a", layer)] = f"a^{{[{layer}]}}"
            names[layer_symbol("z", layer)] = f"z^{{[{layer}]}}"
            for j in range(1, sizes[layer] + 1):
                names[self.a(layer, j)] = self._unit("a", layer, j)
                names[self.z(layer, j)] = self._unit("z", layer, j)
                names[self.delta(layer, j)] = self._unit(r"\delta", layer, j)
                names[self.b(layer, j)] = self._unit("b", layer, j)
                for k in range(1, sizes[layer - 1] + 1):
                    row, column = self.weight_position(j, k)
                    names[self.w(layer, j, k)] = f"w^{{[{layer}]}}_{{{_pair(row, column)}}}"
        return names

    @cached_property
    def text_names(self) -> dict[sp.Symbol, str]:
        """symbol -> plain-text name for terminals: w^[1]_11, a^[2], delta^[1]_2."""
        return {symbol: _plain(name) for symbol, name in self.latex_names.items()}

    @cached_property
    def chain_positions(self) -> dict[sp.Symbol, float]:
        """Where each symbol sits on the path from the loss back to the input, for ordering products
        as the seeds write them: targets first, then layer L's activation derivative, W^{[L]}, ...,
        and the input last (a weight sits between its two layers)."""
        depth = self.spec.depth
        positions: dict[sp.Symbol, float] = {self.y(j): depth + 1 for j in range(1, self.spec.n_outputs + 1)}
        for k in range(1, self.spec.n_inputs + 1):
            positions[self.x(k)] = 0
        for layer in range(1, depth + 1):
            for j in range(1, self.spec.sizes[layer] + 1):
                for symbol in (self.a(layer, j), self.z(layer, j), self.delta(layer, j)):
                    positions[symbol] = layer
                positions[self.b(layer, j)] = layer - 0.5
                for k in range(1, self.spec.sizes[layer - 1] + 1):
                    positions[self.w(layer, j, k)] = layer - 0.5
        return positions

    @cached_property
    def symbols_by_name(self) -> dict[str, sp.Symbol]:
        """name -> symbol, to read the `sympy` strings of a derivation back (trusted text only)."""
        return {str(s): s for s in self.latex_names}


def layer_symbol(name: str, layer: int | None = None) -> sp.Symbol:
    """A whole-layer quantity (a^{[2]}, z^{[2]}) or the loss L, as a named symbol for chain factors."""
    return sp.Symbol(name if layer is None else f"{name}{layer}")
