"""Fuzzing the parsers (issue 10): the formula parser, the spec string and TOML readers, both claim
parsers and the claims-file splitter, with course-notation grammars, mutations of them and raw input.
Every input is handled: a result, or one of symnn's errors in one line (fuzz_support.handled)."""
import tempfile
from pathlib import Path

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import symnn
from fuzz_support import (ACTIVATION, LATEX_EXPRESSION, LAYOUT, LOSS, NUMPY_EXPRESSION, RAW_BYTES, RAW_TEXT,
                          REDUCTION, SIZES, budget, formula, handled, latex_claim, mutated, numpy_claim)
from symnn.check import claims_from_file, markdown_claims
from symnn.check.parse_latex import parse_latex_chain
from symnn.check.parse_numpy import read_numpy_side
from symnn.check.resolve import Resolver
from symnn.funcspec import parse_function
from symnn.safe_expr import read_formula
from symnn.spec import build_spec, load_spec_file

VARIABLES = {name: sp.Symbol(name, real=True) for name in ("x", "y", "z")}
FOLDER = Path(tempfile.mkdtemp(prefix="symnn-fuzz-"))


@pytest.fixture(scope="module")
def resolvers():
    return [Resolver(symnn.network("2-3-1")), Resolver(symnn.network("2-3-3-1")),
            Resolver(symnn.network("4-5-3", act="relu,softmax", layout="row", bias=False))]


# --- safe_expr: custom activations and functions ---
@budget(150)
@given(mutated(formula(("x", "y", "z"))) | RAW_TEXT)
def test_formula_parser(text):
    result = handled("safe_expr.read_formula", read_formula, text, VARIABLES)
    assert isinstance(result, (sp.Basic, symnn.SymnnError))


@budget(100)
@given(mutated(formula(("x", "y", "x1", "x2"))) | RAW_TEXT, st.sampled_from([None, "x,y", "y,x", "x1,x2", "x,", "1x", ""]))
def test_function_spec_parser(text, variables):
    handled("funcspec.parse_function", parse_function, text, variables)


# --- network specs: sizes with options, and TOML files ---
@budget(150)
@given(SIZES | RAW_TEXT, st.none() | ACTIVATION | RAW_TEXT, st.none() | LOSS, LAYOUT, st.booleans(), REDUCTION)
def test_spec_string_parser(sizes, act, loss, layout, bias, reduction):
    handled("spec.build_spec", build_spec, sizes, act=act, loss=loss, layout=layout, bias=bias, reduction=reduction)


TOML_VALUE = st.one_of(
    st.sampled_from(['[2, 3, 1]', '[2, 0, 1]', '[2, -1]', '[]', '"2-3-1"', '[2, 3.5, 1]', '[true, 1]', '[[2], 1]', 'true', '1e400',
                     '"sigmoid"', '["tanh", "sigmoid"]', '["relu", "softmax"]', '"bce"', '"cce"', '"row"', 'false', '"sum"',
                     '"z #"', '"\\u0000"', '{a = 1}', '1979-05-27', '"""multi\nline"""']),
    st.integers(-10, 10).map(str),
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


# What each key of a spec file usually holds (so most drawn files get past TOML and reach symnn's own
# checks), then anything TOML can hold (so the type checks are reached too).
TOML_KEY_VALUES = {
    "sizes": st.sampled_from(["[2, 3, 1]", "[2, 1]", "[4, 5, 3]", "[2, 2, 2]", "[784, 128, 10]", '"2-3-1"'])
    | st.lists(st.integers(-2, 6), max_size=5).map(str),
    "activations": st.sampled_from(['"sigmoid"', '"tanh,sigmoid"', '"max(z, 0),sigmoid"', '["tanh", "sigmoid"]', '["relu", "softmax"]', '"relu,sigmoid"',
                                    '["z*sin(z)", "sigmoid"]', '["leaky_relu(0.1)", "sigmoid"]', '"softmax"']),
    "loss": st.sampled_from(['"bce"', '"cce"', '"mse"', '"half_se"', '"se"']),
    "layout": st.sampled_from(['"row"', '"column"', '"diagonal"']),
    "bias": st.sampled_from(["true", "false", '"yes"']),
    "reduction": st.sampled_from(['"mean"', '"sum"', '"max"']),
    "l2": st.sampled_from(["0.7", "0", "-1", "1e400", "true", '"0.7"']),
    "dropout": st.sampled_from(["0.86", "1", "0", "1.5", "nan", '"0.8"']),
}


@st.composite
def toml_text(draw):
    keys = draw(st.lists(st.sampled_from(sorted(TOML_KEY_VALUES)), unique=True, max_size=6))
    if "sizes" not in keys and draw(st.integers(0, 3)):  # most files have sizes, so the other keys get read too
        keys.insert(0, "sizes")
    lines = [f"{key} = {draw(TOML_KEY_VALUES[key] | TOML_VALUE if draw(st.integers(0, 5)) == 0 else TOML_KEY_VALUES[key])}"
             for key in keys]
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(st.sampled_from(["[table]", "sizes = [2, 1]", "# a comment", "", "act = 1", "unknown = 2"])))
    return "\n".join(lines)


@budget(120)
@given(mutated(toml_text()) | RAW_TEXT | RAW_BYTES)
def test_toml_spec_reader(content):
    path = FOLDER / "spec.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    handled("spec.load_spec_file", load_spec_file, path)


# --- the claim parsers, on their own ---
@budget(100)
@given(mutated(latex_claim()) | mutated(LATEX_EXPRESSION) | RAW_TEXT, st.integers(0, 2))
def test_latex_claim_parser(resolvers, text, which):
    handled("check.parse_latex_chain", parse_latex_chain, text, resolvers[which])


@budget(100)
@given(mutated(NUMPY_EXPRESSION) | RAW_TEXT, st.integers(0, 2))
def test_numpy_claim_parser(resolvers, text, which):
    handled("check.read_numpy_side", read_numpy_side, text, resolvers[which])


# --- claims files: plain lines and Markdown ---
@st.composite
def markdown_file(draw):
    claim = mutated(latex_claim()) | numpy_claim() | RAW_TEXT
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["prose", "block", "aligned", "raw"]))
        if kind == "prose":
            parts.append(draw(st.text(max_size=40)))
        elif kind == "block":
            parts.append(f"$$ {draw(claim)} $$")
        elif kind == "aligned":
            rows = draw(st.lists(claim, min_size=1, max_size=3))
            parts.append("$$\\begin{aligned} " + " \\\\ ".join(r.replace("=", "&=", 1) for r in rows) + " \\end{aligned}$$")
        else:
            parts.append(draw(st.sampled_from(["$$", "$", "\\\\", "&", "\\begin{bmatrix}", "\\end{aligned}", "#", "\n"])))
    return "\n".join(parts)


@budget(50)
@given(markdown_file() | RAW_TEXT)
def test_markdown_claims(text):
    claims = handled("check.markdown_claims", markdown_claims, text)
    assert isinstance(claims, list) and all(isinstance(c, str) for c in claims)


@budget(40)
@given(markdown_file().map(lambda t: t.encode("utf-8", "surrogatepass")) | RAW_BYTES, st.sampled_from(["claims.md", "claims.txt"]))
def test_claims_file(content, name):
    path = FOLDER / name
    path.write_bytes(content)
    handled("check.claims_from_file", claims_from_file, path)
