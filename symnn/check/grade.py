"""`symnn grade SPEC submissions/ --out results.csv`: a folder of submissions graded in parallel.

Each submission runs in its own sandbox (check_code), a bounded number at a time. Its inputs come
from a seed derived from the run's seed and the submission's name, so one run seed fixes every
result (the CSV is the same byte for byte), and `symnn check SPEC --code FILE --seed S` with a row's
`seed` reproduces that row. Each row is appended (and flushed) as soon as it is graded, so an
interrupted run resumes where it stopped: rows already there with the same run seed are kept, the
rest are graded; at the end the file is rewritten sorted by submission.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..errors import SymnnError
from . import isolation
from .code import check_code, gradient_names, new_seed
from .compare import Checker

MAX_SUBMISSIONS = 100_000
FIXED = ["submission", "verdict", "score", "max_score", "method", "message"]


@dataclass(frozen=True)
class Submission:
    name: str  # the entry's name in the folder
    path: Path | None  # the file to run; None when the entry holds no single .py file
    problem: str = ""


def submissions(folder: Path, file_name: str | None = None) -> list[Submission]:
    """Each *.py directly in the folder, and each subfolder's file (its only .py, or file_name)."""
    if not folder.is_dir():
        raise SymnnError(f"submissions folder {str(folder)!r} not found")
    found = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink():
            continue
        if entry.is_file() and entry.suffix == ".py":
            found.append(Submission(entry.name, entry))
        elif entry.is_dir():
            candidates = sorted(p for p in entry.rglob("*.py") if p.is_file() and not p.is_symlink())
            named = [p for p in candidates if p.name == file_name] if file_name else candidates
            if len(named) == 1:
                found.append(Submission(entry.name, named[0]))
            else:
                why = (f"no {file_name}" if file_name else "no .py file") if not named else \
                      f"{len(named)} .py files (pass --name FILE to pick one)"
                found.append(Submission(entry.name, None, why))
        if len(found) > MAX_SUBMISSIONS:
            raise SymnnError(f"more than {MAX_SUBMISSIONS} submissions in {str(folder)!r}")
    if not found:
        raise SymnnError(f"no submissions in {str(folder)!r}: put one .py file, or one folder per student, there")
    return found


def submission_seed(run_seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{run_seed}:{name}".encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def spreadsheet_safe(text) -> str:
    """A cell no spreadsheet runs as a formula (=, +, -, @ at the start), on one line."""
    text = " ".join(str(text).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def row(spec, submission: Submission, run_seed: int, report=None) -> dict:
    names = gradient_names(spec)
    values = {"submission": spreadsheet_safe(submission.name), "max_score": str(len(names)),
              "seed": str(submission_seed(run_seed, submission.name)), "run_seed": str(run_seed)}
    if report is None:
        values.update(verdict="error", score="0", method="", message=spreadsheet_safe(submission.problem))
        values.update({n: "" for n in names})
        return values
    results = {g.name: g.verdict for g in report.gradients}
    backprop = report.method == "backprop"
    score = sum(results.get(n) == "right" for n in names) if backprop else 0
    values.update(verdict=report.verdict, score=str(score), method=report.method or "",
                  message=spreadsheet_safe(report.message))
    values.update({n: results.get(n, "") for n in names})
    return values


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, done: int):
        self.total, self.done, self.lock = total, done, threading.Lock()
        self.shown = sys.stderr.isatty()
        self.draw()

    def step(self):
        with self.lock:
            self.done += 1
            self.draw()

    def draw(self):
        if self.shown:
            width = 30
            filled = width * self.done // max(1, self.total)
            sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} graded")
            sys.stderr.flush()

    def close(self):
        if self.shown:
            sys.stderr.write("\n")


def _read_existing(out: Path, columns: list[str]) -> list[dict]:
    if not out.exists():
        return []
    mode = os.lstat(out).st_mode
    if not stat.S_ISREG(mode):
        raise SymnnError(f"{str(out)!r} is not a regular file")
    if out.stat().st_size > 256 << 20:
        raise SymnnError(f"{str(out)!r} is larger than 256 MB; is it really a results file?")
    try:
        text = out.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SymnnError(f"{str(out)!r} is not a results file symnn wrote (not UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    if text.strip() and reader.fieldnames != columns:
        raise SymnnError(f"{str(out)!r} is not a results file of this spec (its columns differ); "
                         "choose another --out or remove it")
    return [r for r in reader if None not in r and all(v is not None for v in r.values())]


def grade_folder(spec, folder, out, *, seed: int | None = None, workers: int = 2, seconds: float = 10.0,
                 trust_code: bool = False, file_name: str | None = None) -> dict:
    """Grade every submission into the CSV `out`; returns counts (graded, skipped, by verdict)."""
    folder, out = Path(folder), Path(out)
    if isolation.mechanism() is None and not trust_code:
        raise SymnnError(isolation.INSTALL_HINT)
    names = gradient_names(spec)
    columns = FIXED + names + ["seed", "run_seed"]
    existing = _read_existing(out, columns)
    if seed is None:  # resuming: the seed the file was started with
        seeds = {r["run_seed"] for r in existing}
        seed = int(seeds.pop()) if len(seeds) == 1 and next(iter(seeds)).isdigit() else new_seed()
    if not 0 <= seed < 2 ** 63:
        raise SymnnError(f"--seed must be between 0 and 2**63 - 1, not {seed}")
    todo = submissions(folder, file_name)
    kept = {r["submission"]: r for r in existing if r["run_seed"] == str(seed)}
    pending = [s for s in todo if spreadsheet_safe(s.name) not in kept]
    if spec.l2 is not None:  # backward_propagation(parameters, cache, X, Y) has no lambd: the plain gradients
        from dataclasses import replace

        spec = replace(spec, l2=None)
    checker = Checker(spec)
    lock = threading.Lock()
    fresh = not out.exists() or out.stat().st_size == 0 or not existing
    with open(out, "w" if fresh else "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        if fresh:
            writer.writeheader()
            handle.flush()
        progress = Progress(len(todo), len(todo) - len(pending))

        def grade(submission: Submission) -> dict:
            if submission.path is None:
                return row(spec, submission, seed)
            report = check_code(checker, submission.path, seconds, seed=submission_seed(seed, submission.name),
                                trust_code=trust_code)
            return row(spec, submission, seed, report)

        graded = {}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(grade, s) for s in pending]
            try:
                for future in as_completed(futures):
                    result = future.result()
                    with lock:
                        writer.writerow(result)
                        handle.flush()
                    graded[result["submission"]] = result
                    progress.step()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
            finally:
                progress.close()
    final = {**kept, **graded}
    order = [spreadsheet_safe(s.name) for s in todo]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for name in order:
        writer.writerow(final[name])
    temporary = out.with_name(f".{out.name}.symnn-tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(temporary, out)
    counts = {"graded": len(graded), "skipped": len(todo) - len(pending), "seed": seed}
    for name in order:
        verdict = final[name]["verdict"]
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts
