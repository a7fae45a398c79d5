"""symnn check SPEC CLAIM... | --file F | --code FILE [--json]: is a hand-derived formula right?
symnn check --function EXPR CLAIM...: the same for a function's derivatives (df/dx, f_xy, grad f, H)."""
from __future__ import annotations

import json
import sys

from .. import check as checker
from ..errors import SymnnError
from .common import add_spec_options, spec_options

HELP = """Grade hand-derived backprop formulas against symnn's derivation: correct, wrong (with a
counter-example, the correct formula and the known mistake it matches) or undecided. Claims are
course LaTeX (\\frac{\\partial L}{\\partial w^{[1]}_{11}} = ...) or NumPy style (dW1 = 1/m * dZ1 @ X.T);
they are parsed, never evaluated as code. --code FILE is different: it RUNS the person's
backward_propagation(parameters, cache, X, Y) (the one place symnn runs someone's code) in a
bubblewrap sandbox (no network, no view of the
system, its own uid and PID namespace, time, memory and process limits) on inputs drawn fresh from a
secret seed (--seed reproduces a run); without a working sandbox it refuses unless --trust-code.
With --function EXPR the claims are about that function instead: df/dx = ..., f_xy = ...,
d2f/dx2 = ..., f'(x) = ..., grad f = [..., ...], H = [[..., ...], [..., ...]] (or LaTeX).
Exit codes: 0 every claim holds, 1 any is wrong or undecided, 2 unusable input."""


def register(subcommands) -> None:
    parser = subcommands.add_parser("check", help="is a hand-derived formula right? what is wrong?", description=HELP)
    parser.add_argument("spec", nargs="?", help="sizes like 2-3-1 (inputs, then each layer's units) or a TOML spec file")
    add_spec_options(parser)
    parser.add_argument("--function", metavar="EXPR", help="check derivatives of this function instead of a network, "
                        "e.g. --function 'x^4 + y^2' 'f_xy = 0'")
    parser.add_argument("--vars", help="with --function: the variables in order, e.g. x,y")
    parser.add_argument("claims", nargs="*", metavar="CLAIM", help="a claim, e.g. 'dW1 = 1/m * dZ1 @ X.T' (quote it)")
    parser.add_argument("--file", help="claims, one per line, or a Markdown file whose $$ ... $$ blocks are claims")
    parser.add_argument("--code", metavar="FILE", help="RUN this file's backward_propagation and grade each gradient")
    parser.add_argument("--seed", type=int, metavar="N", help="with --code: draw the inputs from this seed (a report's "
                        "seed reproduces its run) instead of a fresh secret one")
    parser.add_argument("--trust-code", action="store_true", help="with --code: run the file unsandboxed when no "
                        "sandbox works here (only for code you would run yourself)")
    parser.add_argument("--format", choices=["text", "json", "gradescope", "junit", "prairielearn"], default="text",
                        help="text [default], json, gradescope (results.json), junit (XML) or prairielearn")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--time-limit", type=float, default=5.0, metavar="S", help="seconds per claim, above 0 and at most 600 [5]")
    parser.add_argument("--workers", type=int, metavar="N", help="worker processes, 1 to 64 [one per core]")
    parser.set_defaults(run=run, trailing_positionals="claims")


def run(args) -> int:
    if args.function is not None:  # no network spec: the first positional is a claim too
        claims = ([args.spec] if args.spec is not None else []) + args.claims
        report = checker.check(claims=claims, file=args.file, code=args.code, function=args.function, vars=args.vars,
                               time_limit=args.time_limit, workers=args.workers)
    elif args.spec is None:
        raise SymnnError("give a network spec such as 2-3-1 (or --function EXPR for a function's derivatives)")
    else:
        if args.code is None and (args.seed is not None or args.trust_code):
            raise SymnnError("--seed and --trust-code go with --code FILE")
        report = checker.check(args.spec, args.claims, file=args.file, code=args.code, time_limit=args.time_limit,
                               workers=args.workers, seed=args.seed, trust_code=args.trust_code, **spec_options(args))
    sys.stdout.write(formatted(report, "json" if args.json else args.format))
    return report.exit_code


def formatted(report, format: str) -> str:
    if format == "json":
        return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
    if format in ("gradescope", "junit", "prairielearn"):
        from ..render import autograder

        return getattr(autograder, format)(report)
    return text_report(report)


def text_report(report) -> str:
    lines = []
    for number, v in enumerate(report.verdicts, start=1):
        label = {"correct": "correct", "wrong": "WRONG", "undecided": "undecided", "unusable": "unusable"}[v.verdict]
        lines.append(f"[{number}] {label}: {v.claim}")
        lines.append(f"    {v.message}")
        if v.diagnosis:
            lines.append(f"    mistake: {v.diagnosis}")
        if v.counterexample:
            c = v.counterexample
            where = "".join(f", {k} {c[k]}" for k in ("example", "entry") if k in c)
            lines.append(f"    counter-example (sample point {c['point']}{where}): claimed {c['claimed']}, correct {c['correct']}")
            if c["inputs"]:
                lines.append("      at " + "; ".join(f"{k} = {value}" for k, value in c["inputs"].items()))
        if v.correct_formula:
            lines.append(f"    correct: {v.correct_formula['text']}")
        for note in v.notes:
            lines.append(f"    note: {note}")
    if report.code is not None:
        code = report.code
        lines.append(f"code {code.path}: {code.verdict}: {code.message}")
        lines.append(f"    inputs from seed {code.seed} (--seed {code.seed} reproduces them); sandbox: {code.isolation}")
        for g in code.gradients:
            error = f" (relative error {g.relative_error:.1e})" if g.relative_error is not None else ""
            lines.append(f"    {g.name}: {g.verdict}{error}")
            if g.first_wrong:
                w = g.first_wrong
                lines.append(f"      first wrong entry {tuple(w['index'])} on input {w['trial']}: got {w['got']:.6g}, expected {w['expected']:.6g}")
            if g.diagnosis:
                lines.append(f"      mistake: {g.diagnosis}")
    counts = {}
    for v in report.verdicts:
        counts[v.verdict] = counts.get(v.verdict, 0) + 1
    if report.verdicts:
        lines.append(f"{len(report.verdicts)} claim(s): " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return "\n".join(lines) + "\n"
