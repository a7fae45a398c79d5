"""Typed text never becomes code: the payloads of issue 10 (a `#` comment in a custom activation that
ended the module's docstring, `*/` ending the C kernel's comment, a `'` in the Regenerate line), each
tried through every way in, with a canary file that must never appear."""
from __future__ import annotations

import ast
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

import symnn
from symnn.errors import ParseError, SpecError
from symnn.funcspec import parse_function
from symnn.render.codegen import module_source
from symnn.spec import parse_spec

REPO = Path(__file__).resolve().parents[2]

# Each writes the canary CANARY when run as Python, C or shell; {canary} is filled in per test.
PYTHON_DOCSTRING = 'z #"""; import os; os.system("touch {canary}"); """'
C_COMMENT = ('x**2 + y**2 #*/ int system(const char *); __attribute__((constructor)) static void p(void) '
             '{{ system("touch {canary}"); }} /*')
SHELL_QUOTE = "x**2 #'; touch {canary}; echo '"


def run_symnn(*args, cwd):
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin",
                                            "SYMNN_CACHE_DIR": str(Path(cwd) / "cache")})


def assert_refused(result):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("symnn: error: ")


def test_build_refuses_a_commented_activation_and_runs_nothing(tmp_path):
    canary = tmp_path / "PWNED"
    act = PYTHON_DOCSTRING.format(canary=canary)
    result = run_symnn("build", "2-1", "--loss", "half_se", "--act", act, "-o", "b", cwd=tmp_path)
    assert_refused(result)
    assert "comment character" in result.stderr
    assert not canary.exists() and not (tmp_path / "b").exists()


def test_a_toml_spec_with_the_payload_is_refused(tmp_path):
    canary = tmp_path / "PWNED"
    act = PYTHON_DOCSTRING.format(canary=canary)
    (tmp_path / "net.toml").write_text(f"sizes = [2, 1]\nloss = 'half_se'\nactivations = {act!r}\n".replace("\\\\", "\\"))
    (tmp_path / "net2.toml").write_text('sizes = [2, 1]\nloss = "half_se"\nactivations = ["z\\u000a+1"]\n')
    for spec in ("net.toml", "net2.toml"):
        result = run_symnn("build", spec, "-o", "b", cwd=tmp_path)
        assert_refused(result)
    assert not canary.exists() and not (tmp_path / "b").exists()


def test_hessian_network_train_refuses_the_payload(tmp_path):
    canary = tmp_path / "PWNED"
    act = PYTHON_DOCSTRING.format(canary=canary)
    result = run_symnn("hessian", "2-1", "--network", "--train", "--act", act, "--loss", "half_se",
                       "--code", "h.py", cwd=tmp_path)
    assert_refused(result)
    assert not canary.exists() and not (tmp_path / "h.py").exists()


def test_the_c_comment_payload_is_refused_by_the_api(tmp_path):
    canary = tmp_path / "PWNED"
    with pytest.raises(ParseError, match="comment character"):
        symnn.function_module(C_COMMENT.format(canary=canary))
    assert not canary.exists()


@pytest.mark.parametrize("act", ["log(1 + exp(z))", "z/(1 + abs(z))", "max(0.1*z, z)", "(z)", "exp(1)*z + pi",
                                 "sqrt(1 + z^2) - 1", "np.tanh(z)"])
def test_custom_activations_reach_the_module_as_sympys_form_and_read_back(act):
    """The generated module shows SymPy's printing of the activation (never the typed text), and its
    Spec line, split as a shell would, gives back an equal network."""
    spec = parse_spec("2-3-1", act=f"{act},sigmoid")
    source = module_source(spec, "out dir/it's.py")
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    canonical = sp.sstr(spec.activations[0].forward)
    assert canonical in docstring or f"({canonical})" in docstring
    spec_line = next(line for line in docstring.splitlines() if line.startswith("Spec: "))
    words = shlex.split(spec_line[len("Spec: "):])
    again = parse_spec(words[0], act=words[2], loss=words[4], layout=words[6], reduction=words[8])
    assert again.activations[0].forward == spec.activations[0].forward
    regenerate = next(line for line in docstring.splitlines() if line.startswith("Regenerate: "))
    assert shlex.split(regenerate)[-1] == "out dir/it's.py"  # the -o path is one quoted shell word


def test_the_function_modules_regenerate_line_is_shell_quoted_sympy():
    module = symnn.function_module("x^2*y + cos(y) - 3*x", compiled=False)
    line = next(line for line in module.__doc__.splitlines() if line.startswith("Regenerate: "))
    words = shlex.split(line[len("Regenerate: "):])
    assert words[:2] == ["symnn", "hessian"] and words[3:5] == ["--vars", "x,y"]
    x, y = sp.symbols("x y", real=True)
    assert parse_function(words[2], words[4]).expression == x**2 * y + sp.cos(y) - 3 * x


def test_the_c_source_holds_no_typed_name():
    module = symnn.function_module("alpha^2*beta + cos(beta)", compiled=False)
    assert "alpha" not in module.C_SOURCE and "beta" not in module.C_SOURCE
    comments = [part.split("*/")[0] for part in module.C_SOURCE.split("/*")[1:]]
    assert comments and not any("cos" in comment for comment in comments)


@pytest.mark.parametrize("payload", [SHELL_QUOTE, PYTHON_DOCSTRING, "x\n+ y", "x\r+y", "x + \x1b[2Jy", "x\x00+y",
                                     "x\x7f+y", "x\x85+y", "x\u202e+y", "x\u2066+y", "x\u200b+y", "x\u2028+y"])
def test_functions_with_comment_or_control_characters_are_refused(payload, tmp_path):
    with pytest.raises((ParseError, SpecError)) as raised:
        parse_function(payload.format(canary=tmp_path / "PWNED"))
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("act", ["sigmoid\n", "tanh\x00", "relu\x1b[31m", "z\u202e+1", "leaky_relu(0.1)#"])
def test_activation_options_are_refused_not_stripped(act):
    with pytest.raises(SpecError, match="cannot be used"):
        parse_spec("2-2-1", act=act)


def test_a_tab_is_whitespace():
    assert parse_function("x\t+ y").expression == sp.Symbol("x", real=True) + sp.Symbol("y", real=True)
