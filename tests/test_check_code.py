"""`symnn check SPEC --code student.py`: a person's backward_propagation runs in a sandbox (or, where
none can run, unsandboxed with --trust-code) and is graded per gradient against symnn's own gradients.
The sandbox's own guarantees are in test_sandbox_attacks.py."""
import textwrap

import pytest

import symnn
from symnn.check.code import check_code
from symnn.check.compare import Checker

from sandbox_support import DLS_PLANAR

RIGHT = DLS_PLANAR  # the course's own planar-data solution


@pytest.fixture(scope="module")
def checker():
    return Checker(symnn.network("2-4-1", act="tanh,sigmoid", loss="bce"))


def graded(checker, path, **options):
    """The sandbox where bubblewrap runs, else (trust_code) a plain process: these tests are about grading."""
    return check_code(checker, path, trust_code=True, **options)


def student(tmp_path, source):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_the_course_solution_is_right(checker, tmp_path):
    report = graded(checker, student(tmp_path, RIGHT))
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
    report = graded(checker, student(tmp_path, RIGHT.replace(*change)))
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
    report = graded(checker, student(tmp_path, "def backward_propagation(p, c, X, Y):\n    while True:\n        pass\n"), seconds=2)
    assert report.verdict == "error" and "did not finish within 2 s" in report.message


@pytest.mark.parametrize("source, words", [
    ("def backward_propagation(p, c, X, Y):\n    return 1 / 0\n", "ZeroDivisionError"),
    ("x = 1\n", "no backward_propagation"),
    ("def backward_propagation(p, c, X, Y):\n    return [1]\n", "not a dict"),
    ("def backward_propagation(p, c, X, Y):\n    return {}\n", None),
    ("syntax error here(\n", "SyntaxError"),
])
def test_broken_code_is_reported_in_one_line(checker, tmp_path, source, words):
    report = graded(checker, student(tmp_path, source))
    if words is None:
        assert report.verdict == "wrong" and all(g.verdict == "missing" for g in report.gradients)
    else:
        assert report.verdict == "error" and words in report.message and "\n" not in report.message


def test_the_code_runs_in_another_process_and_folder(checker, tmp_path):
    source = RIGHT + "\nimport os\nopen('written_by_student.txt', 'w').write(str(os.getpid()))\n"
    report = graded(checker, student(tmp_path, source))
    assert report.verdict == "correct"
    assert not (tmp_path / "written_by_student.txt").exists()  # it ran in a temporary folder, removed after


# --- the sandbox, the seed and the formats (issue 11) ---
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import xml.etree.ElementTree as ElementTree  # noqa: E402

import numpy as np  # noqa: E402

from symnn.check import isolation  # noqa: E402
from symnn.check.code import draw_trials  # noqa: E402
from symnn.render import autograder  # noqa: E402


def cli(*args, env=None):
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), **(env or {})}
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, timeout=120, env=environment)


def test_without_a_sandbox_code_is_refused_unless_trusted(tmp_path):
    path = student(tmp_path, RIGHT)
    refused = cli("check", "2-4-1", "--act", "tanh,sigmoid", "--code", str(path), env={"SYMNN_NO_SANDBOX": "1"})
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "install bubblewrap" in refused.stderr and "--trust-code" in refused.stderr
    trusted = cli("check", "2-4-1", "--act", "tanh,sigmoid", "--code", str(path), "--trust-code", "--json",
                  env={"SYMNN_NO_SANDBOX": "1"})
    code = json.loads(trusted.stdout)["code"]
    assert trusted.returncode == 0 and code["verdict"] == "correct" and code["isolation"].startswith("none")


def test_the_seed_is_fresh_reported_and_reproduces_the_inputs(checker):
    one, two = draw_trials(checker, 7), draw_trials(checker, 7)
    other = draw_trials(checker, 8)
    assert all(np.array_equal(a.backprop.sample.X, b.backprop.sample.X) for a, b in zip(one, two))
    assert not np.array_equal(one[0].backprop.sample.X, other[0].backprop.sample.X)
    assert len({t.backprop.m for t in one}) == len(one)  # every trial its own number of examples
    ill = [t for t in one if t.kind == "ill-scaled"]
    assert len(ill) == 1 and np.abs(ill[0].backprop.sample.X).max() > 1e5 and np.abs(ill[0].backprop.Z[1]).max() < 50


