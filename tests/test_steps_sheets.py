"""The worked derivative steps on the sheets: each rule named with its parts in both languages, the
Markdown maths renders in KaTeX, the LaTeX compiles, and the function sheets show the partials."""
import re
import shutil
import subprocess
from functools import lru_cache

import pytest
import sympy as sp

from sheets_support import display_maths, inline_maths, katex_errors, katex_module
from symnn import api
from symnn.derive.perweight import derive_network
from symnn.derive.step_rules import FAMILIES
from symnn.derive.steps import derivative_steps
from symnn.render.function_report import render_function_sheet
from symnn.render.sheetmath import sheet_latex
from symnn.render.sheets import prose, render_sheet
from symnn.render.step_notes import step_note
from symnn.safe_expr import read_formula
from symnn.spec import parse_spec

# the examples: z sin z, swish, softsign, GELU, then sigmoid and tanh from seed 004
CUSTOM = "z*sin(z),z*sigmoid(z),z/(1+abs(z)),z*(1+erf(z/sqrt(2)))/2,tanh,sigmoid"


@lru_cache(maxsize=None)
def network_sheet(fmt: str, lang: str) -> str:
    return render_sheet(derive_network(parse_spec("1-1-1-1-1-1-1", act=CUSTOM, loss="bce")), fmt, lang)


def activation_section(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    end = markdown.index("\n### ", start + 1)
    return markdown[start:end]


@pytest.mark.parametrize("heading, expected", [
    ("### z\\*sin\\(z\\)", ["product rule $(uv)' = u'v + uv'$ with $u = z$, $v = \\sin{\\left(z \\right)}$",
                            "derivative of a trigonometric function"]),
    ("### z/\\(1 \\+ exp\\(\\-z\\)\\)", ["product rule", "chain rule with $u = 1 + e^{- z}$"]),
    ("### z/\\(Abs\\(z\\) \\+ 1\\)", ["quotient rule", "derivative of the absolute value", "simplify",
                                      "\\frac{1}{\\left(\\left|{z}\\right| + 1\\right)^{2}}"]),
    ("### sigmoid", ["chain rule with $u = 1 + e^{- z}$", "chain rule with $u = - z$", "a \\left(1 - a\\right)",
                     "\\frac{e^{- z}}{\\left(1 + e^{- z}\\right)^{2}}"]),
    ("### tanh", ["quotient rule", "derivative of a hyperbolic function", "1 - a^{2}"]),
])
def test_each_activation_names_its_rules_and_their_parts(heading, expected):
    section = activation_section(network_sheet("md", "en"), heading)
    for text in expected:
        assert text in section, (heading, text)
    assert "quotient rule" not in section or "tanh" in heading or "Abs" in heading


def test_the_vietnamese_sheet_names_the_same_rules_in_vietnamese_with_the_same_maths():
    english, vietnamese = network_sheet("md", "en"), network_sheet("md", "vi")
    assert "quy tắc đạo hàm của tích" in vietnamese and "quy tắc chuỗi với $u = 1 + e^{- z}$" in vietnamese
    assert "product rule" not in vietnamese
    assert set(display_maths(vietnamese)) == set(display_maths(english))


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_steps_render_in_katex_strict_mode(lang):
    module = katex_module()
    if module is None:
        pytest.skip("node and the katex npm package are needed (.ci/run installs them into .ci/katex)")
    markdown = network_sheet("md", lang)
    items = [(m, True) for m in display_maths(markdown)] + [(m, False) for m in inline_maths(markdown)]
    failures = [(tex[:120], error) for (tex, _), error in zip(items, katex_errors(items, module)) if error]
    assert not failures, failures[:3]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is needed (.ci/run installs texlive)")
def test_the_steps_compile_to_pdf_without_running_off_the_page(tmp_path):
    (tmp_path / "sheet.tex").write_text(network_sheet("tex", "en"), encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "sheet.tex"],
                         cwd=tmp_path, capture_output=True, timeout=180)
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, [line for line in log.splitlines() if line.startswith("!")][:3]
    too_wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(w < 10 for w in too_wide), too_wide


def test_the_function_sheet_works_each_partial_derivative():
    """Seed 000's Newton example e^x - ln x: the exponential and the logarithm rules, ending at f'."""
    markdown = render_function_sheet(api.hessian("exp(x) - ln(x)"), "md")
    steps = markdown[markdown.index("### Step by step"):markdown.index("## 3.")]
    assert "derivative of the exponential" in steps and "derivative of the logarithm" in steps
    assert "sum rule" in steps and "e^{x} - \\frac{1}{x}" in steps


def test_a_function_too_large_for_steps_says_so():
    text = " + ".join(f"sin({k}*x*y)^{k}" for k in range(1, 30))
    markdown = render_function_sheet(api.hessian(text, solve_seconds=0.5), "md")
    assert "takes more than 14 steps by hand; its result is above." in markdown


ENGINE_RULES = ["constant", "identity", "linear", "constant_multiple", "sum", "product", "product_many", "quotient", "power",
                "exponential", "general_power", "special", "branches", "diff", "simplify", "kink", "too_long", "definition"]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_rule_the_differentiator_names_has_words_in_every_language(lang):
    words = prose(lang)["rules"]
    for key in ENGINE_RULES + list(FAMILIES) + ["with_formula", "chain", "separator", "others"]:
        assert words.get(key), (lang, key)


@pytest.mark.parametrize("text", ["z*exp(z)*sin(z)", "2^z + z^z", "max(z, 1) - 3*min(z, 2)", "sin(z)/z^2"])
def test_every_note_is_filled_in(text):
    z = sp.Symbol("z", real=True)
    worked = derivative_steps(read_formula(text, {"z": z}), z)
    for lang in ("en", "vi"):
        for step in worked.steps:
            note = step_note(step, prose(lang)["rules"], lambda e: sheet_latex(e, {}))
            assert note and "%(" not in note and note.count("$") % 2 == 0, note
