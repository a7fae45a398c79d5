"""How long a derivation sheet takes, stage by stage, for the seed networks, side by side.

Stages (each network in a fresh interpreter, so every cache starts cold): parse the spec and import
symnn; lay out the sheet and render it as LaTeX and Markdown from one context (this is where the
per-weight gradients, activation steps and vectorised equations with their proof are derived, as
`symnn sheet` does); and pdflatex on the .tex. No BLAS is involved (SymPy and TeX only);
threadpoolctl's report is printed anyway so tables from different machines can be compared.

    python benchmarks/sheet_speed.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NETWORKS = [  # the seed networks of symnn/examples.py, as CLI arguments
    "2-2-1 --act sigmoid --loss bce",
    "2-4-1 --act tanh,sigmoid --loss bce",
    "2-3-3-1 --act sigmoid --loss bce",
    "784-128-10 --act relu,softmax --loss cce --layout row",
]

STAGES = """
import sys, time
t0 = time.perf_counter()
from symnn.cli import make_parser
from symnn.commands.common import spec_options
from symnn.api import derive
from symnn.render.sheets import render_sheets
args = make_parser().parse_args(["derive", *sys.argv[1].split()])
derivation = derive(args.spec, **spec_options(args))
t1 = time.perf_counter()
texts = render_sheets(derivation, ("tex", "md"), "en")
t2 = time.perf_counter()
open(sys.argv[2], "w", encoding="utf-8").write(texts["tex"])
print(t1 - t0, t2 - t1, len(texts["tex"]), len(texts["md"]))
"""


def run_stages(network: str, tex_path: Path) -> tuple[float, float, int, int]:
    out = subprocess.run([sys.executable, "-c", STAGES, network, str(tex_path)], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def pdflatex_seconds(tex_path: Path) -> tuple[float, int] | None:
    if shutil.which("pdflatex") is None:
        return None
    start = time.perf_counter()
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", tex_path.name],
                   cwd=tex_path.parent, capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    info = subprocess.run(["pdfinfo", tex_path.with_suffix(".pdf").name], cwd=tex_path.parent,
                          capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
    return elapsed, pages


def blas_note() -> str:
    try:
        from threadpoolctl import threadpool_info

        pools = [f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)" for p in threadpool_info()]
        return ", ".join(pools) or "no BLAS loaded"
    except ImportError:
        return "threadpoolctl not installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per network; the best is shown")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, BLAS: {blas_note()} (not used by sheets)")
    header = f"{'network':<56} {'import+spec s':>13} {'tex+md s':>8} {'pdflatex s':>10} {'pages':>5} {'tex KB':>6} {'md KB':>6}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for network in NETWORKS:
            tex_path = Path(folder) / "sheet.tex"
            runs = [run_stages(network, tex_path) for _ in range(args.repeat)]
            setup_s, sheets_s = min(r[0] for r in runs), min(r[1] for r in runs)
            pdfs = [pdflatex_seconds(tex_path) for _ in range(args.repeat)]
            pdf = "n/a" if pdfs[0] is None else f"{min(p[0] for p in pdfs):.2f}"
            pages = "" if pdfs[0] is None else str(pdfs[0][1])
            print(f"{network:<56} {setup_s:>13.2f} {sheets_s:>8.2f} {pdf:>10} {pages:>5} {runs[0][2] / 1024:>6.1f} {runs[0][3] / 1024:>6.1f}")


if __name__ == "__main__":
    main()