def test_central_differences_really_fail_on_the_ill_scaled_trial(checker):
    """The trap's premise, checked independently of the grader: the course's gradient check (central
    differences, epsilon 1e-7) is accurate on an ordinary trial and off by far more than 1e-7 on the
    ill-scaled one, while backprop's formula agrees with symnn's reference on both."""
    for trial in draw_trials(checker, 11):
        bp, s = trial.backprop, trial.backprop.sample

        def cost(W1):
            A1 = np.tanh(W1 @ s.X + s.b[1])
            A2 = 1 / (1 + np.exp(-(s.W[2] @ A1 + s.b[2])))
            return -np.mean(s.Y * np.log(A2) + (1 - s.Y) * np.log(1 - A2))
        numeric = np.zeros_like(s.W[1])
        for index in np.ndindex(numeric.shape):
            step = np.zeros_like(s.W[1])
            step[index] = 1e-7
            numeric[index] = (cost(s.W[1] + step) - cost(s.W[1] - step)) / 2e-7
        exact = ((s.W[2].T @ (bp.A[2] - s.Y)) * (1 - bp.A[1] ** 2)) @ s.X.T / bp.m
        error = np.linalg.norm(numeric - exact) / (np.linalg.norm(numeric) + np.linalg.norm(exact))
        assert np.allclose(exact, bp.batch("W", 1), rtol=1e-12)
        assert (error > 1e-6) if trial.kind == "ill-scaled" else (error < 1e-7)


def _report(checker, tmp_path, source, seed=3):
    from symnn.check import CheckReport

    report = CheckReport(checker.spec)
    report.code = check_code(checker, student(tmp_path, source), seed=seed, trust_code=True)
    return report


def test_gradescope_results_have_a_score_per_gradient(checker, tmp_path):
    report = _report(checker, tmp_path, RIGHT.replace("dZ2 = A2 - Y", "dZ2 = Y - A2").replace(
        "db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)", "db1 = 1 / m * np.sum(-dZ1, axis=1, keepdims=True)"))
    data = json.loads(autograder.gradescope(report))
    tests = {t["name"]: t for t in data["tests"]}
    assert set(tests) == {"dW1", "db1", "dW2", "db2"}
    assert [tests[n]["score"] for n in ("dW1", "db1", "dW2", "db2")] == [0.0, 1.0, 0.0, 0.0]  # two sign flips cancel in db1
    assert all(t["max_score"] == 1.0 for t in data["tests"]) and data["score"] == 1.0
    assert "sign flip" in tests["dW2"]["output"] and str(report.code.seed) in data["output"]


def test_junit_xml_is_well_formed_and_escapes_the_codes_words(checker, tmp_path):
    hostile = "def backward_propagation(p, c, X, Y):\n    raise ValueError('</failure><x a=\"1\">&\\x00\\x1b[31m')\n"
    report = _report(checker, tmp_path, hostile)
    text = autograder.junit(report)
    root = ElementTree.fromstring(text)  # parses: nothing broke out of its element
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["dW1", "db1", "dW2", "db2"]
    assert all(c.find("error") is not None and "</failure><x" in c.find("error").text for c in cases)
    assert "\x1b" not in text and "\x00" not in text and root.get("errors") == "4"


def test_cli_formats(tmp_path):
    path = student(tmp_path, RIGHT)
    for format, check in (("gradescope", lambda out: json.loads(out)["score"] == 4.0),
                          ("junit", lambda out: ElementTree.fromstring(out).get("failures") == "0")):
        run = cli("check", "2-4-1", "--act", "tanh,sigmoid", "--code", str(path), "--trust-code", "--format", format,
                  "--seed", "5")
        assert run.returncode == 0 and check(run.stdout), run.stderr
