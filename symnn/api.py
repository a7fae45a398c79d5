"""The Python API: one function per CLI command, same names and options."""
from __future__ import annotations

from pathlib import Path

from .derive.perweight import NetworkDerivation, derive_network
from .render.environment import render
from .render.files import refuse_foreign_files, write_atomic
from .render.jsonout import derivation_json
from .spec import NetworkSpec, parse_spec
from .verify import check_gradients

LISTING_LIMIT = 2000  # parameters listed one by one before we switch to one per layer


def network(spec: str | NetworkSpec = "2-2-1", **options) -> NetworkSpec:
    """A validated network spec from `2-3-1`-style sizes or a TOML path, plus options."""
    return spec if isinstance(spec, NetworkSpec) else parse_spec(spec, **options)


def derive(spec: str | NetworkSpec = "2-2-1", **options) -> NetworkDerivation:
    """Every parameter's chain-rule factors and closed form (computed lazily per parameter)."""
    return derive_network(network(spec, **options))


def select_gradients(derivation: NetworkDerivation, names: list[str] | None = None, everything: bool = False):
    if names:
        wanted = set(names)
        chosen = [derivation.gradient(*p) for p in derivation.parameters() if _name(derivation, p) in wanted]
        missing = wanted - {g.parameter.name for g in chosen}
        if missing:
            from .errors import SpecError

            raise SpecError(f"no parameter named {', '.join(sorted(missing))} in this network (names look like w1_1_2, b2_1)")
        return chosen
    if everything or derivation.spec.parameter_count <= LISTING_LIMIT:
        return derivation.gradients()
    return derivation.representative_gradients()


def _name(derivation, parameter) -> str:
    layer, j, k = parameter
    n = derivation.notation
    return (n.b(layer, j) if k is None else n.w(layer, j, k)).name


def derivation_text(derivation: NetworkDerivation, gradients, chosen: bool = False) -> str:
    deltas = [d for layer in sorted(derivation.deltas, reverse=True) for d in derivation.deltas[layer]]  # as derived: output first
    return render(
        "text/derive.txt.jinja",
        derivation.notation.text_names,
        derivation.notation.chain_positions,
        spec=derivation.spec,
        loss=derivation.loss,
        reduction=derivation.reduction_factor,
        activations=derivation.spec.activations,
        deltas=deltas if len(deltas) <= LISTING_LIMIT else deltas[:LISTING_LIMIT],
        gradients=gradients,
        shown_count=len(gradients),
        total_count=derivation.spec.parameter_count,
        chosen=chosen,
    )


def build(spec: str | NetworkSpec = "2-2-1", out: str | Path = "symnn-build", **options) -> dict:
    """The main job: the derivation (JSON and text) and a gradient-check report, written into `out`."""
    derivation = derive(spec, **options)
    gradients = select_gradients(derivation)
    out = Path(out)
    slug = derivation.spec.slug
    checks = check_gradients(derivation) if derivation.spec.parameter_count <= LISTING_LIMIT else []
    outputs = {
        out / f"{slug}.derivation.json": derivation_json(derivation, gradients),
        out / f"{slug}.derivation.txt": derivation_text(derivation, gradients),
        out / f"{slug}.report.txt": render("text/report.txt.jinja", spec=derivation.spec, checks=checks),
    }
    refuse_foreign_files(outputs)
    files = [write_atomic(path, content) for path, content in outputs.items()]
    return {"files": files, "checks": checks, "passed": all(c.passed for c in checks)}
