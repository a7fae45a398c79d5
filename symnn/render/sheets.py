"""Derivation sheets: one context built from one derivation object, rendered as LaTeX or Markdown.

Everything mathematical on a sheet is a SymPy object from the derivation (or from
`derive.steps` for the activation derivatives); the templates only lay it out, and the `tex` and
`lines` filters print it. Prose comes from `symnn/i18n/<lang>.toml`, one file per language, so the
maths of the English and the Vietnamese sheet are the same bytes.
"""
from __future__ import annotations

from collections import ChainMap

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import sympy as sp

from ..derive.indexform import index_form
from ..derive.perweight import LOSS, NetworkDerivation
from ..derive.steps import activation_steps
from ..errors import SpecError
from ..rules.activations import Softmax, a, z
from ..rules.fused import general_output_gradient
from .environment import make_environment
from .escape import latex_texttt
from .files import MARKER
from .sheetmath import Applied, ChainProduct, Update, broken_product, fitted_lines, line_widths, sheet_latex, shown
from .step_notes import step_note

LANGUAGES = ("en", "vi")
SHEET_LISTING_LIMIT = 60  # parameters listed one by one; above it, one weight and bias per layer
ELEMENT_LIMIT = 8  # units (and inputs) per layer written out element by element
MAX_EQUATION_LINES = 12  # a closed form longer than this is left as its delta form
DRAWN_UNITS = 6  # units per layer drawn; larger layers show 1, 2, 3, ..., n
TEMPLATES = {"tex": "latex/sheet.tex.jinja", "md": "markdown/sheet.md.jinja"}


