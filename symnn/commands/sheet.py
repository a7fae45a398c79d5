"""symnn sheet SPEC [-o DIR] [--format tex,md,pdf] [--lang en|vi] [--force]"""
from __future__ import annotations

from .. import api
import sys

from .common import EXIT_OK, EXIT_USAGE, add_spec_arguments, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("sheet", help="the derivation sheet: LaTeX, Markdown and PDF, in English or Vietnamese")
    add_spec_arguments(parser)
    parser.add_argument("-o", "--out", default=".", help="output folder [current folder]")
    parser.add_argument("--format", default=None, help="comma-separated: tex, md, pdf "
                        "[tex,md,pdf; the PDF only where pdflatex exists, unless asked for by name]")
    parser.add_argument("--lang", default="en", choices=["en", "vi"], help="language of the prose [en]")
    parser.add_argument("--force", action="store_true", help="overwrite files that symnn did not write")
    parser.set_defaults(run=run)


def run(args) -> int:
    from .build import pdf_requested_but_missing

    result = api.sheet(args.spec, args.out, args.format or "tex,md,pdf", args.lang, args.force, **spec_options(args))
    for path in result["files"]:
        print(f"wrote {path}")
    if pdf_requested_but_missing(args.format, result["note"]):
        print(f"symnn: error: the PDF asked for with --format was not made: {result['note']}", file=sys.stderr)
        return EXIT_USAGE
    if result["note"]:
        print(f"note: {result['note']}")
    return EXIT_OK
