"""`symnn check SPEC --code student.py`: a person's backward_propagation runs in a separate process
with a time limit and is graded per gradient against symnn's own gradients."""
import textwrap

import pytest

import symnn
from symnn.check.code import check_code
from symnn.check.compare import Checker

RIGHT = """
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""


@pytest.fixture(scope="module")
def checker():
    return Checker(symnn.network("2-4-1", act="tanh,sigmoid", loss="bce"))


def student(tmp_path, source):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_the_course_solution_is_right(checker, tmp_path):
    report = check_code(checker, student(tmp_path, RIGHT))
    assert report.verdict == "correct", report.message
    assert [g.name for g in report.gradients] == ["dW1", "db1", "dW2", "db2"]
    assert all(g.relative_error < 1e-12 for g in report.gradients)


@pytest.mark.parametrize("change, gradient, mistake", [
    (("dW1 = 1 / m * np.dot(dZ1, X.T)", "dW1 = np.dot(dZ1, X.T)"), "dW1", "missing 1/m"),
    (("db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)", "db1 = 1 / m * np.sum(dZ1, axis=1)"), "db1", "rank-1"),
    (("(1 - np.power(A1, 2))", "A1 * (1 - A1)"), "dW1", "wrong activation"),
    (("dZ2 = A2 - Y", "dZ2 = Y - A2"), "dW2", "sign flip"),
    (("np.dot(W2.T, dZ2)", "np.dot(W2.T, dZ2).T.T"), None, None),
])
def test_mistakes_are_found_per_gradient_and_named(checker, tmp_path, change, gradient, mistake):
    report = check_code(checker, student(tmp_path, RIGHT.replace(*change)))
    if gradient is None:
        assert report.verdict == "correct"
        return
    result = {g.name: g for g in report.gradients}[gradient]
    assert report.verdict == "wrong" and result.verdict == "wrong"
    assert mistake in result.diagnosis
    if mistake != "rank-1":
        assert result.relative_error > 1e-3
        assert result.first_wrong["got"] != pytest.approx(result.first_wrong["expected"])


def test_a_hanging_function_is_stopped(checker, tmp_path):
    report = check_code(checker, student(tmp_path, "def backward_propagation(p, c, X, Y):\n    while True:\n        pass\n"), seconds=2)
    assert report.verdict == "error" and "did not finish within 2 s" in report.message


@pytest.mark.parametrize("source, words", [
    ("def backward_propagation(p, c, X, Y):\n    return 1 / 0\n", "ZeroDivisionError"),
    ("x = 1\n", "no backward_propagation"),
    ("def backward_propagation(p, c, X, Y):\n    return [1]\n", "not a dict"),
    ("def backward_propagation(p, c, X, Y):\n    return {}\n", None),
    ("syntax error here(\n", "SyntaxError"),
])
def test_broken_code_is_reported_in_one_line(checker, tmp_path, source, words):
    report = check_code(checker, student(tmp_path, source))
    if words is None:
        assert report.verdict == "wrong" and all(g.verdict == "missing" for g in report.gradients)
    else:
        assert report.verdict == "error" and words in report.message and "\n" not in report.message


def test_the_code_runs_in_another_process_and_folder(checker, tmp_path):
    source = RIGHT + "\nimport os\nopen('written_by_student.txt', 'w').write(str(os.getpid()))\n"
    report = check_code(checker, student(tmp_path, source))
    assert report.verdict == "correct"
    assert not (tmp_path / "written_by_student.txt").exists()  # it ran in a temporary folder, removed after
