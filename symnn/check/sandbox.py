"""Grading in worker processes with a hard time limit, so no claim can hang or crash symnn.

Each claim is graded in a forked worker under a soft limit (SIGALRM, which interrupts SymPy between
bytecodes) and a hard one: a worker still busy after the soft limit plus a grace period is killed
and replaced, and the claim is reported undecided. Workers are forked after the spec's checker is
prepared, so they share it and start in milliseconds; several workers use several cores. Where fork
is unavailable (Windows), claims are graded in this process under the soft limit only.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import time
from multiprocessing.connection import wait

from ..errors import LimitExceeded
from ..limits import time_limit
from .claims import shown_claim
from .compare import Checker, Verdict

GRACE = 2.0  # seconds past the soft limit before a worker is killed
CHUNK = 16  # claims per message to a worker (fewer round trips); each still has its own clock


def _graded(checker: Checker, text, seconds: float) -> dict:
    started = time.perf_counter()
    try:
        with time_limit(seconds, "checking the claim"):
            verdict = checker.grade(text)
    except LimitExceeded as exc:
        verdict = Verdict(shown_claim(text), "undecided", str(exc))
    except MemoryError:
        verdict = Verdict(shown_claim(text), "undecided", "the claim needs too much memory")
    except RecursionError:
        verdict = Verdict(shown_claim(text), "unusable", "the claim is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - the worker boundary: a grader bug must not kill the worker
        verdict = Verdict(shown_claim(text), "unusable", internal_error(exc))
    verdict.seconds = time.perf_counter() - started
    return verdict.as_dict()


def internal_error(exc: BaseException) -> str:
    """One line for an exception no grader expected: what it was, and that it is symnn's fault.
    The fuzzers in tests/fuzz/ call the graders directly, so such a bug still fails a test there."""
    first = (str(exc).splitlines() or [""])[0][:160]
    return f"symnn could not grade this claim (an internal error, {type(exc).__name__}: {first}); please report it"


def _worker(checker: Checker, connection, seconds: float) -> None:
    while True:
        try:
            jobs = connection.recv()
        except EOFError:
            return
        if jobs is None:
            return
        for index, text in jobs:  # a few claims per message; one answer per claim, as each is done
            connection.send((index, _graded(checker, text, seconds)))


class _Worker:
    def __init__(self, context, checker, seconds):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(checker, child, seconds), daemon=True)
        self.process.start()
        child.close()
        self.jobs: list = []  # sent, not yet answered; the first is being graded now
        self.started = 0.0

    def give(self, jobs):
        self.jobs, self.started = list(jobs), time.monotonic()
        self.connection.send(jobs)

    def answered(self):
        self.jobs.pop(0)
        self.started = time.monotonic()  # the next claim's clock starts now

    def stop(self, kill=False):
        try:
            if kill:
                self.process.kill()
            else:
                self.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def grade_isolated(checker: Checker, claims: list, seconds: float = 5.0, workers: int | None = None,
                   on_result=None) -> list[Verdict]:
    """Every claim's verdict, in order; each graded in a worker process under a hard time limit."""
    if not claims:
        return []
    if "fork" not in multiprocessing.get_all_start_methods():
        return [_verdict(_graded(checker, text, seconds)) for text in claims]
    checker.warm()
    context = multiprocessing.get_context("fork")
    count = max(1, min(workers or os.cpu_count() or 1, len(claims)))
    gc.freeze()  # the workers' collector leaves the shared objects alone: fewer copy-on-write pages
    try:
        pool = [_Worker(context, checker, seconds) for _ in range(count)]
    finally:
        gc.unfreeze()
    results: dict[int, dict] = {}
    pending = list(enumerate(claims))[::-1]

    def record(index, result):
        results[index] = result
        if on_result:
            on_result(index, result)

    try:
        while len(results) < len(claims):
            for worker in pool:
                if not worker.jobs and pending:
                    size = max(1, min(CHUNK, len(pending) // (2 * count)))
                    worker.give([pending.pop() for _ in range(size)])
            busy = [w for w in pool if w.jobs]
            ready = wait([w.connection for w in busy], timeout=0.05)
            for worker in busy:
                if worker.connection in ready:
                    try:
                        index, result = worker.connection.recv()
                    except (EOFError, OSError):  # the worker died (a crash in C code): replace it
                        index, text = worker.jobs[0]
                        record(index, _stopped(text, "undecided", "the checker process stopped unexpectedly"))
                        pending.extend(reversed(worker.jobs[1:]))
                        pool[pool.index(worker)] = _replace(worker, context, checker, seconds)
                        continue
                    worker.answered()
                    record(index, result)
                elif time.monotonic() - worker.started > seconds + GRACE:
                    index, text = worker.jobs[0]
                    record(index, _stopped(text, "undecided", f"checking took longer than {seconds:g} s and was stopped"))
                    pending.extend(reversed(worker.jobs[1:]))
                    pool[pool.index(worker)] = _replace(worker, context, checker, seconds)
    finally:
        for worker in pool:
            worker.stop()
    return [_verdict(results[i]) for i in range(len(claims))]


def _replace(worker, context, checker, seconds):
    worker.stop(kill=True)
    return _Worker(context, checker, seconds)


def _stopped(text, verdict, message) -> dict:
    return Verdict(shown_claim(text), verdict, message).as_dict()


def _verdict(data: dict) -> Verdict:
    return Verdict(**data)
