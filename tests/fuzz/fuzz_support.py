"""Shared pieces of the fuzzers: the budget, what "handled" means, and grammars of the course's notation.

"Handled" (issue 10): an entry point either returns, or raises one of symnn's documented errors
(symnn.errors.SymnnError and its subclasses) whose message is one non-empty line. Anything else --
a TypeError from SymPy, a RecursionError, an assertion -- is a bug and fails the test with the input.

The budget is small and fixed in the test suite (derandomized, so CI is repeatable); set
SYMNN_FUZZ_SCALE=K to give every fuzzer K times its examples and a fresh random seed
(`python benchmarks/fuzz_long.py` does that, with SYMNN_FUZZ_COLLECT=1 so that every unhandled exception is
counted by kind instead of stopping a fuzzer at the first, and reports the totals).
"""
from __future__ import annotations

import collections
import os
import traceback

from hypothesis import HealthCheck, reject, settings
from hypothesis import strategies as st

from symnn.errors import SymnnError
from symnn.limits import time_limit

SCALE = int(os.environ.get("SYMNN_FUZZ_SCALE", "0") or 0)  # 0: the suite's fixed, derandomized budget
EXAMPLE_SECONDS = 20  # a bound per input: past it, LimitExceeded (counted, and a bug if it happens)
TRIED: collections.Counter = collections.Counter()  # inputs tried per entry point (reported by conftest)
OUTCOMES: collections.Counter = collections.Counter()  # (entry point, "ok" / error type) -> count


def budget(examples: int):
    """`examples` inputs in the test suite; SYMNN_FUZZ_SCALE times as many, freshly random, in a long run."""
    return settings(max_examples=examples * (SCALE or 1), deadline=None, derandomize=not SCALE, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])


COLLECT = bool(os.environ.get("SYMNN_FUZZ_COLLECT"))  # a long run counts every problem instead of stopping at one
PROBLEMS: collections.Counter = collections.Counter()  # (entry point, kind, where in symnn) -> count
SAMPLES: dict = {}  # the first input of each kind


def problem(entry: str, kind: str, where: str, sample) -> None:
    """An unhandled exception or a bad message: a failed test, or in a long run one more count."""
    if not COLLECT:
        raise AssertionError(f"{entry}: {kind} at {where} for {sample!r}")
    PROBLEMS[entry, kind, where] += 1
    SAMPLES.setdefault((entry, kind, where), repr(sample)[:300])
    reject()


def one_line(message: str, entry: str, sample=None) -> None:
    if not message or not message.strip():
        problem(entry, "an empty message", "", sample)
    elif "\n" in message or "\r" in message or "Traceback" in message:
        problem(entry, "a message of several lines", message[:80], sample)


def _symnn_frame(exc: BaseException) -> str:
    """The innermost symnn file:line of a traceback (where the bug surfaced in our code)."""
    where = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        if "/symnn/" in frame.filename:
            where = f"{frame.filename.rsplit('/symnn/', 1)[1]}:{frame.lineno}"
    return where


def handled(entry: str, call, *args, **kwargs):
    """Run one input through an entry point; return its result, or the SymnnError it raised."""
    TRIED[entry] += 1
    try:
        with time_limit(EXAMPLE_SECONDS, f"fuzzing {entry}"):
            result = call(*args, **kwargs)
    except SymnnError as exc:
        OUTCOMES[entry, type(exc).__name__] += 1
        one_line(str(exc), entry, args)
        return exc
    except Exception as exc:  # noqa: BLE001 - the fuzzers' purpose: any other exception is a bug to report
        if not COLLECT:
            raise
        problem(entry, type(exc).__name__, _symnn_frame(exc), args)
    OUTCOMES[entry, "ok"] += 1
    return result


def verdict_is_sound(verdict, entry: str, sample=None) -> None:
    """A grader's answer: one of the documented verdicts, a one-line message, no internal error."""
    if verdict.verdict not in ("correct", "wrong", "undecided", "unusable"):
        problem(entry, "an unknown verdict", verdict.verdict, sample)
    one_line(verdict.message, entry, sample)
    if "internal error" in verdict.message:
        problem(entry, "the worker boundary caught a bug", verdict.message[:120], sample)
    OUTCOMES[entry, verdict.verdict] += 1


