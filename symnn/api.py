"""The Python API: one function per CLI command, same names and options."""
from __future__ import annotations

import math
from pathlib import Path

import sympy as sp

from . import newton as newton_module
from .display import BuildResult, NetworkHessianResult, Runs, SheetResult
from .derive.functions import SOLVE_SECONDS, FunctionDerivation, derive_function
from .derive.matrix import MatrixDerivation
from .derive.matrix import derive_matrix as matrix_derivation
from .derive.perweight import NetworkDerivation, derive_network
from .errors import SpecError
from .limits import check_listing
from .funcspec import FunctionSpec, parse_function
from .limits import MAX_DESCENT_ITERATIONS, MAX_NEWTON_ITERATIONS, checked_count, checked_number
from .render.codegen import module_source
from .render.environment import render
from .render.function_code import function_module_source, load_function_module
from .render.files import refuse_foreign_files, stamp, write_atomic
from .render.jsonout import derivation_json
from .spec import NetworkSpec, parse_spec
from .verify import check_gradients
from .verify_code import check_module_gradients, inside_domains, load_generated

LISTING_LIMIT = 2000  # parameters listed one by one before we switch to one per layer


def network(spec: str | NetworkSpec = "2-2-1", **options) -> NetworkSpec:
    """A validated network spec from `2-3-1`-style sizes or a TOML path, plus options."""
    return spec if isinstance(spec, NetworkSpec) else parse_spec(spec, **options)


def derive(spec: str | NetworkSpec = "2-2-1", **options) -> NetworkDerivation:
    """Every parameter's chain-rule factors and closed form (computed lazily per parameter)."""
    return derive_network(network(spec, **options))


def select_positions(derivation: NetworkDerivation, names: list[str] | None = None, everything: bool = False):
    """(layer, j, k) of the parameters to list: the named ones, every one, or for a network over
    LISTING_LIMIT parameters one weight and one bias per layer."""
    if names:
        found = {name: derivation.notation.parameter_of(name) for name in dict.fromkeys(names)}
        missing = [name for name, where in found.items() if where is None]
        if missing:
            raise SpecError(f"no parameter named {', '.join(missing)} in this network (names look like w1_1_2, b2_1)")
        return list(found.values())
    if everything or derivation.spec.parameter_count <= LISTING_LIMIT:
        check_listing(derivation.spec.parameter_count)
        return list(derivation.parameters())
    return [(g.layer, g.unit, g.source) for g in derivation.representative_gradients()]


def select_gradients(derivation: NetworkDerivation, names: list[str] | None = None, everything: bool = False):
    """The ParameterGradient objects of `select_positions`."""
    return [derivation.gradient(*where) for where in select_positions(derivation, names, everything)]


def derivation_text(derivation: NetworkDerivation, positions=None, chosen: bool = False) -> str:
    """The text listing of `symnn derive` (default: the parameters select_positions picks)."""
    from .render.listing import text_chunks

    positions = select_positions(derivation) if positions is None else list(positions)
    return "".join(text_chunks(derivation, positions, chosen))


def regularization_text(derivation: NetworkDerivation) -> dict | None:
    """--l2 / --dropout lines of the listing: the penalty's term for one weight and SymPy's derivative of it."""
    spec = derivation.spec
    if spec.l2 is None and spec.dropout is None:
        return None
    from .rules.regularization import l2_penalty_gradient, l2_penalty_term

    w = sp.Symbol("w")
    l2 = None
    if spec.l2 is not None:
        l2 = {"penalty": l2_penalty_term(w, derivation.reduction_factor),
              "gradient": l2_penalty_gradient(w, derivation.reduction_factor)}
    return {"l2": l2, "dropout": spec.dropout is not None}


def derive_matrix(spec: str | NetworkSpec = "2-2-1", **options) -> MatrixDerivation:
    """The vectorised equations (Z, A, J, dZ, dW, db, dA per layer) with shapes and their proof status."""
    return matrix_derivation(network(spec, **options))


def codegen(spec: str | NetworkSpec = "2-2-1", out: str | Path | None = None, force: bool = False, **options) -> str:
    """The NumPy module's source for `spec`; written atomically to `out` when given (a file symnn did
    not write is refused unless `force`)."""
    source = module_source(network(spec, **options), None if out is None else str(out))
    if out is not None:
        source = stamp(source)  # what is written: with the hash that marks it as symnn's
        write_atomic(out, source, force=force)
    return source


def sheet(spec: str | NetworkSpec = "2-2-1", out: str | Path = ".", formats="tex,md,pdf", lang: str = "en",
          force: bool = False, **options) -> dict:
    """The derivation sheet (LaTeX, Markdown, PDF when pdflatex exists) written into `out`.

    Returns {"files": [paths], "note": why no PDF was made, or None}.
    """
    from .render.sheets import write_sheets

    files, note = write_sheets(derive(spec, **options), out, formats, lang, force)
    return SheetResult(files=files, note=note)


