"""symnn build [SPEC] [-o DIR]: the main job."""
from __future__ import annotations

from .. import api
from .common import EXIT_OK, EXIT_WRONG, add_spec_arguments, spec_options


def register(subcommands) -> None:
    parser = subcommands.add_parser("build", help="the main job: derivation, code and checks for a network")
    add_spec_arguments(parser, optional=True)
    parser.add_argument("-o", "--out", default="symnn-build", help="output folder [symnn-build]")
    parser.set_defaults(run=run)


def run(args) -> int:
    result = api.build(args.spec, args.out, **spec_options(args))
    for path in result["files"]:
        print(f"wrote {path}")
    if result.get("note"):
        print(f"note: {result['note']}")
    checks = result["checks"]
    if checks:
        worst = max(c.relative_error for c in checks)
        verdict = "all match" if result["passed"] else "MISMATCH"
        print(f"gradient check: {len(checks)} parameters, closed forms vs central differences: {verdict} (max rel. error {worst:.1e})")
    code = result["code_check"]
    print(f"generated code: backward_propagation vs central differences of compute_cost: "
          f"{'match' if code.passed else 'MISMATCH'} (rel. error {code.relative_error:.1e}); "
          f"matrix equations {result['proof'].status}")
    return EXIT_OK if result["passed"] else EXIT_WRONG
