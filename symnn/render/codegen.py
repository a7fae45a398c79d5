"""The NumPy module for one network: the course API plus a fused training step.

Every formula is printed by `numpy_printer.CourseNumPyPrinter` from the matrix derivation, and each
comment is the same equation printed as text; the template `numpy/network.py.jinja` only lays the
lines out. Numerical choices, made here and stated in the module's docstring:

- log losses clip the output to [eps, 1 - eps] (eps of the array's dtype) before the log and before
  a 1/a in an unfused dL/dA, so the cost and the gradients stay finite when an output reaches 0 or 1
  (the fused dZ = A - Y needs no clipping);
- softmax subtracts each example's maximum before exp (the shift cancels);
- numbers print as Python literals, so float32 inputs and parameters stay float32 throughout.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import __version__
from ..derive.matrix import MatrixDerivation, MatrixEquation, derive_matrix, width_symbol
from ..derive.matrixnodes import UnitSoftmax
from ..notation import _plain
from ..rules.activations import Softmax
from ..spec import NetworkSpec
from .environment import render
from .inplace import InPlaceEmitter
from .matrixtext import matrix_text
from .numpy_printer import CourseNumPyPrinter, entrywise_formula

TEMPLATE = "numpy/network.py.jinja"
SCALE = sp.Symbol("scale")  # learning_rate / m (or learning_rate for a summed cost), folded into dZ^{[L]}


@dataclass(frozen=True)
class Line:
    code: str
    comment: str = ""


class ModuleWriter:
    """Everything the template shows, printed once from one matrix derivation."""

    def __init__(self, derivation: MatrixDerivation):
        self.derivation = derivation
        self.spec = derivation.spec
        self.printer = CourseNumPyPrinter()
        self.text_names = {symbol: _plain(latex) for symbol, latex in derivation.latex_names.items()}
        self.column = self.spec.layout == "column"
        self.depth = self.spec.depth
        self.clip = self.spec.loss.needs_unit_interval

    def code(self, expression) -> str:
        return self.printer.doprint(expression)

    def text(self, expression) -> str:
        return matrix_text(expression, self.text_names)

    def line(self, equation: MatrixEquation, rhs=None) -> Line:
        rhs = equation.rhs if rhs is None else rhs
        return Line(f"{equation.name} = {self.code(rhs)}", f"{self.text(equation.target)} = {self.text(equation.rhs)}")

    # --- the course functions ---
    def forward_blocks(self) -> list[tuple[int, list[Line]]]:
        blocks = []
        for layer in range(1, self.depth + 1):
            blocks.append((layer, [self.line(self.derivation.equation(f"{kind}{layer}")) for kind in ("Z", "A")]))
        return blocks

    def output_symbol(self) -> sp.MatrixSymbol:
        return self.derivation.equation(f"A{self.depth}").target

    def clipped(self, expression):
        """The expression with A^{[L]} read from its clipped copy (for log losses)."""
        if not self.clip:
            return expression
        output = self.output_symbol()
        return expression.xreplace({output: sp.MatrixSymbol(f"{output.name}_safe", *output.shape)})

    def cost_line(self) -> Line:
        equation = self.derivation.equation("J")
        return Line(f"cost = {self.code(self.clipped(equation.rhs))}", f"J = {self.text(equation.rhs)}")

    def backward_blocks(self) -> list[tuple[int, list[Line]]]:
        blocks: dict[int, list[Line]] = {}
        for equation in self.derivation.of_kind("backward"):
            rhs = self.clipped(equation.rhs) if (equation.role, equation.layer) == ("dA", self.depth) else equation.rhs
            layer = equation.layer + 1 if equation.role == "dA" and equation.layer < self.depth else equation.layer
            blocks.setdefault(layer, []).append(self.line(equation, rhs))
        return sorted(blocks.items(), reverse=True)

    def fused_note(self) -> str:
        """What SymPy simplified into dZ^{[L]}, for the comment above it."""
        if not self.derivation.output_fused:
            return ""
        gradient, product = self.derivation.unfused_output
        expanded = product.rhs.xreplace({gradient.target: gradient.rhs})
        return f"SymPy fused dL/dA ∘ g'(.) = {self.text(expanded)} into this"

    def needs_safe_output_in_backward(self) -> bool:
        return self.clip and not self.derivation.output_fused

    def names_used(self, kind: str) -> list[str]:
        """Matrix names the backward equations read, by where they come from."""
        found = set()
        for equation in self.derivation.of_kind("backward"):
            found |= {s.name for s in equation.rhs.atoms(sp.MatrixSymbol)}
        computed = {e.name for e in self.derivation.of_kind("backward")}
        if kind == "parameters":
            return sorted(n for n in found if n.startswith("W"))
        return [e.name for e in self.derivation.of_kind("forward") if e.name in found and e.name not in computed]

    def uses_m(self) -> bool:
        return self.spec.reduction == "mean"

    # --- the fused training step ---
    def fused_step(self) -> tuple[list[Line], list[tuple[str, str]], list[tuple[str, str]]]:
        """(statements, buffers (name, shape code), aliases (name, other)) for `make_train_step`."""
        lines: list[Line] = []
        buffers: dict[str, str] = {}
        aliases: list[tuple[str, str]] = []
        pending_updates: list[Line] = []
        scratch_counts: dict[int, int] = {}

        def shape_code(shape) -> str:
            return "(" + ", ".join("m" if s == sp.Symbol("m") else _width_code(s, self.spec) for s in shape) + ")"

        def emit(equation: MatrixEquation, formula, note: str = "") -> None:
            layer = equation.layer
            names = [f"tmp{layer}_{i}" for i in range(4)]
            emitter = InPlaceEmitter(self.printer, names)
            statements = emitter.emit(formula, equation.name)
            scratch_counts[layer] = max(scratch_counts.get(layer, 0), emitter.scratch_used)
            comment = f"{self.text(equation.target)} = {self.text(equation.rhs)}{note}"
            lines.extend(Line(s, comment if i == 0 else "") for i, s in enumerate(statements))

        for equation in self.derivation.equations:
            role, layer, name = equation.role, equation.layer, equation.name
            if role == "J":
                continue
            comment = f"{self.text(equation.target)} = {self.text(equation.rhs)}"
            if role == "A" and equation.rhs == self.derivation.equation(f"Z{layer}").target:
                aliases.append((name, f"Z{layer}"))
                continue
            buffers[name] = shape_code(equation.shape)
            if role == "Z":
                product, *bias = sp.MatAdd.make_args(equation.rhs)
                left, right = product.args
                lines.append(Line(f"np.matmul({self.code(left)}, {self.code(right)}, out={name})", comment))
                if bias:
                    lines.append(Line(f"np.add({name}, b{layer}, out={name})", ""))
            elif role == "A" and isinstance(equation.rhs, UnitSoftmax):
                axis = equation.rhs.axis
                reduced = "(1, m)" if axis == 0 else "(m, 1)"
                buffers[f"peak{layer}"] = reduced
                buffers[f"total{layer}"] = reduced
                lines += [
                    Line(f"np.maximum.reduce(Z{layer}, axis={axis}, keepdims=True, out=peak{layer})", comment + " (shifted by the max)"),
                    Line(f"np.subtract(Z{layer}, peak{layer}, out={name})"),
                    Line(f"np.exp({name}, out={name})"),
                    Line(f"np.add.reduce({name}, axis={axis}, keepdims=True, out=total{layer})"),
                    Line(f"np.divide({name}, total{layer}, out={name})"),
                ]
            elif role in ("A", "dZ") or (role == "dA" and layer == self.depth):
                if role == "dA" and self.clip:
                    safe = f"{name[1:]}_safe"
                    buffers[safe] = buffers[name]
                    lines.append(Line(f"np.clip({name[1:]}, eps, 1 - eps, out={safe})", "outputs clipped to [eps, 1 - eps]: 1/a stays finite"))
                formula = entrywise_formula(self.clipped(equation.rhs) if role == "dA" else equation.rhs)
                first_delta = role == "dZ" and layer == self.depth
                if formula is None:  # not entry by entry (a softmax Jacobian): one NumPy expression
                    scaled = f" * scale" if first_delta else ""
                    lines.append(Line(f"{name}[...] = {self.code(equation.rhs)}{scaled}", comment))
                else:
                    emit(equation, SCALE * formula if first_delta else sp.piecewise_fold(formula),
                         " (times learning_rate/m)" if first_delta and self.uses_m() else
                         (" (times learning_rate)" if first_delta else ""))
            elif role == "dA":
                W, dZ = f"W{layer + 1}", f"dZ{layer + 1}"
                pair = (f"{W}.T", dZ) if self.column else (dZ, f"{W}.T")
                lines.append(Line(f"np.matmul({pair[0]}, {pair[1]}, out={name})", comment + " (before W changes)"))
                lines += pending_updates
                pending_updates = []
            elif role == "dW":
                _, factors = equation.rhs.as_coeff_matrices() if isinstance(equation.rhs, sp.MatMul) else (1, [equation.rhs])
                left, right = factors
                lines.append(Line(f"np.matmul({self.code(left)}, {self.code(right)}, out={name})",
                                  comment + " (the scale is already in dZ)"))
                pending_updates.append(Line(f"np.subtract(W{layer}, {name}, out=W{layer})", f"W^[{layer}] := W^[{layer}] - learning_rate dW^[{layer}]"))
            elif role == "db":
                axis = 1 if self.column else 0
                lines.append(Line(f"np.add.reduce(dZ{layer}, axis={axis}, keepdims=True, out={name})",
                                  comment + " (the scale is already in dZ)"))
                pending_updates.append(Line(f"np.subtract(b{layer}, {name}, out=b{layer})", f"b^[{layer}] := b^[{layer}] - learning_rate db^[{layer}]"))
            if role in ("db", "dW") and layer == 1 and equation is self._last_of_layer_one():
                lines += pending_updates
                pending_updates = []
        lines += pending_updates
        for layer, count in sorted(scratch_counts.items()):
            for i in range(count):
                buffers[f"tmp{layer}_{i}"] = shape_code(self.derivation.equation(f"Z{layer}").shape)
        return lines, list(buffers.items()), aliases

    def _last_of_layer_one(self) -> MatrixEquation:
        return [e for e in self.derivation.equations if e.layer == 1 and e.role in ("dW", "db")][-1]

    # --- everything the template needs ---
    def context(self, command_out: str | None) -> dict:
        spec = self.spec
        step_lines, buffers, aliases = self.fused_step()
        command = f"symnn codegen {spec.command_line()}" + (f" -o {command_out}" if command_out else "")
        output = spec.activations[-1]
        if isinstance(output, Softmax) or spec.loss.needs_one_hot:
            prediction = "argmax"
        elif spec.loss.needs_unit_interval:
            prediction = "threshold"
        else:
            prediction = "value"
        context = dict(
            version=__version__,
            spec=spec,
            command=command,
            depth=self.depth,
            layer_dims=tuple(spec.sizes),
            column=self.column,
            bias=spec.bias,
            examples_axis=1 if self.column else 0,
            units_axis=0 if self.column else 1,
            activations=[a.spec_text for a in spec.activations],
            forward=self.forward_blocks(),
            output=self.output_symbol().name,
            cost=self.cost_line(),
            clip=self.clip,
            backward=self.backward_blocks(),
            fused_note=self.fused_note(),
            safe_output_in_backward=self.needs_safe_output_in_backward(),
            backward_parameters=self.names_used("parameters"),
            backward_cache=self.names_used("cache"),
            uses_m=self.uses_m(),
            reduction=spec.reduction,
            prediction=prediction,
            step=step_lines,
            buffers=buffers,
            aliases=aliases,
            proof=self.derivation.proof,
            gradient_names=[f"d{kind}{l}" for l in range(1, self.depth + 1) for kind in ("W", "b")[: 1 + spec.bias]],
            parameters_in_step=[f"{kind}{l}" for l in range(1, self.depth + 1) for kind in ("W", "b")[: 1 + spec.bias]],
        )
        context["softmax"] = any(isinstance(a, Softmax) for a in spec.activations)
        context["imports"] = sorted(self.printer.used_modules | {"numpy"})
        return context


def _width_code(symbol, spec: NetworkSpec) -> str:
    for layer, size in enumerate(spec.sizes):
        if symbol == width_symbol(layer):
            return str(size)
    return str(symbol)


def module_source(spec: NetworkSpec, command_out: str | None = None) -> str:
    """The generated module's text (deterministic: the same spec and command give the same bytes)."""
    writer = ModuleWriter(derive_matrix(spec))
    return render(TEMPLATE, **writer.context(command_out))


def write_example_module(spec: NetworkSpec, out_dir) -> list:
    """generated/<slug>.py: the module as `symnn examples` commits it."""
    from pathlib import Path

    from .files import write_atomic

    name = f"{spec.slug}.py"
    return [write_atomic(Path(out_dir) / name, module_source(spec, f"generated/{name}"))]
