"""The seeds' own formulas are graded correct where they are correct; mutated versions are caught
and the mistake is named. Expected verdicts come from the lecture notes (../shared/seeds), not from
symnn: seed 000 (2-2-1 sigmoid, log loss), seed 002 (2-3-3-1 sigmoid, per-example vectors, with its
typo), seed 003 (Andrew Ng's 2-layer tanh/sigmoid network, np.sum(..., keepdims=True))."""
import pytest

import symnn
from symnn.check.compare import Checker


@pytest.fixture(scope="module")
def seed000():
    return Checker(symnn.network("2-2-1", act="sigmoid", loss="bce"))


@pytest.fixture(scope="module")
def seed002():
    return Checker(symnn.network("2-3-3-1", act="sigmoid", loss="bce"))


@pytest.fixture(scope="module")
def seed003():
    return Checker(symnn.network("2-4-1", act="tanh,sigmoid", loss="bce"))


SEED000_RIGHT = [
    # the update for w11, exactly as the notes write it (w_1 is the output weight, a_1 the hidden unit)
    r"w_{11} \to w_{11} - \alpha.(-x_{1}.w_{1}.a_{1}.(1-a_{1})(y-\hat{y}))",
    # equation (11): the cost's gradient, a mean over the m examples
    r"\frac{\partial \mathcal{L} }{ \partial w_{1,1}^{[1]}}=\frac{1}{m}\sum_{i=1}^{m} \left( \left(a^{[2](i)} - y^{(i)}\right) "
    r"w_1^{[2]} \left(a_1^{[1](i)}\left(1-a_1^{[1](i)}\right)\right) x_1^{(i)}\right)",
    # equation (10)
    r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T",
    r"\frac{\partial \mathcal{L} }{ \partial b^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\mathbf{1}",
    # the same weight in other notations people use
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = (a^{[2]} - y)\, w^{[2]}_{11}\, \sigma(z^{[1]}_1)(1 - \sigma(z^{[1]}_1))\, x_1",
    r"\frac{\partial L}{\partial w_{11}^{[1]}} = (\hat{y} - y) w^{[2]}_{1,1} \sigma'(z^{[1]}_1) x_1",
    "dW1[0,0] = (a2_1 - y) * w2_1_1 * a1_1 * (1 - a1_1) * x1",
    "dL/dw1_1_1 = W2[0,0] * (a2_1 - y) * a1_1 * (1 - a1_1) * x1",
]

SEED000_MUTATED = [
    (r"w_{11} \to w_{11} - \alpha.(x_{1}.w_{1}.a_{1}.(1-a_{1})(y-\hat{y}))", "sign flip"),
    (r"w_{11} \to w_{11} - \alpha.(-x_{1}.w_{1}.a_{1}.(y-\hat{y}))", "sigma(z) where sigma'(z) belongs"),
    (r"w_{11} \to w_{11} - \alpha.(-x_{1}.w_{1}.(y-\hat{y}))", "missing activation derivative"),
    (r"\frac{\partial \mathcal{L} }{ \partial w_{1,1}^{[1]}}=\sum_{i=1}^{m} \left( \left(a^{[2](i)} - y^{(i)}\right) "
     r"w_1^{[2]} a_1^{[1](i)}\left(1-a_1^{[1](i)}\right) x_1^{(i)}\right)", "missing 1/m"),
    (r"\frac{\partial \mathcal{L} }{ \partial W^{[2]} } = \left(A^{[2]}-Y\right)\left(A^{[1]}\right)^T", "missing 1/m"),
    (r"\frac{\partial L}{\partial w^{[1]}_{11}} = (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_2", "dL/dw^[1]_12"),
]


@pytest.mark.parametrize("claim", SEED000_RIGHT)
def test_seed000_formulas_are_correct(seed000, claim):
    verdict = seed000.grade(claim)
    assert verdict.verdict == "correct", verdict.message
    assert verdict.points >= 6


@pytest.mark.parametrize("claim, mistake", SEED000_MUTATED)
def test_seed000_mutations_are_caught_and_named(seed000, claim, mistake):
    verdict = seed000.grade(claim)
    assert verdict.verdict == "wrong"
    assert mistake in (verdict.diagnosis or "")
    assert verdict.counterexample["claimed"] != verdict.counterexample["correct"]
    assert verdict.correct_formula["text"]


def test_seed000_counterexample_gives_the_inputs_and_both_values(seed000):
    verdict = seed000.grade(r"\frac{\partial L}{\partial w^{[1]}_{11}} = (a^{[2]} - y) w^{[2]}_{11} x_1")
    example = verdict.counterexample
    assert {"x_1", "y", "a^[2]", "w^[2]_11"} <= set(example["inputs"])
    inputs = example["inputs"]
    assert example["claimed"] == pytest.approx((inputs["a^[2]"] - inputs["y"]) * inputs["w^[2]_11"] * inputs["x_1"], rel=1e-4)
    assert "(a^[2] - y)" in verdict.correct_formula["text"] or "a^[2] - y" in verdict.correct_formula["text"]


