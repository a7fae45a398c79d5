"""The wheel carries the templates, so a non-editable install used from another folder finds them."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_package_templates_and_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    if result.returncode != 0 and "hatchling" in result.stderr and "No matching distribution" in result.stderr:
        pytest.skip("the build backend (hatchling) cannot be downloaded here")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("symnn-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    templates = sorted(REPO.joinpath("templates").rglob("*.jinja"))
    assert templates
    for template in templates:
        assert f"symnn/templates/{template.relative_to(REPO / 'templates').as_posix()}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "symnn = symnn.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_callable_packages_keep_their_submodules_importable():
    """symnn.derive and symnn.check are functions and packages at once: `import ... as` works for both."""
    import symnn
    import symnn.check.compare as compare
    import symnn.derive.perweight as perweight

    assert perweight.__name__ == "symnn.derive.perweight" and compare.__name__ == "symnn.check.compare"
    assert symnn.derive("2-2-1").spec.sizes == (2, 2, 1)
    assert symnn.check("2-2-1", ["dW1 = 1/m * dZ1 @ X.T"]).exit_code == 0
