"""The sheet's regularisation section: present only with --l2 / --dropout, the same maths in English
and Vietnamese, every maths block valid for KaTeX in strict mode, and the formulas it must show."""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
from latex2mathml.converter import convert

from symnn.derive.perweight import derive_network
from symnn.render.sheets import render_sheet
from symnn.spec import parse_spec

from sheets_support import display_maths, inline_maths, katex_errors, katex_module

SPECS = {"both": ("2-3-1", dict(act="relu,sigmoid", l2=0.7, dropout=0.8)),
         "sum": ("2-2-2-1", dict(act="tanh", loss="half_se", reduction="sum", l2=0.1)),
         "row": ("4-5-3", dict(act="relu,softmax", layout="row", dropout=0.5))}


@lru_cache(maxsize=None)
def sheet(key: str, fmt: str, lang: str) -> str:
    sizes, options = SPECS[key]
    return render_sheet(derive_network(parse_spec(sizes, **options)), fmt, lang)


def section(text: str) -> str:
    return text[text.index("## 12."):]


@pytest.mark.parametrize("key", list(SPECS))
def test_both_languages_show_the_same_maths(key):
    english, vietnamese = section(sheet(key, "md", "en")), section(sheet(key, "md", "vi"))
    assert display_maths(english) == display_maths(vietnamese)
    assert "Chính quy hoá" in vietnamese and "Regularisation" in english


def test_maths_renders():
    items = []
    for key in SPECS:
        for lang in ("en", "vi"):
            text = section(sheet(key, "md", lang))
            items += [(m, True) for m in display_maths(text)] + [(m, False) for m in inline_maths(text)]
    for tex, _ in items:
        convert(tex)
    module = katex_module()
    if module is None:
        pytest.skip("node and the katex npm package are needed (.ci/run installs them into .ci/katex)")
    failures = [(tex[:120], error) for (tex, _), error in zip(items, katex_errors(items, module)) if error]
    assert not failures, failures[:3]


def test_the_section_shows_the_penalty_its_gradient_and_the_masks():
    text = section(sheet("both", "md", "en"))
    assert r"\frac{\lambda \left(\lVert W^{[1]} \rVert_F^{2} + \lVert W^{[2]} \rVert_F^{2}\right)}{2 m}" in text
    assert r"dW^{[1]} &= \frac{1}{m} dZ^{[1]} X^{T} + \frac{\lambda}{m} W^{[1]}" in text
    assert r"A^{[1]} &= \frac{1}{p} \left(A^{[1]} \odot D^{[1]}\right)" in text
    assert r"dA^{[1]} &= \frac{1}{p} \left(D^{[1]} \odot dA^{[1]}\right)" in text
    assert "CS231n" in text and r"\lambda = 2 m \cdot \mathrm{reg}" in text
    summed = section(sheet("sum", "md", "en"))
    assert r"\frac{\partial J}{\partial w^{[1]}_{11}} &= \sum_{i=1}^{m}" in summed and r"+ \lambda w^{[1]}_{11}" in summed
    assert "dropout" not in summed.lower() and "lambda" not in section(sheet("row", "md", "en")).split("dropout")[0]


def test_the_per_weight_sections_carry_the_mask():
    text = sheet("both", "md", "en")
    assert re.search(r"z\^\{\[2\]\} &= .*\\frac\{w\^\{\[2\]\}_\{11\} a\^\{\[1\]\}_\{1\} d\^\{\[1\]\}_\{1\}\}\{p\}", text)


def test_plain_specs_have_no_section():
    plain = render_sheet(derive_network(parse_spec("2-3-1")), "md", "en")
    assert "## 12." not in plain and "lambda" not in plain


def test_latex_sheet_has_the_section():
    tex = sheet("both", "tex", "vi")
    assert r"\section{Chính quy hoá}" in tex and r"\texttt{backward\_propagation\_with\_dropout}" in tex