SEED002_RIGHT = [
    r"\frac{\partial L}{\partial z^{[3]}} = a^{[3]} - y",
    r"\frac{\partial L}{\partial W^{[3]}} = \frac{\partial L}{\partial z^{[3]}} \frac{\partial z^{[3]}}{\partial W^{[3]}} = (a^{[3]} - y) (\mathbf{a}^{[2]})^T",
    r"\frac{\partial L}{\partial b^{[3]}} = \frac{\partial L}{\partial z^{[3]}} \frac{\partial z^{[3]}}{\partial b^{[3]}} = (a^{[3]} - y)",
    r"\frac{\partial L}{\partial \mathbf{a}^{[2]}} = \frac{\partial L}{\partial z^{[3]}} \frac{\partial z^{[3]}}{\partial \mathbf{a}^{[2]}} = (\mathbf{a}^{[3]} - \mathbf{y})(W^{[3]})^T",
    r"\frac{\partial L}{\partial \mathbf{z}^{[2]}} = \frac{\partial L}{\partial \mathbf{a}^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
    r"\frac{\partial L}{\partial W^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} (\mathbf{a}^{[1]})^T",
    r"\frac{\partial L}{\partial \mathbf{a}^{[1]}} = \frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} \frac{\partial L}{\partial \mathbf{z}^{[2]}} = (W^{[2]})^T \frac{\partial L}{\partial \mathbf{z}^{[2]}}",
    r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (\mathbf{a}^{[1]} \circ (1 - \mathbf{a}^{[1]}))",
    r"\frac{\partial L}{\partial W^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}} (\mathbf{a}^{[0]})^T = \frac{\partial L}{\partial \mathbf{z}^{[1]}} \mathbf{x}^T",
    r"\frac{\partial L}{\partial \mathbf{b}^{[1]}} = \frac{\partial L}{\partial \mathbf{z}^{[1]}}",
    # the per-example NumPy code of the same slides
    "dz3 = a3 - y", "db3 = dz3", "dW3 = dz3 * a2.T", "da2 = dz3 * W3.T", "dz2 = da2 * (a2 * (1-a2))", "db2 = dz2",
    "dW2 = np.matmul(dz2, a1.T)", "da1 = np.matmul(W2.T, dz2)", "dz1 = da1 * (a1 * (1-a1))", "db1 = dz1",
    "dW1 = np.matmul(dz1, x.T)",
]

SEED002_MUTATED = [
    # the slides' own typo: db^{[2]} multiplies the activation derivative in a second time
    (r"\frac{\partial L}{\partial \mathbf{b}^{[2]}} = \frac{\partial L}{\partial \mathbf{z}^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))",
     "applied twice"),
    ("da1 = np.matmul(W2, dz2)", "missing transpose"),
    ("dz1 = da1 * a1", "sigma(z) where sigma'(z) belongs"),
    ("dz2 = da2", "missing activation derivative"),
    ("dW2 = np.matmul(dz2, a2.T)", "wrong layer index"),
    ("dz3 = y - a3", "sign flip"),
    ("dW1 = np.matmul(dz1, x.T) / m", "extra 1/m"),
    (r"\frac{\partial L}{\partial \mathbf{z}^{[1]}} = \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (1 - \mathbf{a}^{[1]} \circ \mathbf{a}^{[1]})",
     "wrong activation"),
]


@pytest.mark.parametrize("claim", SEED002_RIGHT)
def test_seed002_vector_backprop_is_correct(seed002, claim):
    verdict = seed002.grade(claim)
    assert verdict.verdict == "correct", verdict.message


@pytest.mark.parametrize("claim, mistake", SEED002_MUTATED)
def test_seed002_typos_and_mutations_are_caught(seed002, claim, mistake):
    verdict = seed002.grade(claim)
    assert verdict.verdict == "wrong", verdict.message
    assert mistake in (verdict.diagnosis or ""), verdict.diagnosis


def test_seed002_shape_error_is_reported_as_such(seed002):
    verdict = seed002.grade(r"\frac{\partial L}{\partial W^{[1]}} = \mathbf{x} (\frac{\partial L}{\partial \mathbf{z}^{[1]}})^T")
    assert verdict.verdict == "wrong"
    assert verdict.message.startswith("shape mismatch")
    assert "transpose" in verdict.diagnosis