# --- raw input ---
RAW_TEXT = st.text(max_size=300)
RAW_BYTES = st.binary(max_size=300)
NASTY = ["{", "}", "^", "_", "\\", "\\frac", "&", "\\\\", "$", "$$", "=", "\\to", "\\begin{bmatrix}", "\\end{bmatrix}",
         "\\quad", "(", ")", "[", "]", "'", "\\prime", "\\left(", "\\right)", "\\sum_{i=1}^{m}", "^T", "^{[2]}", "_{11}",
         "np.", ".T", "@", "**", ",", "axis=1", "keepdims=True", ">", "0", "1e308", "-", "/", "*", " ", "\n", "\t", "é",
         "∂", "σ", "\u200b", "\\partial", "\\mathbf{", "\\hat{y}", "\\sigma'", "\\circ", "\\cdot", "9^{9^{9}}", "#", "%"]


@st.composite
def mutated(draw, base: st.SearchStrategy):
    """A claim from a grammar, then a few edits: delete a span, insert a token, swap a span (the typos
    of someone writing LaTeX by hand, and worse)."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 6)):]
        elif kind == "insert":
            text = text[:at] + draw(st.sampled_from(NASTY) | st.text(max_size=3)) + text[at:]
        else:
            end = min(len(text), at + draw(st.integers(1, 12)))
            text = text[:end] + text[at:end] + text[end:]
    return text


# --- course LaTeX (seeds 000, 002, 003) ---
LAYER = st.sampled_from(["1", "2", "3"])
UNIT = st.sampled_from(["1", "2", "3"])


@st.composite
def latex_scalar(draw):
    l, j, k = draw(LAYER), draw(UNIT), draw(UNIT)
    return draw(st.sampled_from([
        f"w^{{[{l}]}}_{{{j}{k}}}", f"w_{{{j}{k}}}^{{[{l}]}}", f"w^{{[{l}]}}_{{{j},{k}}}", f"w_{{{j}{k}}}", f"w_{j}",
        f"b^{{[{l}]}}_{j}", f"a^{{[{l}]}}_{j}", f"a_{j}^{{[{l}]}}", f"z^{{[{l}]}}_{j}", f"x_{j}", f"x_{{{j}}}", "y",
        "\\hat{y}", f"a_{j}", f"\\delta^{{[{l}]}}_{j}", f"a^{{[{l}](i)}}_{j}", f"x^{{(i)}}_{j}", f"y^{{(i)}}", "m", "\\alpha",
        f"\\frac{{\\partial L}}{{\\partial z^{{[{l}]}}_{j}}}", f"\\frac{{\\partial L}}{{\\partial a^{{[{l}]}}_{j}}}",
    ]))


@st.composite
def latex_matrix(draw):
    l = draw(LAYER)
    return draw(st.sampled_from([
        f"W^{{[{l}]}}", f"b^{{[{l}]}}", f"A^{{[{l}]}}", f"Z^{{[{l}]}}", "X", "Y", f"\\mathbf{{a}}^{{[{l}]}}",
        f"\\mathbf{{z}}^{{[{l}]}}", "\\mathbf{x}", "\\mathbf{1}", f"(W^{{[{l}]}})^T", f"W^{{[{l}]T}}", f"\\delta^{{[{l}]}}",
        f"(A^{{[{l}]}})^T", "X^T", f"\\frac{{\\partial L}}{{\\partial \\mathbf{{z}}^{{[{l}]}}}}", f"dZ^{{[{l}]}}",
    ]))


LATEX_NUMBER = st.sampled_from(["0", "1", "2", "0.5", "\\frac{1}{m}", "\\frac{1}{2}", "-1", "10^{10}"])
LATEX_FUNCTION = st.sampled_from(["\\sigma", "\\sigma'", "g'", "g^{[1]\\prime}", "\\tanh", "\\operatorname{ReLU}", "\\log",
                                  "\\exp", "\\ln", "\\sqrt"])


def _latex_compound(inner):
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda p: f"{p[0]} + {p[1]}"), pair.map(lambda p: f"{p[0]} - {p[1]}"),
        pair.map(lambda p: f"{p[0]} {p[1]}"), pair.map(lambda p: f"{p[0]} \\cdot {p[1]}"),
        pair.map(lambda p: f"{p[0]} \\circ {p[1]}"), pair.map(lambda p: f"{p[0]}.{p[1]}"),
        pair.map(lambda p: f"\\frac{{{p[0]}}}{{{p[1]}}}"), inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"\\left({e}\\right)"), inner.map(lambda e: f"{e}^{{2}}"), inner.map(lambda e: f"({e})^T"),
        inner.map(lambda e: f"(1 - {e})"), inner.map(lambda e: f"\\sum_{{i=1}}^{{m}} {e}"),
        inner.map(lambda e: f"\\sum_k {e}"), st.tuples(LATEX_FUNCTION, inner).map(lambda p: f"{p[0]}({p[1]})"),
        st.lists(inner, min_size=1, max_size=3).map(lambda r: "\\begin{bmatrix} " + " \\\\ ".join(r) + " \\end{bmatrix}"),
        st.lists(inner, min_size=2, max_size=3).map(lambda r: "[" + " \\quad ".join(r) + "]"),
    )


LATEX_EXPRESSION = st.recursive(latex_scalar() | latex_matrix() | LATEX_NUMBER, _latex_compound, max_leaves=8)


@st.composite
def latex_lhs(draw):
    l, j, k = draw(LAYER), draw(UNIT), draw(UNIT)
    loss = draw(st.sampled_from(["L", "\\mathcal{L}", "J", "\\mathcal{L} "]))
    wrt = draw(latex_scalar() | latex_matrix() | st.sampled_from([f"W^{{[{l}]}}", f"\\mathbf{{b}}^{{[{l}]}}"]))
    return draw(st.sampled_from([
        f"\\frac{{\\partial {loss}}}{{\\partial {wrt}}}", f"\\frac{{\\partial {loss} }}{{ \\partial w_{{{j},{k}}}^{{[{l}]}}}}",
        f"\\delta^{{[{l}]}}_{j}", f"\\delta^{{[{l}]}}", f"z^{{[{l}]}}", f"a^{{[{l}]}}_{j}", f"z^{{[{l}]}}_{j}", f"dW^{{[{l}]}}",
        f"w_{{{j}{k}}}^{{[{l}]}} \\to w_{{{j}{k}}}^{{[{l}]}} - \\alpha", f"w_{{{j}{k}}} \\to w_{{{j}{k}}} - \\alpha",
    ]))


@st.composite
def latex_claim(draw):
    lhs = draw(latex_lhs())
    sides = draw(st.lists(LATEX_EXPRESSION, min_size=1, max_size=3))
    if "\\to" in lhs:
        return f"{lhs} ({sides[0]})"
    return " = ".join([lhs] + sides)


# --- NumPy style (seeds 000, 003) ---
NUMPY_ATOM = st.sampled_from(["X", "Y", "W1", "W2", "W3", "b1", "b2", "A1", "A2", "A0", "Z1", "Z2", "dZ1", "dZ2", "dA1",
                              "m", "1", "2", "0.5", "X.T", "W2.T", "A1.T", "w1_1_1", "a1_2", "z2_1", "x1", "y", "W1[0, 0]",
                              "W2[0, 1]", "delta2_1", "e", "pi", "1e308", "0"])


def _numpy_compound(inner):
    pair = st.tuples(inner, inner)
    return st.one_of(
        *[pair.map(lambda p, op=op: f"{p[0]} {op} {p[1]}") for op in ("@", "*", "/", "+", "-")],
        inner.map(lambda e: f"({e}) ** 2"), inner.map(lambda e: f"-{e}"), inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"({e}).T"), pair.map(lambda p: f"np.dot({p[0]}, {p[1]})"),
        pair.map(lambda p: f"np.multiply({p[0]}, {p[1]})"),
        st.tuples(inner, st.sampled_from(["", ", axis=1, keepdims=True", ", axis=0, keepdims=True", ", axis=1"]))
          .map(lambda p: f"np.sum({p[0]}{p[1]})"),
        inner.map(lambda e: f"np.power({e}, 2)"), inner.map(lambda e: f"({e} > 0)"),
        inner.map(lambda e: f"np.where({e} > 0, 1, 0)"),
        st.tuples(st.sampled_from(["sigmoid", "np.exp", "np.log", "np.tanh", "relu", "sigmoid_derivative", "np.sqrt"]),
                  inner).map(lambda p: f"{p[0]}({p[1]})"),
        inner.map(lambda e: f"1 - np.tanh({e})**2"), inner.map(lambda e: f"{e}.sum(axis=1, keepdims=True)"),
    )


NUMPY_EXPRESSION = st.recursive(NUMPY_ATOM, _numpy_compound, max_leaves=8)
NUMPY_LHS = st.sampled_from(["dW1", "dW2", "db1", "db2", "dZ1", "dZ2", "dA1", "dW1[0, 0]", "db2[0, 0]", "dL/dw1_1_1",
                             "dL/db2_1", "delta1_1", "Z1", "A1", "Z2", "AL", "dw1_2_1", "dz1"])


@st.composite
def numpy_claim(draw):
    return " = ".join([draw(NUMPY_LHS)] + draw(st.lists(NUMPY_EXPRESSION, min_size=1, max_size=2)))


# --- plain formulas (safe_expr: custom activations, functions for hessian/newton/check --function) ---
FORMULA_NUMBER = st.sampled_from(["0", "1", "2", "0.5", "0.8", "-1", "10", "1e-300", "1e308", "3.14159", "4"])


def _formula_compound(inner):
    pair = st.tuples(inner, inner)
    unary = ["exp", "log", "ln", "sqrt", "abs", "sin", "cos", "tan", "sinh", "cosh", "tanh", "atan", "asinh", "erf",
             "sigmoid", "np.exp", "math.log"]
    return st.one_of(
        *[pair.map(lambda p, op=op: f"{p[0]} {op} {p[1]}") for op in ("+", "-", "*", "/", "^", "**")],
        inner.map(lambda e: f"({e})"), inner.map(lambda e: f"-{e}"),
        st.tuples(st.sampled_from(unary), inner).map(lambda p: f"{p[0]}({p[1]})"),
        st.tuples(st.sampled_from(["max", "min", "log"]), pair).map(lambda p: f"{p[0]}({p[1][0]}, {p[1][1]})"),
        st.tuples(inner, st.sampled_from(["2", "3", "4", "0.5", "-1", "-3"])).map(lambda p: f"({p[0]})^{p[1]}"),
    )


def formula(variables=("x", "y")):
    atoms = st.sampled_from(list(variables) + ["pi", "e"]) | FORMULA_NUMBER
    return st.recursive(atoms, _formula_compound, max_leaves=7)


# --- function claims (seed 000's exercises) ---
@st.composite
def function_claim(draw, variables=("x", "y")):
    v = st.sampled_from(list(variables))
    a, b = draw(v), draw(v)
    lhs = draw(st.sampled_from([
        f"df/d{a}", f"f_{a}", f"f_{a}{b}", f"d2f/d{a}2", f"d2f/d{a}d{b}", f"d^2f/d{a}^2", f"\\frac{{\\partial f}}{{\\partial {a}}}",
        f"\\frac{{\\partial^2 f}}{{\\partial {a} \\partial {b}}}", f"f'({a})", f"f''({a})", "grad f", "\\nabla f", "H", "Hf",
    ]))
    entry = formula(variables)
    rhs = draw(st.one_of(
        entry,
        st.lists(entry, min_size=1, max_size=3).map(lambda r: "[" + ", ".join(r) + "]"),
        st.lists(st.lists(entry, min_size=2, max_size=2), min_size=2, max_size=2)
          .map(lambda rows: "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"),
        st.lists(entry, min_size=2, max_size=2).map(lambda r: "\\begin{bmatrix} " + " \\\\ ".join(r) + " \\end{bmatrix}"),
        st.sampled_from([f"2{a}", f"2 {a}", f"\\frac{{1}}{{{a}}}", f"e^{{{a}}}", f"\\sin({a})", f"{a}^{{2}}"]),
    ))
    return f"{lhs} = {rhs}"


# --- network specs ---
SIZES = st.one_of(
    st.lists(st.integers(0, 6), min_size=1, max_size=5).map(lambda s: "-".join(map(str, s))),
    st.sampled_from(["2-2-1", "2-3-1", "4-5-3", "2-1", "2--1", "-2-1", "2-1-", "1e3-1", "٣-٢-١", "2 - 3 - 1", "0x2-1", "2_3_1"]),
)
ACTIVATION = st.one_of(
    st.sampled_from(["sigmoid", "tanh", "relu", "linear", "softmax", "leaky_relu", "leaky_relu(0.1)", "leaky_relu(-1)",
                     "leaky_relu(nan)", "leaky_relu(1e400)", "tanh,sigmoid", "relu,softmax", "sigmoid,sigmoid,sigmoid",
                     "log(1 + exp(z))", "z/(1 + abs(z))", "z^2", "max(z, 0)", "x + z", "", ",", "sigmoid,,tanh"]),
    formula(("z",)),
)
LOSS = st.sampled_from(["bce", "half_se", "cce", "mse", "se", "", "BCE", "nope"])
LAYOUT = st.sampled_from(["column", "row", "diagonal", ""])
REDUCTION = st.sampled_from(["mean", "sum", "max", ""])
