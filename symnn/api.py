"""The Python API: one function per CLI command, same names and options."""
from __future__ import annotations

from pathlib import Path

from .derive.matrix import MatrixDerivation
from .derive.matrix import derive_matrix as matrix_derivation
from .derive.perweight import NetworkDerivation, derive_network
from .render.codegen import module_source
from .render.environment import render
from .render.files import refuse_foreign_files, write_atomic
from .render.jsonout import derivation_json
from .spec import NetworkSpec, parse_spec
from .verify import check_gradients
from .verify_code import check_module_gradients, load_generated

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


def derive_matrix(spec: str | NetworkSpec = "2-2-1", **options) -> MatrixDerivation:
    """The vectorised equations (Z, A, J, dZ, dW, db, dA per layer) with shapes and their proof status."""
    return matrix_derivation(network(spec, **options))


def codegen(spec: str | NetworkSpec = "2-2-1", out: str | Path | None = None, force: bool = False, **options) -> str:
    """The NumPy module's source for `spec`; written atomically to `out` when given (a file symnn did
    not write is refused unless `force`)."""
    source = module_source(network(spec, **options), None if out is None else str(out))
    if out is not None:
        write_atomic(out, source, force=force)
    return source


def sheet(spec: str | NetworkSpec = "2-2-1", out: str | Path = ".", formats="tex,md,pdf", lang: str = "en",
          force: bool = False, **options) -> dict:
    """The derivation sheet (LaTeX, Markdown, PDF when pdflatex exists) written into `out`.

    Returns {"files": [paths], "note": why no PDF was made, or None}.
    """
    from .render.sheets import write_sheets

    files, note = write_sheets(derive(spec, **options), out, formats, lang, force)
    return {"files": files, "note": note}


def build(spec: str | NetworkSpec = "2-2-1", out: str | Path = "symnn-build", **options) -> dict:
    """The main job: the derivation (JSON and text), the NumPy module, the derivation sheet (tex, md,
    and pdf when pdflatex exists), and a report of the checks (closed forms and the module's backward
    pass against central differences, the matrix proof)."""
    derivation = derive(spec, **options)
    gradients = select_gradients(derivation)
    out = Path(out)
    slug = derivation.spec.slug
    checks = check_gradients(derivation) if derivation.spec.parameter_count <= LISTING_LIMIT else []
    module_path = out / f"{slug}.py"
    source = module_source(derivation.spec, module_path.name)  # relative: the same bytes in any folder
    matrices = matrix_derivation(derivation.spec)
    code_check = check_module_gradients(load_generated(source), derivation.spec)
    report = render("text/report.txt.jinja", spec=derivation.spec, checks=checks, code_check=code_check,
                    module_file=module_path.name, proof=matrices.proof)
    outputs = {
        out / f"{slug}.derivation.json": derivation_json(derivation, gradients),
        out / f"{slug}.derivation.txt": derivation_text(derivation, gradients),
        module_path: source,
        out / f"{slug}.report.txt": report,
    }
    from .render.sheets import refuse_foreign_sheets, write_sheets

    refuse_foreign_files(outputs)  # every target checked before anything is written
    refuse_foreign_sheets(derivation, out)
    files = [write_atomic(path, content) for path, content in outputs.items()]
    sheet_files, sheet_note = write_sheets(derivation, out)
    files.extend(sheet_files)
    passed = all(c.passed for c in checks) and code_check.passed and matrices.proof.status != "failed"
    return {"files": files, "checks": checks, "code_check": code_check, "proof": matrices.proof, "passed": passed,
            "note": sheet_note}
