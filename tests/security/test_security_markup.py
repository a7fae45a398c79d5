"""Markup injection (issue 10): HTML from the input reached the .md sheets and `_repr_markdown_`
(`-->` ended the header comment), and a newline in a custom activation ended the `%` header line of
the .tex, so `\\input{/etc/hostname}` was read. Typed text is now refused at the door; and even an
activation whose name was built in Python with that text is escaped in every header."""
from __future__ import annotations

import dataclasses
import re

import pytest
import sympy as sp

import symnn
from symnn.errors import SpecError
from symnn.render.sheets import render_sheet
from symnn.rules.activations import Activation, z
from symnn.spec import parse_spec

HOSTILE_NAME = "z --><script>alert(1)</script><!--\n\\input{/etc/hostname}\r\x1b[2J"


@pytest.mark.parametrize("act", ["z #--><script>alert(1)</script>", "(z #\n\\input{/etc/hostname}\n)",
                                 "z\n\\input{/etc/hostname}", "z + 0 #<!--"])
def test_the_issues_payloads_are_refused(act):
    with pytest.raises(SpecError):
        symnn.derive("2-2-1", act=f"{act},sigmoid")


def hostile_derivation():
    spec = parse_spec("2-2-1", act="log(1 + exp(z)),sigmoid")
    named = dataclasses.replace(spec.activations[0], name=HOSTILE_NAME)
    return symnn.derive(dataclasses.replace(spec, activations=(named, spec.activations[1])))


def test_a_hostile_name_cannot_leave_the_markdown_header():
    derivation = hostile_derivation()
    for markdown in (render_sheet(derivation, "md", "en"), derivation._repr_markdown_()):
        header, rest = markdown.split("\n", 1)
        assert header.startswith("<!--") and header.endswith("-->") and header.count("-->") == 1
        assert "\x1b" not in markdown and "\r" not in markdown
        assert "<script" not in header and "<script" not in _without_code_spans(rest)  # a code span shows it as text


def _without_code_spans(markdown: str) -> str:
    """CommonMark code spans: a run of n backticks up to the next run of exactly n."""
    return re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", markdown)


def test_a_hostile_name_cannot_end_the_tex_comment_line():
    tex = render_sheet(hostile_derivation(), "tex", "en")
    assert not any(re.match(r"\s*\\input", line) for line in tex.splitlines())
    for line in tex.splitlines()[:3]:
        assert line.startswith("%") or line.startswith("\\documentclass")


def test_the_sheet_shows_sympys_latex_of_a_custom_activation():
    derivation = symnn.derive("2-2-1", act="log(1 + exp(z)),sigmoid")
    tex = render_sheet(derivation, "tex", "en")
    assert sp.latex(sp.log(sp.exp(z) + 1)) in tex
    assert "log(1 + exp(z))" not in tex