SEED003_RIGHT = [
    "dZ2 = A2 - Y",
    "dW2 = 1/m * dZ2 @ A1.T",
    "db2 = 1/m * np.sum(dZ2, axis=1, keepdims=True)",
    "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))",
    "dW1 = 1/m * np.dot(dZ1, X.T)",
    "db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)",
    "dW1 = 1/m * (W2.T @ dZ2 * (1 - A1**2)) @ X.T",
    r"\frac{\partial L}{\partial Z^{[1]}} = (W^{[2]})^T \frac{\partial L}{\partial Z^{[2]}} \odot (1 - A^{[1]} \odot A^{[1]})",
    r"\frac{\partial J}{\partial W^{[1]}} = \frac{1}{m} \frac{\partial L}{\partial Z^{[1]}} X^T",
    r"\frac{\partial J}{\partial b^{[1]}} = \frac{1}{m} \frac{\partial L}{\partial Z^{[1]}} \mathbf{1}",
]

SEED003_MUTATED = [
    ("db1 = 1/m * np.sum(dZ1, axis=1)", "keepdims"),
    ("db2 = np.sum(dZ2, axis=1, keepdims=True)", "missing 1/m"),
    ("dZ1 = np.dot(W2.T, dZ2) * A1 * (1 - A1)", "wrong activation"),
    ("dZ1 = np.dot(W2.T, dZ2)", "missing activation derivative"),
    ("dZ1 = np.dot(W2.T, dZ2) * np.tanh(Z1)", "tanh(z) where tanh'(z) belongs"),
    ("dW1 = np.dot(dZ1, X.T)", "missing 1/m"),
    ("dZ2 = Y - A2", "sign flip"),
    ("dW2 = -1/m * dZ2 @ A1.T", "sign flip"),
    ("dW2 = dZ2 @ A1.T / m**2", "extra 1/m"),
]


@pytest.mark.parametrize("claim", SEED003_RIGHT)
def test_seed003_matrix_gradients_with_keepdims_are_correct(seed003, claim):
    verdict = seed003.grade(claim)
    assert verdict.verdict == "correct", verdict.message


@pytest.mark.parametrize("claim, mistake", SEED003_MUTATED)
def test_seed003_mutations_are_caught_and_named(seed003, claim, mistake):
    verdict = seed003.grade(claim)
    assert verdict.verdict == "wrong", verdict.message
    assert mistake in (verdict.diagnosis or ""), verdict.diagnosis


def test_seed003_transposed_product_is_a_shape_mismatch(seed003):
    verdict = seed003.grade("dW1 = 1/m * X @ dZ1.T")
    assert verdict.verdict == "wrong" and "shape mismatch" in verdict.message
    assert "transpose" in verdict.diagnosis


def test_same_claim_same_verdict(seed003):
    """Seeded points: a resubmission gets exactly the same verdict and counter-example."""
    first, second = seed003.grade("dW1 = dZ1 @ X.T"), Checker(seed003.spec).grade("dW1 = dZ1 @ X.T")
    assert first.counterexample == second.counterexample and first.diagnosis == second.diagnosis


@pytest.mark.parametrize("claim", ["dW1 = dZ1 @ X.T / 3", "dW1 = dZ1 @ X.T / 4", "db1 = np.sum(dZ1, axis=1, keepdims=True) / 2"])
def test_a_constant_cannot_pass_for_one_over_m(seed003, claim):
    """Sample points have 2 to 5 examples, so hard-coding the batch size is caught."""
    assert seed003.grade(claim).verdict == "wrong"


