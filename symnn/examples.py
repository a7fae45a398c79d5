"""The example outputs committed in generated/, and the one command that remakes them all.

`symnn examples` (or `python -m symnn examples`) calls every writer below for every example spec.
A test regenerates everything into a temporary folder and fails when generated/ differs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from .spec import NetworkSpec, parse_spec

# The seed networks (see ../shared/seeds): what students meet in the lecture notes.
EXAMPLE_SPECS: list[tuple[str, dict]] = [
    ("2-2-1", {"act": "sigmoid", "loss": "bce"}),  # seed 000: the 2-2-1 network and dL/dw11
    ("2-4-1", {"act": "tanh,sigmoid", "loss": "bce"}),  # the planar-data network
    ("2-3-3-1", {"act": "sigmoid", "loss": "bce"}),  # seed 002, element by element
    ("784-128-10", {"act": "relu,softmax", "loss": "cce", "layout": "row"}),  # seed 001 style, MNIST sized
]


def example_specs() -> list[NetworkSpec]:
    return [parse_spec(sizes, **options) for sizes, options in EXAMPLE_SPECS]


def _write_sheets(spec: NetworkSpec, out: Path) -> list[Path]:
    """The derivation sheets (.tex and .md; Vietnamese too for the seed 2-2-1 network), no PDFs:
    a PDF's bytes depend on the TeX Live version, so it is built on demand, not committed."""
    from .derive.perweight import derive_network
    from .render.sheets import write_sheets

    derivation = derive_network(spec)
    languages = ("en", "vi") if spec.sizes == (2, 2, 1) else ("en",)
    written = []
    for lang in languages:
        written.extend(write_sheets(derivation, out / "sheets", ("tex", "md"), lang)[0])
    return written


def _writers() -> list[Callable[[NetworkSpec, Path], list[Path]]]:
    """Each writer makes one kind of output for one spec and returns the paths it wrote."""
    return [_write_sheets]


def regenerate(out: str | Path = "generated") -> list[Path]:
    out = Path(out)
    written: list[Path] = []
    for spec in example_specs():
        for writer in _writers():
            written.extend(writer(spec, out))
    return written
