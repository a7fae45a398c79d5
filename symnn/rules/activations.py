"""One entry per activation: its SymPy forward expression in z and its names in LaTeX and NumPy.

Derivatives are never typed in: `Activation.derivative` is SymPy's `diff`, and
`Activation.derivative_in_output` is SymPy's own re-expression of it through a = g(z) when one exists
(sigmoid' = a(1 - a), tanh' = 1 - a^2), found and proved by `output_form`.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from ..errors import LimitExceeded, ParseError, SpecError
from ..safe_expr import CONSTANTS, read_formula
from .domain import activation_domain
from .output_form import express_through_output, tidy

z = sp.Symbol("z", real=True)  # real: |z| differentiates to sign(z), not re/im parts
a = sp.Symbol("a")


@dataclass(frozen=True)
class Activation:
    """An element-wise activation a = g(z)."""

    name: str
    latex_name: str  # printed as \latex_name(z)
    forward: sp.Expr  # in the symbol `z`
    note: str = ""  # what is pinned and why (relu'(0), ...)
    custom: bool = False
    elementwise: bool = field(default=True, init=False)

    @cached_property
    def derivative(self) -> sp.Expr:
        """g'(z), derived by SymPy for real z (so |z|' is sign(z), not an expression in re and im)."""
        real = sp.Dummy("z", real=True)
        derivative = sp.diff(self.forward.xreplace({z: real}), real)
        return (pin_kinks(derivative, real) if self.custom else derivative).xreplace({real: z})

    @cached_property
    def derivative_in_output(self) -> sp.Expr | None:
        """g'(z) written through a = g(z) only, or None when SymPy finds no such form."""
        return express_through_output(self.forward, self.derivative, z, a)

    def apply(self, argument: sp.Expr) -> sp.Expr:
        return self.forward.xreplace({z: argument})

    def derivative_at(self, output: sp.Expr, preactivation: sp.Expr) -> sp.Expr:
        """g' at one unit, through its output symbol where possible, else through its z symbol."""
        if self.derivative_in_output is not None:
            return self.derivative_in_output.xreplace({a: output})
        return self.derivative.xreplace({z: preactivation})

    @property
    def spec_text(self) -> str:
        """How this activation is written in a spec (round-trips through `activation_from_text`)."""
        return self.name


@dataclass(frozen=True)
class Softmax:
    """a_j = exp(z_j) / sum_k exp(z_k): a vector function, allowed on the output layer only."""

    name: str = "softmax"
    latex_name: str = r"\operatorname{softmax}"
    note: str = "softmax is shifted by max(z) in code; the shift cancels in the maths"
    custom: bool = False
    elementwise: bool = field(default=False, init=False)

    @staticmethod
    def forward_vector(zs: list[sp.Expr]) -> list[sp.Expr]:
        total = sum(sp.exp(zk) for zk in zs)
        return [sp.exp(zj) / total for zj in zs]

    @staticmethod
    def jacobian_in_output(outputs, zs) -> sp.ImmutableMatrix:
        """da_k/dz_j through the outputs a_k, derived by SymPy from the forward expression."""
        return _softmax_jacobian(tuple(outputs), tuple(zs))

    @property
    def spec_text(self) -> str:
        return self.name


@functools.lru_cache(maxsize=32)  # derived once per output layer, asked for by fused gradients and factors
def _softmax_jacobian(outputs: tuple, zs: tuple) -> sp.ImmutableMatrix:
    total = sp.Symbol("S", positive=True)
    sum_exp = sum(sp.exp(zk) for zk in zs)
    rows = []
    for k in range(len(zs)):
        true_forward = sp.exp(zs[k]) / sum_exp
        row = []
        for j in range(len(zs)):
            d = sp.diff(true_forward, zs[j]).xreplace({sum_exp: total})
            d = d.subs({sp.exp(zi): outputs[i] * total for i, zi in enumerate(zs)})
            row.append(tidy(sp.cancel(d), outputs[k]))
        rows.append(row)
    return sp.ImmutableMatrix(rows)


def _relu() -> Activation:
    return Activation(
        "relu",
        r"\operatorname{ReLU}",
        sp.Piecewise((z, z > 0), (0, True)),
        note="relu'(0) is taken as 0 (the derivative does not exist at 0; this is the usual choice)",
    )


def _leaky_relu(slope: sp.Rational, written: str | None) -> Activation:
    return Activation(
        f"leaky_relu({written})" if written else "leaky_relu",
        r"\operatorname{LeakyReLU}",
        sp.Piecewise((z, z > 0), (slope * z, True)),
        note=f"leaky_relu'(0) is taken as the slope {slope}",
    )


