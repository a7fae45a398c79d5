"""A NumPy module for a small network's cost, gradient and Hessian over all parameters, vectorised
over the m examples, from `derive.network_hessian` (templates/numpy/hessian.py.jinja).

Each example's forward pass, its sensitivities dz/dphi and all per-example entries are array
expressions over the m examples; SymPy's cse shares what the gradient and the Hessian entries have
in common, only the upper triangle's non-zero entries are computed, and each is summed once.
"""
from __future__ import annotations

import sympy as sp

from ..derive.network_hessian import NetworkHessian
from .environment import render
from .function_code import load_source
from .numpy_printer import CourseNumPyPrinter


def _matrix_name(kind: str, layer: int) -> str:
    return f"{kind}{layer}"


def hessian_context(hessian: NetworkHessian) -> dict:
    d = hessian.derivation
    spec, n = d.spec, d.notation
    printer = CourseNumPyPrinter({"strict": True})
    column = spec.layout == "column"

    unpack = []
    for (layer, j, k), symbol in zip(hessian.positions, hessian.parameters):
        if k is None:
            unpack.append((symbol.name, _matrix_name("b", layer), f"{j - 1}, 0" if column else f"0, {j - 1}"))
        else:
            row, col = n.weight_position(j, k)
            unpack.append((symbol.name, _matrix_name("W", layer), f"{row - 1}, {col - 1}"))
    inputs = [(n.x(k).name, f"X[{k - 1}]" if column else f"X[:, {k - 1}]") for k in d.units(0)]
    targets = [(t.name, f"Y[{i}]" if column else f"Y[:, {i}]") for i, t in enumerate(d.targets)]

    forward = []
    for layer in range(1, spec.depth + 1):  # every z of a layer before its a's: softmax needs them all
        zs = [n.z(layer, j) for j in d.units(layer)]
        forward += [(z.name, printer.doprint(d.preactivation(layer, j))) for j, z in zip(d.units(layer), zs)]
        shift = {}
        if not d.activation(layer).elementwise:  # softmax, shifted by the largest z so exp cannot overflow
            largest = sp.Symbol(f"zmax{layer}")
            forward.append((largest.name, printer.doprint(sp.Max(*zs))))
            shift = {z: z - largest for z in zs}
        forward += [(n.a(layer, j).name, printer.doprint(d.output_of(layer, j).xreplace(shift))) for j in d.units(layer)]
    sensitivities = [(s.symbol.name, printer.doprint(s.value))
                     for parameter in hessian.parameters for s in hessian.sensitivities[parameter]]

    # the L2 penalty (not per example) is added to the sums over the examples: J = factor (sum L + penalty)
    penalty_gradient = [_plus(printer, e) for e in hessian.penalty_gradient]
    upper = sorted(set(hessian.entries) | set(hessian.penalty_entries))
    expressions = list(hessian.gradient) + [hessian.entries.get(key, sp.Integer(0)) for key in upper]
    replacements, reduced = sp.cse(expressions, symbols=sp.numbered_symbols("_c"))
    shared = [(s.name, printer.doprint(e)) for s, e in replacements]
    gradient = [f"_total({printer.doprint(e)}, m){extra}" for e, extra in zip(reduced[: len(hessian.gradient)], penalty_gradient)]
    entries = [(i, j, f"_total({printer.doprint(e)}, m){_plus(printer, hessian.penalty_entries.get((i, j), 0))}")
               for (i, j), e in zip(upper, reduced[len(hessian.gradient):])]
    gradient_replacements, gradient_reduced = sp.cse(list(hessian.gradient), symbols=sp.numbered_symbols("_g"))
    loss = printer.doprint(d.loss)
    return {
        "spec": spec,
        "parameter_names": [p.name for p in hessian.parameters],
        "count": len(hessian.parameters),
        "shapes": _shapes(spec),
        "unpack": unpack,
        "inputs": inputs,
        "targets": targets,
        "n_outputs": spec.n_outputs,
        "column": column,
        "forward": forward,
        "sensitivities": sensitivities,
        "shared": shared,
        "loss": loss,
        "gradient": gradient,
        "gradient_shared": [(s.name, printer.doprint(e)) for s, e in gradient_replacements],
        "gradient_only": [f"_total({printer.doprint(e)}, m){extra}" for e, extra in zip(gradient_reduced, penalty_gradient)],
        "l2": None if hessian.l2 is None else repr(hessian.l2),
        "penalty": _plus(printer, hessian.penalty),
        "entries": entries,
        "nonzero": len(entries),
        "mean": spec.reduction == "mean",
        "imports": sorted(printer.used_modules | {"numpy"}),
        "command": f"symnn hessian {spec.command_line()} --network --code FILE",
    }


def _plus(printer, expression) -> str:
    """" + code" for a non-zero term added to a sum over the examples, "" for zero."""
    return "" if expression == 0 else f" + {printer.doprint(expression)}"


def _shapes(spec) -> list[tuple[str, tuple[int, int]]]:
    """Each parameter matrix with its shape in the spec's layout, in the course's order."""
    shapes = []
    for layer in range(1, spec.depth + 1):
        rows, cols = spec.sizes[layer], spec.sizes[layer - 1]
        shapes.append((_matrix_name("W", layer), (rows, cols) if spec.layout == "column" else (cols, rows)))
        if spec.bias:
            shapes.append((_matrix_name("b", layer), (rows, 1) if spec.layout == "column" else (1, rows)))
    return shapes


def hessian_module_source(hessian: NetworkHessian) -> str:
    return render("numpy/hessian.py.jinja", **hessian_context(hessian))


def load_hessian_module(hessian: NetworkHessian):
    return load_source(hessian_module_source(hessian), f"symnn_hessian_{hessian.derivation.spec.slug}")
