"""The command line: derive, --json, build; bad input gives one line, exit code 2, no traceback."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import sympy as sp

from reference_network import ReferenceNetwork, close, evaluate
from symnn.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_derive_prints_every_parameter(capsys):
    assert main(["derive", "2-2-1"]) == 0
    out = capsys.readouterr().out
    for name in ["w1_1_1", "w1_1_2", "w1_2_1", "w1_2_2", "b1_1", "b1_2", "w2_1_1", "w2_1_2", "b2_1"]:
        assert f"[{name}]" in out
    assert "dL/da^[2] * da^[2]/dz^[2] * dz^[2]/da^[1]_1 * da^[1]_1/dz^[1]_1 * dz^[1]_1/dw^[1]_11" in out


def test_derive_json_closed_forms_read_back_and_match_diff(capsys):
    """The `sympy` strings are SymPy-parsable and equal SymPy's diff of the expanded loss."""
    assert main(["derive", "2-3-1", "--act", "tanh,sigmoid", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spec"]["sizes"] == [2, 3, 1]
    assert len(data["parameters"]) == data["spec"]["parameter_count"] == 13
    reference = ReferenceNetwork((2, 3, 1), ["tanh", "sigmoid"], "bce")
    loss = reference.loss_expression()
    point = reference.random_point(5)
    values = reference.unit_values(point)
    for entry in data["parameters"]:
        names = {str(s): s for s in values}
        closed = sp.sympify(entry["closed_form"]["sympy"], locals=names)  # our own output, not a person's text
        parameter = sp.Symbol(entry["name"])
        assert close(evaluate(closed, values), evaluate(sp.diff(loss, parameter), point)), entry["name"]
        assert entry["factors"][0]["of"] == "L"
        assert entry["closed_form"]["latex"]
    assert {d["symbol"] for d in data["deltas"]} >= {r"\delta^{[2]}", r"\delta^{[1]}_{3}"}


def test_derive_param_selection_and_unknown_param(capsys):
    assert main(["derive", "2-2-1", "--param", "w2_1_1"]) == 0
    out = capsys.readouterr().out
    assert "[w2_1_1]" in out and "[w1_1_1]" not in out
    assert main(["derive", "2-2-1", "--param", "w9_9_9"]) == 2
    assert "no parameter named w9_9_9" in capsys.readouterr().err


def test_large_network_shows_representatives(capsys):
    assert main(["derive", "784-128-10", "--act", "relu,softmax"]) == 0
    out = capsys.readouterr().out
    assert "Showing 4 of 101770 parameters" in out


@pytest.mark.parametrize("args,message", [
    (["derive", "2-0-1"], "layer 1 has size 0"),
    (["derive", "2-2-1", "--act", "sigmod"], "unknown activation"),
    (["derive", "2-2-1", "--act", "__import__('os').system('true')"], "cannot be called"),
    (["derive", "2-2-1", "--layout", "diagonal"], "invalid choice"),
    (["derive"], "required: spec"),
    (["frobnicate"], "invalid choice"),
    (["derive", "missing.toml"], "not found"),
])
def test_bad_input_is_one_line_exit_2_no_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symnn: error:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_build_writes_derivation_and_passing_report(tmp_path):
    result = run_cli("build", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "all match" in result.stdout
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "2-2-1_sigmoid-sigmoid_bce.derivation.json" in files
    report = (tmp_path / "out" / "2-2-1_sigmoid-sigmoid_bce.report.txt").read_text()
    parameter_rows = re.findall(r"^[wb]\d\S*\s.*\sok$", report, re.M)  # one per parameter (the module's check adds its own line)
    assert len(parameter_rows) == 9 and "WRONG" not in report


def test_build_is_deterministic_and_refuses_foreign_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert run_cli("build", "-o", str(first)).returncode == 0
    assert run_cli("build", "-o", str(second)).returncode == 0
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes()
    victim = first / "2-2-1_sigmoid-sigmoid_bce.report.txt"
    victim.write_text("my own notes\n")
    result = run_cli("build", "-o", str(first))
    assert result.returncode == 2 and "was not written by symnn" in result.stderr
    assert victim.read_text() == "my own notes\n"


def test_a_refused_build_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "2-2-1_sigmoid-sigmoid_bce.report.txt").write_text("mine\n")
    assert run_cli("build", "-o", str(out)).returncode == 2
    assert sorted(p.name for p in out.iterdir()) == ["2-2-1_sigmoid-sigmoid_bce.report.txt"]


def test_json_latex_reads_like_the_seed(capsys):
    """Seed 000 writes dL/dw11 = (a^{[2]} - y) w^{[2]}_{11} a^{[1]}_1 (1 - a^{[1]}_1) x_1, in chain order."""
    assert main(["derive", "2-2-1", "--json", "--param", "w1_1_1"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["parameters"]
    assert entry["latex"] == "w^{[1]}_{11}"
    assert entry["closed_form"]["latex"] == (
        r"\left(a^{[2]} - y\right) w^{[2]}_{11} a^{[1]}_{1} \left(1 - a^{[1]}_{1}\right) x_{1}"
    )
    assert [f["wrt"] for f in entry["factors"]] == ["a^{[2]}", "z^{[2]}", "a^{[1]}_{1}", "z^{[1]}_{1}", "w^{[1]}_{11}"]


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    result = run_cli("build", "-o", str(blocker / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("symnn: error:") and "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder\n"


def test_a_wide_network_lists_representatives_quickly():
    """1,059,850 parameters: names and factors are made only for what is shown (run_cli's timeout
    would stop a listing that built all of them)."""
    result = run_cli("derive", "1024-1024-10", "--act", "relu,softmax")
    assert result.returncode == 0, result.stderr
    assert "Showing 4 of 1059850 parameters" in result.stdout


@pytest.mark.parametrize("layout,name,expected", [("column", "w1_3_2", "dL/dw^[1]_32"), ("row", "w1_2_3", "dL/dw^[1]_23")])
def test_param_names_are_matrix_positions_in_either_layout(capsys, layout, name, expected):
    assert main(["derive", "2-3-1", "--layout", layout, "--param", name, "--param", "b2_1"]) == 0
    headings = [line.split()[0] for line in capsys.readouterr().out.splitlines() if line.startswith("dL/d")]
    assert headings == [expected, "dL/db^[2]"]
    assert main(["derive", "2-3-1", "--layout", layout, "--param", "w1_3_3"]) == 2  # outside W1 either way