def build(spec: str | NetworkSpec = "2-2-1", out: str | Path = "symnn-build", force: bool = False,
          lang: str = "en", formats="tex,md,pdf", **options) -> dict:
    """The main job: the derivation (JSON and text), the NumPy module, the derivation sheet (`formats`
    of tex, md, and pdf when pdflatex exists, in `lang`), and a report of the checks (closed forms and
    the module's backward pass against the numerical derivative, the matrix proof). `force` overwrites
    files symnn did not write."""
    derivation = derive(spec, **options)
    positions = select_positions(derivation)
    out = Path(out)
    slug = derivation.spec.slug
    checks = check_gradients(derivation)  # above 2,000 parameters, a seeded sample (the report says so)
    module_path = out / f"{slug}.py"
    source = module_source(derivation.spec, module_path.name)  # relative: the same bytes in any folder
    matrices = matrix_derivation(derivation.spec)
    module = load_generated(source)
    code_check = check_module_gradients(module, derivation.spec)
    regularized = regularization_checks(derivation, module)  # --l2 / --dropout only
    from .verify import METHOD, RELATIVE_TOLERANCE

    report = render("text/report.txt.jinja", spec=derivation.spec, checks=checks, code_check=code_check,
                    method=METHOD, tolerance=f"{RELATIVE_TOLERANCE:g}", parameter_count=derivation.spec.parameter_count,
                    module_file=module_path.name, proof=matrices.proof, regularized=regularized)
    outputs = {
        out / f"{slug}.derivation.json": derivation_json(derivation, positions),
        out / f"{slug}.derivation.txt": derivation_text(derivation, positions),
        module_path: source,
        out / f"{slug}.report.txt": report,
    }
    from .render.sheets import refuse_foreign_sheets, write_sheets

    refuse_foreign_files(outputs, force)  # every target checked before anything is written
    refuse_foreign_sheets(derivation, out, formats, lang, force)
    files = [write_atomic(path, content, force=force) for path, content in outputs.items()]
    sheet_files, sheet_note = write_sheets(derivation, out, formats, lang, force)
    files.extend(sheet_files)
    passed = all(c.passed for c in checks) and code_check.passed and matrices.proof.status != "failed"
    passed = passed and (regularized is None or regularized["passed"])
    return BuildResult(files=files, checks=checks, code_check=code_check, proof=matrices.proof, passed=passed,
                       derivation_parameters=derivation.spec.parameter_count, note=sheet_note)


def regularization_checks(derivation: NetworkDerivation, module) -> dict | None:
    """For --l2 / --dropout: the per-weight L2 forms and the module's regularised functions against
    central differences, and the proof of their vectorised equations; None for a spec without them."""
    from .derive.regularization import derive_regularized
    from .verify_regularization import check_l2_gradients, check_regularized_module

    spec = derivation.spec
    matrices = derive_regularized(spec)
    if matrices is None:
        return None
    small = spec.parameter_count <= LISTING_LIMIT
    l2 = check_l2_gradients(derivation) if spec.l2 is not None and small else []
    modules = check_regularized_module(module, spec)
    passed = all(c.passed for c in l2) and all(c.passed for c in modules.values()) and matrices.proof.status != "failed"
    return {"l2": l2, "modules": modules, "proof": matrices.proof, "passed": passed}


# --- functions: gradient, Hessian, critical points, Newton's method ---
def function(expression: str | FunctionSpec, vars: str | list[str] | None = None) -> FunctionSpec:
    """A validated function spec from a formula (`x^4 + 0.8*y^4 - x*y`); `vars` names and orders the variables."""
    return expression if isinstance(expression, FunctionSpec) else parse_function(expression, vars)


def hessian(expression: str | FunctionSpec, vars: str | list[str] | None = None,
            solve_seconds: float = SOLVE_SECONDS) -> FunctionDerivation:
    """Gradient, Hessian and (on first use of `.critical_points`) the classified critical points."""
    return derive_function(function(expression, vars), solve_seconds)


def function_module(expression: str | FunctionSpec, vars: str | list[str] | None = None, compiled: bool = True):
    """The generated module (f, gradient, hessian, hessian_batch), imported. With `compiled`, its
    hessian_batch runs on the compiled C kernel where the machine has a C compiler; `BATCH_BACKEND`
    says which path it took ("C", or "numpy" and why not)."""
    from . import native

    module = load_function_module(derive_function(function(expression, vars)))
    if compiled:
        try:
            native.accelerate(module)
        except native.NativeUnavailable as exc:
            module.BATCH_BACKEND = f"numpy ({exc})"
    return module


