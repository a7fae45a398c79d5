"""What a person sees of every object the Python API returns: a short one-line repr, LaTeX that KaTeX
and latex2mathml render, Markdown whose maths renders, and the maths itself right. Expected formulas
come from SymPy's own diff and latex, or from the lecture notes (seed 000: dW^{[2]} = 1/m (A^{[2]} - Y)
A^{[1]T}, db^{[2]} = 1/m (A^{[2]} - Y) 1), never from the display code."""
from __future__ import annotations

import re

import pytest
import sympy as sp
from latex2mathml.converter import convert

import symnn
from sheets_support import display_maths, inline_maths, katex_errors, katex_module
from symnn.check.code import CodeReport, GradientResult

SEED000_RIGHT = r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T"
SEED000_WRONG = r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T"
FUNCTION = "x^4 + 0.8*y^4 - x*y"  # seed 000's two-variable example shape: two minima and a saddle


@pytest.fixture(scope="module")
def objects(tmp_path_factory):
    """One of every kind of object the API returns (and the objects inside them)."""
    from symnn.api import network_hessian

    out = tmp_path_factory.mktemp("display")
    derivation = symnn.derive("2-2-1")
    gradient = derivation.gradient("w1_1_1")
    matrices = symnn.derive_matrix("2-2-1")
    function = symnn.hessian(FUNCTION)
    runs = symnn.newton(FUNCTION, "1,1", learning_rate=0.1)
    report = symnn.check("2-2-1", [SEED000_RIGHT, SEED000_WRONG])
    built = symnn.build("2-2-1", out=out / "build", formats="tex,md")
    hessian = network_hessian("2-1-1")
    code = CodeReport("student.py", "wrong", "db1 differs", [GradientResult("dW1", "right", 1e-12),
                                                               GradientResult("db1", "wrong", 0.5, diagnosis="missing 1/m")], seed=7)
    return {
        "network": symnn.network("2-2-1"),
        "derivation": derivation,
        "gradient": gradient,
        "factor": gradient.factors[0],
        "matrix_factor": symnn.derive("2-3-1").gradient(1, 1, 1).factors[2],
        "delta": derivation.deltas[1][0],
        "matrices": matrices,
        "equation": matrices.equation("dW1"),
        "proof": matrices.proof,
        "function": symnn.function(FUNCTION),
        "function_derivation": function,
        "function_gradient": function.gradient,
        "critical_points": function.critical_points,
        "critical_point": function.critical_points.points[0],
        "critical_set": symnn.hessian("(x - y)^2").critical_points.sets[0],
        "runs": runs,
        "run": runs[0],
        "iterate": runs[0].rows[0],
        "check_report": report,
        "verdict": report.verdicts[1],
        "code_report": code,
        "gradient_result": code.gradients[1],
        "build": built,
        "gradient_check": built["checks"][0],
        "module_check": built["code_check"],
        "sheet": symnn.sheet("2-2-1", out=out / "sheet", formats="md"),
        "network_hessian_result": hessian,
        "network_hessian": hessian["hessian"],
        "sensitivity": next(iter(hessian["hessian"].sensitivities.values()))[0],
    }


KINDS = ["network", "derivation", "gradient", "factor", "matrix_factor", "delta", "matrices", "equation", "proof",
         "function", "function_derivation", "function_gradient", "critical_points", "critical_point", "critical_set", "runs", "run",
         "iterate", "check_report", "verdict", "code_report", "gradient_result", "build", "gradient_check",
         "module_check", "sheet", "network_hessian_result", "network_hessian", "sensitivity"]
RICH = [k for k in KINDS if k not in ("iterate", "gradient_result", "gradient_check", "sensitivity")]


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("runs", "function_gradient")])
def test_every_api_object_has_a_short_one_line_repr(objects, kind):
    text = repr(objects[kind])
    assert "\n" not in text and len(text) <= 300, text
    assert text.startswith("<") and text.endswith(">")
    assert "=NetworkSpec(" not in text and "Activation(" not in text and "dataclass" not in text  # no field dump