SEED002_SLIDES = r"""
Lớp ẩn (hidden layer) thứ nhất:

$$W^{[1]} = \begin{bmatrix} w_{1,1}^{[1]} & w_{1,2}^{[1]} \\ w_{2,1}^{[1]} & w_{2,2}^{[1]} \\ w_{3,1}^{[1]} & w_{3,2}^{[1]} \end{bmatrix}, b^{[1]} = \begin{bmatrix} b_1^{[1]} \\ b_2^{[1]} \\ b_3^{[1]} \end{bmatrix}$$

$$W^{[3]} = [w_{1,1}^{[3]} \quad w_{1,2}^{[3]} \quad w_{1,3}^{[3]}], b^{[3]} = b_1^{[3]}$$

$$a^{[3]} = g(\mathbf{z}^{[3]}) \in (0,1)$$

$$L = - (y^{(i)} \log(a^{[3](i)}) + (1 - y^{(i)}) \log(1 - a^{[3](i)}))$$

$$\begin{aligned}
 \frac{\partial L}{\partial z^{[3]}} &= a^{[3]} - y \\
 z^{[3]} &= W^{[3]} \mathbf{a}^{[2]} + b^{[3]} \\
 &= [w_{1,1}^{[3]} \quad w_{1,2}^{[3]} \quad w_{1,3}^{[3]}] \begin{bmatrix} a_1^{[2]} \\ a_2^{[2]} \\ a_3^{[2]} \end{bmatrix} + b^{[3]} \\
 \frac{\partial z^{[3]}}{\partial W^{[3]}} &= \left[\frac{\partial z^{[3]}}{\partial w_{1,1}^{[3]}} \quad \frac{\partial z^{[3]}}{\partial w_{1,2}^{[3]}} \quad \frac{\partial z^{[3]}}{\partial w_{1,3}^{[3]}} \right] = [a_1^{[2]} \quad a_2^{[2]} \quad a_3^{[2]}] = (\mathbf{a}^{[2]})^T \\
 \frac{\partial z^{[3]}}{\partial b^{[3]}} &= 1 \\
 \frac{\partial L}{\partial W^{[3]}} &= \frac{\partial L}{\partial z^{[3]}} \frac{\partial z^{[3]}}{\partial W^{[3]}} = (a^{[3]} - y) (\mathbf{a}^{[2]})^T
 \end{aligned}$$

$$\begin{bmatrix} z_1^{[2]} \\ z_2^{[2]} \\ z_3^{[2]} \end{bmatrix} = \begin{bmatrix} w_{1,1}^{[2]} & w_{1,2}^{[2]} & w_{1,3}^{[2]} \\ w_{2,1}^{[2]} & w_{2,2}^{[2]} & w_{2,3}^{[2]} \\ w_{3,1}^{[2]} & w_{3,2}^{[2]} & w_{3,3}^{[2]} \end{bmatrix} \begin{bmatrix} a_1^{[1]} \\ a_2^{[1]} \\ a_3^{[1]} \end{bmatrix} + \begin{bmatrix} b_1^{[2]} \\ b_2^{[2]} \\ b_3^{[2]} \end{bmatrix}$$

$$\frac{\partial L}{\partial W^{[2]}} = \begin{bmatrix} \frac{\partial L}{\partial z_1^{[2]}} \\ \frac{\partial L}{\partial z_2^{[2]}} \\ \frac{\partial L}{\partial z_3^{[2]}} \end{bmatrix} [a_1^{[1]} \quad a_2^{[1]} \quad a_3^{[1]}]$$

$$= \frac{\partial L}{\partial \mathbf{z}^{[2]}} (\mathbf{a}^{[1]})^T$$

$$\frac{\partial L}{\partial \mathbf{b}^{[2]}} = \frac{\partial L}{\partial z_1^{[2]}} \circ (\mathbf{a}^{[2]} \circ (1 - \mathbf{a}^{[2]}))$$

$$\frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} = \begin{bmatrix} w_{1,1}^{[2]} & w_{2,1}^{[2]} & w_{3,1}^{[2]} \\ w_{1,2}^{[2]} & w_{2,2}^{[2]} & w_{3,2}^{[2]} \\ w_{1,3}^{[2]} & w_{2,3}^{[2]} & w_{3,3}^{[2]} \end{bmatrix}$$

$$\frac{\partial L}{\partial \mathbf{a}^{[1]}} = \frac{\partial \mathbf{z}^{[2]}}{\partial \mathbf{a}^{[1]}} \frac{\partial L}{\partial \mathbf{z}^{[2]}} = (W^{[2]})^T \frac{\partial L}{\partial \mathbf{z}^{[2]}}$$

$$\frac{\partial L}{\partial a^{[1]}} = \frac{\partial L}{\partial z^{[2]}} \frac{\partial z^{[2]}}{\partial a^{[1]}} = (W^{[2]})^T \frac{\partial L}{\partial z^{[2]}}$$
"""


def test_seed002_checks_slide_by_slide(tmp_path):
    """Seed 002's slides as written (definitions, Jacobian steps, chains continued in the next block):
    every claim is read, and the one typo (dL/db^{[2]}: dL/dz_1 for the vector and sigma' once too often)
    is the only wrong one, with both mistakes named."""
    slides = tmp_path / "seed002.md"
    slides.write_text(SEED002_SLIDES, encoding="utf-8")
    report = symnn.check("2-3-3-1", file=slides, workers=1)
    verdicts = {v.claim: v for v in report.verdicts}
    assert not [v for v in report.verdicts if v.verdict == "unusable"], [(v.claim, v.message) for v in report.verdicts]
    wrong = [v for v in report.verdicts if v.verdict == "wrong"]
    assert len(wrong) == 1 and "partial \\mathbf{b}^{[2]}" in wrong[0].claim, [(v.claim, v.message) for v in wrong]
    assert "one unit" in wrong[0].diagnosis and "applied twice" in wrong[0].diagnosis
    assert report.exit_code == 1 and len(verdicts) >= 14
