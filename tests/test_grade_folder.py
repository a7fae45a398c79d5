"""`symnn grade SPEC submissions/ --out results.csv`: a folder graded in parallel, one sandbox each,
the same CSV for the same seed, resumable, one reproducible seed per row."""
import csv
import io
import os
import subprocess
import sys

import pytest

import symnn
from symnn.check.code import check_code
from symnn.check.compare import Checker
from symnn.check.grade import grade_folder, submission_seed

from sandbox_support import DLS_PLANAR, needs_sandbox, write

SPEC = dict(act="tanh,sigmoid", loss="bce")


@pytest.fixture
def folder(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    write(submissions, DLS_PLANAR, "alice.py")
    write(submissions, DLS_PLANAR.replace("dZ2 = A2 - Y", "dZ2 = Y - A2"), "bob.py")
    write(submissions, DLS_PLANAR, "=HYPERLINK(1).py")  # a name a spreadsheet would run
    (submissions / "carol").mkdir()
    write(submissions / "carol", DLS_PLANAR.replace("db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)", "db2 = 0"), "student.py")
    (submissions / "dave").mkdir()  # nothing handed in
    return submissions


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@needs_sandbox
def test_a_folder_is_graded_one_row_per_submission_and_the_same_for_a_seed(folder, tmp_path):
    spec = symnn.network("2-4-1", **SPEC)
    out = tmp_path / "results.csv"
    counts = grade_folder(spec, folder, out, seed=42, workers=2)
    table = {r["submission"]: r for r in rows(out)}
    assert list(table) == sorted(table)  # sorted, whatever order the workers finished in
    assert table["alice.py"]["verdict"] == "correct" and table["alice.py"]["score"] == "4"
    assert table["bob.py"]["verdict"] == "wrong" and table["bob.py"]["score"] == "0"
    assert table["carol"]["score"] == "3" and table["carol"]["db2"] == "wrong" and table["carol"]["dW1"] == "right"
    assert table["dave"]["verdict"] == "error" and "no .py file" in table["dave"]["message"]
    assert "'=HYPERLINK(1).py" in table and counts["graded"] == 5
    again = tmp_path / "again.csv"
    grade_folder(spec, folder, again, seed=42, workers=1)
    assert again.read_bytes() == out.read_bytes()
    seed = int(table["bob.py"]["seed"])  # a row's seed reruns that submission exactly
    assert seed == submission_seed(42, "bob.py")
    single = check_code(Checker(spec), folder / "bob.py", seed=seed)
    assert single.verdict == "wrong" and single.message == table["bob.py"]["message"]


@needs_sandbox
def test_an_interrupted_run_resumes_with_what_it_had(folder, tmp_path):
    spec = symnn.network("2-4-1", **SPEC)
    out = tmp_path / "results.csv"
    grade_folder(spec, folder, out, seed=7)
    lines = out.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], [l for l in lines if l.startswith("alice.py,")][0]
    out.write_text(header + "\n" + first.replace("all 4 gradients", "KEPT: all 4 gradients") + "\n", encoding="utf-8")
    counts = grade_folder(spec, folder, out)  # no --seed: the file's own
    assert counts["seed"] == 7 and counts["skipped"] == 1 and counts["graded"] == 4
    table = {r["submission"]: r for r in rows(out)}
    assert table["alice.py"]["message"].startswith("KEPT") and len(table) == 5
    counts = grade_folder(spec, folder, out, seed=8)  # another seed: everything again
    assert counts["graded"] == 5 and all(r["run_seed"] == "8" for r in rows(out))


def test_the_command_line(folder, tmp_path):
    out = tmp_path / "r.csv"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "SYMNN_NO_SANDBOX": "1"}
    command = [sys.executable, "-m", "symnn", "grade", "2-4-1", "--act", "tanh,sigmoid", "--loss", "bce", str(folder),
               "--out", str(out), "--seed", "3"]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment)
    assert refused.returncode == 2 and "install bubblewrap" in refused.stderr and not out.exists()
    done = subprocess.run(command + ["--trust-code", "--workers", "2"], capture_output=True, text=True, timeout=300,
                          env=environment)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "5 graded" in done.stderr and "\r" not in done.stderr  # no bar off a terminal
    assert len(rows(out)) == 5
    for bad in (["--workers", "0"], ["--time-limit", "nan"], ["--name", "../x.py"]):
        run = subprocess.run(command + bad, capture_output=True, text=True, timeout=60, env=environment)
        assert run.returncode == 2 and run.stderr.count("\n") == 1
