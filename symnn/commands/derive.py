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
    from ..render.listing import json_chunks, text_chunks

    derivation = api.derive(args.spec, **spec_options(args))
    positions = api.select_positions(derivation, args.param, args.all)
    if args.json:
        chunks = json_chunks(derivation, positions, show_progress=True)
    else:
        chunks = text_chunks(derivation, positions, chosen=bool(args.param), show_progress=True)
    buffered, size = [], 0
    for chunk in chunks:  # streamed: a large listing starts at once and never sits whole in memory
        buffered.append(chunk)
        size += len(chunk)
        if size > 1 << 16:
            sys.stdout.write("".join(buffered))
            buffered, size = [], 0
    sys.stdout.write("".join(buffered))
    return EXIT_OK
