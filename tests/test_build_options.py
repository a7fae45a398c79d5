"""Issue 14: build has --force, --lang and --format; a PDF asked for by name that cannot be made is a
non-zero exit (the default's PDF stays optional)."""
from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args, path=None):
    env = dict(os.environ, PYTHONPATH=ROOT)
    if path is not None:
        env["PATH"] = path  # no pdflatex on it
    return subprocess.run([sys.executable, "-m", "symnn", *args], capture_output=True, text=True, env=env, timeout=300)


def test_a_pdf_asked_for_by_name_without_pdflatex_is_an_error_and_the_tex_is_still_written(tmp_path):
    result = run_cli("sheet", "2-1", "--act", "linear", "--loss", "half_se", "--format", "pdf", "-o", str(tmp_path),
                     path=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("symnn: error: the PDF asked for") and result.stderr.count("\n") == 1
    assert [p.suffix for p in tmp_path.iterdir() if p.name.endswith(".tex")] == [".tex"]


def test_the_default_formats_without_pdflatex_succeed_with_a_note(tmp_path):
    result = run_cli("sheet", "2-1", "--act", "linear", "--loss", "half_se", "-o", str(tmp_path), path=str(tmp_path))
    assert result.returncode == 0 and "note:" in result.stdout and "no PDF" in result.stdout


def test_build_writes_the_sheet_in_the_asked_language_and_formats_and_force_overwrites(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    foreign = out / "2-1_linear_half_se.report.txt"
    foreign.write_text("my own notes\n")
    args = ("build", "2-1", "--act", "linear", "--loss", "half_se", "-o", str(out), "--lang", "vi", "--format", "md")
    refused = run_cli(*args)
    assert refused.returncode == 2 and "--force" in refused.stderr and foreign.read_text() == "my own notes\n"
    result = run_cli(*args, "--force")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "2-1_linear_half_se.sheet.vi.md" in names
    assert not any(n.endswith((".tex", ".pdf")) or ".sheet.en." in n for n in names)
    assert foreign.read_text() != "my own notes\n"
