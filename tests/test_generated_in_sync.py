"""generated/ must be exactly what `symnn examples` makes from the current code and templates."""
from pathlib import Path

from symnn.examples import regenerate

REPO = Path(__file__).resolve().parents[1]


def test_generated_folder_matches_a_fresh_regeneration(tmp_path):
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in regenerate(tmp_path)}
    committed = {
        p.relative_to(REPO / "generated"): p.read_bytes()
        for p in (REPO / "generated").rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    stale = sorted(str(name) for name in fresh if committed.get(name) != fresh[name])
    orphans = sorted(str(name) for name in committed if name not in fresh)
    assert not stale, f"out of date in generated/ (run `symnn examples`): {stale}"
    assert not orphans, f"files in generated/ that symnn no longer makes: {orphans}"