def test_newtons_runs_are_a_list_of_short_reprs(objects):
    runs = objects["runs"]
    assert isinstance(runs, list) and len(runs) == 2
    assert repr(runs) == f"[{runs[0]!r}, {runs[1]!r}]"
    assert "converged" in repr(runs[0]) and "Newton" in repr(runs[0])


@pytest.mark.parametrize("kind", RICH)
def test_every_api_object_has_a_rich_display(objects, kind):
    obj = objects[kind]
    shown = [getattr(obj, name)() for name in ("_repr_latex_", "_repr_markdown_", "_repr_html_") if hasattr(obj, name)]
    assert shown and all(isinstance(s, str) and s.strip() for s in shown)


def _latex_items(objects) -> list[tuple[str, str]]:
    items = []
    for kind in KINDS:
        obj = objects[kind]
        if hasattr(obj, "_repr_latex_"):
            latex = obj._repr_latex_()
            assert latex.startswith("$$") and latex.endswith("$$"), kind
            items.append((kind, latex[2:-2]))
        if hasattr(obj, "_repr_markdown_"):
            markdown = obj._repr_markdown_()
            items += [(kind, m) for m in display_maths(markdown)] + [(kind + " inline", m) for m in inline_maths(markdown)]
    return items


def test_every_displayed_formula_converts_to_mathml(objects):
    items = _latex_items(objects)
    assert len(items) > 40
    for kind, tex in items:
        convert(tex)  # raises on unbalanced groups and environments


def test_every_displayed_formula_renders_in_katex_strict_mode(objects):
    module = katex_module()
    if module is None:
        pytest.skip("node and the katex npm package are needed (.ci/run installs them into .ci/katex)")
    items = _latex_items(objects)
    errors = katex_errors([(tex, not kind.endswith(" inline")) for kind, tex in items], module)
    failures = [(kind, tex[:100], error) for (kind, tex), error in zip(items, errors) if error]
    assert not failures


def test_the_function_display_holds_sympys_own_gradient_and_hessian(objects):
    x, y = sp.symbols("x y", real=True)
    f = x**4 + sp.Rational(4, 5) * y**4 - x * y
    latex = objects["function_derivation"]._repr_latex_()
    for variable in (x, y):
        assert sp.latex(sp.diff(f, variable)) in latex
    assert sp.latex(sp.hessian(f, (x, y))) in latex
    assert latex.count(r"\text{minimum}") == 2 and latex.count(r"\text{saddle}") == 1  # (0, 0) is the saddle
    assert sp.latex(sp.diff(f, x)) in objects["function_derivation"]._repr_markdown_()
    gradient = objects["function_gradient"]
    assert gradient == (sp.diff(f, x), sp.diff(f, y)) and isinstance(gradient, tuple)  # still the tuple it was
    assert rf"\frac{{\partial f}}{{\partial y}} &= {sp.latex(sp.diff(f, y))}" in gradient._repr_latex_()


def test_the_gradient_display_is_graded_correct_and_its_mutation_wrong():
    """The last line a student sees for dL/dw^{[1]}_{11} is the formula the checker grades correct
    (seed 000's equation); the same line with x_1 for x_2 is wrong."""
    derivation = symnn.derive("2-2-1")
    latex = derivation.gradient("w1_1_1")._repr_latex_()
    closed = latex.split(r"\\")[-1].replace(r"\end{aligned}", "").replace("$$", "").replace("&=", "").strip()
    assert closed == r"\left(a^{[2]} - y\right) w^{[2]}_{11} a^{[1]}_{1} \left(1 - a^{[1]}_{1}\right) x_{1}"
    lhs = r"\frac{\partial L}{\partial w^{[1]}_{11}} = "
    report = symnn.check("2-2-1", [lhs + closed, lhs + closed.replace("x_{1}", "x_{2}")])
    assert [v.verdict for v in report.verdicts] == ["correct", "wrong"]


