"""The long fuzzing run (issue 10): every fuzzer in tests/fuzz/ with SCALE times its test-suite budget,
fresh random inputs, and every unhandled exception counted by kind instead of stopping at the first.

    python benchmarks/fuzz_long.py            # SCALE 50: about 60,000 inputs
    python benchmarks/fuzz_long.py 200 -k grader

Prints the inputs tried per entry point, the outcomes, and the problems found (kind, where in symnn,
count, a sample input); writes them to fuzz-report.json. The exit code is 1 when any problem was found.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    scale = argv[0] if argv and argv[0].isdigit() else "50"
    extra = argv[1:] if argv and argv[0].isdigit() else argv
    report = ROOT / "fuzz-report.json"
    env = dict(os.environ, SYMNN_FUZZ_SCALE=scale, SYMNN_FUZZ_COLLECT="1", SYMNN_FUZZ_REPORT=str(report),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "fuzz"), *extra],
                   env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    data = json.loads(report.read_text())
    tried = sum(data["tried"].values())
    print(f"\n{tried} inputs in {seconds:.0f} s over {len(data['tried'])} entry points (scale {scale})")
    for entry, count in data["tried"].items():
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(data["outcomes"].get(entry, {}).items(), key=lambda kv: -kv[1]))
        print(f"  {entry}: {count} ({outcomes})")
    problems = data["problems"]
    print(f"{sum(p['count'] for p in problems)} problems of {len(problems)} kinds")
    for p in problems:
        print(f"  {p['count']:5d}  {p['entry']}: {p['kind']} at {p['where']}  e.g. {p['sample'][:120]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
