"""The LaTeX sheets compile with pdflatex, without errors or lines running off the page, and render."""
import re
import shutil
import subprocess

import pytest

from sheets_support import SEEDS, sheet
from symnn.errors import SymnnError
from symnn.render.pdf import compile_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftoppm") is None,
    reason="pdflatex and pdftoppm are needed (.ci/run installs texlive and poppler-utils from Debian)",
)
FLAGS = ["-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape"]


@pytest.mark.slow
@pytest.mark.parametrize("sizes, lang", [(s, "en") for s in SEEDS] + [("2-2-1", "vi")])
def test_the_seed_sheets_compile_cleanly_and_page_one_renders(tmp_path, sizes, lang):
    (tmp_path / "sheet.tex").write_text(sheet(sizes, "tex", lang), encoding="utf-8")
    run = subprocess.run(["pdflatex", *FLAGS, "sheet.tex"], cwd=tmp_path, capture_output=True, timeout=180)
    log = (tmp_path / "sheet.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and not errors, errors[:3]
    too_wide = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(w < 10 for w in too_wide), f"lines run off the page by {too_wide} pt"
    assert "Missing character" not in log, "a glyph the font lacks (Vietnamese needs T5 fonts)"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "sheet.pdf", "page"], cwd=tmp_path, check=True)
    (png,) = tmp_path.glob("page*.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


@pytest.mark.slow
def test_pdfs_are_byte_identical_between_builds(tmp_path):
    source = sheet("2-2-1", "tex", "en")
    first = compile_pdf(source, tmp_path / "a.pdf").read_bytes()
    second = compile_pdf(source, tmp_path / "b.pdf").read_bytes()
    assert first == second and first.startswith(b"%PDF")


def test_a_latex_error_is_one_line_and_writes_no_pdf(tmp_path):
    broken = "\\documentclass{article}\n\\begin{document}\n\\undefinedcommand\n\\end{document}\n"
    with pytest.raises(SymnnError, match="Undefined control sequence") as caught:
        compile_pdf(broken, tmp_path / "x.pdf")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "x.pdf").exists() and list(tmp_path.iterdir()) == []


def test_a_pdf_symnn_did_not_write_is_not_overwritten(tmp_path):
    target = tmp_path / "mine.pdf"
    target.write_bytes(b"%PDF-1.5 my own thesis")
    with pytest.raises(SymnnError, match="not written by symnn"):
        compile_pdf(sheet("2-2-1", "tex", "en"), target)
    assert target.read_bytes() == b"%PDF-1.5 my own thesis"
