"""A derivation's listing (JSON or text), streamed parameter by parameter in time linear in their number.

SymPy's printers cost milliseconds per formula, so nothing is printed twice: the factors a whole layer
shares are printed once (and, when they are matrices, written once under `shared_factors`), a unit's
factors and its delta's closed form once per unit, an input once per source unit. A parameter's delta
form and closed form are then the printed delta (or its closed form) times the printed input, joined
with the printer's own rule for a product (an Add is parenthesised), which reads back to the same
expression.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator

import sympy as sp

from .. import __version__
from ..derive.indexform import index_form
from ..derive.perweight import ChainFactor, NetworkDerivation
from .files import MARKER
from .printers import to_latex, to_sympy_string, to_text

Position = tuple[int, int, "int | None"]  # (layer, j, k); k None for a bias


class PrintedFormulas:
    """Each expression printed once per format: LaTeX and text in chain order, and SymPy's string."""

    def __init__(self, derivation: NetworkDerivation):
        notation = derivation.notation
        self._latex_names, self._text_names = notation.latex_names, notation.text_names
        self._positions = notation.chain_positions
        self._cache: dict[tuple[str, int], tuple[object, str]] = {}

    def _memo(self, kind: str, expression, make) -> str:
        """Keyed by identity: the derivation hands out the same objects again, and hashing or comparing
        a matrix costs more than the lookup should (the entry keeps the object alive, so its id stays)."""
        key = (kind, expression if isinstance(expression, sp.Symbol) else id(expression))
        hit = self._cache.get(key)
        if hit is None or (hit[0] is not expression and not isinstance(expression, sp.Symbol)):
            hit = self._cache[key] = (expression, make(expression))
        return hit[1]

    def latex(self, expression) -> str:
        return self._memo("latex", expression, lambda e: self._diagonal(e, "latex") or to_latex(
            e, self._latex_names, self._positions))

    def text(self, expression) -> str:
        return self._memo("text", expression, lambda e: self._diagonal(e, "text") or to_text(
            e, self._text_names, self._positions))

    def sympy(self, expression) -> str:
        return self._memo("sympy", expression, lambda e: self._diagonal(e, "sympy") or to_sympy_string(e))

    def _diagonal(self, expression, kind: str) -> str | None:
        """A diagonal Jacobian (an element-wise activation's) as diag(...): n entries, not n² (SymPy's
        `diag` reads the sympy form back)."""
        if not (isinstance(expression, sp.MatrixBase) and expression.is_square and expression.rows > 1
                and expression.is_diagonal()):
            return None
        entries = [getattr(self, kind)(expression[i, i]) for i in range(expression.rows)]
        if kind == "latex":
            return r"\operatorname{diag}\left(" + ", ".join(entries) + r"\right)"
        return "diag(" + ", ".join(entries) + ")"

    def formula(self, expression) -> dict:
        return {"latex": self.latex(expression), "sympy": self.sympy(expression)}

    def product(self, left: sp.Expr, right: sp.Expr, kind: str) -> str:
        """left * right, where `right` is one symbol (or 1) that comes last in chain order, in `kind`
        ("latex", "text" or "sympy"), from the two printed parts."""
        printed = getattr(self, kind)
        if right == 1:
            return printed(left)
        if left.is_Number:
            return printed(sp.Mul(left, right))
        first, second = printed(left), printed(right)
        if right.is_Add:  # not an input symbol (dropout's d a / p is a product): parenthesised to be safe
            second = rf"\left({second}\right)" if kind == "latex" else f"({second})"
        if kind == "latex":
            return (rf"\left({first}\right) " if left.is_Add else f"{first} ") + second
        return (f"({first})*" if left.is_Add else f"{first}*") + second