def test_the_gradient_display_shows_the_chain_rule_steps():
    latex = symnn.derive("2-2-1").gradient("w1_1_1")._repr_latex_()
    lhs, *sides = latex.split("&=")
    assert r"\frac{\partial L}{\partial w^{[1]}_{11}}" in lhs
    assert len(sides) == 4  # the partials, their values, the delta form, the closed form
    assert sides[0].count(r"\frac{\partial") == 5 and r"\delta^{[1]}_{1} x_{1}" in sides[2]


def test_a_matrix_equation_prints_as_the_notes_write_it(objects):
    """Seed 000, equation (10): dW^{[1]} = 1/m dZ^{[1]} X^T, db = 1/m (A - Y) 1, with a ones vector."""
    m, n1, nx = sp.symbols("m n^{[1]} n_x")
    dZ, X = sp.MatrixSymbol("dZ^{[1]}", n1, m), sp.MatrixSymbol("X", nx, m)
    assert sp.latex(dZ * X.T / m) in objects["equation"]._repr_latex_()
    matrices = objects["matrices"]
    assert str(matrices.equation("db1")) == "db^[1] = 1/m dZ^[1] 𝟏"
    assert str(matrices.equation("Z1")) == "Z^[1] = W^[1] X + b^[1] 𝟏ᵀ"
    assert str(matrices.equation("dW^{[2]}")) == "dW^[2] = 1/m dZ^[2] A^[1]ᵀ"
    row = symnn.derive_matrix("2-2-1", layout="row")
    assert str(row.equation("db1")) == "db^[1] = 1/m 𝟏ᵀ dZ^[1]"
    assert str(row.equation("Z1")) == "Z^[1] = X W^[1] + 𝟏 b^[1]"
    assert r"\mathbf{1}" in matrices.equation("db1")._repr_latex_()


def test_the_matrix_display_groups_the_passes_and_says_it_is_proved(objects):
    markdown = objects["matrices"]._repr_markdown_()
    for words in ("Forward pass", "Cost", "Backward pass", "Proved"):
        assert words in markdown
    assert markdown.count(r"\begin{aligned}") == 3
    assert r"\sigma\left(Z^{[1]}\right)" in objects["matrices"]._repr_latex_()


def test_the_check_report_shows_each_verdict_and_keeps_typed_claims_out_of_the_maths(objects):
    markdown = objects["check_report"]._repr_markdown_()
    assert "✅ correct" in markdown and "❌ wrong" in markdown and "missing 1/m" in markdown
    assert "$$" not in markdown  # a typed claim is shown as a code span, never rendered as maths
    assert "`" + SEED000_WRONG + "`" in markdown


def test_a_hostile_claim_cannot_inject_markup_into_the_report():
    from symnn.check import CheckReport
    from symnn.check.compare import Verdict

    hostile = "dW1 = X`` <script>alert(1)</script> $$\\href{javascript:alert(1)}{x}$$ \x1b[31m"
    report = CheckReport(symnn.network("2-2-1"), [Verdict(hostile, "unusable", f"cannot read {hostile!r}")])
    markdown = report._repr_markdown_()
    spans = re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown)  # what is not inside a code span
    assert "<script" not in spans and "$$" not in spans and "\x1b" not in markdown
    assert "\x1b" not in repr(report.verdicts[0]) and "\n" not in repr(report.verdicts[0])


def test_build_sheet_and_newton_results_stay_plain_lists_and_dicts(objects):
    built = objects["build"]
    assert isinstance(built, dict) and built["passed"] and set(built) >= {"files", "checks", "code_check", "proof"}
    assert "passed" in repr(built) and "9 closed forms checked, 0 wrong" in repr(built)
    assert "| `w1_1_1` | ok |" in built._repr_markdown_()
    assert isinstance(objects["sheet"], dict) and objects["sheet"]["files"]


def test_the_network_hessian_display_names_second_derivatives(objects):
    latex = objects["network_hessian"]._repr_latex_()
    assert r"\frac{\partial^2 L}{\partial {w^{[1]}_{11}}^{2}}" in latex
    assert "non-zero entries" in latex or latex.count(r"\\") + 1 == len(objects["network_hessian"].entries)
