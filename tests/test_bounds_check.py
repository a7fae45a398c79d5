"""Issue 10: the checker's work is bounded before it starts, and no claim crashes a grader.

Each case is a reproduction from the issue: a Markdown claims file with 60,000 \\begin{bmatrix} (a
lazy regex made splitting it quadratic: 900 KB took over a minute), claims that raised inside the
worker (reported "undecided: the checker process stopped unexpectedly")."""
import pytest

import symnn
from symnn.check import claims_from_file, markdown_claims
from symnn.check.claims import MAX_CLAIM_LENGTH
from symnn.check.compare import Checker
from symnn.check.parse_latex import split_matrices
from symnn.check.sandbox import grade_isolated
from symnn.limits import time_limit


@pytest.fixture(scope="module")
def checker():
    return Checker(symnn.network("2-3-1"))


@pytest.mark.parametrize("unit", [r"\begin{bmatrix}", r"\end{bmatrix}", "x\\\\\n", "[\\quad ", "$$"])
def test_a_huge_markdown_file_is_split_within_a_bound(tmp_path, unit):
    # 900 KB of one repeated piece; the split must stay linear (the bound is 20x what it needs here)
    path = tmp_path / "claims.md"
    path.write_text("$$\n" + unit * (900_000 // len(unit)) + "\n$$\n$$ dW1 = dZ1 @ X.T $$\n")
    with time_limit(20, "splitting the claims file"):
        claims = claims_from_file(path)
    assert claims[-1] == "dW1 = dZ1 @ X.T" or unit == "$$"


def test_split_matrices_keeps_the_environments_whole():
    text = r"a \begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix} b \begin{pmatrix} x \end{pmatrix} \begin{bmatrix} open"
    assert split_matrices(text) == ["a ", r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", " b ",
                                     r"\begin{pmatrix} x \end{pmatrix}", r" \begin{bmatrix} open"]
    # an \end before any \begin, and a second \begin inside an open one, are plain text (as LaTeX nests no matrices here)
    assert split_matrices(r"\end{bmatrix} \begin{bmatrix} \begin{bmatrix} 1 \end{bmatrix}") == [
        r"\end{bmatrix} ", r"\begin{bmatrix} \begin{bmatrix} 1 \end{bmatrix}", ""]


def test_aligned_block_lines_are_claims_and_continuations_join():
    text = "$$\\begin{aligned} dW1 &= dZ1 @ X.T \\\\ &= 1/m * dZ1 @ X.T \\\\ db1 &= x \\\\ + y \\end{aligned}$$"
    assert markdown_claims(text) == ["dW1  = dZ1 @ X.T = 1/m * dZ1 @ X.T", "db1  = x + y"]


@pytest.mark.parametrize("claim", ["dW1 = " + "X + " * 2000 + "X", "\\frac{\\partial L}{\\partial w^{[1]}_{11}} = " + "x_1 " * 1500,
                                   b"dW1 = " + b"X" * 20000])
def test_a_claim_over_the_length_limit_is_refused_before_parsing(checker, claim):
    verdict = checker.grade(claim)
    assert verdict.verdict == "unusable"
    assert f"the limit is {MAX_CLAIM_LENGTH}" in verdict.message and "\n" not in verdict.message


def test_update_rule_with_a_matrix_is_a_shape_mismatch(checker):
    # the reproduction: SymPy raised "Mix of Matrix and Scalar symbols" in the worker
    verdict = checker.grade(r"w_{32}^{[1]} \to w_{32}^{[1]} - \alpha (X)")
    assert verdict.verdict == "wrong" and verdict.message.startswith("shape mismatch")


def test_step_of_a_sum_is_graded(checker):
    # the reproduction: Heaviside(SoleEntry(...)) raised "defined only for Real Values"; the claim is a 0/1 constant
    verdict = checker.grade("dW2 = (np.sum(W2) > 0)")
    assert verdict.verdict == "wrong"


@pytest.mark.parametrize("claim", ["dW2 = (np.log(-1) > 0)", "dW2 = (sqrt(-1) > 0)"])
def test_comparing_a_complex_number_is_unusable(checker, claim):
    verdict = checker.grade(claim)
    assert verdict.verdict == "unusable" and "not a real number" in verdict.message


def test_an_unexpected_grader_error_becomes_one_unusable_line(checker, monkeypatch):
    """The worker boundary: an exception nobody expected is symnn's bug, reported in one line as unusable
    (the fuzzers call the graders directly, so such bugs still fail a test)."""
    def broken(text):
        raise TypeError("Mix of Matrix and Scalar symbols\nsecond line")

    monkeypatch.setattr(checker, "grade", broken)
    verdicts = grade_isolated(checker, ["dW1 = X", "dW2 = W2"], seconds=5, workers=1)
    for verdict in verdicts:
        assert verdict.verdict == "unusable"
        assert verdict.message.startswith("symnn could not grade this claim (an internal error, TypeError")
        assert "\n" not in verdict.message and "second line" not in verdict.message


@pytest.mark.parametrize("claim", [  # found by tests/fuzz: a Derivative object reached SymPy's arithmetic
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = (\left(\frac{\partial L}{\partial z^{[1]}_1}^{2}\right))^T",
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = \frac{(\frac{\partial L}{\partial z^{[1]}_1})}{2}",
    r"\frac{\partial L}{\partial w^{[1]}_{11}} = 2^{(\frac{\partial L}{\partial z^{[1]}_1})}",
])
def test_a_gradient_in_brackets_is_its_value(checker, claim):
    # dL/dz^[1]_1 times anything but x_1 is not dL/dw^[1]_11
    assert checker.grade(claim).verdict == "wrong"


def test_a_gradient_in_brackets_can_be_right(checker):
    verdict = checker.grade(r"\frac{\partial L}{\partial w^{[1]}_{11}} = (\frac{\partial L}{\partial z^{[1]}_1}) x_1")
    assert verdict.verdict == "correct"


@pytest.mark.parametrize("claim", [  # found by tests/fuzz: the "ONES" placeholder reached numeric evaluation
    r"\frac{\partial L}{\partial W^{[1]}} = \mathbf{1}", r"\frac{\partial L}{\partial W^{[1]}} = 0 + \mathbf{1}",
    r"\frac{\partial L}{\partial W^{[1]}} = \mathbf{1}\mathbf{1}",
])
def test_a_lone_column_of_ones_is_unusable(checker, claim):
    verdict = checker.grade(claim)
    assert verdict.verdict == "unusable" and "column of ones" in verdict.message


def test_seed_000_column_of_ones_still_reads(checker):
    for claim in [r"\frac{\partial \mathcal{L} }{ \partial b^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)\mathbf{1}",
                  r"\frac{\partial \mathcal{L} }{ \partial b^{[2]} } = \frac{1}{m}\left(A^{[2]}-Y\right)(\mathbf{1})"]:
        assert checker.grade(claim).verdict == "correct"


def test_too_many_claims_are_refused_without_splitting_the_rest(tmp_path):
    path = tmp_path / "many.md"
    path.write_text("$$ dW1 = dZ1 @ X.T $$\n" * 100_000)  # 2.2 MB, 100,000 claims
    with pytest.raises(symnn.SymnnError, match="more than 20000 claims; the limit is 20000"):
        claims_from_file(path)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"dW1 = X\n" * (5 << 17))  # 5 MB
    with pytest.raises(symnn.SymnnError, match="larger than 4 MB"):
        claims_from_file(path)


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_a_device_is_not_a_claims_file(tmp_path, target):
    link = tmp_path / "claims.md"
    link.symlink_to(target)
    with pytest.raises(symnn.SymnnError, match="not a regular file"):
        claims_from_file(link)


def test_a_sum_over_examples_of_a_constant_matrix_is_m_times_it(checker):
    # found by the long fuzz run: the example sum of a constant had no example axis (IndexError)
    verdict = checker.grade(r"\frac{\partial L}{\partial w_{3,2}^{[1]}} = \sum_k \left(\begin{bmatrix} 10^{10} \end{bmatrix}\right)")
    assert verdict.verdict == "wrong"


def test_a_chain_continued_over_many_blocks_stays_linear():
    """Blocks that start with = continue the last claim's chain; a claim past the length limit stops
    growing (it is refused anyway), so 200,000 continuations are not 200,000 copies of a growing string."""
    text = "$$ dW1 = dZ1 @ X.T $$\n" + "$$ = 1/m * dZ1 @ X.T $$\n" * 200_000
    with time_limit(20, "splitting the claims"):
        claims = markdown_claims(text)
    assert len(claims) == 1 and claims[0].startswith("dW1 = dZ1 @ X.T = 1/m * dZ1 @ X.T = 1/m")
    assert MAX_CLAIM_LENGTH < len(claims[0]) < MAX_CLAIM_LENGTH + 100