class Listing:
    """The printed pieces of one derivation, for the selected parameters."""

    def __init__(self, derivation: NetworkDerivation, positions: list[Position]):
        self.derivation = derivation
        self.positions = positions
        self.printed = PrintedFormulas(derivation)
        self._shared_ids: dict[tuple[int, int], int] = {}
        self.shared: list[dict] = []  # matrix factors shared by a whole layer, written once
        self.shared_values: list = []  # their expressions, in the same order
        self._fragments: dict = {}  # encoded factor objects, by (layer, unit or source, indent)
        for layer in sorted({layer for layer, _, _ in positions}):
            for index, factor in enumerate(derivation.shared_factors(layer)):
                if factor.shape != (1, 1):
                    self._shared_ids[layer, index] = len(self.shared)
                    self.shared.append({"id": len(self.shared), "layers": [layer], **self._factor_fields(factor)})
                    self.shared_values.append(factor.value)
        self._merge_identical_shared()

    def _merge_identical_shared(self) -> None:
        """Deeper layers share their factors with the layers below: write each once, list its layers."""
        first_of: dict[tuple, int] = {}
        kept: list[dict] = []
        values: list = []
        remap: dict[int, int] = {}
        for entry, value in zip(self.shared, self.shared_values):
            key = (entry["of"], entry["wrt"], entry["latex"])
            if key in first_of:
                kept[first_of[key]]["layers"] += entry["layers"]
                remap[entry["id"]] = first_of[key]
            else:
                first_of[key] = len(kept)
                remap[entry["id"]] = len(kept)
                kept.append({**entry, "id": len(kept)})
                values.append(value)
        self.shared, self.shared_values = kept, values
        self._shared_ids = {where: remap[i] for where, i in self._shared_ids.items()}

    def _name(self, symbol, kind: str = "latex") -> str:
        names = self.printed._latex_names if kind == "latex" else self.printed._text_names
        return names.get(symbol, symbol.name)

    def _factor_fields(self, factor: ChainFactor) -> dict:
        return {"of": self._name(factor.of), "wrt": self._name(factor.wrt), "shape": list(factor.shape),
                **self.printed.formula(factor.value)}

    # --- one parameter ---
    def record(self, layer: int, j: int, k: int | None) -> dict:
        """What the JSON holds for one parameter (see the README's field table)."""
        return json.loads(self.record_json(layer, j, k, ""))

    def record_json(self, layer: int, j: int, k: int | None, indent: str = "    ") -> str:
        """The parameter's JSON object as json.dumps(record, indent=2) writes it `indent` deep, put
        together from fragments encoded once per layer, unit and source."""
        d = self.derivation
        n = d.notation
        delta = d.deltas[layer][j - 1]
        local = d.local_factor(layer, j, k)
        row, column = (j, None) if k is None else n.weight_position(j, k)
        inner = indent + "  "
        factors = [self._encoded(("shared", layer, index), indent, lambda f=factor, i=index: self._shared_field(layer, i, f))
                   for index, factor in enumerate(d.shared_factors(layer))]
        factors += [self._encoded(("unit", layer, j, index), indent, lambda f=factor: self._factor_fields(f))
                    for index, factor in enumerate(d.unit_factors(layer, j))]
        factors.append(self._local_json(local, indent + "    "))  # of and wrt name this parameter
        fields = [
            ("name", _dumps(local.wrt.name)),
            ("latex", _dumps(self._name(local.wrt))),
            ("kind", '"bias"' if k is None else '"weight"'),
            ("layer", str(layer)),
            ("unit", str(j)),
            ("source", _dumps(k)),
            ("row", str(row)),
            ("column", _dumps(column)),
            ("factors", "[\n" + ",\n".join(inner + "  " + f for f in factors) + "\n" + inner + "]"),
            ("delta_form", self._pair(delta.symbol, local.value, inner)),
            ("closed_form", self._pair(delta.closed_form, local.value, inner)),
            ("expanded", "true" if delta.expanded else "false"),
        ]
        return "{\n" + ",\n".join(f'{inner}"{key}": {value}' for key, value in fields) + "\n" + indent + "}"

    def _encoded(self, key, indent: str, make) -> str:
        """A factor object encoded 4 deeper than `indent` (the factors list), once per key."""
        key = (key, indent)
        if key not in self._fragments:
            self._fragments[key] = _indented(make(), indent + "    ")
        return self._fragments[key]

    def _shared_field(self, layer: int, index: int, factor: ChainFactor) -> dict:
        shared = self._shared_ids.get((layer, index))
        if shared is None:
            return self._factor_fields(factor)
        return {"of": self._name(factor.of), "wrt": self._name(factor.wrt), "shape": list(factor.shape), "shared": shared}

    def _pair(self, left, right, indent: str) -> str:
        """{"latex": ..., "sympy": ...} of left * right, as json.dumps(indent=2) writes it `indent` deep."""
        latex, sympy = (_dumps(self.printed.product(left, right, kind)) for kind in ("latex", "sympy"))
        return f'{{\n{indent}  "latex": {latex},\n{indent}  "sympy": {sympy}\n{indent}}}'

    def _local_json(self, local: ChainFactor, indent: str) -> str:
        """dz_j/d(parameter) as json.dumps(indent=2) writes it `indent` deep (its value printed once per k)."""
        latex, sympy = _dumps(self.printed.latex(local.value)), _dumps(self.printed.sympy(local.value))
        value = f'\n{indent}  "latex": {latex},\n{indent}  "sympy": {sympy}'
        return (f'{{\n{indent}  "of": {_dumps(self._name(local.of))},\n{indent}  "wrt": {_dumps(self._name(local.wrt))},'
                f'\n{indent}  "shape": [\n{indent}    1,\n{indent}    1\n{indent}  ],{value}\n{indent}}}')

    def text_record(self, layer: int, j: int, k: int | None) -> dict:
        """What the text listing shows for one parameter: every string already printed."""
        d = self.derivation
        delta = d.deltas[layer][j - 1]
        local = d.local_factor(layer, j, k)
        key = ("text", layer, j)
        if key not in self._fragments:
            shared = d.shared_factors(layer)
            self._fragments[key] = [self._text_factor(f, self._shared_ids.get((layer, i)) if i < len(shared) else None)
                                    for i, f in enumerate((*shared, *d.unit_factors(layer, j)))]
        return {
            "name": local.wrt.name,
            "symbol": self._name(local.wrt, "text"),
            "factors": [*self._fragments[key], self._text_factor(local, None)],
            "delta_form": self.printed.product(delta.symbol, local.value, "text"),
            "closed_form": self.printed.product(delta.closed_form, local.value, "text"),
            "expanded": delta.expanded,
        }

    def _text_factor(self, factor: ChainFactor, shared: int | None) -> dict:
        return {"of": self._name(factor.of, "text"), "wrt": self._name(factor.wrt, "text"),
                "value": f"[shared factor S{shared + 1}, above]" if shared is not None else self.printed.text(factor.value)}

    # --- the parts around the parameters ---
    def header(self) -> dict:
        d, p = self.derivation, self.printed
        spec = d.spec
        plain = {}  # activation formulas are in z alone: no network names
        return {
            "generator": f"{MARKER} {__version__}",
            "spec": spec_dict(spec),
            "loss": p.formula(d.loss),  # chain order: terms in natural index order
            "reduction_factor": {"latex": to_latex(d.reduction_factor, plain), "sympy": p.sympy(d.reduction_factor)},
            "activations": [
                {
                    "layer": layer,
                    "name": activation.name,
                    "note": activation.note,
                    **(
                        {
                            "forward": _plain_formula(activation.forward),
                            "derivative": _plain_formula(activation.derivative),
                            "derivative_in_output": None if activation.derivative_in_output is None
                            else _plain_formula(activation.derivative_in_output),
                        }
                        if activation.elementwise else {}
                    ),
                }
                for layer, activation in enumerate(spec.activations, start=1)
            ],
            "deltas": [
                {
                    "layer": x.layer,
                    "unit": x.unit,
                    "symbol": self._name(x.symbol),
                    "recursion": p.formula(x.recursion),
                    "closed_form": p.formula(x.closed_form),
                    "expanded": x.expanded,
                }
                for layer in sorted(d.deltas)
                for x in d.deltas[layer]
            ],
            "shared_factors": self.shared,
        }


