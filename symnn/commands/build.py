"""symnn build [SPEC] [-o DIR]: the main job."""
from __future__ import annotations

from .. import api
import sys

from .common import EXIT_OK, EXIT_USAGE, EXIT_WRONG, add_spec_arguments, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("build", help="the main job: derivation, code and checks for a network")
    add_spec_arguments(parser, optional=True)
    parser.add_argument("-o", "--out", default="symnn-build", help="output folder [symnn-build]")
    parser.add_argument("--format", default=None, help="the sheet's formats, comma-separated: tex, md, pdf "
                        "[tex,md,pdf; the PDF only where pdflatex exists, unless asked for by name]")
    parser.add_argument("--lang", default="en", choices=["en", "vi"], help="language of the sheet's prose [en]")
    parser.add_argument("--force", action="store_true", help="overwrite files that symnn did not write")
    parser.set_defaults(run=run)


def run(args) -> int:
    result = api.build(args.spec, args.out, args.force, args.lang, args.format or "tex,md,pdf", **spec_options(args))
    for path in result["files"]:
        print(f"wrote {path}")
    pdf_missing = pdf_requested_but_missing(args.format, result.get("note"))
    if result.get("note") and not pdf_missing:
        print(f"note: {result['note']}")
    checks = result["checks"]
    if checks:
        worst = max(c.relative_error for c in checks)
        inconclusive = sum(c.verdict == "inconclusive" for c in checks)
        wrong = sum(c.verdict == "WRONG" for c in checks)
        verdict = f"{wrong} WRONG" if wrong else "all match" if not inconclusive else f"{inconclusive} inconclusive, the rest match"
        total = result["derivation_parameters"]
        which = f"{len(checks)} parameters" if len(checks) == total else f"a seeded sample of {len(checks)} of {total} parameters"
        print(f"gradient check: {which}, closed forms vs Ridders-extrapolated differences (rel. tol 1e-6): "
              f"{verdict} (max rel. error {worst:.1e}; details in the report)")
    code = result["code_check"]
    print(f"generated code: backward_propagation vs Ridders-extrapolated differences of compute_cost: "
          f"{ {'ok': 'match', 'MISMATCH': 'MISMATCH'}.get(code.verdict, 'inconclusive')} (rel. error {code.relative_error:.1e}); "
          f"matrix equations {result['proof'].status}")
    if pdf_missing:
        print(f"symnn: error: the PDF asked for with --format was not made: {result['note']}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK if result["passed"] else EXIT_WRONG


def pdf_requested_but_missing(formats: str | None, note: str | None) -> bool:
    """A PDF named in --format that could not be made is a failure; the default's PDF is optional."""
    return bool(note) and formats is not None and "pdf" in [f.strip().lower() for f in formats.split(",")]
