"""Time limits for SymPy work that can run for minutes (solve, simplify, huge powers), and the
bounds on the options that set how much work a command may do (time limits, workers, iterations).

SymPy is pure Python, so a SIGALRM-based limit interrupts it between bytecodes. Signals only work
in the main thread; elsewhere the limit is not enforced and callers must use a subprocess.
"""
from __future__ import annotations

import contextlib
import math
import numbers
import signal
import threading
import time

from .errors import LimitExceeded, OptionError

MAX_SECONDS = 600.0  # the most a time limit someone sets may be: --time-limit (per claim), --solve-seconds
MAX_WORKERS = 64  # check --workers
MAX_NEWTON_ITERATIONS = 10_000  # newton --max-iter
MAX_DESCENT_ITERATIONS = 1_000_000  # newton --gd-max-iter (gradient descent is cheap per step)


def checked_number(value, what: str, maximum: float, minimum: float = 0.0) -> float:
    """A number someone typed that sets a limit or a step: finite, above `minimum`, at most `maximum`.
    NaN, infinities and huge values are refused (NaN compares false with everything, so it would
    switch the limit off; 1e300 seconds overflows the timer)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(f"{what} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or not minimum < value <= maximum:
        raise OptionError(f"{what} must be a number above {minimum:g} and at most {maximum:g}, got {value:g}")
    return value


def checked_seconds(value, what: str = "the time limit", maximum: float = MAX_SECONDS) -> float:
    """A time limit in seconds: above 0 and at most `maximum` (600 s unless said otherwise)."""
    return checked_number(value, f"{what} (seconds)", maximum)


def checked_count(value, what: str, maximum: int, minimum: int = 1) -> int:
    """A whole number someone typed (workers, iterations) between `minimum` and `maximum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OptionError(f"{what} must be a whole number, got {value!r}")
    if not minimum <= value <= maximum:
        raise OptionError(f"{what} must be between {minimum} and {maximum}, got {value}")
    return int(value)


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "the computation"):
    """Raise LimitExceeded if the body runs longer than `seconds` (main thread only). `seconds` is None
    (no limit) or a finite number above 0; anything else is a bug in the caller, not a way to switch
    the limit off."""
    if seconds is not None and not (isinstance(seconds, numbers.Real) and math.isfinite(seconds) and 0 < seconds <= 1e6):
        raise ValueError(f"time_limit needs a finite number of seconds above 0 (got {seconds!r})")
    usable = (
        seconds is not None
        and seconds > 0
        and threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
    )
    if not usable:
        yield
        return

    # An enclosing limit keeps counting: the timer is set to whichever ends first, and re-armed on the
    # way out with what the enclosing limit has left (the inner body's time is not given back to it).
    started = time.monotonic()
    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    armed = min(seconds, outer) if outer > 0 else seconds
    message = (f"{what} took longer than {seconds:g} s and was stopped" if armed == seconds
               else f"{what} was stopped when the enclosing time limit ran out")

    def on_alarm(signum, frame):
        raise LimitExceeded(message)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, armed)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


# --- network sizes: every limit is checked before any work starts ---
MAX_UNITS = 20_000  # per layer
MAX_LAYERS = 100  # layers with weights
MAX_NETWORK_PARAMETERS = 5_000_000  # any command: the matrix equations and the generated code
MAX_DELTA_TERMS = 100_000  # terms of the delta recursions, sum of n^{[l]} n^{[l+1]} below the output: ~30 s here
MAX_LISTED_PARAMETERS = 250_000  # parameters one listing (derive --all, JSON or text) writes out: ~1 minute here


def check_network_size(sizes) -> None:
    """Refuse, in one line, a network too large for any command (SpecError)."""
    from .errors import SpecError

    for index, size in enumerate(sizes):
        if size > MAX_UNITS:
            raise SpecError(f"layer {index} has {size} units; the limit is {MAX_UNITS}")
    if len(sizes) - 1 > MAX_LAYERS:
        raise SpecError(f"the network has {len(sizes) - 1} layers; the limit is {MAX_LAYERS}")
    weights = sum(m * n for m, n in zip(sizes, sizes[1:]))
    if weights > MAX_NETWORK_PARAMETERS:
        raise SpecError(f"the network has {weights:,} weights; the limit is {MAX_NETWORK_PARAMETERS:,} parameters")


def delta_terms(sizes) -> int:
    """Terms of every hidden delta's recursion: the per-weight derivation's work, whatever is listed."""
    hidden = sizes[1:]
    return sum(m * n for m, n in zip(hidden, hidden[1:]))


def check_derivable(sizes) -> None:
    """Refuse, in one line, a per-weight derivation whose work would pass MAX_DELTA_TERMS."""
    terms = delta_terms(sizes)
    if terms > MAX_DELTA_TERMS:
        raise LimitExceeded(
            f"the per-weight derivation of this network has {terms:,} delta terms (the products of adjacent hidden "
            f"layer widths); the limit is {MAX_DELTA_TERMS:,} (codegen works on networks up to "
            f"{MAX_NETWORK_PARAMETERS:,} parameters)")


def check_listing(count: int) -> None:
    """Refuse, in one line, a listing of more than MAX_LISTED_PARAMETERS parameters."""
    if count > MAX_LISTED_PARAMETERS:
        raise LimitExceeded(f"listing {count:,} parameters one by one passes the limit of {MAX_LISTED_PARAMETERS:,}; "
                            "leave out --all (one weight and bias per layer) or pick some with --param")
