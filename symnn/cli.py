"""The command line: argument parsing, exit codes and messages. No maths lives here.

Exit codes: 0 success, 1 a check found something wrong, 2 unusable input. Every SymnnError reaches
the user as one line on stderr, never as a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import io
import sys

from . import __version__
from .commands import COMMANDS
from .commands.common import EXIT_OK, EXIT_USAGE
from .errors import SymnnError
from .render.escape import terminal, terminal_block


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


class PrintableStream(io.TextIOBase):
    """What symnn prints, made safe for any terminal: every control character but newline and tab
    (ESC, CR, BEL, bidi overrides, ...) is shown as an escape, so text echoed from the input (a
    claim, a path) cannot drive the terminal; characters the stream's encoding lacks are written as
    backslash escapes instead of raising UnicodeEncodeError (PYTHONIOENCODING=ascii)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        safe = terminal_block(text)
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        try:
            safe.encode(encoding)
        except UnicodeEncodeError:
            safe = safe.encode("ascii", "backslashreplace").decode("ascii")
        except LookupError:
            pass
        self.stream.write(safe)
        return len(text)

    def flush(self):
        self.stream.flush()

    def isatty(self):
        return self.stream.isatty()

    @property
    def encoding(self):
        return getattr(self.stream, "encoding", "utf-8")

    def fileno(self):
        return self.stream.fileno()


def main(argv: list[str] | None = None) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = PrintableStream(stdout), PrintableStream(stderr)
    try:
        return _main(argv)
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: list[str] | None) -> int:
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
        print(f"symnn: error: {terminal(exc)}", file=sys.stderr)
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
        print(f"symnn: error: {terminal(exc.strerror or exc)}{terminal(where)}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
