"""Seed 002's way of writing backprop: matrices entry by entry (bmatrix, pmatrix, [a \\quad b]), aligned
Markdown blocks with matrices inside, and the forward-pass steps between the gradients."""
import numpy as np
import pytest
import sympy as sp

import symnn
from symnn.check import markdown_claims
from symnn.check.claims import read_claim
from symnn.check.resolve import Resolver
from symnn.errors import ParseError

S = sp.Symbol


@pytest.fixture(scope="module")
def net2331():
    return Resolver(symnn.network("2-3-3-1"))


def _verdicts(*claims):
    return [(v.verdict, v.message, v.diagnosis) for v in symnn.check("2-3-3-1", list(claims)).verdicts]


@pytest.mark.parametrize("written", [
    r"\begin{bmatrix} w_{1,1}^{[3]} \\ w_{1,2}^{[3]} \\ w_{1,3}^{[3]} \end{bmatrix}",
    r"\begin{pmatrix} w_{1,1}^{[3]} \\ w_{1,2}^{[3]} \\ w_{1,3}^{[3]} \\ \end{pmatrix}",  # a trailing \\ too
    r"[w_{1,1}^{[3]} \quad w_{1,2}^{[3]} \quad w_{1,3}^{[3]}]^T",
])
def test_a_matrix_written_entry_by_entry_is_an_explicit_matrix(net2331, written):
    claim = read_claim(rf"\frac{{\partial L}}{{\partial \mathbf{{a}}^{{[2]}}}} = {written} (a^{{[3]}} - y)", net2331)
    (side,) = claim.sides
    y = next(s for s in side.free_symbols if s.name.startswith("y"))
    expected = sp.Matrix([S("w3_1_1"), S("w3_1_2"), S("w3_1_3")]) * (S("a3_1") - y)
    assert side.shape == (3, 1)
    assert sp.simplify(sp.Matrix(side.as_explicit()) - expected) == sp.zeros(3, 1)


def test_written_out_gradients_are_graded():
    right = r"\frac{\partial L}{\partial W^{[3]}} = (a^{[3]} - y) [a_1^{[2]} \quad a_2^{[2]} \quad a_3^{[2]}]"
    swapped = r"\frac{\partial L}{\partial W^{[3]}} = (a^{[3]} - y) [a_1^{[2]} \quad a_3^{[2]} \quad a_2^{[2]}]"
    short = r"\frac{\partial L}{\partial \mathbf{a}^{[2]}} = \begin{bmatrix} w_{1,1}^{[3]} & w_{1,2}^{[3]} \end{bmatrix} (a^{[3]} - y)"
    (first, second, third) = _verdicts(right, swapped, short)
    assert first[0] == "correct"
    assert second[0] == "wrong" and "differs from dW3" in second[1]
    assert third[0] == "wrong" and "shape mismatch" in third[1]


def test_ragged_matrices_are_refused(net2331):
    with pytest.raises(ParseError, match="different lengths"):
        read_claim(r"\frac{\partial L}{\partial W^{[2]}} = \begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", net2331)


def test_an_aligned_block_keeps_its_matrices_whole():
    text = r"""$$\begin{aligned}
 \frac{\partial L}{\partial z^{[3]}} &= a^{[3]} - y \\
 z^{[3]} &= W^{[3]} \mathbf{a}^{[2]} + b^{[3]} \\
 &= [w_{1,1}^{[3]} \quad w_{1,2}^{[3]} \quad w_{1,3}^{[3]}] \begin{bmatrix} a_1^{[2]} \\ a_2^{[2]} \\ a_3^{[2]} \end{bmatrix} + b^{[3]}
 \end{aligned}$$"""
    claims = markdown_claims(text)
    assert len(claims) == 2
    assert r"\begin{bmatrix} a_1^{[2]} \\ a_2^{[2]} \\ a_3^{[2]} \end{bmatrix}" in claims[1]
    assert [v[0] for v in _verdicts(*claims)] == ["correct", "correct"]


@pytest.mark.parametrize("claim, verdict", [
    (r"z^{[3]} = W^{[3]} \mathbf{a}^{[2]} + b^{[3]}", "correct"),
    (r"Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}", "correct"),
    (r"a^{[1]}_2 = \sigma(z^{[1]}_2)", "correct"),
    (r"\hat{y} = \sigma(z^{[3]})", "correct"),
    (r"z^{[2]}_1 = w^{[2]}_{11} a^{[1]}_1 + w^{[2]}_{12} a^{[1]}_2 + w^{[2]}_{13} a^{[1]}_3 + b^{[2]}_1", "correct"),
    (r"z^{[2]}_1 = w^{[2]}_{11} a^{[1]}_1 + w^{[2]}_{21} a^{[1]}_2 + w^{[2]}_{31} a^{[1]}_3 + b^{[2]}_1", "wrong"),
    (r"a^{[1]}_2 = \tanh(z^{[1]}_2)", "wrong"),
    ("Z1 = W1 @ X + b1", "correct"),
    ("A1 = 1/(1 + np.exp(-Z1))", "correct"),
    ("AL = np.tanh(Z3)", "wrong"),
])
def test_forward_pass_steps_are_graded_against_the_forward_pass(claim, verdict):
    ((got, message, _),) = _verdicts(claim)
    assert got == verdict, message
    if verdict == "wrong":
        assert "of the forward pass" in message


def test_a_forward_step_with_a_missing_transpose_is_a_shape_mismatch():
    ((got, message, diagnosis),) = _verdicts(r"z^{[3]} = (W^{[3]})^T \mathbf{a}^{[2]} + b^{[3]}")
    assert got == "wrong" and "shape mismatch" in message and "transpose" in diagnosis


def test_a_forward_step_cannot_use_itself(net2331):
    with pytest.raises(ParseError, match="itself"):
        read_claim(r"z^{[2]}_1 = 2 z^{[2]}_1", net2331)


def test_a_latex_line_break_with_a_space_after_it_is_a_row_break(net2331):
    """\\\\ followed by a space is a row break, not the spacing command \\ (backslash space)."""
    claim = read_claim(r"\frac{\partial L}{\partial \mathbf{a}^{[2]}} = \begin{bmatrix} 1 \\ 2 \\ 3 \end{bmatrix}", net2331)
    assert claim.sides[0].shape == (3, 1)
    assert np.array_equal(np.array(claim.sides[0].tolist(), float).ravel(), [1, 2, 3])


def test_a_number_cannot_equal_a_matrix_in_the_forward_pass():
    ((got, message, _),) = _verdicts(r"z^{[3]} = W^{[3]}")
    assert got == "wrong" and message == "shape mismatch: z^[3]_1 is one number, the right-hand side is a matrix"


def test_a_nul_in_a_markdown_block_is_refused_by_the_claim_not_by_a_crash():
    (claim,) = markdown_claims("$$\\frac{\\partial L}{\\partial z^{[3]}} = a^{[3]} - y \x00$$")
    ((verdict, message, _),) = _verdicts(claim)
    assert verdict == "unusable" and "NUL" in message
