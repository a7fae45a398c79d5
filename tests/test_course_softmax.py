"""Softmax + cross-entropy: the general gradient, the condition sum y = 1 on the sheet and in the rules.

The expected general form comes from SymPy's diff of the typed-out loss -sum_k y_k log softmax_k(z),
independent of symnn's rules.
"""
import sympy as sp

from symnn import api
from symnn.rules.activations import activation_from_text
from symnn.rules.fused import fused_output_gradient, general_output_gradient
from symnn.rules.losses import loss_from_text


def test_the_general_form_is_sympys_gradient_of_the_typed_out_loss():
    n = 3
    z = sp.symbols("z0:3")
    y = sp.symbols("y0:3")
    a = sp.symbols("a0:3")
    softmax = [sp.exp(zi) / sum(sp.exp(zk) for zk in z) for zi in z]
    loss = -sum(yk * sp.log(sk) for yk, sk in zip(y, softmax))
    rule, cce = activation_from_text("softmax"), loss_from_text("cce")
    dl_da = [cce.derivative.xreplace({sp.Symbol("a"): ai, sp.Symbol("y"): yi}) for ai, yi in zip(a, y)]
    jacobian = rule.jacobian_in_output(list(a), list(z))
    for j in range(n):
        product = sum(dl_da[k] * jacobian[k, j] for k in range(n))
        general = general_output_gradient(product, a[j])
        truth = sp.diff(loss, z[j])
        values = {zi: v for zi, v in zip(z, (0.3, -1.2, 2.0))} | {yi: v for yi, v in zip(y, (0.2, 0.5, 0.9))}
        outputs = {ai: si.xreplace(values) for ai, si in zip(a, softmax)}
        assert abs(sp.N(general.xreplace(outputs).xreplace(values) - truth.xreplace(values))) < 1e-12
        assert sp.simplify(general - (a[j] * sum(y) - y[j])) == 0
    # a - y only with the condition sum y = 1 (which fused_output_gradient assumes for cce)
    assert fused_output_gradient(rule, cce, list(a), list(z), list(y)) == [a[j] - y[j] for j in range(n)]


def test_the_sheet_states_the_condition():
    sheet = api.derive("3-3-3", act="relu,softmax", loss="cce")
    from symnn.render.sheets import SheetBuilder

    context = SheetBuilder(sheet).context()
    assert context["output_condition"] == "y_{1} + y_{2} + y_{3} = 1"
    lines = [side for eq in context["output_delta"][:1] for side in eq.sides]
    assert any("y_{1} + y_{2} + y_{3}" in line for side in lines for line in side)
    assert SheetBuilder(api.derive("2-2-1")).context()["output_condition"] is None
