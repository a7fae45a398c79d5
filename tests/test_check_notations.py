"""Issue 13's notations, one by one: each is read, graded correct where the maths is right (the
expected verdicts follow from the course formulas cited in tests/corpus/network_claims.py), and where a
reading is a choice the verdict says which reading was graded."""
import pytest

import symnn
from symnn.check.compare import Checker
from symnn.check.function_claims import FunctionChecker

PLANAR = ("3-4-1", {"act": "tanh,sigmoid"})
RELU_SOFTMAX = ("2-3-2", {"act": "relu,softmax", "loss": "cce"})
ROW = ("4-5-3", {"act": "relu,softmax", "loss": "cce", "layout": "row", "bias": False})
NIELSEN = ("2-3-2", {"act": "sigmoid", "loss": "half_se", "reduction": "sum"})
SEED2 = ("2-3-3-1", {})


@pytest.fixture(scope="module")
def checkers():
    cache = {}

    def get(spec):
        key = (spec[0], tuple(sorted(spec[1].items())))
        if key not in cache:
            cache[key] = Checker(symnn.network(spec[0], **spec[1]))
        return cache[key]
    return get


@pytest.mark.parametrize("spec, claim", [
    (PLANAR, r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g^{[1]\prime}(Z^{[1]})"),
    (PLANAR, "db1 = (1/m * np.sum(dZ1, axis=1)).reshape(4, 1)"),
    (PLANAR, "db1 = np.reshape(1/m * np.sum(dZ1, axis=1), (4, 1))"),
    (PLANAR, r"\nabla_{W^{[2]}} L = \frac{1}{m} dZ^{[2]} A^{[1]T}"),
    (PLANAR, r"\nabla_{\mathbf{a}^{[1]}} L = W^{[2]T} dz^{[2]}"),
    (PLANAR, "dW2 = np.divide(np.dot(dZ2, A1.T), m)"),
    (PLANAR, "db2 = np.mean(dZ2, axis=1, keepdims=True)"),
    (PLANAR, "dW2 = 1/np.int64(X.shape[1]) * dZ2 @ A1.T"),
    (PLANAR, r"dz^{[1]} = W^{[2]T} dz^{[2]} * (1 - \tanh^2(z^{[1]}))"),
    (PLANAR, r"dW^{[2]} = dz^{[2]} a^{[1]T}"),
    (ROW, r"dW^{[1]} = (dz^{[1]T} \mathbf{x})^T"),
    (PLANAR, r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)"),
    (RELU_SOFTMAX, r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \circ \mathbf{1}\{Z^{[1]} > 0\}"),
    (RELU_SOFTMAX, r"dz^{[1]} = W^{[2]T} dz^{[2]} \circ \mathbb{1}[z^{[1]} > 0]"),
    (RELU_SOFTMAX, "dZ2 = softmax(Z2) - Y"),
    (ROW, r"\nabla_{W_2}\ell = A_1^T (\hat{Y} - Y) / N"),
    (NIELSEN, r"\delta^L = (a^L - y) \odot \sigma'(z^L)"),
    (NIELSEN, r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)"),
    (NIELSEN, r"\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j"),
    (NIELSEN, r"\frac{\partial C}{\partial b^l_j} = \delta^l_j"),
    (SEED2, r"\frac{\partial L}{\partial W^{[3]}} = \frac{1}{N} \sum_{i=1}^{N} (a^{[3](i)} - y^{(i)}) (\mathbf{a}^{[2](i)})^T"),
    (SEED2, r"\frac{\partial z^{[3]}}{\partial W^{[3]}} = (\mathbf{a}^{[2]})^T"),
    (SEED2, r"\frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}} = (W^{[3]})^T"),
    (SEED2, r"\frac{\partial a_2^{[1]}}{\partial z_2^{[1]}} = a_2^{[1]}(1 - a_2^{[1]})"),
])
def test_each_notation_is_read_and_graded(checkers, spec, claim):
    verdict = checkers(spec).grade(claim)
    assert verdict.verdict == "correct", (verdict.message, verdict.notes)


@pytest.mark.parametrize("spec, claim, reading", [
    (SEED2, r"\frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} = W^{[2]}", "numerator layout"),
    (NIELSEN, r"\delta^2 = (a^2 - y) \odot \sigma'(z^2)", "read as a layer, not a power"),
    (ROW, r"\nabla_{W_2}\ell = \frac{1}{m} \sigma(X W_1)^T (\hat{Y} - Y)", "the network's activation g"),
    (SEED2, r"\frac{\partial L}{\partial a^{[1]}} = \frac{\partial L}{\partial z^{[2]}} \frac{\partial z^{[2]}}{\partial a^{[1]}}",
     "order their shapes allow"),
    (("3-4-3", {"act": "relu,softmax", "loss": "cce"}), r"\nabla_{W^{(2)}} J = \nabla_{a^{(2)}} J \, h^{(1)T}", "Goodfellow"),
])
def test_a_reading_that_is_a_choice_is_said(checkers, spec, claim, reading):
    verdict = checkers(spec).grade(claim)
    assert verdict.verdict == "correct", (verdict.message, verdict.notes)
    assert any(reading in note for note in verdict.notes), verdict.notes


def test_a_square_is_still_a_square_when_that_reading_holds(checkers):
    """z^2 in Nielsen's notation could be layer 2 or a power: when only the power makes it right, it is right."""
    verdict = checkers(("2-1", {"act": "linear", "loss": "half_se"})).grade(r"\frac{\partial L}{\partial b} = a^1 - y")
    assert verdict.verdict == "correct"


@pytest.mark.parametrize("claim", ["f_xy = -0.4x - 1", "grad f = [4x^3 - 0.4xy + 8x - y, 3.2y^3 + 4y - x - 0.2x^2]",
                                   "f_x = x(4x^2 - 0.4y + 8) - y"])
def test_products_side_by_side_in_function_claims(claim):
    checker = FunctionChecker(symnn.api.function("x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y"))
    verdict = checker.grade(claim)
    assert verdict.verdict == "correct", verdict.message


@pytest.mark.parametrize("spec, claim, named", [
    (PLANAR, r"dZ^{[1]} = W^{[1]T} dZ^{[2]} * (1 - (A^{[1]})^2)", "wrong layer"),
    (RELU_SOFTMAX, "dZ1 = dA2 * (Z1 > 0)", "wrong layer"),
    (RELU_SOFTMAX, r"dZ^{[2]} = (A^{[2]} - Y) * A^{[2]} * (1 - A^{[2]})", "extra factor"),
    (("2-1", {"act": "linear", "loss": "half_se"}), r"\frac{\partial L}{\partial w_1} = 2 (\hat{y} - y) x_1", "constant factor"),
    (SEED2, r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
     "wrong layer"),
    (SEED2, r"\frac{\partial z_1^{[2]}}{\partial a_2^{[1]}} = w_{2,1}^{[2]}", "wrong unit"),
])
def test_mistakes_are_named_by_family(checkers, spec, claim, named):
    verdict = checkers(spec).grade(claim)
    assert verdict.verdict == "wrong" and named in (verdict.diagnosis or ""), (verdict.message, verdict.diagnosis)
