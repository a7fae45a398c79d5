"""Long formulas are broken only before a top-level operator, and the broken lines are the formula.

The lines are read back with SymPy's own LaTeX parser (the lark backend), independently of the
printer that wrote them, and compared with the unbroken expression symbolically. The formulas are
the real ones of the sheets: closed-form gradients of the README and seed networks (deep, with
dropout, custom activations) and the gradients and Hessians of the course's test functions.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from sympy.parsing.latex import parse_latex

from symnn.api import hessian
from symnn.derive.perweight import derive_network
from symnn.render.sheetmath import TEXT_WIDTH, SheetLatexPrinter, broken_lines, broken_product
from symnn.render.sheets import render_sheet
from symnn.render.texwidth import tex_width
from symnn.spec import parse_spec

OPERATOR_START = re.compile(r"^\{\} (\+|-|\\cdot) ")
DANGLING_END = re.compile(r"(\\cdot|\\times|\+|-|=)\s*$")

NETWORKS = {
    "2-2-1": {},
    "2-3-3-1": {},
    "2-4-1 tanh": {"act": "tanh,sigmoid"},
    "2-3-1 swish": {"act": "z/(1 + exp(-z)),sigmoid"},
    "2-3-1 softplus": {"act": "log(1 + exp(z)),sigmoid"},
    "2-3-1 dropout": {"dropout": 0.8},
    "2-3-3-3-1": {},
}  # softsign and GELU print sign() and erf(), which the parser cannot read: the PDF tests have them
FAST_NETWORKS = ["2-2-1", "2-3-3-1", "2-3-1 swish", "2-3-1 dropout"]
FUNCTIONS = [
    "(1-x)^2 + 100*(y-x^2)^2",  # Rosenbrock
    "(x^2+y-11)^2 + (x+y^2-7)^2",  # Himmelblau
    "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",  # Beale
    "x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y",  # seed 000's two-variable Newton example
    "exp(x) - ln(x)",  # seed 000's one-variable Newton example
    "exp(-x^2-y^2)*sin(x*y) + log(1+x^2+y^2)",
]
FAST_FUNCTIONS = FUNCTIONS[:2] + FUNCTIONS[4:5]


class DotPrinter(SheetLatexPrinter):
    """Products with an explicit \\cdot and functions in braces, which the lark parser reads without
    ambiguity (it reads `\\sin(x) + 2` both ways). The breaking does not depend on the printer."""

    def __init__(self, settings=None):
        super().__init__({**(settings or {}), "mul_symbol": "dot"})

    def _print_Function(self, expr, exp=None):
        return "{" + super()._print_Function(expr, exp) + "}"

    def _print_log(self, expr, exp=None):
        return "{" + super()._print_log(expr, exp) + "}"


def neutral_names(expression) -> dict:
    """v_{aa}, v_{ab}, ...: names the LaTeX parser reads as single symbols (it cannot read w^{[1]}_{11})."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    symbols = sorted(expression.free_symbols, key=str)
    return {s: f"v_{{{letters[i // 26]}{letters[i % 26]}}}" for i, s in enumerate(symbols)}


def read_back(lines: list[str], names: dict) -> sp.Expr:
    """The lines joined and parsed by SymPy's LaTeX parser, in the original symbols."""
    text = " ".join(lines).replace("{}", " ")
    text = re.sub(r"\\(?:big|Big|bigg|Bigg)([lr])([()])", lambda m: r"\left(" if m.group(1) == "l" else r"\right)", text)
    parsed = parse_latex(text, backend="lark")
    assert isinstance(parsed, sp.Expr), f"ambiguous or unreadable: {text}"
    back = {sp.Symbol(name): symbol for symbol, name in names.items()}
    return parsed.xreplace(back).subs(sp.Symbol("e"), sp.E)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    difference = sp.together(sp.expand(a - b))
    return difference == 0 or sp.simplify(difference) == 0


def assert_well_broken(lines: list[str]) -> None:
    for index, line in enumerate(lines):
        assert line.count(r"\left") == line.count(r"\right"), line  # \left ... \right cannot span lines
        assert not DANGLING_END.search(line), f"line {index} ends with an operator: {line}"
        if index:
            assert OPERATOR_START.match(line), f"line {index} starts without an operator: {line}"


@lru_cache(maxsize=None)
def network_formulas(key: str) -> tuple:
    spec = parse_spec(key.split()[0], **NETWORKS[key])
    d = derive_network(spec)
    formulas = [g.closed_form for g in d.representative_gradients()] + [d.loss]
    formulas += [x.closed_form for layer in d.deltas.values() for x in layer[:1]]
    return tuple(f for f in formulas if isinstance(f, sp.Expr) and not f.is_Atom), d.notation.chain_positions


@lru_cache(maxsize=None)
def function_formulas(expression: str) -> tuple:
    d = hessian(expression)
    return tuple([d.spec.expression, *d.gradient, *[e for e in d.hessian if not e.is_Number]])


