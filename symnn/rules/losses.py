"""One entry per loss: L = sum over output units of a per-unit term in (a, y)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from ..errors import SpecError

a = sp.Symbol("a")
y = sp.Symbol("y")


@dataclass(frozen=True)
class Loss:
    name: str
    title: str  # how the seeds call it
    per_unit: sp.Expr  # in the symbols `a` (prediction) and `y` (target)
    needs_unit_interval: bool  # predictions must lie in (0, 1)
    needs_one_hot: bool = False  # targets sum to 1 over the output units

    @cached_property
    def derivative(self) -> sp.Expr:
        """dL/da for one unit, derived by SymPy."""
        return sp.diff(self.per_unit, a)

    def total(self, outputs, targets) -> sp.Expr:
        return sum(self.per_unit.xreplace({a: ai, y: yi}) for ai, yi in zip(outputs, targets))


LOSSES = {
    "bce": Loss("bce", "binary log loss", -(y * sp.log(a) + (1 - y) * sp.log(1 - a)), True),
    "half_se": Loss("half_se", "half squared error", (a - y) ** 2 / 2, False),
    # the mean squared error of the courses and of Keras/PyTorch: (a - y)^2, averaged over the m
    # examples by the mean reduction; its gradient 2(a - y) is twice half_se's
    "mse": Loss("mse", "mean squared error", (a - y) ** 2, False),
    "cce": Loss("cce", "categorical cross-entropy", -y * sp.log(a), True, needs_one_hot=True),
}
ALIASES = {
    "log": "bce", "logloss": "bce", "log_loss": "bce", "binary_cross_entropy": "bce", "bce": "bce",
    "half_squared_error": "half_se", "half_se": "half_se", "mse": "mse", "mean_squared_error": "mse",
    "cross_entropy": "cce", "ce": "cce", "categorical_cross_entropy": "cce", "cce": "cce",
}


# names that mean (a - y)^2 to some readers and (a - y)^2 / 2 to others: refused, never guessed
AMBIGUOUS = ("se", "squared_error", "sse")
KNOWN = "bce (binary log loss), half_se (half squared error (a - y)^2/2), mse (mean squared error (a - y)^2), cce (categorical cross-entropy)"


def loss_from_text(text: str) -> Loss:
    key = text.strip().lower().replace("-", "_")
    if key in AMBIGUOUS:
        raise SpecError(f"loss {text!r} is ambiguous: use half_se for (a - y)^2/2 (gradient a - y) "
                        "or mse for (a - y)^2 (gradient 2(a - y))")
    if key in ALIASES:
        return LOSSES[ALIASES[key]]
    close = difflib.get_close_matches(key, list(ALIASES), n=1)
    hint = f" (did you mean {ALIASES[close[0]]}?)" if close else ""
    raise SpecError(f"unknown loss {text!r}{hint}; known: {KNOWN}")
