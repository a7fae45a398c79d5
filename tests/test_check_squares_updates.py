r"""Two readings the checker lacked (issue 13's session note: "still unread"): the square of an
activation written inside its layer superscript, A^{[1]2} (tanh' = 1 - A^{[1]2}), and matrix update
rules, W^{[1]} := W^{[1]} - \alpha dW^{[1]} and the course code's W1 = W1 - learning_rate * dW1, graded
against the gradient-descent update (the gradient is what multiplies the learning rate).

Every verdict is established by tests/corpus/numeric.py (central differences of the loss), not by the
checker. Sources:
- seed 004 (/work/shared/seeds/004_41431e00af0641db.txt): "g(z)' = 1 - np.tanh(z)^2 = 1 - g(z)^2";
- seed 003 (/work/shared/seeds/003_7d94e6c2558fda31.txt), "Gradient descent for neural networks" and
  "Formulas for computing derivatives": dz[1] is an element-wise product, then the parameters are updated;
- seed 000 (/work/shared/seeds/000_3a335fe5596098c4.txt), eq. (9): W^{[1]} = W^{[1]} - \alpha
  \frac{\partial \mathcal{L}}{\partial W^{[1]}}, and its update_parameters(parameters, grads, learning_rate=1.2);
- public notes in the code index: a post in mtoto/mtoto.github.io ("dZ^{[1]} = W^{[2]T}dZ^{[2]} *
  (1-A^{[1]2})", and `W1 <- W1 - learning_rate * dW1`), course notes writing "dz^{[1]} =
  W^{[2]\mathrm{T}}dz^{[2]}*(1-a^{[1]2})" (file id 18098593033), and "dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot
  (1 - A^{[1]2})" with "W := W - \alpha dW" (file id 48992523406).
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from corpus.numeric import Net, context, verdict_of

import symnn
from symnn.check.compare import Checker

PLANAR = Net((2, 4, 1), ("tanh", "sigmoid"), "bce")  # seed 003 / Ng C1W3: tanh hidden layer
DEEP = Net((3, 4, 4, 2), ("tanh", "tanh", "sigmoid"), "bce")

SEED000, SEED003, SEED004 = "seed 000 eq. (9) and update_parameters", "seed 003", "seed 004"
MTOTO, NOTES, NOTES2 = "mtoto/mtoto.github.io", "code index file 18098593033", "code index file 48992523406"

NAMED = {"sign": "sign flip", "layer": "wrong layer", "1/m": "1/m", "transpose": "transpose",
         "wrong_activation": "wrong activation", "unit": "wrong unit"}


def tanh_dz1(c, layer=1, square=lambda a: a ** 2):
    return (c.W[layer + 1].T @ c.dZ[layer + 1]) * (1 - square(c.A[layer]))


# (source, net, what is graded ("dZ", layer) / ("dW", layer) / entries, text, formula of c, mistake)
SQUARES = [
    (MTOTO, PLANAR, ("dZ", 1), r"dZ^{[1]} = W^{[2]T}dZ^{[2]} * (1-A^{[1]2})", tanh_dz1, None),
    (NOTES, PLANAR, ("dZ", 1), r"dz^{[1]} = W^{[2]\mathrm{T}}dz^{[2]}*(1-a^{[1]2})", tanh_dz1, None),
    (NOTES2, PLANAR, ("dZ", 1), r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot (1 - A^{[1]2})", tanh_dz1, None),
    (SEED004, PLANAR, ("dZ", 1), r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * (1 - A^{[1]^2})", tanh_dz1, None),
    (SEED004, PLANAR, ("dZ", 1), r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = W^{[2]T} \frac{\partial L}{\partial z^{[2]}} "
     r"\circ (1 - \mathbf{a}^{[1]2})", tanh_dz1, None),
    (SEED004, PLANAR, ("dZ", 1, (2, 1)), r"\frac{\partial L}{\partial z^{[1]}_2} = w^{[2]}_{12} (a^{[2]} - y)(1 - a_2^{[1]2})",
     lambda c: c.W[2][0, 1] * (c.A[2][0, 0] - c.Y[0, 0]) * (1 - c.A[1][1, 0] ** 2), None),
    (SEED004, PLANAR, ("dZ", 1, (2, 1)), r"\frac{\partial L}{\partial z^{[1]}_2} = w^{[2]}_{12} (a^{[2]} - y)(1 - a^{[1]2}_2)",
     lambda c: c.W[2][0, 1] * (c.A[2][0, 0] - c.Y[0, 0]) * (1 - c.A[1][1, 0] ** 2), None),
    (SEED004, DEEP, ("dZ", 2), r"dZ^{[2]} = W^{[3]T} dZ^{[3]} * (1 - A^{[2]2})", lambda c: tanh_dz1(c, 2), None),
    # wrong
    (MTOTO, PLANAR, ("dZ", 1), r"dZ^{[1]} = W^{[2]T}dZ^{[2]} * (1+A^{[1]2})", lambda c: tanh_dz1(c, square=lambda a: -a ** 2), "sign_in_term"),
    (SEED004, DEEP, ("dZ", 2), r"dZ^{[2]} = W^{[3]T} dZ^{[3]} * (1 - A^{[1]2})",
     lambda c: (c.W[3].T @ c.dZ[3]) * (1 - c.A[1] ** 2), "layer"),
    (SEED004, PLANAR, ("dZ", 1, (2, 1)), r"\frac{\partial L}{\partial z^{[1]}_2} = w^{[2]}_{12} (a^{[2]} - y)(1 - a_1^{[1]2})",
     lambda c: c.W[2][0, 1] * (c.A[2][0, 0] - c.Y[0, 0]) * (1 - c.A[1][0, 0] ** 2), "unit"),
]

UPDATES = [
    (SEED003, PLANAR, ("dW", 1), r"W^{[1]} := W^{[1]} - \alpha dW^{[1]}", lambda c: c.dW[1], None),
    (SEED003, PLANAR, ("db", 2), r"b^{[2]} := b^{[2]} - \alpha db^{[2]}", lambda c: c.db[2], None),
    (SEED000, PLANAR, ("dW", 2), r"W^{[2]} = W^{[2]} - \alpha \frac{\partial \mathcal{L}}{\partial W^{[2]}}", lambda c: c.dW[2], None),
    (SEED000, PLANAR, ("dW", 1), "W1 = W1 - learning_rate * dW1", lambda c: c.dW[1], None),
    (SEED000, PLANAR, ("db", 1), "b1 = b1 - learning_rate * db1", lambda c: c.db[1], None),
    (SEED000, PLANAR, ("dW", 1), "W1 -= learning_rate * dW1", lambda c: c.dW[1], None),
    (MTOTO, PLANAR, ("dW", 1), "W1 = W1 - alpha*dW1", lambda c: c.dW[1], None),
    (SEED003, PLANAR, ("dW", 1), r"W^{[1]} := W^{[1]} - \alpha \frac{1}{m} dZ^{[1]} X^T", lambda c: c.dZ[1] @ c.X.T / c.m, None),
    (SEED003, PLANAR, ("db", 1), r"b^{[1]} := b^{[1]} - \frac{\alpha}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)",
     lambda c: c.dZ[1].sum(axis=1, keepdims=True) / c.m, None),
    (SEED000, PLANAR, ("dW", 1), "W1 = W1 - learning_rate * (1 / m) * np.dot(dZ1, X.T)", lambda c: c.dZ[1] @ c.X.T / c.m, None),
    (SEED000, DEEP, ("dW", 3), "W3 = W3 - learning_rate * dW3", lambda c: c.dW[3], None),
    # wrong
    (SEED003, PLANAR, ("dW", 1), r"W^{[1]} := W^{[1]} + \alpha dW^{[1]}", lambda c: -c.dW[1], "sign"),
    (SEED000, PLANAR, ("dW", 1), "W1 = W1 + learning_rate * dW1", lambda c: -c.dW[1], "sign"),
    (SEED003, PLANAR, ("dW", 1), r"W^{[1]} := W^{[1]} - \alpha dZ^{[1]} X^T", lambda c: c.dZ[1] @ c.X.T, "1/m"),
    (SEED000, PLANAR, ("dW", 1), "W1 = W1 - learning_rate * np.dot(dZ1, X.T)", lambda c: c.dZ[1] @ c.X.T, "1/m"),
    (SEED000, DEEP, ("dW", 2), "W2 = W2 - learning_rate * dW3.T", lambda c: c.dW[3].T, "layer"),
]


@lru_cache(maxsize=None)
def checker(net: Net) -> Checker:
    return Checker(symnn.api.network(net.spec, **net.options))


def truth(net, target, formula) -> str:
    if len(target) == 3:  # one entry, one example
        c = context(net, 1)
        row, column = target[2]
        return verdict_of(formula(c), getattr(c, target[0])[target[1]][row - 1, column - 1])
    c = context(net, 4)
    return verdict_of(formula(c), getattr(c, target[0])[target[1]])


@pytest.mark.parametrize("source, net, target, text, formula, mistake", SQUARES + UPDATES,
                         ids=[e[3][:60] for e in SQUARES + UPDATES])
def test_verdict_matches_central_differences(source, net, target, text, formula, mistake):
    expected = truth(net, target, formula)
    assert expected == ("wrong" if mistake else "correct"), "the claim's own label disagrees with the numbers"
    verdict = checker(net).grade(text)
    assert verdict.verdict == expected, (verdict.message, verdict.diagnosis)
    if mistake in NAMED:
        assert verdict.diagnosis and NAMED[mistake] in verdict.diagnosis, verdict.diagnosis


@pytest.mark.parametrize("text", [e[3] for e in SQUARES])
def test_the_square_reading_is_said(text):
    verdict = checker(PLANAR if "A^{[2]" not in text and "[3]" not in text else DEEP).grade(text)
    assert any("element-wise square" in note for note in verdict.notes), verdict.notes


@pytest.mark.parametrize("text", [e[3] for e in UPDATES])
def test_an_update_rule_says_how_it_was_read(text):
    verdict = checker(PLANAR if "3" not in text else DEEP).grade(text)
    assert any("update rule" in note for note in verdict.notes) or verdict.verdict == "wrong" and "shape" in verdict.message


def test_an_update_without_a_learning_rate_is_never_accepted():
    """NumPy style: no learning rate, no update rule to read; LaTeX: read as a definition, W = W - dW, false."""
    numpy_style = checker(PLANAR).grade("W1 = W1 - dW1")
    assert numpy_style.verdict == "unusable" and "learning rate" in numpy_style.message
    assert checker(PLANAR).grade(r"W^{[1]} := W^{[1]} - dW^{[1]}").verdict == "wrong"


@pytest.mark.parametrize("text", [
    "W1 = W1 - learning_rate * dW2",  # (4, 2) against (1, 4)
    r"W^{[2]} := W^{[2]} - \alpha dW^{[2]T}",
])
def test_an_update_of_the_wrong_shape_is_wrong(text):
    verdict = checker(PLANAR).grade(text)
    assert verdict.verdict == "wrong" and "shape" in verdict.message


@pytest.mark.parametrize("text", [
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = dw^{[1]}_{11}",
    r"\frac{\partial L}{\partial b^{[1]}_{1}} = 2 db^{[1]}_{1}",
])
def test_outside_an_update_rule_a_parameters_gradient_stays_unreadable_on_the_right(text):
    verdict = checker(PLANAR).grade(text)
    assert verdict.verdict == "unusable" and "cannot appear on the right-hand side" in verdict.message


@pytest.mark.parametrize("text, mistake", [
    (r"w^{[1]}_{11} := w^{[1]}_{11} - \alpha dw^{[1]}_{11}", None),
    (r"w^{[1]}_{11} := w^{[1]}_{11} + \alpha dw^{[1]}_{11}", "sign"),
    (r"w^{[1]}_{11} := w^{[1]}_{11} - \alpha dw^{[1]}_{12}", "unit"),
])
def test_a_scalar_update_may_name_its_gradient(text, mistake):
    """seed 000's w_{11} -> w_{11} - alpha (...) with the gradient by name, against central differences."""
    c = context(PLANAR, 1)
    named = {None: c.dW[1][0, 0], "sign": -c.dW[1][0, 0], "unit": c.dW[1][0, 1]}[mistake]
    expected = verdict_of(named, c.dW[1][0, 0])
    assert expected == ("wrong" if mistake else "correct")
    verdict = checker(PLANAR).grade(text)
    assert verdict.verdict == expected, verdict.message
    if mistake:
        assert NAMED[mistake] in (verdict.diagnosis or ""), verdict.diagnosis
