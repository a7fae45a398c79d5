"""Seed 002's element-by-element backprop: delta^{[l]}_j on the left-hand side, and sums over units
(\\sum_k w^{[l+1]}_{kj} delta^{[l+1]}_k) that expand to the explicit sum one would write by hand."""
import pytest
import sympy as sp

import symnn
from symnn.check.claims import read_claim
from symnn.check.resolve import Resolver, Target
from symnn.errors import ParseError

S = sp.Symbol


@pytest.fixture(scope="module")
def net2331():
    return Resolver(symnn.network("2-3-3-1"))


@pytest.mark.parametrize("written", [r"\sum_{k} w^{[2]}_{k1} \delta^{[2]}_k", r"\sum_k w^{[2]}_{k,1} \delta^{[2]}_k",
                                     r"\sum_{k=1}^{3} w^{[2]}_{k1} \delta^{[2]}_{k}"])
def test_a_unit_sum_expands_over_the_layer(net2331, written):
    claim = read_claim(rf"\delta^{{[1]}}_1 = {written}", net2331)
    expected = sum(S(f"w2_{k}_1") * S(f"delta2_{k}") for k in (1, 2, 3))
    assert claim.target == Target("Z", 1, (1, 1))
    assert sp.expand(claim.sides[0] - expected) == 0
    assert claim.mode == "entry"


def test_a_sum_without_unit_subscripts_is_still_over_the_examples(net2331):
    claim = read_claim(r"\frac{\partial J}{\partial w^{[1]}_{11}} = \frac{1}{m} \sum_{i=1}^{m} \delta^{[1](i)}_1 x^{(i)}_1", net2331)
    assert claim.mode == "total"


def test_sums_over_wide_layers_are_refused_before_they_grow():
    resolver = Resolver(symnn.network("784-128-10", act="relu,softmax", loss="cce"))
    claim = r"\delta^{[1]}_1 = \sum_j \sum_k w^{[1]}_{1j} x_j w^{[2]}_{k1} \delta^{[2]}_k"
    with pytest.raises(ParseError, match="more than 1000 terms"):
        read_claim(claim, resolver)


def test_two_digit_units_inside_a_sum_keep_their_number():
    resolver = Resolver(symnn.network("12-3-1"))
    claim = read_claim(r"\delta^{[1]}_1 = \sum_k w^{[1]}_{1k} x_k x_{10}", resolver)
    expected = sum(S(f"w1_1_{k}") * S(f"x{k}") for k in range(1, 13)) * S("x10")
    assert sp.expand(claim.sides[0] - expected) == 0


def test_nested_unit_sums(net2331):
    claim = read_claim(r"\delta^{[1]}_1 = \sum_j \sum_k w^{[2]}_{j1} w^{[3]}_{kj} \delta^{[3]}_k", net2331)
    expected = sum(S(f"w2_{j}_1") * S(f"w3_1_{j}") * S("delta3_1") for j in (1, 2, 3))
    assert sp.expand(claim.sides[0] - expected) == 0


@pytest.mark.parametrize("claim, message", [
    (r"\delta^{[2]}_1 = \sum_{k=1}^{4} w^{[3]}_{k1} \delta^{[3]}_k", "has no entry"),
    (r"\delta^{[1]}_1 = \sum_{k} w^{[2]}_{1k} x_k", r"the index k runs over 2 and 3 units"),
    (r"\delta^{[1]}_1 = \sum_k \sum_k w^{[2]}_{k1} \delta^{[2]}_k", "already in use"),
])
def test_bad_unit_sums_are_named(net2331, claim, message):
    with pytest.raises(ParseError, match=message):
        read_claim(claim, net2331)


@pytest.mark.parametrize("claim, verdict, mistake", [
    (r"\delta^{[1]}_1 = \sigma'(z^{[1]}_1) \sum_{k} w^{[2]}_{k1} \delta^{[2]}_k", "correct", None),
    (r"\delta^{[1]}_1 = a^{[1]}_1 (1 - a^{[1]}_1) \sum_{k} w^{[2]}_{k1} \delta^{[2]}_k", "correct", None),
    (r"\delta^{[1]}_1 = \sigma'(z^{[1]}_1) \sum_{k} w^{[2]}_{1k} \delta^{[2]}_k", "wrong", "transpose"),
    (r"\delta^{[1]}_1 = \sigma(z^{[1]}_1) \sum_{k} w^{[2]}_{k1} \delta^{[2]}_k", "wrong", "instead of its derivative"),
    ("delta1_1 = (w2_1_1*delta2_1 + w2_2_1*delta2_2 + w2_3_1*delta2_3) * a1_1 * (1 - a1_1)", "correct", None),
])
def test_delta_claims_are_graded_against_the_derivation(claim, verdict, mistake):
    """The verdict comes from the numeric reference pass (rules, not the claim), at seeded points."""
    (result,) = symnn.check("2-3-3-1", [claim]).verdicts
    assert result.verdict == verdict, result
    if mistake:
        assert mistake in result.diagnosis
