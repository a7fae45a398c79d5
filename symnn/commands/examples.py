"""symnn examples [-o DIR]: regenerate the committed example outputs (generated/)."""
from __future__ import annotations

from .. import examples
from .common import EXIT_OK


def register(subcommands) -> None:
    parser = subcommands.add_parser("examples", help="regenerate the example outputs in generated/")
    parser.add_argument("-o", "--out", default="generated", help="output folder [generated]")
    parser.set_defaults(run=run)


def run(args) -> int:
    for path in examples.regenerate(args.out):
        print(f"wrote {path}")
    return EXIT_OK
