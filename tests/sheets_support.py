"""Shared helpers for the sheet tests: cached sheets of the seed networks, maths extraction, KaTeX."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from symnn.examples import EXAMPLE_SPECS
from symnn.render.sheets import render_sheet
from symnn.spec import parse_spec
from symnn.derive.perweight import derive_network

REPO = Path(__file__).resolve().parents[1]
SEEDS = [sizes for sizes, _ in EXAMPLE_SPECS]
SEED_OPTIONS = dict(EXAMPLE_SPECS)


@lru_cache(maxsize=None)
def derivation(sizes: str):
    return derive_network(parse_spec(sizes, **SEED_OPTIONS.get(sizes, {})))


@lru_cache(maxsize=None)
def sheet(sizes: str, fmt: str, lang: str = "en") -> str:
    return render_sheet(derivation(sizes), fmt, lang)


def display_maths(markdown: str) -> list[str]:
    return re.findall(r"\$\$(.+?)\$\$", markdown, re.S)


def inline_maths(markdown: str) -> list[str]:
    prose = re.sub(r"\$\$.+?\$\$", "", markdown, flags=re.S)
    prose = re.sub(r"`[^`]*`", "", prose)  # code spans hold commands, not maths
    return re.findall(r"(?<![\\$])\$([^$\n]+?)\$", prose)


def katex_module() -> str | None:
    """The katex npm package: $SYMNN_KATEX, .ci/katex (what .ci/run installs), or node's own lookup."""
    if shutil.which("node") is None:
        return None
    candidates = [os.environ.get("SYMNN_KATEX", ""), str(REPO / ".ci" / "katex" / "node_modules" / "katex")]
    for candidate in candidates:
        if candidate and Path(candidate, "package.json").is_file():
            return candidate
    found = subprocess.run(["node", "-e", "process.stdout.write(require.resolve('katex'))"],
                           capture_output=True, text=True, check=False)
    return str(Path(found.stdout).parent) if found.returncode == 0 and found.stdout else None


KATEX_SCRIPT = """
const katex = require(process.argv[1]);
let input = '';
process.stdin.on('data', c => input += c);
process.stdin.on('end', () => {
  const out = JSON.parse(input).map(([tex, display]) => {
    try { katex.renderToString(tex, {displayMode: display, throwOnError: true, strict: 'error'}); return null; }
    catch (e) { return String(e.message); }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def katex_errors(items: list[tuple[str, bool]], module: str) -> list[str | None]:
    """KaTeX's error for each (tex, display) pair, None where it renders; strict mode, errors thrown."""
    result = subprocess.run(["node", "-e", KATEX_SCRIPT, module], input=json.dumps(items),
                            capture_output=True, text=True, check=True, timeout=120)
    return json.loads(result.stdout)
