"""One context for every output about a function (terminal text, LaTeX and Markdown sheets, JSON):
gradient, Hessian, critical points with the eigenvalue test, and Newton / gradient-descent tables.
"""
from __future__ import annotations

import json
from pathlib import Path

import sympy as sp

from .. import __version__
from ..derive.functions import GRID_RADIUS, GRID_STARTS, FunctionDerivation
from ..errors import SpecError
from ..newton import ROOT, Run
from .environment import make_environment, render
from .files import MARKER, write_atomic
from .printers import CourseLatexPrinter, to_latex, to_sympy_string
from .sheetmath import fits_a_line, fitted_lines

SHOW_FIRST, SHOW_LAST = 12, 3  # rows of a long iteration table that are shown
SHEET_FORMATS = {"tex": "latex/function_sheet.tex.jinja", "md": "markdown/function_sheet.md.jinja", "pdf": None}


def shown_rows(run: Run) -> list:
    """The first and last rows of a long table, with None where rows are left out."""
    rows = run.rows
    if len(rows) <= SHOW_FIRST + SHOW_LAST + 1:
        return list(rows)
    return rows[:SHOW_FIRST] + [None] + rows[-SHOW_LAST:]


def report_context(derivation: FunctionDerivation, runs: list[Run] = (), critical: bool = True) -> dict:
    spec = derivation.spec
    points = derivation.critical_points if critical else None
    return {
        "spec": spec,
        "variables": list(spec.variables),
        "expression": spec.expression,
        "gradient": list(zip(spec.variables, derivation.gradient)),
        "hessian": derivation.hessian,
        "hessian_names": _second_derivative_names(spec.variables) if spec.n <= 4 else None,
        "critical": points,
        "runs": [{"run": run, "rows": shown_rows(run)} for run in runs],
        "command": regenerating_command(derivation, runs),
    }


def _second_derivative_names(variables) -> sp.Matrix:
    """The seeds' notation for the Hessian's entries: f_{xx}, f_{xy}, ..."""
    names = [to_latex(v) for v in variables]
    return sp.Matrix(len(names), len(names), lambda i, j: sp.Symbol(f"f_{{{names[i]} {names[j]}}}"))


def regenerating_command(derivation: FunctionDerivation, runs: list[Run] = ()) -> str:
    """The command that makes this output again: symnn hessian, or symnn newton with the runs' options."""
    spec = derivation.spec
    if not runs:
        return f"symnn hessian {spec.command_line()} --sheet DIR"
    start = ",".join(repr(v) for v in runs[0].rows[0].x)
    parts = [f"symnn newton {spec.command_line()} --x0{'=' if start.startswith('-') else ' '}{start}"]
    if runs[0].method == ROOT:
        parts.append("--root")
    parts += [f"--compare-gd --lr {run.learning_rate!r}" for run in runs if run.learning_rate is not None]
    return " ".join(parts + ["--sheet DIR"])


def hessian_text(derivation: FunctionDerivation) -> str:
    return render("text/hessian.txt.jinja", **report_context(derivation))


def newton_text(derivation: FunctionDerivation, runs: list[Run]) -> str:
    return render("text/newton.txt.jinja", **report_context(derivation, runs, critical=False))


def sheet_prose(lang: str) -> dict:
    """The function sheet's words in one language (the [function_sheet] table of symnn/i18n/<lang>.toml)."""
    from .sheets import prose

    return prose(lang)["function_sheet"]


def _critical_note(points, words: dict, n: int) -> str:
    if points.solved_exactly:
        return words["solved"]
    return words["numeric"] % {"starts": GRID_STARTS, "radius": f"{GRID_RADIUS:g}", "n": n}


def _outcome(run: Run, words: dict) -> str:
    return words["outcomes"][run.status] % {"k": run.rows[-1].k if run.rows else 0}


