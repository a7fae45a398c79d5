"""The two regularisers of the Deep Learning Specialization (course 2, week 1), as rules.

- **L2** (weight decay): the cost gains lambda/2 sum_l ||W^{[l]}||_F^2 times the cost's reduction
  factor, so with the mean J = 1/m sum_i L^{(i)} + lambda/(2m) sum_l ||W^{[l]}||_F^2 (the course's
  `compute_cost_with_regularization`), and with the sum J = sum_i L^{(i)} + lambda/2 sum_l ||W^{[l]}||_F^2:
  the sum is then exactly m times the mean, so lambda means the same in both and both have the same
  minimiser. Biases are not regularised. CS231n writes the penalty `reg * sum(W*W)` with gradient
  `2 * reg * W` next to a mean data loss: the same cost with lambda = 2 m reg.
- **Inverted dropout** on every hidden layer (never the input or the output): a fixed 0/1 mask
  d^{[l]}_j per unit and example, kept with probability p = keep_prob, and the kept activations
  scaled by 1/p so their expected value is unchanged. One keep_prob serves every hidden layer, as the
  course's `keep_prob` argument does.

The penalty's derivative is SymPy's `diff`, never typed in.
"""
from __future__ import annotations

import sympy as sp

LAMBDA = sp.Symbol("lambd")  # the course's spelling: `lambda` is a Python keyword
KEEP_PROB = sp.Symbol("keep_prob")
LAMBDA_LATEX, KEEP_PROB_LATEX = r"\lambda", "p"
_WEIGHT = sp.Symbol("w")


def l2_penalty_term(weight: sp.Expr, factor: sp.Expr) -> sp.Expr:
    """One weight's share of the penalty: factor * lambda/2 * w^2 (factor 1/m for the mean, 1 for the sum)."""
    return factor * LAMBDA / 2 * weight**2


def l2_penalty_gradient(weight: sp.Expr, factor: sp.Expr) -> sp.Expr:
    """d(penalty)/dw for one weight, by SymPy: the other weights' terms do not depend on it."""
    return sp.diff(l2_penalty_term(_WEIGHT, factor), _WEIGHT).xreplace({_WEIGHT: weight})


def mask(layer: int, unit: int) -> sp.Symbol:
    """d^{[l]}_j, the dropout mask entry of one hidden unit (one example): 1 kept, 0 dropped."""
    return sp.Symbol(f"d{layer}_{unit}")


def keep_factor(layer: int, unit: int) -> sp.Expr:
    """What dropout multiplies a hidden unit's activation by: d^{[l]}_j / p."""
    return mask(layer, unit) / KEEP_PROB


def cs231n_lambda(reg: float, m: int) -> float:
    """The course's lambda that gives CS231n's penalty reg * sum(W*W) under a mean over m examples."""
    return 2 * m * reg
