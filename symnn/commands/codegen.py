"""symnn codegen SPEC [-o FILE] [--force]: a NumPy module with the course API."""
from __future__ import annotations

import sys

from .. import api
from .common import EXIT_OK, add_spec_arguments, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("codegen", help="a NumPy module with the course API for a network")
    add_spec_arguments(parser)
    parser.add_argument("-o", "--out", metavar="FILE", help="write the module here (default: print it)")
    parser.add_argument("--force", action="store_true", help="overwrite FILE even if symnn did not write it")
    parser.set_defaults(run=run)


def run(args) -> int:
    source = api.codegen(args.spec, out=args.out, force=args.force, **spec_options(args))
    if args.out:
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(source)
    return EXIT_OK
