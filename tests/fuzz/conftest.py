"""Reports how many inputs the fuzzers tried (and, with SYMNN_FUZZ_REPORT=path, writes the counts as JSON)."""
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # fuzz_support, beside the fuzzers

import fuzz_support  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    tried = fuzz_support.TRIED
    if not tried:
        return
    terminalreporter.write_line(f"fuzz: {sum(tried.values())} inputs over {len(tried)} entry points "
                                f"({', '.join(f'{k} {v}' for k, v in sorted(tried.items()))})")
    report = os.environ.get("SYMNN_FUZZ_REPORT")
    if report:
        outcomes = {}
        for (entry, outcome), count in sorted(fuzz_support.OUTCOMES.items()):
            outcomes.setdefault(entry, {})[outcome] = count
        problems = [{"entry": entry, "kind": kind, "where": where, "count": count,
                     "sample": fuzz_support.SAMPLES[entry, kind, where]}
                    for (entry, kind, where), count in fuzz_support.PROBLEMS.most_common()]
        Path(report).write_text(json.dumps({"tried": dict(sorted(tried.items())), "outcomes": outcomes,
                                            "problems": problems}, indent=2) + "\n")
    if fuzz_support.PROBLEMS:
        terminalreporter.write_line(f"fuzz: {sum(fuzz_support.PROBLEMS.values())} problems of "
                                    f"{len(fuzz_support.PROBLEMS)} kinds (SYMNN_FUZZ_REPORT names a file for the list)")
