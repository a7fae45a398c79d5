"""Claims as people write them become the SymPy objects one would build by hand, and symbols resolve
to symnn's names through the common aliases; anything unknown is named in the message."""
import pytest
import sympy as sp

import symnn
from symnn.check.algebra import M, ShapeMismatch
from symnn.check.claims import read_claim
from symnn.check.resolve import Resolver, Target, UnresolvedSymbol
from symnn.errors import ParseError

S = sp.Symbol


@pytest.fixture(scope="module")
def net221():
    return Resolver(symnn.network("2-2-1"))


@pytest.fixture(scope="module")
def net2331():
    return Resolver(symnn.network("2-3-3-1"))


@pytest.mark.parametrize("written", [
    r"w^{[1]}_{11}", r"w_{11}^{[1]}", r"w^{[1]}_{1,1}", r"w_{1,1}^{[1]}", r"w_{11}", r"\mathbf{w}^{[1]}_{11}",
    "W1[0,0]", "W1[0, 0]", "w1_1_1",
])
def test_weight_aliases_resolve_to_one_symbol(net221, written):
    claim = read_claim(rf"dL/dw1_1_1 = {written}" if "\\" not in written and "{" not in written and "^" not in written
                       and "_{" not in written else rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{11}}}} = {written}", net221)
    assert claim.sides == [S("w1_1_1")]
    assert claim.target == Target("W", 1, (1, 1))


@pytest.mark.parametrize("written, name", [
    (r"\hat{y}", "a2_1"), (r"a^{[2]}", "a2_1"), (r"a_1", "a1_1"), (r"a^{[1]}_2", "a1_2"), (r"w_2", "w2_1_2"),
    (r"w_1^{[2]}", "w2_1_1"), (r"x_2", "x2"), ("y", "y"), (r"z^{[1]}_1", "z1_1"), (r"b^{[2]}", "b2_1"),
    (r"\delta^{[1]}_2", "delta1_2"), (r"\frac{\partial L}{\partial z^{[1]}_2}", "delta1_2"),
])
def test_course_names_resolve(net221, written, name):
    claim = read_claim(rf"\frac{{\partial L}}{{\partial w^{{[1]}}_{{11}}}} = {written}", net221)
    assert claim.sides == [S(name)]


def test_latex_builds_the_expected_expression(net221):
    claim = read_claim(r"\frac{\partial L}{\partial w^{[1]}_{11}} = (a^{[2]} - y) \cdot w^{[2]}_{11} \sigma(z^{[1]}_1)"
                       r"\left(1 - \sigma(z^{[1]}_1)\right) x_1 + e^{-x_2} - \frac{1}{2} \ln(x_1)", net221)
    sigma = 1 / (1 + sp.exp(-S("z1_1")))
    expected = (S("a2_1") - S("y")) * S("w2_1_1") * sigma * (1 - sigma) * S("x1") + sp.exp(-S("x2")) - sp.log(S("x1")) / 2
    assert sp.simplify(claim.sides[0] - expected) == 0


def test_update_rule_gives_the_gradient(net221):
    claim = read_claim(r"w_{11} \to w_{11} - \alpha.(-x_{1}.w_{1}.a_{1}.(1-a_{1})(y-\hat{y}))", net221)
    expected = -S("x1") * S("w2_1_1") * S("a1_1") * (1 - S("a1_1")) * (S("y") - S("a2_1"))
    assert sp.expand(claim.sides[0] - expected) == 0


def test_numpy_style_builds_matrix_expressions(net2331):
    claim = read_claim("dW1 = 1/m * (W2.T @ dZ2 * A1 * (1 - A1)) @ X.T", net2331)
    assert claim.mode == "batch" and claim.target == Target("W", 1, None)
    side = claim.sides[0]
    assert side.shape == (3, 2)
    W2, dZ2, A1, X = (sp.MatrixSymbol(n, *shape) for n, shape in
                      (("W2", (3, 3)), ("dZ2", (3, M)), ("A1", (3, M)), ("X", (2, M))))
    assert {W2, dZ2, A1, X} <= side.free_symbols


def test_sum_keepdims_is_a_product_with_ones(net2331):
    claim = read_claim("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", net2331)
    assert claim.sides[0].shape == (3, 1)
    assert sp.OneMatrix(M, 1) in sp.preorder_traversal(claim.sides[0])


def test_lowercase_vectors_are_one_example(net2331):
    claim = read_claim(r"\frac{\partial L}{\partial W^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} (\mathbf{a}^{[1]})^T", net2331)
    assert claim.mode == "example"
    assert claim.sides[0].shape == (3, 3)


@pytest.mark.parametrize("claim, named", [
    (r"\frac{\partial L}{\partial w^{[1]}_{11}} = q_1 x_1", "q_1"),
    (r"\frac{\partial L}{\partial w^{[1]}_{11}} = w^{[3]}_{11}", "layer 3"),
    (r"\frac{\partial L}{\partial w^{[1]}_{11}} = w^{[1]}_{41}", "no entry (4, 1)"),
    ("dW1 = foo @ X.T", "'foo'"),
    ("dQ1 = X", "dQ1"),
])
def test_unresolvable_symbols_are_named(net221, claim, named):
    with pytest.raises(UnresolvedSymbol) as error:
        read_claim(claim, net221)
    assert named in str(error.value)


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial W^{[1]}} = X W^{[1]}",
    "dW1 = X @ dZ1",
    "dZ1 = A1 + W1",
])
def test_shape_mismatches_raise_as_such(net221, claim):
    with pytest.raises(ShapeMismatch):
        read_claim(claim, net221)


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial w^{[1]}_{11}} =", "dW1 =", "= X", r"\frac{\partial z}{\partial w} = 1",
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = \unknowncommand{x}", "dW1 = X @@ Y", "dZ1 = dZ1",
])
def test_unreadable_claims_raise_parse_errors(net221, claim):
    with pytest.raises(ParseError):
        read_claim(claim, net221)


def test_row_layout_transposes_matrices():
    resolver = Resolver(symnn.network("4-5-3", act="relu,softmax", loss="cce", layout="row", bias=False))
    claim = read_claim("dW1 = X.T @ dZ1 / m", resolver)
    assert claim.sides[0].shape == (4, 5)
    assert read_claim("dL/dw1_2_1 = W1[1, 0]", resolver).target == Target("W", 1, (2, 1))


@pytest.mark.parametrize("claim", [
    r"dW^{[1]} = \frac{1}{m} dZ^{[1]} X^T",
    r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \circ (1 - (A^{[1]})^2)",
    r"db^{[2]} = \frac{1}{m} \sum dZ^{[2]}",
    r"db^{[2]} = \frac{1}{m} dZ^{[2]} \mathbf{1}",
])
def test_andrew_ng_d_notation_in_latex(claim):
    """dZ^{[1]} outside a fraction is the course's name for dL/dZ^{[1]} (seed 003)."""
    assert symnn.check("2-4-1", claim, act="tanh,sigmoid").exit_code == 0