def _plain_formula(expression) -> dict:
    return {"latex": to_latex(expression, {}), "sympy": to_sympy_string(expression)}


def spec_dict(spec) -> dict:
    fields = {
        "sizes": list(spec.sizes),
        "activations": [a.spec_text for a in spec.activations],
        "loss": spec.loss.name,
        "layout": spec.layout,
        "bias": spec.bias,
        "reduction": spec.reduction,
    }
    if getattr(spec, "l2", None) is not None or getattr(spec, "dropout", None) is not None:  # only then, so other outputs keep their bytes
        fields.update(l2=spec.l2, dropout=spec.dropout)
    return {**fields, "command_line": spec.command_line(), "parameter_count": spec.parameter_count}


def progress(items: Iterable, total: int, what: str = "parameters") -> Iterator:
    """A progress bar on stderr while `items` are produced; silent when stderr is not a terminal."""
    try:
        from tqdm import tqdm
    except ImportError:  # a missing bar must never stop the listing
        return iter(items)
    return iter(tqdm(items, total=total, unit=" " + what, file=sys.stderr, disable=not _is_terminal(sys.stderr),
                     leave=False, mininterval=0.5))


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _indented(value, prefix: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_chunks(derivation: NetworkDerivation, positions: list[Position], show_progress: bool = False) -> Iterator[str]:
    """The JSON document (the same as json.dumps(..., indent=2) of the whole), piece by piece."""
    listing = Listing(derivation, positions)
    yield "{\n"
    for key, value in listing.header().items():
        yield f'  "{key}": {_indented(value, "  ")},\n'
    yield '  "parameters": ['
    items = progress(positions, len(positions)) if show_progress else positions
    for number, position in enumerate(items):
        yield ("," if number else "") + "\n    " + listing.record_json(*position)
    yield ("\n  ],\n" if positions else "],\n")
    equations = [{"name": e.name, "latex": to_latex(e.equation)} for e in index_form(derivation.spec)]
    yield f'  "index_form": {_indented(equations, "  ")}\n}}\n'


def text_records(listing: Listing, positions: list[Position], show_progress: bool = False) -> Iterator[dict]:
    items = progress(positions, len(positions)) if show_progress else positions
    return (listing.text_record(*position) for position in items)


DELTAS_LISTED = 2000  # the text lists this many deltas; the JSON has them all


def text_chunks(derivation: NetworkDerivation, positions: list[Position], chosen: bool = False,
                show_progress: bool = False) -> Iterator[str]:
    """The plain-text listing (templates/text/derive.txt.jinja), piece by piece."""
    from ..derive.perweight import MAX_CLOSED_FORM_SIZE
    from .environment import make_environment

    listing = Listing(derivation, positions)
    p = listing.printed
    spec = derivation.spec
    deltas = [x for layer in sorted(derivation.deltas, reverse=True) for x in derivation.deltas[layer]]  # output first
    context = dict(
        command_line=spec.command_line(),
        loss=p.text(derivation.loss),
        reduction=to_text(derivation.reduction_factor),
        notes=[{"layer": layer, "text": a.note} for layer, a in enumerate(spec.activations, start=1) if a.note],
        shown_count=len(positions),
        total_count=spec.parameter_count,
        chosen=chosen,
        index_form=[{"name": e.name, "text": to_text(e.equation)} for e in index_form(spec)],
        deltas=[{"symbol": listing._name(x.symbol, "text"), "recursion": p.text(x.recursion)} for x in deltas[:DELTAS_LISTED]],
        hidden_deltas=max(0, len(deltas) - DELTAS_LISTED),
        written_through_deltas=any(not x.expanded for x in deltas),
        max_size=MAX_CLOSED_FORM_SIZE,
        shared=[{**s, "of": _plain(s["of"]), "wrt": _plain(s["wrt"]), "value": p.text(value)}
                for s, value in zip(listing.shared, listing.shared_values)],
        gradients=text_records(listing, positions, show_progress),
        spec=spec,
        regularization=_regularization_text(derivation, p),
    )
    yield from make_environment().get_template("text/derive.txt.jinja").generate(**context)


def _regularization_text(derivation: NetworkDerivation, printed: PrintedFormulas) -> dict | None:
    from ..api import regularization_text

    lines = regularization_text(derivation)
    if lines and lines.get("l2"):
        lines = {**lines, "l2": {key: printed.text(value) for key, value in lines["l2"].items()}}
    return lines


def _plain(latex_name: str) -> str:
    return latex_name.replace("\\", "").replace("{", "").replace("}", "")
