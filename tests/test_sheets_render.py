"""The sheets' content: Markdown maths that KaTeX renders, both languages, large networks, determinism."""
import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from latex2mathml.converter import convert

from sheets_support import REPO, SEEDS, derivation, display_maths, inline_maths, katex_errors, katex_module, sheet
from symnn.render.sheetmath import TEXT_WIDTH, broken_lines
from symnn.render.texwidth import tex_width
from symnn.render.sheets import SHEET_LISTING_LIMIT

SHEETS = [(sizes, "en") for sizes in SEEDS] + [("2-2-1", "vi"), ("2-4-1", "vi")]


def maths_items(markdown: str) -> list[tuple[str, bool]]:
    return [(m, True) for m in display_maths(markdown)] + [(m, False) for m in inline_maths(markdown)]


@pytest.mark.parametrize("sizes, lang", SHEETS)
def test_every_markdown_maths_block_converts_to_mathml(sizes, lang):
    items = maths_items(sheet(sizes, "md", lang))
    assert len(items) > 20
    for tex, _ in items:
        convert(tex)  # raises on unbalanced groups and environments


@pytest.mark.parametrize("sizes, lang", SHEETS)
def test_every_markdown_maths_block_renders_in_katex_strict_mode(sizes, lang):
    module = katex_module()
    if module is None:
        pytest.skip("node and the katex npm package are needed (.ci/run installs them into .ci/katex)")
    items = maths_items(sheet(sizes, "md", lang))
    failures = [(tex[:120], error) for (tex, _), error in zip(items, katex_errors(items, module)) if error]
    assert not failures, failures[:3]


def test_markdown_keeps_maths_inside_dollars_only():
    text = sheet("2-3-3-1", "md")
    outside = re.sub(r"\$\$.+?\$\$", "", text, flags=re.S)
    outside = re.sub(r"(?<!\\)\$[^$\n]+?\$", "", outside)
    outside = re.sub(r"`[^`]*`", "", outside)
    assert "\\" not in outside, "a LaTeX command outside $...$ would show as raw text"
    assert not re.search(r"\\begin\{(align\*?|equation|multline)\}", text), "use aligned inside $$ for KaTeX"


@pytest.mark.parametrize("sizes", ["2-2-1", "2-4-1"])
def test_both_languages_have_the_same_maths_and_different_prose(sizes):
    english, vietnamese = sheet(sizes, "md", "en"), sheet(sizes, "md", "vi")
    assert display_maths(english) == display_maths(vietnamese)
    tex_en, tex_vi = sheet(sizes, "tex", "en"), sheet(sizes, "tex", "vi")
    aligned = lambda t: re.findall(r"\\begin\{align\*\}(.+?)\\end\{align\*\}", t, re.S)  # noqa: E731
    without_rule_names = lambda blocks: [re.sub(r"\\text\{[^}]*\}", "", b) for b in blocks]  # noqa: E731
    assert without_rule_names(aligned(tex_en)) == without_rule_names(aligned(tex_vi))
    assert "Lan truyền ngược" in vietnamese and "Backpropagation" in english
    assert "Lan truyền ngược" not in english


