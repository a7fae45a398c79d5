"""symnn newton EXPR --x0 X0 [--root] [--compare-gd --lr LR] [--plot FILE] [--sheet DIR] [--json]"""
from __future__ import annotations

import sys

from .. import api
from ..newton import DESCENT_ITERATIONS, NEWTON_ITERATIONS, TOLERANCE
from .common import EXIT_OK, EXIT_WRONG, add_function_arguments


def register(subcommands) -> None:
    parser = subcommands.add_parser("newton", help="Newton's method (and gradient descent beside it) with an iteration table")
    add_function_arguments(parser)
    parser.add_argument("--x0", required=True, help="the start: one number per variable, comma-separated (e.g. 4,4; write --x0=-2,1 when it begins with a minus)")
    parser.add_argument("--root", action="store_true", help="find a root f(x) = 0 (one variable) instead of a minimum")
    parser.add_argument("--any-critical", action="store_true",
                        help="keep going where the Hessian is not positive definite (finds saddles and maxima too)")
    parser.add_argument("--compare-gd", action="store_true", help="run gradient descent from the same start beside it")
    parser.add_argument("--lr", type=float, default=0.01, help="gradient descent's learning rate [0.01]")
    parser.add_argument("--tol", type=float, default=TOLERANCE, help=f"stop when |grad f| <= TOL [{TOLERANCE:g}]")
    parser.add_argument("--max-iter", type=int, default=NEWTON_ITERATIONS, help=f"Newton's iteration limit, at most 10000 [{NEWTON_ITERATIONS}]")
    parser.add_argument("--gd-max-iter", type=int, default=DESCENT_ITERATIONS,
                        help=f"gradient descent's iteration limit, at most 1000000 [{DESCENT_ITERATIONS}]")
    parser.add_argument("--plot", metavar="FILE", help="plot |grad f| against k for every run (.png, .svg or .pdf; needs matplotlib)")
    parser.add_argument("--sheet", metavar="DIR", help="also write the function sheet with these tables into DIR")
    parser.add_argument("--format", default="tex,md", help="with --sheet: tex, md and/or pdf (pdf needs pdflatex) [tex,md]")
    parser.add_argument("--lang", default="en", choices=["en", "vi"], help="with --sheet: language of the prose [en]")
    parser.add_argument("--json", action="store_true", help="machine-readable output (fields in the README)")
    parser.add_argument("--force", action="store_true", help="overwrite files that symnn did not write")
    parser.set_defaults(run=run)


def run(args) -> int:
    derivation = api.hessian(args.expression, vars=args.vars, solve_seconds=args.solve_seconds)
    runs = api.newton_runs(
        derivation, args.x0, root=args.root, any_critical=args.any_critical,
        learning_rate=args.lr if args.compare_gd else None, tol=args.tol,
        max_iter=args.max_iter, gd_max_iter=args.gd_max_iter,
    )
    if args.json:
        from ..render.function_report import function_json

        sys.stdout.write(function_json(derivation, runs, critical=False))
    else:
        from ..render.function_report import newton_text

        sys.stdout.write(newton_text(derivation, runs))
    written = []
    if args.plot:
        from ..render.plot import plot_convergence

        written.append(plot_convergence(runs, args.plot, force=args.force))
    if args.sheet:
        written += api.write_function_sheets(derivation, args.sheet, runs, _formats(args.format), force=args.force, lang=args.lang)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK if runs[0].converged else EXIT_WRONG


def _formats(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]
