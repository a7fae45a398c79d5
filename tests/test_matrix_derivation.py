"""The matrix-form equations: their proof against the per-weight gradients, shapes, the fused output
gradient, derivatives through A or Z, and that the proof catches wrong equations."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy as sp

from symnn.derive.matrix import M, derive_matrix, width_symbol
from symnn.derive.matrixnodes import Elementwise
from symnn.derive.matrixproof import check_equations, small_instance
from symnn.errors import SpecError
from symnn.render.printers import to_latex
from symnn.spec import parse_spec

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu(0.2)", "linear", "softmax", "log(1 + exp(z))"]


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("layout", ["column", "row"])
@pytest.mark.parametrize("loss", ["bce", "half_se", "cce"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_equation_is_proved_against_the_per_weight_gradients(activation, loss, layout, bias):
    hidden = "tanh" if activation == "softmax" else activation
    try:
        spec = parse_spec("4-3-3-2", act=f"{hidden},{activation}", loss=loss, layout=layout, bias=bias,
                          reduction="sum" if bias else "mean")
    except SpecError:
        # a log loss needs outputs in [0, 1]: softplus (log(1 + exp(z)) > log 2 for z > 0) is refused too
        assert loss != "half_se" and activation not in ("sigmoid", "softmax")
        return
    derivation = derive_matrix(spec)
    assert derivation.proof.status == "proved", derivation.proof.failures
    assert set(derivation.proof.checked) == {e.name for e in derivation_for_instance(spec).equations}


def derivation_for_instance(spec):
    return derive_matrix(small_instance(spec), prove=False)


def wrong(derivation, name: str, rhs):
    """The same derivation with one equation replaced."""
    equations = tuple(dataclasses.replace(e, rhs=rhs) if e.name == name else e for e in derivation.equations)
    return dataclasses.replace(derivation, equations=equations)


@pytest.mark.parametrize("layout", ["column", "row"])
def test_the_proof_catches_wrong_equations(layout):
    small = derive_matrix(parse_spec("3-2-2", act="tanh,sigmoid", loss="bce", layout=layout), prove=False)
    assert check_equations(small).proved
    dZ1, dW1, A1 = (small.equation(n).target for n in ("dZ1", "dW1", "A1"))
    X = small.equation("Z1").rhs.args[0].args[1 if layout == "column" else 0]
    mistakes = {
        "dW1": sp.MatMul(dZ1, sp.Transpose(X)) if layout == "column" else sp.MatMul(sp.Transpose(X), dZ1),  # no 1/m
        "dZ1": sp.HadamardProduct(small.equation("dA1").target, Elementwise(sp.Lambda(sp.Symbol("a"), 1 - sp.Symbol("a")), A1)),
        "A2": Elementwise(sp.Lambda(sp.Symbol("z"), sp.tanh(sp.Symbol("z"))), small.equation("Z2").target),
    }
    for name, rhs in mistakes.items():
        proof = check_equations(wrong(small, name, rhs))
        assert proof.status == "failed" and [f.split(":")[0] for f in proof.failures] == [name]
    del dW1


def test_the_seed_equations_of_the_2_2_1_network():
    """Seed 000: dZ2 = A2 - Y, dW2 = 1/m dZ2 A1^T, db2 = 1/m dZ2 1, dZ1 = W2^T dZ2 o A1 o (1 - A1)."""
    d = derive_matrix(parse_spec("2-2-1", act="sigmoid", loss="bce"))
    A1, A2, Y, dZ2, dA1 = (sp.MatrixSymbol(n, *s) for n, s in (
        ("A1", (width_symbol(1), M)), ("A2", (width_symbol(2), M)), ("Y", (width_symbol(2), M)),
        ("dZ2", (width_symbol(2), M)), ("dA1", (width_symbol(1), M))))
    assert d.output_fused
    assert d.equation("dZ2").rhs == A2 - Y
    assert d.equation("dW2").rhs == sp.MatMul(1 / M, dZ2, sp.Transpose(A1))
    assert d.equation("db2").rhs == sp.MatMul(1 / M, dZ2, sp.OneMatrix(M, 1))
    dZ1 = d.equation("dZ1").rhs
    assert dZ1.args[0] == dA1 and sp.simplify(dZ1.args[1].function.expr - sp.Symbol("a") * (1 - sp.Symbol("a"))) == 0
    assert [e.name for e in d.equations] == ["Z1", "A1", "Z2", "A2", "J", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]


@pytest.mark.parametrize("layout", ["column", "row"])
def test_shapes_follow_the_layout(layout):
    d = derive_matrix(parse_spec("5-4-3", act="relu,softmax", loss="cce", layout=layout), prove=False)
    column = layout == "column"
    expected = {
        "Z1": (4, 7) if column else (7, 4), "W1": None, "dW1": (4, 5) if column else (5, 4),
        "db1": (4, 1) if column else (1, 4), "dW2": (3, 4) if column else (4, 3), "dA1": (4, 7) if column else (7, 4),
        "J": (1, 1),
    }
    for name, shape in expected.items():
        if shape:
            assert d.shape_values(d.equation(name).shape, m=7) == shape
    for e in d.equations:  # the right-hand side has the shape the equation states
        if e.role != "J":
            assert e.rhs.shape == e.shape


@pytest.mark.parametrize("activation, through", [("sigmoid", "A"), ("tanh", "A"), ("log(1 + exp(z))", "A"),
                                                 ("relu", "Z"), ("leaky_relu(0.2)", "Z")])
def test_activation_derivatives_are_written_through_A_where_sympy_can(activation, through):
    d = derive_matrix(parse_spec("2-3-1", act=f"{activation},linear", loss="half_se"), prove=False)
    derivative = d.equation("dZ1").rhs.args[1]
    assert derivative.matrices[0].name == f"{through}1"
    from symnn.rules.activations import z  # the rules' own z (declared real)
    forward = parse_spec("2-3-1", act=f"{activation},linear", loss="half_se").activations[0].forward
    # independent check of the printed rule: it equals d/dz of the forward rule at sample points
    variable = derivative.function.variables[0]
    for value in (-1.3, -0.2, 0.4, 2.1):
        at_z = float(sp.diff(forward, z).subs(z, value))
        point = float(forward.subs(z, value)) if through == "A" else value
        assert float(derivative.function.expr.subs(variable, point)) == pytest.approx(at_z, rel=1e-12)


@pytest.mark.parametrize("text, loss, fused", [
    ("tanh,sigmoid", "bce", True), ("relu,softmax", "cce", True), ("tanh,linear", "half_se", True),
    ("tanh,tanh", "half_se", False), ("relu,softmax", "bce", False), ("relu,softmax", "half_se", False),
])
def test_the_output_gradient_is_fused_where_sympy_simplifies_it(text, loss, fused):
    d = derive_matrix(parse_spec("3-4-2", act=text, loss=loss), prove=False)
    assert d.output_fused is fused
    names = [e.name for e in d.equations]
    assert ("dA2" in names) is (not fused)
    if fused:
        A2, Y = d.equation("A2").target, d.equation("J").rhs.atoms(sp.MatrixSymbol) - {d.equation("A2").target}
        assert d.equation("dZ2").rhs == A2 - Y.pop()


def test_the_equations_print_in_the_course_notation():
    d = derive_matrix(parse_spec("2-4-1", act="tanh,sigmoid"), prove=False)
    names = d.latex_names
    assert to_latex(d.equation("Z1").rhs, names) == r"W^{[1]} X + b^{[1]} \mathbf{1}^{T}"
    assert to_latex(d.equation("dW2").rhs, names) == r"\frac{1}{m} dZ^{[2]} \left(A^{[1]}\right)^{T}"
    assert to_latex(d.equation("dZ1").rhs, names) == r"dA^{[1]} \odot \left(1 - \left(A^{[1]}\right)^{2}\right)"


def test_the_matrix_equations_compute_what_the_per_weight_closed_forms_give_numerically():
    """An independent numeric path: evaluate the column-layout equations with NumPy-backed SymPy
    matrices for m = 3 and compare dW1 with the per-weight closed forms summed over examples."""
    from symnn.derive.perweight import derive_network
    from symnn.verify import forward_values

    spec = parse_spec("2-2-1", act="tanh,sigmoid")
    rng = np.random.default_rng(4)
    per_weight = derive_network(spec)
    n = per_weight.notation
    W1, b1, W2, b2 = rng.normal(size=(2, 2)), rng.normal(size=(2, 1)), rng.normal(size=(1, 2)), rng.normal(size=(1, 1))
    X, Y = rng.normal(size=(2, 3)), np.array([[0.0, 1.0, 1.0]])
    A1 = np.tanh(W1 @ X + b1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ1 = (W2.T @ (A2 - Y)) * (1 - A1**2)
    dW1 = dZ1 @ X.T / 3
    closed = np.zeros((2, 2))
    for i in range(3):
        point = {n.x(1): X[0, i], n.x(2): X[1, i], n.y(1): Y[0, i],
                 n.b(1, 1): b1[0, 0], n.b(1, 2): b1[1, 0], n.b(2, 1): b2[0, 0]}
        point.update({n.w(1, j, k): W1[j - 1, k - 1] for j in (1, 2) for k in (1, 2)})
        point.update({n.w(2, 1, k): W2[0, k - 1] for k in (1, 2)})
        values = forward_values(per_weight, point)
        for j in (1, 2):
            for k in (1, 2):
                closed[j - 1, k - 1] += float(per_weight.gradient(1, j, k).closed_form.xreplace(values)) / 3
    np.testing.assert_allclose(dW1, closed, rtol=1e-12)