def render_function_sheet(derivation: FunctionDerivation, fmt: str, runs: list[Run] = (), lang: str = "en") -> str:
    from .sheets import texttt
    from .step_notes import MAX_SHOWN_STEPS, partial_derivative_steps

    words = sheet_prose(lang)
    env = make_environment({})
    env.filters["texttt"] = texttt
    env.filters["lines"] = lambda expression, lhs="": fitted_lines(expression, lhs=lhs, printer=CourseLatexPrinter)
    env.tests["one_line"] = fits_a_line
    context = report_context(derivation, runs)
    if context["critical"] is not None:
        context["critical_note"] = _critical_note(context["critical"], words, derivation.spec.n)
    for item in context["runs"]:
        item["outcome"] = _outcome(item["run"], words)
    context["command"] += f" --lang {lang}"
    context["gradient_steps"] = partial_derivative_steps(derivation, lang)
    context["step_limit"] = MAX_SHOWN_STEPS
    return env.get_template(SHEET_FORMATS[fmt]).render(marker=MARKER, t=words, lang=lang, **context)


def write_function_sheets(derivation: FunctionDerivation, out_dir, runs: list[Run] = (), formats=("tex", "md"),
                          force: bool = False, lang: str = "en") -> list[Path]:
    """The sheet as .tex and .md (and .pdf with pdflatex, which needs the .tex beside it), named
    <slug>.function_sheet.<lang>.<format> like the network sheets."""
    from .pdf import compile_pdf

    unknown = [f for f in formats if f not in SHEET_FORMATS]
    if unknown:
        raise SpecError(f"unknown sheet format {unknown[0]!r} (known: {', '.join(SHEET_FORMATS)})")
    sheet_prose(lang)  # an unknown language fails before anything is written
    stem = Path(out_dir) / f"{derivation.spec.slug}.function_sheet.{lang}"
    written = []
    tex = render_function_sheet(derivation, "tex", runs, lang) if {"tex", "pdf"} & set(formats) else None
    if tex is not None:
        written.append(write_atomic(stem.with_name(stem.name + ".tex"), tex, force=force))
    if "md" in formats:
        written.append(write_atomic(stem.with_name(stem.name + ".md"), render_function_sheet(derivation, "md", runs, lang), force=force))
    if "pdf" in formats:
        written.append(compile_pdf(tex, stem.with_name(stem.name + ".pdf"), force=force))
    return written


# --- JSON ---
def _formula(expression) -> dict:
    return {"latex": to_latex(expression), "sympy": to_sympy_string(expression)}


def _run_dict(run: Run) -> dict:
    return {
        "method": run.method,
        "learning_rate": run.learning_rate,
        "status": run.status,
        "message": run.message,
        "iterations": run.iterations,
        "rows": [{"k": r.k, "x": list(r.x), "f": r.value, "grad_norm": r.gradient_norm, "step": r.step_norm} for r in run.rows],
    }


def function_dict(derivation: FunctionDerivation, runs: list[Run] = (), critical: bool = True) -> dict:
    spec = derivation.spec
    result = {
        "generator": f"{MARKER} {__version__}",
        "function": {"expression": _formula(spec.expression), "variables": list(spec.names),
                     "command_line": spec.command_line()},
        "gradient": [_formula(g) for g in derivation.gradient],
        "hessian": [[_formula(h) for h in row] for row in derivation.hessian.tolist()],
    }
    if critical:
        points = derivation.critical_points
        result["critical_points"] = {
            "solved_exactly": points.solved_exactly,
            "note": points.note,
            "points": [
                {
                    "method": p.method,
                    "values": [_formula(sp.sympify(v)) if p.exact else float(v) for v in p.values],
                    "numeric": list(p.numeric),
                    "eigenvalues": [_formula(e) if p.exact and isinstance(e, sp.Basic) else float(e) for e in p.eigenvalues],
                    "numeric_eigenvalues": list(p.numeric_eigenvalues),
                    "kind": p.kind,
                }
                for p in points.points
            ],
            "sets": [[_formula(v) for v in s.values] for s in points.sets],
        }
    if runs:
        result["runs"] = [_run_dict(run) for run in runs]
    return result


def function_json(derivation: FunctionDerivation, runs: list[Run] = (), critical: bool = True) -> str:
    return json.dumps(function_dict(derivation, runs, critical), indent=2, ensure_ascii=False) + "\n"