@lru_cache(maxsize=None)
def prose(lang: str) -> dict:
    """The sheet's prose in one language (symnn/i18n/<lang>.toml)."""
    if lang not in LANGUAGES:
        raise SpecError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    text = resources.files("symnn").joinpath("i18n", f"{lang}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Equation:
    """lhs = rhs_1 = rhs_2 = ..., each right-hand side already broken into lines."""

    lhs: str
    sides: tuple[tuple[str, ...], ...]
    note: str = ""  # printed beside the last line: a shape such as (2, m)
    omitted: int = 0  # lines of a closed form left out because it ran too long to read


class SheetBuilder:
    """Turns a NetworkDerivation into the plain data a sheet template lays out."""

    def __init__(self, derivation: NetworkDerivation, lang: str = "en"):
        self.derivation = derivation
        self.spec = derivation.spec
        self.notation = derivation.notation
        self.lang = lang
        self.t = prose(lang)
        self.names = ChainMap({}, self.notation.latex_names)  # the matrix names are added on top
        self.positions = self.notation.chain_positions
        self.aliases = self._derivative_aliases()

    # --- printing helpers ---
    def show(self, expression) -> sp.Basic:
        """What a reader should see: derivatives without an output form as g'(z), big matrices elided."""
        if isinstance(expression, sp.MatrixBase):
            expression = expression.applyfunc(lambda e: e.xreplace(self.aliases))
        elif isinstance(expression, sp.Basic):
            expression = expression.xreplace(self.aliases)
        return shown(expression)

    def tex(self, expression, chain: bool = True) -> str:
        """`chain`: products of the network's symbols in chain-rule order, as the seeds write them."""
        return sheet_latex(self.show(expression), self.names, self.positions if chain else None)

    def lines(self, expression, chain: bool = True, lhs: str = "", note: str = "") -> tuple[str, ...]:
        """The expression broken into lines that fit beside `lhs &=` (and a `&& note` on the line)."""
        return tuple(fitted_lines(self.show(expression), self.names, lhs, note, self.positions if chain else None))

    def equation(self, lhs, *sides, chain: bool = True, note: str = "") -> Equation:
        printed = self.tex(lhs, chain)
        sides = tuple(self.lines(side, chain, printed, note) for side in sides)
        return _readable(Equation(printed, _distinct(sides, printed), note))

    def factor(self, expression) -> str:
        """One chain-rule factor, bracketed when it is a sum so that a product of factors reads right."""
        printed = self.tex(expression)
        return rf"\left({printed}\right)" if isinstance(expression, sp.Add) else printed

    def _derivative_aliases(self) -> dict:
        """g^{[l]}'(z^{[l]}_j) in place of a piecewise derivative written out inside long products."""
        aliases = {}
        for layer, activation in enumerate(self.spec.activations, start=1):
            if not activation.elementwise or activation.derivative_in_output is not None:
                continue
            prime = sp.Function(rf"g^{{[{layer}]\prime}}")
            for j in self.derivation.units(layer):
                zj = self.notation.z(layer, j)
                aliases[activation.derivative.xreplace({z: zj})] = prime(zj)
        return aliases

    # --- the sections ---
    @property
    def large(self) -> bool:
        return self.spec.parameter_count > SHEET_LISTING_LIMIT

    def context(self) -> dict:
        spec = self.spec
        return {
            "t": self.t,
            "lang": self.lang,
            "marker": MARKER,
            "spec": spec,
            "command": f"symnn sheet {spec.command_line()} --lang {self.lang}",
            "large": self.large,
            "through_deltas": any(not x.expanded for row in self.derivation.deltas.values() for x in row),
            "parameter_count": spec.parameter_count,
            "drawing": self.drawing(),
            "layers": self.layers(),
            "notation": self.notation_rows(),
            "forward": self.forward(),
            "loss": self.loss(),
            "activations": self.activations(),
            "output_delta": self.output_delta(),
            "output_condition": self.output_condition(),
            "gradients": self.gradients(),
            "deltas": self.deltas(),
            "index_form": [self.index_equation(e.equation) for e in index_form(spec)],
            "matrix": self.matrix_form(),
            "updates": self.updates(),
            "regularization": self.regularization(),
        }

    def regularization(self) -> dict | None:
        """--l2 / --dropout: their own section (render/regularization_sheet.py), None without them."""
        from .regularization_sheet import regularization_section

        return regularization_section(self)

    def layers(self) -> list[dict]:
        rows = []
        for layer, size in enumerate(self.spec.sizes):
            activation = self.spec.activations[layer - 1] if layer else None
            rows.append({
                "index": layer,
                "size": size,
                "role": "input" if layer == 0 else ("output" if layer == self.spec.depth else "hidden"),
                "activation": activation.name if activation else "",
                "g": self.tex(self._g(layer)(z)) if activation else "",
            })
        return rows

    def _g(self, layer: int):
        return sp.Function(self.spec.activations[layer - 1].latex_name)

    def drawing(self) -> dict:
        """Node positions (cm) and labels for the TikZ picture; layers too tall show dots."""
        depth = self.spec.depth
        spacing_x = min(3.4, 12.5 / max(depth, 1))
        nodes, edges, columns = [], [], []
        for layer, size in enumerate(self.spec.sizes):
            units = list(range(1, size + 1)) if size <= DRAWN_UNITS else [1, 2, 3, None, size]
            top = (len(units) - 1) * 0.65
            column = []
            for position, unit in enumerate(units):
                node = {
                    "id": f"L{layer}U{position}",
                    "x": round(layer * spacing_x, 2),
                    "y": round(top - position * 1.3, 2),
                    "dots": unit is None,
                    "label": "" if unit is None else self.tex(self.notation.a(layer, unit)),
                    "kind": "input" if layer == 0 else ("output" if layer == depth else "hidden"),
                }
                nodes.append(node)
                column.append(node)
            columns.append(column)
        for layer in range(1, depth + 1):
            for target in columns[layer]:
                for source in columns[layer - 1]:
                    if not (target["dots"] or source["dots"]):
                        edges.append({"source": source["id"], "target": target["id"]})
        first_weights = [
            {"source": columns[l - 1][0]["id"], "target": columns[l][0]["id"], "label": self.tex(self.notation.w(l, 1, 1))}
            for l in range(1, depth + 1)
        ]
        bottom = min(node["y"] for node in nodes) - 0.6
        captions = [{"x": column[0]["x"], "y": round(bottom, 2), "layer": layer} for layer, column in enumerate(columns)]
        return {"nodes": nodes, "edges": edges, "weights": first_weights, "captions": captions}

    def notation_rows(self) -> list[dict]:
        """Symbol, what it is (a prose key), and its shape in this network's layout."""
        spec, row_layout = self.spec, self.spec.layout == "row"
        vector = lambda n: (1, n) if row_layout else (n, 1)  # noqa: E731
        batch = lambda n: ("m", n) if row_layout else (n, "m")  # noqa: E731
        rows = [
            {"symbol": r"x = a^{[0]}", "key": "input_vector", "layer": 0, "shape": vector(spec.n_inputs)},
            {"symbol": r"X = A^{[0]}", "key": "input_matrix", "layer": 0, "shape": batch(spec.n_inputs)},
        ]
        for layer in range(1, spec.depth + 1):
            n_prev, n_here = spec.sizes[layer - 1], spec.sizes[layer]
            weights = (n_prev, n_here) if row_layout else (n_here, n_prev)
            rows.append({"symbol": f"W^{{[{layer}]}}", "key": "weights", "layer": layer, "shape": weights})
            if spec.bias:
                rows.append({"symbol": f"b^{{[{layer}]}}", "key": "biases", "layer": layer, "shape": vector(n_here)})
            rows.append({"symbol": f"z^{{[{layer}]}},\\ a^{{[{layer}]}}", "key": "unit_vectors", "layer": layer, "shape": vector(n_here)})
            rows.append({"symbol": f"Z^{{[{layer}]}},\\ A^{{[{layer}]}}", "key": "unit_matrices", "layer": layer, "shape": batch(n_here)})
            rows.append({"symbol": f"\\delta^{{[{layer}]}}", "key": "delta_vector", "layer": layer, "shape": vector(n_here)})
        rows.append({"symbol": r"y,\ \hat{y} = a^{[" + str(spec.depth) + "]}", "key": "target", "layer": spec.depth, "shape": vector(spec.n_outputs)})
        return rows

    def forward(self) -> list[dict]:
        """Per layer: each z and a written out when the layer is small, else the index form."""
        d, n = self.derivation, self.notation
        out = []
        for layer in range(1, self.spec.depth + 1):
            activation = d.activation(layer)
            small = self.spec.sizes[layer] <= ELEMENT_LIMIT and self.spec.sizes[layer - 1] <= ELEMENT_LIMIT
            equations = []
            if small:
                for j in d.units(layer):
                    terms = sp.Add.make_args(d.preactivation(layer, j))  # W a + b, as the notes write it
                    course_order = sp.Add(*sorted(terms, key=lambda t: t == n.b(layer, j)), evaluate=False)
                    equations.append(self.equation(n.z(layer, j), course_order))
                for j in d.units(layer):
                    value = d.output_of(layer, j) if isinstance(activation, Softmax) else self._g(layer)(n.z(layer, j))
                    equations.append(self.equation(n.a(layer, j), value))
            else:
                equations = self.forward_index(layer)
            out.append({"layer": layer, "elementwise": small, "equations": equations})
        return out

    def forward_index(self, layer: int) -> list[Equation]:
        """z^{[l]}_j = sum_k w^{[l]}_{jk} a^{[l-1]}_k + b^{[l]}_j for one layer, with its real widths."""
        j, k = sp.symbols("j k", integer=True, positive=True)
        w = sp.IndexedBase(f"w^{{[{layer}]}}")
        previous = sp.IndexedBase("x" if layer == 1 else f"a^{{[{layer - 1}]}}")
        zs, acts = sp.IndexedBase(f"z^{{[{layer}]}}"), sp.IndexedBase(f"a^{{[{layer}]}}")
        weight = w[j, k] if self.spec.layout == "column" else w[k, j]
        total = sp.Sum(sp.Mul(weight, previous[k], evaluate=False), (k, 1, self.spec.sizes[layer - 1]))
        if self.spec.bias:  # sum_k w a + b, in the notes' order
            total = sp.Add(total, sp.IndexedBase(f"b^{{[{layer}]}}")[j], evaluate=False)
        activation = self.derivation.activation(layer)
        if isinstance(activation, Softmax):
            i = sp.Symbol("i", integer=True, positive=True)
            value = sp.exp(zs[j]) / sp.Sum(sp.exp(zs[i]), (i, 1, self.spec.sizes[layer]))
        else:
            value = self._g(layer)(zs[j])
        return [Equation(self.tex(zs[j]), ((self.tex(total),),)), Equation(self.tex(acts[j]), ((self.tex(value),),))]

    def loss(self) -> dict:
        i, m = sp.symbols("i m", integer=True, positive=True)
        return {
            "per_example": self.equation(LOSS, self.derivation.loss),
            "factor": self.tex(self.derivation.reduction_factor),
            "total": self.tex(sp.Sum(sp.Symbol("L^{(i)}"), (i, 1, m))),
            "key": self.spec.loss.name,
        }

    def activations(self) -> list[dict]:
        """Each distinct activation once, with the layers that use it and its derivative's steps."""
        seen: dict[str, dict] = {}
        for layer, activation in enumerate(self.spec.activations, start=1):
            entry = seen.get(activation.name)
            if entry is not None:
                entry["layers"].append(layer)
                continue
            seen[activation.name] = entry = {"name": activation.name, "layers": [layer], "custom": activation.custom}
            entry.update(self._softmax_entry(layer) if isinstance(activation, Softmax) else self._steps_entry(activation))
        return list(seen.values())

    def _steps_entry(self, activation) -> dict:
        worked = activation_steps(activation)
        g = worked.function
        prime = sp.Derivative(g, z)
        tex = lambda e: self.tex(e, False)  # noqa: E731
        lhs = self.tex(prime, False)
        shown_steps = [s for s in worked.steps if s.rule not in ("definition", "output")]
        steps = [{"rule": s.rule, "lhs": lhs, "rhs": self.lines(s.expression, False, lhs, f"({number})"),
                  "note": step_note(s, self.t["rules"], tex)}
                 for number, s in enumerate(shown_steps, start=1)]
        definitions = [s.expression for s in worked.steps if s.rule == "definition"]
        output = None
        if worked.in_output is not None and worked.in_output.has(a):
            output = {"through_g": self.tex(worked.in_output.xreplace({a: g}), False), "in_a": self.tex(worked.in_output, False)}
        return {
            "softmax": False,
            "definition": self.equation(g, activation.forward, *definitions, chain=False),
            "prime": self.tex(prime, False),
            "steps": steps,
            "output": output,
            "break_points": [
                {"at": self.tex(p.at, False), "left": self.tex(p.left, False), "right": self.tex(p.right, False), "chosen": self.tex(p.chosen, False),
                 "differentiable": p.differentiable}
                for p in worked.break_points
            ],
        }

    def _softmax_entry(self, layer: int) -> dict:
        """a_k = e^{z_k} / sum_i e^{z_i}: its Jacobian through the outputs, derived by SymPy."""
        d, n = self.derivation, self.notation
        jacobian = d.activation_jacobian(layer)
        size = min(self.spec.sizes[layer], 3)
        k1, k2 = 1, 2
        return {
            "softmax": True,
            "definition": self.equation(n.a(layer, 1), d.output_of(layer, 1)),
            "diagonal": self.equation(sp.Derivative(n.a(layer, k1), n.z(layer, k1)), jacobian[k1 - 1, k1 - 1]),
            "off_diagonal": self.equation(sp.Derivative(n.a(layer, k1), n.z(layer, k2)), jacobian[k1 - 1, k2 - 1]),
            "jacobian": self.equation(sp.Derivative(sp.Symbol(f"a{layer}"), sp.Symbol(f"z{layer}")), jacobian),
            "shown_size": size,
        }

    def output_delta(self) -> list[Equation]:
        """delta^{[L]}_j = dL/da_j * da_j/dz_j = the fused form SymPy found (a - y for sigmoid + log loss)."""
        d, n = self.derivation, self.notation
        depth = self.spec.depth
        out = []
        units = list(d.units(depth))[: 1 if self.large else None]
        for delta in [d.deltas[depth][j - 1] for j in units]:
            j = delta.unit
            factors = d.chain_factors(depth, j, None)[:2]
            chain = ChainProduct(*[sp.Derivative(f.of, f.wrt) for f in factors])
            product = factors[0].value * factors[1].value
            if isinstance(product, sp.MatrixBase):
                product = product[0, 0]
            sides = [chain, product, delta.closed_form]
            if self.spec.loss.needs_one_hot:  # a - y holds when the targets sum to 1: show SymPy's general form
                general = general_output_gradient(product, n.a(depth, j))
                if general is not None:
                    sides.insert(2, general)
            out.append(self.equation(n.delta(depth, j), *sides))
        return out

    def output_condition(self) -> str | None:
        """The condition under which the fused output gradient holds (sum of y = 1), or None."""
        if not self.spec.loss.needs_one_hot:
            return None
        n, depth = self.notation, self.spec.depth
        units = list(self.derivation.units(depth))
        return self.tex(sp.Eq(sp.Add(*[n.y(j) for j in units]), 1), chain=False)

    def chosen_gradients(self):
        d = self.derivation
        return d.representative_gradients() if self.large else d.gradients()

    def gradients(self) -> list[dict]:
        return [{"parameter": self.tex(g.parameter), "name": g.parameter.name, "kind": g.kind, "layer": g.layer,
                 "equation": self.gradient_equation(g)} for g in self.chosen_gradients()]

    def gradient_equation(self, g) -> Equation:
        """dL/dtheta = the chain of partials = their values = the delta form = the closed form."""
        chain = ChainProduct(*[sp.Derivative(f.of, f.wrt) for f in g.factors])
        lhs = self.tex(sp.Derivative(LOSS, g.parameter))
        values = broken_product([self.factor(f.value) for f in g.factors], *reversed(line_widths(lhs)))
        sides = ((self.tex(chain),), tuple(values), (self.tex(g.delta_form),), self.lines(g.closed_form, lhs=lhs))
        return _readable(Equation(lhs, _distinct(sides)))

    def deltas(self) -> list[dict]:
        d = self.derivation
        out = []
        for layer in sorted(d.deltas, reverse=True):
            units = d.deltas[layer][: 1 if self.large else None]
            out.append({"layer": layer, "equations": [self.equation(x.symbol, x.recursion, x.closed_form) if layer < self.spec.depth
                                                      else self.equation(x.symbol, x.closed_form) for x in units]})
        return out

    def matrix_form(self, matrices=None) -> dict | None:
        """The vectorised equations of derive/matrix.py (`matrices`, or derived here), each with its shape."""
        try:
            from ..derive.matrix import derive_matrix
        except ImportError:  # built without the matrix derivation
            return None
        matrices = derive_matrix(self.spec) if matrices is None else matrices
        self.names.update(matrices.latex_names)
        aliases = self._matrix_aliases(matrices)
        shown_eq = lambda e, *sides: self._shaped(matrices, e, *[s.xreplace(aliases) for s in sides])  # noqa: E731
        groups = {"forward": [], "cost": [], "backward": []}
        for e in matrices.equations:
            rhs = e.rhs
            if e.role == "A" and self.spec.activations[e.layer - 1].elementwise:
                rhs = Applied(sp.Symbol(self.spec.activations[e.layer - 1].latex_name), matrices.equation(f"Z{e.layer}").target)
            if e.role == "J" and matrices.reduction_factor != 1:  # 1/m in front of the sum, as in the notes
                parts = sp.Mul.make_args(rhs)
                total = sp.Mul(*[p for p in parts if p.atoms(sp.MatrixSymbol)])
                rhs = ChainProduct(sp.Mul(*[p for p in parts if not p.atoms(sp.MatrixSymbol)]), total)
            if e.role == "dZ" and e.layer == self.spec.depth and matrices.output_fused:
                gradient, product = matrices.unfused_output
                groups["backward"].append(shown_eq(gradient, gradient.rhs))
                groups["backward"].append(shown_eq(e, product.rhs, rhs))
                continue
            groups[e.kind].append(shown_eq(e, rhs))
        from ..derive.matrixproof import EXAMPLES, small_instance

        instance = small_instance(self.spec).command_line()
        return {**groups, "proved": matrices.proof.proved, "instance": instance, "examples": EXAMPLES}

    def _matrix_aliases(self, matrices) -> dict:
        """g^{[l]}'(Z^{[l]}) for a derivative with no form through A (relu), as in the per-weight part."""
        from ..derive.matrix import lift

        aliases = {}
        for layer, activation in enumerate(self.spec.activations, start=1):
            if activation.elementwise and activation.derivative_in_output is None and activation.derivative.has(z):
                Z = matrices.equation(f"Z{layer}").target
                aliases[lift(activation.derivative, {z: Z})] = Applied(sp.Symbol(rf"g^{{[{layer}]\prime}}"), Z)
        return aliases

    def _shaped(self, matrices, equation, *sides) -> Equation:
        rows, columns = matrices.shape_values(equation.shape)
        note = f"({self.tex(rows)}, {self.tex(columns)})" if equation.role != "J" else ""
        return self.equation(equation.target, *sides, chain=False, note=note)

    def index_equation(self, equation: sp.Eq) -> Equation:
        return Equation(self.tex(equation.lhs), ((self.tex(equation.rhs),),))

    def updates(self) -> dict:
        alpha, m, i = sp.Symbol(r"\alpha"), sp.Symbol("m"), sp.Symbol("i")
        theta = sp.Symbol(r"\theta")
        per_example = sp.Derivative(sp.Symbol("L^{(i)}"), theta)
        cost_gradient = ChainProduct(self.derivation.reduction_factor, sp.Sum(per_example, (i, 1, m)))
        if self.spec.reduction == "sum":
            cost_gradient = sp.Sum(per_example, (i, 1, m))
        names = ("W", "b") if self.spec.bias else ("W",)
        return {
            "cost_gradient": self.equation(sp.Derivative(sp.Symbol("J"), theta), cost_gradient),
            "rule": self.tex(Update(theta, alpha * sp.Derivative(sp.Symbol("J"), theta))),
            "matrices": [
                self.tex(Update(sp.Symbol(f"{p}^{{[{layer}]}}"), alpha * sp.Symbol(f"d{p}^{{[{layer}]}}")))
                for layer in range(1, self.spec.depth + 1) for p in names
            ],
        }


def _readable(equation: Equation) -> Equation:
    """Leave out a last right-hand side (a closed form) too long to read; the sheet says so."""
    last = equation.sides[-1] if equation.sides else ()
    if len(equation.sides) > 1 and len(last) > MAX_EQUATION_LINES:
        return Equation(equation.lhs, equation.sides[:-1], equation.note, len(last))
    return equation


def _distinct(sides: tuple, lhs: str | None = None) -> tuple:
    """Drop a right-hand side that repeats the one before it, or the left side (x_1 = x_1 says nothing)."""
    kept = []
    for side in sides:
        if side != (lhs,) and (not kept or kept[-1] != side):
            kept.append(side)
    return tuple(kept)


texttt = latex_texttt  # the LaTeX escaper for \texttt{}, in symnn/render/escape.py


def render_sheet(derivation: NetworkDerivation, fmt: str = "tex", lang: str = "en") -> str:
    """The sheet as LaTeX (`tex`) or Markdown (`md`) text."""
    return render_sheets(derivation, (fmt,), lang)[fmt]


def render_sheets(derivation: NetworkDerivation, formats=("tex", "md"), lang: str = "en") -> dict[str, str]:
    """Several formats from one context, so the derivation is laid out once."""
    unknown = [fmt for fmt in formats if fmt not in TEMPLATES]
    if unknown:
        raise SpecError(f"sheet format must be one of {', '.join(TEMPLATES)}, got {unknown[0]!r}")
    builder = SheetBuilder(derivation, lang)
    context = builder.context()
    env = make_environment(builder.names)
    env.filters["texttt"] = texttt
    return {fmt: env.get_template(TEMPLATES[fmt]).render(**context) for fmt in formats}


def gradients_latex(derivation: NetworkDerivation) -> str:
    """$$ aligned $$ of dL/dtheta = closed form for the parameters a sheet would list."""
    builder = SheetBuilder(derivation, "en")
    rows = []
    for gradient in builder.chosen_gradients():
        lhs = builder.tex(sp.Derivative(LOSS, gradient.parameter))
        rows.append(rf"{lhs} &= " + r" \\ &\qquad ".join(builder.lines(gradient.closed_form, lhs=lhs)))
    return "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$"


def parse_formats(formats) -> tuple[str, ...]:
    """`tex,md,pdf` (or a list) checked, in a fixed order."""
    chosen = [f.strip().lower() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    unknown = sorted(set(chosen) - {"tex", "md", "pdf"})
    if unknown or not chosen:
        raise SpecError(f"sheet formats are tex, md and pdf (comma-separated), got {','.join(unknown) or 'nothing'}")
    return tuple(f for f in ("tex", "md", "pdf") if f in chosen)


def sheet_paths(derivation: NetworkDerivation, out, lang: str) -> dict:
    from pathlib import Path

    stem = Path(out) / f"{derivation.spec.slug}.sheet.{lang}"
    return {fmt: stem.with_name(f"{stem.name}.{fmt}") for fmt in ("tex", "md", "pdf")}


def refuse_foreign_sheets(derivation: NetworkDerivation, out, formats=("tex", "md", "pdf"), lang: str = "en",
                          force: bool = False) -> None:
    """Check every sheet file that would be written before writing any (and the language)."""
    from .files import refuse_foreign_files
    from .pdf import refuse_foreign_pdf

    formats = parse_formats(formats)
    prose(lang)
    paths = sheet_paths(derivation, out, lang)
    text_formats = [f for f in ("tex", "md") if f in formats or (f == "tex" and "pdf" in formats)]
    refuse_foreign_files([paths[f] for f in text_formats], force)
    if "pdf" in formats:
        refuse_foreign_pdf(paths["pdf"], force)


def write_sheets(derivation: NetworkDerivation, out, formats=("tex", "md", "pdf"), lang: str = "en",
                 force: bool = False) -> tuple[list, str | None]:
    """Write the sheet in each format; returns (paths written, why no PDF was made or None).

    A PDF needs the .tex, so asking for pdf writes the .tex beside it; without a LaTeX engine the
    .tex and .md are still written and the note says how to get the PDF.
    """
    from .files import write_atomic
    from .pdf import HOW_TO_GET_PDF, compile_pdf, engine

    formats = parse_formats(formats)
    refuse_foreign_sheets(derivation, out, formats, lang, force)
    paths = sheet_paths(derivation, out, lang)
    written, note = [], None
    texts = render_sheets(derivation, [f for f in ("tex", "md") if f in formats or (f == "tex" and "pdf" in formats)], lang)
    tex = texts.get("tex")
    if tex is not None:
        written.append(write_atomic(paths["tex"], tex, force=force))
    if "md" in texts:
        written.append(write_atomic(paths["md"], texts["md"], force=force))
    if "pdf" in formats:
        if engine() is None:
            note = HOW_TO_GET_PDF
        else:
            written.append(compile_pdf(tex, paths["pdf"], force=force))
    return written, note
