"""Issue 14: custom relu-like expressions are pinned like the built-ins (the derivative from the left of
a kink), 'z' is the identity, a bad leaky_relu slope is named, and sums print in natural index order."""
from __future__ import annotations

import pytest
import sympy as sp

from symnn.errors import SpecError
from symnn.rules.activations import activation_from_text, z


def left_derivative(expression, at=0, h=sp.Rational(1, 10**9)):
    """The independent reference: the one-sided difference quotient from the left, exactly."""
    return sp.nsimplify(sp.N((expression.subs(z, at) - expression.subs(z, at - h)) / h, 30), rational=True)


@pytest.mark.parametrize("text, builtin", [("max(z, 0)", "relu"), ("max(z, z/10)", "leaky_relu(0.1)"), ("min(z, 0)", None)])
def test_a_custom_kink_is_pinned_like_the_builtins(text, builtin):
    custom = activation_from_text(text)
    at_zero = custom.derivative.subs(z, 0)
    assert at_zero == left_derivative(custom.forward)
    if builtin:
        assert at_zero == activation_from_text(builtin).derivative.subs(z, 0)
    assert "from the left" in custom.note
    for point in (sp.Rational(-3, 7), sp.Rational(5, 3)):  # away from the kink: SymPy's own diff
        assert custom.derivative.subs(z, point) == sp.diff(custom.forward, z).subs(z, point)


def test_z_alone_is_the_identity():
    assert activation_from_text("z").forward == z


@pytest.mark.parametrize("text", ["leaky_relu(-1)", "leaky_relu(2)", "leaky_relu(x)"])
def test_a_bad_leaky_relu_slope_is_named(text):
    with pytest.raises(SpecError, match="between 0 and 1"):
        activation_from_text(text)


def test_sums_are_printed_in_natural_index_order():
    from symnn import derive
    from symnn.render.printers import to_text

    d = derive("2-3-12")
    text = to_text(d.loss, d.notation.text_names, d.notation.chain_positions)
    positions = [text.index(f"y_{i}*") for i in range(1, 13)]
    assert positions == sorted(positions)