def prose_keys(table: dict, prefix=""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from prose_keys(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def load_prose(lang):
    return dict(prose_keys(tomllib.loads((REPO / "symnn" / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))))


def test_prose_files_have_the_same_keys_placeholders_and_maths():
    english, vietnamese = load_prose("en"), load_prose("vi")
    assert english.keys() == vietnamese.keys()
    for key in english:
        placeholders = lambda text: sorted(re.findall(r"%\((\w+)\)s", text))  # noqa: E731
        assert placeholders(english[key]) == placeholders(vietnamese[key]), key
        maths = lambda text: sorted(re.findall(r"\$[^$]+\$", text))  # noqa: E731
        assert maths(english[key]) == maths(vietnamese[key]), key


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_prose_needs_no_latex_escaping_outside_maths(lang):
    for key, text in load_prose(lang).items():
        words = re.sub(r"\$[^$]*\$", "", text).replace("%(", "(")
        assert not re.search(r"[&%#_~^\\{}]", words), (key, words)


def test_a_small_network_lists_every_parameter():
    text = sheet("2-3-3-1", "md")
    count = derivation("2-3-3-1").spec.parameter_count
    assert count <= SHEET_LISTING_LIMIT
    assert len(re.findall(r"^### (Weight|Bias) ", text, re.M)) == count == 25


def test_a_large_network_says_so_and_shows_one_weight_and_bias_per_layer_plus_the_index_form():
    text = sheet("784-128-10", "md")
    assert "101770 parameters, too many to list" in text
    headings = re.findall(r"^### (Weight|Bias) \$(.+?)\$", text, re.M)
    assert headings == [("Weight", "w^{[1]}_{11}"), ("Bias", "b^{[1]}_{1}"), ("Weight", "w^{[2]}_{11}"), ("Bias", "b^{[2]}_{1}")]
    assert "## 9. Index form" in text and r"\sum_{k=1}^{784}" in text
    assert len(text.encode()) < 40_000
    assert r"\vdots" in text  # the 10 x 10 softmax Jacobian is elided, not written out


def test_the_seed_results_appear_on_the_2_2_1_sheet():
    """Published results (seeds 000 and 004): sigmoid' = a(1 - a), delta^{[2]} = a^{[2]} - y, dW = 1/m dZ A^T."""
    text = sheet("2-2-1", "md")
    assert r"= a \left(1 - a\right)." in text
    assert r"&= a^{[2]} - y" in text
    # seed 000's worked example, in its own order: dL/dw11 = (a - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_1
    assert (r"&= \left(a^{[2]} - y\right) w^{[2]}_{11} a^{[1]}_{1} \left(1 - a^{[1]}_{1}\right) x_{1}" in text)
    assert r"z^{[1]}_{1} &= w^{[1]}_{11} x_{1} + w^{[1]}_{12} x_{2} + b^{[1]}_{1}" in text
    assert r"dW^{[2]} &= \frac{1}{m} dZ^{[2]} \left(A^{[1]}\right)^{T}" in text


def test_sheets_are_byte_identical_across_processes_and_hash_seeds():
    script = ("import hashlib, symnn; from symnn.render.sheets import render_sheet; "
              "d = symnn.derive('2-4-1', act='tanh,sigmoid'); "
              "print(hashlib.sha256((render_sheet(d, 'tex', 'vi') + render_sheet(d, 'md', 'en')).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", script], cwd=REPO, env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
                       capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }
    here = hashlib.sha256((sheet("2-4-1", "tex", "vi") + sheet("2-4-1", "md", "en")).encode()).hexdigest()
    assert digests == {here + "\n"}


def test_long_closed_forms_are_broken_into_balanced_lines_within_the_width():
    closed = derivation("784-128-10").gradient(1, 1, 1).closed_form
    names = derivation("784-128-10").notation.latex_names
    lines = broken_lines(closed, names)
    assert len(lines) > 2
    for line in lines:
        assert line.count(r"\left") == line.count(r"\right")
        assert line.count("{") == line.count("}")
        assert tex_width(line) <= TEXT_WIDTH


def test_the_notebook_shows_the_markdown_sheet_and_latex_gradients():
    d = derivation("2-2-1")
    assert d._repr_markdown_() == sheet("2-2-1", "md", "en")
    latex = d._repr_latex_()
    assert latex.startswith("$$") and latex.endswith("$$")
    convert(latex.strip("$"))
    assert latex.count(r"\frac{\partial L}") == 9


def test_a_closed_form_too_long_to_read_is_left_as_its_delta_form_and_the_sheet_says_so():
    from symnn.render.sheets import MAX_EQUATION_LINES, render_sheet
    from symnn.spec import parse_spec
    from symnn.derive.perweight import derive_network

    text = render_sheet(derive_network(parse_spec("3-6-6-6-1")), "md", "en")
    notes = re.findall(r"runs to (\d+) lines", text)
    assert notes and all(int(n) > MAX_EQUATION_LINES for n in notes)
    assert r"&= \delta^{[1]}_{1} x_{1}" in text  # the delta form stays
    assert len(text.encode()) < 40_000


def test_a_closed_form_that_would_repeat_every_path_goes_through_deltas_and_the_sheet_says_so():
    from symnn.render.sheets import render_sheet
    from symnn.spec import parse_spec
    from symnn.derive.perweight import derive_network

    derivation = derive_network(parse_spec("4-16-16-16-1"))
    assert not derivation.deltas[1][0].expanded and derivation.deltas[3][0].expanded
    text = render_sheet(derivation, "md", "en")
    assert "would repeat every path to the output" in text
    assert r"\delta^{[2]}_{1}" in text and len(text.encode()) < 40_000
