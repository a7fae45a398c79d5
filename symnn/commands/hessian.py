"""symnn hessian EXPR [--vars x,y] [--json] [--code FILE] [--sheet DIR]
symnn hessian SIZES --network [--act ...] [--code FILE] [--train [--lr LR]]"""
from __future__ import annotations

import sys

from .. import api
from .common import EXIT_OK, add_function_arguments, add_spec_options, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("hessian", help="gradient, Hessian, critical points and min/max/saddle of a function "
                                    "(or, with --network, the Hessian of a small network's cost)")
    add_function_arguments(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output (fields in the README)")
    parser.add_argument("--code", metavar="FILE", help="also write a NumPy module: f, gradient, hessian, hessian_batch "
                        "(with --network: cost, gradient, hessian over all parameters)")
    parser.add_argument("--sheet", metavar="DIR", help="also write the function sheet into DIR")
    parser.add_argument("--format", default="tex,md", help="with --sheet: tex, md and/or pdf (pdf needs pdflatex) [tex,md]")
    parser.add_argument("--lang", default="en", choices=["en", "vi"], help="with --sheet: language of the prose [en]")
    parser.add_argument("--x0", help="with --sheet: a start for Newton's method, e.g. 4,4, whose table goes on the sheet")
    parser.add_argument("--force", action="store_true", help="overwrite files that symnn did not write")
    group = parser.add_argument_group("networks")
    group.add_argument("--network", action="store_true", help="EXPRESSION is a network spec such as 2-2-1 (at most 60 parameters)")
    add_spec_options(group)
    group.add_argument("--train", action="store_true", help="with --network: train on seeded toy data, damped Newton "
                       "against gradient descent")
    group.add_argument("--lr", type=float, default=1.2, help="with --train: gradient descent's learning rate [1.2]")
    parser.set_defaults(run=run)


def run(args) -> int:
    if args.network:
        return _network(args)
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
        written += api.write_function_sheets(derivation, args.sheet, runs, _formats(args.format), force=args.force, lang=args.lang)
    for path in written:
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _network(args) -> int:
    result = api.network_hessian(args.expression, code=args.code, train=args.train, learning_rate=args.lr,
                                 force=args.force, **spec_options(args))
    sys.stdout.write(result["text"])
    for path in result["files"]:
        print(f"wrote {path}")
    return EXIT_OK


def _formats(text: str) -> list[str]:
    return [f.strip() for f in text.split(",") if f.strip()]
