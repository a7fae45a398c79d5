"""`symnn check`: exit codes, --json for autograders, --file with lines or Markdown $$ blocks, the API."""
import json

import pytest

import symnn
from symnn.check import markdown_claims
from symnn.cli import main

RIGHT = "dW2 = 1/m * dZ2 @ A1.T"
WRONG = "dW2 = dZ2 @ A1.T"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_all_correct_exits_0(capsys):
    code, out, _ = run(capsys, "check", "2-3-3-1", RIGHT, "db2 = np.sum(dZ2, axis=1, keepdims=True) / m")
    assert code == 0
    assert out.count("correct:") == 2 and out.rstrip().endswith("2 claim(s): 2 correct")


def test_any_wrong_exits_1_and_says_why(capsys):
    code, out, _ = run(capsys, "check", "2-3-3-1", RIGHT, WRONG)
    assert code == 1
    assert "WRONG: " + WRONG in out
    assert "mistake: missing 1/m" in out
    assert "counter-example" in out and "correct: dW2 = 1/m" in out


def test_unusable_claim_exits_2(capsys):
    code, out, _ = run(capsys, "check", "2-3-3-1", RIGHT, "dW2 = q @ A1.T")
    assert code == 2
    assert "unknown name 'q'" in out


def test_bad_spec_is_one_line_exit_2(capsys):
    code, _, err = run(capsys, "check", "2-0-1", RIGHT)
    assert code == 2 and err.startswith("symnn: error: layer 1 has size 0")


def test_spec_options_may_come_before_the_claims(capsys):
    code, out, _ = run(capsys, "check", "2-4-1", "--act", "tanh,sigmoid", "dZ1 = W2.T @ dZ2 * (1 - A1**2)")
    assert code == 0, out


def test_json_output_for_autograders(capsys):
    code, out, _ = run(capsys, "check", "2-3-3-1", RIGHT, WRONG, "--json")
    report = json.loads(out)
    assert code == report["exit_code"] == 1
    assert report["summary"] == {"correct": 1, "wrong": 1}
    wrong = report["claims"][1]
    assert wrong["verdict"] == "wrong" and wrong["target"] == "dW2"
    assert set(wrong["counterexample"]) >= {"point", "claimed", "correct", "inputs"}
    assert wrong["diagnosis"].startswith("missing 1/m")
    assert report["spec"] == symnn.network("2-3-3-1").command_line()


def test_file_with_one_claim_per_line(capsys, tmp_path):
    path = tmp_path / "claims.txt"
    path.write_text(f"# my homework\n{RIGHT}\n\n{WRONG}\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "2-3-3-1", "--file", str(path))
    assert code == 1 and "2 claim(s): 1 correct, 1 wrong" in out


def test_markdown_blocks_are_claims(capsys, tmp_path):
    path = tmp_path / "homework.md"
    path.write_text(r"""# Backprop
The output layer:
$$\frac{\partial L}{\partial z^{[3]}} = a^{[3]} - y$$
and the rest, aligned:
$$\begin{aligned}
\frac{\partial L}{\partial \mathbf{z}^{[1]}} &= \frac{\partial L}{\partial \mathbf{a}^{[1]}} \circ (\mathbf{a}^{[1]} \circ (1 - \mathbf{a}^{[1]})) \\
\frac{\partial L}{\partial W^{[1]}} &= \frac{\partial L}{\partial \mathbf{z}^{[1]}}
   \mathbf{x}^T
\end{aligned}$$
""", encoding="utf-8")
    assert len(markdown_claims(path.read_text())) == 3
    code, out, _ = run(capsys, "check", "2-3-3-1", "--file", str(path))
    assert code == 0, out


def test_missing_file_and_nothing_to_check(capsys, tmp_path):
    code, _, err = run(capsys, "check", "2-3-3-1", "--file", str(tmp_path / "none.txt"))
    assert code == 2 and "not found" in err
    code, _, err = run(capsys, "check", "2-3-3-1")
    assert code == 2 and "nothing to check" in err


def test_help_says_code_is_run(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "RUNS" in out and "one place symnn runs someone's code" in out and "sandbox" in out


def test_python_api_mirrors_the_command():
    report = symnn.check("2-3-3-1", [RIGHT, WRONG])
    assert [v.verdict for v in report.verdicts] == ["correct", "wrong"]
    assert report.exit_code == 1
    assert symnn.check("2-2-1", r"\frac{\partial L}{\partial b^{[2]}} = \hat{y} - y").exit_code == 0
