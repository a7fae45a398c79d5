"""Compiling a LaTeX sheet to PDF with pdflatex: in a temporary folder, with a time limit, and an
atomic move of the finished PDF. Builds are reproducible (SOURCE_DATE_EPOCH, \\pdftrailerid{})."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import SymnnError
from .files import refuse_foreign_files, write_atomic

ENGINE = "pdflatex"
SECONDS = 120
DEBIAN_PACKAGES = (
    "texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-pictures texlive-lang-other lmodern"
)
HOW_TO_GET_PDF = (
    f"{ENGINE} not found, so no PDF was made; install TeX Live (Debian/Ubuntu: apt-get install {DEBIAN_PACKAGES}) "
    f"and run symnn again, or compile the .tex yourself with {ENGINE}"
)


def engine() -> str | None:
    """The path of pdflatex, or None when no LaTeX engine is installed."""
    return shutil.which(ENGINE)


def refuse_foreign_pdf(target: Path, force: bool = False) -> None:
    """A PDF cannot hold its own hash: it counts as symnn's when its SHA-256 is the one recorded in
    the folder's manifest (see `symnn.render.files`); only its bytes up to the size limit are read."""
    refuse_foreign_files([target], force)


def compile_pdf(tex_source: str, target: str | Path, force: bool = False) -> Path:
    """Compile `tex_source` and move the PDF to `target`; a compile error is one line, nothing half-written."""
    executable = engine()
    if executable is None:
        raise SymnnError(HOW_TO_GET_PDF)
    target = Path(target)
    refuse_foreign_pdf(target, force)
    with tempfile.TemporaryDirectory(prefix="symnn-pdf-") as folder:
        source = Path(folder) / "sheet.tex"
        source.write_text(tex_source, encoding="utf-8")
        environment = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")
        command = [executable, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", source.name]
        try:
            subprocess.run(command, cwd=folder, env=environment, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise SymnnError(f"{ENGINE} took longer than {SECONDS} s on {target.name}; no PDF was written") from None
        pdf = Path(folder) / "sheet.pdf"
        if not pdf.is_file():
            raise SymnnError(f"{ENGINE} failed on {target.with_suffix('.tex').name}: {_first_error(Path(folder) / 'sheet.log')}")
        return write_atomic(target, pdf.read_bytes(), marker_required=False)


def _first_error(log: Path) -> str:
    """The first '! ...' line of a LaTeX log, which names what went wrong."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log was written"
    for index, line in enumerate(lines):
        if line.startswith("!"):
            context = next((l.strip() for l in lines[index + 1: index + 4] if l.startswith("l.")), "")
            message = f"{line[1:].strip()} {context}".strip()
            if "not found" in line:  # a missing package or font: say which Debian packages bring them
                message += f"; the sheet needs: apt-get install {DEBIAN_PACKAGES}"
            return message
    return "no PDF was produced (see the LaTeX log)"
