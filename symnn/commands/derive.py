"""symnn derive SPEC [--json] [--param NAME] [--all]"""
from __future__ import annotations

import sys

from .. import api
from .common import EXIT_OK, add_spec_arguments, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("derive", help="every parameter's chain-rule factors and closed form")
    add_spec_arguments(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output (fields in the README)")
    parser.add_argument("--param", action="append", metavar="NAME", help="only this parameter (w1_1_2, b2_1); repeatable")
    parser.add_argument("--all", action="store_true", help="list every parameter even for a large network")
    parser.set_defaults(run=run)


def run(args) -> int:
    derivation = api.derive(args.spec, **spec_options(args))
    gradients = api.select_gradients(derivation, args.param, args.all)
    if args.json:
        from ..render.jsonout import derivation_json

        sys.stdout.write(derivation_json(derivation, gradients))
    else:
        sys.stdout.write(api.derivation_text(derivation, gradients, chosen=bool(args.param)))
    return EXIT_OK
