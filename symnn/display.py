"""How every object symnn's Python API returns looks at a Python prompt and in Jupyter or Colab.

Each class gets a short `__repr__` (one line: what it is and its headline result, never a dataclass
dump) and rich displays: `_repr_latex_` for maths (one `$$ ... $$` block printed by SymPy's LaTeX
printer in the course notation, as the sheets print it) and `_repr_markdown_` for reports that mix
prose, tables and maths. `install()` puts the methods on the classes; `symnn/__init__.py` calls it, so
the derivation modules hold no display knowledge. Typed text (a claim, a file name, an activation's
name) reaches a display only through `symnn/render/escape.py`.
"""
from __future__ import annotations

import math
import re

import sympy as sp

from .render.escape import markdown_code, markdown_text, terminal

REPR_WIDTH = 150  # characters of a formula in a one-line repr before it is cut
SHOWN_ROWS = 8  # rows of a table (entries, checks) shown in a notebook before "... and N more"
CONTINUED = r"\qquad "  # the start of a long side's next line, as on the sheets


# --- small helpers ---
def _clip(text: str, width: int = REPR_WIDTH) -> str:
    """One terminal-safe line of at most `width` characters."""
    text = " ".join(terminal(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(value) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _point(values) -> str:
    return "(" + ", ".join(_number(float(v)) for v in values) + ")"


def _display(latex: str) -> str:
    return f"$$\n{latex}\n$$"


def _aligned(rows: list[str]) -> str:
    return _display("\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}")


def equations_latex(equations, separator: str = " \\\\[2pt]\n") -> str:
    """Sheet equations (render.sheets.Equation) as one aligned block, laid out as the Markdown sheet's
    `equations` macro lays them out: lhs &= side, long sides continued on \\qquad lines, the shape after &&."""
    blocks = []
    for eq in equations:
        lines = []
        for s, side in enumerate(eq.sides):
            for i, line in enumerate(side):
                lhs = eq.lhs if s == 0 and i == 0 else ""
                note = f" && {eq.note}" if eq.note and s == len(eq.sides) - 1 and i == len(side) - 1 else ""
                lines.append(f"{lhs} &{'= ' if i == 0 else CONTINUED}{line}{note}")
        if eq.omitted:
            lines.append(rf" &= \ldots && \text{{(the closed form runs to {eq.omitted} lines)}}")
        blocks.append(" \\\\\n".join(lines) if lines else f"{eq.lhs} &")
    return _display("\\begin{aligned}\n" + separator.join(blocks) + "\n\\end{aligned}")


def _markdown_table(header: list[str], rows: list[list[str]], total: int | None = None) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    text = "\n".join(lines)
    if total is not None and total > len(rows):
        text += f"\n\n… and {total - len(rows)} more"
    return text


def _spec_words(spec) -> str:
    """2-2-1 sigmoid,sigmoid bce (+ what differs from the defaults): symnn's own names, terminal-safe."""
    words = ["-".join(map(str, spec.sizes)), ",".join(a.spec_text for a in spec.activations), spec.loss.name]
    if spec.layout != "column":
        words.append("row layout")
    if not spec.bias:
        words.append("no bias")
    if spec.reduction != "mean":
        words.append(f"{spec.reduction} reduction")
    if spec.l2 is not None:
        words.append(f"l2 {spec.l2:g}")
    if spec.dropout is not None:
        words.append(f"dropout {spec.dropout:g}")
    return terminal(" ".join(words))


def _subject(spec) -> str:
    """A network spec or a function spec, in a few words."""
    if hasattr(spec, "sizes"):
        return _spec_words(spec)
    return _clip(f"f({', '.join(spec.names)}) = {sp.sstr(spec.expression)}", 80)


def _subject_markdown(spec) -> str:
    if hasattr(spec, "sizes"):
        return markdown_code(f"symnn derive {spec.command_line()}")
    return f"$f({', '.join(sp.latex(v) for v in spec.variables)}) = {sp.latex(spec.expression)}$"


# --- names: the notation of a derivation, or read from symnn's identifiers when there is none ---
_IDENTIFIER = re.compile(r"(?P<kind>delta|x|y|a|z|b|w)(?P<numbers>\d+(?:_\d+)*)?")


def _generic_latex(symbol) -> str | None:
    """a2_1 -> a^{[2]}_{1}, w1_1_2 -> w^{[1]}_{12}: the course notation without a spec (a layer's
    only unit keeps its index; the derivation's own names leave it out)."""
    match = _IDENTIFIER.fullmatch(symbol.name) if isinstance(symbol, sp.Symbol) else None
    if not match or not match["numbers"]:
        return None
    kind, numbers = match["kind"], match["numbers"].split("_")
    base = r"\delta" if kind == "delta" else kind
    if kind in ("x", "y") and len(numbers) == 1:
        return f"{kind}_{{{numbers[0]}}}"
    if kind == "w" and len(numbers) == 3:
        pair = "".join(numbers[1:]) if all(len(n) == 1 for n in numbers[1:]) else ",".join(numbers[1:])
        return f"w^{{[{numbers[0]}]}}_{{{pair}}}"
    if kind in ("a", "z", "b", "delta") and len(numbers) in (1, 2):
        return f"{base}^{{[{numbers[0]}]}}" + (f"_{{{numbers[1]}}}" if len(numbers) == 2 else "")
    return None


def generic_names(expression) -> dict:
    found = {}
    for symbol in getattr(expression, "free_symbols", ()):
        latex = _generic_latex(symbol)
        if latex is not None:
            found[symbol] = latex
    return found


def _plain(latex: str) -> str:
    return latex.replace("\\", "").replace("{", "").replace("}", "")


def matrix_names(expression) -> dict:
    """LaTeX of the matrices and dimensions in a vectorised equation (W^{[1]}, dZ^{[2]}, n^{[1]}, m)."""
    from .derive.matrix import NAMES, width_latex

    names = {}
    for atom in expression.atoms(sp.MatrixSymbol, sp.Symbol):  # a MatrixSymbol's shape symbols are atoms too
        match = re.fullmatch(r"(dW|db|dZ|dA|W|b|Z|A)(\d+)", atom.name)
        if isinstance(atom, sp.MatrixSymbol) and match:
            names[atom] = NAMES[match[1]][1].format(l=match[2])
        elif re.fullmatch(r"n\d+", atom.name):
            names[atom] = width_latex(int(atom.name[1:]))
    return names


def _builder(derivation):
    from .render.sheets import SheetBuilder

    return SheetBuilder(derivation, "en")


# --- network specs and derivations ---
def network_spec_repr(self) -> str:
    return f"<NetworkSpec {_spec_words(self)}: {self.parameter_count} parameters>"


def network_spec_markdown(self) -> str:
    acts = ", ".join(markdown_code(a.spec_text) for a in self.activations)
    return (f"**Network {markdown_text('-'.join(map(str, self.sizes)))}**: activations {acts}; loss "
            f"{markdown_code(self.loss.name)}; {markdown_text(self.layout)} layout; {self.parameter_count} parameters. "
            f"The same as {markdown_code('symnn derive ' + self.command_line())}")


def derivation_repr(self) -> str:
    return (f"<{type(self).__name__} of {_spec_words(self.spec)}: {self.spec.parameter_count} parameters; "
            f".gradient('w1_1_1'), .gradients(), .deltas>")


def derivation_markdown(self) -> str:
    """The Markdown derivation sheet (English)."""
    from .render.sheets import render_sheet

    return render_sheet(self, "md", "en")


def derivation_latex(self) -> str:
    """Every shown parameter's gradient in one display-maths block (nbconvert, LaTeX front ends)."""
    from .render.sheets import gradients_latex

    return gradients_latex(self)


def gradient_repr(self) -> str:
    if self.derivation is None:
        return f"<ParameterGradient dL/d{self.parameter.name} = {_clip(sp.sstr(self.closed_form))}>"
    from .render.printers import to_text

    n = self.derivation.notation
    text = to_text(self.closed_form, n.text_names, n.chain_positions)
    return _clip(f"<ParameterGradient dL/d{n.text_names[self.parameter]} = {text}>")


def gradient_latex(self) -> str:
    """dL/dtheta = the chain of partials = their values = delta form = closed form, as on the sheet."""
    if self.derivation is None:
        names = generic_names(self.closed_form) | generic_names(self.parameter)
        return _display(rf"\frac{{\partial L}}{{\partial {sp.latex(self.parameter, symbol_names=names)}}} = "
                        + sp.latex(self.closed_form, symbol_names=names))
    return equations_latex([_builder(self.derivation).gradient_equation(self)])


def factor_repr(self) -> str:
    from .render.printers import to_text

    names = {s: _plain(latex) for s, latex in (generic_names(self.value) | generic_names(self.of) | generic_names(self.wrt)).items()}
    big = isinstance(self.value, sp.MatrixBase) and max(self.shape) > 4
    value = "a {}x{} matrix".format(*self.shape) if big else to_text(self.value, names)
    return _clip(f"<ChainFactor d{to_text(self.of, names)}/d{to_text(self.wrt, names)} = {value}>")


def factor_latex(self) -> str:
    from .render.sheetmath import sheet_latex, shown

    value = self.value
    names = generic_names(value) | generic_names(self.of) | generic_names(self.wrt)
    derivative = sheet_latex(sp.Derivative(self.of, self.wrt), names)
    return _display(f"{derivative} = {sheet_latex(shown(value), names)}")


def delta_repr(self) -> str:
    if self.derivation is None:
        return _clip(f"<Delta {self.symbol} = {sp.sstr(self.closed_form)}>")
    from .render.printers import to_text

    n = self.derivation.notation
    text = to_text(self.closed_form, n.text_names, n.chain_positions)
    return _clip(f"<Delta {n.text_names[self.symbol]} = {text}" + ("" if self.expanded else " (via deltas)") + ">")


def delta_latex(self) -> str:
    if self.derivation is None:
        names = generic_names(self.closed_form) | generic_names(self.symbol)
        return _display(f"{sp.latex(self.symbol, symbol_names=names)} = {sp.latex(self.closed_form, symbol_names=names)}")
    builder = _builder(self.derivation)
    sides = (self.recursion, self.closed_form) if self.layer < self.derivation.spec.depth else (self.closed_form,)
    return equations_latex([builder.equation(self.symbol, *sides)])


# --- the vectorised equations ---
def _matrix_text_names(expression) -> dict:
    return {symbol: _plain(latex) for symbol, latex in matrix_names(expression).items()}


def equation_str(self) -> str:
    """dW^[1] = 1/m dZ^[1] Xᵀ: the plain text the generated code's comments use, ones vectors as 𝟏 and 𝟏ᵀ."""
    from .render.matrixtext import matrix_text

    names = _matrix_text_names(self.rhs) | _matrix_text_names(self.target)
    return f"{matrix_text(self.target, names)} = {matrix_text(self.rhs, names)}"


def equation_repr(self) -> str:
    shape = ", ".join(_plain(sp.latex(s, symbol_names=matrix_names(sp.sympify(s)))) for s in self.shape)
    return _clip(f"<MatrixEquation {equation_str(self)}, shape ({shape})>")


def equation_latex(self) -> str:
    from .render.printers import to_latex

    names = matrix_names(self.rhs) | matrix_names(self.target)
    shape = ", ".join(to_latex(sp.sympify(s), names) for s in self.shape)
    note = "" if self.role == "J" else rf" \qquad ({shape})"
    return _display(f"{to_latex(self.target, names)} = {to_latex(self.rhs, names)}{note}")


def _proof_words(proof) -> str:
    if proof.status == "proved":
        return f"proved on {proof.instance}"
    return f"{proof.status}" + (f": {proof.detail}" if proof.detail else "")


def matrix_derivation_repr(self) -> str:
    names = ", ".join(e.name for e in self.equations)
    proof = f"; {self.proof.status}" if "proof" in self.__dict__ else ""
    return _clip(f"<MatrixDerivation of {_spec_words(self.spec)}: {len(self.equations)} equations ({names}){proof}; "
                 f".equation('dW1')>", 2 * REPR_WIDTH)


def _matrix_groups(self) -> dict:
    from .derive.perweight import derive_network

    return _builder(derive_network(self.spec)).matrix_form(self)


def matrix_derivation_latex(self) -> str:
    groups = _matrix_groups(self)
    return equations_latex(groups["forward"] + groups["cost"] + groups["backward"])


def matrix_derivation_markdown(self) -> str:
    from .render.sheets import prose

    words = prose("en")["matrix_form"]
    groups = _matrix_groups(self)
    parts = [f"**Vectorised equations** of {_subject_markdown(self.spec)}. {words['intro']}"]
    for kind in ("forward", "cost", "backward"):
        parts += [f"**{words[kind]}**", equations_latex(groups[kind])]
    parts.append(matrix_proof_markdown(self.proof))
    return "\n\n".join(parts)


def matrix_proof_repr(self) -> str:
    return _clip(f"<MatrixProof {_proof_words(self)}: {len(self.checked)} equations checked, {len(self.failures)} differ>")


def matrix_proof_markdown(self) -> str:
    if self.proved:
        return (f"**Proved**: SymPy checked {len(self.checked)} equations against the per-weight gradients on "
                f"{markdown_code(self.instance)}.")
    failures = "".join(f"\n- {markdown_text(f)}" for f in self.failures)
    return f"**{markdown_text(self.status.capitalize())}** ({markdown_code(self.instance)}). {markdown_text(self.detail)}{failures}"


# --- functions: gradient, Hessian, critical points, Newton's method ---
def function_spec_repr(self) -> str:
    return f"<FunctionSpec {_subject(self)}>"


def function_spec_latex(self) -> str:
    return _display(f"f({', '.join(sp.latex(v) for v in self.variables)}) = {sp.latex(self.expression)}")


class Gradient(tuple):
    """A function's gradient: a tuple of SymPy expressions, one per variable, shown as its partials."""

    def __new__(cls, derivatives, variables=()):
        gradient = super().__new__(cls, derivatives)
        gradient.variables = tuple(variables)
        return gradient

    def _repr_latex_(self) -> str:
        if len(self.variables) != len(self):
            return _display(r"\nabla f = \left(" + ", ".join(sp.latex(g) for g in self) + r"\right)")
        return _aligned([rf"\frac{{\partial f}}{{\partial {sp.latex(v)}}} &= {sp.latex(g)}" for v, g in zip(self.variables, self)])


def function_derivation_repr(self) -> str:
    found = ""
    if "critical_points" in self.__dict__:
        found = f"; {critical_points_summary(self.critical_points)}"
    return f"<FunctionDerivation {_subject(self.spec)}{found}; .gradient, .hessian, .critical_points>"


def function_derivation_latex(self) -> str:
    """The gradient, the Hessian and each critical point with its eigenvalues and what they make it."""
    variables = self.spec.variables
    rows = [rf"\frac{{\partial f}}{{\partial {sp.latex(v)}}} &= {sp.latex(g)}" for v, g in zip(variables, self.gradient)]
    rows.append(rf"H &= {sp.latex(self.hessian)}")
    for point in self.critical_points.points:
        rows.append(_critical_point_row(point, variables))
    for critical_set in self.critical_points.sets:
        values = ", ".join(sp.latex(v) for v in critical_set.values)
        rows.append(rf"({', '.join(sp.latex(v) for v in variables)}) &= ({values}) && \text{{a set of critical points, not isolated}}")
    return _aligned(rows)


def _critical_point_row(point, variables) -> str:
    values = ", ".join(sp.latex(v) if readable else _number(x)
                       for v, x, readable in zip(point.values, point.numeric, point.readable))
    eigen = ", ".join(_number(e) for e in point.numeric_eigenvalues)
    names = ", ".join(sp.latex(v) for v in variables) if variables else "x"
    return rf"({names}) &= ({values}) && \lambda(H) = {eigen} && \text{{{point.kind}}}"


def function_derivation_markdown(self) -> str:
    """The function sheet (English): gradient, Hessian, critical points and their classification."""
    from .render.function_report import render_function_sheet

    return render_function_sheet(self, "md")


def critical_point_repr(self) -> str:
    return f"<CriticalPoint {_point(self.numeric)}: {self.kind} [{self.method}], eigenvalues {_point(self.numeric_eigenvalues)}>"


def critical_point_latex(self) -> str:
    return _aligned([_critical_point_row(self, ())])


def critical_points_summary(self) -> str:
    kinds = {}
    for point in self.points:
        kinds[point.kind] = kinds.get(point.kind, 0) + 1
    found = ", ".join(f"{n} × {k}" for k, n in kinds.items()) or "none"
    sets = f", {len(self.sets)} set(s) of critical points" if self.sets else ""
    return f"{len(self.points)} critical point(s): {found}{sets}"


def critical_points_repr(self) -> str:
    return f"<CriticalPoints {critical_points_summary(self)}; {'solved exactly' if self.solved_exactly else 'numeric search'}>"


def critical_points_markdown(self) -> str:
    rows = [[f"${_point(p.numeric)}$", f"${_point(p.numeric_eigenvalues)}$", markdown_text(p.kind), markdown_text(p.method)]
            for p in self.points]
    table = _markdown_table(["point", "eigenvalues of H", "kind", "found"], rows) if rows else "No isolated critical point."
    return f"{markdown_text(self.note)}.\n\n{table}"


def critical_set_repr(self) -> str:
    return _clip(f"<CriticalSet ({', '.join(sp.sstr(v) for v in self.values)})>")


def critical_set_latex(self) -> str:
    return _display("(" + ", ".join(sp.latex(v) for v in self.values) + r") \quad \text{a set of critical points}")


def iterate_repr(self) -> str:
    step = "-" if self.step_norm is None else f"{self.step_norm:.3e}"
    return f"<Iterate k={self.k} x={_point(self.x)} f={self.value:.12g} |grad|={self.gradient_norm:.3e} step={step}>"


def run_repr(self) -> str:
    rate = f", learning rate {self.learning_rate:g}" if self.learning_rate is not None else ""
    where = f" at x = {_point(self.x)}, f = {self.rows[-1].value:.12g}" if self.rows else ""
    return _clip(f"<Run {self.method}{rate}: {self.status} after {self.iterations} steps{where}>", 2 * REPR_WIDTH)


def run_markdown(self) -> str:
    from .newton import ROOT
    from .render.function_report import shown_rows

    rate = f", learning rate $\\alpha = {self.learning_rate:g}$" if self.learning_rate is not None else ""
    measure = r"$\lvert f(x_k) \rvert$" if self.method == ROOT else r"$\lVert \nabla f(x_k) \rVert$"
    rows = []
    for row in shown_rows(self):
        if row is None:
            rows.append(["…", "", "", "", ""])
            continue
        step = "" if row.step_norm is None else f"{row.step_norm:.4e}"
        rows.append([str(row.k), f"${_point(row.x)}$", f"{row.value:.12g}", f"{row.gradient_norm:.4e}", step])
    table = _markdown_table(["$k$", "$x_k$", "$f(x_k)$", measure, "step"], rows)
    return f"**{markdown_text(self.method)}**{rate}: {markdown_text(self.status)}.\n\n{table}\n\n{markdown_text(self.message)}"


class Runs(list):
    """symnn.newton's result: the runs (Newton first, then gradient descent when asked), a list that
    shows each run's table in a notebook."""

    def _repr_markdown_(self) -> str:
        return "\n\n".join(run_markdown(run) for run in self)


# --- the checker ---
_VERDICT_MARK = {"correct": "✅ correct", "wrong": "❌ wrong", "undecided": "❔ undecided", "unusable": "⚠️ unusable"}


def _counts(verdicts) -> str:
    counts = {}
    for v in verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in counts.items())


def check_report_repr(self) -> str:
    parts = [f"{len(self.verdicts)} claim(s)" + (f": {_counts(self.verdicts)}" if self.verdicts else "")]
    if self.code is not None:
        parts.append(f"code {self.code.verdict}")
    return _clip(f"<CheckReport {_subject(self.spec)}: {'; '.join(parts)}; exit code {self.exit_code}>", 2 * REPR_WIDTH)


def check_report_markdown(self) -> str:
    parts = [f"**Check** of {_subject_markdown(self.spec)}: " + (markdown_text(_counts(self.verdicts)) or "no claims")
             + f" (exit code {self.exit_code})."]
    parts += [f"{number}. " + verdict_markdown(v).replace("\n", "\n   ") for number, v in enumerate(self.verdicts, 1)]
    if self.code is not None:
        parts.append(code_report_markdown(self.code))
    return "\n\n".join(parts)


def verdict_repr(self) -> str:
    extra = f" ({self.diagnosis})" if self.diagnosis else ""
    target = f" {self.target}" if self.target else ""
    return _clip(f"<Verdict {self.verdict}{target}: {self.claim!r}: {self.message}{extra}>", 2 * REPR_WIDTH)


def verdict_markdown(self) -> str:
    """A claim's verdict: the typed claim stays a code span (never rendered as maths: it is typed text)."""
    lines = [f"**{_VERDICT_MARK.get(self.verdict, markdown_text(self.verdict))}** {markdown_code(_clip(self.claim, 400))}",
             f"- {markdown_text(self.message)}"]
    if self.diagnosis:
        lines.append(f"- mistake: {markdown_text(self.diagnosis)}")
    if self.counterexample:
        c = self.counterexample
        lines.append(f"- counter-example at sample point {markdown_text(c.get('point'))}: claimed "
                     f"{markdown_text(c.get('claimed'))}, correct {markdown_text(c.get('correct'))}")
    if self.correct_formula:
        lines.append(f"- correct: {markdown_code(self.correct_formula.get('text', ''))}")
    lines += [f"- note: {markdown_text(note)}" for note in self.notes]
    return "\n".join(lines)


def code_report_repr(self) -> str:
    gradients = ", ".join(f"{g.name} {g.verdict}" for g in self.gradients)
    return _clip(f"<CodeReport {self.path!r}: {self.verdict}: {self.message}" + (f"; {gradients}" if gradients else "") + ">",
                 2 * REPR_WIDTH)


def code_report_markdown(self) -> str:
    rows = [[markdown_code(g.name), markdown_text(g.verdict),
             "" if g.relative_error is None else f"{g.relative_error:.1e}", markdown_text(g.diagnosis or "")]
            for g in self.gradients]
    head = (f"**Code** {markdown_code(self.path)}: **{markdown_text(self.verdict)}**: {markdown_text(self.message)} "
            f"(inputs from seed {markdown_text(self.seed)}; sandbox: {markdown_text(self.isolation)})")
    return head + ("\n\n" + _markdown_table(["gradient", "verdict", "relative error", "mistake"], rows) if rows else "")


def gradient_result_repr(self) -> str:
    error = f" (relative error {self.relative_error:.1e})" if self.relative_error is not None else ""
    return _clip(f"<GradientResult {self.name}: {self.verdict}{error}" + (f"; {self.diagnosis}" if self.diagnosis else "") + ">")


# --- numerical checks of build ---
def gradient_check_repr(self) -> str:
    return (f"<GradientCheck {terminal(self.parameter)} {self.verdict}: closed form {self.analytic:.10g}, numerical "
            f"{self.numeric:.10g} (±{self.error_estimate:.1e})>")


def module_check_repr(self) -> str:
    return (f"<ModuleCheck {self.verdict}: relative error {self.relative_error:.1e} over {self.entries_checked} of "
            f"{self.entries_total} entries>")


def module_check_markdown(self) -> str:
    return (f"**The generated module's backward pass**: {markdown_text(self.verdict)}, relative error "
            f"{self.relative_error:.1e} against the numerical derivative over {self.entries_checked} of {self.entries_total} entries.")


def _checks_table(checks) -> str:
    rows = [[markdown_code(c.parameter), markdown_text(c.verdict), f"{c.analytic:.10g}", f"{c.numeric:.10g}",
             f"{c.error_estimate:.1e}"] for c in checks[:SHOWN_ROWS]]
    return _markdown_table(["parameter", "verdict", "closed form", "numerical", "± estimate"], rows, len(checks))


class BuildResult(dict):
    """symnn.build's result: a dict (files, checks, code_check, proof, passed, ...) shown as a summary."""

    def __repr__(self) -> str:
        checks = self.get("checks", [])
        wrong = sum(not c.passed for c in checks)
        return (f"<build: {'passed' if self.get('passed') else 'FAILED'}; {len(self.get('files', []))} files; "
                f"{len(checks)} closed forms checked, {wrong} wrong; module {self['code_check'].verdict}; "
                f"matrix equations {self['proof'].status}>")

    def _repr_markdown_(self) -> str:
        files = "\n".join(f"- {markdown_code(str(path))}" for path in self["files"])
        note = f"\n\n{markdown_text(self['note'])}" if self.get("note") else ""
        return (f"**symnn build: {'passed' if self['passed'] else 'FAILED'}**\n\n{files}{note}\n\n{_checks_table(self['checks'])}"
                f"\n\n{module_check_markdown(self['code_check'])}\n\n"
                f"{matrix_proof_markdown(self['proof'])}")


class SheetResult(dict):
    """symnn.sheet's result: {"files": [...], "note": why no PDF was made, or None}."""

    def __repr__(self) -> str:
        note = f"; {self['note']}" if self.get("note") else ""
        return _clip(f"<sheet: {', '.join(str(p) for p in self['files'])}{note}>", 2 * REPR_WIDTH)

    def _repr_markdown_(self) -> str:
        files = "\n".join(f"- {markdown_code(str(path))}" for path in self["files"])
        return f"**Sheets written**\n\n{files}" + (f"\n\n{markdown_text(self['note'])}" if self.get("note") else "")


class NetworkHessianResult(dict):
    """symnn.api.network_hessian's result: {"hessian", "runs", "files", "text"}."""

    def __repr__(self) -> str:
        return f"<network_hessian: {network_hessian_repr(self['hessian'])[1:-1]}; {len(self['runs'])} run(s)>"

    def _repr_markdown_(self) -> str:
        return "```text\n" + self["text"].replace("```", "` ` `") + "\n```"


def network_hessian_repr(self) -> str:
    entries = f"; {len(self.entries)} non-zero entries" if "entries" in self.__dict__ else ""
    return f"<NetworkHessian of {_spec_words(self.derivation.spec)}: {len(self.parameters)} parameters{entries}>"


def network_hessian_latex(self) -> str:
    """The first non-zero entries d^2 L / dtheta_i dtheta_j (per example) and how many there are."""
    n = self.derivation.notation
    names = dict(n.latex_names)
    for sensitivities in self.sensitivities.values():
        for s in sensitivities:
            names[s.symbol] = rf"\frac{{\partial {n.latex_names[n.z(s.layer, s.unit)]}}}{{\partial {n.latex_names[s.parameter]}}}"
    rows = []
    for (i, j), value in list(self.entries.items())[:SHOWN_ROWS]:
        p, q = (sp.latex(self.parameters[k], symbol_names=names) for k in (i, j))
        lhs = rf"\frac{{\partial^2 L}}{{\partial {{{p}}}^{{2}}}}" if i == j else rf"\frac{{\partial^2 L}}{{\partial {p} \, \partial {q}}}"
        rows.append(f"{lhs} &= {sp.latex(value, symbol_names=names)}")
    more = len(self.entries) - len(rows)
    if more > 0:
        rows.append(rf"&\ldots \text{{ and {more} more non-zero entries}}")
    return _aligned(rows)


def sensitivity_repr(self) -> str:
    return _clip(f"<Sensitivity dz{self.layer}_{self.unit}/d{self.parameter} = {sp.sstr(self.value)}>")


# --- installing ---
def _classes():
    from .check import CheckReport
    from .check.code import CodeReport, GradientResult
    from .check.compare import Verdict
    from .derive.functions import CriticalPoint, CriticalPoints, CriticalSet, FunctionDerivation
    from .derive.matrix import MatrixDerivation, MatrixEquation
    from .derive.matrixproof import MatrixProof
    from .derive.network_hessian import NetworkHessian, Sensitivity
    from .derive.perweight import ChainFactor, Delta, NetworkDerivation, ParameterGradient
    from .funcspec import FunctionSpec
    from .newton import Iterate, Run
    from .spec import NetworkSpec
    from .verify import GradientCheck
    from .verify_code import ModuleCheck

    return {
        NetworkSpec: {"__repr__": network_spec_repr, "_repr_markdown_": network_spec_markdown},
        NetworkDerivation: {"__repr__": derivation_repr, "_repr_markdown_": derivation_markdown,
                            "_repr_latex_": derivation_latex},
        ParameterGradient: {"__repr__": gradient_repr, "_repr_latex_": gradient_latex},
        ChainFactor: {"__repr__": factor_repr, "_repr_latex_": factor_latex},
        Delta: {"__repr__": delta_repr, "_repr_latex_": delta_latex},
        MatrixDerivation: {"__repr__": matrix_derivation_repr, "_repr_latex_": matrix_derivation_latex,
                           "_repr_markdown_": matrix_derivation_markdown},
        MatrixEquation: {"__repr__": equation_repr, "__str__": equation_str, "_repr_latex_": equation_latex},
        MatrixProof: {"__repr__": matrix_proof_repr, "_repr_markdown_": matrix_proof_markdown},
        FunctionSpec: {"__repr__": function_spec_repr, "_repr_latex_": function_spec_latex},
        FunctionDerivation: {"__repr__": function_derivation_repr, "_repr_latex_": function_derivation_latex,
                             "_repr_markdown_": function_derivation_markdown},
        CriticalPoint: {"__repr__": critical_point_repr, "_repr_latex_": critical_point_latex},
        CriticalPoints: {"__repr__": critical_points_repr, "_repr_markdown_": critical_points_markdown},
        CriticalSet: {"__repr__": critical_set_repr, "_repr_latex_": critical_set_latex},
        Iterate: {"__repr__": iterate_repr},
        Run: {"__repr__": run_repr, "_repr_markdown_": run_markdown},
        CheckReport: {"__repr__": check_report_repr, "_repr_markdown_": check_report_markdown},
        Verdict: {"__repr__": verdict_repr, "_repr_markdown_": verdict_markdown},
        CodeReport: {"__repr__": code_report_repr, "_repr_markdown_": code_report_markdown},
        GradientResult: {"__repr__": gradient_result_repr},
        GradientCheck: {"__repr__": gradient_check_repr},
        ModuleCheck: {"__repr__": module_check_repr, "_repr_markdown_": module_check_markdown},
        NetworkHessian: {"__repr__": network_hessian_repr, "_repr_latex_": network_hessian_latex},
        Sensitivity: {"__repr__": sensitivity_repr},
    }


def install() -> None:
    """Put the displays on the API's classes (dataclasses generate a __repr__; this one replaces it)."""
    for cls, methods in _classes().items():
        for name, method in methods.items():
            setattr(cls, name, method)