def check_network(key: str, width: float) -> None:
    formulas, positions = network_formulas(key)
    for chained in (None, positions):
        for formula in formulas:
            names = neutral_names(formula)
            lines = broken_lines(formula, names, width, chained, printer=DotPrinter)
            assert_well_broken(lines)
            assert same(read_back(lines, names), formula), lines


def check_function(expression: str, width: float) -> None:
    for formula in function_formulas(expression):
        names = neutral_names(formula)
        lines = broken_lines(formula, names, width, printer=DotPrinter)
        assert_well_broken(lines)
        assert same(read_back(lines, names), formula), lines


@pytest.mark.parametrize("key", FAST_NETWORKS)
def test_network_closed_forms_broken_and_read_back_are_the_same_expression(key):
    check_network(key, 200.0)


@pytest.mark.parametrize("expression", FAST_FUNCTIONS)
def test_function_sheet_formulas_broken_and_read_back_are_the_same_expression(expression):
    check_function(expression, 150.0)


@pytest.mark.slow
@pytest.mark.parametrize("key", list(NETWORKS))
@pytest.mark.parametrize("width", [120.0, 300.0, TEXT_WIDTH])
def test_every_network_at_every_width_reads_back_the_same(key, width):
    check_network(key, width)


@pytest.mark.slow
@pytest.mark.parametrize("expression", FUNCTIONS)
@pytest.mark.parametrize("width", [100.0, 250.0, TEXT_WIDTH])
def test_every_function_at_every_width_reads_back_the_same(expression, width):
    check_function(expression, width)


SYMBOLS = sp.symbols("p q r s t u")
atoms = st.sampled_from(SYMBOLS) | st.integers(-9, 9).filter(bool).map(sp.Integer)


def _grow(children):
    pairs = st.lists(children, min_size=2, max_size=6)
    return (pairs.map(lambda xs: sp.Add(*xs)) | pairs.map(lambda xs: sp.Mul(*xs))
            | st.tuples(children, children).map(lambda ab: ab[0] / (ab[1] ** 2 + 1))
            | children.map(sp.exp) | st.tuples(children, st.integers(2, 3)).map(lambda ab: ab[0] ** ab[1]))


expressions = st.recursive(atoms, _grow, max_leaves=24)


@settings(max_examples=30, deadline=None)
@given(expressions, st.sampled_from([90.0, 150.0, 300.0]))
def test_any_sum_or_product_breaks_at_its_operators_and_reads_back(expression, width):
    names = {s: f"{s.name}_{{{i}}}" for i, s in enumerate(SYMBOLS)}
    lines = broken_lines(expression, names, width, printer=DotPrinter)
    assert_well_broken(lines)
    assert same(read_back(lines, names), expression), lines


def test_a_line_is_only_wider_than_the_page_when_a_single_factor_is():
    """Every line of the deep network's closed form fits; breaking it did not give up early."""
    formulas, positions = network_formulas("2-3-3-1")
    names = derive_network(parse_spec("2-3-3-1")).notation.latex_names
    for formula in formulas:
        for line in broken_lines(formula, names, TEXT_WIDTH, positions):
            assert tex_width(line) <= TEXT_WIDTH, line


def test_a_long_chain_of_factors_continues_with_a_cdot_not_a_dangling_one():
    factors = [rf"\left(\frac{{1 - y}}{{1 - a^{{[{k}]}}}} - \frac{{y}}{{a^{{[{k}]}}}}\right)" for k in range(1, 9)]
    lines = broken_product(factors, 300.0)
    assert len(lines) > 1
    assert_well_broken(lines)
    assert " ".join(lines).replace("{} ", "").count(r"\cdot") == len(factors) - 1


SHEET_SPECS = [("2-3-3-1", {}, True), ("2-3-1", {"dropout": 0.8}, False),
               ("2-3-1", {"act": "z*(1+erf(z/sqrt(2)))/2,sigmoid"}, False)]


@pytest.mark.parametrize("sizes, options, long", SHEET_SPECS)
def test_every_continued_line_on_a_sheet_starts_with_an_operator(sizes, options, long):
    """On the rendered LaTeX and Markdown: a row `&\\qquad ...` continues the one before it."""
    derivation = derive_network(parse_spec(sizes, **options))
    for fmt in ("tex", "md"):
        text = render_sheet(derivation, fmt)
        continued = re.findall(r"^ ?&\\qquad (.*?)(?: \\\\)?$", text, re.M)
        assert bool(continued) == long, "2-3-3-1's closed forms need more than one line, the others' not"
        for line in continued:
            assert OPERATOR_START.match(line), line
        for row in re.findall(r"^.*&.*$", text, re.M):
            assert not re.search(r"(\\cdot|\+|-) \\\\$", row), row