BUILTIN = {
    "sigmoid": lambda: Activation("sigmoid", r"\sigma", 1 / (1 + sp.exp(-z))),
    "tanh": lambda: Activation("tanh", r"\tanh", sp.tanh(z)),
    "relu": _relu,
    "linear": lambda: Activation("linear", r"\operatorname{id}", z),
    "softmax": Softmax,
}
ALIASES = {"identity": "linear", "none": "linear", "logistic": "sigmoid", "lrelu": "leaky_relu"}
_LEAKY = re.compile(r"^leaky_relu(?:[:(]\s*([0-9]*\.?[0-9]+(?:[eE]-?[0-9]+)?)\s*\)?)?$")
KNOWN = "sigmoid, tanh, relu, leaky_relu(slope), linear, softmax"


def activation_from_text(text: str) -> Activation | Softmax:
    """A built-in by name, leaky_relu with an optional slope, or an expression in z (parsed safely)."""
    name = text.strip()
    key = ALIASES.get(name.lower(), name.lower())
    if key in BUILTIN:
        return BUILTIN[key]()
    leaky = _LEAKY.match(key)
    if leaky:
        slope = sp.Rational(leaky.group(1)) if leaky.group(1) else sp.Rational(1, 100)
        if not 0 < slope < 1:
            raise SpecError(f"leaky_relu slope must be between 0 and 1, got {slope}")
        return _leaky_relu(slope, leaky.group(1))
    if key.startswith("leaky_relu"):  # leaky_relu(-1), leaky_relu(x): a slope that is not a number in (0, 1)
        raise SpecError(f"leaky_relu takes a slope between 0 and 1, like leaky_relu(0.01); got {name!r}")
    if name == "z":  # the identity, typed as an expression in z
        return BUILTIN["linear"]()
    if re.fullmatch(r"[A-Za-z_]\w*", name):
        close = difflib.get_close_matches(key, list(BUILTIN) + ["leaky_relu"], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise SpecError(f"unknown activation {name!r}{hint}; known: {KNOWN}, or an expression in z such as log(1 + exp(z))")
    return custom_activation(name)


def custom_activation(text: str) -> Activation:
    """An activation typed as an expression in z, such as log(1 + exp(z))."""
    free = {}

    class AnyName(dict):  # collect unknown names so the message can name them all
        def __contains__(self, key):  # every name but the constants (pi, e), as SymPy prints them back
            return key not in CONSTANTS

        def __getitem__(self, key):
            return free.setdefault(key, sp.Symbol(key))

    try:
        expression = read_formula(text, AnyName())
    except ParseError as exc:
        raise SpecError(f"activation {text!r}: {exc}") from None
    others = sorted(name for name in free if name != "z")
    if others:
        raise SpecError(f"activation {text!r} must be a function of z alone; it also uses {', '.join(others)}")
    if "z" not in free:
        raise SpecError(f"activation {text!r} does not depend on z")
    expression = expression.xreplace({free["z"]: z})
    try:
        derivative = sp.diff(expression.xreplace({z: _REAL}), _REAL)
    except (LimitExceeded, ValueError, TypeError) as exc:
        raise SpecError(f"activation {text!r} cannot be differentiated: {exc}") from None
    note = KINK_NOTE if derivative.has(sp.Heaviside, sp.sign) else ""
    activation = Activation(canonical_text(expression), r"g", expression, note=note, custom=True)
    domain = activation_domain(activation)
    if not domain.everywhere and not domain.points:
        raise SpecError(f"activation {text!r} is not a real number with a finite derivative for any z from "
                        f"-1000 to 1000; a network cannot use it")
    return activation


_REAL = sp.Dummy("z", real=True)
KINK_NOTE = ("at a kink (where max or min switch) the derivative is taken from the left, as for the built-ins "
             "(relu'(0) = 0, leaky_relu'(0) = the slope); |z|' = sign(z) is 0 at 0")


def pin_kinks(derivative: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """Heaviside(u) of a max/min's derivative, which SymPy leaves 1/2 at u = 0, pinned to the value from
    the left of the kink (u linear in the variable): 0 where u rises with it, 1 where u falls."""
    def pinned(step):
        if len(step.args) > 1 and step.args[1] != sp.S.Half:  # already pinned
            return step
        slope = sp.diff(step.args[0], variable)
        if not slope.is_number or slope == 0:
            return step
        return sp.Heaviside(step.args[0], 0 if slope > 0 else 1)

    return derivative.replace(lambda e: isinstance(e, sp.Heaviside), pinned)


def canonical_text(expression: sp.Expr) -> str:
    """A custom activation's name: SymPy's own printing of the parsed expression, never the typed
    text (which reaches docstrings, sheets and command lines). It reads back to the same expression;
    a bare `z` is written `(z)` so that it is not taken for the name of a built-in."""
    text = sp.sstr(expression)
    return f"({text})" if text.isidentifier() else text
