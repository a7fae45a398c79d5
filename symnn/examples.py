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
    # course 2, week 1 (regularisation): the assignment's 2-20-3-1 network with its lambd
    ("2-20-3-1", {"act": "relu,relu,sigmoid", "loss": "bce", "l2": 0.7}),
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


def _write_network_hessian(spec: NetworkSpec, out: Path) -> list[Path]:
    """The cost/gradient/Hessian module over all parameters, for the networks small enough for it."""
    from .derive.network_hessian import MAX_PARAMETERS, network_hessian
    from .derive.perweight import derive_network
    from .render.files import write_atomic
    from .render.hessian_code import hessian_module_source

    if spec.parameter_count > MAX_PARAMETERS:
        return []
    source = hessian_module_source(network_hessian(derive_network(spec)))
    return [write_atomic(out / "hessian" / f"{spec.slug}.hessian.py", source)]


def _writers() -> list[Callable[[NetworkSpec, Path], list[Path]]]:
    """Each writer makes one kind of output for one spec and returns the paths it wrote."""
    from .check.seed_claims import write_seed_checks
    from .render.codegen import write_example_module

    return [write_example_module, _write_sheets, _write_network_hessian, write_seed_checks]


# The seeds' functions (seed 000), each with the start and learning rate its Newton example uses.
EXAMPLE_FUNCTIONS: list[tuple[str, str, float]] = [
    ("exp(x) - ln(x)", "0.05", 0.1),  # Newton's method in 1-D: the minimum W(1) = 0.567143...
    ("x^4 + 0.8*y^4 + 4*x^2 + 2*y^2 - x*y - 0.2*x^2*y", "4,4", 0.01),  # Newton in 2-D against GD
    ("x^3 - 3*x + y^2", "2,1", 0.05),  # a minimum and a saddle point
]


def _write_functions(out: Path) -> list[Path]:
    """Function sheets (with Newton and gradient-descent tables) and evaluator modules."""
    from .api import hessian, newton_runs, write_function_code, write_function_sheets

    written = []
    for text, start, rate in EXAMPLE_FUNCTIONS:
        derivation = hessian(text)
        runs = newton_runs(derivation, start, learning_rate=rate)
        for lang in ("en", "vi"):  # seed 000, where these come from, is English and Vietnamese
            written += write_function_sheets(derivation, out / "functions", runs, lang=lang)
        written.append(write_function_code(derivation, out / "functions" / f"{derivation.spec.slug}.py"))
    return written


def regenerate(out: str | Path = "generated") -> list[Path]:
    from .render.files import replacing_marked_files

    out = Path(out)
    written: list[Path] = []
    with replacing_marked_files():  # an edited or stale example (a merge conflict) is remade too
        for spec in example_specs():
            for writer in _writers():
                written.extend(writer(spec, out))
        written.extend(_write_functions(out))
    return written
