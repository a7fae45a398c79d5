"""The command line: argument parsing, exit codes and messages. No maths lives here.

Exit codes: 0 success, 1 a check found something wrong, 2 unusable input. Every SymnnError reaches
the user as one line on stderr, never as a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .commands import COMMANDS
from .commands.common import EXIT_OK, EXIT_USAGE
from .errors import SymnnError


class UsageError(SymnnError):
    pass


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, without the usage block."""

    def error(self, message):
        command = self.prog.split()[-1]
        raise UsageError(f"{message} (see symnn {command} --help)" if command != "symnn" else message)


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="symnn", description="Exact backpropagation maths and NumPy code for small networks.")
    parser.add_argument("--version", action="version", version=f"symnn {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).register(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = make_parser()
        args, extras = parser.parse_known_args(argv)
        if extras:  # positionals after options (symnn check SPEC --act tanh 'CLAIM'): only where a command takes them
            collect = getattr(args, "trailing_positionals", None)
            if collect is None or any(e.startswith("-") and len(e) > 1 and not e[1:2].isdigit() for e in extras):
                parser.error(f"unrecognized arguments: {' '.join(extras)}")
            getattr(args, collect).extend(extras)
        return args.run(args)
    except SymnnError as exc:
        print(f"symnn: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        print("symnn: error: the input is nested too deeply to handle", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("symnn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # an output folder that cannot be made or written, a full disk, ...
        where = f": {exc.filename}" if exc.filename else ""
        print(f"symnn: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
