"""The per-weight derivation as JSON (fields documented in the README), built by render.listing."""
from __future__ import annotations

from ..derive.perweight import NetworkDerivation
from .listing import json_chunks, spec_dict  # noqa: F401  (spec_dict: part of this module's interface)


def derivation_json(derivation: NetworkDerivation, positions=None) -> str:
    """The whole document as one string; `positions` are (layer, j, k) (default: every parameter)."""
    positions = list(derivation.parameters()) if positions is None else list(positions)
    return "".join(json_chunks(derivation, positions))
