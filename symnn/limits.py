"""Time limits for SymPy work that can run for minutes (solve, simplify, huge powers).

SymPy is pure Python, so a SIGALRM-based limit interrupts it between bytecodes. Signals only work
in the main thread; elsewhere the limit is not enforced and callers must use a subprocess.
"""
from __future__ import annotations

import contextlib
import signal
import threading

from .errors import LimitExceeded


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "the computation"):
    """Raise LimitExceeded if the body runs longer than `seconds` (main thread only)."""
    usable = (
        seconds is not None
        and seconds > 0
        and threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
    )
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise LimitExceeded(f"{what} took longer than {seconds:g} s and was stopped")

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0] > 0:  # re-arm an enclosing limit
            signal.setitimer(signal.ITIMER_REAL, previous_timer[0])
