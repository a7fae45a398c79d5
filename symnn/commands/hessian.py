"""symnn hessian EXPR [--vars x,y] [--json] [--code FILE] [--sheet DIR]"""
from __future__ import annotations

import sys

from .. import api
from .common import EXIT_OK, add_function_arguments


def register(subcommands) -> None:
    parser = subcommands.add_parser("hessian", help="gradient, Hessian, critical points and min/max/saddle of a function")
    add_function_arguments(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output (fields in the README)")
    parser.add_argument("--code", metavar="FILE", help="also write a NumPy module with f, gradient, hessian, hessian_batch")
    parser.add_argument("--sheet", metavar="DIR", help="also write the function sheet (LaTeX and Markdown) into DIR")
    parser.add_argument("--format", default="tex,md", help="with --sheet: tex, md and/or pdf (pdf needs pdflatex) [tex,md]")
    parser.add_argument("--x0", help="with --sheet: a start for Newton's method, e.g. 4,4, whose table goes on the sheet")
    parser.add_argument("--force", action="store_true", help="overwrite files that symnn did not write")
    parser.set_defaults(run=run)


def run(args) -> int:
    derivation = api.hessian(args.expression, vars=args.vars, solve_seconds=args.solve_seconds)
    if args.json:
        from ..render.function_report import function_json

        sys.stdout.write(function_json(derivation))
    else:
        from ..render.function_report import hessian_text

        sys.stdout.write(hessian_text(derivation))
    written = []
    if args.code:
        written.append(api.write_function_code(derivation, args.code, force=args.force))
    if args.sheet:
        runs = api.newton_runs(derivation, args.x0) if args.x0 else []
        written += api.write_function_sheets(derivation, args.sheet, runs, _formats(args.format), force=args.force)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _formats(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]
