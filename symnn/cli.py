"""The command line: argument parsing, exit codes and messages. No maths lives here.

Exit codes: 0 success, 1 a check found something wrong, 2 unusable input.
"""
from __future__ import annotations

import argparse
import sys

from . import __version__, api
from .errors import SymnnError

EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, without the usage block."""

    def error(self, message):
        raise UsageError(f"{message} (see symnn {self.prog.split()[-1]} --help)" if " " in self.prog else message)


class UsageError(SymnnError):
    pass


def add_spec_arguments(parser: argparse.ArgumentParser, optional: bool = False) -> None:
    parser.add_argument("spec", nargs="?" if optional else None, default="2-2-1" if optional else None,
                        help="sizes like 2-3-1 (inputs, then each layer's units) or a TOML spec file")
    parser.add_argument("--act", help="activations: one for all layers, hidden,output, or one per layer "
                        "(sigmoid, tanh, relu, leaky_relu(0.01), linear, softmax, or an expression in z)")
    parser.add_argument("--loss", help="bce (binary log loss), half_se (half squared error), cce (categorical cross-entropy)")
    parser.add_argument("--layout", choices=["column", "row"], help="column: X is (n_x, m) [default]; row: X is (m, n_x)")
    parser.add_argument("--bias", dest="bias", action="store_true", default=None, help="use biases [default]")
    parser.add_argument("--no-bias", dest="bias", action="store_false", help="no biases")
    parser.add_argument("--reduction", choices=["mean", "sum"], help="cost over m examples: mean [default] or sum")


def spec_options(args) -> dict:
    return {"act": args.act, "loss": args.loss, "layout": args.layout, "bias": args.bias, "reduction": args.reduction}


def command_derive(args) -> int:
    derivation = api.derive(args.spec, **spec_options(args))
    gradients = api.select_gradients(derivation, args.param, args.all)
    if args.json:
        from .render.jsonout import derivation_json

        sys.stdout.write(derivation_json(derivation, gradients))
    else:
        sys.stdout.write(api.derivation_text(derivation, gradients))
    return EXIT_OK


def command_build(args) -> int:
    result = api.build(args.spec, args.out, **spec_options(args))
    for path in result["files"]:
        print(f"wrote {path}")
    checks = result["checks"]
    if checks:
        worst = max(c.relative_error for c in checks)
        verdict = "all match" if result["passed"] else "MISMATCH"
        print(f"gradient check: {len(checks)} parameters, closed forms vs central differences: {verdict} (max rel. error {worst:.1e})")
    return EXIT_OK if result["passed"] else EXIT_WRONG


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="symnn", description="Exact backpropagation maths and NumPy code for small networks.")
    parser.add_argument("--version", action="version", version=f"symnn {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    build = commands.add_parser("build", help="the main job: derivation, code and checks for a network")
    add_spec_arguments(build, optional=True)
    build.add_argument("-o", "--out", default="symnn-build", help="output folder [symnn-build]")
    build.set_defaults(run=command_build)

    derive = commands.add_parser("derive", help="every parameter's chain-rule factors and closed form")
    add_spec_arguments(derive)
    derive.add_argument("--json", action="store_true", help="machine-readable output (fields in the README)")
    derive.add_argument("--param", action="append", metavar="NAME", help="only this parameter (w1_1_2, b2_1); repeatable")
    derive.add_argument("--all", action="store_true", help="list every parameter even for a large network")
    derive.set_defaults(run=command_derive)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = make_parser().parse_args(argv)
        return args.run(args)
    except SymnnError as exc:
        print(f"symnn: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("symnn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
