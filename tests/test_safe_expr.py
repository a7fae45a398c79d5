"""The formula reader builds SymPy objects itself; hostile text is refused quickly, nothing runs."""
from __future__ import annotations

import time

import pytest
import sympy as sp

from symnn.errors import ParseError
from symnn.safe_expr import read_formula

z = sp.Symbol("z")


@pytest.mark.parametrize("text,expected", [
    ("log(1 + exp(z))", sp.log(1 + sp.exp(z))),
    ("np.maximum(0, z)", sp.Max(0, z)),
    ("z^2 / 2", z**2 / 2),
    ("0.5 * z", z / 2),
    ("sigmoid(z)", 1 / (1 + sp.exp(-z))),
    ("-z + pi", -z + sp.pi),
])
def test_reads_ordinary_formulas(text, expected):
    assert sp.simplify(read_formula(text, {"z": z}) - expected) == 0


HOSTILE = [
    "__import__('os').system('touch /tmp/symnn-pwned')",
    "(lambda: 1)()",
    "z.__class__.__mro__",
    "().__class__.__bases__[0].__subclasses__()",
    "9**9**9**9",
    "9^9^9^9",
    "(" * 5000 + "z" + ")" * 5000,
    "z + " * 300_000 + "z",
    "open('/etc/passwd').read()",
    "[x for x in range(10**9)]",
    "'a' * 10**9",
    "exec('1')",
    "z if True else 1",
    "",
    b"\xff\xfe z",
    "1e400 * z",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_refused_fast_without_running(text, tmp_path):
    start = time.perf_counter()
    with pytest.raises(ParseError):
        read_formula(text, {"z": z})
    assert time.perf_counter() - start < 1.0
    import os

    assert not os.path.exists("/tmp/symnn-pwned")


def test_unknown_names_are_named():
    with pytest.raises(ParseError, match="unknown name 'q'"):
        read_formula("q + z", {"z": z})


@pytest.mark.parametrize("typed, column", [("x^^2", 3), ("x^2 + * y", 7), ("x**2 + * y", 8)])
def test_a_syntax_error_quotes_the_formula_as_typed(typed, column):
    """^ is rewritten to ** before parsing; the message still shows what was typed, and where."""
    with pytest.raises(ParseError) as caught:
        read_formula(typed, {"x": sp.Symbol("x"), "y": sp.Symbol("y")})
    assert str(caught.value) == f"cannot read {typed!r} at column {column}: not a formula"


@pytest.mark.parametrize("typed, expected", [
    ("4x^3", "4*x**3"), ("2(x + 1)", "2*(x + 1)"), ("0.5sin(x)", "0.5*sin(x)"), ("1e-3x", "1e-3*x"),
    ("3 y", "3*y"), ("x2", "x2"), ("2e^x", "2*e**x"),
])
def test_a_number_against_a_name_multiplies_it(typed, expected):
    """As on paper: 4x is 4*x; a digit inside a name (x2) or an exponent (1e-3) is left alone."""
    names = {"x": sp.Symbol("x"), "y": sp.Symbol("y"), "x2": sp.Symbol("x2")}
    assert read_formula(typed, names) == read_formula(expected, names)


def test_names_written_side_by_side_get_a_hint():
    with pytest.raises(ParseError, match=r"unknown name 'xy' .*; for a product write x\*y"):
        read_formula("2xy", {"x": sp.Symbol("x"), "y": sp.Symbol("y")})