def parse_start(x0, n: int) -> list[float]:
    """A start point from '4,4', a number or a sequence of numbers."""
    if isinstance(x0, str):
        parts = [p.strip() for p in x0.split(",")]
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise SpecError(f"the start {x0!r} is not a comma-separated list of numbers, like 4,4") from None
    else:
        values = [float(v) for v in (x0 if hasattr(x0, "__len__") else [x0])]
    if len(values) != n:
        raise SpecError(f"the start {x0!r} has {len(values)} value(s) but the function has {n} variable(s)")
    if not all(math.isfinite(v) for v in values):
        raise SpecError(f"the start {x0!r} must be finite numbers")
    return values


def newton_runs(derivation: FunctionDerivation, x0, root: bool = False, any_critical: bool = False,
                learning_rate: float | None = None, tol: float = newton_module.TOLERANCE,
                max_iter: int = newton_module.NEWTON_ITERATIONS,
                gd_max_iter: int = newton_module.DESCENT_ITERATIONS) -> list[newton_module.Run]:
    """Newton's method from x0, then gradient descent from x0 when a learning rate is given."""
    tol = checked_number(tol, "the tolerance", maximum=1e6)
    max_iter = checked_count(max_iter, "Newton's iteration limit", MAX_NEWTON_ITERATIONS, minimum=0)
    gd_max_iter = checked_count(gd_max_iter, "gradient descent's iteration limit", MAX_DESCENT_ITERATIONS, minimum=0)
    start = parse_start(x0, derivation.spec.n)
    module = load_function_module(derivation)
    if root:
        runs = [newton_module.newton_root(derivation, start, tol, max_iter, module=module)]
    else:
        runs = [newton_module.newton_minimise(derivation, start, tol, max_iter, not any_critical, module=module)]
    if learning_rate is not None:
        if root:
            raise SpecError("gradient descent minimises; it cannot be compared with root finding (drop --root)")
        runs.append(newton_module.gradient_descent(derivation, start, learning_rate, tol, gd_max_iter, module=module))
    return runs


def newton(expression: str | FunctionSpec, x0, vars=None, **options) -> Runs:
    """`symnn newton` in Python: the runs (Newton first, gradient descent second if `learning_rate`), a
    list that shows each run's table in a notebook."""
    return Runs(newton_runs(hessian(expression, vars), x0, **options))


def write_function_code(derivation: FunctionDerivation, path: str | Path, force: bool = False) -> Path:
    """The NumPy module with f, gradient, hessian and hessian_batch."""
    return write_atomic(path, function_module_source(derivation), force=force)


def write_function_sheets(derivation: FunctionDerivation, out: str | Path, runs=(), formats=("tex", "md"),
                          force: bool = False, lang: str = "en") -> list[Path]:
    """The function sheet (gradient, Hessian, eigenvalue test, Newton tables) in English or Vietnamese."""
    from .render.function_report import write_function_sheets as write

    return write(derivation, out, list(runs), formats, force, lang)


def network_hessian(spec: str | NetworkSpec = "2-2-1", code: str | Path | None = None, train: bool = False,
                    learning_rate: float = 1.2, force: bool = False, **options) -> dict:
    """The Hessian of a small network's cost: a summary, the NumPy module (to `code`), and with `train`
    damped Newton against gradient descent on seeded toy data."""
    from . import network_newton
    from .derive.network_hessian import network_hessian as derive_hessian
    from .render.hessian_code import hessian_module_source, load_hessian_module

    if train:
        learning_rate = checked_number(learning_rate, "the learning rate", maximum=1e6)
    hessian = derive_hessian(derive(spec, **options))
    files = [write_atomic(code, hessian_module_source(hessian), force=force)] if code else []
    runs, data = [], None
    if train:
        module = load_hessian_module(hessian)
        X, Y = network_newton.toy_data(hessian.derivation.spec)
        start = network_newton.initial_parameters(module)
        # sqrt(z), log(z): every example's pre-activations start inside the activation's domain
        start = inside_domains(hessian.derivation.spec, X, start, rng=1)
        runs = [network_newton.newton(hessian.derivation, X, Y, parameters=start, tol=1e-6, module=module),
                network_newton.gradient_descent(hessian.derivation, X, Y, learning_rate, parameters=start, tol=1e-6,
                                                max_iter=20_000, module=module)]
        data = X.shape
    text = render("text/network_hessian.txt.jinja", hessian=hessian, spec=hessian.derivation.spec,
                  runs=[{"run": r, "rows": _shown(r)} for r in runs], data=data)
    return NetworkHessianResult(hessian=hessian, runs=runs, files=files, text=text)


def _shown(run):
    from .render.function_report import shown_rows

    return shown_rows(run)
