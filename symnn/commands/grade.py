"""symnn grade SPEC SUBMISSIONS/ --out results.csv: grade a folder of backward_propagation files."""
from __future__ import annotations

import sys

from ..errors import SymnnError
from ..limits import MAX_WORKERS, checked_count, checked_seconds
from .common import add_spec_arguments, spec_options

HELP = """Run every submission's backward_propagation(parameters, cache, X, Y) in its own sandbox (as
symnn check SPEC --code FILE does), a few at a time, and write one CSV row per submission: verdict,
score (gradients right), method, message, each gradient's verdict and the seed that reproduces it
(symnn check SPEC --code FILE --seed SEED). A submission is a .py file in the folder, or a subfolder
holding one .py file (or the file given by --name). Rerunning with the same --out resumes: rows of
the same run seed are kept, the rest graded. Exit codes: 0 every submission graded, 2 unusable input."""


def register(subcommands) -> None:
    parser = subcommands.add_parser("grade", help="grade a folder of students' backward_propagation files", description=HELP)
    add_spec_arguments(parser)
    parser.add_argument("folder", help="the submissions: .py files, or one subfolder per student")
    parser.add_argument("--out", default="results.csv", help="the CSV to write (and resume) [results.csv]")
    parser.add_argument("--seed", type=int, metavar="N", help="the run's seed (default: the --out file's, else a fresh "
                        "secret one); every submission's inputs derive from it")
    parser.add_argument("--name", metavar="FILE", help="in subfolders, the file to run (e.g. student.py)")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help=f"sandboxes at a time, 1 to {MAX_WORKERS} [2]")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="S", help="seconds per submission, at most 600 [10]")
    parser.add_argument("--trust-code", action="store_true", help="run unsandboxed where no sandbox works (only for "
                        "code you would run yourself)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..api import network
    from ..check.grade import grade_folder

    workers = checked_count(args.workers, "--workers", MAX_WORKERS)
    seconds = checked_seconds(args.time_limit, "--time-limit")
    if args.name is not None and ("/" in args.name or args.name in ("", ".", "..")):
        raise SymnnError("--name is a file name, such as student.py, not a path")
    counts = grade_folder(network(args.spec, **spec_options(args)), args.folder, args.out, seed=args.seed,
                          workers=workers, seconds=seconds, trust_code=args.trust_code, file_name=args.name)
    verdicts = ", ".join(f"{counts[k]} {k}" for k in ("correct", "wrong", "error") if counts.get(k))
    sys.stderr.write(f"{args.out}: {counts['graded']} graded, {counts['skipped']} kept from before ({verdicts}); "
                     f"run seed {counts['seed']}\n")
    return 0
